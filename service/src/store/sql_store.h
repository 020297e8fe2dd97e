// SqlStore: the one Store implementation, over a SqlConnection driver (SQLite or MySQL). The SQL
// it sends is portable; entity columns come from the catalog (one column per stored field), and
// every identifier that reaches SQL text is a catalog key or a fixed table name, never input.
//
// Thread-safety: as Store (one connection, one thread at a time).
#ifndef ONETABLE_STORE_SQL_STORE_H_
#define ONETABLE_STORE_SQL_STORE_H_

#include <array>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "crypto/field_cipher.h"
#include "store/sql_connection.h"
#include "store/store.h"

namespace onetable {

// The audit appends of one process waiting to be committed together to one database (keyed by
// its connection target and the sealer that chains them): see SqlStore::AppendAudit.
struct AuditGroupQueue {
  static constexpr size_t kMaxGroup = 64;
  struct Item {
    const AuditEntry* entry;
    Result<int64_t> result = Status::Internal("审计记录尚未写入");
    bool done = false;
  };
  static AuditGroupQueue& For(const std::string& target, const AuditSealer* sealer);

  std::mutex mu;
  std::condition_variable changed;  // a flush ended
  std::deque<Item*> waiting;
  bool flushing = false;
};

class SqlStore : public Store {
 public:
  // `catalog` must outlive the store.
  SqlStore(std::unique_ptr<SqlConnection> db, const Catalog& catalog);

  std::string Dialect() const override { return db_->Dialect(); }
  // Encryption at rest (crypto/encrypted_fields.h): null stores values in clear. `cipher` must
  // outlive the store. OpenStore sets the process cipher (crypto/process_cipher.h).
  void SetFieldCipher(const FieldCipher* cipher) { cipher_ = cipher; }
  const FieldCipher* field_cipher() const { return cipher_; }
  Result<int64_t> ReencryptBatch(int batch) override;
  Status ScrubFreedSpace() override;
  Status CheckDataKeys() override;
  Result<int> SchemaVersion() override;
  Status Migrate() override;
  Status InTransaction(const std::function<Status()>& fn) override;

  Result<int64_t> Insert(EntityKind kind, const Row& row) override;
  Status InsertBatch(EntityKind kind, const std::vector<Row>& rows,
                     std::vector<int64_t>* ids) override;
  Result<Row> Get(EntityKind kind, int64_t id) override;
  Result<Row> FindBy(EntityKind kind, const std::string& field, const std::string& value) override;
  Result<std::map<std::string, int64_t>> FindIdsBy(
      EntityKind kind, const std::string& field, const std::vector<std::string>& values) override;
  Result<std::vector<Row>> List(EntityKind kind, const ListQuery& query) override;
  Result<int64_t> Count(EntityKind kind, const ListQuery& query) override;
  Status Update(EntityKind kind, Row* row) override;
  Result<int64_t> Move(EntityKind kind, int64_t id, int64_t expected_version,
                       int64_t new_parent_id, const std::string& relationship,
                       const std::string& actor) override;
  Result<std::vector<Membership>> MembershipHistory(EntityKind kind, int64_t id) override;
  Status Delete(EntityKind kind, int64_t id, int64_t expected_version) override;

  Result<int64_t> AddTag(const TagAssignment& tag) override;
  Result<std::vector<TagAssignment>> ListTags(int64_t person_id) override;
  Status UpdateTag(TagAssignment* tag) override;
  Status DeleteTag(int64_t id, int64_t expected_version) override;

  Status RecordObservation(const FieldObservation& obs) override;
  Status RecordFirstObservations(const std::vector<FieldObservation>& obs) override;
  Result<std::vector<FieldObservation>> Provenance(EntityKind kind, int64_t id) override;
  Result<std::vector<FieldObservation>> History(EntityKind kind, int64_t id,
                                                const std::string& field) override;

  Result<bool> PutSourceRecord(SourceRecord* record) override;
  Result<SourceRecord> GetSourceRecord(const std::string& source,
                                       const std::string& record_key) override;
  Result<std::map<std::string, SourceRecord>> GetSourceRecords(
      const std::string& source, const std::vector<std::string>& record_keys) override;
  Result<std::string> GetCursor(const std::string& source) override;
  Status SetCursor(const std::string& source, const std::string& cursor) override;

  Result<int64_t> AddReview(const ReviewItem& item) override;
  Result<std::vector<ReviewItem>> ListReview(const std::string& status, int64_t after_id,
                                             int limit) override;
  Result<ReviewItem> GetReview(int64_t id) override;
  Status ResolveReview(int64_t id, int64_t expected_version, const std::string& status,
                       const std::string& resolution, const std::string& actor) override;

