// The table writers: CSV bytes (BOM, RFC 4180 quoting, CRLF, formula escaping), JSON that parses
// back, XLSX whose sheet holds text cells only with a merged title, bold frozen header and
// widths; and that a write that fails or is abandoned leaves no file (and an old file intact).
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mapping/csv_sink.h"
#include "mapping/json_sink.h"
#include "mapping/table_sink.h"

namespace onetable::mapping {
namespace {

// A fresh directory per test, removed with its files afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "sinks-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    path_ = ::mkdtemp(buf.data());
  }
  ~TempDir() {
    for (const std::string& f : Files()) std::remove((path_ + "/" + f).c_str());
    ::rmdir(path_.c_str());
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  std::vector<std::string> Files() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(path_.c_str());
    if (d == nullptr) return out;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") out.push_back(n);
    }
    ::closedir(d);
    return out;
  }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TableMeta Meta(std::vector<std::string> headers) {
  TableMeta meta;
  meta.title = "高龄津贴发放花名册";
  meta.scope = "幸福社区";
  meta.as_of = "2024-06-30";
  meta.headers = std::move(headers);
  return meta;
}

TEST(SinksTest, CsvIsExcelFriendlyRfc4180) {
  std::ostringstream out;
  CsvSink sink(out);
  ASSERT_TRUE(sink.Begin(Meta({"姓名", "公民身份号码", "备注"})).ok());
  ASSERT_TRUE(sink.Row({"张三", "110101194912310021", "plain"}).ok());
  ASSERT_TRUE(sink.Row({"李, 四", "say \"hi\"", "line1\nline2"}).ok());
  ASSERT_TRUE(sink.Row({"=1+1", "+86", "-5"}).ok());
  ASSERT_TRUE(sink.Row({"@SUM(A1)", "\tx", "\rx"}).ok());
  ASSERT_TRUE(sink.Row({"", "a=b", "𠈌"}).ok());
  ASSERT_TRUE(sink.End().ok());
  EXPECT_EQ(out.str(),
            "\xEF\xBB\xBF"
            "姓名,公民身份号码,备注\r\n"
            "张三,110101194912310021,plain\r\n"
            "\"李, 四\",\"say \"\"hi\"\"\",\"line1\nline2\"\r\n"
            "'=1+1,'+86,'-5\r\n"
            "'@SUM(A1),'\tx,\"'\rx\"\r\n"
            ",a=b,𠈌\r\n");
  Status bad = sink.Row({"only one"});
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.message(), "CSV 行的单元格数 1 与表头列数 3 不符");
}

TEST(SinksTest, FormulaEscapingRule) {
  const std::pair<const char*, const char*> cases[] = {
      {"=1+1", "'=1+1"}, {"+1", "'+1"},  {"-1", "'-1"}, {"@x", "'@x"}, {"\tx", "'\tx"},
      {"\rx", "'\rx"},   {"1=1", "1=1"}, {"", ""},      {"'x", "'x"},  {"张=", "张="},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(EscapeFormula(in), out) << in;
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("张三"), 4);
  EXPECT_EQ(DisplayWidth("𠈌a"), 3);
  EXPECT_EQ(TitleLine(Meta({"x"})), "高龄津贴发放花名册 — 幸福社区 — 截至 2024-06-30");
}

