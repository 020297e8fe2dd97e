// The audit log in SQL: a keyed hash chain over audit_log, with its head and anchor in
// audit_chain (schema/sql/*/0009_audit_chain.sql; store/audit_store.h says what each means).
#include "store/sql_store.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <random>
#include <thread>

namespace onetable {
namespace {

void BindOpt(SqlStatement* s, int i, const std::string& v) {
  if (v.empty())
    s->BindNull(i);
  else
    s->BindText(i, v);
}

constexpr char kAuditColumns[] =
    "SELECT id, logged_at, user_name, role, source_addr, action, object, result, request_id, "
    "detail, seq, mac FROM audit_log";

}  // namespace

AuditGroupQueue& AuditGroupQueue::For(const std::string& target, const AuditSealer* sealer) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, const AuditSealer*>, std::unique_ptr<AuditGroupQueue>>
      queues;
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<AuditGroupQueue>& queue = queues[{target, sealer}];
  if (queue == nullptr) queue = std::make_unique<AuditGroupQueue>();
  return *queue;
}

Result<std::vector<AuditEntry>> SqlStore::ReadAudit(SqlStatement* s) {
  std::vector<AuditEntry> out;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    AuditEntry e;
    e.id = s->Int(0);
    e.at = s->Text(1).value_or("");
    e.user = s->Text(2).value_or("");
    e.role = s->Text(3).value_or("");
    e.source_addr = s->Text(4).value_or("");
    e.action = s->Text(5).value_or("");
    e.object = s->Text(6).value_or("");
    e.result = s->Text(7).value_or("");
    e.request_id = s->Text(8).value_or("");
    e.detail = s->Text(9).value_or("");
    e.seq = s->Int(10);
    e.mac = s->Text(11).value_or("");
    out.push_back(std::move(e));
  }
  return out;
}

Status SqlStore::SetChainMark(const char* name, int64_t seq, const std::string& mac) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("UPDATE audit_chain SET seq = ?, mac = ?, seal = ? WHERE name = ?"));
  s->BindInt(1, seq);
  s->BindText(2, mac);
  if (sealer_ != nullptr) {
    s->BindText(3, sealer_->SealMark(name, seq, mac));
  } else {
    s->BindNull(3);
  }
  s->BindText(4, name);
  return s->Execute().status();
}

