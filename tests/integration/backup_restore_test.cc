// `onetable backup`, `restore` and `purge` as an operator runs them, on the store chosen by
// ONETABLE_TEST_STORE: the restore drill (fill a store, back it up, restore into an empty one,
// compare every table row by row), the refusals (wrong key, damaged, truncated, not a backup, a
// store that holds data), file modes, and retention of raw rows.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "cli_runner.h"
#include "raw_store.h"
#include "model/catalog.h"
#include "store/sql_connection.h"
#include "store/store.h"
#include "store/store_url.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

const std::string kExamples = ONETABLE_SOURCE_DIR "/ops/examples";

bool Mysql() {
  const char* s = std::getenv("ONETABLE_TEST_STORE");
  return s && std::string(s) == "mysql";
}

int ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

void Exec(SqlConnection& db, const std::string& sql) {
  Status st = db.Exec(sql);
  ASSERT_TRUE(st.ok()) << sql << ": " << st.message();
}

// Every row of every table, each row one string of its columns (by name, sorted), sorted.
using Tables = std::map<std::string, std::vector<std::string>>;
Tables ReadAll(const std::string& store_url) {
  auto db = Connect(store_url);
  Tables out;
  if (!db) return out;
  const bool mysql = db->Dialect() == "mysql";
  const std::string list =
      mysql ? "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  for (const std::string& t : Column(*db, list)) {
    auto cols = db->Columns(t);
    EXPECT_TRUE(cols.ok());
    std::vector<std::string> sorted = *cols;
    std::sort(sorted.begin(), sorted.end());
    const char q = mysql ? '`' : '"';
    auto stmt = db->Prepare("SELECT * FROM " + std::string(1, q) + t + std::string(1, q));
    EXPECT_TRUE(stmt.ok());
    std::vector<std::string>& rows = out[t];
    while (true) {
      auto more = (*stmt)->Step();
      if (!more.ok() || !*more) break;
      std::map<std::string, std::string> row;
      for (size_t i = 0; i < cols->size(); ++i) {
        row[(*cols)[i]] = (*stmt)->Text(static_cast<int>(i)).value_or("<NULL>");
      }
      std::string text;
      for (const auto& [c, v] : row) text += c + "=" + v + "|";
      rows.push_back(text);
    }
    std::sort(rows.begin(), rows.end());
  }
  return out;
}

