// AuditStore: the audit log, append-only and tamper-evident. The store has no update or delete of
// a record; instead of triggers (which whoever holds the database can drop, and which TiDB does
// not have) every record is sealed into a keyed hash chain (schema/sql/*/0009_audit_chain.sql):
// AppendAudit gives it the next gap-free sequence number and the MAC its AuditSealer computes
// over the record and the previous record's MAC, and moves the chain head — all in one
// transaction that first locks the head row, so concurrent writers (threads, processes, several
// service instances on one MySQL) append one after another. audit/audit_chain.h verifies it.
// One of the interfaces Store is made of (store/store.h, which lists the status codes).
//
// Thread-safety: one connection; use it from one thread at a time.
#ifndef ONETABLE_STORE_AUDIT_STORE_H_
#define ONETABLE_STORE_AUDIT_STORE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "onetable/status.h"

namespace onetable {

struct AuditEntry {
  int64_t id = 0;
  std::string at;  // UTC timestamp; filled by the store when empty
  std::string user;
  std::string role;
  std::string source_addr;
  std::string action;  // login, write, download, run, ...
  std::string object;  // e.g. "person/42"
  std::string result;  // ok, denied, failed, ...
  std::string request_id;
  std::string detail;  // never personal values
  int64_t seq = 0;     // position in the chain; 0 for a record written before the chain (legacy)
  std::string mac;     // lower-case hex MAC; "" when unsealed
};

// Computes the keyed MACs of the chain (audit/audit_chain.h: HMAC-SM3 with a key from a file
// outside the store). Thread-safe: const methods, no state but the key.
class AuditSealer {
 public:
  virtual ~AuditSealer() = default;
  // The MAC of `entry` (seq and at filled; id and mac ignored) chained to `prev_mac`.
  virtual std::string SealEntry(const AuditEntry& entry, std::string_view prev_mac) const = 0;
  // The seal of a chain mark ("head" or "anchor") standing at `seq` with `mac`.
  virtual std::string SealMark(std::string_view name, int64_t seq, std::string_view mac) const = 0;
};

// A row of audit_chain: the head (last record) or the anchor (where the chain starts: 0 and ""
// until a retention purge moves it to the last purged record).
struct AuditChainMark {
  int64_t seq = 0;
  std::string mac;
  std::string seal;  // "" when never sealed (a fresh store)
};

struct AuditChainState {
  AuditChainMark head;
  AuditChainMark anchor;
};

struct AuditQuery {
  std::string user;
  std::string action;
  std::string since;  // inclusive, UTC timestamp
  std::string until;  // exclusive, UTC timestamp
  int64_t after_id = 0;
  int limit = 100;
  // Newest first (the audit page): ids below `before_id` (0: from the newest), descending.
  bool newest_first = false;
  int64_t before_id = 0;
  // Exact match ("request/7"); "" any. Last, so that positional initializers of the fields
  // above keep their meaning.
  std::string object;
};

class AuditStore {
 public:
  AuditStore() = default;
  AuditStore(const AuditStore&) = delete;
  AuditStore& operator=(const AuditStore&) = delete;
  virtual ~AuditStore() = default;

  // The sealer AppendAudit and PurgeAudit use; nullptr (the default) appends unsealed records,
  // which `onetable audit verify` reports (the service and every verb set one). `sealer` must
  // outlive the store.
  virtual void SetAuditSealer(const AuditSealer* sealer) = 0;

  // Appends one entry (fills `at` when empty) as the next record of the chain; returns its id.
  // There is no update or delete.
  virtual Result<int64_t> AppendAudit(const AuditEntry& entry) = 0;
  // Entries matching `query`, id > query.after_id, oldest first.
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) = 0;

  // The head and anchor of the chain.
  virtual Result<AuditChainState> GetAuditChain() = 0;
  // Records with seq > after_seq, by seq, at most `limit`.
  virtual Result<std::vector<AuditEntry>> ListAuditChain(int64_t after_seq, int limit) = 0;
  // Ids of records without a seq written after the chain began (legacy rows are older than the
  // first sealed record): such a row did not come through AppendAudit. At most `limit`.
  virtual Result<std::vector<int64_t>> ListUnchainedAudit(int limit) = 0;
  // Retention: in one transaction, removes the records with seq <= through_seq (and legacy
  // records older than them) and moves the anchor to record through_seq, sealed. Needs a sealer
  // (kFailedPrecondition without); kInvalidArgument unless anchor < through_seq <= head.
  // Returns how many records were removed.
  virtual Result<int64_t> PurgeAudit(int64_t through_seq) = 0;
};

}  // namespace onetable

#endif  // ONETABLE_STORE_AUDIT_STORE_H_