Status SqlStore::AppendAuditGroup(const std::vector<const AuditEntry*>& entries,
                                  std::vector<int64_t>* ids) {
  ids->clear();
  return InTransaction([&]() -> Status {
    // Taking the head row's write lock first serialises every appender on one server on it
    // (InnoDB row lock; SQLite's one writer), so two records can never chain to the same
    // predecessor; on a Galera cluster certification lets the first of two nodes win and aborts
    // the other (AppendAudit tries again).
    ASSIGN_OR_RETURN(SqlStatement * lock,
                     Stmt("UPDATE audit_chain SET seq = seq WHERE name = 'head'"));
    ASSIGN_OR_RETURN(int64_t locked, lock->Execute());
    if (locked != 1) return Status::Internal("audit_chain has no head row (run onetable init)");
    ASSIGN_OR_RETURN(AuditChainState chain, GetAuditChain());
    int64_t seq = chain.head.seq;
    std::string mac = chain.head.mac;
    for (const AuditEntry* entry : entries) {
      AuditEntry e = *entry;
      e.seq = ++seq;
      if (e.at.empty()) e.at = NowUtc();
      e.mac = sealer_ != nullptr ? sealer_->SealEntry(e, mac) : "";
      ASSIGN_OR_RETURN(SqlStatement * s,
                       Stmt("INSERT INTO audit_log (logged_at, user_name, role, source_addr, "
                            "action, object, result, request_id, detail, seq, mac) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      s->BindText(1, e.at);
      BindOpt(s, 2, e.user);
      BindOpt(s, 3, e.role);
      BindOpt(s, 4, e.source_addr);
      s->BindText(5, e.action);
      BindOpt(s, 6, e.object);
      s->BindText(7, e.result);
      BindOpt(s, 8, e.request_id);
      BindOpt(s, 9, e.detail);
      s->BindInt(10, e.seq);
      BindOpt(s, 11, e.mac);
      RETURN_IF_ERROR(s->Execute().status());
      ASSIGN_OR_RETURN(int64_t id, db_->LastInsertId());
      ids->push_back(id);
      mac = e.mac;
    }
    return SetChainMark("head", seq, mac);
  });
}

Status SqlStore::AppendAuditGroupRetrying(const std::vector<const AuditEntry*>& entries,
                                          std::vector<int64_t>* ids) {
  // Losing to another appender is normal when several instances share a store: a deadlock
  // victim (InnoDB), a certification failure (Galera: another node appended first) or the seq
  // taken meanwhile (the unique index). Each left nothing behind; try again, a little later
  // each time, for up to about ten seconds, so that every request's record lands.
  constexpr int kAttempts = 160;
  std::minstd_rand jitter(static_cast<unsigned>(
      std::chrono::steady_clock::now().time_since_epoch().count()));
  for (int attempt = 1;; ++attempt) {
    Status st = AppendAuditGroup(entries, ids);
    const bool lost =
        st.code() == StatusCode::kAborted || st.code() == StatusCode::kAlreadyExists;
    if (!lost || attempt == kAttempts) return st;
    // Up to 1, 2, 4 ... 64 ms (then 64), at random.
    const int ceiling_us = 1000 << std::min(attempt - 1, 6);
    std::this_thread::sleep_for(std::chrono::microseconds(
        std::uniform_int_distribution<int>(ceiling_us / 4, ceiling_us)(jitter)));
  }
}

Result<int64_t> SqlStore::AppendAudit(const AuditEntry& entry) {
  std::vector<int64_t> ids;
  if (tx_depth_ > 0) {
    // Inside a caller's transaction: one attempt, and only the caller can retry.
    RETURN_IF_ERROR(AppendAuditGroup({&entry}, &ids));
    return ids.front();
  }
  // Group commit: the appenders of one process to one database queue here, and whoever finds
  // no flush under way appends everything queued, in one transaction, for all of them. On
  // Galera each transaction in flight is one more to lose certification, so a busy instance
  // sends one where it would have sent dozens; on SQLite it is one fsync for the group.
  AuditGroupQueue& queue = AuditGroupQueue::For(db_->Target(), sealer_);
  AuditGroupQueue::Item me{&entry};
  std::unique_lock<std::mutex> lock(queue.mu);
  queue.waiting.push_back(&me);
  while (!me.done) {
    if (queue.flushing) {
      queue.changed.wait(lock);
      continue;
    }
    queue.flushing = true;
    std::vector<AuditGroupQueue::Item*> group;
    while (!queue.waiting.empty() && group.size() < AuditGroupQueue::kMaxGroup) {
      group.push_back(queue.waiting.front());
      queue.waiting.pop_front();
    }
    lock.unlock();
    FlushAuditGroup(group);
    lock.lock();
    for (AuditGroupQueue::Item* item : group) item->done = true;
    queue.flushing = false;
    queue.changed.notify_all();
  }
  return me.result;
}

void SqlStore::FlushAuditGroup(const std::vector<AuditGroupQueue::Item*>& group) {
  std::vector<const AuditEntry*> entries;
  for (const AuditGroupQueue::Item* item : group) entries.push_back(item->entry);
  std::vector<int64_t> ids;
  Status st = AppendAuditGroupRetrying(entries, &ids);
  if (st.ok()) {
    for (size_t i = 0; i < group.size(); ++i) group[i]->result = ids[i];
    return;
  }
  if (group.size() == 1) {
    group[0]->result = st;
    return;
  }
  // Not a lost race: one entry may be at fault (or this connection). Each entry on its own,
  // so that each request gets its own answer and no one else's failure.
  for (AuditGroupQueue::Item* item : group) {
    Status one = AppendAuditGroupRetrying({item->entry}, &ids);
    item->result = one.ok() ? Result<int64_t>(ids.front()) : Result<int64_t>(one);
  }
}

Result<std::vector<AuditEntry>> SqlStore::ListAudit(const AuditQuery& q) {
  const bool down = q.newest_first;
  std::string sql = std::string(kAuditColumns) + (down ? " WHERE id < ?" : " WHERE id > ?");
  if (!q.user.empty()) sql += " AND user_name = ?";
  if (!q.action.empty()) sql += " AND action = ?";
  if (!q.since.empty()) sql += " AND logged_at >= ?";
  if (!q.until.empty()) sql += " AND logged_at < ?";
  sql += std::string(down ? " ORDER BY id DESC" : " ORDER BY id") + " LIMIT " +
         std::to_string(q.limit <= 0 ? 100 : q.limit);
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt(sql));
  int i = 1;
  s->BindInt(i++, down ? (q.before_id > 0 ? q.before_id : INT64_MAX) : q.after_id);
  if (!q.user.empty()) s->BindText(i++, q.user);
  if (!q.action.empty()) s->BindText(i++, q.action);
  if (!q.since.empty()) s->BindText(i++, q.since);
  if (!q.until.empty()) s->BindText(i++, q.until);
  return ReadAudit(s);
}

Result<AuditChainState> SqlStore::GetAuditChain() {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("SELECT name, seq, mac, seal FROM audit_chain"));
  AuditChainState state;
  bool head = false, anchor = false;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    const std::string name = s->Text(0).value_or("");
    AuditChainMark mark;
    mark.seq = s->Int(1);
    mark.mac = s->Text(2).value_or("");
    mark.seal = s->Text(3).value_or("");
    if (name == "head") {
      state.head = mark;
      head = true;
    } else if (name == "anchor") {
      state.anchor = mark;
      anchor = true;
    }
  }
  if (!head || !anchor)
    return Status::NotFound("审计链的链头或起点记录缺失（audit_chain 表被改动）");
  return state;
}

