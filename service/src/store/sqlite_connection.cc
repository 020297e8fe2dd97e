// SQLite driver for the SQL store: one sqlite3 handle in WAL mode with synchronous=FULL and
// foreign keys enforced.
//
// Writers take turns in-process. SQLite allows one writer per file; a connection that finds the
// write lock taken waits in its busy handler, which polls with sleeps of up to 100 ms, so under
// many concurrent writers (the API's worker threads) some kept losing the race and waited for
// hundreds of milliseconds while the file wrote ~1,900 transactions a second. Connections to
// the same file in this process therefore first take the turn of that file (WriteGate) for each
// write transaction and each write statement outside one: the next writer starts as soon as
// the lock is free. Other processes (an import run from the command line) still meet SQLite's
// busy_timeout.
#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "store/sql_connection.h"

namespace onetable {
namespace {

Status SqliteError(sqlite3* db, int rc, const std::string& what) {
  int ext = db ? sqlite3_extended_errcode(db) : rc;
  std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status::Exists(msg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Status::Precondition(msg);
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY:
      return Status::Unavailable(msg);
    // The operator must make room; what was committed before is intact (the failed transaction
    // rolls back), so the message says what to do rather than only SQLite's words.
    case SQLITE_FULL:
      return Status::Unavailable("登记库所在磁盘已满，本次写入未提交（此前已提交的数据不受影响）；"
                                 "请腾出磁盘空间后重新运行：" + msg);
    case SQLITE_IOERR:
      return Status::Unavailable("登记库文件读写失败（磁盘错误或空间不足），本次写入未提交；"
                                 "请检查磁盘后重新运行：" + msg);
    default:
      return Status::Internal(msg);
  }
}

// How long a writer waits for its turn before giving up, like busy_timeout below.
constexpr std::chrono::seconds kWriteWait(10);

// The write turn of one database file, shared by the connections of this process to it. Not a
// mutex: a connection may end its transaction on another thread than it began on (a Store
// moves between threads between uses), and a turn left by a connection is given back when it
// closes.
class WriteGate {
 public:
  bool Acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!free_.wait_for(lock, kWriteWait, [&] { return !taken_; })) return false;
    taken_ = true;
    return true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      taken_ = false;
    }
    free_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable free_;
  bool taken_ = false;
};

// The gate of `file` (an absolute path; "" for a private in-memory database: its own gate).
std::shared_ptr<WriteGate> GateFor(const std::string& file) {
  if (file.empty()) return std::make_shared<WriteGate>();
  static std::mutex registry_mutex;
  static std::map<std::string, std::weak_ptr<WriteGate>> registry;
  std::lock_guard<std::mutex> lock(registry_mutex);
  std::shared_ptr<WriteGate> gate = registry[file].lock();
  if (gate == nullptr) {
    gate = std::make_shared<WriteGate>();
    registry[file] = gate;
  }
  return gate;
}

Status Busy() {
  return Status::Unavailable("SQLite 数据库正忙：等待写入超过 10 秒，请稍后重试");
}

class SqliteStatement : public SqlStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, WriteGate* gate)
      : db_(db), stmt_(stmt), gate_(gate) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void BindText(int index, const std::string& value) override {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void BindInt(int index, int64_t value) override { sqlite3_bind_int64(stmt_, index, value); }
  void BindNull(int index) override { sqlite3_bind_null(stmt_, index); }

  Result<int64_t> Execute() override {
    // A write outside a transaction is a transaction of its own: it waits for its turn too.
    const bool own_turn = !sqlite3_stmt_readonly(stmt_) && sqlite3_get_autocommit(db_);
    if (own_turn && !gate_->Acquire()) return Busy();
    int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    if (own_turn) gate_->Release();
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return SqliteError(db_, rc, "sqlite");
    return static_cast<int64_t>(sqlite3_changes(db_));
  }
  Result<bool> Step() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Status st = SqliteError(db_, rc, "sqlite");
    sqlite3_reset(stmt_);
    return st;
  }
  std::optional<std::string> Text(int column) override {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    const unsigned char* p = sqlite3_column_text(stmt_, column);
    int n = sqlite3_column_bytes(stmt_, column);
    return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
  }
  int64_t Int(int column) override { return sqlite3_column_int64(stmt_, column); }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  WriteGate* gate_;  // the connection's
};

