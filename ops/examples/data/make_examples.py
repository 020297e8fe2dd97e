#!/usr/bin/python3
"""Writes the example departmental exports that ops/examples/connectors/*.yaml import.

The generated files are committed; run this only to change them (needs Debian's
python3-openpyxl): /usr/bin/python3 ops/examples/data/make_examples.py

- minzheng-dibao.csv: a 民政 低保 roster exported as GBK, with a title row and a blank row above
  the header, CRLF line ends, a quoted address holding a comma and a line break, and three rows
  a worker must fix (an ID number with a wrong check digit, an impossible date, a short row).
- canjian.xlsx: a 残联 disabled-persons roster written with openpyxl: a title row, dates as
  date cells, two persons also on the 低保 roster (one with a different phone number), and two
  persons only 残联 knows.
The integration tests (tests/integration/import_cli_test.cc) assert the run reports exactly.
"""

import csv
import datetime
import io
import os

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def id_number(birth, serial):
    first17 = "420581" + birth + "%03d" % serial
    return first17 + CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


ZHANG = id_number("19580312", 11)   # male (odd)
LI = id_number("19620705", 22)      # female (even)
WANG = id_number("19450101", 33)
ZHAO = id_number("19700909", 44)
LIU_BAD = id_number("19660606", 55)[:-1] + ("0" if id_number("19660606", 55)[-1] != "0" else "1")
CHEN = id_number("19750505", 66)
SUN = id_number("19800808", 88)
ZHOU = id_number("19900101", 99)
QIAN = id_number("19880202", 12)
WU = id_number("19530303", 23)


def dibao():
    rows = [
        ["宜都市陆城街道东风社区城乡低保对象花名册（2024年6月）"],
        [],
        ["序号", "姓名", "性别", "身份证号码", "联系电话", "家庭住址", "救助类型", "保障金额", "认定日期", "户号"],
        [1, "张三", "男", ZHANG, "13872000011", "清江大道88号3栋2单元501", "城市低保", "650", "2021-03-01", "420581001001"],
        [2, "李秀英", "女", LI, "13872000022", "清江大道88号3栋2单元502", "农村低保", "420.5", "2019/7/15", ""],
        [3, "王建国", "男", WANG, "0717-4821234", "东风社区，清江大道\n90号1栋", "城市低保", "700", "2020年5月1日", ""],
        [4, "赵敏", "女", ZHAO, "13872000044", "陆城街道园林大道12号", "临时救助", "", "", ""],
        [5, "刘强", "男", LIU_BAD, "13872000055", "清江大道88号4栋", "城市低保", "650", "2021-03-01", ""],
        [6, "陈红", "女", CHEN, "13872000066", "清江大道88号5栋", "城市低保", "650", "2020-13-45", ""],
        [7, "孙丽", "女", SUN],
        [8, "周杰", "男", ZHOU, "13872000099", "清江大道88号6栋", "农村低保", "380", "2022-01-01", ""],
    ]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for r in rows:
        w.writerow(r)
    with open(os.path.join(HERE, "minzheng-dibao.csv"), "wb") as f:
        f.write(buf.getvalue().encode("gbk"))


def canjian():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "残疾人名册"
    ws["A1"] = "东风社区持证残疾人名册"
    ws.append(["序号", "姓名", "公民身份号码", "联系电话", "残疾证号", "残疾类别", "残疾等级", "发证日期"])
    rows = [
        [1, "张三", ZHANG, "13972000011", ZHANG + "42", "肢体残疾", "二级", datetime.date(2015, 4, 20)],
        [2, "李秀英", LI, "13872000022", LI + "13", "视力残疾", "三级", datetime.date(2018, 9, 1)],
        [3, "钱进", QIAN, "13972000012", QIAN + "54", "智力残疾", "四级", datetime.date(2020, 11, 11)],
        [4, "吴桂兰", WU, "", WU + "21", "听力残疾", "一级", datetime.date(2012, 6, 30)],
    ]
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=3, min_col=8, max_col=8):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    wb.properties.created = datetime.datetime(2024, 6, 1, 8, 0, 0)
    wb.properties.modified = datetime.datetime(2024, 6, 1, 8, 0, 0)
    wb.save(os.path.join(HERE, "canjian.xlsx"))


if __name__ == "__main__":
    dibao()
    canjian()
