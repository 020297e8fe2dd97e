// Backup and restore of a whole store (`onetable backup FILE`, `onetable restore FILE`).
//
// Backup reads one consistent snapshot — SQLite: a copy made with the online backup API
// (store/sqlite_snapshot.h) into a private 0700 directory beside the store, removed afterwards;
// MySQL: one START TRANSACTION WITH CONSISTENT SNAPSHOT (REPEATABLE READ) transaction reading
// every table — and writes it as a portable dump (backup/store_dump.h) into an encrypted,
// checksummed file (backup/backup_file.h). A dump of either store restores into either.
//
// Restore checks the whole file first (key, checksum), migrates the target, refuses a target
// that holds any data, then loads every row in one transaction: it either commits all of it or
// leaves the target as empty as it found it.
//
// Thread-safety: plain functions; each opens its own connections.
#ifndef ONETABLE_BACKUP_BACKUP_H_
#define ONETABLE_BACKUP_BACKUP_H_

#include <string>

#include "backup/store_dump.h"
#include "onetable/status.h"

namespace onetable {

// The algorithm word of a backup key file (crypto/key_file.h).
inline constexpr char kBackupKeyAlgorithm[] = "sm4-hmac-sm3";

// Writes the backup of `store_url` to `file` under `key` (32 bytes).
Result<DumpSummary> BackupStore(const std::string& store_url, const std::string& file,
                                const std::string& key);

// Restores `file` into `store_url`. Errors: the file's (wrong key, damaged, truncated, not a
// backup) as kInvalidArgument; kFailedPrecondition when the target is not empty (naming the
// tables) or its schema version differs from the backup's; the store's own otherwise.
Result<DumpSummary> RestoreStore(const std::string& store_url, const std::string& file,
                                 const std::string& key);

}  // namespace onetable

#endif  // ONETABLE_BACKUP_BACKUP_H_