TEST(SinksTest, JsonParsesBackKeyedByHeader) {
  std::ostringstream out;
  JsonSink sink(out);
  ASSERT_TRUE(sink.Begin(Meta({"姓名", "公民身份号码", "备注"})).ok());
  ASSERT_TRUE(sink.Row({"张三", "110101194912310021", "=1+1"}).ok());
  ASSERT_TRUE(sink.Row({"𠈌", "", "say \"hi\"\n"}).ok());
  ASSERT_TRUE(sink.End().ok());

  rapidjson::Document doc;
  doc.Parse(out.str().c_str());
  ASSERT_FALSE(doc.HasParseError()) << out.str();
  ASSERT_TRUE(doc.IsArray());
  ASSERT_EQ(doc.Size(), 2u);
  EXPECT_STREQ(doc[0]["姓名"].GetString(), "张三");
  EXPECT_STREQ(doc[0]["公民身份号码"].GetString(), "110101194912310021");
  EXPECT_STREQ(doc[0]["备注"].GetString(), "=1+1");  // JSON keeps the exact value
  EXPECT_STREQ(doc[1]["姓名"].GetString(), "𠈌");
  EXPECT_STREQ(doc[1]["备注"].GetString(), "say \"hi\"\n");
  EXPECT_EQ(doc[0].MemberCount(), 3u);

  std::ostringstream empty_out;
  JsonSink empty(empty_out);
  ASSERT_TRUE(empty.Begin(Meta({"a"})).ok());
  ASSERT_TRUE(empty.End().ok());
  EXPECT_EQ(empty_out.str(), "[]\n");

  std::ostringstream dup_out;
  JsonSink dup(dup_out);
  EXPECT_EQ(dup.Begin(Meta({"a", "a"})).message(), "JSON 输出的列标题重复：“a”");

  std::ostringstream bad_out;
  JsonSink bad(bad_out);
  ASSERT_TRUE(bad.Begin(Meta({"备注"})).ok());
  EXPECT_EQ(bad.Row({"\xFF\xFE"}).message(), "第 1 行“备注”列不是有效的 UTF-8 文本");
}

// Reads one member of a zip file.
std::string ZipMember(const std::string& zip_path, const std::string& name) {
  std::ifstream in(zip_path, std::ios::binary);
  Poco::Zip::ZipArchive archive(in);
  auto it = archive.findHeader(name);
  if (it == archive.headerEnd()) return "";
  in.clear();
  Poco::Zip::ZipInputStream member(in, it->second);
  std::ostringstream out;
  out << member.rdbuf();
  return out.str();
}

TEST(SinksTest, XlsxHasTextCellsTitleBoldFrozenHeaderAndWidths) {
  TempDir dir;
  const std::string path = dir.File("gaoling.xlsx");
  Result<std::unique_ptr<TableSink>> sink = OpenTableSink(TableFormat::kXlsx, path);
  ASSERT_TRUE(sink.ok()) << sink.status().message();
  TableMeta meta = Meta({"序号", "姓名", "公民身份号码", "联系电话", "备注"});
  meta.widths = {0, 0, 0, 0, 0};
  ASSERT_TRUE((*sink)->Begin(meta).ok());
  ASSERT_TRUE((*sink)->Row({"1", "张三", "110101194912310021", "13812345678", "=1+1"}).ok());
  ASSERT_TRUE(
      (*sink)
          ->Row({"2", "李四", "11010519491231002X", "01062345678", "这是一段较长的中文备注"})
          .ok());
  for (int i = 3; i <= 150; ++i) {
    ASSERT_TRUE((*sink)->Row({std::to_string(i), "王五", "", "", ""}).ok());
  }
  ASSERT_TRUE((*sink)->TotalRow({"合计", "", "", "", ""}).ok());
  EXPECT_TRUE(dir.Files().size() == 1 && dir.Files()[0] != "gaoling.xlsx")
      << "only the temporary exists before End";
  ASSERT_TRUE((*sink)->End().ok());
  EXPECT_EQ(dir.Files(), std::vector<std::string>{"gaoling.xlsx"});

  const std::string sheet = ZipMember(path, "xl/worksheets/sheet1.xml");
  ASSERT_FALSE(sheet.empty());
  // Every value is an inline string: no numeric <v> cells, so IDs and phones stay exact.
  EXPECT_EQ(sheet.find("<v>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"C3\" t=\"inlineStr\"><is><t>110101194912310021</t></is></c>"),
            std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"D4\" t=\"inlineStr\"><is><t>01062345678</t></is></c>"),
            std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"A3\" t=\"inlineStr\"><is><t>1</t></is></c>"), std::string::npos);
  EXPECT_NE(sheet.find("<t>'=1+1</t>"), std::string::npos);
  // Title row merged across all columns.
  EXPECT_NE(sheet.find("<t>高龄津贴发放花名册 — 幸福社区 — 截至 2024-06-30</t>"),
            std::string::npos);
  EXPECT_NE(sheet.find("<mergeCell ref=\"A1:E1\"/>"), std::string::npos);
  // Header frozen below row 2.
  EXPECT_NE(sheet.find("<pane ySplit=\"2\" topLeftCell=\"A3\" activePane=\"bottomLeft\" "
                       "state=\"frozen\"/>"),
            std::string::npos);
  // Header cells carry a style, and the workbook has a bold font.
  size_t header = sheet.find("<c r=\"A2\" s=\"");
  EXPECT_NE(header, std::string::npos);
  EXPECT_NE(ZipMember(path, "xl/styles.xml").find("<b/>"), std::string::npos);
  // Widths: 18 ASCII characters + 2; Chinese counts double (11 characters → 22 + 2).
  EXPECT_NE(sheet.find("<col min=\"3\" max=\"3\" width=\"20.7109375\" customWidth=\"1\"/>"),
            std::string::npos);
  EXPECT_NE(sheet.find("<col min=\"5\" max=\"5\" width=\"24.7109375\" customWidth=\"1\"/>"),
            std::string::npos);
  // 150 rows, the total row, title and header.
  EXPECT_NE(sheet.find("<row r=\"153\""), std::string::npos);
  EXPECT_NE(sheet.find("<t>合计</t>"), std::string::npos);
}

