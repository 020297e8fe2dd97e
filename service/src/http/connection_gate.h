// ConnectionGate: owns the listening socket and every connection that is not being served, and
// hands a connection to a worker thread only once a whole request head has arrived.
//
// Poco's TCPServer gives each connection a worker thread for as long as it is open, so a few
// clients trickling header bytes, or idle keep-alive connections, hold every worker (issue 16,
// H1). Here one poll() thread holds the waiting connections instead:
//   - a new connection must deliver its whole request head (up to the blank line) within
//     header_seconds of being accepted; an idle keep-alive connection is closed after
//     keep_alive_seconds without a byte, and once its next request starts that head, too, must
//     be complete within header_seconds;
//   - a head longer than max_header_bytes is answered 431 and the connection closed;
//   - a connection whose head is complete joins a queue of at most max_queued; when the queue is
//     full it is answered 503 with Retry-After, as is a connection beyond max_connections open
//     in all or max_per_address from one client address (addresses in `exempt`, the trusted
//     proxies, have no per-address cap). A refused client always gets that answer, never an
//     empty reply: the gate shuts its side down and reads what the client still sends until it
//     closes (at most linger_seconds), so the answer is not lost to a reset.
// Workers take connections from the queue and call `serve` with the socket; serve answers one
// request and says whether the connection may be kept alive, and if so it comes back to the
// gate to wait for its next request.
//
// Lifecycle: Start once, Stop once. Stop closes the listening socket and every waiting
// connection, lets the workers answer what is queued or in progress (serve is told to close the
// connection after), and joins all threads.
//
// Thread-safety: Start and Stop from one controlling thread; `serve` is called concurrently
// from the workers.
#ifndef ONETABLE_HTTP_CONNECTION_GATE_H_
#define ONETABLE_HTTP_CONNECTION_GATE_H_

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "onetable/status.h"

namespace onetable {

struct GateOptions {
  int workers = 8;
  int max_queued = 128;
  int max_connections = 1024;
  int max_per_address = 256;
  int header_seconds = 10;
  int keep_alive_seconds = 10;
  int retry_after_seconds = 2;
  int linger_seconds = 2;
  size_t max_header_bytes = 32 * 1024;
  std::set<std::string> exempt;  // client addresses without a per-address cap
};

// Serves one request on `socket` (its head is complete in the socket's receive buffer). `closing`
// is true when the gate is stopping: the answer must say Connection: close. Returns true when
// the connection may wait for another request. Must not throw.
using ServeOne = std::function<bool(Poco::Net::StreamSocket& socket, bool closing)>;

class ConnectionGate {
 public:
  ConnectionGate(GateOptions options, ServeOne serve);
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;
  ~ConnectionGate();

  // Takes over a bound, listening socket and starts the gate and worker threads.
  Status Start(Poco::Net::ServerSocket socket);
  void Stop();

  // Connections open and counted against the caps (waiting, queued or being served; not the
  // refused ones still draining). For tests and metrics.
  int open_connections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace onetable

#endif  // ONETABLE_HTTP_CONNECTION_GATE_H_
