// The mysql connector as an operator runs it: `onetable import` (the real binary, which loads
// onetable_connector_mysql.so) reading a departmental table in the test MariaDB.
//
// The departmental tables (dept_*) live in the same throwaway database as the register:
// TestStoreUrl drops every table there, so each test creates its table after it. Run with
// ONETABLE_TEST_STORE=mysql and ONETABLE_TEST_MYSQL_URL; the SQLite run excludes Mysql*.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "model/catalog.h"
#include "model/id_number.h"
#include "store/sql_connection.h"
#include "store/store.h"
#include "store/store_url.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

std::string Id(const std::string& first17) { return first17 + IdCheckCharacter(first17); }

class MysqlConnector : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(c.ok()) << c.status().message();
    catalog_ = new Catalog(std::move(*c));
  }

  void SetUp() override {
    const char* store = std::getenv("ONETABLE_TEST_STORE");
    const char* url = std::getenv("ONETABLE_TEST_MYSQL_URL");
    ASSERT_TRUE(store != nullptr && std::string(store) == "mysql")
        << "MysqlConnector tests need ONETABLE_TEST_STORE=mysql (exclude them from other runs "
           "with --gtest_filter=-Mysql*)";
    ASSERT_TRUE(url != nullptr && *url != '\0') << "ONETABLE_TEST_MYSQL_URL is not set";
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);  // drops every table: the departmental one is made below
    auto parsed = ParseStoreUrl(url_);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    params_ = parsed->mysql;
    CliResult init = RunCli({"--store", url_, "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto db = OpenMysql(params_);
    ASSERT_TRUE(db.ok()) << db.status().message();
    dept_ = std::move(*db);
    Exec("DROP TABLE IF EXISTS dept_liudong");
    Exec(
        "CREATE TABLE dept_liudong (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
        "xm VARCHAR(50) NOT NULL, gmsfhm VARCHAR(18) NOT NULL, lxdh VARCHAR(20), "
        "lbdrq DATE, gxsj DATETIME NOT NULL, KEY gxsj_id (gxsj, id)) "
        "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
  }

  void TearDown() override {
    store_.reset();
    dept_.reset();
    fs::remove_all(dir_);
  }

  void Exec(const std::string& sql) {
    Status st = dept_->Exec(sql);
    ASSERT_TRUE(st.ok()) << sql << ": " << st.message();
  }

  void Insert(const std::string& name, const std::string& id_number, const std::string& phone,
              const std::string& updated) {
    auto stmt = dept_->Prepare(
        "INSERT INTO dept_liudong (xm, gmsfhm, lxdh, lbdrq, gxsj) VALUES (?, ?, ?, '2024-01-02', "
        "?)");
    ASSERT_TRUE(stmt.ok()) << stmt.status().message();
    (*stmt)->BindText(1, name);
    (*stmt)->BindText(2, id_number);
    (*stmt)->BindText(3, phone);
    (*stmt)->BindText(4, updated);
    auto done = (*stmt)->Execute();
    ASSERT_TRUE(done.ok()) << done.status().message();
  }

  // A connector YAML reading dept_liudong; `options` are extra option lines.
  std::string WriteSpec(const std::string& options) {
    const std::string path = dir_ + "/liudong.yaml";
    WriteFile(path,
              "id: dept-liudong\n"
              "title: 流动人口（测试）\n"
              "type: mysql\n"
              "trust: 70\n"
              "options:\n"
              "  url: ${DEPT_DB_URL}\n" +
                  options +
                  "entity: person\n"
                  "match: {id_number: gmsfhm}\n"
                  "fields: {name: xm, phone: lxdh}\n"
                  "tags:\n"
                  "  - {tag: floating, attrs: {arrived_on: lbdrq}}\n");
    return path;
  }

  CliResult Import(const std::string& yaml, const std::string& db_url,
                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--store", url_, "import", yaml};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args, "", {{"DEPT_DB_URL", db_url}});
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
  std::string PhoneOf(const std::string& id_number) {
    auto row = store()->FindBy(EntityKind::kPerson, "id_number", id_number);
    if (!row.ok()) return "<" + row.status().message() + ">";
    const std::string* phone = row->Get("phone");
    return phone ? *phone : "";
  }

  static Catalog* catalog_;
  std::string dir_, url_;
  MysqlParams params_;
  std::unique_ptr<SqlConnection> dept_;
  std::unique_ptr<Store> store_;
};
Catalog* MysqlConnector::catalog_ = nullptr;

const std::string kHe = Id("50010119880416031");
const std::string kDeng = Id("42100219920823042");
const std::string kLuo = Id("43011119790130053");
const std::string kXie = Id("36212120010512064");
const std::string kLate = Id("51010419661001075");
const std::string kNew = Id("13010219850218086");
const std::string kTooLate = Id("44010619900909097");

TEST_F(MysqlConnector, ReadsIncrementallyAndRereadsTheOverlapSoLateRowsAreNotLost) {
  Insert("何志明", kHe, "13972001101", "2024-06-01 08:00:00");
  Insert("邓丽娟", kDeng, "13972001102", "2024-06-01 09:00:00");
  Insert("罗永强", kLuo, "13972001103", "2024-06-01 10:00:00");
  Insert("谢婷", kXie, "13972001104", "2024-06-01 11:00:00");
  const std::string yaml =
      WriteSpec("  table: dept_liudong\n  key: id\n  watermark: gxsj\n  overlap: 600\n");

  // Batches of 2: the run pages through (gxsj, id) in three queries.
  CliResult first = Import(yaml, url_, {"--batch", "2"});
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  EXPECT_EQ(ReportCounts(first.out), (std::vector<int64_t>{4, 4, 0, 0, 0, 0, 0})) << first.out;
  EXPECT_EQ(Persons(), 4);

  // Committed after the first run: one row late with a watermark 5 minutes before the cursor
  // (inside the 10-minute overlap), one newer, one changed row whose watermark moves on, and
  // one far older than the overlap (2 hours back: the window does not reach it).
  Insert("唐国庆", kLate, "0717-4822001", "2024-06-01 10:55:00");
  Insert("韩雪梅", kNew, "13972001106", "2024-06-01 11:30:00");
  Exec(
      "UPDATE dept_liudong SET lxdh = '13972009999', gxsj = '2024-06-01 11:40:00' WHERE xm = "
      "'邓丽娟'");
  Insert("冯小军", kTooLate, "13972001107", "2024-06-01 09:00:00");

  // Read from 10:50: 谢婷 again (unchanged), 唐国庆 and 韩雪梅 (new), 邓丽娟 (updated).
  CliResult second = Import(yaml, url_, {"--batch", "2"});
  ASSERT_EQ(second.exit_code, 0) << second.err << second.out;
  EXPECT_EQ(ReportCounts(second.out), (std::vector<int64_t>{4, 2, 1, 1, 0, 0, 0})) << second.out;
  EXPECT_EQ(Persons(), 6);
  EXPECT_EQ(PhoneOf(kDeng), "13972009999");
  EXPECT_EQ(PhoneOf(kLate), "0717-4822001");
  EXPECT_FALSE(store()->FindBy(EntityKind::kPerson, "id_number", kTooLate).ok());

  // Nothing changed: only the overlap (from 11:30) is read again, and skipped.
  CliResult third = Import(yaml, url_);
  ASSERT_EQ(third.exit_code, 0) << third.err << third.out;
  EXPECT_EQ(ReportCounts(third.out), (std::vector<int64_t>{2, 0, 0, 2, 0, 0, 0})) << third.out;
  EXPECT_EQ(Persons(), 6);
}

TEST_F(MysqlConnector, WithoutAWatermarkEveryRunReadsTheWholeTable) {
  Insert("何志明", kHe, "13972001101", "2024-06-01 08:00:00");
  Insert("邓丽娟", kDeng, "13972001102", "2024-06-01 09:00:00");
  Insert("罗永强", Id("43011119790130053").substr(0, 17) + "0", "13972001103",
         "2024-06-01 10:00:00");  // a wrong check digit (the right one is 4)
  const std::string yaml = WriteSpec("  table: dept_liudong\n  key: id\n");
  CliResult first = Import(yaml, url_, {"--batch", "1"});
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  EXPECT_EQ(ReportCounts(first.out), (std::vector<int64_t>{3, 2, 0, 0, 0, 0, 1})) << first.out;
  auto q = store()->ListQuarantine(0, 0, 10);
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].location, "dept_liudong id=3");
  EXPECT_EQ((*q)[0].column, "gmsfhm");

  CliResult second = Import(yaml, url_, {"--batch", "1"});
  ASSERT_EQ(second.exit_code, 0) << second.err << second.out;
  EXPECT_EQ(ReportCounts(second.out), (std::vector<int64_t>{3, 0, 0, 2, 0, 0, 1})) << second.out;
}

