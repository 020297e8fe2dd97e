// `onetable table`, `onetable mapping draft` and the mapping half of `check`, run as the real
// binary on the store ONETABLE_TEST_STORE selects: output formats, the preview, entry savings,
// every kind of bad input (located, exit 1, no file left), XLSX read back by openpyxl and by
// LibreOffice, and formula injection and masking end to end.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cli_runner.h"
#include "csv/csv_reader.h"
#include "mapping/table_sink.h"
#include "model/catalog.h"
#include "model/phone.h"
#include "store/store.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

const char kRoster[] = R"(id: test/roster
title: 测试花名册
department: 测试部门
purpose: 测试
grain: person
as_of: "{year}-06-30"
where: alive
order_by: [name]
columns:
  - {header: 序号, value: row_number()}
  - {header: 姓名, value: name}
  - {header: 公民身份号码, value: id_number}
  - {header: 身份证号（打码）, value: mask(id_number)}
  - {header: 联系电话, value: mask(phone)}
  - {header: 工作单位, value: employer}
  - {header: 年龄, value: age}
  - {header: 备注, value: "''"}
)";

std::string Python() { return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

std::string Which(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + program;
    if (!dirs.substr(start, end - start).empty() && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return "";
}

std::vector<std::vector<std::string>> ParseCsvText(const std::string& text) {
  auto rows = connectors::ParseCsv(text, "t.csv", connectors::CsvOptions{});
  EXPECT_TRUE(rows.ok()) << rows.status().message();
  std::vector<std::vector<std::string>> out;
  if (rows.ok()) {
    for (const auto& r : *rows) out.push_back(r.cells);
  }
  return out;
}

class TableCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    fs::create_directories(dir_ + "/mappings/test");
    WriteFile(dir_ + "/mappings/test/roster.yaml", kRoster);
    config_ = dir_ + "/onetable.yaml";
    WriteFile(config_, "store: \"" + url_ +
                           "\"\nschema: " ONETABLE_SOURCE_DIR "/schema\nmappings: " + dir_ +
                           "/mappings\n");
    CliResult init = RunCli({"--config", config_, "init"}, "",
                            {{"ONETABLE_ADMIN_PASSWORD", "Secret-pass-2026"}});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::make_unique<Catalog>(std::move(*catalog));
    auto store = OpenStore(url_, *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    Populate();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  int64_t Add(EntityKind kind, int64_t parent, std::map<std::string, std::string> values,
              const std::string& status = kStatusActive) {
    Row r;
    r.parent_id = parent;
    r.values = std::move(values);
    r.status = status;
    auto id = store_->Insert(kind, r);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  // One household with residents whose values try to break spreadsheets.
  void Populate() {
    int64_t d = Add(EntityKind::kDistrict, 0, {{"code", "420581"}, {"name", "宜都市"}});
    int64_t s = Add(EntityKind::kStreet, d, {{"code", "420581001"}, {"name", "陆城街道"}});
    int64_t c = Add(EntityKind::kCommunity, s, {{"code", "420581001001"}, {"name", "东风社区"}});
    int64_t g = Add(EntityKind::kGrid, c, {{"code", "01"}, {"name", "第一网格"}});
    int64_t b = Add(EntityKind::kBuilding, g, {{"address", "清江大道1号"}});
    int64_t h = Add(EntityKind::kHousehold, b, {{"address", "清江大道1号101"}});
    std::string phone;
    ASSERT_FALSE(NormalizePhone("+86 138-1234-5678", &phone).has_value());
    ASSERT_EQ(phone, "13812345678");  // stored normalized
    Add(EntityKind::kPerson, h,
        {{"name", "=1+1"},
         {"id_number", "420581194406300014"},
         {"birth_date", "1944-06-30"},
         {"phone", phone},
         {"employer", "@SUM(A1:A9)"}});
    Add(EntityKind::kPerson, h,
        {{"name", "张三丰"},
         {"id_number", "02058119900101002X"},
         {"birth_date", "1990-01-01"},
         {"employer", "-2+3"}});
    Add(EntityKind::kPerson, h, {{"name", "已故者"}, {"death_date", "2024-01-01"}},
        kStatusDeceased);
  }

  CliResult Table(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config_, "table"});
    return RunCli(args);
  }

  // Files in dir_/out, for checking nothing was left behind.
  std::vector<std::string> Files() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_ + "/out")) {
      if (e.is_regular_file()) out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string dir_, url_, config_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Store> store_;
};

