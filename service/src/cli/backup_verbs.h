// The data-protection verbs of the `onetable` command, for the operator at the server:
//   onetable backup FILE          a consistent, encrypted (SM4) and checksummed (HMAC-SM3) copy
//                                 of the whole store (backup/backup.h); the backup key file
//                                 (config backup_key_file) is made (0600) on first use
//   onetable restore FILE         into an empty store (the configured one): refuses a wrong key,
//                                 a damaged or truncated file and a store that holds data;
//                                 then checks the audit chain with the configured audit key
//   onetable purge [--dry-run] [--days N]
//                                 retention (retention/retention.h): clears raw rows older than
//                                 retention_days (or N); --dry-run only counts them
// Each is audited (actions backup, restore, retention_purge). Exit codes as cli/verbs.h.
#ifndef ONETABLE_CLI_BACKUP_VERBS_H_
#define ONETABLE_CLI_BACKUP_VERBS_H_

#include <string>
#include <vector>

#include "app/config.h"

namespace onetable {

int RunBackup(const Config& config, const std::vector<std::string>& args);
int RunRestore(const Config& config, const std::vector<std::string>& args);
int RunPurge(const Config& config, const std::vector<std::string>& args);

}  // namespace onetable

#endif  // ONETABLE_CLI_BACKUP_VERBS_H_
