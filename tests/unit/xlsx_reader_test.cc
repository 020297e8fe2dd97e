#include "xlsx/xlsx_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

#include "Poco/DateTime.h"
#include "Poco/Path.h"
#include "Poco/Zip/Compress.h"
#include "common/header_row.h"
#include "xlsx/excel_values.h"
#include "xlsx/xlsx_sheet.h"

namespace onetable::connectors {
namespace {

using Cells = std::vector<std::string>;
using Entries = std::vector<std::pair<std::string, std::string>>;

std::string Fixture(const std::string& name) {
  return std::string(ONETABLE_TEST_DATA) + "/readers/" + name;
}

// Rows without their trailing empty cells: writers differ in whether they write styled blanks.
std::vector<std::pair<int64_t, Cells>> Trimmed(const std::vector<Row>& rows) {
  std::vector<std::pair<int64_t, Cells>> out;
  for (const Row& row : rows) {
    Cells cells = row.cells;
    while (!cells.empty() && cells.back().empty()) cells.pop_back();
    out.emplace_back(row.number, cells);
  }
  return out;
}

// An endless run of one byte, to make a zip bomb without holding it in memory.
class RepeatBuf : public std::streambuf {
 public:
  explicit RepeatBuf(uint64_t total) : left_(total) { std::fill(buf_, buf_ + sizeof buf_, '0'); }

 protected:
  int_type underflow() override {
    if (left_ == 0) return traits_type::eof();
    size_t n = static_cast<size_t>(std::min<uint64_t>(left_, sizeof buf_));
    left_ -= n;
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(buf_[0]);
  }

