// StoreWrapper: a Store that forwards every call to another Store (LevelDB's EnvWrapper idea), so
// a test double overrides only the methods it changes — tests/fakes/faulty_store.h fails chosen
// writes and commits this way.
//
// The wrapper owns nothing: `target` must outlive it. Transactions are the target's: a call
// made through the wrapper inside InTransaction runs in the target's transaction.
//
// Thread-safety: as the target (one thread at a time).
#ifndef ONETABLE_STORE_STORE_WRAPPER_H_
#define ONETABLE_STORE_STORE_WRAPPER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace onetable {

class StoreWrapper : public Store {
 public:
  explicit StoreWrapper(Store& target) : target_(target) {}

  Store& target() { return target_; }

  // --- schema, transactions, dialect ---
  std::string Dialect() const override { return target_.Dialect(); }
  Result<int> SchemaVersion() override { return target_.SchemaVersion(); }
  Status Migrate() override { return target_.Migrate(); }
  Status InTransaction(const std::function<Status()>& fn) override {
    return target_.InTransaction(fn);
  }

  // --- RegisterStore ---
  Result<int64_t> Insert(EntityKind kind, const Row& row) override {
    return target_.Insert(kind, row);
  }
  Status InsertBatch(EntityKind kind, const std::vector<Row>& rows,
                     std::vector<int64_t>* ids) override {
    return target_.InsertBatch(kind, rows, ids);
  }
  Result<Row> Get(EntityKind kind, int64_t id) override { return target_.Get(kind, id); }
  Result<Row> FindBy(EntityKind kind, const std::string& field, const std::string& value) override {
    return target_.FindBy(kind, field, value);
  }
  Result<std::map<std::string, int64_t>> FindIdsBy(
      EntityKind kind, const std::string& field,
      const std::vector<std::string>& values) override {
    return target_.FindIdsBy(kind, field, values);
  }
  Result<std::vector<Row>> List(EntityKind kind, const ListQuery& query) override {
    return target_.List(kind, query);
  }
  Result<int64_t> Count(EntityKind kind, const ListQuery& query) override {
    return target_.Count(kind, query);
  }
  Status Update(EntityKind kind, Row* row) override { return target_.Update(kind, row); }
  Result<int64_t> Move(EntityKind kind, int64_t id, int64_t expected_version, int64_t new_parent_id,
                       const std::string& relationship, const std::string& actor) override {
    return target_.Move(kind, id, expected_version, new_parent_id, relationship, actor);
  }
  Result<std::vector<Membership>> MembershipHistory(EntityKind kind, int64_t id) override {
    return target_.MembershipHistory(kind, id);
  }
  Status Delete(EntityKind kind, int64_t id, int64_t expected_version) override {
    return target_.Delete(kind, id, expected_version);
  }
  Result<int64_t> AddTag(const TagAssignment& tag) override { return target_.AddTag(tag); }
  Result<std::vector<TagAssignment>> ListTags(int64_t person_id) override {
    return target_.ListTags(person_id);
  }
  Status UpdateTag(TagAssignment* tag) override { return target_.UpdateTag(tag); }
  Status DeleteTag(int64_t id, int64_t expected_version) override {
    return target_.DeleteTag(id, expected_version);
  }
  Status RecordObservation(const FieldObservation& obs) override {
    return target_.RecordObservation(obs);
  }
  Status RecordFirstObservations(const std::vector<FieldObservation>& obs) override {
    return target_.RecordFirstObservations(obs);
  }
  Status AppendHistory(const FieldObservation& obs) override { return target_.AppendHistory(obs); }
  Result<std::vector<FieldObservation>> Provenance(EntityKind kind, int64_t id) override {
    return target_.Provenance(kind, id);
  }
  Result<std::vector<FieldObservation>> History(EntityKind kind, int64_t id,
                                                const std::string& field) override {
    return target_.History(kind, id, field);
  }
  Result<int64_t> AddReview(const ReviewItem& item) override { return target_.AddReview(item); }
  Result<std::vector<ReviewItem>> ListReview(const std::string& status, int64_t after_id,
                                             int limit) override {
    return target_.ListReview(status, after_id, limit);
  }
  Result<ReviewItem> GetReview(int64_t id) override { return target_.GetReview(id); }
  Status ResolveReview(int64_t id, int64_t expected_version, const std::string& status,
                       const std::string& resolution, const std::string& actor) override {
    return target_.ResolveReview(id, expected_version, status, resolution, actor);
  }
  Result<std::vector<ReviewItem>> FindOpenReview(const std::string& kind, EntityKind entity,
                                                 int64_t entity_id, const std::string& field,
                                                 int64_t other_id) override {
    return target_.FindOpenReview(kind, entity, entity_id, field, other_id);
  }
  Status Scan(const ScanRequest& request,
              const std::function<Status(const ScanRow&)>& visit) override {
    return target_.Scan(request, visit);
  }
  Result<RegisterChanges> ChangesSince(const std::string& since, size_t limit) override {
    return target_.ChangesSince(since, limit);
  }