// Numeric columns (序号, 年龄, 金额) are numbers a sheet can sum; other cells of them (*** for a
// masked value, 合计) and every cell of a text column — ID numbers above all — stay strings.
TEST(SinksTest, XlsxWritesNumericColumnsAsNumbers) {
  TempDir dir;
  const std::string path = dir.File("n.xlsx");
  Result<std::unique_ptr<TableSink>> sink = OpenTableSink(TableFormat::kXlsx, path);
  ASSERT_TRUE(sink.ok());
  TableMeta meta = Meta({"序号", "公民身份号码", "年龄", "金额"});
  meta.numeric = {true, false, true, true};
  ASSERT_TRUE((*sink)->Begin(meta).ok());
  ASSERT_TRUE((*sink)->Row({"1", "110101194912310021", "80", "650.5"}).ok());
  ASSERT_TRUE((*sink)->Row({"2", "123", "***", "-12"}).ok());
  ASSERT_TRUE((*sink)->Row({"3", "", "007", "1234567890123456"}).ok());
  ASSERT_TRUE((*sink)->TotalRow({"合计", "", "", "650.5"}).ok());
  ASSERT_TRUE((*sink)->End().ok());
  const std::string sheet = ZipMember(path, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<c r=\"A3\"><v>1</v></c>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<c r=\"C3\"><v>80</v></c>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"D3\"><v>650.5</v></c>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"D4\"><v>-12</v></c>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"B3\" t=\"inlineStr\"><is><t>110101194912310021</t></is></c>"),
            std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"B4\" t=\"inlineStr\"><is><t>123</t></is></c>"), std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"C4\" t=\"inlineStr\"><is><t>***</t></is></c>"), std::string::npos);
  // A leading zero or more than 15 digits would change on the way into a number.
  EXPECT_NE(sheet.find("<t>007</t>"), std::string::npos);
  EXPECT_NE(sheet.find("<t>1234567890123456</t>"), std::string::npos);
  EXPECT_NE(sheet.find("<t>合计</t>"), std::string::npos);
  // Headers stay text even over a numeric column.
  EXPECT_NE(sheet.find("<t>序号</t>"), std::string::npos);
}

