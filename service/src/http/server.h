// Server: serves a Router over HTTP/1.1 with Poco's HTTPServer and a fixed pool of worker threads.
//
// Each request is read into an HttpRequest (body capped at max_body_bytes: more is a 413 error
// body), given a request id (sent back as X-Request-Id), routed, and given a Store checked out
// from the server's pool for the duration of the handler. With an Authenticator, a route not
// marked public (RouteDoc::is_public) first needs a caller: a request without valid credentials
// gets 401 before its handler runs, and the caller is passed to the handler as
// RequestContext::principal. Every 401 and 403 answer is then written to the audit log (action
// "denied") unless the handler already audited it (HttpResponse::audited), and so is a 404 to a
// scope-limited caller on a route naming a row (access.h: out of scope looks like missing). A
// streamed body (HttpResponse::stream) is written while the request still holds its store. A Store
// is one connection used by one thread at a time, so the pool opens stores lazily through the
// factory, at most one per worker thread, and hands each to one request at a time. A store whose
// request ended in 503 is dropped (its connection may be dead) and a fresh one is opened next time.
//
// Every request is logged to stderr as one English line: method, route (the matched pattern
// with numeric ids filled in, never the raw path or the query string, which may carry personal
// data), status, milliseconds, request id, user, and for 5xx the operator detail scrubbed of
// phone- and ID-number-shaped digits (audit.h). Tokens never appear.
//
// Lifecycle: Start once, Stop once (the destructor stops a running server). Stop is graceful:
// it stops accepting, lets requests in progress finish, closes idle keep-alive connections and
// waits for the worker threads.
//
// Thread-safety: Start and Stop from one controlling thread; Serve and port() from any thread.
#ifndef ONETABLE_HTTP_SERVER_H_
#define ONETABLE_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "app/context.h"
#include "http/router.h"
#include "onetable/status.h"

namespace onetable {

class Authenticator;  // http/auth.h
class Metrics;        // http/metrics.h
class Store;

struct ServerOptions {
  int threads = 8;                      // concurrent requests, and the most stores opened
  size_t max_body_bytes = 1024 * 1024;  // larger request bodies get 413
  int max_queued_connections = 128;     // accepted, waiting for a worker; more are refused
  int keep_alive_seconds = 10;          // idle time before a keep-alive connection is closed
  int socket_timeout_seconds = 30;      // a client stalled this long mid-request is dropped
  bool log_requests = true;             // the per-request line on stderr
  // Authenticates requests to non-public routes (see above); nullptr: no authentication (every
  // handler sees principal == nullptr). Must outlive the server.
  const Authenticator* authenticator = nullptr;
  // Counts every request by route pattern and status, with its latency; may be nullptr. Must
  // outlive the server.
  Metrics* metrics = nullptr;
};

// Opens one Store (one connection); called lazily by the server, from its worker threads.

class Server {
 public:
  Server(Router router, StoreFactory store_factory, ServerOptions options = {});
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  // Binds host:port (port 0: an ephemeral port, see port()) and starts serving. kUnavailable
  // when the address cannot be bound (message names it); kFailedPrecondition if already started.
  Status Start(const std::string& host, int port);
  // The bound port once started (the real one when 0 was asked); 0 before Start.
  int port() const;
  // Graceful stop (see above). Safe to call more than once or without Start.
  void Stop();

  // Handles one request as the socket layer does after reading it: request id, routing, store
  // checkout, authentication, handler, exceptions to 500, denial audit, metrics. Does not log.
  // For tests and embedding; needs no Start.
  HttpResponse Serve(const HttpRequest& request);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs `server` on host:port as a Poco ServerApplication until SIGINT, SIGQUIT or SIGTERM, then
// stops it gracefully (start, waitForTerminationRequest, stop). The signals are blocked in
// every server thread before any is created, so only the waiting thread receives them. Prints
// "listening on http://host:port" to stderr once serving. Returns a process exit code: 0 after a
// clean stop, 1 when Start failed (the reason is printed to stderr in Chinese). One call at a
// time per process (Poco allows one Application instance).
int RunServerUntilTerminated(Server& server, const std::string& host, int port);

}  // namespace onetable

#endif  // ONETABLE_HTTP_SERVER_H_
