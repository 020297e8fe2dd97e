#!/usr/bin/env python3
"""Writes the seed inputs of tests/fuzz/corpus/<target>/ from the repository's own test data,
mappings and connector examples (real-shaped inputs, small). Run from anywhere; it only adds or
overwrites files named seed-*, so crash and campaign inputs kept in the corpus stay.

Usage: tests/fuzz/make_seeds.py
"""
import glob
import hashlib
import io
import os
import zipfile

import yaml

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")
MAX_SEED = 16 << 10  # bytes: small seeds keep the replay fast and the campaign focused


def write(target, data, name=None):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_SEED:
        data = data[:MAX_SEED]
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(CORPUS, target, "seed-" + name), "wb") as f:
        f.write(data)


def files(*patterns):
    out = []
    for p in patterns:
        out += sorted(glob.glob(os.path.join(ROOT, p), recursive=True))
    return [f for f in out if os.path.isfile(f)]


def csv_seeds():
    # The first byte is the target's mode: bit 0 tab, bits 1-3 encoding, 0x10 small limits,
    # 0x20 / 0x40 small chunks.
    for path in files("tests/data/readers/*.csv", "tests/data/readers/*.tsv",
                      "tests/data/readers/exports/*.csv", "tests/data/ingest/*.csv",
                      "ops/examples/data/*.csv"):
        data = open(path, "rb").read()
        tab = 1 if path.endswith(".tsv") else 0
        base = os.path.basename(path)
        write("csv", bytes([tab]) + data, base)
        write("csv", bytes([tab | 0x20 | 0x10]) + data, base + "-tiny")
        if "gbk" in base or "18030" in base:
            write("csv", bytes([tab | (3 << 1)]) + data, base + "-gbk")
    write("csv", b"\x00a,\"b\nc\"\"d\",e\r\nf,\"g", "quotes")
    write("csv", b"\x08\xef\xbb\xbf\xe5\xa7\x93\xe5\x90\x8d,x\n1,2\n", "declared-bom")


def xlsx_seeds():
    for path in files("tests/data/readers/*.xlsx", "ops/examples/data/*.xlsx"):
        data = open(path, "rb").read()
        base = os.path.basename(path)
        try:
            z = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            write("xlsx", data, base)
            continue
        if len(data) <= MAX_SEED:
            write("xlsx", data, base)
        # Unpacked: "@@ NAME" then the content (the target zips it again).
        text = b""
        for info in z.infolist():
            if info.filename.endswith("/"):
                continue
            if info.filename.startswith("docProps/"):
                continue
            text += b"@@ " + info.filename.encode() + b"\n" + z.read(info) + b"\n"
        write("xlsx", text, base + "-parts")


def mapping_values():
    """Expressions from the shipped mappings: (grain, role, text)."""
    grains = ["person", "household", "building", "grid", "community"]
    for path in files("mappings/**/*.yaml", "tests/data/mapping/*.yaml"):
        try:
            spec = yaml.safe_load(open(path, encoding="utf-8"))
        except yaml.YAMLError:
            continue
        if not isinstance(spec, dict):
            continue
        grain = grains.index(spec.get("grain", "person")) if spec.get("grain") in grains else 0
        if isinstance(spec.get("where"), str):
            yield grain, 1, spec["where"]
        for item in spec.get("order_by") or []:
            if isinstance(item, str):
                yield grain, 2, item
        if isinstance(spec.get("subtotal_by"), str):
            yield grain, 3, spec["subtotal_by"]
        for col in spec.get("columns") or []:
            if isinstance(col, dict) and isinstance(col.get("value"), str):
                yield grain, 0, col["value"]


