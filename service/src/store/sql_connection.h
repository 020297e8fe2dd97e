// SqlConnection: the narrow seam between the SQL store and a database driver. The SQL that the
// store sends is portable (`?` placeholders, no upserts, no triggers); what differs between SQLite
// and MySQL lives in the drivers and in the per-dialect migrations.
//
// Thread-safety: one connection, one thread at a time.
#ifndef ONETABLE_STORE_SQL_CONNECTION_H_
#define ONETABLE_STORE_SQL_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onetable/mysql_url.h"
#include "onetable/status.h"

namespace onetable {

// A prepared statement. Bind parameters (1-based), then Execute (writes) or Step (reads).
// Reset() clears bindings' effect so the statement can run again.
class SqlStatement {
 public:
  virtual ~SqlStatement() = default;
  virtual void BindText(int index, const std::string& value) = 0;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindNull(int index) = 0;
  void Bind(int index, const std::optional<std::string>& value) {
    if (value) BindText(index, *value); else BindNull(index);
  }
  // Runs a statement that returns no rows; returns the number of rows affected.
  virtual Result<int64_t> Execute() = 0;
  // Runs a query (first call) and advances to the next row; false when there are no more rows.
  virtual Result<bool> Step() = 0;
  virtual std::optional<std::string> Text(int column) = 0;  // 0-based; nullopt for NULL
  virtual int64_t Int(int column) = 0;                      // 0 for NULL
  virtual void Reset() = 0;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual std::string Dialect() const = 0;  // "sqlite" | "mysql"
  // Which database this connection reaches ("sqlite:/path", "mysql:host:port/db"): connections
  // with the same target share one register.
  virtual std::string Target() const = 0;
  virtual Result<std::unique_ptr<SqlStatement>> Prepare(const std::string& sql) = 0;
  // Runs one statement without parameters (DDL, BEGIN...).
  virtual Status Exec(const std::string& sql) = 0;
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  virtual Result<int64_t> LastInsertId() = 0;
  // Whether DDL takes part in transactions (SQLite yes, MySQL no).
  virtual bool TransactionalDdl() const = 0;
  // Lists the columns of a table (for checking the catalog against the database).
  virtual Result<std::vector<std::string>> Columns(const std::string& table) = 0;
};

// Driver errors are mapped onto these codes: unique-key violation → kAlreadyExists, foreign-key
// violation → kFailedPrecondition, connection loss → kUnavailable, anything else → kInternal.

Result<std::unique_ptr<SqlConnection>> OpenSqlite(const std::string& path);

using MysqlParams = MysqlUrl;  // onetable/mysql_url.h parses them
Result<std::unique_ptr<SqlConnection>> OpenMysql(const MysqlParams& params);

}  // namespace onetable

#endif  // ONETABLE_STORE_SQL_CONNECTION_H_