  Result<int64_t> AddImportRun(const ImportRun& run) override;
  Status UpdateImportRun(const ImportRun& run) override;
  Result<ImportRun> GetImportRun(int64_t id) override;
  Result<std::vector<ImportRun>> ListImportRuns(const std::string& source, int64_t after_id,
                                                int limit) override;
  Result<int64_t> MarkRunsInterrupted(const std::string& source) override;
  Result<int64_t> AddQuarantine(const QuarantinedRow& row) override;
  Result<std::vector<QuarantinedRow>> ListQuarantine(int64_t run_id, int64_t after_id,
                                                     int limit) override;
  Status PutSourceInfo(const SourceInfo& info) override;
  Result<SourceInfo> GetSourceInfo(const std::string& source) override;
  Status AppendHistory(const FieldObservation& obs) override;
  Result<std::vector<SourceRecord>> ListSourceRecords(int64_t person_id) override;
  Result<std::vector<ReviewItem>> FindOpenReview(const std::string& kind, EntityKind entity,
                                                 int64_t entity_id, const std::string& field,
                                                 int64_t other_id) override;
  Status MergePersons(int64_t survivor, int64_t merged, const std::string& actor) override;
  Result<int64_t> ResolvePersonId(int64_t id) override;
  Status KeepApart(int64_t a, int64_t b, const std::string& actor) override;
  Result<bool> KeptApart(int64_t a, int64_t b) override;

  // --- run leases (sql_store_lease.cc) ---
  Result<LeaseClaim> AcquireLease(const std::string& name, const std::string& holder, int64_t now,
                                  int64_t ttl_seconds) override;
  Status RenewLease(const std::string& name, const std::string& holder, int64_t now,
                    int64_t ttl_seconds) override;
  Status ReleaseLease(const std::string& name, const std::string& holder) override;
  Result<std::optional<Lease>> GetLease(const std::string& name) override;

  // --- deliveries (sql_store_delivery.cc) ---
  Status AddDeliveryBatch(DeliveryBatch* batch) override;
  Result<int64_t> LastDeliverySeq(const std::string& delivery) override;
  Result<std::vector<DeliveryBatch>> ListDeliveryBatches(const std::string& delivery,
                                                         const std::string& status,
                                                         int64_t after_seq, int limit,
                                                         bool with_body) override;
  Result<int64_t> CountDeliveryBatches(const std::string& delivery, const std::string& status,
                                       int64_t* changes) override;
  Status RecordDeliveryAttempt(int64_t batch_id, const std::string& status, int64_t attempts,
                               const std::string& last_status, int response_code) override;
  Status AckDeliveryBatch(int64_t batch_id, int64_t attempts, const std::string& last_status,
                          int response_code, const std::vector<DeliveryKeyState>& upserts,
                          const std::vector<std::string>& delete_hashes) override;
  Result<int64_t> RetryDeliveryBatches(const std::string& delivery) override;
  Status ScanDeliveryState(const std::string& delivery,
                           const std::function<Status(const DeliveryKeyState&)>& visit) override;
  Status ScanDeliveryStateFor(const std::string& delivery, const std::vector<int64_t>& row_ids,
                              const std::vector<std::string>& key_hashes,
                              const std::function<Status(const DeliveryKeyState&)>& visit) override;
  Result<int64_t> CountDeliveryStateWithoutRow(const std::string& delivery) override;
  Result<DeliveryBasis> GetDeliveryBasis(const std::string& delivery) override;
  Status SetDeliveryBasis(const std::string& delivery, const DeliveryBasis& basis) override;
  Result<DeliveryControl> GetDeliveryControl(const std::string& delivery) override;
  Status SetDeliveryPaused(const std::string& delivery, bool paused) override;
  Status RecordDeliveryRun(const std::string& delivery, int64_t run_at,
                           const std::string& error) override;

  Result<int64_t> AddUser(const User& user) override;
  Result<User> GetUser(const std::string& name) override;
  Result<std::vector<User>> ListUsers() override;
  Status UpdateUser(User* user) override;

  // --- audit log (sql_store_audit.cc) ---
  void SetAuditSealer(const AuditSealer* sealer) override { sealer_ = sealer; }
  Result<int64_t> AppendAudit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) override;
  Result<AuditChainState> GetAuditChain() override;
  Result<std::vector<AuditEntry>> ListAuditChain(int64_t after_seq, int limit) override;
  Result<std::vector<int64_t>> ListUnchainedAudit(int limit) override;
  Result<int64_t> PurgeAudit(int64_t through_seq) override;

