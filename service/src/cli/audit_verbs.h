// The audit verbs of the `onetable` command, for the auditor at the server (the operator):
//   onetable audit verify        walks the hash chain with the key (audit/audit_chain.h); prints
//                                "审计日志完整…" and exits 0, or one line per finding and exits 1
//   onetable audit export [--since 日期] [--until 日期] [-o 文件]
//                                JSON Lines (audit/audit_export.h) to the file or stdout
//   onetable audit purge --before 日期 -o 存档文件
//                                retention: writes the records older than the date to the archive
//                                first, then removes them and moves the chain's anchor (sealed);
//                                refuses a date within audit_retention_days (>= 180) of today
// Dates are UTC, "2026-05-01" or "2026-05-01T08:00:00Z". Exports and purges are themselves
// audited (actions audit_export, audit_purge). Exit codes as cli/verbs.h.
#ifndef ONETABLE_CLI_AUDIT_VERBS_H_
#define ONETABLE_CLI_AUDIT_VERBS_H_

#include <string>
#include <vector>

#include "app/config.h"

namespace onetable {

int RunAudit(const Config& config, const std::vector<std::string>& args);

}  // namespace onetable

#endif  // ONETABLE_CLI_AUDIT_VERBS_H_