// A value holding a NUL would reach the register cut short ("何\0GARBAGE" read as "何"): the
// row is quarantined naming the column instead.
TEST_F(MysqlConnector, AValueWithANulIsQuarantinedNamingItsColumn) {
  Exec("INSERT INTO dept_liudong (xm, gmsfhm, lxdh, lbdrq, gxsj) VALUES (CONCAT('何', CHAR(0), "
       "'GARBAGE'), '" + kHe + "', '13972001101', '2024-01-02', '2024-06-01 08:00:00')");
  const std::string yaml = WriteSpec("  table: dept_liudong\n  key: id\n");
  CliResult run = Import(yaml, url_, {"--batch", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(ReportCounts(run.out), (std::vector<int64_t>{1, 0, 0, 0, 0, 0, 1})) << run.out;
  auto q = store()->ListQuarantine(0, 0, 10);
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].column, "xm");
  EXPECT_NE((*q)[0].reason.find("NUL"), std::string::npos) << (*q)[0].reason;
}

TEST_F(MysqlConnector, ReadsASelectWithACompositeKeyAndNullWatermarks) {
  Insert("何志明", kHe, "13972001101", "2024-06-01 08:00:00");
  Insert("邓丽娟", kDeng, "13972001102", "2024-06-01 08:00:00");
  Insert("罗永强", kLuo, "13972001103", "2024-06-01 08:00:00");
  Insert("谢婷", kXie, "13972001104", "2024-06-01 08:00:00");
  // Rows sharing one watermark value are ordered by the key (pages of 1 must lose none); a
  // NULL watermark sorts first; the query's WHERE leaves 谢婷 out.
  const std::string yaml = WriteSpec(
      "  query: SELECT id, xm, gmsfhm AS 公民身份号码, lxdh, lbdrq, IF(xm = '何志明', NULL, gxsj) "
      "AS gxsj FROM dept_liudong WHERE xm <> '谢婷'\n"
      "  key: xm, id\n"
      "  watermark: gxsj\n"
      "  overlap: 0\n"
      "  fetch_size: 1\n");
  // The query renames gmsfhm: the match key names the new column.
  std::string text = ReadFile(yaml);
  text.replace(text.find("{id_number: gmsfhm}"), 19, "{id_number: 公民身份号码}");
  WriteFile(yaml, text);
  CliResult r = Import(yaml, url_);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(ReportCounts(r.out), (std::vector<int64_t>{3, 3, 0, 0, 0, 0, 0})) << r.out;
  EXPECT_FALSE(store()->FindBy(EntityKind::kPerson, "id_number", kXie).ok());
  CliResult again = Import(yaml, url_);
  ASSERT_EQ(again.exit_code, 0) << again.err << again.out;
  EXPECT_EQ(ReportCounts(again.out), (std::vector<int64_t>{0, 0, 0, 0, 0, 0, 0})) << again.out;
  Insert("韩雪梅", kNew, "13972001106", "2024-06-01 09:00:00");
  CliResult third = Import(yaml, url_);
  ASSERT_EQ(third.exit_code, 0) << third.err << third.out;
  EXPECT_EQ(ReportCounts(third.out), (std::vector<int64_t>{1, 1, 0, 0, 0, 0, 0})) << third.out;
}

