// Versioned schema migrations, one list per SQL dialect, embedded in the binary from
// schema/sql/<dialect>/NNNN_name.sql. Applied in version order by Store::Migrate.
#ifndef ONETABLE_STORE_MIGRATIONS_H_
#define ONETABLE_STORE_MIGRATIONS_H_

#include <iterator>
#include <string>
#include <vector>

#include "onetable/status.h"
#include "store/sql_connection.h"

namespace onetable {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Migrations for "sqlite" or "mysql", in version order.
std::vector<Migration> EmbeddedMigrations(const std::string& dialect);

// Splits a migration into statements at semicolons that end a line ("--" comments dropped).
std::vector<std::string> SplitSqlStatements(const std::string& sql);

// The highest applied version (0 for an empty database).
Result<int> AppliedVersion(SqlConnection* db);

// Applies every migration newer than the database. A database newer than `migrations` is
// refused. Each migration runs in one transaction where the dialect allows transactional DDL;
// elsewhere (MySQL) tables a failed migration created are dropped again, so nothing is left
// half-made.
Status ApplyMigrations(SqlConnection* db, const std::vector<Migration>& migrations);

}  // namespace onetable

#endif  // ONETABLE_STORE_MIGRATIONS_H_