 private:
  uint64_t left_;
  char buf_[65536];
};

std::string MakeZip(const Entries& entries, Poco::Zip::ZipCommon::CompressionMethod method =
                                                Poco::Zip::ZipCommon::CM_DEFLATE) {
  std::stringstream out(std::ios::in | std::ios::out | std::ios::binary);
  Poco::Zip::Compress compress(out, true);
  for (const auto& [name, data] : entries) {
    std::istringstream in(data);
    compress.addFile(in, Poco::DateTime(2024, 3, 1), Poco::Path(name, Poco::Path::PATH_UNIX),
                     method, Poco::Zip::ZipCommon::CL_MAXIMUM);
  }
  compress.close();
  return out.str();
}

const char kMain[] = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const char kRel[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// A minimal workbook: one sheet "Sheet1", optional shared strings.
Entries MinimalXlsx(const std::string& sheet_xml, const std::string& shared_xml = "",
                    const std::string& workbook_xml = "") {
  std::string rels = std::string(
                         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
                         "2006/relationships\"><Relationship Id=\"rId1\" Type=\"") +
                     kRel + "/worksheet\" Target=\"worksheets/sheet1.xml\"/>" +
                     "<Relationship Id=\"rId2\" Type=\"" + kRel +
                     "/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>";
  std::string workbook = workbook_xml.empty()
                             ? std::string("<workbook xmlns=\"") + kMain + "\" xmlns:r=\"" + kRel +
                                   "\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" "
                                   "r:id=\"rId1\"/></sheets></workbook>"
                             : workbook_xml;
  Entries entries = {
      {"_rels/.rels",
       std::string("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                   "relationships\"><Relationship Id=\"rId1\" Type=\"") +
           kRel + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
      {"xl/workbook.xml", workbook},
      {"xl/_rels/workbook.xml.rels", rels},
      {"xl/worksheets/sheet1.xml", sheet_xml},
  };
  if (!shared_xml.empty()) entries.push_back({"xl/sharedStrings.xml", shared_xml});
  return entries;
}

std::string SheetXml(const std::string& rows) {
  return std::string("<worksheet xmlns=\"") + kMain + "\"><sheetData>" + rows +
         "</sheetData></worksheet>";
}

Result<std::unique_ptr<XlsxWorkbook>> OpenBytes(const std::string& bytes,
                                                const XlsxOptions& options = {}) {
  return XlsxWorkbook::Open(std::make_unique<std::istringstream>(bytes), "test.xlsx", options);
}

// Sets the uncompressed size recorded for `name` in its local header and the central directory.
void PatchDeclaredSize(std::string* zip, const std::string& name, uint32_t size) {
  auto put32 = [&](size_t at) {
    for (int i = 0; i < 4; ++i) (*zip)[at + i] = static_cast<char>((size >> (8 * i)) & 0xFF);
  };
  for (size_t at = 0; (at = zip->find("PK\x03\x04", at)) != std::string::npos; ++at) {
    if (zip->compare(at + 30, name.size(), name) == 0) put32(at + 22);
  }
  for (size_t at = 0; (at = zip->find("PK\x01\x02", at)) != std::string::npos; ++at) {
    if (zip->compare(at + 46, name.size(), name) == 0) put32(at + 24);
  }
}

TEST(ExcelValuesTest, CellReferences) {
  struct Case {
    const char* ref;
    bool ok;
    int column;
    int64_t row;
  };
  for (const Case& c :
       {Case{"A1", true, 0, 1}, Case{"C5", true, 2, 5}, Case{"$AB$12", true, 27, 12},
        Case{"XFD1048576", true, 16383, 1048576}, Case{"xfd1", true, 16383, 1},
        Case{"XFE1", false, 0, 0}, Case{"A0", false, 0, 0}, Case{"A1048577", false, 0, 0},
        Case{"1A", false, 0, 0}, Case{"A", false, 0, 0}, Case{"", false, 0, 0},
        Case{"AAAA1", false, 0, 0}}) {
    int column = -1;
    int64_t row = -1;
    ASSERT_EQ(ParseCellRef(c.ref, &column, &row), c.ok) << c.ref;
    if (c.ok) {
      EXPECT_EQ(column, c.column) << c.ref;
      EXPECT_EQ(row, c.row) << c.ref;
      EXPECT_EQ(ColumnName(column) + std::to_string(row),
                c.ref[0] == '$' || c.ref[0] == 'x' ? ColumnName(c.column) + std::to_string(c.row)
                                                   : std::string(c.ref));
    }
  }
}

TEST(ExcelValuesTest, NumberFormatKinds) {
  struct Case {
    const char* code;
    NumberKind kind;
  };
  for (const Case& c : {
           Case{"yyyy-mm-dd", NumberKind::kDate},
           Case{"yyyy\\-mm\\-dd", NumberKind::kDate},
           Case{"yyyy\"年\"m\"月\"d\"日\"", NumberKind::kDate},
           Case{"[$-804]yyyy年m月d日", NumberKind::kDate},
           Case{"[DBNum1][$-804]yyyy\"年\"m\"月\"", NumberKind::kDate},
           Case{"mmm-yy", NumberKind::kDate},
           Case{"m/d", NumberKind::kDate},
           Case{"hh:mm:ss", NumberKind::kTime},
           Case{"mm:ss", NumberKind::kTime},
           Case{"[h]:mm", NumberKind::kTime},
           Case{"h:mm AM/PM", NumberKind::kTime},
           Case{"上午/下午h\"时\"mm\"分\"", NumberKind::kTime},
           Case{"yyyy-mm-dd hh:mm", NumberKind::kDateTime},
           Case{"General", NumberKind::kNumber},
           Case{"0.00", NumberKind::kNumber},
           Case{"@", NumberKind::kNumber},
           Case{"0.00E+00", NumberKind::kNumber},
           Case{"[Red]#,##0.00", NumberKind::kNumber},
           Case{"#,##0.00\"元\"", NumberKind::kNumber},
           Case{"\"day\"0", NumberKind::kNumber},
           Case{"_-* #,##0.00_-;\\-* #,##0.00_-;_-* \"-\"??_-;_-@_-", NumberKind::kNumber},
       }) {
    EXPECT_EQ(ClassifyFormatCode(c.code), c.kind) << c.code;
  }
  EXPECT_EQ(BuiltinNumberKind(0), NumberKind::kNumber);
  EXPECT_EQ(BuiltinNumberKind(14), NumberKind::kDate);
  EXPECT_EQ(BuiltinNumberKind(17), NumberKind::kDate);
  EXPECT_EQ(BuiltinNumberKind(20), NumberKind::kTime);
  EXPECT_EQ(BuiltinNumberKind(22), NumberKind::kDateTime);
  EXPECT_EQ(BuiltinNumberKind(31), NumberKind::kDate);    // zh-CN yyyy"年"m"月"d"日"
  EXPECT_EQ(BuiltinNumberKind(49), NumberKind::kNumber);  // "@"
}

TEST(ExcelValuesTest, DateSerials) {
  struct Case {
    double serial;
    NumberKind kind;
    bool date1904;
    const char* text;  // nullptr: rejected
  };
  for (const Case& c : {
           Case{1, NumberKind::kDate, false, "1900-01-01"},
           Case{59, NumberKind::kDate, false, "1900-02-28"},
           Case{60, NumberKind::kDate, false, "1900-02-29"},  // the leap-year bug
           Case{61, NumberKind::kDate, false, "1900-03-01"},
           Case{32939, NumberKind::kDate, false, "1990-03-07"},
           Case{36585, NumberKind::kDate, false, "2000-02-29"},
           Case{45291, NumberKind::kDate, false, "2023-12-31"},
           Case{45291.75, NumberKind::kDate, false, "2023-12-31"},
           Case{0, NumberKind::kDate, true, "1904-01-01"},
           Case{29966, NumberKind::kDate, true, "1986-01-16"},
           Case{45352.60416666666, NumberKind::kDateTime, false, "2024-03-01 14:30:00"},
           Case{45352, NumberKind::kDateTime, false, "2024-03-01"},
           Case{0.5, NumberKind::kTime, false, "12:00:00"},
           Case{0.99999999, NumberKind::kTime, false, "00:00:00"},  // rounds up to midnight
           Case{-1, NumberKind::kDate, false, nullptr},
           Case{3e6, NumberKind::kDate, false, nullptr},
       }) {
    Result<std::string> text = FormatSerial(c.serial, c.kind, c.date1904);
    if (c.text == nullptr) {
      EXPECT_FALSE(text.ok()) << c.serial;
      continue;
    }
    ASSERT_TRUE(text.ok()) << c.serial << ": " << text.status().message();
    EXPECT_EQ(*text, c.text) << c.serial;
  }
}

TEST(ExcelValuesTest, NumbersAsGeneralFormatShowsThem) {
  struct Case {
    const char* stored;
    const char* shown;
  };
  for (const Case& c : {Case{"12345", "12345"}, Case{"12345.0", "12345"}, Case{"12.5", "12.5"},
                        Case{"0.30000000000000004", "0.3"}, Case{"-3", "-3"}, Case{"0", "0"},
                        Case{"1.1010119900307E+17", "110101199003070000"},
                        Case{"1.5E-7", "1.5E-07"}, Case{"abc", "abc"}, Case{"", ""}}) {
    EXPECT_EQ(FormatNumber(c.stored), c.shown) << c.stored;
  }
}

TEST(ExcelValuesTest, OoxmlEscapes) {
  EXPECT_EQ(DecodeOoxmlEscapes("回车_x000D_测试"), "回车\r测试");
  EXPECT_EQ(DecodeOoxmlEscapes("_x005F_x000D_"), "_x000D_");
  EXPECT_EQ(DecodeOoxmlEscapes("a_xZZZZ_b_x12"), "a_xZZZZ_b_x12");
}

// The same roster written by openpyxl (inline strings) and re-saved by LibreOffice (shared
// strings, its own styles) reads the same.
class XlsxRosterTest : public testing::TestWithParam<const char*> {};

TEST_P(XlsxRosterTest, ReadsTheChosenSheet) {
  Result<std::unique_ptr<XlsxWorkbook>> book = XlsxWorkbook::OpenFile(Fixture(GetParam()));
  ASSERT_TRUE(book.ok()) << book.status().message();
  ASSERT_EQ((*book)->sheets().size(), 2u);
  EXPECT_EQ((*book)->sheets()[0].name, "说明");
  EXPECT_EQ((*book)->sheets()[1].name, "花名册");
  EXPECT_FALSE((*book)->date1904());

  const std::vector<std::pair<int64_t, Cells>> expected = {
      {1, {"XX社区低保花名册"}},
      {3, {"序号", "姓名", "身份证号", "出生日期", "保障金额", "在册", "备注"}},
      {4, {"1", "龚喆", "110101199003070011", "1990-03-07", "650.5", "TRUE"}},
      {5, {"2", "张𠈌", "11010119800101002X", "1980-01-01", "700", "FALSE", "东城区\n景山街道"}},
      {6, {"3", "李四", "", "2000-02-29", "0.1", "TRUE", "待核实"}},
      {8, {"登记时间", "2024-03-01 14:30:00"}},
  };
  for (const SheetSelector& which : {SheetSelector::ByName("花名册"), SheetSelector::ByIndex(2)}) {
    Result<std::vector<Row>> rows = (*book)->ReadAllRows(which);
    ASSERT_TRUE(rows.ok()) << rows.status().message();
    EXPECT_EQ(Trimmed(*rows), expected);
    for (const Row& row : *rows) EXPECT_EQ(row.error, "");
  }
  Result<std::vector<Row>> first = (*book)->ReadAllRows(SheetSelector::First());
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].cells[0], "本文件由 make_xlsx.py 生成，供读取器测试使用");
}

TEST_P(XlsxRosterTest, SharesHeaderDetectionWithCsv) {
  Result<std::unique_ptr<XlsxWorkbook>> book = XlsxWorkbook::OpenFile(Fixture(GetParam()));
  ASSERT_TRUE(book.ok());
  HeaderSpec spec;
  spec.known_names = {"姓名", "身份证号", "出生日期"};
  HeaderedTable table(spec, std::string(GetParam()) + " 工作表 花名册", /*pad_short_rows=*/true);
  std::vector<Row> data;
  Status st = (*book)->ReadSheet(SheetSelector::ByName("花名册"), [&](Row row) {
    ASSIGN_OR_RETURN(HeaderedTable::RowKind kind, table.Accept(&row));
    if (kind == HeaderedTable::RowKind::kData) data.push_back(std::move(row));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(table.header_row_number(), 3);
  ASSERT_EQ(data.size(), 4u);
  EXPECT_EQ(data[0].cells.size(), 7u);  // padded to the header
  EXPECT_EQ(data[2].cells[2], "");      // the empty cell in the middle
  EXPECT_EQ(data[2].cells[3], "2000-02-29");
}

TEST_P(XlsxRosterTest, MissingSheetListsTheSheetsThereAre) {
  Result<std::unique_ptr<XlsxWorkbook>> book = XlsxWorkbook::OpenFile(Fixture(GetParam()));
  ASSERT_TRUE(book.ok());
  Result<std::vector<Row>> rows = (*book)->ReadAllRows(SheetSelector::ByName("低保"));
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().message(),
            std::string(GetParam()) + ": 没有名为“低保”的工作表（现有：说明、花名册）");
  rows = (*book)->ReadAllRows(SheetSelector::ByIndex(3));
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().message(), std::string(GetParam()) + ": 没有第 3 个工作表（共 2 个）");
}

INSTANTIATE_TEST_SUITE_P(Writers, XlsxRosterTest,
                         testing::Values("openpyxl_roster.xlsx", "libreoffice_roster.xlsx"));

TEST(XlsxReaderTest, Date1904System) {
  Result<std::unique_ptr<XlsxWorkbook>> book =
      XlsxWorkbook::OpenFile(Fixture("openpyxl_1904.xlsx"));
  ASSERT_TRUE(book.ok()) << book.status().message();
  EXPECT_TRUE((*book)->date1904());
  Result<std::vector<Row>> rows = (*book)->ReadAllRows(SheetSelector::First());
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].cells, (Cells{"王五", "1985-06-15"}));
}

