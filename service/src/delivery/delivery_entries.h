// The delivery files of the configured `deliveries` directory (app/context.h AppSettings), as
// `onetable check`, `onetable deliver`, `serve` and the API see them.
//
// Thread-safety: functions over the filesystem; safe from any thread.
#ifndef ONETABLE_DELIVERY_DELIVERY_ENTRIES_H_
#define ONETABLE_DELIVERY_DELIVERY_ENTRIES_H_

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "delivery/delivery_spec.h"
#include "onetable/status.h"

namespace onetable {

// One delivery file: its spec, or why it does not load.
struct DeliveryEntry {
  std::string id;    // the spec's id, or the file's stem when it does not parse
  std::string path;  // the YAML file
  std::optional<DeliverySpec> spec;
  Status problem;  // why `spec` is empty, or why it does not fit its mapping
};

// Loads one file and holds it against its mapping (never fails: a bad file is an entry with its
// problem).
DeliveryEntry LoadDeliveryEntry(const std::string& path, const AppContext& app);

// Every *.yaml of the deliveries directory, sorted by id. A missing or unset directory is
// empty; an unreadable one is an error. Two files with one id: the second is a problem.
Result<std::vector<DeliveryEntry>> ListDeliveries(const AppContext& app);

// The entry with `id`; kNotFound (Chinese message) when there is none.
Result<DeliveryEntry> FindDelivery(const AppContext& app, const std::string& id);

// `onetable check`: one "file:line:col: message" line per problem; *checked counts the files.
std::vector<std::string> CheckDeliveries(const AppContext& app, int* checked);

}  // namespace onetable

#endif  // ONETABLE_DELIVERY_DELIVERY_ENTRIES_H_