TEST_F(TableCli, FormatComesFromTheFlagOrTheExtensionElseCsvOnStdout) {
  CliResult csv = Table({"test/roster", "--as-of", "2024"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("\xEF\xBB\xBF序号,姓名,", 0), 0u) << csv.out;
  auto rows = ParseCsvText(csv.out.substr(3));
  ASSERT_EQ(rows.size(), 3u);  // header + 2 living persons; the deceased is left out
  EXPECT_EQ(rows[1][1], "'=1+1");
  EXPECT_EQ(rows[1][6], "80");

  CliResult json = Table({"test/roster", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.rfind("[{\"序号\":\"1\",\"姓名\":\"=1+1\"", 0), 0u) << json.out;

  for (const char* name : {"out.csv", "out.json", "out.xlsx", "OUT.XLSX"}) {
    CliResult r = Table({"test/roster", "-o", dir_ + "/" + name});
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_TRUE(fs::exists(dir_ + "/" + name)) << name;
    EXPECT_NE(r.err.find("已写入"), std::string::npos) << r.err;
  }
  EXPECT_EQ(ReadFile(dir_ + "/out.json").front(), '[');
  EXPECT_EQ(ReadFile(dir_ + "/out.xlsx").substr(0, 2), "PK");

  CliResult unknown = Table({"test/roster", "-o", dir_ + "/out.txt"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--format"), std::string::npos) << unknown.err;
  CliResult xlsx_stdout = Table({"test/roster", "--format", "xlsx"});
  EXPECT_EQ(xlsx_stdout.exit_code, 2);
  EXPECT_FALSE(fs::exists(dir_ + "/out.txt"));
}

TEST_F(TableCli, PreviewPrintsAnAlignedTableOfTheFirstRows) {
  CliResult r = Table({"test/roster", "--preview", "1", "--as-of", "2024-06-30"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string expected =
      "测试花名册 — 截至 2024-06-30\n"
      "序号  姓名  公民身份号码        身份证号（打码）    联系电话     工作单位     年龄  备注\n"
      "----  ----  ------------------  ------------------  -----------  -----------  ----  ----\n"
      "1     =1+1  420581194406300014  420***********0014  138****5678  @SUM(A1:A9)  80\n";
  EXPECT_EQ(r.out, expected);
  EXPECT_NE(r.err.find("预览"), std::string::npos) << r.err;
  CliResult bad = Table({"test/roster", "--preview", "0"});
  EXPECT_EQ(bad.exit_code, 2);
  CliResult both = Table({"test/roster", "--preview", "3", "-o", dir_ + "/x.csv"});
  EXPECT_EQ(both.exit_code, 2);
}

TEST_F(TableCli, SavingsCountsCellsFilledFromTheRegister) {
  CliResult r = Table({"test/roster", "--savings", "-o", dir_ + "/s.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 2 rows × 8 columns = 16 cells; 序号 and 备注 (4) are not from the register, nor 张三丰's
  // empty phone (1): 11 cells.
  EXPECT_NE(r.err.find("表内 16 格中有 11 格由登记库自动填写，占 68.8%"), std::string::npos)
      << r.err;
}

TEST_F(TableCli, BadInputIsLocatedExitsOneAndLeavesNoFile) {
  fs::create_directories(dir_ + "/out");
  WriteFile(dir_ + "/out/keep.xlsx", "previous table");
  struct Case {
    std::string what;
    std::string yaml;  // replaces the roster's columns / where (empty: the good roster)
    std::vector<std::string> extra;
    std::string message;
  };
  const std::string head =
      "id: test/bad\ntitle: 坏表\ndepartment: 测试\npurpose: 测试\ngrain: person\n";
  std::vector<Case> cases = {
      {"unknown field",
       head + "columns:\n  - {header: 姓名, value: nmae}\n",
       {},
       "bad.yaml:7:25: 未知字段 “nmae”，是否是 “name”？"},
      {"type mismatch",
       head + "where: age > \"abc\"\ncolumns: [{header: 姓名, value: name}]\n",
       {},
       "bad.yaml:6:14: 无法比较 整数 与 字符串"},
      {"unknown function",
       head + "columns:\n  - {header: 姓名, value: foo(name)}\n",
       {},
       "bad.yaml:7:25: 未知函数 “foo”"},
      {"syntax error",
       head + "where: age >= \ncolumns: [{header: 姓名, value: name}]\n",
       {},
       "bad.yaml:6:"},
      {"missing header",
       head + "columns:\n  - {value: name}\n",
       {},
       "bad.yaml:7:5: 缺少必填项 “header”"},
      {"not a code field",
       head + "columns:\n  - {header: 姓名, value: label(name)}\n",
       {},
       "bad.yaml:7:31: label() 的参数应为代码字段"},
      {"code not in its table",
       head + "where: gender == \"3\"\ncolumns: [{header: 姓名, value: name}]\n",
       {},
       "bad.yaml:6:18: 代码表 gb2261.1-gender 中没有代码 “3”"},
      {"as_of not a date",
       head + "as_of: \"{year}-13-01\"\ncolumns: [{header: 姓名, value: name}]\n",
       {},
       "bad.yaml:6:8: “as_of” 应为日期"},
      {"order_by not sortable",
       head + "order_by: [\"concat(name, 'x')\"]\n"
              "columns: [{header: 姓名, value: name}]\n",
       {},
       "bad.yaml:6:12: order_by 只能按字段排序"},
      {"request as_of", "", {"--as-of", "2024-02-30"}, "参数 as_of"},
      {"request scope", "", {"--scope", "420581009999"}, "参数 scope：找不到代码为 “420581009999”"},
  };
  for (const Case& c : cases) {
    std::string id = "test/roster";
    if (!c.yaml.empty()) {
      WriteFile(dir_ + "/mappings/test/bad.yaml", c.yaml);
      id = "test/bad";
    }
    for (const char* out : {"new.xlsx", "keep.xlsx", "new.csv"}) {
      std::vector<std::string> args = {id, "-o", dir_ + "/out/" + out};
      args.insert(args.end(), c.extra.begin(), c.extra.end());
      CliResult r = Table(args);
      EXPECT_EQ(r.exit_code, 1) << c.what << ": " << r.err;
      EXPECT_NE(r.err.find(c.message), std::string::npos) << c.what << ": " << r.err;
      EXPECT_EQ(Files(), std::vector<std::string>{"keep.xlsx"}) << c.what << " left a file behind";
    }
  }
  EXPECT_EQ(ReadFile(dir_ + "/out/keep.xlsx"), "previous table");
  CliResult missing = Table({"test/nosuch"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("找不到映射 “test/nosuch”"), std::string::npos) << missing.err;
  CliResult traversal = Table({"../../etc/passwd"});
  EXPECT_EQ(traversal.exit_code, 1);
  EXPECT_NE(traversal.err.find("应写成 部门/表名"), std::string::npos) << traversal.err;
}

TEST_F(TableCli, CheckValidatesEveryMapping) {
  CliResult ok = RunCli({"--config", config_, "check"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.err.find("映射无误：1 张部门报表"), std::string::npos) << ok.err;
  WriteFile(dir_ + "/mappings/test/wrong-id.yaml",
            std::string(kRoster) + "  - {header: 坏列, value: nmae}\n");
  CliResult bad = RunCli({"--config", config_, "check"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("wrong-id.yaml:18:25: 未知字段 “nmae”"), std::string::npos) << bad.out;
  WriteFile(dir_ + "/mappings/test/wrong-id.yaml", kRoster);
  CliResult id = RunCli({"--config", config_, "check"});
  EXPECT_EQ(id.exit_code, 1);
  EXPECT_NE(id.out.find("应为 “test/wrong-id”"), std::string::npos) << id.out;

  const std::string shipped = dir_ + "/shipped.yaml";
  WriteFile(shipped, "store: \"" + url_ +
                         "\"\nschema: " ONETABLE_SOURCE_DIR
                         "/schema\nmappings: " ONETABLE_SOURCE_DIR "/mappings\n");
  CliResult all = RunCli({"--config", shipped, "check"});
  EXPECT_EQ(all.exit_code, 0) << all.out << all.err;
  EXPECT_NE(all.err.find("映射无误："), std::string::npos) << all.err;
}

TEST_F(TableCli, XlsxReadsBackInOpenpyxlWithTitleBoldFrozenHeaderAndTextIds) {
  const std::string xlsx = dir_ + "/roster.xlsx";
  CliResult r = Table({"test/roster", "-o", xlsx, "--as-of", "2024"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string script = dir_ + "/check.py";
  WriteFile(script, R"PY(import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
assert ws['A1'].value == '测试花名册 — 截至 2024-06-30', ws['A1'].value
assert ws.freeze_panes == 'A3', ws.freeze_panes
assert [c.value for c in ws[2]] == ['序号', '姓名', '公民身份号码', '身份证号（打码）', '联系电话', '工作单位', '年龄', '备注'], [c.value for c in ws[2]]
assert all(c.font.b for c in ws[2]), 'header not bold'
row = [c for c in ws[3]]
assert row[2].value == '420581194406300014' and row[2].data_type == 's', (row[2].value, row[2].data_type)
assert ws['C4'].value == '02058119900101002X' and ws['C4'].data_type == 's', ws['C4'].value
assert row[1].value == "'=1+1" and row[1].data_type == 's', (row[1].value, row[1].data_type)
assert row[3].value == '420***********0014', row[3].value
assert row[4].value == '138****5678', row[4].value
assert row[5].value == "'@SUM(A1:A9)", row[5].value
assert ws['F4'].value == "'-2+3", ws['F4'].value
assert ws.max_row == 4, ws.max_row
for r in ws.iter_rows():
    for c in r:
        assert c.data_type != 'f', ('formula', c.coordinate)
print('ok')
)PY");
  const std::string out = dir_ + "/py.out";
  int rc = std::system((Python() + " " + script + " " + xlsx + " > " + out + " 2>&1").c_str());
  EXPECT_EQ(rc, 0) << "openpyxl could not read the table as expected (ops/setup installs "
                      "python3-openpyxl):\n"
                   << ReadFile(out);
}

TEST_F(TableCli, XlsxConvertedByLibreOfficeGivesBackTheSameCells) {
  std::string office = Which("libreoffice");
  if (office.empty()) office = Which("soffice");
  ASSERT_FALSE(office.empty()) << "LibreOffice is not installed (ops/setup installs "
                                  "libreoffice-calc-nogui)";
  const std::string xlsx = dir_ + "/roster.xlsx", csv = dir_ + "/roster.csv";
  ASSERT_EQ(Table({"test/roster", "-o", xlsx, "--as-of", "2024"}).exit_code, 0);
  ASSERT_EQ(Table({"test/roster", "-o", csv, "--as-of", "2024"}).exit_code, 0);
  const std::string outdir = dir_ + "/lo";
  fs::create_directories(outdir);
  const std::string cmd = office + " -env:UserInstallation=file://" + dir_ +
                          "/lo-profile --headless --convert-to "
                          "'csv:Text - txt - csv (StarCalc):44,34,76,1' --outdir " +
                          outdir + " " + xlsx + " > " + dir_ + "/lo.log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << ReadFile(dir_ + "/lo.log");
  auto converted = ParseCsvText(ReadFile(outdir + "/roster.csv"));
  auto ours = ParseCsvText(ReadFile(csv).substr(3));  // without the BOM
  ASSERT_EQ(converted.size(), ours.size() + 1) << ReadFile(outdir + "/roster.csv");
  EXPECT_EQ(converted[0][0], "测试花名册 — 截至 2024-06-30");  // the title row
  for (size_t i = 0; i < ours.size(); ++i) {
    std::vector<std::string> row = converted[i + 1];
    row.resize(ours[i].size());
    EXPECT_EQ(row, ours[i]) << "row " << i + 2;
  }
}

TEST_F(TableCli, DraftFromATemplateBecomesAWorkingMapping) {
  // A department's blank template: a title row merged across, then the headers.
  const std::string tpl = dir_ + "/tpl.xlsx";
  {
    auto sink = mapping::OpenTableSink(mapping::TableFormat::kXlsx, tpl);
    ASSERT_TRUE(sink.ok());
    mapping::TableMeta meta;
    meta.title = "XX社区测试花名册";
    meta.headers = {"序号", "姓名", "身份证号码", "出生年月", "领取人签字"};
    ASSERT_TRUE((*sink)->Begin(meta).ok());
    ASSERT_TRUE((*sink)->End().ok());
  }
  const std::string draft = dir_ + "/mappings/test/drafted.yaml";
  CliResult r = RunCli({"--config", config_, "mapping", "draft", tpl, "-o", draft});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("表头在第 2 行，5 列中匹配 4 列"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("领取人签字（第 5 列）"), std::string::npos) << r.err;
  std::string yaml = ReadFile(draft);
  EXPECT_NE(yaml.find("title: \"XX社区测试花名册\""), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("# - {header: \"领取人签字\""), std::string::npos) << yaml;
  // Give it its id and it runs.
  yaml.replace(yaml.find("draft/untitled"), 14, "test/drafted");
  WriteFile(draft, yaml);
  CliResult t = Table({"test/drafted", "--format", "csv"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("1,'=1+1,420581194406300014,1944-06-30"), std::string::npos) << t.out;

  WriteFile(dir_ + "/tpl.csv", "标题\n序号,姓名,联系电话\n");
  CliResult csv = RunCli({"--config", config_, "mapping", "draft", dir_ + "/tpl.csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find("value: \"phone\""), std::string::npos) << csv.out;
  CliResult missing = RunCli({"--config", config_, "mapping", "draft", dir_ + "/none.xlsx"});
  EXPECT_EQ(missing.exit_code, 1);
  CliResult usage = RunCli({"--config", config_, "mapping", "frobnicate"});
  EXPECT_EQ(usage.exit_code, 2);
}

// A table run is the same audited action from the terminal as from the API (download, or
// preview for the first rows), recorded as the operator.
TEST_F(TableCli, EveryTableRunIsAuditedLikeTheApi) {
  ASSERT_EQ(Table({"test/roster", "--format", "json"}).exit_code, 0);
  ASSERT_EQ(Table({"test/roster", "--preview", "2"}).exit_code, 0);
  EXPECT_NE(Table({"test/nosuch"}).exit_code, 0);
  AuditQuery q;
  q.action = "download";
  auto entries = store_->ListAudit(q);
  ASSERT_TRUE(entries.ok()) << entries.status().message();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].object, "table/test/roster");
  EXPECT_EQ((*entries)[0].result, "ok");
  EXPECT_EQ((*entries)[0].role, "operator");
  EXPECT_EQ((*entries)[0].user.rfind("cli:", 0), 0u) << (*entries)[0].user;
  EXPECT_EQ((*entries)[0].source_addr, "local");
  EXPECT_NE((*entries)[0].detail.find("format=json"), std::string::npos) << (*entries)[0].detail;
  EXPECT_NE((*entries)[0].detail.find(" rows="), std::string::npos) << (*entries)[0].detail;
  EXPECT_EQ((*entries)[0].detail.find("4205811944"), std::string::npos);  // no personal values
  EXPECT_EQ((*entries)[1].object, "table/test/nosuch");
  EXPECT_EQ((*entries)[1].result, "failed");
  q.action = "preview";
  entries = store_->ListAudit(q);
  ASSERT_TRUE(entries.ok()) << entries.status().message();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].object, "table/test/roster");
  EXPECT_NE((*entries)[0].detail.find("format=preview"), std::string::npos);
}

}  // namespace
}  // namespace onetable::testing