  // --- transfer requests (sql_store_transfers.cc) ---
  Result<int64_t> AddTransfer(const TransferRecord& transfer) override;
  Result<TransferRecord> GetTransfer(int64_t id) override;
  Result<std::vector<TransferRecord>> ListTransfers(const TransferQuery& query) override;
  Status DecideTransfer(TransferRecord* transfer) override;

  // --- table-download progress (sql_store_progress.cc) ---
  Status StartProgress(const ProgressRecord& record, int64_t forget_before_ms) override;
  Result<bool> ReportProgress(const std::string& owner, const std::string& token, int64_t rows,
                              int64_t now_ms, int64_t ended_ms) override;
  Result<std::optional<ProgressRecord>> GetProgress(const std::string& owner,
                                                    const std::string& token) override;
  Result<bool> CancelProgress(const std::string& owner, const std::string& token) override;

  // --- table requests (sql_store_requests.cc) ---
  Result<int64_t> AddTableRequest(const TableRequestRecord& request) override;
  Result<TableRequestRecord> GetTableRequest(int64_t id) override;
  Result<std::vector<TableRequestRecord>> ListTableRequests(int64_t requester_id, int64_t before_id,
                                                      int limit) override;
  Status UpdateTableRequest(TableRequestRecord* request) override;

  // --- table generation (see service/src/mapping/; sql_store_scan.cc) ------------------------
  Status Scan(const ScanRequest& request,
              const std::function<Status(const ScanRow&)>& visit) override;
  Result<RegisterChanges> ChangesSince(const std::string& since, size_t limit) override;

  // --- auth (sql_store_auth.cc) ---
  Result<User> GetUserById(int64_t id) override;
  Result<int64_t> AddSession(const AuthSession& session) override;
  Result<AuthSession> FindSession(const std::string& token_hash) override;
  Status TouchSession(int64_t id, int64_t seen_at) override;
  Status DeleteSession(int64_t id) override;
  Result<int64_t> DeleteUserSessions(int64_t user_id) override;
  Result<int64_t> PurgeSessions(int64_t now, int64_t idle_before) override;
  Result<LoginThrottle> GetLoginThrottle(const std::string& key) override;
  Result<LoginThrottle> RecordLoginFailure(const std::string& key, int64_t now,
                                           int64_t window_seconds,
                                           const LoginDelay& delay) override;
  Status ClearLoginThrottle(const std::string& key) override;
  Result<int64_t> PruneLoginThrottle(int64_t now, int64_t window_seconds) override;
  Result<int64_t> AddApiToken(const ApiToken& token) override;
  Result<ApiToken> FindApiToken(const std::string& token_hash) override;
  Result<std::vector<ApiToken>> ListApiTokens(int64_t user_id) override;
  Status TouchApiToken(int64_t id, int64_t used_at) override;
  Status RevokeApiToken(int64_t user_id, int64_t id, int64_t revoked_at) override;

 private:
  struct Table {
    std::string name;
    std::vector<const FieldDef*> fields;  // stored catalog fields = columns after the fixed four
    std::string select_list;              // "id, parent_id, version, status, f1, ..."
    std::vector<bool> encrypted;          // per field: IsEncryptedField
    std::vector<const FieldDef*> indexed;  // fields with a blind index column, in field order
    std::set<std::string, std::less<>> sealed;  // keys of the encrypted fields (SealsField)
  };

  // --- encryption at rest (sql_store_crypto.cc) ---
  // `v` as stored: its envelope when a cipher is set, else `v`.
  Result<std::string> Seal(const std::string& v) const;
  // A provenance or history row (field, value, source, …) with its value opened.
  // source_record.record_key as stored: a source's key is often the ID number, so with a cipher
  // it is kept as its blind index "bidx:<hex>" (looked up by equality only).
  std::string StoredRecordKey(const std::string& source, const std::string& key) const;
  Result<int64_t> BlindRecordKeys(int batch);
  Result<int64_t> ReencryptEntities(EntityKind kind, int batch);
  // One column of a table whose rows are sealed whole; `filter` an extra SQL condition.
  Result<int64_t> ReencryptColumn(const std::string& table, const std::vector<std::string>& key,
                                  const std::string& column, const std::string& filter,
                                  int batch);
  Result<FieldObservation> ReadObservation(SqlStatement* s, EntityKind kind, int64_t id);
  // Binds `row`'s fields (sealed where encrypted) then its blind indexes from index *i on.
  Status BindFields(const Table& t, const Row& row, SqlStatement* s, int* i) const;
  Result<std::vector<std::pair<std::string, std::string>>> EqualitiesOf(EntityKind kind,
                                                                        const ListQuery& q) const;
  // A stored value read back: an envelope decrypted, clear text as it is. An envelope without a
  // cipher is kFailedPrecondition (encryption switched off on an encrypted store).
  Result<std::string> Unseal(std::string v) const;
  Result<std::optional<std::string>> Unseal(std::optional<std::string> v) const;
  // Whether `field` of `kind` is stored encrypted by this store (a cipher is set).
  bool SealsField(EntityKind kind, const std::string& field) const;
  // The stored form of a value of `field` where it is copied (provenance, history, field_change).
  Result<std::string> SealFieldValue(EntityKind kind, const std::string& field,
                                     const std::string& v) const;
  // The SQL condition and bound value of `field = value` on table `t` (its blind index when
  // the field is encrypted); kInvalidArgument for an encrypted field without one.
  Status EqualityOn(EntityKind kind, const std::string& field, const std::string& value,
                    std::string* column, std::string* bound) const;