TEST(XlsxReaderTest, SharedStringsRichTextFormulasAndChineseDates) {
  Result<std::unique_ptr<XlsxWorkbook>> book =
      XlsxWorkbook::OpenFile(Fixture("xlsxwriter_shared.xlsx"));
  ASSERT_TRUE(book.ok()) << book.status().message();
  Result<std::vector<Row>> rows = (*book)->ReadAllRows(SheetSelector::ByName("低保"));
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  const std::vector<std::pair<int64_t, Cells>> expected = {
      {1, {"姓名", "身份证号", "认定日期", "发放日期", "金额", "说明", "身份证号(数字)"}},
      {2,
       {"龚喆", "110101199003070011", "2023-12-31", "2024-01-15", "1234.5", "重点关注对象",
        "110101199003070000"}},
      {3, {"龚喆", "11010119800101002X", "", "", "2469", "第二行"}},
      {4, {"回车\r测试"}},
  };
  EXPECT_EQ(Trimmed(*rows), expected);
}

TEST(XlsxReaderTest, FilesThatAreNotXlsxAreRefusedClearly) {
  struct Case {
    const char* file;
    const char* message;
  };
  for (const Case& c : {
           Case{"not_a_zip.xlsx", "not_a_zip.xlsx: 不是 xlsx 文件（不是 zip 格式）"},
           Case{"truncated.xlsx",
                "truncated.xlsx: 找不到 zip 中央目录，文件不完整（可能在复制或下载时被截断）"},
       }) {
    Result<std::unique_ptr<XlsxWorkbook>> book = XlsxWorkbook::OpenFile(Fixture(c.file));
    ASSERT_FALSE(book.ok()) << c.file;
    EXPECT_EQ(book.status().message(), c.message);
  }
  Result<std::unique_ptr<XlsxWorkbook>> book = OpenBytes("");
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.status().message(), "test.xlsx: 文件为空");
  book = OpenBytes(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'));
  ASSERT_FALSE(book.ok());
  EXPECT_NE(book.status().message().find(".xls"), std::string::npos);
  book = XlsxWorkbook::OpenFile(Fixture("nope.xlsx"));
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.status().code(), StatusCode::kNotFound);
}

