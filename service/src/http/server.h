// Server: serves a Router over HTTP/1.1 with a fixed pool of worker threads. Connections wait in
// a ConnectionGate (http/connection_gate.h) until a whole request head has arrived, so slow or
// idle clients hold no worker; the gate enforces the header deadline, the keep-alive idle time,
// the per-address and total connection caps and the bounded queue (503 with Retry-After). Poco's
// HTTPServerSession parses each request. A body must arrive within body_timeout_seconds (408).
//
// Every response carries X-Content-Type-Options: nosniff, and every response under /api/ carries
// Cache-Control: no-store (it may hold personal data or a token).
//
// Each request is read into an HttpRequest (body capped at max_body_bytes: more is a 413 error
// body), given a request id (sent back as X-Request-Id), routed, and given a Store checked out
// from the server's pool for the duration of the handler. With an Authenticator, a route not
// marked public (RouteDoc::is_public) first needs a caller: a request without valid credentials
// gets 401 before its handler runs, and the caller is passed to the handler as
// RequestContext::principal. Every 401, 403 and 429 answer is then written to the audit log
// (action "denied") unless the handler already audited it (HttpResponse::audited), and so is a
// 404 to a scope-limited caller on a route naming a row (access.h: out of scope looks like
// missing); repeated denials of one client address are merged into one record with a count
// (http/denial_audit.h). A state-changing request carried by the session cookie must pass the
// CSRF rules of http/session_cookie.h first (else 403). A
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
#include <vector>

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
  int max_queued_connections = 128;     // complete requests waiting for a worker; more get 503
  int keep_alive_seconds = 10;          // idle time before a keep-alive connection is closed
  int socket_timeout_seconds = 30;      // a client stalled this long mid-request is dropped
  int header_timeout_seconds = 10;      // a request head must arrive whole within this; else 408
  int body_timeout_seconds = 30;        // a request body must arrive whole within this; else 408
  int max_connections = 1024;           // open connections in all; more are answered 503
  int max_connections_per_address = 256;  // from one client address (not a trusted proxy)
  int retry_after_seconds = 2;           // the Retry-After of a 503 for a full server
  // Peer addresses (exact IPs) of reverse proxies: only from them is X-Forwarded-For believed,
  // and they have no per-address connection cap. The client address of a request from one is
  // the rightmost X-Forwarded-For entry that is not itself a trusted proxy.
  std::vector<std::string> trusted_proxies;
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
  // Connections open now (connection_gate.h); 0 when not started.
  int open_connections() const;

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
