#include "csv/csv_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "common/file_glob.h"
#include "common/header_row.h"

namespace onetable::connectors {
namespace {

using Cells = std::vector<std::string>;

std::string Fixture(const std::string& name) {
  return std::string(ONETABLE_TEST_DATA) + "/readers/" + name;
}

struct ExpectedRow {
  int64_t number;
  Cells cells;
};

struct ParseCase {
  const char* title;
  std::string input;
  std::vector<ExpectedRow> rows;
  const char* error = nullptr;  // substring of the fatal error, when one is expected
  char delimiter = ',';
};

class CsvParseTest : public testing::TestWithParam<ParseCase> {};

TEST_P(CsvParseTest, ParsesRecordsWithTheirStartLines) {
  const ParseCase& c = GetParam();
  CsvOptions options;
  options.delimiter = c.delimiter;
  // Whole input at once and one byte at a time must agree: chunk edges are invisible.
  for (size_t chunk : {size_t{65536}, size_t{1}}) {
    options.chunk_bytes = chunk;
    Result<std::vector<Row>> rows = ParseCsv(c.input, "t.csv", options);
    if (c.error != nullptr) {
      ASSERT_FALSE(rows.ok()) << c.title;
      EXPECT_NE(rows.status().message().find(c.error), std::string::npos)
          << c.title << ": " << rows.status().message();
      continue;
    }
    ASSERT_TRUE(rows.ok()) << c.title << ": " << rows.status().message();
    ASSERT_EQ(rows->size(), c.rows.size()) << c.title << " chunk " << chunk;
    for (size_t i = 0; i < c.rows.size(); ++i) {
      EXPECT_EQ((*rows)[i].number, c.rows[i].number) << c.title << " row " << i;
      EXPECT_EQ((*rows)[i].cells, c.rows[i].cells) << c.title << " row " << i;
      EXPECT_EQ((*rows)[i].error, "") << c.title << " row " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rfc4180, CsvParseTest,
    testing::Values(
        ParseCase{"lf", "a,b\n1,2\n", {{1, {"a", "b"}}, {2, {"1", "2"}}}},
        ParseCase{"crlf", "a,b\r\n1,2\r\n", {{1, {"a", "b"}}, {2, {"1", "2"}}}},
        ParseCase{"cr only", "a\rb\r", {{1, {"a"}}, {2, {"b"}}}},
        ParseCase{"no final newline", "a,b\n1,2", {{1, {"a", "b"}}, {2, {"1", "2"}}}},
        ParseCase{"quoted delimiter", "a,\"b,c\"\n", {{1, {"a", "b,c"}}}},
        ParseCase{"doubled quotes", "\"x\"\"y\"\"\"\n", {{1, {"x\"y\""}}}},
        ParseCase{"empty quoted", "\"\",x\n", {{1, {"", "x"}}}},
        ParseCase{"quoted lf", "\"l1\nl2\",z\nnext\n", {{1, {"l1\nl2", "z"}}, {3, {"next"}}}},
        ParseCase{"quoted crlf", "\"l1\r\nl2\"\r\nx\r\n", {{1, {"l1\r\nl2"}}, {3, {"x"}}}},
        ParseCase{"empty fields", ",,\n", {{1, {"", "", ""}}}},
        ParseCase{"trailing delimiter", "a,\n", {{1, {"a", ""}}}},
        ParseCase{"blank lines skipped, still counted", "\n\na\r\n\r\nb", {{3, {"a"}}, {5, {"b"}}}},
        ParseCase{"stray quote kept", "ab\"c,d\n", {{1, {"ab\"c", "d"}}}},
        ParseCase{"text after closing quote kept", "\"ab\"c,d\n", {{1, {"abc", "d"}}}},
        ParseCase{"chinese",
                  "姓名,地址\n龚喆,\"东城区，1号\"\n",
                  {{1, {"姓名", "地址"}}, {2, {"龚喆", "东城区，1号"}}}},
        ParseCase{
            "tab", "a\tb,c\n1\t\"x\ty\"\n", {{1, {"a", "b,c"}}, {2, {"1", "x\ty"}}}, nullptr, '\t'},
        ParseCase{"empty input", "", {}}));

// An unclosed quote: its record comes out as one error row saying how many lines were lost, and
// reading starts again at the next line, instead of the rest of the file becoming one field (or
// the read failing). Whole input and one byte at a time agree.
struct ResyncCase {
  const char* title;
  std::string input;
  std::vector<ExpectedRow> rows;  // the good rows, in order
  int64_t error_line;             // the line of the error row
  const char* error;              // substring of its message
  int64_t lost;
};

TEST(CsvResyncTest, AnUnclosedQuoteCostsOnlyItsOwnLine) {
  const std::vector<ResyncCase> cases = {
      {"open at the end",
       "a,b\n1,\"open\n2,x\n3,y\n",
       {{1, {"a", "b"}}, {3, {"2", "x"}}, {4, {"3", "y"}}},
       2,
       "t.csv 第 2 行: 第 2 行的引号没有闭合，该记录无法读取，已从下一行起重新读取（丢失 1 行）",
       1},
      {"closed by a later field's quote",
       "a,b\n1,\"open\n2,x\n3,\"quoted\"\n4,z\n",
       {{1, {"a", "b"}}, {3, {"2", "x"}}, {4, {"3", "quoted"}}, {5, {"4", "z"}}},
       2,
       "第 2 行的引号没有闭合",
       1},
      {"last line", "x\ny\nz,\"open", {{1, {"x"}}, {2, {"y"}}}, 3, "（丢失 1 行）", 1},
      {"crlf", "a\r\n\"open\r\nb\r\n", {{1, {"a"}}, {3, {"b"}}}, 2, "第 2 行的引号", 1},
  };
  for (const ResyncCase& c : cases) {
    for (size_t chunk : {size_t{65536}, size_t{1}}) {
      CsvOptions options;
      options.chunk_bytes = chunk;
      std::istringstream in(c.input);
      CsvReader reader(in, "t.csv", options);
      std::vector<Row> good;
      std::vector<Row> bad;
      Row row;
      for (;;) {
        Result<bool> more = reader.Next(&row);
        ASSERT_TRUE(more.ok()) << c.title << ": " << more.status().message();
        if (!*more) break;
        (row.error.empty() ? good : bad).push_back(row);
      }
      ASSERT_EQ(bad.size(), 1u) << c.title << " chunk " << chunk;
      EXPECT_EQ(bad[0].number, c.error_line) << c.title;
      EXPECT_NE(bad[0].error.find(c.error), std::string::npos) << c.title << ": " << bad[0].error;
      EXPECT_EQ(reader.lost_lines(), c.lost) << c.title;
      ASSERT_EQ(good.size(), c.rows.size()) << c.title << " chunk " << chunk;
      for (size_t i = 0; i < c.rows.size(); ++i) {
        EXPECT_EQ(good[i].number, c.rows[i].number) << c.title << " row " << i;
        EXPECT_EQ(good[i].cells, c.rows[i].cells) << c.title << " row " << i;
      }
    }
  }
}

TEST(CsvResyncTest, ManyStrayQuotesNeitherRecurseNorSwallowTheFile) {
  // Every line opens a quote that the next line's quote "closes": 20,000 resyncs in a row.
  std::string input;
  for (int i = 0; i < 20000; ++i) input += "\"x\nab\"c\n";
  Result<std::vector<Row>> rows = ParseCsv(input, "stray.csv", CsvOptions{});
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_GE(rows->size(), 20000u);
}

TEST(CsvLimitsTest, OversizedFieldIsCutAndReportedOnItsRowOnly) {
  CsvOptions options;
  options.max_field_bytes = 8;
  Result<std::vector<Row>> rows =
      ParseCsv("a,0123456789,b\n龚喆龚喆,x\nok,1\n", "big.csv", options);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].cells, (Cells{"a", "01234567", "b"}));
  EXPECT_EQ((*rows)[0].error, "big.csv 第 1 行第 2 列: 字段长度超过上限 8 字节（已截断）");
  // Cut at a character boundary: 龚喆 is 6 bytes, a third character would not fit.
  EXPECT_EQ((*rows)[1].cells[0], "龚喆");
  EXPECT_NE((*rows)[1].error.find("第 2 行第 1 列"), std::string::npos);
  EXPECT_EQ((*rows)[2].error, "");
}

TEST(CsvLimitsTest, TooManyColumnsIsReportedAndExtraFieldsDropped) {
  CsvOptions options;
  options.max_columns = 3;
  Result<std::vector<Row>> rows = ParseCsv("a,b,c,d,e\nx,y\n", "wide.csv", options);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].cells, (Cells{"a", "b", "c"}));
  EXPECT_EQ((*rows)[0].error, "wide.csv 第 1 行: 列数 5 超过上限 3");
  EXPECT_EQ((*rows)[1].error, "");
}