  // --- IngestLog ---
  Result<bool> PutSourceRecord(SourceRecord* record) override {
    return target_.PutSourceRecord(record);
  }
  Result<std::map<std::string, SourceRecord>> GetSourceRecords(
      const std::string& source, const std::vector<std::string>& record_keys) override {
    return target_.GetSourceRecords(source, record_keys);
  }
  Result<SourceRecord> GetSourceRecord(const std::string& source,
                                       const std::string& record_key) override {
    return target_.GetSourceRecord(source, record_key);
  }
  Result<std::vector<SourceRecord>> ListSourceRecords(int64_t person_id) override {
    return target_.ListSourceRecords(person_id);
  }
  Result<std::string> GetCursor(const std::string& source) override {
    return target_.GetCursor(source);
  }
  Status SetCursor(const std::string& source, const std::string& cursor) override {
    return target_.SetCursor(source, cursor);
  }
  Result<int64_t> AddImportRun(const ImportRun& run) override { return target_.AddImportRun(run); }
  Status UpdateImportRun(const ImportRun& run) override { return target_.UpdateImportRun(run); }
  Result<ImportRun> GetImportRun(int64_t id) override { return target_.GetImportRun(id); }
  Result<std::vector<ImportRun>> ListImportRuns(const std::string& source, int64_t after_id,
                                                int limit) override {
    return target_.ListImportRuns(source, after_id, limit);
  }
  Result<int64_t> MarkRunsInterrupted(const std::string& source) override {
    return target_.MarkRunsInterrupted(source);
  }
  Result<int64_t> AddQuarantine(const QuarantinedRow& row) override {
    return target_.AddQuarantine(row);
  }
  Result<std::vector<QuarantinedRow>> ListQuarantine(int64_t run_id, int64_t after_id,
                                                     int limit) override {
    return target_.ListQuarantine(run_id, after_id, limit);
  }
  Status PutSourceInfo(const SourceInfo& info) override { return target_.PutSourceInfo(info); }
  Result<SourceInfo> GetSourceInfo(const std::string& source) override {
    return target_.GetSourceInfo(source);
  }
  Status MergePersons(int64_t survivor, int64_t merged, const std::string& actor) override {
    return target_.MergePersons(survivor, merged, actor);
  }
  Result<int64_t> ResolvePersonId(int64_t id) override { return target_.ResolvePersonId(id); }
  Status KeepApart(int64_t a, int64_t b, const std::string& actor) override {
    return target_.KeepApart(a, b, actor);
  }
  Result<bool> KeptApart(int64_t a, int64_t b) override { return target_.KeptApart(a, b); }
  Result<LeaseClaim> AcquireLease(const std::string& name, const std::string& holder, int64_t now,
                                  int64_t ttl_seconds) override {
    return target_.AcquireLease(name, holder, now, ttl_seconds);
  }
  Status RenewLease(const std::string& name, const std::string& holder, int64_t now,
                    int64_t ttl_seconds) override {
    return target_.RenewLease(name, holder, now, ttl_seconds);
  }
  Status ReleaseLease(const std::string& name, const std::string& holder) override {
    return target_.ReleaseLease(name, holder);
  }
  Result<std::optional<Lease>> GetLease(const std::string& name) override {
    return target_.GetLease(name);
  }

