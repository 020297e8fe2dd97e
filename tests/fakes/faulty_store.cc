#include "faulty_store.h"

#include <utility>

namespace onetable::testing {

void FaultyStore::FailWrite(int64_t nth, Status status, const std::string& method) {
  write_faults_.push_back({method, writes(method) + nth, std::move(status)});
}

void FaultyStore::Deadlock(int64_t nth, const std::string& method) {
  FailWrite(nth,
            Status::Aborted("MySQL 事务因死锁被回滚：Deadlock found when trying to get lock "
                            "(injected by FaultyStore)。请重试"),
            method);
}

void FaultyStore::FailCommit(int64_t nth, Status status) {
  commit_faults_.emplace_back(transactions_ + nth, std::move(status));
}

int64_t FaultyStore::writes(const std::string& method) const {
  if (method.empty()) return all_writes_;
  auto it = calls_.find(method);
  return it == calls_.end() ? 0 : it->second;
}

Status FaultyStore::Write(const char* method) {
  ++all_writes_;
  ++calls_[method];
  for (auto it = write_faults_.begin(); it != write_faults_.end(); ++it) {
    if (writes(it->method) != it->at) continue;
    if (!it->method.empty() && it->method != method) continue;
    Status st = std::move(it->status);
    write_faults_.erase(it);
    ++faults_;
    if (depth_ > 0 && failed_in_tx_.ok()) failed_in_tx_ = st;
    return st;
  }
  return Status::Ok();
}

Status FaultyStore::InTransaction(const std::function<Status()>& fn) {
  if (depth_ > 0) {  // joins the outer transaction, as the target does
    ++depth_;
    Status st = fn();
    --depth_;
    return st;
  }
  ++transactions_;
  Status commit_fault;
  for (auto it = commit_faults_.begin(); it != commit_faults_.end(); ++it) {
    if (it->first != transactions_) continue;
    commit_fault = std::move(it->second);
    commit_faults_.erase(it);
    break;
  }
  failed_in_tx_ = Status::Ok();
  ++depth_;
  Status st = StoreWrapper::InTransaction([&]() -> Status {
    Status inner = fn();
    if (!inner.ok()) return inner;
    if (!failed_in_tx_.ok()) return failed_in_tx_;  // swallowed: still rolls back
    if (!commit_fault.ok()) {
      ++faults_;
      return commit_fault;  // the target rolls back: nothing of fn is stored
    }
    return Status::Ok();
  });
  --depth_;
  failed_in_tx_ = Status::Ok();
  return st;
}

Result<int64_t> FaultyStore::Insert(EntityKind kind, const Row& row) {
  RETURN_IF_ERROR(Write("Insert"));
  return StoreWrapper::Insert(kind, row);
}

Status FaultyStore::InsertBatch(EntityKind kind, const std::vector<Row>& rows,
                                std::vector<int64_t>* ids) {
  RETURN_IF_ERROR(Write("InsertBatch"));
  return StoreWrapper::InsertBatch(kind, rows, ids);
}

Status FaultyStore::Update(EntityKind kind, Row* row) {
  RETURN_IF_ERROR(Write("Update"));
  return StoreWrapper::Update(kind, row);
}

Result<int64_t> FaultyStore::Move(EntityKind kind, int64_t id, int64_t expected_version,
                                  int64_t new_parent_id, const std::string& relationship,
                                  const std::string& actor) {
  RETURN_IF_ERROR(Write("Move"));
  return StoreWrapper::Move(kind, id, expected_version, new_parent_id, relationship, actor);
}

Status FaultyStore::Delete(EntityKind kind, int64_t id, int64_t expected_version) {
  RETURN_IF_ERROR(Write("Delete"));
  return StoreWrapper::Delete(kind, id, expected_version);
}

Result<int64_t> FaultyStore::AddTag(const TagAssignment& tag) {
  RETURN_IF_ERROR(Write("AddTag"));
  return StoreWrapper::AddTag(tag);
}

Status FaultyStore::UpdateTag(TagAssignment* tag) {
  RETURN_IF_ERROR(Write("UpdateTag"));
  return StoreWrapper::UpdateTag(tag);
}

Status FaultyStore::DeleteTag(int64_t id, int64_t expected_version) {
  RETURN_IF_ERROR(Write("DeleteTag"));
  return StoreWrapper::DeleteTag(id, expected_version);
}

Status FaultyStore::RecordObservation(const FieldObservation& obs) {
  RETURN_IF_ERROR(Write("RecordObservation"));
  return StoreWrapper::RecordObservation(obs);
}

Status FaultyStore::AppendHistory(const FieldObservation& obs) {
  RETURN_IF_ERROR(Write("AppendHistory"));
  return StoreWrapper::AppendHistory(obs);
}

Result<int64_t> FaultyStore::AddReview(const ReviewItem& item) {
  RETURN_IF_ERROR(Write("AddReview"));
  return StoreWrapper::AddReview(item);
}

Status FaultyStore::ResolveReview(int64_t id, int64_t expected_version, const std::string& status,
                                  const std::string& resolution, const std::string& actor) {
  RETURN_IF_ERROR(Write("ResolveReview"));
  return StoreWrapper::ResolveReview(id, expected_version, status, resolution, actor);
}

Result<bool> FaultyStore::PutSourceRecord(SourceRecord* record) {
  RETURN_IF_ERROR(Write("PutSourceRecord"));
  return StoreWrapper::PutSourceRecord(record);
}

Status FaultyStore::SetCursor(const std::string& source, const std::string& cursor) {
  RETURN_IF_ERROR(Write("SetCursor"));
  return StoreWrapper::SetCursor(source, cursor);
}

Result<int64_t> FaultyStore::AddImportRun(const ImportRun& run) {
  RETURN_IF_ERROR(Write("AddImportRun"));
  return StoreWrapper::AddImportRun(run);
}

Status FaultyStore::UpdateImportRun(const ImportRun& run) {
  RETURN_IF_ERROR(Write("UpdateImportRun"));
  return StoreWrapper::UpdateImportRun(run);
}

Result<int64_t> FaultyStore::MarkRunsInterrupted(const std::string& source) {
  RETURN_IF_ERROR(Write("MarkRunsInterrupted"));
  return StoreWrapper::MarkRunsInterrupted(source);
}

Result<int64_t> FaultyStore::AddQuarantine(const QuarantinedRow& row) {
  RETURN_IF_ERROR(Write("AddQuarantine"));
  return StoreWrapper::AddQuarantine(row);
}

Status FaultyStore::PutSourceInfo(const SourceInfo& info) {
  RETURN_IF_ERROR(Write("PutSourceInfo"));
  return StoreWrapper::PutSourceInfo(info);
}

Status FaultyStore::MergePersons(int64_t survivor, int64_t merged, const std::string& actor) {
  RETURN_IF_ERROR(Write("MergePersons"));
  return StoreWrapper::MergePersons(survivor, merged, actor);
}

Status FaultyStore::KeepApart(int64_t a, int64_t b, const std::string& actor) {
  RETURN_IF_ERROR(Write("KeepApart"));
  return StoreWrapper::KeepApart(a, b, actor);
}

Result<LeaseClaim> FaultyStore::AcquireLease(const std::string& name, const std::string& holder,
                                             int64_t now, int64_t ttl_seconds) {
  RETURN_IF_ERROR(Write("AcquireLease"));
  return StoreWrapper::AcquireLease(name, holder, now, ttl_seconds);
}

Status FaultyStore::RenewLease(const std::string& name, const std::string& holder, int64_t now,
                               int64_t ttl_seconds) {
  RETURN_IF_ERROR(Write("RenewLease"));
  return StoreWrapper::RenewLease(name, holder, now, ttl_seconds);
}

Status FaultyStore::ReleaseLease(const std::string& name, const std::string& holder) {
  RETURN_IF_ERROR(Write("ReleaseLease"));
  return StoreWrapper::ReleaseLease(name, holder);
}

Result<int64_t> FaultyStore::AddUser(const User& user) {
  RETURN_IF_ERROR(Write("AddUser"));
  return StoreWrapper::AddUser(user);
}

Status FaultyStore::UpdateUser(User* user) {
  RETURN_IF_ERROR(Write("UpdateUser"));
  return StoreWrapper::UpdateUser(user);
}

Result<int64_t> FaultyStore::AddTableRequest(const TableRequestRecord& request) {
  RETURN_IF_ERROR(Write("AddTableRequest"));
  return StoreWrapper::AddTableRequest(request);
}

Status FaultyStore::UpdateTableRequest(TableRequestRecord* request) {
  RETURN_IF_ERROR(Write("UpdateTableRequest"));
  return StoreWrapper::UpdateTableRequest(request);
}

Result<int64_t> FaultyStore::AddSession(const AuthSession& session) {
  RETURN_IF_ERROR(Write("AddSession"));
  return StoreWrapper::AddSession(session);
}

Status FaultyStore::TouchSession(int64_t id, int64_t seen_at) {
  RETURN_IF_ERROR(Write("TouchSession"));
  return StoreWrapper::TouchSession(id, seen_at);
}

Status FaultyStore::DeleteSession(int64_t id) {
  RETURN_IF_ERROR(Write("DeleteSession"));
  return StoreWrapper::DeleteSession(id);
}

Result<int64_t> FaultyStore::DeleteUserSessions(int64_t user_id) {
  RETURN_IF_ERROR(Write("DeleteUserSessions"));
  return StoreWrapper::DeleteUserSessions(user_id);
}

Result<int64_t> FaultyStore::PurgeSessions(int64_t now, int64_t idle_before) {
  RETURN_IF_ERROR(Write("PurgeSessions"));
  return StoreWrapper::PurgeSessions(now, idle_before);
}

Result<LoginThrottle> FaultyStore::RecordLoginFailure(const std::string& key, int64_t now,
                                                      int64_t window_seconds,
                                                      const LoginDelay& delay) {
  RETURN_IF_ERROR(Write("RecordLoginFailure"));
  return StoreWrapper::RecordLoginFailure(key, now, window_seconds, delay);
}

Status FaultyStore::ClearLoginThrottle(const std::string& user_name) {
  RETURN_IF_ERROR(Write("ClearLoginThrottle"));
  return StoreWrapper::ClearLoginThrottle(user_name);
}

Result<int64_t> FaultyStore::AddApiToken(const ApiToken& token) {
  RETURN_IF_ERROR(Write("AddApiToken"));
  return StoreWrapper::AddApiToken(token);
}

Status FaultyStore::TouchApiToken(int64_t id, int64_t used_at) {
  RETURN_IF_ERROR(Write("TouchApiToken"));
  return StoreWrapper::TouchApiToken(id, used_at);
}

Status FaultyStore::RevokeApiToken(int64_t user_id, int64_t id, int64_t revoked_at) {
  RETURN_IF_ERROR(Write("RevokeApiToken"));
  return StoreWrapper::RevokeApiToken(user_id, id, revoked_at);
}

Result<int64_t> FaultyStore::AppendAudit(const AuditEntry& entry) {
  RETURN_IF_ERROR(Write("AppendAudit"));
  return StoreWrapper::AppendAudit(entry);
}

Result<int64_t> FaultyStore::PurgeAudit(int64_t through_seq) {
  RETURN_IF_ERROR(Write("PurgeAudit"));
  return StoreWrapper::PurgeAudit(through_seq);
}

}  // namespace onetable::testing
