// The HTTP layer's plain data and its routing, independent of sockets: a handler is a function
// from a RequestContext to an HttpResponse, so handlers and routing are tested by building an
// HttpRequest by hand. server.h adapts Poco's HTTP server to this.
//
// This file is also the ONE place that turns a Status into an HTTP response (StatusToHttp). The
// table, and the stable "code" strings clients may match on:
//
//   StatusCode           HTTP  code                 message sent
//   kInvalidArgument     400   invalid_argument     Status::message()
//   kUnauthenticated     401   unauthenticated      Status::message()  (no/expired credentials;
//                                                   with WWW-Authenticate: Bearer)
//   kPermissionDenied    403   permission_denied    Status::message()
//   kNotFound            404   not_found            Status::message()
//   kAlreadyExists       409   already_exists       Status::message()
//   kFailedPrecondition  409   failed_precondition  Status::message()
//   kConflict            412   conflict             Status::message()  (stale version, If-Match)
//   kAborted             409   aborted              Status::message()  (lost a deadlock even
//                                                   after the handler's retries; try again)
//   kInternal            500   internal             服务器内部错误 (detail only in the log)
//   kUnavailable         503   unavailable          服务暂时不可用 (detail only in the log)
//   kOk                  200   (no body is made; StatusToHttp is for errors)
//
// Why these: 409 for "the state of the register forbids this" (a taken unique key, a missing
// parent, children still present), 412 for a lost compare-and-set because the API will expose
// versions as ETag/If-Match (DESIGN.md §11: stale → 412). 5xx messages are generic because the
// underlying text may name hosts, SQL or files; the detail goes to the request's log line.
// Status messages of 4xx codes are written for users (Chinese, naming the field) and are sent as
// they are. Routing adds its own: 404 not_found 未找到该地址, 405 method_not_allowed (with an
// Allow header); the server adds 413 payload_too_large and 400 for an unparsable URI.
//
// Thread-safety: Router is immutable after setup (Add), then safe to use from many threads.
// Handlers are called concurrently and must not share mutable state without locking.
#ifndef ONETABLE_HTTP_ROUTER_H_
#define ONETABLE_HTTP_ROUTER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/json_writer.h"
#include "onetable/status.h"

namespace onetable {

class Store;
struct Principal;  // http/access.h

struct HttpRequest {
  std::string method;                          // upper case: GET, POST, ...
  std::string path;                            // percent-decoded, without the query string
  std::map<std::string, std::string> query;    // percent-decoded; the first of repeated keys
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_addr;  // peer IP address, without port
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers;
  // Not sent: appended to this request's log line, for operators (the cause of a 5xx). Never
  // holds personal values.
  std::string log_note;
  // Not sent: the handler wrote this request's audit record itself, so the server adds no
  // "denied" record for a 401/403 (login failures are audited as logins).
  bool audited = false;
  // When set, the body is written by this function instead of taken from `body`: a large table
  // goes to the client as it is generated rather than held in memory. The server calls it after
  // the handler returns, while the request's store is still checked out and the RequestContext
  // still valid, with a stream that holds the first bytes back (server.h): a failure before
  // they are sent still becomes an ordinary error answer; a failure later cuts the connection,
  // so the client sees an incomplete download rather than a short file that looks whole.
  std::function<Status(std::ostream& out)> stream;
};

// Runs response.stream into `out`; an exception it throws becomes kInternal.
Status RunStream(const HttpResponse& response, std::ostream& out);

// The answer for a stream that failed before any of it was sent (keeps `audited`).
HttpResponse StreamFailed(const HttpResponse& streamed, const Status& status);

// Runs response.stream (if any) into response.body: for callers without a socket (tests,
// Router::Handle). A failing stream becomes its error answer.
HttpResponse MaterializeStream(HttpResponse response);

// Values of the {name} segments of the matched pattern.
using PathParams = std::map<std::string, std::string>;

// Everything a handler may use for one request; all borrowed for the duration of the call.
struct RequestContext {
  const HttpRequest& request;
  const PathParams& params;
  // A store checked out for this request (Server). nullptr when the caller has none (routing
  // tests); handlers that need a store answer 500 then.
  Store* store = nullptr;
  // The authenticated caller (server.h), nullptr on public routes and when the server runs
  // without an Authenticator. Handlers of protected routes go through Caller()/Authorize()
  // (service_context.h), which answer 401 when it is missing.
  const Principal* principal = nullptr;
  // This request's id (also sent as X-Request-Id and written to its audit records); "" outside
  // a Server.
  std::string_view request_id;
  // The matched route pattern ("/api/v1/users/{name}"), for audit objects and metrics.
  std::string_view route;
};

// One documented parameter of a route, for the OpenAPI document.
struct ParamDoc {
  ParamDoc() = default;
  ParamDoc(std::string name, std::string type, std::string description, bool required = false)
      : name(std::move(name)),
        type(std::move(type)),
        description(std::move(description)),
        required(required) {}

