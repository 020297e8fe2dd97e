#include "retention/retention.h"

#include <vector>

#include "store/sql_store.h"

namespace onetable {
namespace {

Result<int64_t> CountOf(SqlConnection& db, const std::string& sql, const std::string& cutoff,
                        int binds) {
  ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
  for (int i = 1; i <= binds; ++i) stmt->BindText(i, cutoff);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? stmt->Int(0) : 0;
}

// Repeats: select up to `batch` ids by `select` (cutoff bound `binds` times), apply `change`
// (an UPDATE/DELETE ending in "WHERE id IN ") to them in one transaction; until none is left.
Result<int64_t> InBatches(SqlConnection& db, const std::string& select, int binds,
                          const std::string& cutoff, const std::string& change, int batch) {
  int64_t done = 0;
  while (true) {
    std::vector<int64_t> ids;
    {
      ASSIGN_OR_RETURN(auto stmt,
                       db.Prepare(select + " ORDER BY id LIMIT " + std::to_string(batch)));
      for (int i = 1; i <= binds; ++i) stmt->BindText(i, cutoff);
      while (true) {
        ASSIGN_OR_RETURN(bool more, stmt->Step());
        if (!more) break;
        ids.push_back(stmt->Int(0));
      }
    }
    if (ids.empty()) return done;
    std::string list;
    for (int64_t id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
    RETURN_IF_ERROR(db.Begin());
    Result<int64_t> n = [&]() -> Result<int64_t> {
      ASSIGN_OR_RETURN(auto stmt, db.Prepare(change + "(" + list + ")"));
      return stmt->Execute();
    }();
    Status st = n.ok() ? db.Commit() : n.status();
    if (!st.ok()) {
      db.Rollback().IgnoreError();
      return st;
    }
    done += static_cast<int64_t>(ids.size());
    if (static_cast<int>(ids.size()) < batch) return done;
  }
}

// register_change entries every delivery has read past: older than the cut-off and than the
// oldest basis (changes_from) of any delivery.
const char kChangesWhere[] =
    " FROM register_change WHERE changed_at < ? AND NOT EXISTS (SELECT 1 FROM delivery_basis "
    "WHERE delivery_basis.changes_from <= register_change.changed_at)";

}  // namespace

std::string RetentionCutoff(int64_t now, int days) {
  return UtcTimestamp(now - static_cast<int64_t>(days) * 86400);
}

Result<RetentionCounts> PurgeExpired(SqlConnection& db, const std::string& cutoff, bool dry_run,
                                     int batch) {
  RetentionCounts c;
  const std::string payloads =
      " FROM source_record WHERE fetched_at < ? AND payload IS NOT NULL AND payload <> ''";
  const std::string quarantined =
      " FROM quarantine_row WHERE created_at < ? AND raw IS NOT NULL AND raw <> ''";
  if (dry_run) {
    ASSIGN_OR_RETURN(c.payloads, CountOf(db, "SELECT COUNT(*)" + payloads, cutoff, 1));
    ASSIGN_OR_RETURN(c.quarantined, CountOf(db, "SELECT COUNT(*)" + quarantined, cutoff, 1));
    ASSIGN_OR_RETURN(c.changes,
                     CountOf(db, std::string("SELECT COUNT(*)") + kChangesWhere, cutoff, 1));
    return c;
  }
  ASSIGN_OR_RETURN(c.payloads,
                   InBatches(db, "SELECT id" + payloads, 1, cutoff,
                             "UPDATE source_record SET payload = NULL WHERE id IN ", batch));
  ASSIGN_OR_RETURN(c.quarantined,
                   InBatches(db, "SELECT id" + quarantined, 1, cutoff,
                             "UPDATE quarantine_row SET raw = NULL WHERE id IN ", batch));
  ASSIGN_OR_RETURN(c.changes, InBatches(db, std::string("SELECT id") + kChangesWhere, 1, cutoff,
                                        "DELETE FROM register_change WHERE id IN ", batch));
  return c;
}

std::string DescribeCounts(const RetentionCounts& c) {
  return "源数据原始行 " + std::to_string(c.payloads) + " 条，隔离行原文 " +
         std::to_string(c.quarantined) + " 条，推送变更日志 " + std::to_string(c.changes) + " 条";
}

std::string AuditDetailOf(const RetentionCounts& c, const std::string& cutoff) {
  return "payloads=" + std::to_string(c.payloads) + " quarantined=" +
         std::to_string(c.quarantined) + " changes=" + std::to_string(c.changes) +
         " before=" + cutoff;
}

}  // namespace onetable
