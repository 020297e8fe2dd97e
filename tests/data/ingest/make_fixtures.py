#!/usr/bin/python3
"""Writes the ingest test fixtures (committed; run only to change them):
/usr/bin/python3 tests/data/ingest/make_fixtures.py

- gaoling-gb18030.csv: a 高龄津贴 roster in GB18030 with CRLF line ends: a title row, the header
  on line 3 with 公民身份号码 (an alias of id_number), a name with a character outside the BMP
  (𠈌, four bytes in GB18030), a quoted address with a line break and a doubled quote, a row
  with one column too many (ragged), and a 15-digit legacy ID number (upgraded on import).
The expected report is asserted in tests/integration/import_cli_test.cc.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def id_number(birth, serial):
    first17 = "420581" + birth + "%03d" % serial
    return first17 + CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


lines = [
    "东风社区80周岁以上老人名册,,,",
    ",,,",
    "姓名,公民身份号码,联系电话,现住址",
    "张𠈌," + id_number("19400101", 1) + ",13800000001,清江大道1号",
    "龚喆," + id_number("19420202", 3) + ",,\"清江大道\r\n\"\"幸福\"\"小区2号\"",
    "多一列," + id_number("19410303", 5) + ",13800000005,清江大道3号,多余",
    "老号码,420581400404071,,清江大道4号",
]
with open(os.path.join(HERE, "gaoling-gb18030.csv"), "wb") as f:
    f.write(("\r\n".join(lines) + "\r\n").encode("gb18030"))
