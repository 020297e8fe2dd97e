// FaultyStore: a Store for tests that forwards to a real one (StoreWrapper) and makes chosen
// calls fail the way a database does, so tests can see what callers do then:
//   FailWrite   the Nth mutating call (any method that writes: Insert, SetCursor, AppendAudit,
//               AcquireLease, ...; or only calls of one named method) answers a given Status
//               without reaching the database;
//   Deadlock    the same with kAborted, as MySQL answers the victim of a deadlock;
//   FailCommit  the Nth outermost InTransaction runs fn on the target inside the target's
//               transaction, then rolls it back and answers the given Status: to the caller
//               the commit failed and nothing is stored.
// As in SqlStore, a transaction in which a fault was answered rolls back even when the caller
// swallowed the error. Each fault fires once; arm several for several. Reads are never failed.
//
// Thread-safety: as the target (one thread at a time). The target must outlive the wrapper.
#ifndef ONETABLE_TESTS_FAKES_FAULTY_STORE_H_
#define ONETABLE_TESTS_FAKES_FAULTY_STORE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "store/store_wrapper.h"

namespace onetable::testing {

class FaultyStore : public StoreWrapper {
 public:
  explicit FaultyStore(Store& target) : StoreWrapper(target) {}

  // Arms a fault for the nth write from now (1: the next one), counting only calls of `method`
  // when it is not empty.
  void FailWrite(int64_t nth, Status status, const std::string& method = "");
  void Deadlock(int64_t nth, const std::string& method = "");
  // Arms a failed commit for the nth outermost transaction from now.
  void FailCommit(int64_t nth, Status status);

  // Writes seen (answered faults included), all of them or of one method.
  int64_t writes(const std::string& method = "") const;
  // Outermost transactions begun through this wrapper.
  int64_t transactions() const { return transactions_; }
  // Faults answered so far (writes and commits).
  int64_t faults() const { return faults_; }

  Status InTransaction(const std::function<Status()>& fn) override;

  Result<int64_t> Insert(EntityKind kind, const Row& row) override;
  Status InsertBatch(EntityKind kind, const std::vector<Row>& rows,
                     std::vector<int64_t>* ids) override;
  Status Update(EntityKind kind, Row* row) override;
  Result<int64_t> Move(EntityKind kind, int64_t id, int64_t expected_version, int64_t new_parent_id,
                       const std::string& relationship, const std::string& actor) override;
  Status Delete(EntityKind kind, int64_t id, int64_t expected_version) override;
  Result<int64_t> AddTag(const TagAssignment& tag) override;
  Status UpdateTag(TagAssignment* tag) override;
  Status DeleteTag(int64_t id, int64_t expected_version) override;
  Status RecordObservation(const FieldObservation& obs) override;
  Status AppendHistory(const FieldObservation& obs) override;
  Result<int64_t> AddReview(const ReviewItem& item) override;
  Status ResolveReview(int64_t id, int64_t expected_version, const std::string& status,
                       const std::string& resolution, const std::string& actor) override;
  Result<bool> PutSourceRecord(SourceRecord* record) override;
  Status SetCursor(const std::string& source, const std::string& cursor) override;
  Result<int64_t> AddImportRun(const ImportRun& run) override;
  Status UpdateImportRun(const ImportRun& run) override;
  Result<int64_t> MarkRunsInterrupted(const std::string& source) override;
  Result<int64_t> AddQuarantine(const QuarantinedRow& row) override;
  Status PutSourceInfo(const SourceInfo& info) override;
  Status MergePersons(int64_t survivor, int64_t merged, const std::string& actor) override;
  Status KeepApart(int64_t a, int64_t b, const std::string& actor) override;
  Result<LeaseClaim> AcquireLease(const std::string& name, const std::string& holder, int64_t now,
                                  int64_t ttl_seconds) override;
  Status RenewLease(const std::string& name, const std::string& holder, int64_t now,
                    int64_t ttl_seconds) override;
  Status ReleaseLease(const std::string& name, const std::string& holder) override;
  Result<int64_t> AddUser(const User& user) override;
  Status UpdateUser(User* user) override;
  Result<int64_t> AddSession(const AuthSession& session) override;
  Status TouchSession(int64_t id, int64_t seen_at) override;
  Status DeleteSession(int64_t id) override;
  Result<int64_t> DeleteUserSessions(int64_t user_id) override;
  Result<int64_t> PurgeSessions(int64_t now, int64_t idle_before) override;
  Result<LoginThrottle> RecordLoginFailure(const std::string& key, int64_t now,
                                           int64_t window_seconds,
                                           const LoginDelay& delay) override;
  Status ClearLoginThrottle(const std::string& user_name) override;
  Result<int64_t> AddApiToken(const ApiToken& token) override;
  Status TouchApiToken(int64_t id, int64_t used_at) override;
  Status RevokeApiToken(int64_t user_id, int64_t id, int64_t revoked_at) override;
  Result<int64_t> AppendAudit(const AuditEntry& entry) override;
  Result<int64_t> AddTableRequest(const TableRequestRecord& request) override;
  Status UpdateTableRequest(TableRequestRecord* request) override;
  Result<int64_t> PurgeAudit(int64_t through_seq) override;

 private:
  struct Fault {
    std::string method;  // "" any write
    int64_t at = 0;      // fires on the write whose count (of `method`) reaches this
    Status status;
  };
  // Counts a write of `method`; the armed fault's Status when one fires, OK otherwise.
  Status Write(const char* method);

  std::map<std::string, int64_t> calls_;
  int64_t all_writes_ = 0;
  std::vector<Fault> write_faults_;
  std::vector<std::pair<int64_t, Status>> commit_faults_;  // at transaction count, status
  int64_t transactions_ = 0;
  int64_t faults_ = 0;
  int depth_ = 0;
  Status failed_in_tx_;  // a fault answered inside the current outermost transaction
};

}  // namespace onetable::testing

#endif  // ONETABLE_TESTS_FAKES_FAULTY_STORE_H_
