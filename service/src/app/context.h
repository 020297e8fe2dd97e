// AppContext: what the use cases (access/, audit/, auth/, register/, ingest/, mapping/) share for
// the life of a process — the catalog, the access policy (the one enforcement point), the
// division codes and the directories of onetable.yaml. `serve` builds one for every request
// (http/service_context.h extends it with what only HTTP needs); each CLI verb builds its own.
// The referenced objects must outlive the context.
//
// Thread-safety: immutable after setup; Catalog, AccessPolicy and Divisions are read-only.
#ifndef ONETABLE_APP_CONTEXT_H_
#define ONETABLE_APP_CONTEXT_H_

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "access/access.h"
#include "model/catalog.h"
#include "onetable/status.h"

namespace onetable {

class Divisions;  // model/divisions.h
class Store;      // store/store.h

// Opens a new connection to the configured store (one per thread: store/store.h).
using StoreFactory = std::function<Result<std::unique_ptr<Store>>()>;

// The directories of onetable.yaml (app/config.h) that use cases read at run time.
struct AppSettings {
  std::string schema_dir;      // fields.yaml, codes/, divisions/
  std::string mappings_dir;    // mappings/*.yaml (department tables)
  std::string connectors_dir;  // connector YAML files
  std::string plugins_dir;     // connector plugins (.so); "" for the built-in default
  std::string deliveries_dir;  // delivery YAML files (service/src/delivery/); "" for none
  // onetable.yaml's review_fields: the deployment's default for connectors that name none
  // (ingest/connector_spec.h); unset: the built-in default. `review_fields_where`: its
  // file:line:col, for messages.
  std::optional<std::set<std::string>> review_fields;
  std::string review_fields_where;
};

struct AppContext {
  const Catalog& catalog;
  const AccessPolicy& policy;
  AppSettings settings;
  const Divisions* divisions = nullptr;  // may be null (division codes then unchecked)
};

}  // namespace onetable

#endif  // ONETABLE_APP_CONTEXT_H_