TEST(XlsxHostileTest, ZipBombIsRefusedBeforeInflating) {
  // 100 MB of one byte deflates to about 100 KB: a ratio near 1000:1.
  std::stringstream out(std::ios::in | std::ios::out | std::ios::binary);
  {
    Poco::Zip::Compress compress(out, true);
    std::istringstream types("<Types/>");
    compress.addFile(types, Poco::DateTime(2024, 3, 1), Poco::Path("[Content_Types].xml"));
    RepeatBuf zeros(100ull << 20);
    std::istream bomb(&zeros);
    compress.addFile(bomb, Poco::DateTime(2024, 3, 1),
                     Poco::Path("xl/worksheets/sheet1.xml", Poco::Path::PATH_UNIX));
    compress.close();
  }
  std::string bytes = out.str();
  ASSERT_LT(bytes.size(), 1u << 20);
  Result<std::unique_ptr<XlsxWorkbook>> book = OpenBytes(bytes);
  ASSERT_FALSE(book.ok());
  EXPECT_NE(book.status().message().find("test.xlsx 中的 xl/worksheets/sheet1.xml: 压缩比"),
            std::string::npos)
      << book.status().message();
  EXPECT_NE(book.status().message().find("疑似 zip 炸弹"), std::string::npos);
}

TEST(XlsxHostileTest, DirectoryLimitsAreCheckedAtOpen) {
  XlsxOptions few_entries;
  few_entries.zip.max_entries = 3;
  Result<std::unique_ptr<XlsxWorkbook>> book =
      XlsxWorkbook::OpenFile(Fixture("openpyxl_roster.xlsx"), few_entries);
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.status().message(), "openpyxl_roster.xlsx: zip 条目数 10 超过上限 3");

  XlsxOptions small_entries;
  small_entries.zip.max_entry_bytes = 1000;
  book = XlsxWorkbook::OpenFile(Fixture("openpyxl_roster.xlsx"), small_entries);
  ASSERT_FALSE(book.ok());
  EXPECT_NE(book.status().message().find("超过单个条目上限"), std::string::npos);

  XlsxOptions small_total;
  small_total.zip.max_total_bytes = 5000;
  book = XlsxWorkbook::OpenFile(Fixture("openpyxl_roster.xlsx"), small_total);
  ASSERT_FALSE(book.ok());
  EXPECT_NE(book.status().message().find("解压后总大小超过上限"), std::string::npos);
}

