#!/usr/bin/python3
"""Writes shiyou-renkou.csv: a community's flat 实有人口台账 (one row per person) that
ops/examples/connectors/shiyou-renkou.yaml imports in one run into the register's tree.

The committed file is what the tests (tests/integration/import_placement_test.cc) assert; run this
only to change it: python3 ops/examples/data/make_shiyou_renkou.py

Shape, as community registers really come:
- four communities of 陆城街道 (宜都市): two written by their 12-digit code, two by name;
- three grids each (twelve in all), written by code ("01") in some communities and by name
  ("第二网格") in others;
- buildings by building code ("B0101") or by address ("清江大道88号3栋");
- 房号, 户号, 与户主关系 (户主 heads each household), 居住状态 (one 死亡 with its date, one 迁出);
- ID numbers as people type them: with spaces, with hyphens, in full-width digits;
- one row whose community does not exist (quarantined with the reason).
"""

import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def id_number(birth, serial):
    first17 = "420581" + birth + "%03d" % serial
    return first17 + CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


COMMUNITIES = [
    ("420581001001", "东风社区居委会", "code"),
    ("420581001002", "胜利社区居委会", "code"),
    ("420581001003", "清江社区居委会", "name"),
    ("420581001004", "名都社区居委会", "name"),
]
GRID_NAMES = ["第一网格", "第二网格", "第三网格"]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙"
GIVEN = ["建国", "秀英", "志强", "桂兰", "海峰", "丽娟", "明", "芳", "伟", "静", "军", "敏"]
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def main():
    rows = []
    serial = 0
    for c, (code, name, by) in enumerate(COMMUNITIES):
        for g in range(3):
            # Grid codes in every other community, grid names in the rest.
            grid = "%02d" % (g + 1) if c % 2 == 0 else GRID_NAMES[g]
            for b in range(2):
                if b == 0:
                    building = "B%d%d%02d" % (c + 1, g + 1, b + 1)
                else:
                    building = "清江大道%d号%d栋" % (100 + c * 10 + g, b + 1)
                for hh in range(2):
                    room = "%d0%d" % (hh + 1, b + 1)
                    number = "4205810%02d%02d%02d" % (c + 1, g + 1, b * 2 + hh + 1)
                    members = [("户主", "19600101", 1), ("配偶", "19620202", 2), ("子", "19900303", 1)]
                    if hh == 1:
                        members = members[:2]
                    for m, (rel, birth, sex) in enumerate(members):
                        serial += 2 if sex == 2 else 1
                        if serial % 2 != sex % 2:
                            serial += 1
                        ident = id_number(birth, serial % 1000)
                        surname = SURNAMES[(c * 3 + g) % len(SURNAMES)]
                        person = surname + GIVEN[(serial + m) % len(GIVEN)]
                        state, died = "在住", ""
                        if serial % 37 == 0:
                            ident = " %s %s %s " % (ident[:6], ident[6:14], ident[14:])
                        elif serial % 41 == 0:
                            ident = "%s-%s-%s" % (ident[:6], ident[6:14], ident[14:])
                        elif serial % 43 == 0:
                            ident = ident.translate(FULL_WIDTH)
                        rows.append({
                            "社区": code if by == "code" else name,
                            "网格": grid,
                            "楼栋": building,
                            "房号": room,
                            "户号": number,
                            "姓名": person,
                            "公民身份号码": ident,
                            "与户主关系": rel,
                            "联系电话": "139%08d" % (serial * 7919 % 100000000),
                            "人口类型": "户籍人口",
                            "居住状态": state,
                            "死亡日期": died,
                        })
    # One who died (with the date), one who moved out.
    rows[5]["居住状态"], rows[5]["死亡日期"] = "死亡", "2025-03-01"
    rows[9]["居住状态"] = "迁出"
    # A community no one knows: quarantined, with the reason.
    bad = dict(rows[0])
    bad.update({"社区": "不存在社区", "姓名": "钱多多", "公民身份号码": id_number("19851111", 997),
                "户号": "420581099999"})
    rows.append(bad)
    fields = list(rows[0].keys())
    with open(os.path.join(HERE, "shiyou-renkou.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
    print(len(rows), "rows")


if __name__ == "__main__":
    main()
