// The `onetable` command's verbs. Each takes the loaded configuration and the verb's own
// arguments and returns a process exit code (app/exit_codes.h). Messages for people go to
// stderr in Chinese; results go to stdout. `serve` belongs to the HTTP adapter (http/serve.h):
// the process entry (main.cc) passes it in, so the CLI does not depend on HTTP.
#ifndef ONETABLE_CLI_VERBS_H_
#define ONETABLE_CLI_VERBS_H_

#include <functional>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/exit_codes.h"

namespace onetable {

int RunInit(const Config& config, const std::vector<std::string>& args);
int RunCheck(const Config& config, const std::vector<std::string>& args);

// A verb: the configuration and the verb's arguments in, an exit code out.
using Verb = std::function<int(const Config& config, const std::vector<std::string>& args)>;

// Dispatches argv (after the program name) to a verb; handles --config, --store, --help.
// `serve` runs the `serve` verb.
int RunCommandLine(const std::vector<std::string>& argv, const Verb& serve);

}  // namespace onetable

#endif  // ONETABLE_CLI_VERBS_H_
