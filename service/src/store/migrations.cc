#include "store/migrations.h"

#include <ctime>
#include <regex>

#include "onetable/text.h"

namespace onetable {
namespace {

const char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, "
    "name VARCHAR(200) NOT NULL, applied_at VARCHAR(19) NOT NULL)";

Status RecordApplied(SqlConnection* db, const Migration& m) {
  ASSIGN_OR_RETURN(auto stmt, db->Prepare("INSERT INTO schema_migrations (version, name, "
                                          "applied_at) VALUES (?, ?, ?)"));
  stmt->BindInt(1, m.version);
  stmt->BindText(2, m.name);
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  stmt->BindText(3, buf);
  return stmt->Execute().status();
}

Status RunStatements(SqlConnection* db, const Migration& m, std::vector<std::string>* created) {
  static const std::regex kCreateTable(R"(^\s*CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+))",
                                       std::regex::icase);
  for (const std::string& sql : SplitSqlStatements(m.sql)) {
    Status st = db->Exec(sql);
    if (!st.ok()) {
      return Status::Internal("迁移 " + std::string(m.name) + " 失败：" + st.message());
    }
    std::smatch match;
    if (created && std::regex_search(sql, match, kCreateTable)) created->push_back(match[2]);
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> SplitSqlStatements(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  size_t pos = 0;
  while (pos <= sql.size()) {
    size_t nl = sql.find('\n', pos);
    if (nl == std::string::npos) nl = sql.size();
    std::string line = sql.substr(pos, nl - pos);
    pos = nl + 1;
    std::string t(TrimBlank(line));
    if (t.empty() || t.rfind("--", 0) == 0) continue;
    current += line + "\n";
    if (t.back() == ';') {
      std::string stmt(TrimBlank(current));
      stmt.pop_back();
      out.emplace_back(TrimBlank(stmt));
      current.clear();
    }
  }
  if (!TrimBlank(current).empty()) out.emplace_back(TrimBlank(current));
  return out;
}

Result<int> AppliedVersion(SqlConnection* db) {
  ASSIGN_OR_RETURN(auto cols, db->Columns("schema_migrations"));
  if (cols.empty()) return 0;
  ASSIGN_OR_RETURN(auto stmt, db->Prepare("SELECT MAX(version) FROM schema_migrations"));
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? static_cast<int>(stmt->Int(0)) : 0;
}

Status ApplyMigrations(SqlConnection* db, const std::vector<Migration>& migrations) {
  ASSIGN_OR_RETURN(int current, AppliedVersion(db));
  int known = migrations.empty() ? 0 : migrations.back().version;
  if (current > known) {
    return Status::Precondition("数据库结构版本为 " + std::to_string(current) +
                                "，而本程序只支持到版本 " + std::to_string(known) +
                                "：请使用更新版本的 onetable 打开此数据库");
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    if (db->TransactionalDdl()) {
      // All of a migration, and its record, commit together or not at all.
      RETURN_IF_ERROR(db->Begin());
      Status st = db->Exec(kCreateMigrationsTable);
      if (st.ok()) st = RunStatements(db, m, nullptr);
      if (st.ok()) st = RecordApplied(db, m);
      if (!st.ok()) {
        // The migration's error is the one to report; a rollback that fails too leaves the
        // transaction uncommitted all the same.
        db->Rollback().IgnoreError();
        return st;
      }
      RETURN_IF_ERROR(db->Commit());
    } else {
      // DDL commits implicitly here: undo by dropping what this migration created.
      bool fresh = current == 0;
      std::vector<std::string> created;
      Status st = db->Exec(kCreateMigrationsTable);
      if (st.ok()) st = RunStatements(db, m, &created);
      if (st.ok()) st = RecordApplied(db, m);
      if (!st.ok()) {
        // Best-effort undo: the migration's error is the one to report (if a drop fails too,
        // the next init names the table that is in the way).
        for (auto it = created.rbegin(); it != created.rend(); ++it) {
          db->Exec("DROP TABLE IF EXISTS " + *it).IgnoreError();
        }
        if (fresh) db->Exec("DROP TABLE IF EXISTS schema_migrations").IgnoreError();
        return st;
      }
    }
    current = m.version;
  }
  return Status::Ok();
}

}  // namespace onetable
