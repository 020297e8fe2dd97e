// The account verb of the `onetable` command:
//   onetable user add NAME --role ROLE [--scope CODE ...] [--grant MAPPING_ID ...]
//                          [--display-name TEXT] [--password-stdin]
//   onetable user unlock [NAME] [--address ADDR]   clears the login wait of an account name and/or
//                          a client address (auth/login_throttle.h); audited as user_change
// --scope and --grant may repeat, or take several values each. The password is asked twice on
// the terminal with echo off; --password-stdin reads one line from standard input instead (for
// scripts). Name, role, scopes, grants and password follow http/user_rules.h (scope codes must
// exist in the register; grants must name mappings in the configured mappings directory when it
// holds any). The account is created and an audit record (user "cli", action user_change)
// written. Exit codes as cli/verbs.h: 0 created, 1 refused (exists, weak password, unknown
// scope...), 2 bad usage or store not initialised, 3 store unreachable.
#ifndef ONETABLE_CLI_USER_VERBS_H_
#define ONETABLE_CLI_USER_VERBS_H_

#include <string>
#include <vector>

#include "app/config.h"

namespace onetable {

int RunUser(const Config& config, const std::vector<std::string>& args);

}  // namespace onetable

#endif  // ONETABLE_CLI_USER_VERBS_H_