def expr_seeds():
    # Mode byte: grain + 5 * role; 0x80 marks source columns complete.
    seen = set()
    for grain, role, text in mapping_values():
        if text in seen:
            continue
        seen.add(text)
        write("expr", bytes([grain + 5 * role]) + text.encode("utf-8"))
    for path in files("ops/examples/connectors/*.yaml", "tests/bench/connectors/*.yaml"):
        spec = yaml.safe_load(open(path, encoding="utf-8"))
        for tag in spec.get("tags") or []:
            if isinstance(tag, dict) and isinstance(tag.get("when"), str):
                write("expr", bytes([0x80]) + tag["when"].encode("utf-8"))
    for text in ['保障金额 > 0 and 人数 > 户人数', 'case when age >= 100 then "百岁" else "否" end',
                 'count(person where age >= 60 and gender == "2")', "1 / 0", "-9223372036854775807 - 1",
                 'regex_extract(name, "^(.)")', 'has_tag(dibao) and tag(dibao).amount between 0 and 1000',
                 '`姓名` not in ("a", "b")']:
        write("expr", bytes([0]) + text.encode("utf-8"))
        write("expr", bytes([1]) + text.encode("utf-8"))


def yaml_seeds():
    for path in files("mappings/**/*.yaml", "tests/data/mapping/*.yaml",
                      "tests/data/mapping/broken/*.yaml"):
        write("mapping_yaml", open(path, "rb").read(), os.path.relpath(path, ROOT).replace("/", "_"))
    for path in files("ops/examples/connectors/*.yaml", "tests/bench/connectors/*.yaml"):
        write("connector_yaml", open(path, "rb").read(),
              os.path.relpath(path, ROOT).replace("/", "_"))
    write("connector_yaml", """id: minzheng-dibao
title: 民政低保系统导出
type: csv
trust: 60
options: {path: exports/dibao-*.csv, encoding: gbk, header_row: 2}
entity: person
match: {id_number: 身份证号}
fields:
  name: 姓名
  gender: {column: 性别, codes: {男: "1", 女: 女性}}
  phone: 联系电话
  household.household_number: 户号
tags:
  - {tag: dibao, when: '救助类型 in ("城市低保", "农村低保")', attrs: {category: 救助类型, amount: 保障金额, since: 认定日期}}
identity: {link: 0.9, review: 0.6}
conflict_threshold: 70
batch_size: 500
""", "design-example")


def json_seeds():
    # First line: If-Match, after, limit (tab-separated); then the body.
    bodies = [
        '"3"\t\t\n{"fields": {"name": "张三", "phone": "13800138000", "birth_date": "1950-03-15", '
        '"household_size": 3, "disabled": true, "religion": null}}',
        'W/"12"\t40\t100\n{"fields": {"id_number": "420106195003151234"}, "name": "x"}',
        '*\t-1\t0\n{"name": "admin", "enabled": false, "limit": 9007199254740993, "roles": ["admin", "auditor"]}',
        '\n{"fields": [1, 2, {"a": [[[[]]]]}]}',
        '"1"\n{"fields": {"name": "\\u0000\\ud83d\\ude00", "x": 1e400}}',
        '{"a": 1}  ',
        '3\t\t\n  {"fields": {}}  x',
    ]
    for i, body in enumerate(bodies):
        write("json_body", body, "body-%d" % i)


def date_seeds():
    for text in ["2024-06-30", "20240630", "2024/6/30", "2024.6.30", "2024年6月30日", "1900-02-29",
                 "2000-02-29", "0000-01-01", "9999-12-31", "２０２４－０６－３０", "2024-6-3", " 2024-06-30 ",
                 "2024年06月", "99999999999-1-1"]:
        write("date", text)


def id_seeds():
    # Made-up numbers with valid check characters (and some that are not).
    def check(first17):
        w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        return "10X98765432"[sum(int(c) * k for c, k in zip(first17, w)) % 11]

    for first17 in ["42010619500315123", "11010520001231002", "44030619880229006"]:
        write("id_number", first17 + check(first17))
        write("id_number", first17 + "0")
    for text in ["420106500315123", "4201 0619 5003 1512 3x", "４２０１０６１９５００３１５１２３Ｘ",
                 "420106-19500315-123X", "42010620990101001", ""]:
        write("id_number", text)


if __name__ == "__main__":
    csv_seeds()
    xlsx_seeds()
    expr_seeds()
    yaml_seeds()
    json_seeds()
    date_seeds()
    id_seeds()
    for target in sorted(os.listdir(CORPUS)):
        n = len(os.listdir(os.path.join(CORPUS, target)))
        print("%-16s %d seeds" % (target, n))
