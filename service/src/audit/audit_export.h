// Exporting the audit log for the auditor: JSON Lines (one record an object per line, in chain
// order, with its seq and MAC so the copy can be checked against the key later), then one line
// {"chain": {"head_seq", "head_mac", "anchor_seq"}} — the head to compare with the next export.
// `onetable audit export`, `onetable audit purge` (the archive it writes first) and
// GET /api/v1/audit/export write the same lines.
//
// Thread-safety: plain functions over the store given (one thread).
#ifndef ONETABLE_AUDIT_AUDIT_EXPORT_H_
#define ONETABLE_AUDIT_AUDIT_EXPORT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "onetable/status.h"
#include "store/audit_store.h"

namespace onetable {

// "2026-05-01", "2026-05-01T08:00:00Z" or "2026-05-01 08:00:00" (UTC) as the store's
// "2026-05-01 08:00:00" (which orders as text); kInvalidArgument naming `name` otherwise.
Result<std::string> AuditTimeOf(const std::string& text, const std::string& name);

// One record as a JSON line (with its "\n").
std::string AuditJsonLine(const AuditEntry& entry);

// Writes every record with since <= at < until ("" for open ends; store time
// "YYYY-MM-DD HH:MM:SS") and, when through_seq > 0, seq <= through_seq, then the chain line, to
// `out` (which returns false to stop: the export then fails). Returns how many records.
Result<int64_t> ExportAudit(AuditStore& store, const std::string& since, const std::string& until,
                            int64_t through_seq, const std::function<bool(const std::string&)>& out);

}  // namespace onetable

#endif  // ONETABLE_AUDIT_AUDIT_EXPORT_H_
