// A store's tables as a portable byte stream, and back: what a backup file holds. Each table is
// written by name with its column names, then its rows, every value as text or NULL, so a dump
// taken from SQLite loads into MySQL and the other way round (both run the same migrations, so
// table and column names agree). Encoding, all integers little-endian:
//
//   'H' str(format "onetable-dump-1") str(dialect) str(schema version) str(created at, UTC)
//   per table:  'T' str(name) u32(columns) str(column)...
//               'R' per column: 0 (NULL) | 1 str(value)      (one 'R' per row)
//               'E' u64(rows)
//   'Z' u32(tables)
//   str = u32(length) bytes
//
// Left out: schema_migrations (the target's own migrations make it), and what only a running
// service means — run leases, sessions, login throttles (a restored service starts with every
// user logged out and no run in progress).
//
// Thread-safety: functions over a connection the caller owns, one thread at a time.
#ifndef ONETABLE_BACKUP_STORE_DUMP_H_
#define ONETABLE_BACKUP_STORE_DUMP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "onetable/status.h"
#include "store/sql_connection.h"

namespace onetable {

struct DumpSummary {
  std::string dialect;
  int schema_version = 0;
  std::string created_at;
  std::map<std::string, int64_t> rows;  // per table
};

// The tables a dump holds, in the database's own listing order (names sorted).
Result<std::vector<std::string>> DumpedTables(SqlConnection& db);

// Writes every table of `db` to `out`, reading in the caller's snapshot (a transaction or a
// private copy): the dump is as consistent as what `db` sees.
Status DumpStore(SqlConnection& db, int schema_version,
                 const std::function<Status(std::string_view)>& out, DumpSummary* summary);

// Reads a dump's bytes: `read(n, &bytes)` must give exactly n bytes or fail.
using DumpReader = std::function<Status(size_t n, std::string* bytes)>;

// Reads the header only.
Status ReadDumpHeader(const DumpReader& read, DumpSummary* summary);

// After ReadDumpHeader: inserts every row into `db`, which must have every table and column of
// the dump (an error names the missing one). Runs inside the caller's transaction. Rows already
// seeded by migrations into `seeded_tables` are deleted first.
Status LoadDump(const DumpReader& read, SqlConnection& db,
                const std::vector<std::string>& seeded_tables, DumpSummary* summary);

// Tables whose rows the migrations themselves insert (and which an empty store therefore holds).
const std::vector<std::string>& SeededTables();

// "table: N rows" of every table of `db` that is not empty, ignoring SeededTables() when they
// hold only their seed; empty when the store is empty (what restore requires).
Result<std::vector<std::string>> NonEmptyTables(SqlConnection& db);

// Quotes an identifier for `db`'s dialect.
std::string QuoteIdentifier(const SqlConnection& db, const std::string& name);

}  // namespace onetable

#endif  // ONETABLE_BACKUP_STORE_DUMP_H_
