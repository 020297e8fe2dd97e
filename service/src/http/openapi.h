// The OpenAPI 3.0 document of the service, generated from the Router's own routes and their
// RouteDoc (summary, query parameters, body, public or not), so it lists exactly what is served.
// Path parameters come from the pattern ({id}, and names ending in "_id", are integers). Every
// operation answers the API's error shape as its default response; protected ones name the two
// ways to authenticate (bearer token, session cookie).
//
// Thread-safety: pure functions; the route's handler serves a string built once.
#ifndef ONETABLE_HTTP_OPENAPI_H_
#define ONETABLE_HTTP_OPENAPI_H_

#include <string>
#include <vector>

#include "http/router.h"
#include "onetable/status.h"

namespace onetable {

// The document for `routes` as JSON.
std::string OpenApiDocument(const std::vector<Router::RouteInfo>& routes);

// Adds GET /api/v1/openapi.json (public), serving the document of every route added so far plus
// itself. Call it after all other routes are registered.
Status RegisterOpenApiRoute(Router* router);

}  // namespace onetable

#endif  // ONETABLE_HTTP_OPENAPI_H_
