// ServiceContext: what every route handler shares for the life of `onetable serve` — the
// catalog, the access policy (the one enforcement point), the authenticator, metrics and the
// directories the service reads. `serve` (cli/verbs.cc) builds one and passes it to each
// Register*Routes(Router*, const ServiceContext&); handlers capture a pointer to it, so it must
// outlive the Server.
//
// Caller() and Authorize() are how a protected handler starts:
//
//   Result<const Principal*> who = Authorize(service, ctx, Permission::kReadRegister);
//   if (!who.ok()) return StatusToHttp(who.status());   // 401 or 403
//   Status st = service.policy.RequireRow(**who, *ctx.store, EntityKind::kPerson, id);  // 404
//
// Thread-safety: immutable after setup; the pointed-to objects are thread-safe (AccessPolicy
// and Authenticator are stateless over the Store passed in; Metrics locks).
#ifndef ONETABLE_HTTP_SERVICE_CONTEXT_H_
#define ONETABLE_HTTP_SERVICE_CONTEXT_H_

#include <string>

#include "http/access.h"
#include "http/router.h"
#include "model/catalog.h"
#include "onetable/status.h"

namespace onetable {

class Authenticator;  // http/auth.h
class Divisions;      // model/divisions.h
class Metrics;        // http/metrics.h

// The directories of onetable.yaml (cli/config.h) the service reads at request time.
struct ServiceSettings {
  std::string schema_dir;      // fields.yaml, codes/, divisions/
  std::string mappings_dir;    // mappings/*.yaml (department tables)
  std::string connectors_dir;  // connector YAML files
  std::string plugins_dir;     // connector plugins (.so); "" for the built-in default
};

struct ServiceContext {
  const Catalog& catalog;
  const AccessPolicy& policy;
  ServiceSettings settings;
  const Divisions* divisions = nullptr;  // may be null (division codes then unchecked)
  Authenticator* auth = nullptr;         // login, sessions, API tokens; null: auth routes absent
  Metrics* metrics = nullptr;            // may be null (no /metrics)
};

// The authenticated caller of this request, or kUnauthenticated (401, "请先登录") when none.
Result<const Principal*> Caller(const RequestContext& ctx);

// Caller(), then service.policy.Require(permission): 401 without a caller, 403 (message naming
// what is missing) when the role lacks the permission.
Result<const Principal*> Authorize(const ServiceContext& service, const RequestContext& ctx,
                                   Permission permission);

}  // namespace onetable

#endif  // ONETABLE_HTTP_SERVICE_CONTEXT_H_
