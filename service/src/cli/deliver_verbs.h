// The delivery verb of the `onetable` command:
//   onetable deliver ID          run one delivery now (due or not)
//   onetable deliver             run every scheduled delivery that is due
//   onetable deliver --list      each delivery's state (paused, last success, pending, refused)
//   onetable deliver --pause ID | --resume ID | --retry ID   (retry: refused batches go again)
// One JSON line per run on stdout ({"delivery", "status", "batches", "resent", "upserts",
// "deletes", "rows", "attempts"[, "error"]}); messages for people on stderr, in Chinese.
// Exit codes: 0 done, 1 a batch was refused by the target (or another failure), 2 bad config
// (delivery YAML, target, account; or paused), 3 target unreachable after the retries (or the
// store), 4 another run holds the delivery's lease. Without an id the worst of the runs.
#ifndef ONETABLE_CLI_DELIVER_VERBS_H_
#define ONETABLE_CLI_DELIVER_VERBS_H_

#include <ostream>
#include <string>
#include <vector>

#include "app/config.h"
#include "model/catalog.h"

namespace onetable {

int RunDeliver(const Config& config, const std::vector<std::string>& args);

// The delivery half of `onetable check`: problem lines to `out`; returns how many.
int CheckDeliveryDir(const Config& config, const Catalog& catalog, std::ostream& out, int* checked);

}  // namespace onetable

#endif  // ONETABLE_CLI_DELIVER_VERBS_H_