TEST(CsvLimitsTest, HugeInputsStayBounded) {
  CsvOptions options;
  options.max_field_bytes = 1024;
  options.max_record_bytes = 4096;
  // 5 MB on one line without a newline, then 5 MB inside a quote that never closes.
  std::string one_line(5 << 20, 'x');
  Result<std::vector<Row>> rows = ParseCsv(one_line, "line.csv", options);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].cells[0].size(), 1024u);
  EXPECT_NE((*rows)[0].error.find("超过上限"), std::string::npos);

  std::string commas(1 << 20, ',');
  rows = ParseCsv(commas + "\n", "commas.csv", options);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].cells.size(), options.max_columns);
  EXPECT_NE((*rows)[0].error.find("列数 1048577 超过上限 1000"), std::string::npos);

  // A quote open for more than a record may hold: the record is given up, the read goes on.
  rows = ParseCsv("a\n\"" + one_line + "\nb\n", "open.csv", options);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_GE(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].cells, (Cells{"a"}));
  EXPECT_NE((*rows)[1].error.find("open.csv 第 2 行: 第 2 行的引号没有闭合"), std::string::npos)
      << (*rows)[1].error;
}

TEST(CsvLimitsTest, UnusableDelimiterIsRefused) {
  for (char d : {'"', '\n', '\r'}) {
    CsvOptions options;
    options.delimiter = d;
    Result<std::vector<Row>> rows = ParseCsv("a,b\n", "d.csv", options);
    ASSERT_FALSE(rows.ok());
    EXPECT_NE(rows.status().message().find("d.csv: 不支持的分隔符"), std::string::npos);
  }
}

