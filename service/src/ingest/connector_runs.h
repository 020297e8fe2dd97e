// Connector runs as a use case: the connector files of the configured directory, and running
// one — the one way for `onetable import`, `onetable sync` and POST /api/v1/connectors/{id}/run.
// A run loads the connector's spec and plugin and runs it through the runtime (ingest/runtime.h,
// whose run lease keeps one run per source across processes and instances), then audits it as
// connector_run on object "connector/<id>": result ok, or failed with what went wrong ("not
// started: invalid_spec|plugin|busy|unavailable|store" when nothing ran), from the terminal and
// the API alike.
//
// Thread-safety: functions over the Store given (one thread); RunConnector may run on a
// background thread with a Store of its own.
#ifndef ONETABLE_INGEST_CONNECTOR_RUNS_H_
#define ONETABLE_INGEST_CONNECTOR_RUNS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "audit/audit_log.h"
#include "ingest/connector_spec.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

// One connector file: its spec, or why it does not load.
struct ConnectorEntry {
  std::string id;    // the spec's id, or the file's stem when the file does not parse
  std::string path;  // the YAML file
  std::optional<ConnectorSpec> spec;
  Status problem;  // why `spec` is empty: kInvalidArgument with file:line:col lines
};

// Loads one connector file (never fails: a bad file is an entry with its problem).
ConnectorEntry LoadConnectorEntry(const std::string& path, const Catalog& catalog);

// Every *.yaml of app.settings.connectors_dir, sorted by id. A missing directory is empty; an
// unreadable one is an error.
Result<std::vector<ConnectorEntry>> ListConnectors(const AppContext& app);

// The entry with `id` in the directory; kNotFound (Chinese message) when there is none.
Result<ConnectorEntry> FindConnector(const AppContext& app, const std::string& id);

struct ConnectorRunOptions {
  size_t batch_size = 0;   // 0: the spec's
  std::string plugin_dir;  // "": app.settings.plugins_dir, else the built-in default
  // After each committed batch (the first call means the run exists in the store: run.id).
  std::function<void(const ImportRun& run)> on_batch;
  std::function<bool()> cancelled;  // see ImportOptions::cancelled
  std::function<void(int64_t done, int64_t total)> on_progress;
};

struct ConnectorRunOutcome {
  // OK, or why the run failed or did not start: kInvalidArgument (bad spec or options: the
  // message has file:line:col lines), kUnavailable (the source cannot be reached), kBusy
  // (another run holds the source's lease), kAborted, or the store's error.
  Status status;
  // The run as far as it was committed; run.id == 0 when nothing was written.
  ImportRun run;
  std::vector<std::string> warnings;  // e.g. mapped columns the source never had
};

// Runs `entry` against `store` as `actor` and audits it (see above). A connector that names no
// review_fields takes app.settings.review_fields when the deployment sets them (an unknown
// field there: kInvalidArgument naming onetable.yaml's line, nothing run).
ConnectorRunOutcome RunConnector(Store& store, const AppContext& app, const Actor& actor,
                                 const ConnectorEntry& entry, const ConnectorRunOptions& options);

}  // namespace onetable

#endif  // ONETABLE_INGEST_CONNECTOR_RUNS_H_
