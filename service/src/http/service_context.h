// ServiceContext: what every route handler shares for the life of `onetable serve` — the
// application context (app/context.h: catalog, access policy, directories) plus what only HTTP
// needs: the authenticator and metrics. `serve` (http/serve.cc) builds one and passes it to each
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
#include <utility>

#include "access/access.h"
#include "app/context.h"
#include "store/audit_store.h"
#include "http/router.h"
#include "model/catalog.h"
#include "onetable/status.h"

namespace onetable {

class Authenticator;   // auth/authenticator.h
class BackgroundJobs;  // app/background_jobs.h
class Metrics;         // http/metrics.h

// The HTTP service's context: the use cases' context, plus the authenticator and metrics.
struct ServiceContext : AppContext {
  ServiceContext(const Catalog& catalog, const AccessPolicy& policy, AppSettings settings = {},
                 const Divisions* divisions = nullptr, Authenticator* auth = nullptr,
                 Metrics* metrics = nullptr)
      : AppContext{catalog, policy, std::move(settings), divisions}, auth(auth), metrics(metrics) {}
  Authenticator* auth = nullptr;  // login, sessions, API tokens; null: auth routes absent
  Metrics* metrics = nullptr;     // may be null (no /metrics)
  // Work that outlives its request (connector runs), each with a store of its own. Routes that
  // start such work answer 503 without them.
  BackgroundJobs* jobs = nullptr;
  StoreFactory open_store;
  // The audit key (audit/audit_key.h), for GET /api/v1/audit/verify; null: that route answers 503.
  const AuditSealer* audit_key = nullptr;
};

// The authenticated caller of this request, or kUnauthenticated (401, "请先登录") when none.
Result<const Principal*> Caller(const RequestContext& ctx);

// Caller(), then service.policy.Require(permission): 401 without a caller, 403 (message naming
// what is missing) when the role lacks the permission.
Result<const Principal*> Authorize(const ServiceContext& service, const RequestContext& ctx,
                                   Permission permission);

}  // namespace onetable

#endif  // ONETABLE_HTTP_SERVICE_CONTEXT_H_