TEST_F(MysqlConnector, AnUnreachableServerExitsThreeWithNothingWritten) {
  const int port = FreePort();
  const std::string down = "mysql://" + params_.user + ":" + params_.password +
                           "@127.0.0.1:" + std::to_string(port) + "/" + params_.database;
  const std::string yaml = WriteSpec("  table: dept_liudong\n  key: id\n  watermark: gxsj\n");
  CliResult r = Import(yaml, down);
  EXPECT_EQ(r.exit_code, 3) << r.err << r.out;
  std::string status;
  ReportCounts(r.out, &status);
  EXPECT_EQ(status, "unreachable");
  EXPECT_NE(r.err.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("无法连接"), std::string::npos) << r.err;
  EXPECT_EQ((r.err + r.out).find(params_.password), std::string::npos) << r.err;
  EXPECT_EQ(Persons(), 0);
  auto runs = store()->ListImportRuns("", 0, 10);
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
  auto cursor = store()->GetCursor("dept-liudong");
  EXPECT_TRUE(!cursor.ok() || cursor->empty());
}

TEST_F(MysqlConnector, BadOptionsExitTwoNamingWhatIsWrong) {
  struct Case {
    std::string options, db_url, says;
  };
  const std::string wrong_password = "mysql://" + params_.user +
                                     ":WrongPass123@127.0.0.1:" + std::to_string(params_.port) +
                                     "/" + params_.database;
  const Case cases[] = {
      {"  table: dept_liudong\n  key: id\n", wrong_password, "拒绝了用户"},
      {"  table: dept_nosuch\n  key: id\n", url_, "没有表"},
      {"  table: dept_liudong\n  key: id\n  watermark: nosuch_col\n", url_, "nosuch_col"},
      {"  table: dept_liudong; DROP TABLE x\n  key: id\n", url_, "table"},
      {"  table: dept_liudong\n  query: SELECT 1\n  key: id\n", url_, "table 和 query"},
      {"  table: dept_liudong\n  key: id\n  watermark: xm\n", url_, "overlap"},
  };
  for (const Case& c : cases) {
    CliResult r = Import(WriteSpec(c.options), c.db_url);
    EXPECT_EQ(r.exit_code, 2) << c.options << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.options << r.err;
    EXPECT_EQ(r.err.find("WrongPass123"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(params_.password), std::string::npos) << r.err;
  }
  Exec("SELECT 1 FROM dept_liudong");  // still there
  EXPECT_EQ(Persons(), 0);
}

// ops/examples/connectors/gongan-liudong.yaml over ops/examples/data/gongan-liudong.sql, as its
// header says to run it.
TEST_F(MysqlConnector, TheGonganExampleImports) {
  std::ifstream in(ONETABLE_SOURCE_DIR "/ops/examples/data/gongan-liudong.sql");
  std::stringstream sql;
  sql << in.rdbuf();
  std::string statement;
  std::istringstream lines(sql.str());
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("--", 0) == 0) continue;
    statement += line + "\n";
    if (!line.empty() && line.back() == ';') {
      statement.pop_back();
      statement.pop_back();
      Exec(statement);
      statement.clear();
    }
  }
  ASSERT_TRUE(statement.empty()) << statement;
  const std::string yaml = ONETABLE_SOURCE_DIR "/ops/examples/connectors/gongan-liudong.yaml";
  CliResult r = RunCli({"--store", url_, "import", yaml}, "", {{"GONGAN_DB_URL", url_}});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(ReportCounts(r.out), (std::vector<int64_t>{7, 6, 0, 0, 0, 0, 1})) << r.out;
  auto q = store()->ListQuarantine(0, 0, 10);
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].location, "gongan_liudong id=7");
  // Again: only the overlap (10 minutes before the last row) is read, and it is still bad.
  CliResult again = RunCli({"--store", url_, "import", yaml}, "", {{"GONGAN_DB_URL", url_}});
  ASSERT_EQ(again.exit_code, 0) << again.err << again.out;
  EXPECT_EQ(ReportCounts(again.out), (std::vector<int64_t>{1, 0, 0, 0, 0, 0, 1})) << again.out;
}

}  // namespace
}  // namespace onetable::testing