  std::string name;
  std::string type = "string";  // OpenAPI schema type: string | integer | boolean
  std::string description;
  bool required = false;
};

// What a route says about itself besides its handler: whether it needs a signed-in caller, and
// its entry in the OpenAPI document (openapi.h builds the document from these, so it always
// lists exactly the routes served).
struct RouteDoc {
  RouteDoc() = default;
  explicit RouteDoc(std::string summary, std::vector<ParamDoc> query = {}, std::string body = "")
      : summary(std::move(summary)), query(std::move(query)), body(std::move(body)) {}

  std::string summary;          // one line for the OpenAPI document
  bool is_public = false;       // served without authentication (login, health, docs, UI files)
  bool passive = false;         // not session activity: the idle timer keeps running (GET /me)
  std::vector<ParamDoc> query;  // query parameters
  std::string body;             // what the JSON request body holds; "" when there is none
};

using Handler = std::function<HttpResponse(const RequestContext&)>;

// A 200 response with a JSON body.
HttpResponse JsonResponse(std::string body);
// An error response in the API's error shape (see json_writer.h).
HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message,
                           const std::vector<ErrorDetail>& details = {});
// The error response for a non-OK Status, by the table at the top of this file.
HttpResponse StatusToHttp(const Status& status, const std::vector<ErrorDetail>& details = {});
// The HTTP status and error code for a StatusCode (the same table).
int HttpStatusFor(StatusCode code);
const char* ErrorCodeFor(StatusCode code);

// Request parsing shared by handlers. Failures are kInvalidArgument with a Chinese message that
// names the parameter, ready for StatusToHttp.
//
// The path parameter `name` as a positive integer id (decimal digits only, at most 18).
Result<int64_t> IdParam(const PathParams& params, const std::string& name);
// The query parameter `name` as a decimal integer in [min, max]; `fallback` when absent.
// Present but empty, signed, non-numeric or out of range is an error.
Result<int64_t> IntQueryParam(const HttpRequest& request, const std::string& name, int64_t fallback,
                              int64_t min, int64_t max);

class Router {
 public:
  Router() = default;
  Router(Router&&) = default;
  Router& operator=(Router&&) = default;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Routes `method` requests for paths matching `pattern` to `handler`. A pattern is absolute,
  // made of literal segments and {name} segments that match one non-empty segment
  // ("/api/v1/grids/{id}/buildings"). Where two patterns match a path, the one whose first
  // differing segment is literal wins ("/grids/search" before "/grids/{id}").
  // kInvalidArgument for a malformed pattern or a (method, pattern) already routed.
  // Without a RouteDoc the route is protected (not public) and undocumented beyond its path.
  Status Add(const std::string& method, const std::string& pattern, Handler handler);
  Status Add(const std::string& method, const std::string& pattern, RouteDoc doc, Handler handler);

  struct Match {
    const Handler* handler = nullptr;      // nullptr: no route; `error` is the 404 or 405 to send
    const RouteDoc* doc = nullptr;         // with handler: the route's doc
    const std::string* pattern = nullptr;  // with handler: the route's pattern
    PathParams params;
    HttpResponse error;
  };

  // Every route, in the order added (for the OpenAPI document and its test).
  struct RouteInfo {
    std::string method;
    std::string pattern;
    RouteDoc doc;
  };
  std::vector<RouteInfo> Routes() const;
  // The route for `method` and `path`. The returned handler points into this Router.
  Match Find(const std::string& method, const std::string& path) const;

  // Find, then call the handler (see CallHandler). For tests and for callers without a server.
  HttpResponse Handle(const HttpRequest& request, Store* store) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" kept as written
    RouteDoc doc;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// Calls `handler`; an exception escaping it becomes a 500 error response (the exception text
// goes to log_note, not to the client).
HttpResponse CallHandler(const Handler& handler, const RequestContext& context);

}  // namespace onetable

#endif  // ONETABLE_HTTP_ROUTER_H_
