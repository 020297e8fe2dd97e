// The ingest verbs of the `onetable` command:
//   onetable import CONNECTOR.yaml [--plugins DIR] [--batch N]   run one connector now
//   onetable sync [--plugins DIR] [--batch N]       every *.yaml in the configured connectors dir
// Progress goes to stderr as a bar, only when stdout is a terminal. The LAST line of stdout is
// one JSON object: the run report ({"source", "status", "run_id", "read", "new", "updated",
// "unchanged", "linked", "review", "rejected"[, "error"]}); for sync, one such line per
// connector followed by a total with "source": "sync".
// Exit codes: 0 done (even with rejected rows), 1 failed otherwise (e.g. the store), 2 bad
// config (connector YAML, unknown plugin, store not initialised), 3 source unreachable.
// The plugin directory is --plugins, else $ONETABLE_PLUGIN_DIR, else the build's.
#ifndef ONETABLE_CLI_IMPORT_VERBS_H_
#define ONETABLE_CLI_IMPORT_VERBS_H_

#include <string>
#include <vector>

#include "app/config.h"

namespace onetable {

int RunImport(const Config& config, const std::vector<std::string>& args);
int RunSync(const Config& config, const std::vector<std::string>& args);

}  // namespace onetable

#endif  // ONETABLE_CLI_IMPORT_VERBS_H_
