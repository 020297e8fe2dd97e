// Durability guard: whether a MySQL/MariaDB server keeps every commit it acknowledged.
//
// A production register must not lose a change the service answered 200 for. On MySQL and
// MariaDB that takes three settings: innodb_flush_log_at_trx_commit = 1 (the redo log is flushed
// at each commit, not once a second), sync_binlog = 1 where the binary log is on (a replica or a
// point-in-time restore sees what the primary acknowledged), and on a Galera cluster
// wsrep_sync_wait with its read bit (1) set, so a read on one node sees what another node
// committed: several instances behind a load balancer, each on its own node, must see a session
// or a version another instance has just written. `init` and `serve` refuse a server without
// them unless the configuration says the store is throwaway (the tests' ops/mariadb and
// ops/galera). SQLite is always run with synchronous=FULL and needs no check; neither does TiDB,
// whose storage layer syncs and replicates each commit (its InnoDB variables are for show).
//
// Thread-safety: pure functions, and one that opens its own connection.
#ifndef ONETABLE_STORE_DURABILITY_H_
#define ONETABLE_STORE_DURABILITY_H_

#include <map>
#include <string>
#include <vector>

#include "onetable/status.h"

namespace onetable {

// The server variables the guard reads (SHOW GLOBAL VARIABLES), lower-case names.
extern const char* const kDurabilityVariables[];

// One line (Simplified Chinese) per unsafe setting among `variables` (name → value as the server
// prints it); empty when all is well. A variable the server does not have (MySQL has no wsrep_*)
// counts as off.
std::vector<std::string> DurabilityProblems(const std::map<std::string, std::string>& variables);

// Connects to the MySQL store at `url` and checks its server: OK, or kFailedPrecondition with
// every problem and how to fix it (or how to say the store is throwaway); the connection's own
// errors (kUnavailable when unreachable). OK for a sqlite: URL and for a TiDB server.
Status CheckStoreDurability(const std::string& url);

}  // namespace onetable

#endif  // ONETABLE_STORE_DURABILITY_H_