TEST(XlsxHostileTest, LyingSizeStopsInflatingAtTheDeclaredSize) {
  std::string rows;
  for (int r = 1; r <= 20000; ++r) {
    rows += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) + "\"><v>" +
            std::to_string(r) + "</v></c></row>";
  }
  std::string bytes = MakeZip(MinimalXlsx(SheetXml(rows)));
  PatchDeclaredSize(&bytes, "xl/worksheets/sheet1.xml", 1000);
  Result<std::unique_ptr<XlsxWorkbook>> book = OpenBytes(bytes);
  ASSERT_TRUE(book.ok()) << book.status().message();
  size_t seen = 0;
  Status st = (*book)->ReadSheet(SheetSelector::First(), [&](Row) {
    ++seen;
    return Status::Ok();
  });
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("test.xlsx 中的 xl/worksheets/sheet1.xml: 解压后的数据超过 zip "
                              "目录中声明的 1000 字节"),
            std::string::npos)
      << st.message();
  EXPECT_LT(seen, 100u);
}

// Found by tests/fuzz (xlsx): Poco hands the method out as an enum that cannot hold every
// 16-bit value (undefined behaviour), so the guard reads it from the central directory itself.
TEST(XlsxHostileTest, UnknownCompressionMethodIsRefused) {
  std::string sheet = SheetXml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
  std::string bytes = MakeZip(MinimalXlsx(sheet), Poco::Zip::ZipCommon::CM_STORE);
  const std::string name = "xl/worksheets/sheet1.xml";
  for (size_t at = 0; (at = bytes.find("PK\x01\x02", at)) != std::string::npos; ++at) {
    if (bytes.compare(at + 46, name.size(), name) == 0) {
      bytes[at + 10] = '\x08';  // method 0x7708 = 30472
      bytes[at + 11] = '\x77';
    }
  }
  Result<std::unique_ptr<XlsxWorkbook>> book = OpenBytes(bytes);
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.status().message(),
            "test.xlsx 中的 xl/worksheets/sheet1.xml: 使用了不支持的压缩方式（30472）");
}

