// Every route `onetable serve` answers, registered in one place so that the server and the
// tests (the authorization matrix, the OpenAPI check) serve exactly the same set. The OpenAPI
// route is added last, documenting all the others.
//
// Thread-safety: call during setup, before the Router is handed to a Server.
#ifndef ONETABLE_HTTP_SERVICE_ROUTES_H_
#define ONETABLE_HTTP_SERVICE_ROUTES_H_

#include <string>

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

// Registers the API (needs service.auth and service.metrics), then the web UI's static files
// from `web_dir` unless it is "" (tests), then /metrics and /api/v1/openapi.json. `service`
// must outlive the router.
Status RegisterServiceRoutes(Router* router, const ServiceContext& service,
                             const std::string& web_dir);

}  // namespace onetable

#endif  // ONETABLE_HTTP_SERVICE_ROUTES_H_
