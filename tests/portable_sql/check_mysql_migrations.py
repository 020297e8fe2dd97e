#!/usr/bin/env python3
"""Scans the MySQL migrations for what TiDB or Galera cannot run.

Usage: check_mysql_migrations.py [DIR]   (default: schema/sql/mysql beside this repository)

DESIGN §4 promises that past one database server the service runs on a MySQL-compatible
distributed engine with no code change. This check keeps the schema inside what TiDB (and a
MariaDB Galera cluster) accept. Each finding is printed as FILE:LINE: rule: explanation, and the
exit code is 1 when there is any (2 for a usage error). The rules, also listed in the README
("部署"):

  trigger          CREATE TRIGGER: TiDB has no triggers.
  routine          CREATE PROCEDURE / FUNCTION: TiDB has no stored routines.
  event            CREATE EVENT: TiDB has no event scheduler.
  no-primary-key   a CREATE TABLE without a PRIMARY KEY: Galera replicates row changes by key
                   (a table without one is slow or inconsistent); TiDB needs one for a
                   clustered index and row identity.
  fulltext         FULLTEXT index or MATCH ... AGAINST: not in TiDB.
  spatial          SPATIAL index or a geometry column type: not in TiDB.
  fk-action        ON DELETE / ON UPDATE CASCADE, SET NULL or SET DEFAULT: TiDB before 6.6 parses
                   foreign keys but never runs their actions, so data would differ by version;
                   the service does such work itself.
  engine           an ENGINE other than InnoDB: Galera replicates only InnoDB; TiDB ignores it.
  table-lock       LOCK TABLES or GET_LOCK(): Galera does not replicate them; TiDB only partly
                   supports them.
  check-constraint CHECK (...): TiDB before 7.2 parses but does not enforce it, so the schema
                   would promise what the engine does not keep.
  auto-increment-start  AUTO_INCREMENT=N on a table: ids are neither dense nor ordered on
                   Galera (auto_increment_increment) or TiDB (per-server batches); nothing may
                   assume a starting value.
  delimiter        DELIMITER or BEGIN ... END blocks (compound statements): only routines and
                   triggers need them.

Comments (-- and /* */) and string literals are ignored, so prose may name these words.
"""

import os
import re
import sys

# Known findings allowed for now, as (file, rule); empty: every finding fails the check.
ALLOWED: set = set()

RULES = [
    ("trigger", re.compile(r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?TRIGGER\b", re.I),
     "TiDB 不支持触发器"),
    ("routine", re.compile(
        r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:AGGREGATE\s+)?(?:PROCEDURE|FUNCTION)\b",
        re.I), "TiDB 不支持存储过程与函数"),
    ("event", re.compile(r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?EVENT\b", re.I),
     "TiDB 不支持事件调度"),
    ("fulltext", re.compile(r"\bFULLTEXT\b|\bMATCH\s*\(.*?\)\s*AGAINST\b", re.I | re.S),
     "TiDB 不支持全文索引"),
    ("spatial", re.compile(
        r"\bSPATIAL\b|\b(?:GEOMETRY|POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|"
        r"MULTIPOLYGON|GEOMETRYCOLLECTION)\b", re.I), "TiDB 不支持空间类型与空间索引"),
    ("fk-action", re.compile(r"\bON\s+(?:DELETE|UPDATE)\s+(?:CASCADE|SET\s+NULL|SET\s+DEFAULT)\b",
                             re.I), "TiDB 6.6 以前不执行外键的级联动作"),
    ("engine", re.compile(r"\bENGINE\s*=?\s*(?!InnoDB\b)\w+", re.I),
     "Galera 只复制 InnoDB 表；TiDB 忽略存储引擎"),
    ("table-lock", re.compile(r"\bLOCK\s+TABLES?\b|\bGET_LOCK\s*\(", re.I),
     "Galera 不复制表锁与命名锁"),
    ("check-constraint", re.compile(r"\bCHECK\s*\(", re.I), "TiDB 7.2 以前不执行 CHECK 约束"),
    ("auto-increment-start", re.compile(r"\bAUTO_INCREMENT\s*=\s*\d+", re.I),
     "自增编号在 Galera 与 TiDB 上既不连续也不按提交顺序"),
    ("delimiter", re.compile(r"^\s*DELIMITER\b|\bBEGIN\s+NOT\s+ATOMIC\b|\bBEGIN\b(?!\s*;)", re.I | re.M),
     "复合语句只有存储过程与触发器才需要"),
]

CREATE_TABLE = re.compile(r"\bCREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[`\"]?(\w+)",
                          re.I)
PRIMARY_KEY = re.compile(r"\bPRIMARY\s+KEY\b", re.I)


def strip_comments_and_strings(text):
    """Blanks out comments and quoted strings, keeping newlines so line numbers stay right."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("--", i) or c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "'\"":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            # A double-quoted name is an identifier under ANSI_QUOTES: keep it.
            out.append(text[i:j] if c == '"' else c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def statements(code):
    """Yields (start offset, statement text) for each ;-terminated statement."""
    start = 0
    for m in re.finditer(r";", code):
        yield start, code[start:m.end()]
        start = m.end()
    if code[start:].strip():
        yield start, code[start:]


def line_of(code, offset):
    return code.count("\n", 0, offset) + 1


def scan_file(path):
    name = os.path.basename(path)
    with open(path, encoding="utf-8") as f:
        code = strip_comments_and_strings(f.read())
    findings = []
    for rule, pattern, why in RULES:
        for m in pattern.finditer(code):
            findings.append((line_of(code, m.start()), rule, why))
    for start, stmt in statements(code):
        m = CREATE_TABLE.search(stmt)
        if m and not re.search(r"\bLIKE\b", stmt, re.I) and not PRIMARY_KEY.search(stmt):
            findings.append((line_of(code, start + m.start()), "no-primary-key",
                             "表 " + m.group(1) + " 没有主键（Galera 与 TiDB 都需要）"))
    # The compound-statement rule fires on every trigger or routine body too: one finding is
    # enough for those.
    if any(r in ("trigger", "routine", "event") for _, r, _ in findings):
        findings = [f for f in findings if f[1] != "delimiter"]
    return name, sorted(set(findings))


def main(argv):
    if len(argv) > 2:
        print("usage: check_mysql_migrations.py [DIR]", file=sys.stderr)
        return 2
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    directory = argv[1] if len(argv) == 2 else os.path.join(root, "schema", "sql", "mysql")
    files = sorted(f for f in os.listdir(directory) if f.endswith(".sql"))
    if not files:
        print(f"{directory}: no .sql files", file=sys.stderr)
        return 2
    failed = allowed = 0
    for f in files:
        name, findings = scan_file(os.path.join(directory, f))
        for line, rule, why in findings:
            if (name, rule) in ALLOWED:
                allowed += 1
                print(f"{directory}/{name}:{line}: {rule}: {why} (known finding, allowed until it is removed)")
            else:
                failed += 1
                print(f"{directory}/{name}:{line}: {rule}: {why}")
    print(f"scanned {len(files)} MySQL migrations: {failed} findings, {allowed} allowed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