  // --- AuthStore ---
  Result<int64_t> AddUser(const User& user) override { return target_.AddUser(user); }
  Result<User> GetUser(const std::string& name) override { return target_.GetUser(name); }
  Result<User> GetUserById(int64_t id) override { return target_.GetUserById(id); }
  Result<std::vector<User>> ListUsers() override { return target_.ListUsers(); }
  Status UpdateUser(User* user) override { return target_.UpdateUser(user); }
  Result<int64_t> AddSession(const AuthSession& session) override {
    return target_.AddSession(session);
  }
  Result<AuthSession> FindSession(const std::string& token_hash) override {
    return target_.FindSession(token_hash);
  }
  Status TouchSession(int64_t id, int64_t seen_at) override {
    return target_.TouchSession(id, seen_at);
  }
  Status DeleteSession(int64_t id) override { return target_.DeleteSession(id); }
  Result<int64_t> DeleteUserSessions(int64_t user_id) override {
    return target_.DeleteUserSessions(user_id);
  }
  Result<int64_t> PurgeSessions(int64_t now, int64_t idle_before) override {
    return target_.PurgeSessions(now, idle_before);
  }
  Result<LoginThrottle> GetLoginThrottle(const std::string& key) override {
    return target_.GetLoginThrottle(key);
  }
  Result<LoginThrottle> RecordLoginFailure(const std::string& key, int64_t now,
                                           int64_t window_seconds,
                                           const LoginDelay& delay) override {
    return target_.RecordLoginFailure(key, now, window_seconds, delay);
  }
  Status ClearLoginThrottle(const std::string& key) override {
    return target_.ClearLoginThrottle(key);
  }
  Result<int64_t> PruneLoginThrottle(int64_t now, int64_t window_seconds) override {
    return target_.PruneLoginThrottle(now, window_seconds);
  }
  Result<int64_t> AddApiToken(const ApiToken& token) override { return target_.AddApiToken(token); }
  Result<ApiToken> FindApiToken(const std::string& token_hash) override {
    return target_.FindApiToken(token_hash);
  }
  Result<std::vector<ApiToken>> ListApiTokens(int64_t user_id) override {
    return target_.ListApiTokens(user_id);
  }
  Status TouchApiToken(int64_t id, int64_t used_at) override {
    return target_.TouchApiToken(id, used_at);
  }
  Status RevokeApiToken(int64_t user_id, int64_t id, int64_t revoked_at) override {
    return target_.RevokeApiToken(user_id, id, revoked_at);
  }

