// AuditStore: the audit log, append-only (the schema refuses updates and deletes of its rows,
// schema/sql/*/0004_audit_append_only.sql). One of the interfaces Store is made of
// (store/store.h, which lists the status codes).
//
// Thread-safety: one connection; use it from one thread at a time.
#ifndef ONETABLE_STORE_AUDIT_STORE_H_
#define ONETABLE_STORE_AUDIT_STORE_H_

#include <cstdint>
#include <string>
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
};

struct AuditQuery {
  std::string user;
  std::string action;
  std::string since;  // inclusive, UTC timestamp
  int64_t after_id = 0;
  int limit = 100;
};

class AuditStore {
 public:
  AuditStore() = default;
  AuditStore(const AuditStore&) = delete;
  AuditStore& operator=(const AuditStore&) = delete;
  virtual ~AuditStore() = default;

  // Appends one entry (fills `at` when empty); returns its id. There is no update or delete.
  virtual Result<int64_t> AppendAudit(const AuditEntry& entry) = 0;
  // Entries matching `query`, id > query.after_id, oldest first.
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) = 0;
};

}  // namespace onetable

#endif  // ONETABLE_STORE_AUDIT_STORE_H_