  const Table& TableOf(EntityKind kind) const { return tables_[static_cast<size_t>(kind)]; }
  // A prepared statement for `sql`, cached for the life of the store; bindings reset.
  Result<SqlStatement*> Stmt(const std::string& sql);
  // Batch reads bind at most this many values in one IN (...) list, padded to InListSize(n)
  // (the next power of two) so that few statement texts are cached.
  static constexpr size_t kMaxInList = 512;
  static size_t InListSize(size_t n) {
    size_t size = 1;
    while (size < n) size *= 2;
    return size;
  }
  Result<Row> ReadRow(EntityKind kind, SqlStatement* stmt);
  Status CheckFields(EntityKind kind, const std::map<std::string, std::string>& values) const;
  Status CheckColumns();
  // After a compare-and-set touched no row: kNotFound or kConflict with the current version.
  Status StaleOrMissing(const std::string& table, const std::string& what, int64_t id);
  Status RewriteConstraintError(EntityKind kind, const Status& st) const;
  Status OpenMembership(EntityKind kind, int64_t id, int64_t parent_id,
                        const std::string& relationship, const std::string& actor);
  // Keeps the value a change of `field` (or "status") replaced, for reading the register as of
  // a past date (field_change, migration 0012).
  Status RecordChange(EntityKind kind, int64_t id, const std::string& field,
                      const std::optional<std::string>& old_value, const std::string& at);
  Result<std::vector<std::string>> ReadStrings(const std::string& sql, int64_t id);
  Status WriteUserLists(const User& user);
  Result<std::vector<ImportRun>> ReadImportRuns(SqlStatement* s);
  Status OutsideTransaction(const char* what) const;
  // For a scan as of `at`: the person fields (and "status") replaced since, into `changed`;
  // returns whether any person changed household since (sql_store_scan.cc).
  Result<bool> ReadScanHistory(const std::string& at, std::set<std::string>* changed);
  Status InsertDeliveryControl(const std::string& delivery);
  // Appends a register_change row (0017) in the caller's transaction.
  Status RecordRegisterChange(const char* entity, int64_t id);
  // The same for the person of tag `tag_id` (nothing when there is no such tag).
  Status RecordTagChange(int64_t tag_id);
  Result<std::vector<AuditEntry>> ReadAudit(SqlStatement* s);
  // One attempt at appending `entries`, chained in order, in one transaction (or the
  // caller's); their ids into `ids`.
  Status AppendAuditGroup(const std::vector<const AuditEntry*>& entries,
                          std::vector<int64_t>* ids);
  // The same, tried again while it loses to another appender.
  Status AppendAuditGroupRetrying(const std::vector<const AuditEntry*>& entries,
                                  std::vector<int64_t>* ids);
  // Appends a group taken off the queue and gives each item its result.
  void FlushAuditGroup(const std::vector<AuditGroupQueue::Item*>& group);
  Status SetChainMark(const char* name, int64_t seq, const std::string& mac);

  std::unique_ptr<SqlConnection> db_;
  const Catalog& catalog_;
  std::array<Table, 7> tables_;
  std::map<std::string, std::unique_ptr<SqlStatement>> cache_;
  int tx_depth_ = 0;
  bool tx_failed_ = false;
  const AuditSealer* sealer_ = nullptr;
  const FieldCipher* cipher_ = nullptr;
};

// "YYYY-MM-DD HH:MM:SS" in UTC: now, and of a Unix time.
std::string NowUtc();
std::string UtcTimestamp(int64_t unix_seconds);

}  // namespace onetable

#endif  // ONETABLE_STORE_SQL_STORE_H_