  // --- AuditStore ---
  void SetAuditSealer(const AuditSealer* sealer) override { target_.SetAuditSealer(sealer); }
  Result<int64_t> ReencryptBatch(int batch) override { return target_.ReencryptBatch(batch); }
  Status ScrubFreedSpace() override { return target_.ScrubFreedSpace(); }
  Status CheckDataKeys() override { return target_.CheckDataKeys(); }
  Result<int64_t> AppendAudit(const AuditEntry& entry) override {
    return target_.AppendAudit(entry);
  }
  Result<AuditChainState> GetAuditChain() override { return target_.GetAuditChain(); }
  Result<std::vector<AuditEntry>> ListAuditChain(int64_t after_seq, int limit) override {
    return target_.ListAuditChain(after_seq, limit);
  }
  Result<std::vector<int64_t>> ListUnchainedAudit(int limit) override {
    return target_.ListUnchainedAudit(limit);
  }
  Result<int64_t> PurgeAudit(int64_t through_seq) override {
    return target_.PurgeAudit(through_seq);
  }
  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) override {
    return target_.ListAudit(query);
  }

  // --- TransferStore ---
  Result<int64_t> AddTransfer(const TransferRecord& transfer) override {
    return target_.AddTransfer(transfer);
  }
  Result<TransferRecord> GetTransfer(int64_t id) override { return target_.GetTransfer(id); }
  Result<std::vector<TransferRecord>> ListTransfers(const TransferQuery& query) override {
    return target_.ListTransfers(query);
  }
  Status DecideTransfer(TransferRecord* transfer) override {
    return target_.DecideTransfer(transfer);
  }

  // --- ProgressStore ---
  Status StartProgress(const ProgressRecord& record, int64_t forget_before_ms) override {
    return target_.StartProgress(record, forget_before_ms);
  }
  Result<bool> ReportProgress(const std::string& owner, const std::string& token, int64_t rows,
                              int64_t now_ms, int64_t ended_ms) override {
    return target_.ReportProgress(owner, token, rows, now_ms, ended_ms);
  }
  Result<std::optional<ProgressRecord>> GetProgress(const std::string& owner,
                                                    const std::string& token) override {
    return target_.GetProgress(owner, token);
  }
  Result<bool> CancelProgress(const std::string& owner, const std::string& token) override {
    return target_.CancelProgress(owner, token);
  }

  // --- RequestStore ---
  Result<int64_t> AddTableRequest(const TableRequestRecord& request) override {
    return target_.AddTableRequest(request);
  }
  Result<TableRequestRecord> GetTableRequest(int64_t id) override { return target_.GetTableRequest(id); }
  Result<std::vector<TableRequestRecord>> ListTableRequests(int64_t requester_id, int64_t before_id,
                                                      int limit) override {
    return target_.ListTableRequests(requester_id, before_id, limit);
  }
  Status UpdateTableRequest(TableRequestRecord* request) override {
    return target_.UpdateTableRequest(request);
  }

  // --- DeliveryLog ---
  Status AddDeliveryBatch(DeliveryBatch* batch) override {
    return target_.AddDeliveryBatch(batch);
  }
  Result<int64_t> LastDeliverySeq(const std::string& delivery) override {
    return target_.LastDeliverySeq(delivery);
  }
  Result<std::vector<DeliveryBatch>> ListDeliveryBatches(const std::string& delivery,
                                                         const std::string& status,
                                                         int64_t after_seq, int limit,
                                                         bool with_body) override {
    return target_.ListDeliveryBatches(delivery, status, after_seq, limit, with_body);
  }
  Result<int64_t> CountDeliveryBatches(const std::string& delivery, const std::string& status,
                                       int64_t* changes) override {
    return target_.CountDeliveryBatches(delivery, status, changes);
  }
  Status RecordDeliveryAttempt(int64_t batch_id, const std::string& status, int64_t attempts,
                               const std::string& last_status, int response_code) override {
    return target_.RecordDeliveryAttempt(batch_id, status, attempts, last_status, response_code);
  }
  Status AckDeliveryBatch(int64_t batch_id, int64_t attempts, const std::string& last_status,
                          int response_code, const std::vector<DeliveryKeyState>& upserts,
                          const std::vector<std::string>& delete_hashes) override {
    return target_.AckDeliveryBatch(batch_id, attempts, last_status, response_code, upserts,
                                    delete_hashes);
  }
  Result<int64_t> RetryDeliveryBatches(const std::string& delivery) override {
    return target_.RetryDeliveryBatches(delivery);
  }
  Status ScanDeliveryState(const std::string& delivery,
                           const std::function<Status(const DeliveryKeyState&)>& visit) override {
    return target_.ScanDeliveryState(delivery, visit);
  }
  Status ScanDeliveryStateFor(const std::string& delivery, const std::vector<int64_t>& row_ids,
                              const std::vector<std::string>& key_hashes,
                              const std::function<Status(const DeliveryKeyState&)>& visit) override {
    return target_.ScanDeliveryStateFor(delivery, row_ids, key_hashes, visit);
  }
  Result<int64_t> CountDeliveryStateWithoutRow(const std::string& delivery) override {
    return target_.CountDeliveryStateWithoutRow(delivery);
  }
  Result<DeliveryBasis> GetDeliveryBasis(const std::string& delivery) override {
    return target_.GetDeliveryBasis(delivery);
  }
  Status SetDeliveryBasis(const std::string& delivery, const DeliveryBasis& basis) override {
    return target_.SetDeliveryBasis(delivery, basis);
  }
  Result<DeliveryControl> GetDeliveryControl(const std::string& delivery) override {
    return target_.GetDeliveryControl(delivery);
  }
  Status SetDeliveryPaused(const std::string& delivery, bool paused) override {
    return target_.SetDeliveryPaused(delivery, paused);
  }
  Status RecordDeliveryRun(const std::string& delivery, int64_t run_at,
                           const std::string& error) override {
    return target_.RecordDeliveryRun(delivery, run_at, error);
  }

 private:
  Store& target_;
};

}  // namespace onetable

#endif  // ONETABLE_STORE_STORE_WRAPPER_H_