Result<std::vector<AuditEntry>> SqlStore::ListAuditChain(int64_t after_seq, int limit) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt(std::string(kAuditColumns) + " WHERE seq > ? ORDER BY seq LIMIT " +
                        std::to_string(limit <= 0 ? 1000 : limit)));
  s->BindInt(1, after_seq);
  return ReadAudit(s);
}

Result<std::vector<int64_t>> SqlStore::ListUnchainedAudit(int limit) {
  // Legacy rows (written before migration 0009) are older than every chained one.
  ASSIGN_OR_RETURN(SqlStatement * first,
                   Stmt("SELECT MIN(id) FROM audit_log WHERE seq IS NOT NULL"));
  ASSIGN_OR_RETURN(bool found, first->Step());
  const int64_t first_chained = found ? first->Int(0) : 0;
  first->Reset();
  if (first_chained == 0) return std::vector<int64_t>{};
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT id FROM audit_log WHERE seq IS NULL AND id > ? ORDER BY id "
                        "LIMIT " +
                        std::to_string(limit <= 0 ? 100 : limit)));
  s->BindInt(1, first_chained);
  std::vector<int64_t> ids;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    ids.push_back(s->Int(0));
  }
  return ids;
}

Result<int64_t> SqlStore::PurgeAudit(int64_t through_seq) {
  if (sealer_ == nullptr) {
    return Status::Precondition("未加载审计密钥，不能清理审计日志（起点须重新加封）");
  }
  int64_t removed = 0;
  Status st = InTransaction([&]() -> Status {
    // Lock the head first, as AppendAudit does, so no record is appended meanwhile.
    ASSIGN_OR_RETURN(SqlStatement * lock,
                     Stmt("UPDATE audit_chain SET seq = seq WHERE name = 'head'"));
    RETURN_IF_ERROR(lock->Execute().status());
    ASSIGN_OR_RETURN(AuditChainState chain, GetAuditChain());
    if (through_seq <= chain.anchor.seq || through_seq > chain.head.seq) {
      return Status::Invalid("清理范围无效：审计链现有记录为 " +
                             std::to_string(chain.anchor.seq + 1) + "–" +
                             std::to_string(chain.head.seq));
    }
    ASSIGN_OR_RETURN(SqlStatement * last, Stmt("SELECT id, mac FROM audit_log WHERE seq = ?"));
    last->BindInt(1, through_seq);
    ASSIGN_OR_RETURN(bool found, last->Step());
    if (!found) {
      return Status::Precondition("审计记录 seq " + std::to_string(through_seq) +
                                  " 不存在：审计链已损坏，请先运行 onetable audit verify");
    }
    const int64_t last_id = last->Int(0);
    const std::string mac = last->Text(1).value_or("");
    last->Reset();
    ASSIGN_OR_RETURN(SqlStatement * del,
                     Stmt("DELETE FROM audit_log WHERE seq <= ? OR (seq IS NULL AND id < ?)"));
    del->BindInt(1, through_seq);
    del->BindInt(2, last_id);
    ASSIGN_OR_RETURN(removed, del->Execute());
    return SetChainMark("anchor", through_seq, mac);
  });
  if (!st.ok()) return st;
  return removed;
}

}  // namespace onetable
