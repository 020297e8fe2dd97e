// Table-download progress in SQL (schema/sql/*/0020_transfers_progress.sql). Each call is a
// statement or two in autocommit, so instances over one store see them at once.
#include "store/sql_store.h"

namespace onetable {

Status SqlStore::StartProgress(const ProgressRecord& r, int64_t forget_before_ms) {
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * forget,
                     Stmt("DELETE FROM table_progress WHERE updated_ms < ? OR "
                          "(owner = ? AND token = ?)"));
    forget->BindInt(1, forget_before_ms);
    forget->BindText(2, r.owner);
    forget->BindText(3, r.token);
    RETURN_IF_ERROR(forget->Execute().status());
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("INSERT INTO table_progress (owner, token, rows_done, started_ms, "
                          "updated_ms, ended_ms, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    s->BindText(1, r.owner);
    s->BindText(2, r.token);
    s->BindInt(3, r.rows);
    s->BindInt(4, r.started_ms);
    s->BindInt(5, r.updated_ms);
    s->BindInt(6, r.ended_ms);
    s->BindInt(7, r.cancelled ? 1 : 0);
    return s->Execute().status();
  });
}

Result<bool> SqlStore::ReportProgress(const std::string& owner, const std::string& token,
                                      int64_t rows, int64_t now_ms, int64_t ended_ms) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("UPDATE table_progress SET rows_done = ?, updated_ms = ?, "
                        "ended_ms = CASE WHEN ? > 0 THEN ? ELSE ended_ms END "
                        "WHERE owner = ? AND token = ?"));
  s->BindInt(1, rows);
  s->BindInt(2, now_ms);
  s->BindInt(3, ended_ms);
  s->BindInt(4, ended_ms);
  s->BindText(5, owner);
  s->BindText(6, token);
  RETURN_IF_ERROR(s->Execute().status());
  ASSIGN_OR_RETURN(std::optional<ProgressRecord> now, GetProgress(owner, token));
  if (!now) return Status::NotFound("没有这个下载的进度");
  return now->cancelled;
}

Result<std::optional<ProgressRecord>> SqlStore::GetProgress(const std::string& owner,
                                                            const std::string& token) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT rows_done, started_ms, updated_ms, ended_ms, cancelled FROM "
                        "table_progress WHERE owner = ? AND token = ?"));
  s->BindText(1, owner);
  s->BindText(2, token);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return std::optional<ProgressRecord>();
  ProgressRecord r;
  r.owner = owner;
  r.token = token;
  r.rows = s->Int(0);
  r.started_ms = s->Int(1);
  r.updated_ms = s->Int(2);
  r.ended_ms = s->Int(3);
  r.cancelled = s->Int(4) != 0;
  s->Reset();
  return std::optional<ProgressRecord>(std::move(r));
}

Result<bool> SqlStore::CancelProgress(const std::string& owner, const std::string& token) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("UPDATE table_progress SET cancelled = 1 WHERE owner = ? AND token = ?"));
  s->BindText(1, owner);
  s->BindText(2, token);
  RETURN_IF_ERROR(s->Execute().status());
  ASSIGN_OR_RETURN(std::optional<ProgressRecord> now, GetProgress(owner, token));
  return now.has_value();
}

}  // namespace onetable