// Found by tests/fuzz (xlsx): an entry with an empty name made Poco read before the name.
TEST(XlsxHostileTest, EntryWithAnEmptyNameIsRefused) {
  const std::string bytes("PK\x03\x04\x14\0\0\0\x08\0mlPK\x05\x06\x1b\0\0\0\0\0\0\0\x02\0\0\0"
                          "\0\0\0\0\0\0PK\x01\x02",
                          38);
  Result<std::unique_ptr<XlsxWorkbook>> book = OpenBytes(bytes);
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.status().message().rfind("test.xlsx: ", 0), 0u) << book.status().message();
}

TEST(XlsxHostileTest, CorruptDataIsReportedNotSwallowed) {
  std::string sheet = SheetXml("<row r=\"1\"><c r=\"A1\"><v>12345</v></c></row>");
  std::string bytes = MakeZip(MinimalXlsx(sheet), Poco::Zip::ZipCommon::CM_STORE);
  // Change a digit of the stored sheet: still well-formed XML, but the CRC no longer matches.
  size_t at = bytes.find("12345");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = '9';
  Result<std::unique_ptr<XlsxWorkbook>> book = OpenBytes(bytes);
  ASSERT_TRUE(book.ok()) << book.status().message();
  Result<std::vector<Row>> rows = (*book)->ReadAllRows(SheetSelector::First());
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("xl/worksheets/sheet1.xml: 解压失败，数据已损坏"),
            std::string::npos)
      << rows.status().message();
}

