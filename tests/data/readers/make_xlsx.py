#!/usr/bin/python3
"""Writes the XLSX fixtures for tests/unit/xlsx_reader_test.cc with real spreadsheet writers.

The generated files are committed; tests read them and do not run this. Needs Debian's
python3-openpyxl and python3-xlsxwriter; the LibreOffice fixture is made only when `soffice` is
installed (libreoffice-calc-nogui). Run: /usr/bin/python3 tests/data/readers/make_xlsx.py

- openpyxl_roster.xlsx (openpyxl): two sheets; strings are written inline (t="inlineStr"),
  a title row and a blank row above the header, an ID number stored as text, dates with
  number_format 'yyyy-mm-dd', a date-time, an empty cell in the middle of a row, numbers,
  booleans, a cell with a line break.
- openpyxl_1904.xlsx (openpyxl): the 1904 date system.
- xlsxwriter_shared.xlsx (XlsxWriter): shared strings, a rich text string (<r><t> runs), a
  formula with a cached string result (t="str") and one with a number, a Chinese date format
  'yyyy"年"m"月"d"日"', built-in format 14, a carriage return (written as _x000D_), and an
  ID number stored as a number (what happens when a worker forgets to format the column).
- libreoffice_roster.xlsx (LibreOffice Calc): openpyxl_roster.xlsx re-saved by LibreOffice.
"""

import datetime
import os
import shutil
import subprocess
import tempfile
import zipfile

import openpyxl
import openpyxl.utils.datetime
import xlsxwriter

HERE = os.path.dirname(os.path.abspath(__file__))
# Fixed timestamps so regenerating gives the same bytes where the writer allows it.
FIXED = datetime.datetime(2024, 3, 1, 8, 0, 0)


def roster_openpyxl(path):
    wb = openpyxl.Workbook()
    note = wb.active
    note.title = "说明"
    note["A1"] = "本文件由 make_xlsx.py 生成，供读取器测试使用"
    ws = wb.create_sheet("花名册")
    ws["A1"] = "XX社区低保花名册"
    ws.merge_cells("A1:G1")
    # Row 2 stays blank.
    ws.append([])
    ws.append(["序号", "姓名", "身份证号", "出生日期", "保障金额", "在册", "备注"])
    rows = [
        [1, "龚喆", "110101199003070011", datetime.date(1990, 3, 7), 650.5, True, None],
        [2, "张𠈌", "11010119800101002X", datetime.date(1980, 1, 1), 700, False, "东城区\n景山街道"],
        # C6 (the ID number) is left empty: a gap in the middle of the row.
        [3, "李四", None, datetime.date(2000, 2, 29), 0.1, True, "待核实"],
    ]
    for row in rows:
        ws.append(row)
    for r in range(4, 7):
        ws.cell(row=r, column=4).number_format = "yyyy-mm-dd"
    ws["A8"] = "登记时间"
    ws["B8"] = datetime.datetime(2024, 3, 1, 14, 30, 0)
    ws["B8"].number_format = "yyyy-mm-dd hh:mm:ss"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.save(path)


def roster_1904(path):
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["姓名", "出生日期"])
    ws.append(["王五", datetime.date(1985, 6, 15)])
    ws["B2"].number_format = "yyyy-mm-dd"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.save(path)


def shared_xlsxwriter(path):
    wb = xlsxwriter.Workbook(path)
    wb.set_properties({"created": FIXED})
    ws = wb.add_worksheet("低保")
    bold = wb.add_format({"bold": True})
    red = wb.add_format({"color": "red"})
    cn_date = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    us_date = wb.add_format({"num_format": 14})
    text = wb.add_format({"num_format": "@"})
    ws.write_row(0, 0, ["姓名", "身份证号", "认定日期", "发放日期", "金额", "说明", "身份证号(数字)"])
    ws.write_string(1, 0, "龚喆")
    ws.write_string(1, 1, "110101199003070011", text)
    ws.write_datetime(1, 2, datetime.datetime(2023, 12, 31), cn_date)
    ws.write_datetime(1, 3, datetime.datetime(2024, 1, 15), us_date)
    ws.write_number(1, 4, 1234.5)
    ws.write_rich_string(1, 5, bold, "重点", red, "关注", "对象")
    ws.write_number(1, 6, 110101199003070011)
    ws.write_string(2, 0, "龚喆")  # the same string again: one shared string, two cells
    ws.write_string(2, 1, "11010119800101002X")
    ws.write_formula(2, 4, "=E2*2", None, 2469)
    ws.write_formula(2, 5, '="第"&"二"&"行"', None, "第二行")
    ws.write_string(3, 0, "回车\r测试")
    wb.close()


def libreoffice_copy(source, path):
    soffice = shutil.which("soffice")
    if soffice is None:
        print("soffice not found; skipping", os.path.basename(path))
        return
    with tempfile.TemporaryDirectory() as tmp:
        staged = os.path.join(tmp, "roster.xlsx")
        shutil.copy(source, staged)
        out_dir = os.path.join(tmp, "out")
        subprocess.run(
            [soffice, "--headless", "-env:UserInstallation=file://" + tmp + "/profile",
             "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out_dir, staged],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.copy(os.path.join(out_dir, "roster.xlsx"), path)


def main():
    roster = os.path.join(HERE, "openpyxl_roster.xlsx")
    roster_openpyxl(roster)
    roster_1904(os.path.join(HERE, "openpyxl_1904.xlsx"))
    shared_xlsxwriter(os.path.join(HERE, "xlsxwriter_shared.xlsx"))
    libreoffice_copy(roster, os.path.join(HERE, "libreoffice_roster.xlsx"))
    # A file that is not a zip at all, named .xlsx (a CSV renamed by hand).
    with open(os.path.join(HERE, "not_a_zip.xlsx"), "wb") as f:
        f.write("姓名,身份证号\n张三,110101199001010011\n".encode("utf-8"))
    # The roster cut off half-way, as by an interrupted download.
    with open(roster, "rb") as f:
        data = f.read()
    with open(os.path.join(HERE, "truncated.xlsx"), "wb") as f:
        f.write(data[: len(data) // 2])
    for name in ("openpyxl_roster.xlsx", "xlsxwriter_shared.xlsx"):
        with zipfile.ZipFile(os.path.join(HERE, name)) as z:
            print(name, sorted(z.namelist()))


if __name__ == "__main__":
    main()
