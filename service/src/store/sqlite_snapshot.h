// A consistent copy of a live SQLite database through SQLite's online backup API
// (sqlite3_backup_*): readers and writers of the source go on while it runs; the copy is one
// snapshot (the API restarts when the source changes mid-copy, and we copy in one step).
//
// Thread-safety: a plain function; opens its own connections.
#ifndef ONETABLE_STORE_SQLITE_SNAPSHOT_H_
#define ONETABLE_STORE_SQLITE_SNAPSHOT_H_

#include <string>

#include "onetable/status.h"

namespace onetable {

// Copies the database at `source` into a new file `dest` (created mode 0600, must not exist).
// kUnavailable when the source cannot be opened or stays busy; messages name the files.
Status SnapshotSqlite(const std::string& source, const std::string& dest);

}  // namespace onetable

#endif  // ONETABLE_STORE_SQLITE_SNAPSHOT_H_