// The same roster in four encodings/layouts reads the same, header found below a title.
struct RosterCase {
  const char* file;
  char delimiter;
  TextEncoding detected;
};

class CsvRosterTest : public testing::TestWithParam<RosterCase> {};

TEST_P(CsvRosterTest, FindsHeaderBelowTitleAndReadsRecords) {
  const RosterCase& c = GetParam();
  for (size_t chunk : {size_t{65536}, size_t{1}, size_t{3}}) {
    CsvOptions options;
    options.delimiter = c.delimiter;
    options.chunk_bytes = chunk;
    Result<std::unique_ptr<CsvReader>> reader = CsvReader::OpenFile(Fixture(c.file), options);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    HeaderSpec spec;
    spec.known_names = {"姓名", "身份证号", "公民身份号码", "地址", "救助类型"};
    HeaderedTable table(spec, c.file, /*pad_short_rows=*/false);
    std::vector<Row> data;
    Row row;
    while (true) {
      Result<bool> more = (*reader)->Next(&row);
      ASSERT_TRUE(more.ok()) << more.status().message();
      if (!*more) break;
      Result<HeaderedTable::RowKind> kind = table.Accept(&row);
      ASSERT_TRUE(kind.ok()) << kind.status().message();
      if (*kind == HeaderedTable::RowKind::kData) data.push_back(row);
    }
    ASSERT_TRUE(table.Finish().ok());
    EXPECT_EQ((*reader)->encoding(), c.detected) << c.file;
    EXPECT_EQ(table.header_row_number(), 4);
    EXPECT_EQ(table.header(), (Cells{"序号", "姓名", "身份证号", "地址", "救助类型"}));
    ASSERT_EQ(data.size(), 3u) << c.file << " chunk " << chunk;
    EXPECT_EQ(data[0].number, 5);
    EXPECT_EQ(data[0].cells, (Cells{"1", "龚喆", "110101199003070011",
                                    "北京市东城区\r\n景山街道1号", "城市低保"}));
    EXPECT_EQ(data[1].number, 7);
    EXPECT_EQ(data[1].cells[1], "王\"小明\"");
    EXPECT_EQ(data[1].cells[3], c.delimiter == ',' ? "东城区, 2号楼" : "东城区\t 2号楼");
    EXPECT_EQ(data[2].number, 8);
    EXPECT_EQ(data[2].cells, (Cells{"3", "李四", "", "", "城市低保"}));
    for (const Row& r : data) EXPECT_EQ(r.error, "");
  }
}

INSTANTIATE_TEST_SUITE_P(Encodings, CsvRosterTest,
                         testing::Values(RosterCase{"dibao_utf8.csv", ',', TextEncoding::kUtf8},
                                         RosterCase{"dibao_bom.csv", ',', TextEncoding::kUtf8Bom},
                                         RosterCase{"dibao_gbk.csv", ',', TextEncoding::kGbk},
                                         RosterCase{"dibao_gbk.tsv", '\t', TextEncoding::kGbk}));