TEST(XlsxHostileTest, DoctypeIsRefusedInAnyPart) {
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>";
  const std::string xxe =
      "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>";
  for (const std::string& prolog : {laughs, xxe}) {
    std::string sheet = prolog + SheetXml(
                                     "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol3;"
                                     "</t></is></c></row>");
    Result<std::unique_ptr<XlsxWorkbook>> book = OpenBytes(MakeZip(MinimalXlsx(sheet)));
    ASSERT_TRUE(book.ok()) << book.status().message();
    Result<std::vector<Row>> rows = (*book)->ReadAllRows(SheetSelector::First());
    ASSERT_FALSE(rows.ok());
    EXPECT_NE(rows.status().message().find("工作表 Sheet1: 文件含有 DOCTYPE 声明"),
              std::string::npos)
        << rows.status().message();
  }
  // In the workbook part, Open itself refuses.
  std::string workbook = xxe + "<workbook xmlns=\"" + kMain + "\"/>";
  Result<std::unique_ptr<XlsxWorkbook>> book =
      OpenBytes(MakeZip(MinimalXlsx(SheetXml(""), "", workbook)));
  ASSERT_FALSE(book.ok());
  EXPECT_NE(book.status().message().find("test.xlsx 中的 xl/workbook.xml: 文件含有 DOCTYPE"),
            std::string::npos)
      << book.status().message();
}

TEST(XlsxHostileTest, DoctypeSplitAcrossReadBuffersIsStillFound) {
  // The filter reads 64 KiB at a time; put the marker across that edge at several offsets.
  for (size_t shift = 0; shift < 10; ++shift) {
    std::string padding(65536 - 20 - shift, ' ');
    std::string xml = "<?xml version=\"1.0\"?>" + padding + "<!DOCTYPE x []>" +
                      SheetXml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
    std::istringstream in(xml);
    SheetContext context;
    context.where = "t.xlsx 工作表 S";
    Status st = ReadSheetRows(in, context, [](Row) { return Status::Ok(); });
    ASSERT_FALSE(st.ok()) << shift;
    EXPECT_NE(st.message().find("DOCTYPE"), std::string::npos) << shift << ": " << st.message();
  }
}

TEST(XlsxSheetTest, BadCellsMarkTheirRowAndNameTheCell) {
  std::string shared = std::string("<sst xmlns=\"") + kMain + "\"><si><t>姓名</t></si></sst>";
  std::string sheet = SheetXml(
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"B2\" t=\"s\"><v>5</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c></row>");
  Result<std::unique_ptr<XlsxWorkbook>> book = OpenBytes(MakeZip(MinimalXlsx(sheet, shared)));
  ASSERT_TRUE(book.ok()) << book.status().message();
  Result<std::vector<Row>> rows = (*book)->ReadAllRows(SheetSelector::First());
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].cells, (Cells{"姓名", ""}));
  EXPECT_EQ((*rows)[1].error,
            "test.xlsx 工作表 Sheet1 单元格 B2: 共享字符串索引 5 超出范围（共有 1 个）");
  EXPECT_EQ((*rows)[2].error, "");

  // No sharedStrings part at all.
  book = OpenBytes(MakeZip(MinimalXlsx(sheet)));
  ASSERT_TRUE(book.ok());
  rows = (*book)->ReadAllRows(SheetSelector::First());
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].error,
            "test.xlsx 工作表 Sheet1 单元格 A1: 共享字符串索引 0 超出范围（共有 0 个）");
}