class BackupRestore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    fs::create_directories(dir_ + "/connectors");
    fs::copy(kExamples + "/connectors/minzheng-dibao.yaml", dir_ + "/connectors/minzheng-dibao.yaml");
    fs::copy(kExamples + "/data", dir_ + "/data", fs::copy_options::recursive);
    config_ = WriteConfig("config.yaml", url_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A configuration over `store_url` with the test's key files.
  std::string WriteConfig(const std::string& name, const std::string& store_url,
                          const std::string& backup_key = "keys/backup.key") {
    const std::string path = dir_ + "/" + name;
    WriteFile(path, "store: \"" + store_url + "\"\nschema: " ONETABLE_SOURCE_DIR
                    "/schema\nmappings: " ONETABLE_SOURCE_DIR "/mappings\naudit_key_file: " +
                        dir_ + "/audit.key\nbackup_key_file: " + dir_ + "/" + backup_key + "\n");
    return path;
  }
  CliResult Cli(const std::string& config, std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config});
    return RunCli(args, dir_);
  }
  // Demo, an import (source records and quarantined rows), a table (an audited download).
  void Fill() {
    CliResult init = Cli(config_, {"init", "--demo", "--persons", "150"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    CliResult imp = Cli(config_, {"import", dir_ + "/connectors/minzheng-dibao.yaml"});
    ASSERT_EQ(imp.exit_code, 0) << imp.err;
    CliResult table = Cli(config_, {"table", "minzheng/gaoling-jintie", "--format", "csv", "-o",
                                    dir_ + "/gaoling.csv"});
    ASSERT_EQ(table.exit_code, 0) << table.err;
  }
  // The target store of a restore: a new SQLite file, or the MySQL database emptied.
  std::string EmptyTarget() {
    if (Mysql()) return TestStoreUrl(dir_);
    return "sqlite:" + dir_ + "/restored/register.db";
  }

  std::string dir_, url_, config_;
};

TEST_F(BackupRestore, DrillRestoresEveryTableRowByRowAndTheAuditChainVerifies) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  CliResult backup = Cli(config_, {"backup", dir_ + "/backups/b1.otbak"});
  // The first backup makes the key; the directory does not exist: it fails and leaves nothing.
  EXPECT_EQ(backup.exit_code, 1) << backup.out;
  EXPECT_NE(backup.err.find("备份密钥：" + dir_ + "/keys/backup.key"), std::string::npos)
      << backup.err;
  EXPECT_NE(backup.err.find("备份失败：无法在备份目录创建文件"), std::string::npos) << backup.err;
  fs::create_directories(dir_ + "/backups");
  // The store as the backup will see it (the failed attempt is in its audit log).
  const Tables before = ReadAll(url_);
  ASSERT_GT(before.at("person").size(), 100u);
  ASSERT_FALSE(before.at("source_record").empty());
  ASSERT_FALSE(before.at("quarantine_row").empty());
  backup = Cli(config_, {"backup", dir_ + "/backups/b1.otbak"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_NE(backup.out.find("已备份到"), std::string::npos) << backup.out;
  EXPECT_EQ(ModeOf(dir_ + "/backups/b1.otbak"), 0600);
  EXPECT_EQ(ModeOf(dir_ + "/keys/backup.key"), 0600);
  EXPECT_EQ(ModeOf(dir_ + "/keys"), 0700);
  for (const auto& e : fs::directory_iterator(dir_ + "/backups")) {
    EXPECT_EQ(e.path().filename(), "b1.otbak");  // no temporary left
  }
  // Nothing personal in clear in the file.
  const std::string bytes = ReadFile(dir_ + "/backups/b1.otbak");
  EXPECT_EQ(bytes.find("gaoling"), std::string::npos);
  EXPECT_EQ(bytes.find("person"), std::string::npos);

  // Restoring over the filled store is refused, naming what it holds; nothing changes.
  CliResult over = Cli(config_, {"restore", dir_ + "/backups/b1.otbak"});
  EXPECT_EQ(over.exit_code, 1);
  EXPECT_NE(over.err.find("目标登记库不是空库"), std::string::npos) << over.err;
  EXPECT_NE(over.err.find("person："), std::string::npos) << over.err;

  const std::string target = EmptyTarget();
  const std::string restored_config = WriteConfig("restored.yaml", target);
  CliResult restore = Cli(restored_config, {"restore", dir_ + "/backups/b1.otbak"});
  ASSERT_EQ(restore.exit_code, 0) << restore.err << restore.out;
  EXPECT_NE(restore.out.find("审计日志完整"), std::string::npos) << restore.out;
  const Tables after = ReadAll(target);
  for (const auto& [table, rows] : before) {
    if (table == "run_lease" || table == "auth_session" || table == "login_throttle") {
      EXPECT_TRUE(after.at(table).empty()) << table;  // a restored service starts afresh
      continue;
    }
    // Below; and the migrations' own bookkeeping, which the target's migrations wrote.
    if (table == "audit_log" || table == "audit_chain" || table == "schema_migrations") continue;
    EXPECT_EQ(after.at(table), rows) << "table " << table;
  }
  // The audit log: every record from before, then the restore's own record.
  std::vector<std::string> audit = after.at("audit_log");
  audit.erase(std::remove_if(audit.begin(), audit.end(),
                             [](const std::string& r) {
                               return r.find("action=restore|") != std::string::npos;
                             }),
              audit.end());
  EXPECT_EQ(audit, before.at("audit_log"));
  EXPECT_EQ(after.at("audit_log").size(), before.at("audit_log").size() + 1);
  CliResult verify = Cli(restored_config, {"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // The restored store is a working register: the same table again.
  CliResult table = Cli(restored_config, {"table", "minzheng/gaoling-jintie", "--format", "csv",
                                          "-o", dir_ + "/gaoling2.csv"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(ReadFile(dir_ + "/gaoling2.csv"), ReadFile(dir_ + "/gaoling.csv"));
  if (!Mysql()) {
    const std::string db = dir_ + "/restored/register.db";
    EXPECT_EQ(ModeOf(db), 0600);
    EXPECT_EQ(ModeOf(dir_ + "/restored"), 0700);
  }
}

TEST_F(BackupRestore, RefusesAWrongKeyADamagedOrTruncatedFileAndWritesNothing) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  fs::create_directories(dir_ + "/backups");
  ASSERT_EQ(Cli(config_, {"backup", dir_ + "/backups/b.otbak"}).exit_code, 0);
  const std::string good = ReadFile(dir_ + "/backups/b.otbak");
  // A second key: made by a backup of its own.
  const std::string other_key = "keys/other.key";
  const std::string other_config = WriteConfig("other.yaml", url_, other_key);
  ASSERT_EQ(Cli(other_config, {"backup", dir_ + "/backups/other.otbak"}).exit_code, 0);
  const std::string target = EmptyTarget();

  auto target_is_empty = [&]() {
    if (!Mysql()) return !fs::exists(dir_ + "/restored/register.db");
    auto db = Connect(target);
    return Column(*db, "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                        "DATABASE()")
        .empty();
  };
  struct Case {
    std::string name, bytes, key, message;
  };
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x20;
  std::vector<Case> cases = {
      {"wrong key", good, other_key, "备份密钥不符"},
      {"a flipped byte", flipped, "keys/backup.key", "已损坏或被截断（校验值不符）"},
      {"truncated", good.substr(0, good.size() - 100), "keys/backup.key", "已损坏或被截断"},
      {"cut to its header", good.substr(0, 40), "keys/backup.key", "已损坏或被截断（文件过短）"},
      {"not a backup", "姓名,身份证号\n张三,420581199001011234\n", "keys/backup.key",
       "不是 onetable 备份文件"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WriteFile(dir_ + "/backups/case.otbak", c.bytes);
    const std::string cfg = WriteConfig("case.yaml", target, c.key);
    CliResult r = Cli(cfg, {"restore", dir_ + "/backups/case.otbak"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("恢复失败"), std::string::npos) << r.err;
    EXPECT_TRUE(target_is_empty());
  }
  // A missing key file names it.
  const std::string cfg = WriteConfig("nokey.yaml", target, "keys/missing.key");
  CliResult r = Cli(cfg, {"restore", dir_ + "/backups/b.otbak"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("备份密钥文件 " + dir_ + "/keys/missing.key 不存在"), std::string::npos)
      << r.err;
  // And the good file still restores.
  const std::string ok_config = WriteConfig("ok.yaml", target);
  CliResult ok = Cli(ok_config, {"restore", dir_ + "/backups/b.otbak"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// The register's files are the service's alone: the database and its WAL, exports, key files,
// backups 0600; the directories onetable makes 0700.
TEST_F(BackupRestore, FilesAreCreatedOwnerOnly) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  if (!Mysql()) {
    for (const char* f : {"/register.db", "/register.db-wal", "/register.db-shm"}) {
      if (fs::exists(dir_ + f)) {
        EXPECT_EQ(ModeOf(dir_ + f), 0600) << f;
      }
    }
    EXPECT_EQ(ModeOf(dir_ + "/register.db"), 0600);
  }
  EXPECT_EQ(ModeOf(dir_ + "/audit.key"), 0600);
  EXPECT_EQ(ModeOf(dir_ + "/gaoling.csv"), 0600);
  // A database in a directory init makes.
  const std::string nested = WriteConfig("nested.yaml", "sqlite:" + dir_ + "/var/new/r.db");
  ASSERT_EQ(Cli(nested, {"init"}).exit_code, 0);
  EXPECT_EQ(ModeOf(dir_ + "/var/new"), 0700);
  EXPECT_EQ(ModeOf(dir_ + "/var/new/r.db"), 0600);
  // A database left 0644 by an older version is tightened by init.
  ::chmod((dir_ + "/var/new/r.db").c_str(), 0644);
  ASSERT_EQ(Cli(nested, {"init"}).exit_code, 0);
  EXPECT_EQ(ModeOf(dir_ + "/var/new/r.db"), 0600);
}

// Retention: raw rows older than the period are cleared (source payloads, quarantined rows'
// raw text) and consumed change-log entries deleted, in an audited purge; newer ones stay; a
// re-run of the connector still finds every record unchanged and resolves a changed one.
TEST_F(BackupRestore, PurgeClearsRawRowsOlderThanTheRetentionPeriod) {
  CliResult init = Cli(config_, {"init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  CliResult imp = Cli(config_, {"import", dir_ + "/connectors/minzheng-dibao.yaml"});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  const std::vector<int64_t> first = ReportCounts(imp.out);
  ASSERT_EQ(first, (std::vector<int64_t>{8, 5, 0, 0, 0, 0, 3}));
  auto db = Connect(url_);
  ASSERT_TRUE(db);
  // Two source records and one quarantined row fetched 200 days ago.
  const std::vector<std::string> ids = Column(*db, "SELECT id FROM source_record ORDER BY id");
  ASSERT_EQ(ids.size(), 5u);
  Exec(*db, "UPDATE source_record SET fetched_at = '2020-01-01 00:00:00' WHERE id IN (" + ids[0] +
                "," + ids[1] + ")");
  const std::vector<std::string> qids = Column(*db, "SELECT id FROM quarantine_row ORDER BY id");
  ASSERT_EQ(qids.size(), 3u);
  Exec(*db, "UPDATE quarantine_row SET created_at = '2020-01-01 00:00:00' WHERE id = " + qids[0]);
  // Change-log entries: two before every delivery's basis, one after it (still to be read).
  Exec(*db, "INSERT INTO delivery_basis (delivery, fingerprint, changes_from, full_at) VALUES "
            "('d', 'f', '2020-06-01 00:00:00', 0)");
  Exec(*db, "INSERT INTO register_change (entity, entity_id, changed_at) VALUES "
            "('grid', 9001, '2020-01-01 00:00:00'), ('grid', 9002, '2020-05-01 00:00:00'), "
            "('grid', 9003, '2020-07-01 00:00:00'), ('grid', 9004, '2099-01-01 00:00:00')");

  CliResult dry = Cli(config_, {"purge", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("将清除超过 180 天的源数据原始行 2 条，隔离行原文 1 条，推送变更日志 2 条"),
            std::string::npos)
      << dry.out;
  EXPECT_EQ(Column(*db, "SELECT COUNT(*) FROM source_record WHERE payload IS NULL")[0], "0");

  CliResult purge = Cli(config_, {"purge"});
  ASSERT_EQ(purge.exit_code, 0) << purge.err;
  EXPECT_NE(purge.out.find("已清除超过 180 天的源数据原始行 2 条，隔离行原文 1 条，推送变更日志 2 条"),
            std::string::npos)
      << purge.out;
  EXPECT_EQ(Column(*db, "SELECT id FROM source_record WHERE payload IS NULL ORDER BY id"),
            (std::vector<std::string>{ids[0], ids[1]}));
  EXPECT_EQ(Column(*db, "SELECT COUNT(*) FROM source_record WHERE payload IS NOT NULL")[0], "3");
  EXPECT_EQ(Column(*db, "SELECT id FROM quarantine_row WHERE raw IS NULL"),
            (std::vector<std::string>{qids[0]}));
  // The quarantined row itself stays for the run's report.
  EXPECT_EQ(Column(*db, "SELECT COUNT(*) FROM quarantine_row")[0], "3");
  EXPECT_EQ(Column(*db, "SELECT entity_id FROM register_change WHERE entity_id >= 9001 ORDER BY "
                         "entity_id"),
            (std::vector<std::string>{"9003", "9004"}));
  const std::vector<std::string> audit = Column(
      *db, "SELECT detail FROM audit_log WHERE action = 'retention_purge' ORDER BY seq");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_NE(audit[0].find("payloads=2 quarantined=1 changes=2"), std::string::npos) << audit[0];
  EXPECT_EQ(Cli(config_, {"audit", "verify"}).exit_code, 0);
  // A second purge finds nothing.
  CliResult again = Cli(config_, {"purge"});
  EXPECT_NE(again.out.find("原始行 0 条，隔离行原文 0 条，推送变更日志 0 条"), std::string::npos);

  // The connector runs on as before: everything unchanged (the hash stays), and a changed row
  // of a purged record resolves to its person.
  CliResult rerun = Cli(config_, {"import", dir_ + "/connectors/minzheng-dibao.yaml"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(ReportCounts(rerun.out), (std::vector<int64_t>{8, 0, 0, 5, 0, 0, 3})) << rerun.out;
  const std::string persons = Column(*db, "SELECT COUNT(*) FROM person")[0];
  std::string csv = ReadFile(dir_ + "/data/minzheng-dibao.csv");
  const std::vector<std::string> payload0 =
      Column(*db, "SELECT record_key FROM source_record WHERE id = " + ids[0]);
  ASSERT_EQ(payload0.size(), 1u);
  Exec(*db, "UPDATE source_record SET content_hash = 'stale' WHERE id = " + ids[0]);
  CliResult resolved = Cli(config_, {"import", dir_ + "/connectors/minzheng-dibao.yaml"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  const std::vector<int64_t> counts = ReportCounts(resolved.out);
  ASSERT_EQ(counts.size(), 7u);
  EXPECT_EQ(counts[1], 0) << resolved.out;  // no new person: the record resolved to its own
  EXPECT_EQ(Column(*db, "SELECT COUNT(*) FROM person")[0], persons);
  EXPECT_EQ(Column(*db, "SELECT COUNT(*) FROM source_record WHERE id = " + ids[0] +
                         " AND payload IS NOT NULL")[0],
            "1");  // the new payload is kept again
}

// serve purges on its own: at start, then every ONETABLE_RETENTION_TICK_MS.
TEST_F(BackupRestore, ServePurgesExpiredRawRows) {
  ASSERT_EQ(Cli(config_, {"init"}).exit_code, 0);
  ASSERT_EQ(Cli(config_, {"import", dir_ + "/connectors/minzheng-dibao.yaml"}).exit_code, 0);
  auto db = Connect(url_);
  ASSERT_TRUE(db);
  Exec(*db, "UPDATE source_record SET fetched_at = '2020-01-01 00:00:00'");
  const std::string log = dir_ + "/serve.log";
  const pid_t pid = StartCli({"--config", config_, "serve", "--listen",
                              "127.0.0.1:" + std::to_string(FreePort())},
                             log);
  ASSERT_GT(pid, 0);
  bool purged = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!purged && std::chrono::steady_clock::now() < deadline) {
    purged = Column(*db, "SELECT COUNT(*) FROM source_record WHERE payload IS NOT NULL")[0] == "0";
    if (!purged) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(purged) << ReadFile(log);
  const std::vector<std::string> audit = Column(
      *db, "SELECT user_name FROM audit_log WHERE action = 'retention_purge'");
  EXPECT_EQ(audit, (std::vector<std::string>{"system:retention"}));
}


// The dump is portable: a backup of a SQLite store restores into MariaDB, table for table.
class MysqlBackupRestore : public BackupRestore {};
TEST_F(MysqlBackupRestore, ASqliteBackupRestoresIntoMariadb) {
  const std::string sqlite_url = "sqlite:" + dir_ + "/source.db";
  config_ = WriteConfig("sqlite.yaml", sqlite_url);
  url_ = sqlite_url;
  ASSERT_NO_FATAL_FAILURE(Fill());
  const Tables before = ReadAll(sqlite_url);
  fs::create_directories(dir_ + "/backups");
  ASSERT_EQ(Cli(config_, {"backup", dir_ + "/backups/s.otbak"}).exit_code, 0);
  const std::string target = TestStoreUrl(dir_);  // ONETABLE_TEST_STORE=mysql
  ASSERT_EQ(target.rfind("mysql:", 0), 0u);
  const std::string cfg = WriteConfig("mysql.yaml", target);
  CliResult restore = Cli(cfg, {"restore", dir_ + "/backups/s.otbak"});
  ASSERT_EQ(restore.exit_code, 0) << restore.err << restore.out;
  EXPECT_NE(restore.out.find("来自 sqlite"), std::string::npos) << restore.out;
  const Tables after = ReadAll(target);
  for (const auto& [table, rows] : before) {
    if (table == "run_lease" || table == "auth_session" || table == "login_throttle" ||
        table == "audit_log" || table == "audit_chain" || table == "schema_migrations") {
      continue;
    }
    EXPECT_EQ(after.at(table), rows) << "table " << table;
  }
  EXPECT_EQ(Cli(cfg, {"audit", "verify"}).exit_code, 0);
  CliResult table = Cli(cfg, {"table", "minzheng/gaoling-jintie", "--format", "csv", "-o",
                              dir_ + "/gaoling-mysql.csv"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(ReadFile(dir_ + "/gaoling-mysql.csv"), ReadFile(dir_ + "/gaoling.csv"));
}

}  // namespace
}  // namespace onetable::testing