TEST(CsvReaderTest, Gb18030FileWithFourByteCharacterAndQuotedNewline) {
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::OpenFile(Fixture("dibao_gb18030.csv"), {});
  ASSERT_TRUE(reader.ok());
  std::vector<Row> rows;
  Row row;
  while (true) {
    Result<bool> more = (*reader)->Next(&row);
    ASSERT_TRUE(more.ok()) << more.status().message();
    if (!*more) break;
    rows.push_back(row);
  }
  EXPECT_EQ((*reader)->encoding(), TextEncoding::kGb18030);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].cells, (Cells{"张𠈌", "110101199001010033", "北京市"}));
  EXPECT_EQ(rows[2].number, 3);
  EXPECT_EQ(rows[2].cells, (Cells{"龚喆", "110101199001010044", "东城区\n\"景山\"街道"}));
}

TEST(CsvReaderTest, RaggedRowsAreReportedPerRowWithExpectedAndActualCounts) {
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::OpenFile(Fixture("ragged.csv"), {});
  ASSERT_TRUE(reader.ok());
  HeaderSpec spec;
  spec.known_names = {"姓名", "性别", "身份证号", "残疾类别"};
  spec.min_matches = 3;
  HeaderedTable table(spec, "ragged.csv", false);
  std::vector<Row> data;
  Row row;
  while (true) {
    Result<bool> more = (*reader)->Next(&row);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
    Result<HeaderedTable::RowKind> kind = table.Accept(&row);
    ASSERT_TRUE(kind.ok());
    if (*kind == HeaderedTable::RowKind::kData) data.push_back(row);
  }
  EXPECT_EQ(table.header_row_number(), 3);
  ASSERT_EQ(data.size(), 4u);
  EXPECT_EQ(data[0].error, "");
  EXPECT_EQ(data[1].number, 5);
  EXPECT_EQ(data[1].error, "ragged.csv 第 5 行: 列数不符：表头有 4 列，本行有 2 列");
  EXPECT_EQ(data[2].number, 6);
  EXPECT_EQ(data[2].error, "ragged.csv 第 6 行: 列数不符：表头有 4 列，本行有 6 列");
  // Trailing empty fields (an export that writes "听力,,") are not ragged.
  EXPECT_EQ(data[3].error, "");
  EXPECT_EQ(data[3].cells.size(), 4u);
}

TEST(CsvReaderTest, UnterminatedQuoteLosesOnlyItsLineAndTheReadGoesOn) {
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::OpenFile(Fixture("unterminated.csv"), {});
  ASSERT_TRUE(reader.ok());
  Row row;
  std::vector<Row> rows;
  for (;;) {
    Result<bool> more = (*reader)->Next(&row);
    ASSERT_TRUE(more.ok()) << more.status().message();
    if (!*more) break;
    rows.push_back(row);
  }
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].cells, (Cells{"姓名", "地址"}));
  EXPECT_NE(rows[1].error.find("unterminated.csv 第 2 行: 第 2 行的引号没有闭合"),
            std::string::npos)
      << rows[1].error;
  EXPECT_NE(rows[1].error.find("丢失 1 行"), std::string::npos);
  EXPECT_EQ(rows[3].cells, (Cells{"李四", "西城区"}));
  EXPECT_EQ(rows[3].error, "");
  EXPECT_EQ((*reader)->lost_lines(), 1);
}

TEST(CsvReaderTest, BadBytesYieldEarlierRecordsThenTheError) {
  CsvOptions options;
  options.encoding = TextEncoding::kGbk;
  Result<std::unique_ptr<CsvReader>> reader =
      CsvReader::OpenFile(Fixture("invalid_gbk.csv"), options);
  ASSERT_TRUE(reader.ok());
  Row row;
  ASSERT_TRUE(*(*reader)->Next(&row));
  ASSERT_TRUE(*(*reader)->Next(&row));
  EXPECT_EQ(row.cells, (Cells{"龚喆", "东城区"}));
  Result<bool> third = (*reader)->Next(&row);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().message(),
            "invalid_gbk.csv 第 3 行（字节偏移 26）: 不是有效的 gbk 编码");
}

TEST(CsvReaderTest, MissingFileIsNotFound) {
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::OpenFile(Fixture("nope.csv"), {});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kNotFound);
}

Row MakeRow(int64_t number, Cells cells) { return Row{number, std::move(cells), ""}; }