TEST(XlsxSheetTest, CellsPlacedByReferenceAndLimited) {
  std::vector<NumberKind> styles = {NumberKind::kNumber, NumberKind::kDate};
  SheetContext context;
  context.where = "t.xlsx 工作表 S";
  context.styles = &styles;
  context.max_columns = 5;
  std::istringstream in(SheetXml(
      // Gaps, cells without r (placed after the previous), a row without r.
      "<row r=\"2\"><c r=\"B2\"><v>1</v></c><c><v>2</v></c><c r=\"E2\"><v>3</v></c></row>"
      "<row><c r=\"A3\" s=\"1\"><v>43832</v></c><c r=\"B3\" s=\"1\"><v>-5</v></c></row>"
      "<row r=\"7\"><c r=\"A7\" t=\"b\"><v>0</v></c><c r=\"Z7\"><v>9</v></c></row>"
      "<row r=\"9\"/>"
      "<row r=\"10\"><c r=\"A10\" t=\"e\"><v>#N/A</v></c><c r=\"B10\" t=\"d\">"
      "<v>2024-03-01T00:00:00</v></c><c r=\"C10\" t=\"inlineStr\"><is><r><t>a</t></r><r><t>b</t>"
      "</r><rPh><t>phonetic</t></rPh></is></c></row>"));
  std::vector<Row> rows;
  Status st = ReadSheetRows(in, context, [&](Row row) {
    rows.push_back(std::move(row));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(rows.size(), 4u);  // row 9 has no cells
  EXPECT_EQ(rows[0].number, 2);
  EXPECT_EQ(rows[0].cells, (Cells{"", "1", "2", "", "3"}));
  EXPECT_EQ(rows[1].number, 3);
  EXPECT_EQ(rows[1].cells, (Cells{"2020-01-02", "-5"}));
  EXPECT_EQ(rows[1].error, "t.xlsx 工作表 S 单元格 B3: 日期序列号 -5 无效（不能为负数）");
  EXPECT_EQ(rows[2].cells, (Cells{"FALSE"}));
  EXPECT_EQ(rows[2].error, "t.xlsx 工作表 S 单元格 Z7: 超出列数上限 5，该单元格被忽略");
  EXPECT_EQ(rows[3].cells, (Cells{"#N/A", "2024-03-01", "ab"}));
}

TEST(XlsxSheetTest, StopsWhenTheConsumerFails) {
  SheetContext context;
  context.where = "t.xlsx 工作表 S";
  std::istringstream in(
      SheetXml("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
               "<row r=\"2\"><c r=\"A2\"><v>2</v></c></row>"));
  int calls = 0;
  Status st = ReadSheetRows(in, context, [&](Row) {
    ++calls;
    return Status::Internal("consumer full");
  });
  EXPECT_EQ(st.message(), "consumer full");
  EXPECT_EQ(calls, 1);
}

TEST(XlsxSheetTest, MalformedXmlNamesTheSheet) {
  Result<std::unique_ptr<XlsxWorkbook>> book =
      OpenBytes(MakeZip(MinimalXlsx("<worksheet><sheetData><row></sheetData>")));
  ASSERT_TRUE(book.ok());
  Result<std::vector<Row>> rows = (*book)->ReadAllRows(SheetSelector::First());
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("test.xlsx 工作表 Sheet1: XML 格式错误"),
            std::string::npos)
      << rows.status().message();
}

TEST(XlsxSheetTest, SheetPartMissingFromTheZip) {
  Entries entries = MinimalXlsx(SheetXml(""));
  entries.erase(entries.begin() + 3);  // xl/worksheets/sheet1.xml
  Result<std::unique_ptr<XlsxWorkbook>> book = OpenBytes(MakeZip(entries));
  ASSERT_TRUE(book.ok()) << book.status().message();
  Result<std::vector<Row>> rows = (*book)->ReadAllRows(SheetSelector::First());
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().message(),
            "test.xlsx 工作表 Sheet1: 缺少工作表数据 xl/worksheets/sheet1.xml，文件已损坏");
}

}  // namespace
}  // namespace onetable::connectors