class SqliteConnection : public SqlConnection {
 public:
  explicit SqliteConnection(sqlite3* db)
      : db_(db), gate_(GateFor(sqlite3_db_filename(db, "main") ? sqlite3_db_filename(db, "main")
                                                                : "")) {}
  ~SqliteConnection() override {
    if (holds_turn_) gate_->Release();
    sqlite3_close_v2(db_);
  }

  std::string Dialect() const override { return "sqlite"; }
  std::string Target() const override {
    const char* file = sqlite3_db_filename(db_, "main");
    if (file != nullptr && *file != '\0') return std::string("sqlite:") + file;
    // A private in-memory database is reached by this connection alone.
    return "sqlite:memory:" + std::to_string(reinterpret_cast<uintptr_t>(db_));
  }

  Result<std::unique_ptr<SqlStatement>> Prepare(const std::string& sql) override {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "sqlite prepare");
    return std::unique_ptr<SqlStatement>(new SqliteStatement(db_, stmt, gate_.get()));
  }
  Status Exec(const std::string& sql) override {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (err) sqlite3_free(err);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "sqlite");
    return Status::Ok();
  }
  // The turn is held from BEGIN to COMMIT or ROLLBACK. IMMEDIATE takes SQLite's write lock up front, so a writer
  // never fails half-way with SQLITE_BUSY when a read transaction tries to upgrade.
  Status Begin() override {
    if (!holds_turn_) {
      if (!gate_->Acquire()) return Busy();
      holds_turn_ = true;
    }
    Status st = Exec("BEGIN IMMEDIATE");
    if (!st.ok()) EndTurnIfIdle();
    return st;
  }
  Status Commit() override {
    Status st = Exec("COMMIT");
    EndTurnIfIdle();  // a failed COMMIT may leave the transaction open for a ROLLBACK
    return st;
  }
  Status Rollback() override {
    Status st = Exec("ROLLBACK");
    EndTurnIfIdle();
    return st;
  }
  Result<int64_t> LastInsertId() override {
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }
  bool TransactionalDdl() const override { return true; }
  Result<std::vector<std::string>> Columns(const std::string& table) override {
    ASSIGN_OR_RETURN(auto stmt, Prepare("SELECT name FROM pragma_table_info(?)"));
    stmt->BindText(1, table);
    std::vector<std::string> cols;
    while (true) {
      ASSIGN_OR_RETURN(bool more, stmt->Step());
      if (!more) break;
      cols.push_back(stmt->Text(0).value_or(""));
    }
    return cols;
  }

 private:
  void EndTurnIfIdle() {
    if (holds_turn_ && sqlite3_get_autocommit(db_)) {
      holds_turn_ = false;
      gate_->Release();
    }
  }

  sqlite3* db_;
  std::shared_ptr<WriteGate> gate_;
  bool holds_turn_ = false;  // between Begin and the end of that transaction
};

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Unavailable("无法打开 SQLite 数据库文件 " + path + "：" + why +
                               "。请确认目录存在且可写");
  }
  auto conn = std::make_unique<SqliteConnection>(db);
  sqlite3_busy_timeout(db, 10000);
  sqlite3_extended_result_codes(db, 1);
  // WAL lets readers run beside the writer; FULL syncs the WAL on every commit so a committed
  // batch survives power loss, not just a process crash.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON"}) {
    Status st = conn->Exec(pragma);
    if (!st.ok()) {
      return Status::Unavailable("无法使用 SQLite 数据库文件 " + path + "：" + st.message() +
                                 "（不是数据库文件，或没有写权限）");
    }
  }
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

}  // namespace onetable
