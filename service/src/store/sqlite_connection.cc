// SQLite driver for the SQL store: one sqlite3 handle in WAL mode with synchronous=FULL and
// foreign keys enforced.
#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
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
    case SQLITE_FULL:
    case SQLITE_IOERR:
      return Status::Unavailable(msg);
    default:
      return Status::Internal(msg);
  }
}

class SqliteStatement : public SqlStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void BindText(int index, const std::string& value) override {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void BindInt(int index, int64_t value) override { sqlite3_bind_int64(stmt_, index, value); }
  void BindNull(int index) override { sqlite3_bind_null(stmt_, index); }

  Result<int64_t> Execute() override {
    int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
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
};

class SqliteConnection : public SqlConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override { sqlite3_close_v2(db_); }

  std::string Dialect() const override { return "sqlite"; }

  Result<std::unique_ptr<SqlStatement>> Prepare(const std::string& sql) override {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "sqlite prepare");
    return std::unique_ptr<SqlStatement>(new SqliteStatement(db_, stmt));
  }
  Status Exec(const std::string& sql) override {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (err) sqlite3_free(err);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "sqlite");
    return Status::Ok();
  }
  // IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout instead of
  // failing half-way with SQLITE_BUSY when a read transaction tries to upgrade.
  Status Begin() override { return Exec("BEGIN IMMEDIATE"); }
  Status Commit() override { return Exec("COMMIT"); }
  Status Rollback() override { return Exec("ROLLBACK"); }
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
  sqlite3* db_;
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