TEST(SinksTest, XlsxSingleColumnAndExplicitWidth) {
  TempDir dir;
  const std::string path = dir.File("one.xlsx");
  Result<std::unique_ptr<TableSink>> sink = OpenTableSink(TableFormat::kXlsx, path);
  ASSERT_TRUE(sink.ok());
  TableMeta meta = Meta({"姓名"});
  meta.widths = {30};
  ASSERT_TRUE((*sink)->Begin(meta).ok());
  ASSERT_TRUE((*sink)->Row({"张三"}).ok());
  ASSERT_TRUE((*sink)->End().ok());
  const std::string sheet = ZipMember(path, "xl/worksheets/sheet1.xml");
  EXPECT_EQ(sheet.find("<mergeCell"), std::string::npos);
  EXPECT_NE(sheet.find("width=\"30.7109375\""), std::string::npos);
}

TEST(SinksTest, FailedOrAbandonedWritesLeaveNoFile) {
  TempDir dir;
  // Abandoned before End: nothing appears.
  for (TableFormat format : {TableFormat::kCsv, TableFormat::kJson, TableFormat::kXlsx}) {
    const std::string path = dir.File(std::string("t.") + TableFormatName(format));
    {
      Result<std::unique_ptr<TableSink>> sink = OpenTableSink(format, path);
      ASSERT_TRUE(sink.ok()) << sink.status().message();
      ASSERT_TRUE((*sink)->Begin(Meta({"a", "b"})).ok());
      ASSERT_TRUE((*sink)->Row({"1", "2"}).ok());
      EXPECT_FALSE((*sink)->Row({"1"}).ok()) << TableFormatName(format);
    }
    EXPECT_TRUE(dir.Files().empty()) << TableFormatName(format);
  }
  // A failed write keeps the previous file as it was.
  const std::string path = dir.File("old.xlsx");
  { std::ofstream(path) << "previous table"; }
  {
    Result<std::unique_ptr<TableSink>> sink = OpenTableSink(TableFormat::kXlsx, path);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Begin(Meta({"a"})).ok());
    Status too_long = (*sink)->Row({std::string(40000, 'x')});
    EXPECT_EQ(too_long.message(), "第 3 行第 1 列的内容超过 XLSX 单元格上限 32767 个字符");
  }
  EXPECT_EQ(ReadFile(path), "previous table");
  EXPECT_EQ(dir.Files(), std::vector<std::string>{"old.xlsx"});
  // A directory that does not exist: an error naming the path, nothing created.
  const std::string nowhere = dir.File("missing/t.csv");
  Result<std::unique_ptr<TableSink>> sink = OpenTableSink(TableFormat::kCsv, nowhere);
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().message().rfind("无法在输出目录创建文件 " + nowhere, 0), 0u)
      << sink.status().message();
}

TEST(SinksTest, CsvAndJsonToPathAppearOnEnd) {
  TempDir dir;
  for (TableFormat format : {TableFormat::kCsv, TableFormat::kJson}) {
    const std::string path = dir.File(std::string("t.") + TableFormatName(format));
    Result<std::unique_ptr<TableSink>> sink = OpenTableSink(format, path);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Begin(Meta({"姓名"})).ok());
    ASSERT_TRUE((*sink)->Row({"张三"}).ok());
    ASSERT_TRUE((*sink)->End().ok());
    std::string text = ReadFile(path);
    EXPECT_EQ(text, format == TableFormat::kCsv ? "\xEF\xBB\xBF姓名\r\n张三\r\n"
                                                : "[{\"姓名\":\"张三\"}]\n");
  }
  std::vector<std::string> files = dir.Files();
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"t.csv", "t.json"}));
  EXPECT_EQ(ParseTableFormat("XLSX"), TableFormat::kXlsx);
  EXPECT_FALSE(ParseTableFormat("xls").has_value());
}

}  // namespace
}  // namespace onetable::mapping
