// The pure parts of the `mysql` connector: the source URL, identifier checks, the cursor and the
// SQL of each batch. No I/O here; mysql_plugin.cc runs what these build.
//
// Reading is keyset paging over (watermark, key...) in that order, so a batch is one bounded
// SELECT and its position is the last row's values. A saved cursor is re-entered `overlap`
// watermark units earlier (seconds for DATE/DATETIME/TIMESTAMP, plain units for numbers), so a
// row committed late with an older watermark is still read; rows re-read unchanged are skipped
// by the runtime's content hash. Rows whose watermark is NULL sort first and are read while the
// cursor is still among them (on the first run); afterwards only non-NULL watermarks move it.
// Without a watermark every run reads the whole source, paged by key, and the cursor only
// remembers where an interrupted run stopped.
//
// Values from the YAML are never written into SQL: identifiers are checked (plain identifiers
// only) and quoted with backticks; values are bound as parameters.
//
// Thread-safety: pure functions over values.
#ifndef ONETABLE_CONNECTORS_MYSQL_MYSQL_SOURCE_H_
#define ONETABLE_CONNECTORS_MYSQL_MYSQL_SOURCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "onetable/mysql_url.h"
#include "onetable/status.h"

namespace onetable::connectors {

// The source's address (onetable/mysql_url.h: mysql://user:password@host:port/database or
// mysql://user:password@/database?socket=PATH), and where it points, for messages.
struct MysqlSourceUrl : MysqlUrl {
  // "127.0.0.1:3306" or "套接字 /run/mysqld/mysqld.sock". Never the password.
  std::string where;
};

// Errors never echo the password.
Result<MysqlSourceUrl> ParseMysqlSourceUrl(const std::string& url);

// A plain identifier: letters, digits, _ and $, or any non-ASCII character (Chinese column names
// are common in departmental databases), at most 64 characters, not all digits, valid UTF-8.
bool IsPlainIdentifier(const std::string& name);
// `name` quoted with backticks, or an error naming `option` when it is not a plain identifier.
// "db.table" is accepted when `allow_schema` (each part checked).
Result<std::string> QuoteIdentifier(const std::string& name, const std::string& option,
                                    bool allow_schema = false);
// "id" or "area_code, serial": the columns of a key, each a plain identifier.
Result<std::vector<std::string>> ParseColumnList(const std::string& text,
                                                 const std::string& option);

// How a column compares, from its SQL type: decides how a cursor value is bound and what the
// overlap means.
enum class ColumnClass { kInteger, kNumber, kTemporal, kText };

struct MysqlCursor {
  enum class Phase {
    kStart,          // nothing read yet
    kNullWatermark,  // among the rows whose watermark is NULL; `keys` is the last one
    kValue,          // `watermark` and `keys` of the last row
  };
  Phase phase = Phase::kStart;
  std::string watermark;
  std::vector<std::string> keys;

  bool operator==(const MysqlCursor& o) const {
    return phase == o.phase && watermark == o.watermark && keys == o.keys;
  }
};

// "mysql1\t<phase>\t<watermark>\t<key>..." with \, tab and newline escaped.
std::string EncodeMysqlCursor(const MysqlCursor& cursor);
// nullopt for text that is not a cursor for `key_count` key columns (the run then starts over,
// which is always safe).
std::optional<MysqlCursor> DecodeMysqlCursor(const std::string& text, size_t key_count);

// One bound parameter.
struct SqlParam {
  bool is_int = false;
  int64_t number = 0;
  std::string text;
};

struct BoundSql {
  std::string sql;
  std::vector<SqlParam> params;
};

// What is read, with identifiers already checked and quoted.
struct MysqlReadPlan {
  std::string from;               // "`db`.`t` AS ot_src" or "(SELECT ...) AS ot_src"
  std::string watermark;          // quoted, empty: none
  std::vector<std::string> keys;  // quoted
  ColumnClass watermark_class = ColumnClass::kText;
  std::vector<ColumnClass> key_classes;
};

// The FROM clause of a table ("db.table" allowed) or a SELECT. A query's trailing ';' is
// dropped; a query holding another statement is refused.
Result<std::string> SourceFrom(const std::string& table, const std::string& query);

// SELECT of the watermark and key columns with no rows: checks they exist and gives their types.
std::string ProbeSql(const MysqlReadPlan& plan);

// The next batch after `cursor`: every source column, then the watermark and each key as text
// (CAST AS CHAR, so the cursor holds the server's exact value), ordered by watermark and key,
// at most `limit` rows. `overlap` > 0 re-enters a kValue cursor that much earlier (only on the
// first batch of a run).
BoundSql BatchSql(const MysqlReadPlan& plan, const MysqlCursor& cursor, int64_t overlap,
                  int64_t limit);
// How many columns BatchSql appends after the source's own.
inline size_t ExtraColumns(const MysqlReadPlan& plan) {
  return plan.keys.size() + (plan.watermark.empty() ? 0 : 1);
}

// A key's values as one record key: the value itself for one column; for several, each value
// with '\' and ',' escaped, joined by ','.
std::string JoinKey(const std::vector<std::string>& values);

// Server error numbers that mean the server cannot be reached or went away (not bad options).
bool IsUnreachableError(int code);

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_MYSQL_MYSQL_SOURCE_H_
