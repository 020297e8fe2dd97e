// The `onetable` command's verbs. Each takes the loaded configuration and the verb's own
// arguments and returns a process exit code:
//   0 done, 1 invalid input (a bad catalog, a failed migration...), 2 bad usage or config,
//   3 the store cannot be reached.
// Messages for people go to stderr in Chinese; results go to stdout.
#ifndef ONETABLE_CLI_VERBS_H_
#define ONETABLE_CLI_VERBS_H_

#include <string>
#include <vector>

#include "cli/config.h"

namespace onetable {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnavailable = 3;

int RunInit(const Config& config, const std::vector<std::string>& args);
int RunCheck(const Config& config, const std::vector<std::string>& args);
int RunServe(const Config& config, const std::vector<std::string>& args);

// Dispatches argv (after the program name) to a verb; handles --config, --store, --help.
int RunCommandLine(const std::vector<std::string>& argv);

}  // namespace onetable

#endif  // ONETABLE_CLI_VERBS_H_
