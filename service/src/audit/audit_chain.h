// Verifying the audit log's hash chain (store/audit_store.h, audit/audit_key.h): what
// `onetable audit verify` and GET /api/v1/audit/verify report. A record removed, altered,
// inserted behind the service's back or cut off the end, and a chain head or anchor moved
// without the key, each show up as a problem naming the record (seq and id). What cannot be
// told from the store alone: the whole chain replaced by an older copy of itself; compare the
// head with the one of the last export (`onetable audit export` prints it).
//
// Thread-safety: a plain function over the store given (one thread).
#ifndef ONETABLE_AUDIT_AUDIT_CHAIN_H_
#define ONETABLE_AUDIT_AUDIT_CHAIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "onetable/status.h"
#include "store/audit_store.h"

namespace onetable {

struct AuditVerifyReport {
  int64_t records = 0;     // chained records checked
  int64_t first_seq = 0;   // the anchor + 1
  int64_t head_seq = 0;
  std::string head_mac;
  std::vector<std::string> problems;  // Chinese, one per finding; empty when intact
  bool ok() const { return problems.empty(); }
};

// Walks the whole chain. Store errors are returned; findings go into the report.
Result<AuditVerifyReport> VerifyAuditChain(AuditStore& store, const AuditSealer& key);

}  // namespace onetable

#endif  // ONETABLE_AUDIT_AUDIT_CHAIN_H_
