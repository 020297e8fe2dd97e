// The MySQL driver against a real MariaDB/MySQL server (ops/mariadb start gives one).
//
// Run with ONETABLE_TEST_STORE=mysql and ONETABLE_TEST_MYSQL_URL=mysql://...; without them every
// test here fails, so the SQLite run excludes the suite with --gtest_filter=-Mysql*.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/sql_connection.h"
#include "store/store_url.h"

namespace onetable {
namespace {

class MysqlConnection : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* store = std::getenv("ONETABLE_TEST_STORE");
    const char* url = std::getenv("ONETABLE_TEST_MYSQL_URL");
    ASSERT_TRUE(store != nullptr && std::string(store) == "mysql")
        << "MysqlConnection tests need ONETABLE_TEST_STORE=mysql (exclude them from other runs "
           "with --gtest_filter=-Mysql*)";
    ASSERT_TRUE(url != nullptr && *url != '\0')
        << "ONETABLE_TEST_STORE=mysql needs ONETABLE_TEST_MYSQL_URL (see ops/mariadb url)";
    Result<StoreUrl> parsed = ParseStoreUrl(url);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    ASSERT_EQ(parsed->scheme, "mysql");
    params_ = parsed->mysql;
    Result<std::unique_ptr<SqlConnection>> db = OpenMysql(params_);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
    ASSERT_EQ(db_->Dialect(), "mysql");
    ASSERT_FALSE(db_->TransactionalDdl());
    // Temporary tables belong to this connection alone and vanish with it.
    Exec(
        "CREATE TEMPORARY TABLE t (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
        "name VARCHAR(20) NOT NULL UNIQUE, area DOUBLE, version BIGINT NOT NULL DEFAULT 1) "
        "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  }

  void Exec(const std::string& sql) {
    Status st = db_->Exec(sql);
    ASSERT_TRUE(st.ok()) << sql << ": " << st.message();
  }

  // Inserts a name; returns the Status of the insert.
  Status Insert(const std::string& name) {
    Result<std::unique_ptr<SqlStatement>> stmt = db_->Prepare("INSERT INTO t (name) VALUES (?)");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->BindText(1, name);
    return (*stmt)->Execute().status();
  }

  std::vector<std::string> Names() {
    std::vector<std::string> names;
    Result<std::unique_ptr<SqlStatement>> stmt = db_->Prepare("SELECT name FROM t ORDER BY id");
    EXPECT_TRUE(stmt.ok()) << stmt.status().message();
    if (!stmt.ok()) return names;
    while (true) {
      Result<bool> more = (*stmt)->Step();
      EXPECT_TRUE(more.ok()) << more.status().message();
      if (!more.ok() || !*more) break;
      names.push_back((*stmt)->Text(0).value_or("<NULL>"));
    }
    return names;
  }

  MysqlParams params_;
  std::unique_ptr<SqlConnection> db_;
};

// A loopback port nobody listens on: bound (so no one else takes it meanwhile) but not listening.
class ClosedPort {
 public:
  ClosedPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~ClosedPort() {
    if (fd_ >= 0) close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(MysqlConnection, FourByteCharactersRoundTripAndStayDistinct) {
  // 𠈌 and 𡒄 lie outside the BMP; under utf8mb4_general_ci or unicode_ci they compare equal and
  // the second insert would be a duplicate.
  for (const std::string name : {"张𠈌", "李𡒄", "张𡒄"}) {
    Status st = Insert(name);
    ASSERT_TRUE(st.ok()) << name << ": " << st.message();
  }
  EXPECT_EQ(Names(), (std::vector<std::string>{"张𠈌", "李𡒄", "张𡒄"}));

  auto stmt = db_->Prepare("SELECT id, name FROM t WHERE name = ?");
  ASSERT_TRUE(stmt.ok()) << stmt.status().message();
  (*stmt)->BindText(1, "张𡒄");
  Result<bool> row = (*stmt)->Step();
  ASSERT_TRUE(row.ok() && *row) << row.status().message();
  EXPECT_EQ((*stmt)->Int(0), 3);
  EXPECT_EQ((*stmt)->Text(1), std::optional<std::string>("张𡒄"));
  row = (*stmt)->Step();
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(*row) << "only one row may match";

  Result<int64_t> last = db_->LastInsertId();
  ASSERT_TRUE(last.ok()) << last.status().message();
  EXPECT_EQ(*last, 3);
}

TEST_F(MysqlConnection, DuplicateKeyIsAlreadyExists) {
  ASSERT_TRUE(Insert("王𠈌").ok());
  Status st = Insert("王𠈌");
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.message();
  EXPECT_NE(st.message().find("唯一键冲突"), std::string::npos) << st.message();
}

TEST_F(MysqlConnection, ForeignKeyViolationIsFailedPrecondition) {
  // Foreign keys need real tables (InnoDB has none on temporary ones).
  Exec("DROP TABLE IF EXISTS conn_test_child");
  Exec("DROP TABLE IF EXISTS conn_test_parent");
  Exec("CREATE TABLE conn_test_parent (id BIGINT NOT NULL PRIMARY KEY) ENGINE=InnoDB");
  Exec(
      "CREATE TABLE conn_test_child (id BIGINT NOT NULL PRIMARY KEY, parent_id BIGINT NOT NULL, "
      "FOREIGN KEY (parent_id) REFERENCES conn_test_parent(id)) ENGINE=InnoDB");
  Status orphan = db_->Exec("INSERT INTO conn_test_child (id, parent_id) VALUES (1, 42)");
  EXPECT_EQ(orphan.code(), StatusCode::kFailedPrecondition) << orphan.message();
  Exec("INSERT INTO conn_test_parent (id) VALUES (42)");
  Exec("INSERT INTO conn_test_child (id, parent_id) VALUES (1, 42)");
  Status referenced = db_->Exec("DELETE FROM conn_test_parent WHERE id = 42");
  EXPECT_EQ(referenced.code(), StatusCode::kFailedPrecondition) << referenced.message();

  Result<std::vector<std::string>> columns = db_->Columns("conn_test_child");
  ASSERT_TRUE(columns.ok()) << columns.status().message();
  EXPECT_EQ(*columns, (std::vector<std::string>{"id", "parent_id"}));
  Exec("DROP TABLE conn_test_child");
  Exec("DROP TABLE conn_test_parent");
  columns = db_->Columns("conn_test_child");
  ASSERT_TRUE(columns.ok()) << columns.status().message();
  EXPECT_TRUE(columns->empty());
}

TEST_F(MysqlConnection, RolledBackTransactionLeavesNothing) {
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(Insert("赵𠈌").ok());
  ASSERT_TRUE(Insert("钱𡒄").ok());
  EXPECT_EQ(Names().size(), 2u);
  Status st = db_->Rollback();
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(Names().empty());

  ASSERT_TRUE(db_->Begin().ok());
  EXPECT_FALSE(db_->Begin().ok()) << "a nested Begin must not commit the open transaction";
  ASSERT_TRUE(Insert("孙𠈌").ok());
  st = db_->Commit();
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(Names(), (std::vector<std::string>{"孙𠈌"}));
  EXPECT_FALSE(db_->Commit().ok()) << "no transaction is open";
}

TEST_F(MysqlConnection, UpdateCountsMatchedRowsLikeSqlite) {
  ASSERT_TRUE(Insert("周").ok());
  // A compare-and-set that writes the value already there still matched its row.
  auto stmt = db_->Prepare("UPDATE t SET name = ? WHERE id = ? AND version = ?");
  ASSERT_TRUE(stmt.ok()) << stmt.status().message();
  (*stmt)->BindText(1, "周");
  (*stmt)->BindInt(2, 1);
  (*stmt)->BindInt(3, 1);
  Result<int64_t> changed = (*stmt)->Execute();
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  EXPECT_EQ(*changed, 1);
  (*stmt)->Reset();
  (*stmt)->BindText(1, "周");
  (*stmt)->BindInt(2, 1);
  (*stmt)->BindInt(3, 2);
  changed = (*stmt)->Execute();
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  EXPECT_EQ(*changed, 0);
}

TEST_F(MysqlConnection, ValuesReadBackAsSqliteWritesThem) {
  auto insert = db_->Prepare("INSERT INTO t (name, area) VALUES (?, ?)");
  ASSERT_TRUE(insert.ok()) << insert.status().message();
  const std::vector<std::string> areas = {"85.5",  "0.1",       "120",
                                          "-3.25", "0.0000001", "0.30000000000000004"};
  for (size_t i = 0; i < areas.size(); ++i) {
    (*insert)->Reset();
    (*insert)->BindText(1, "户" + std::to_string(i));
    (*insert)->BindText(2, areas[i]);
    ASSERT_TRUE((*insert)->Execute().ok());
  }
  (*insert)->Reset();
  (*insert)->BindText(1, "空");  // parameter 2 left unbound after Reset: NULL, as in SQLite
  Result<int64_t> done = (*insert)->Execute();
  ASSERT_TRUE(done.ok()) << done.status().message();

  auto select = db_->Prepare("SELECT area, 'a' || 'b', \"name\" FROM t ORDER BY id");
  ASSERT_TRUE(select.ok()) << select.status().message();
  std::vector<std::string> read;
  while (true) {
    Result<bool> more = (*select)->Step();
    ASSERT_TRUE(more.ok()) << more.status().message();
    if (!*more) break;
    read.push_back((*select)->Text(0).value_or("NULL"));
    EXPECT_EQ((*select)->Text(1), std::optional<std::string>("ab"));  // PIPES_AS_CONCAT
  }
  // SQLite prints a REAL with 15 significant digits and a decimal point.
  EXPECT_EQ(read,
            (std::vector<std::string>{"85.5", "0.1", "120.0", "-3.25", "1.0e-07", "0.3", "NULL"}));

  auto average = db_->Prepare("SELECT AVG(version + 0.5), SUM(version) FROM t");
  ASSERT_TRUE(average.ok()) << average.status().message();
  ASSERT_TRUE((*average)->Step().ok());
  EXPECT_EQ((*average)->Text(0), std::optional<std::string>("1.5"));
  EXPECT_EQ((*average)->Text(1), std::optional<std::string>("7"));
}

TEST_F(MysqlConnection, ValueTooLongIsInvalidNotTruncated) {
  Status st = Insert(std::string(21, 'x'));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.message();
  EXPECT_TRUE(Names().empty());
}

// Two transactions that lock two rows in opposite order: InnoDB rolls one back whole, and the
// driver reports that as kAborted (which the API retries), not as a lost connection.
TEST_F(MysqlConnection, DeadlockVictimIsAborted) {
  Exec("DROP TABLE IF EXISTS deadlock_probe");
  Exec("CREATE TABLE deadlock_probe (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB");
  Exec("INSERT INTO deadlock_probe VALUES (1, 0), (2, 0)");
  Result<std::unique_ptr<SqlConnection>> other = OpenMysql(params_);
  ASSERT_TRUE(other.ok()) << other.status().message();

  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE((*other)->Begin().ok());
  ASSERT_TRUE(db_->Exec("UPDATE deadlock_probe SET n = 1 WHERE id = 1").ok());
  ASSERT_TRUE((*other)->Exec("UPDATE deadlock_probe SET n = 2 WHERE id = 2").ok());
  // The first waits for row 2; the second then asks for row 1 and closes the cycle.
  Status first;
  std::thread waiting([&] { first = db_->Exec("UPDATE deadlock_probe SET n = 1 WHERE id = 2"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Status second = (*other)->Exec("UPDATE deadlock_probe SET n = 2 WHERE id = 1");
  waiting.join();

  // Exactly one is the victim; the survivor can commit.
  ASSERT_NE(first.ok(), second.ok()) << first.message() << " / " << second.message();
  const Status& victim = first.ok() ? second : first;
  EXPECT_EQ(victim.code(), StatusCode::kAborted) << victim.message();
  EXPECT_NE(victim.message().find("死锁"), std::string::npos) << victim.message();
  SqlConnection& survivor = first.ok() ? *db_ : **other;
  EXPECT_TRUE(survivor.Commit().ok());
  SqlConnection& loser = first.ok() ? **other : *db_;
  EXPECT_TRUE(loser.Rollback().ok());
  Exec("DROP TABLE deadlock_probe");
}

TEST_F(MysqlConnection, WrongPasswordIsUnavailableAndNotShown) {
  MysqlParams wrong = params_;
  wrong.password = "NotTheRightPassword-7f3a";
  Result<std::unique_ptr<SqlConnection>> db = OpenMysql(wrong);
  ASSERT_FALSE(db.ok());
  const Status& st = db.status();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.message();
  EXPECT_EQ(st.message().find(wrong.password), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find(params_.password), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(params_.database), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("密码"), std::string::npos) << st.message();
}

TEST_F(MysqlConnection, UnknownDatabaseIsUnavailable) {
  MysqlParams other = params_;
  other.database = "onetable_no_such_db";
  Result<std::unique_ptr<SqlConnection>> db = OpenMysql(other);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable) << db.status().message();
  EXPECT_NE(db.status().message().find("onetable_no_such_db"), std::string::npos);
  EXPECT_EQ(db.status().message().find(params_.password), std::string::npos);
}

TEST_F(MysqlConnection, UnreachablePortIsUnavailableFast) {
  ClosedPort closed;
  ASSERT_NE(closed.port(), 0);
  MysqlParams nowhere = params_;
  nowhere.host = "127.0.0.1";
  nowhere.socket.clear();
  nowhere.port = closed.port();
  const auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<SqlConnection>> db = OpenMysql(nowhere);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(db.ok());
  const Status& st = db.status();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.message();
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  const std::string where = "127.0.0.1:" + std::to_string(closed.port());
  EXPECT_NE(st.message().find(where), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(params_.database), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("请确认服务器已启动"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find(params_.password), std::string::npos) << st.message();
}

}  // namespace
}  // namespace onetable
