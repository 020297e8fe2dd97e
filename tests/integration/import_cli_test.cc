// `onetable import` and `onetable sync` as an operator runs them: the real binary, the real csv
// and xlsx plugins (loaded from the plugin directory), real files, on the store chosen by
// ONETABLE_TEST_STORE. Report numbers are asserted exactly for the fixtures.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "cli_runner.h"
#include "model/catalog.h"
#include "model/id_number.h"
#include "store/store.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

const std::string kExamples = ONETABLE_SOURCE_DIR "/ops/examples";

class ImportCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(c.ok()) << c.status().message();
    catalog_ = new Catalog(std::move(*c));
  }
  void SetUp() override {
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    CliResult init = RunCli({"--store", url_, "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    // The examples, copied so a test can change the data.
    // Only the file connectors' examples: the others need servers (their own tests run them).
    fs::create_directories(dir_ + "/connectors");
    for (const char* name : {"minzheng-dibao.yaml", "canjian.yaml"}) {
      fs::copy(kExamples + "/connectors/" + name, dir_ + "/connectors/" + name);
    }
    fs::copy(kExamples + "/data", dir_ + "/data", fs::copy_options::recursive);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  CliResult Import(const std::string& yaml, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--store", url_, "import", yaml};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args);
  }

  // A configuration whose connectors directory is the test's copy of the examples.
  std::string WriteSyncConfig() {
    const std::string path = dir_ + "/onetable.yaml";
    WriteFile(path, "connectors: " + dir_ + "/connectors\n");
    return path;
  }

  Store* store() {
    if (!store_) {
      auto s = OpenStore(url_, *catalog_);
      EXPECT_TRUE(s.ok()) << s.status().message();
      store_ = std::move(*s);
    }
    return store_.get();
  }
  int64_t Persons() { return *store()->Count(EntityKind::kPerson, {}); }

  static Catalog* catalog_;
  std::string dir_, url_;
  std::unique_ptr<Store> store_;
};
Catalog* ImportCli::catalog_ = nullptr;

TEST_F(ImportCli, ExamplesImportWithExactReportsAndTheSecondRunChangesNothing) {
  CliResult dibao = Import(dir_ + "/connectors/minzheng-dibao.yaml");
  ASSERT_EQ(dibao.exit_code, 0) << dibao.err;
  // 8 data rows: 5 good; a wrong check digit, an impossible date, a short row.
  EXPECT_EQ(ReportCounts(dibao.out), (std::vector<int64_t>{8, 5, 0, 0, 0, 0, 3})) << dibao.out;
  CliResult canjian = Import(dir_ + "/connectors/canjian.yaml");
  ASSERT_EQ(canjian.exit_code, 0) << canjian.err;
  // Two persons already known by ID number (linked), two new; 张三's phone differs between two
  // trusted sources, which survivorship settles (the phone is not a field that needs a person):
  // nothing to review.
  EXPECT_EQ(ReportCounts(canjian.out), (std::vector<int64_t>{4, 2, 2, 0, 2, 0, 0})) << canjian.out;
  EXPECT_EQ(Persons(), 7);

  CliResult again = Import(dir_ + "/connectors/minzheng-dibao.yaml");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ReportCounts(again.out), (std::vector<int64_t>{8, 0, 0, 5, 0, 0, 3})) << again.out;

  // sync runs every connector in the configured directory: nothing new either.
  WriteFile(dir_ + "/onetable.yaml", "store: " + url_ + "\nconnectors: connectors\nschema: " +
                                         ONETABLE_SOURCE_DIR "/schema\n");
  CliResult sync = RunCli({"--config", dir_ + "/onetable.yaml", "sync"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  EXPECT_EQ(ReportCounts(sync.out), (std::vector<int64_t>{12, 0, 0, 9, 0, 0, 3})) << sync.out;
  EXPECT_NE(sync.out.find("\"source\":\"canjian\""), std::string::npos);
  EXPECT_NE(sync.out.find("\"source\":\"sync\""), std::string::npos);
  EXPECT_EQ(Persons(), 7);
}

TEST_F(ImportCli, QuarantineRowsCarryFileRowColumnAndReason) {
  CliResult r = Import(dir_ + "/connectors/minzheng-dibao.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto q = store()->ListQuarantine(0, 0, 100);
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 3u);
  std::map<int64_t, QuarantinedRow> by_row;
  for (const auto& row : *q) by_row[row.row] = row;
  // Physical lines: the quoted address on data row 3 spans two lines.
  ASSERT_EQ(by_row.count(9), 1u);
  EXPECT_EQ(by_row[9].location, "../data/minzheng-dibao.csv");
  EXPECT_EQ(by_row[9].column, "身份证号码");
  EXPECT_NE(by_row[9].reason.find("校验位"), std::string::npos) << by_row[9].reason;
  EXPECT_EQ(by_row[10].column, "认定日期");
  EXPECT_NE(by_row[10].reason.find("2020-13-45"), std::string::npos) << by_row[10].reason;
  EXPECT_EQ(by_row[11].column, "");
  EXPECT_NE(by_row[11].reason.find("列数不符"), std::string::npos) << by_row[11].reason;
  EXPECT_EQ(by_row[9].run_id, (*store()->ListImportRuns("minzheng-dibao", 0, 10))[0].id);
}

TEST_F(ImportCli, Gb18030WithAliasesQuotedNewlinesAndARaggedRow) {
  fs::copy(ONETABLE_TEST_DATA "/ingest/gaoling-gb18030.csv", dir_ + "/gaoling.csv");
  WriteFile(dir_ + "/gaoling.yaml",
            "id: gaoling\ntype: csv\noptions: {path: gaoling.csv}\n"
            "match: {id_number: 身份证号}\nfields: {name: 姓名, phone: 联系电话, "
            "current_address: 现住址}\n");
  CliResult r = Import(dir_ + "/gaoling.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReportCounts(r.out), (std::vector<int64_t>{4, 3, 0, 0, 0, 0, 1})) << r.out;
  std::string first17 = "42058119400101001";
  auto zhang =
      store()->FindBy(EntityKind::kPerson, "id_number", first17 + IdCheckCharacter(first17));
  ASSERT_TRUE(zhang.ok()) << zhang.status().message();
  EXPECT_EQ(*zhang->Get("name"), "张𠈌");
  std::string gong17 = "42058119420202003";
  auto gong = store()->FindBy(EntityKind::kPerson, "id_number", gong17 + IdCheckCharacter(gong17));
  ASSERT_TRUE(gong.ok());
  EXPECT_EQ(*gong->Get("current_address"), "清江大道\r\n\"幸福\"小区2号");
  std::string old17 = "42058119400404071";  // the 15-digit number, upgraded
  EXPECT_TRUE(
      store()->FindBy(EntityKind::kPerson, "id_number", old17 + IdCheckCharacter(old17)).ok());
}

// Hostile cells through the real csv plugin (issue 16, L and the regex_extract attack): a NUL
// inside an ID number ("ID\0GARBAGE", which a C-string reader cuts to a valid number) and a
// line break inside a name quarantine their rows as control characters; a 4,000-character cell
// against a pattern that backtracks catastrophically ('(a+)+$') cannot hang the import — the
// row imports, its transform simply finding nothing.
TEST_F(ImportCli, HostileCellsAreQuarantinedAndCannotHangTheImport) {
  const auto id = [](const char* first17) { return first17 + std::string(1, IdCheckCharacter(first17)); };
  const std::string good = id("42058119700101001"), nul = id("42058119700101003"),
                    crlf = id("42058119700101005"), slow = id("42058119700101007");
  std::string csv = "姓名,身份证号,备注\n";
  csv += "人员一," + good + ",无\n";
  csv += "人员二," + nul + std::string("\0GARBAGE", 8) + ",无\n";
  csv += "\"人员\r\n三\"," + crlf + ",无\n";
  csv += "人员四," + slow + "," + std::string(4000, 'a') + "X\n";
  WriteFile(dir_ + "/h.csv", csv);
  WriteFile(dir_ + "/h.yaml",
            "id: h\ntype: csv\noptions: {path: h.csv}\nmatch: {id_number: 身份证号}\n"
            "fields:\n  name: 姓名\n"
            "  former_name: {value: \"regex_extract(备注, '(a+)+$', 0)\"}\n");
  CliResult r = Import(dir_ + "/h.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReportCounts(r.out), (std::vector<int64_t>{4, 2, 0, 0, 0, 0, 2})) << r.out;
  EXPECT_TRUE(store()->FindBy(EntityKind::kPerson, "id_number", good).ok());
  Result<Row> four = store()->FindBy(EntityKind::kPerson, "id_number", slow);
  ASSERT_TRUE(four.ok()) << four.status().message();
  EXPECT_EQ(four->Get("former_name"), nullptr) << "no match: null";
  EXPECT_FALSE(store()->FindBy(EntityKind::kPerson, "id_number", nul).ok());
  auto q = store()->ListQuarantine(0, 0, 100);
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 2u);
  for (const QuarantinedRow& row : *q) {
    EXPECT_NE(row.reason.find("控制字符"), std::string::npos) << row.reason;
  }
}

TEST_F(ImportCli, ChangingThreeRowsAtTheSourceUpdatesExactlyThose) {
  std::string csv = "姓名,身份证号,联系电话\n";
  std::vector<std::string> lines;
  for (int i = 0; i < 10; ++i) {
    char seq[8];
    std::snprintf(seq, sizeof seq, "%03d", i * 2 + 1);
    std::string first17 = std::string("42058119700101") + seq;
    lines.push_back("人员" + std::to_string(i) + "," + first17 + IdCheckCharacter(first17) +
                    ",1380000000" + std::to_string(i));
  }
  auto write = [&]() {
    std::string text = csv;
    for (const auto& l : lines) text += l + "\n";
    WriteFile(dir_ + "/p.csv", text);
  };
  write();
  WriteFile(dir_ + "/p.yaml",
            "id: p\ntype: csv\noptions: {path: p.csv}\nmatch: {id_number: 身份证号}\n"
            "fields: {name: 姓名, phone: 联系电话}\n");
  EXPECT_EQ(ReportCounts(Import(dir_ + "/p.yaml").out),
            (std::vector<int64_t>{10, 10, 0, 0, 0, 0, 0}));
  EXPECT_EQ(ReportCounts(Import(dir_ + "/p.yaml").out),
            (std::vector<int64_t>{10, 0, 0, 10, 0, 0, 0}));
  lines[1] = "改名一" + lines[1].substr(lines[1].find(','));
  lines[4] = lines[4].substr(0, lines[4].rfind(',')) + ",13900000004";
  lines[8] = "改名八" + lines[8].substr(lines[8].find(','));
  write();
  CliResult r = Import(dir_ + "/p.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReportCounts(r.out), (std::vector<int64_t>{10, 0, 3, 7, 0, 0, 0})) << r.out;
  EXPECT_EQ(Persons(), 10);
}

TEST_F(ImportCli, KilledPartWayThenRunAgainLosesAndDuplicatesNothing) {
  const int kRows = 12000;
  std::string text = "姓名,身份证号,联系电话\n";
  for (int i = 0; i < kRows; ++i) {
    char first17[32];
    std::snprintf(first17, sizeof first17, "4205811960%02d%02d%03d", 1 + i / 6000,
                  1 + (i / 500) % 12, i % 500);
    text += "人员" + std::to_string(i) + "," + first17 + IdCheckCharacter(first17) + ",138" +
            std::to_string(10000000 + i) + "\n";
  }
  WriteFile(dir_ + "/big.csv", text);
  WriteFile(dir_ + "/big.yaml",
            "id: big\ntype: csv\noptions: {path: big.csv}\nmatch: {id_number: 身份证号}\n"
            "fields: {name: 姓名, phone: 联系电话}\n");
  pid_t pid = StartCli({"--store", url_, "import", dir_ + "/big.yaml", "--batch", "200"},
                       dir_ + "/big.log");
  // Wait for the first committed batch, seen through the store, then kill -9.
  ImportRun committed;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    auto runs = store()->ListImportRuns("big", 0, 1);
    if (runs.ok() && !runs->empty() && (*runs)[0].read > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the import finished before it could be killed";
  store_.reset();  // a fresh connection sees what was committed
  committed = (*store()->ListImportRuns("big", 0, 1))[0];
  EXPECT_EQ(committed.status, kImportRunning);
  EXPECT_GT(committed.read, 0);
  EXPECT_LT(committed.read, kRows);
  // No partial batch: whole batches only, and every committed row is a person.
  EXPECT_EQ(committed.read % 200, 0);
  EXPECT_EQ(Persons(), committed.created);
  EXPECT_EQ(committed.created, committed.read);

  // The killed run's lease is still live: a second import is refused with exit 4, naming it.
  auto lease = store()->GetLease("connector:big");
  ASSERT_TRUE(lease.ok() && lease->has_value());
  const std::string holder = (*lease)->holder;
  EXPECT_NE(holder.find(":" + std::to_string(pid) + ":"), std::string::npos) << holder;
  CliResult busy = Import(dir_ + "/big.yaml");
  EXPECT_EQ(busy.exit_code, 4) << busy.err;
  EXPECT_NE(busy.err.find("连接器 big 正由 " + holder + " 运行（自 "), std::string::npos)
      << busy.err;
  std::string busy_status;
  ReportCounts(busy.out, &busy_status);
  EXPECT_EQ(busy_status, "busy");
  EXPECT_EQ(store()->ListImportRuns("big", 0, 10)->size(), 1u);
  // Its holder is dead and stops renewing: once the lease lapses (moved into the past here, as
  // a minute without renewals would) the next run takes over.
  ASSERT_TRUE(store()->RenewLease("connector:big", holder, std::time(nullptr) - 120, 60).ok());

  CliResult rerun = Import(dir_ + "/big.yaml");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  std::vector<int64_t> counts = ReportCounts(rerun.out);
  ASSERT_EQ(counts.size(), 7u);
  // The rerun continues after the last committed batch.
  EXPECT_EQ(counts[0] + committed.read, kRows) << rerun.out;
  EXPECT_EQ(counts[1] + committed.created, kRows) << rerun.out;
  EXPECT_EQ(counts[6], 0);
  store_.reset();
  EXPECT_EQ(Persons(), kRows);
  auto runs = store()->ListImportRuns("big", 0, 10);
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].status, kImportInterrupted);
  EXPECT_EQ((*runs)[1].status, kImportDone);
  // And a third run reads everything again, finding it all unchanged.
  EXPECT_EQ(ReportCounts(Import(dir_ + "/big.yaml").out),
            (std::vector<int64_t>{kRows, 0, 0, kRows, 0, 0, 0}));
}

TEST_F(ImportCli, ALeaseHeldByAnotherRunExitsFourNamingItAndWritesNothing) {
  // Another instance runs 民政低保 right now (its lease taken here, through the store).
  auto claim = store()->AcquireLease("connector:minzheng-dibao", "jizhan-2:4242:9f3a",
                                     std::time(nullptr), 600);
  ASSERT_TRUE(claim.ok() && claim->granted);
  CliResult r = Import(dir_ + "/connectors/minzheng-dibao.yaml");
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("连接器 minzheng-dibao 正由 jizhan-2:4242:9f3a 运行（自 "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("请稍后再试"), std::string::npos) << r.err;
  std::string status;
  EXPECT_EQ(ReportCounts(r.out, &status), (std::vector<int64_t>{0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(status, "busy");
  EXPECT_TRUE(store()->ListImportRuns("", 0, 10)->empty());
  EXPECT_EQ(*store()->GetCursor("minzheng-dibao"), "");
  EXPECT_EQ(Persons(), 0);

  // sync runs the others and exits 4 for the busy one.
  WriteFile(dir_ + "/onetable.yaml", "store: " + url_ + "\nconnectors: connectors\nschema: " +
                                         ONETABLE_SOURCE_DIR "/schema\n");
  CliResult sync = RunCli({"--config", dir_ + "/onetable.yaml", "sync"});
  EXPECT_EQ(sync.exit_code, 4) << sync.err;
  EXPECT_NE(sync.err.find("jizhan-2:4242:9f3a"), std::string::npos) << sync.err;
  EXPECT_EQ(store()->ListImportRuns("minzheng-dibao", 0, 10)->size(), 0u);
  EXPECT_EQ(store()->ListImportRuns("canjian", 0, 10)->size(), 1u);

  // Once the other run is over the import goes through.
  ASSERT_TRUE(store()->ReleaseLease("connector:minzheng-dibao", "jizhan-2:4242:9f3a").ok());
  CliResult after = Import(dir_ + "/connectors/minzheng-dibao.yaml");
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_FALSE(store()->GetLease("connector:minzheng-dibao")->has_value());
}

TEST_F(ImportCli, BadConfigExitsTwoNamingFileAndLineAndWritesNothing) {
  std::string yaml = dir_ + "/connectors/minzheng-dibao.yaml";
  std::string text = ReadFile(yaml);
  size_t at = text.find("  phone: 联系电话");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("  phone: 联系电话").size(), "  telephone: 联系电话");
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  WriteFile(yaml, text);
  CliResult r = Import(yaml);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(yaml + ":" + std::to_string(line) + ":3: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("telephone"), std::string::npos) << r.err;
  std::string status;
  ReportCounts(r.out, &status);
  EXPECT_EQ(status, "invalid");

  // Options are checked against the plugin: an unknown option is a bad config too.
  WriteFile(
      dir_ + "/opt.yaml",
      "id: opt\ntype: csv\noptions: {path: x.csv, sheet: 1}\nfields: {id_number: 身份证号}\n");
  CliResult opt = Import(dir_ + "/opt.yaml");
  EXPECT_EQ(opt.exit_code, 2);
  EXPECT_NE(opt.err.find(dir_ + "/opt.yaml:3:24: 连接器 csv 没有选项 “sheet”"), std::string::npos)
      << opt.err;
  // An unknown connector type names the plugin file it looked for.
  WriteFile(dir_ + "/ftp.yaml", "id: ftp\ntype: ftp\nfields: {id_number: 身份证号}\n");
  CliResult ftp = Import(dir_ + "/ftp.yaml");
  EXPECT_EQ(ftp.exit_code, 2);
  EXPECT_NE(ftp.err.find("onetable_connector_ftp.so"), std::string::npos) << ftp.err;
  CliResult missing_yaml = Import(dir_ + "/nope.yaml");
  EXPECT_EQ(missing_yaml.exit_code, 2);
  EXPECT_TRUE(store()->ListImportRuns("", 0, 10)->empty());
  EXPECT_EQ(Persons(), 0);
}

TEST_F(ImportCli, MissingSourceFileExitsThreeAndWritesNothing) {
  fs::remove(dir_ + "/data/minzheng-dibao.csv");
  CliResult r = Import(dir_ + "/connectors/minzheng-dibao.yaml");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("找不到文件"), std::string::npos) << r.err;
  std::string status;
  std::vector<int64_t> counts = ReportCounts(r.out, &status);
  EXPECT_EQ(status, "unreachable");
  EXPECT_EQ(counts, (std::vector<int64_t>{0, 0, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(store()->ListImportRuns("", 0, 10)->empty());
  EXPECT_EQ(*store()->GetCursor("minzheng-dibao"), "");
  EXPECT_FALSE(store()->GetSourceInfo("minzheng-dibao").ok());
  EXPECT_EQ(Persons(), 0);
}

// `import` and `sync` are audited as the API's run is: connector_run on connector/<id>, by the
// operator, with the run's counts — and a run that could not start says why.
TEST_F(ImportCli, ImportAndSyncAreAuditedLikeTheApi) {
  ASSERT_EQ(Import(dir_ + "/connectors/minzheng-dibao.yaml").exit_code, 0);
  fs::remove(dir_ + "/data/canjian.xlsx");
  CliResult sync = RunCli({"--store", url_, "--config", WriteSyncConfig(), "sync"});
  EXPECT_EQ(sync.exit_code, 3) << sync.err;  // canjian's file is gone: unreachable
  AuditQuery q;
  q.action = "connector_run";
  Result<std::vector<AuditEntry>> audit = store()->ListAudit(q);
  ASSERT_TRUE(audit.ok()) << audit.status().message();
  std::vector<std::string> got;
  for (const AuditEntry& e : *audit) {
    EXPECT_EQ(e.user.rfind("cli:", 0), 0u) << e.user;
    EXPECT_EQ(e.role, "operator");
    EXPECT_EQ(e.source_addr, "local");
    got.push_back(e.object + " " + e.result + " " + e.detail.substr(0, e.detail.find(' ', 4)));
  }
  EXPECT_EQ(got, (std::vector<std::string>{
                     "connector/minzheng-dibao ok run=1",
                     "connector/canjian failed not started:",
                     "connector/minzheng-dibao ok run=2",
                 }));
  EXPECT_NE(audit->at(1).detail.find("unavailable"), std::string::npos) << audit->at(1).detail;
}

TEST_F(ImportCli, UninitialisedStoreIsABadConfig) {
  CliResult r = RunCli({"--store", "sqlite:" + dir_ + "/empty.db", "import",
                        dir_ + "/connectors/minzheng-dibao.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("onetable init"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace onetable::testing