TEST(HeaderedTableTest, FixedHeaderRowNumber) {
  HeaderSpec spec;
  spec.row_number = 2;
  HeaderedTable table(spec, "f.csv", true);
  Row title = MakeRow(1, {"标题"});
  Row header = MakeRow(2, {" 姓名\xE3\x80\x80", "年龄", ""});
  Row data = MakeRow(3, {"张三"});
  EXPECT_EQ(*table.Accept(&title), HeaderedTable::RowKind::kSkipped);
  EXPECT_EQ(*table.Accept(&header), HeaderedTable::RowKind::kHeader);
  EXPECT_EQ(table.header(), (Cells{"姓名", "年龄"}));
  EXPECT_EQ(*table.Accept(&data), HeaderedTable::RowKind::kData);
  EXPECT_EQ(data.cells, (Cells{"张三", ""}));  // padded: pad_short_rows
  EXPECT_EQ(data.error, "");
}

TEST(HeaderedTableTest, FixedHeaderRowThatIsMissingIsAnError) {
  HeaderSpec spec;
  spec.row_number = 2;
  HeaderedTable table(spec, "f.csv", false);
  Row later = MakeRow(3, {"张三"});
  Result<HeaderedTable::RowKind> kind = table.Accept(&later);
  ASSERT_FALSE(kind.ok());
  EXPECT_EQ(kind.status().message(), "f.csv: 指定的表头行（第 2 行）为空或不存在");
}

TEST(HeaderedTableTest, PredicateDecides) {
  HeaderSpec spec;
  spec.predicate = [](const Cells& cells) { return !cells.empty() && cells[0] == "编号"; };
  HeaderedTable table(spec, "p.csv", false);
  Row a = MakeRow(1, {"姓名", "身份证号"});
  Row b = MakeRow(2, {"编号", "x"});
  EXPECT_EQ(*table.Accept(&a), HeaderedTable::RowKind::kSkipped);
  EXPECT_EQ(*table.Accept(&b), HeaderedTable::RowKind::kHeader);
}

TEST(HeaderedTableTest, GivesUpAfterMaxScanRowsAndSaysWhatItLookedFor) {
  HeaderSpec spec;
  spec.known_names = {"姓名", "身份证号"};
  spec.max_scan_rows = 2;
  HeaderedTable table(spec, "n.csv", false);
  Row r1 = MakeRow(1, {"a"}), r2 = MakeRow(2, {"姓名", "x"}), blank = MakeRow(3, {"", " "}),
      r4 = MakeRow(4, {"b"});
  EXPECT_EQ(*table.Accept(&r1), HeaderedTable::RowKind::kSkipped);
  EXPECT_EQ(*table.Accept(&r2), HeaderedTable::RowKind::kSkipped);     // one match of two
  EXPECT_EQ(*table.Accept(&blank), HeaderedTable::RowKind::kSkipped);  // blank: not counted
  Result<HeaderedTable::RowKind> kind = table.Accept(&r4);
  ASSERT_FALSE(kind.ok());
  EXPECT_EQ(kind.status().message(),
            "n.csv: 未找到表头：前 2 个非空行中没有至少含 2 个已知列名（姓名、身份证号）的行");
  HeaderedTable empty(spec, "e.csv", false);
  EXPECT_FALSE(empty.Finish().ok());
}

TEST(HeaderedTableTest, KeepsAnEarlierRowError) {
  HeaderedTable table(HeaderSpec{}, "k.csv", false);
  Row header = MakeRow(1, {"a", "b"});
  ASSERT_EQ(*table.Accept(&header), HeaderedTable::RowKind::kHeader);
  Row bad = MakeRow(2, {"x"});
  bad.error = "k.csv 第 2 行第 1 列: 字段长度超过上限";
  ASSERT_EQ(*table.Accept(&bad), HeaderedTable::RowKind::kData);
  EXPECT_EQ(bad.error, "k.csv 第 2 行第 1 列: 字段长度超过上限");
  Row blank = MakeRow(3, {"", ""});
  EXPECT_EQ(*table.Accept(&blank), HeaderedTable::RowKind::kSkipped);
}

TEST(FileGlobTest, ExpandsRelativeToBaseSortedFilesOnly) {
  Result<std::vector<std::string>> files = ExpandGlob(Fixture(""), "exports/dibao-*.csv");
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(*files, (std::vector<std::string>{Fixture("exports/dibao-1.csv"),
                                              Fixture("exports/dibao-10.csv"),
                                              Fixture("exports/dibao-2.csv")}));
  // An absolute pattern ignores the base directory.
  files = ExpandGlob("/nonexistent", Fixture("exports/tekun-*.csv"));
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->size(), 1u);
  files = ExpandGlob(Fixture(""), "exports/none-*.csv");
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty());
  files = ExpandGlob(Fixture(""), "missing-dir/*.csv");
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find("目录不存在"), std::string::npos)
      << files.status().message();
}

}  // namespace
}  // namespace onetable::connectors
