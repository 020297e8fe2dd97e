// SQLite connections of one process take turns to write a file (sqlite_connection.cc): a writer
// waits for the one before it and goes on as soon as it is done, and a connection that closes
// in the middle of its transaction gives the turn back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "store/sql_connection.h"

namespace onetable {
namespace {

class SqliteWriteTurn : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/onetable-turn-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    a_ = Open();
    b_ = Open();
    ASSERT_TRUE(a_->Exec("CREATE TABLE t (n INTEGER)").ok());
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<SqlConnection> Open() {
    Result<std::unique_ptr<SqlConnection>> db = OpenSqlite(dir_ + "/turn.db");
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  static Status Insert(SqlConnection& db, int n) {
    Result<std::unique_ptr<SqlStatement>> stmt = db.Prepare("INSERT INTO t (n) VALUES (?)");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->BindInt(1, n);
    return (*stmt)->Execute().status();
  }

  int64_t Count() {
    Result<std::unique_ptr<SqlStatement>> stmt = a_->Prepare("SELECT count(*) FROM t");
    EXPECT_TRUE(stmt.ok());
    Result<bool> row = (*stmt)->Step();
    EXPECT_TRUE(row.ok() && *row);
    return (*stmt)->Int(0);
  }

  std::string dir_;
  std::unique_ptr<SqlConnection> a_, b_;
};

TEST_F(SqliteWriteTurn, AWriterWaitsForTheTransactionBeforeItThenGoesOn) {
  ASSERT_TRUE(a_->Begin().ok());
  ASSERT_TRUE(Insert(*a_, 1).ok());
  std::atomic<bool> b_done{false};
  Status b_status;
  std::thread other([&] {
    b_status = b_->Begin();
    if (b_status.ok()) b_status = Insert(*b_, 2);
    if (b_status.ok()) b_status = b_->Commit();
    b_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(b_done) << "the second writer must wait for the first";
  const auto committed = std::chrono::steady_clock::now();
  ASSERT_TRUE(a_->Commit().ok());
  other.join();
  EXPECT_TRUE(b_status.ok()) << b_status.message();
  // Handed over, not polled for: SQLite's busy handler alone sleeps up to 100 ms a round.
  EXPECT_LT(std::chrono::steady_clock::now() - committed, std::chrono::seconds(2));
  EXPECT_EQ(Count(), 2);
}

TEST_F(SqliteWriteTurn, AWriteOutsideATransactionWaitsItsTurnToo) {
  ASSERT_TRUE(a_->Begin().ok());
  Status b_status;
  std::thread other([&] { b_status = Insert(*b_, 2); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(a_->Rollback().ok());
  other.join();
  EXPECT_TRUE(b_status.ok()) << b_status.message();
  EXPECT_EQ(Count(), 1);
}

TEST_F(SqliteWriteTurn, AConnectionClosedMidTransactionGivesTheTurnBack) {
  ASSERT_TRUE(a_->Begin().ok());
  ASSERT_TRUE(Insert(*a_, 1).ok());
  a_.reset();  // SQLite rolls the transaction back
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(b_->Begin().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_TRUE(Insert(*b_, 2).ok());
  ASSERT_TRUE(b_->Commit().ok());
  a_ = Open();
  EXPECT_EQ(Count(), 1);
}

}  // namespace
}  // namespace onetable
