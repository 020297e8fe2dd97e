#include "http/server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>
#include <Poco/Util/ServerApplication.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <istream>
#include <mutex>
#include <ostream>
#include <random>
#include <set>
#include <streambuf>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "access/access.h"
#include "auth/authenticator.h"
#include "http/connection_gate.h"
#include "http/denial_audit.h"
#include "http/metrics.h"
#include "http/request_audit.h"
#include "http/session_cookie.h"
#include "onetable/text.h"
#include "store/store.h"

namespace onetable {
namespace {

// A request body larger than the limit is still read and discarded up to this many bytes, so
// that the client, still sending, gets to read the 413 instead of a connection reset. Beyond
// this the connection is simply closed.
constexpr int64_t kDrainLimit = 16 * 1024 * 1024;

// Lends Stores to requests, one request at a time per Store, opening them lazily (at most
// `capacity`) through the factory.
class StorePool {
 public:
  StorePool(StoreFactory factory, int capacity)
      : factory_(std::move(factory)), capacity_(capacity) {}

  Result<std::unique_ptr<Store>> Checkout() {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      available_.wait(lock, [&] { return !idle_.empty() || opened_ < capacity_; });
      if (!idle_.empty()) {
        std::unique_ptr<Store> store = std::move(idle_.back());
        idle_.pop_back();
        return store;
      }
      ++opened_;  // reserve the slot; open outside the lock (it may take a network round trip)
    }
    Result<std::unique_ptr<Store>> store = Status::Internal("no store factory");
    if (factory_) store = factory_();
    if (store.ok() && *store == nullptr)
      store = Status::Internal("store factory returned no store");
    if (!store.ok()) Release();
    return store;
  }

  // Gives a store back; `keep` false drops it (and frees its slot for a fresh one).
  void Return(std::unique_ptr<Store> store, bool keep) {
    if (!keep) {
      store.reset();
      Release();
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(store));
    available_.notify_one();
  }

 private:
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    --opened_;
    available_.notify_one();
  }

  StoreFactory factory_;
  const int capacity_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Store>> idle_;
  int opened_ = 0;  // idle + lent + being opened
};

// The path as it may appear in a log line: control characters (a decoded %0A) cannot forge
// lines, and the length is bounded.
std::string LoggablePath(const std::string& path) {
  std::string out = path.substr(0, 200);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  }
  if (path.size() > 200) out += "...";
  return out;
}

// 16 hex digits, unique enough to find one request's log line and audit records.
std::string NewRequestId() {
  thread_local std::mt19937_64 rng(
      std::random_device{}() ^
      static_cast<uint64_t>(std::hash<std::thread::id>()(std::this_thread::get_id())));
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(rng()));
  return buffer;
}

// The method as a metrics label: unmatched requests may carry any string, so only the usual
// methods are kept as they are.
std::string MetricMethod(const std::string& method, bool matched) {
  if (matched) return method;
  for (const char* known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (method == known) return method;
  }
  return "OTHER";
}

// A streamed body (HttpResponse::stream) up to this size is held back and sent whole, with a
// Content-Length, once complete; so a table that fails early still gets an ordinary error answer.
constexpr size_t kStreamHoldBytes = 256 * 1024;

// The stream a streamed body is written to. It holds the first kStreamHoldBytes back; past them
// it commits the status and headers with chunked transfer coding and passes bytes on as they
// come, through a put area of its own (the JSON writer puts one character at a time).
class HeldBackStreamBuf : public std::streambuf {
 public:
  HeldBackStreamBuf(Poco::Net::HTTPServerResponse& out, const HttpResponse& head)
      : out_(out), head_(head) {
    setp(buffer_, buffer_ + sizeof buffer_);
  }

  bool committed() const { return wire_ != nullptr; }
  // Passes on what is buffered. False when the connection failed.
  bool Finish() {
    if (!Flush()) return false;
    if (wire_ == nullptr) return true;
    try {
      wire_->flush();
    } catch (const std::exception&) {
      failed_ = true;
    }
    return !failed_ && wire_->good();
  }
  // The bytes held back, when not committed.
  std::string TakeHeld() { return std::move(held_); }

 protected:
  int_type overflow(int_type ch) override {
    if (!Flush()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return Flush() ? 0 : -1; }

 private:
  bool Flush() {
    const size_t n = static_cast<size_t>(pptr() - pbase());
    setp(buffer_, buffer_ + sizeof buffer_);
    if (failed_) return false;
    try {
      if (wire_ == nullptr) {
        held_.append(buffer_, n);
        if (held_.size() <= kStreamHoldBytes) return true;
        Commit();
        wire_->write(held_.data(), static_cast<std::streamsize>(held_.size()));
        std::string().swap(held_);
      } else {
        wire_->write(buffer_, static_cast<std::streamsize>(n));
      }
      if (!wire_->good()) failed_ = true;
    } catch (const std::exception&) {  // Poco::Exception derives from std::exception
      failed_ = true;
    }
    return !failed_;
  }

  void Commit() {
    out_.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(head_.status));
    out_.setContentType(head_.content_type);
    for (const auto& [name, value] : head_.headers) out_.set(name, value);
    out_.setChunkedTransferEncoding(true);
    wire_ = &out_.send();
  }

  Poco::Net::HTTPServerResponse& out_;
  const HttpResponse& head_;
  std::ostream* wire_ = nullptr;
  std::string held_;
  bool failed_ = false;
  char buffer_[64 * 1024];
};

// Reads and discards the rest of a body, at most `limit` bytes.
void Drain(std::istream& in, int64_t limit) {
  char buffer[64 * 1024];
  int64_t total = 0;
  while (in && total <= limit) {
    in.read(buffer, sizeof buffer);
    if (in.gcount() == 0) break;
    total += in.gcount();
  }
}

// An HTTPServerSession that tells whether bytes of a next (pipelined) request were read into its
// buffer: such a connection cannot go back to the gate, which only sees the socket.
class OneRequestSession : public Poco::Net::HTTPServerSession {
 public:
  using Poco::Net::HTTPServerSession::HTTPServerSession;
  bool HasBuffered() const { return buffered() > 0; }
};

// The client address of a request: the peer, or behind a trusted proxy the rightmost
// X-Forwarded-For entry that is not a trusted proxy (proxies append the address they saw, so
// entries left of it may be forged by the client). An entry that is not an IP address ends the
// walk at the last good one.
std::string ClientAddress(const std::string& peer, const std::string& forwarded,
                          const std::set<std::string>& trusted) {
  if (trusted.count(peer) == 0 || forwarded.empty()) return peer;
  std::string client = peer;
  size_t end = forwarded.size();
  while (end > 0) {
    const size_t comma = forwarded.rfind(',', end - 1);
    const size_t begin = comma == std::string::npos ? 0 : comma + 1;
    std::string entry = forwarded.substr(begin, end - begin);
    entry.erase(0, entry.find_first_not_of(" \t"));
    entry.erase(entry.find_last_not_of(" \t") + 1);
    Poco::Net::IPAddress address;
    if (!Poco::Net::IPAddress::tryParse(entry, address)) break;
    client = address.toString();
    if (trusted.count(client) == 0) break;
    if (comma == std::string::npos) break;
    end = comma;
  }
  return client;
}

}  // namespace

class Server::Impl {
 public:
  Impl(Router router, StoreFactory factory, ServerOptions options)
      : router_(std::move(router)),
        options_(options),
        trusted_(options.trusted_proxies.begin(), options.trusted_proxies.end()),
        stores_(std::move(factory), std::max(1, options.threads)) {}

  // What the log line tells besides the response: the route as it may be logged, the caller.
  struct LogInfo {
    std::string target;
    std::string user;
    std::string request_id;
  };

  // Sends a streamed response on the connection (or, for Server::Serve, makes it whole).
  using Emitter = std::function<HttpResponse(HttpResponse)>;

  HttpResponse Serve(const HttpRequest& request, LogInfo* log = nullptr,
                     const Emitter* emit = nullptr) {
    const auto start = std::chrono::steady_clock::now();
    const std::string request_id = NewRequestId();
    Router::Match match = router_.Find(request.method, request.path);
    HttpResponse response;
    std::string user;
    if (match.handler == nullptr) {
      response = std::move(match.error);
    } else {
      response = ServeRoute(request, match, request_id, &user, emit);
    }
    response.headers["X-Request-Id"] = request_id;
    response.headers["X-Content-Type-Options"] = "nosniff";
    if (StartsWith(request.path, "/api/")) response.headers["Cache-Control"] = "no-store";
    const std::string route = match.pattern != nullptr ? *match.pattern : "(unmatched)";
    if (options_.metrics != nullptr) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      options_.metrics->ObserveRequest(MetricMethod(request.method, match.pattern != nullptr),
                                       route, response.status, seconds);
    }
    if (log != nullptr) {
      log->request_id = request_id;
      log->user = user;
      if (match.pattern != nullptr) {
        log->target = ScrubAuditText(AuditObjectOf(
            RequestContext{request, match.params, nullptr, nullptr, request_id, route}));
        log->target.erase(0, std::min(log->target.size(), request.method.size() + 1));
      } else {
        log->target = ScrubAuditText(LoggablePath(request.path));
      }
    }
    return response;
  }

  // Writes the counts of merged denials (denial_audit.h); a failed append is reported on stderr.
  static void RecordRepeated(Store& store, const std::vector<DenialAudit::Summary>& summaries,
                             const std::string& request_id) {
    for (const DenialAudit::Summary& s : summaries) {
      Actor actor;
      actor.user = s.kind.user;
      actor.role = s.kind.role;
      actor.source_addr = s.kind.address;
      actor.request_id = request_id;
      Status st = AppendAudit(store, actor, kAuditDenied, s.kind.route, kAuditRefused,
                              DenialAudit::Detail(s));
      if (!st.ok()) {
        std::fprintf(stderr, "audit: merged denials not recorded: %s\n",
                     ScrubAuditText(st.message()).c_str());
      }
    }
  }

  HttpResponse ServeRoute(const HttpRequest& request, const Router::Match& match,
                          const std::string& request_id, std::string* user, const Emitter* emit) {
    Result<std::unique_ptr<Store>> store = stores_.Checkout();
    if (!store.ok()) {
      return StatusToHttp(Status::Unavailable("opening a store: " + store.status().message()));
    }
    RequestContext context{request, match.params, store->get(),
                           nullptr, request_id,   *match.pattern};
    Principal principal;
    HttpResponse response;
    bool authenticated = true;
    // A cookie-carried write must come from the service's own pages (session_cookie.h: CSRF).
    const Status same_origin =
        options_.authenticator != nullptr ? CheckCookieWrite(request) : Status::Ok();
    if (!same_origin.ok()) {
      authenticated = false;
      response = StatusToHttp(same_origin);
    } else if (options_.authenticator != nullptr && !match.doc->is_public) {
      Result<Authenticated> caller =
          options_.authenticator->Authenticate(RequestToken(request), **store, !match.doc->passive);
      if (caller.ok()) {
        principal = std::move(caller->principal);
        context.principal = &principal;
        *user = principal.user;
      } else {
        authenticated = false;
        response = StatusToHttp(caller.status());
      }
    }
    if (authenticated) response = CallHandler(*match.handler, context);
    if (response.stream) {
      // Still inside the request: the store and the context the stream may use are alive.
      response.headers["X-Request-Id"] = request_id;
      response.headers["X-Content-Type-Options"] = "nosniff";
      if (StartsWith(request.path, "/api/")) response.headers["Cache-Control"] = "no-store";
      response =
          emit != nullptr ? (*emit)(std::move(response)) : MaterializeStream(std::move(response));
    }
    // Out of scope answers 404 like a missing row (access.h), so a scope-limited caller's 404
    // on a route naming a row is audited too: it may be a refusal, and probing shows in the log.
    const bool maybe_refused = response.status == 404 && context.principal != nullptr &&
                               IsScopeLimited(*context.principal) && !match.params.empty();
    if (options_.authenticator != nullptr) {
      const int64_t now = options_.authenticator->Now();
      const bool denied = response.status == 401 || response.status == 403 ||
                          response.status == 429 || maybe_refused;
      if (denied && !response.audited) {
        // Repeated denials of one client are merged into one record with a count (M3).
        DenialAudit::Kind kind;
        kind.address = request.remote_addr;
        kind.user = principal.user;
        kind.role = context.principal != nullptr ? RoleName(principal.role) : "";
        kind.route = request.method + " " + *match.pattern;
        kind.status = response.status;
        DenialAudit::Decision decision = denials_.Note(kind, now);
        RecordRepeated(**store, decision.summaries, request_id);
        // A failed append is reported on stderr by Audit; the answer stays the denial.
        if (decision.record_this) {
          Audit(context, kAuditDenied, AuditObjectOf(context), kAuditRefused,
                "status=" + std::to_string(response.status) +
                    (maybe_refused ? " (not found or outside the caller's scope)" : ""))
              .IgnoreError();
        }
      }
      RecordRepeated(**store, denials_.TakeExpired(now), request_id);
    }
    // A 503 means the store could not answer; its connection may be dead, so open a new one.
    stores_.Return(std::move(*store), response.status != 503);
    return response;
  }

  // Reads the Poco request into `out`. When the request cannot be served (bad URI, body too
  // large) fills `error` and returns false; `close` is set when the connection must not be
  // reused because unread body bytes remain on it.
  bool ReadRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::StreamSocket* socket,
                   HttpRequest* out, HttpResponse* error, bool* close) {
    out->method = in.getMethod();
    for (const auto& [name, value] : in) out->headers.emplace(Poco::toLower(name), value);
    const auto forwarded = out->headers.find("x-forwarded-for");
    out->remote_addr =
        ClientAddress(in.clientAddress().host().toString(),
                      forwarded == out->headers.end() ? "" : forwarded->second, trusted_);
    try {
      Poco::URI uri(in.getURI());
      out->path = uri.getPath();
      for (const auto& [name, value] : uri.getQueryParameters()) out->query.emplace(name, value);
    } catch (const Poco::Exception&) {
      out->path = "(unparsable)";
      *error = ErrorResponse(400, "invalid_argument", "请求地址格式错误");
      return false;
    }

    const size_t max = options_.max_body_bytes;
    const bool has_length = in.hasContentLength();
    if (!has_length && !in.getChunkedTransferEncoding()) return true;  // no body (RFC 9112 6.3)
    std::istream& body = in.stream();
    const auto too_large = [&] {
      *error = ErrorResponse(413, "payload_too_large",
                             "请求体过大，上限为 " + std::to_string(max) + " 字节");
      *close = true;
      return false;
    };
    const int64_t length = has_length ? in.getContentLength64() : -1;
    if (has_length && length < 0) {
      *error = ErrorResponse(400, "invalid_argument", "请求头 Content-Length 无效");
      *close = true;
      return false;
    }
    if (length > static_cast<int64_t>(max)) {
      if (length <= kDrainLimit) Drain(body, kDrainLimit);
      return too_large();
    }
    // A chunked body has no declared size: read one byte past the limit to detect excess.
    const size_t want = has_length ? static_cast<size_t>(length) : max + 1;
    out->body.reserve(has_length ? want : 0);
    // The whole body must arrive by the deadline: each receive waits at most until then, and
    // each turn takes only what one receive brought (peek, then readsome), so a client that
    // trickles bytes cannot stretch the wait.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(options_.body_timeout_seconds);
    bool late = false;
    char chunk[64 * 1024];
    while (out->body.size() < want && body) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        late = true;
        break;
      }
      if (socket != nullptr) {
        const int64_t ms =
            std::min<int64_t>(left.count(), options_.socket_timeout_seconds * 1000LL);
        socket->setReceiveTimeout(Poco::Timespan(ms / 1000, (ms % 1000) * 1000));
      }
      if (body.peek() == std::char_traits<char>::eof()) break;
      const std::streamsize n = body.readsome(
          chunk, static_cast<std::streamsize>(std::min(sizeof chunk, want - out->body.size())));
      if (n <= 0) break;
      out->body.append(chunk, static_cast<size_t>(n));
    }
    if (socket != nullptr) {
      socket->setReceiveTimeout(Poco::Timespan(options_.socket_timeout_seconds, 0));
    }
    if (has_length && out->body.size() < want) {
      late = late || std::chrono::steady_clock::now() >= deadline;
      out->body.clear();
      *close = true;
      *error = late ? ErrorResponse(408, "request_timeout", "请求体未在规定时间内发送完毕")
                    : ErrorResponse(400, "invalid_argument", "请求体不完整");
      return false;
    }
    if (out->body.size() > max) {
      out->body.clear();
      Drain(body, kDrainLimit);
      return too_large();
    }
    return true;
  }

  // Writes a streamed response through a HeldBackStreamBuf. Returns the answer for the log and
  // metrics; *sent is set when it is already on the wire. When the stream fails after the
  // headers went out, the connection is shut down: the client gets no final chunk and sees an
  // incomplete download, never a short file that looks whole.
  static HttpResponse StreamTo(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out,
                               HttpResponse response, bool* sent) {
    HeldBackStreamBuf buffer(out, response);
    std::ostream stream(&buffer);
    const Status st = RunStream(response, stream);
    const bool flushed = buffer.Finish();
    response.stream = nullptr;
    if (!buffer.committed()) {
      if (!st.ok()) return StreamFailed(response, st);
      response.body = buffer.TakeHeld();
      return response;
    }
    *sent = true;
    if (st.ok() && flushed) return response;
    if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&in)) {
      try {
        impl->socket().shutdown();
      } catch (const Poco::Exception&) {
        // Already gone: the client saw the connection end anyway.
      }
    }
    response.status = st.ok() ? 500 : StatusToHttp(st).status;
    response.log_note = "body cut after the headers were sent: " +
                        (st.ok() ? std::string("connection failed") : st.message());
    return response;
  }

  // Answers one request; returns false when the connection must be closed after it.
  bool HandlePoco(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out,
                  Poco::Net::StreamSocket* socket) {
    const auto start = std::chrono::steady_clock::now();
    HttpRequest request;
    HttpResponse response;
    LogInfo info;
    bool close = false;
    bool sent = false;
    try {
      if (ReadRequest(in, socket, &request, &response, &close)) {
        const Emitter emit = [&](HttpResponse streamed) {
          return StreamTo(in, out, std::move(streamed), &sent);
        };
        response = Serve(request, &info, &emit);
      } else {
        info.target = ScrubAuditText(LoggablePath(request.path));
      }
      if (!sent) {  // a streamed answer is on the wire already
        out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
        out.setContentType(response.content_type);
        response.headers["X-Content-Type-Options"] = "nosniff";
        if (StartsWith(request.path, "/api/")) response.headers["Cache-Control"] = "no-store";
        for (const auto& [name, value] : response.headers) out.set(name, value);
        if (close) out.setKeepAlive(false);
        out.setContentLength64(static_cast<Poco::Int64>(response.body.size()));
        out.sendBuffer(response.body.data(), response.body.size());
      }
    } catch (const Poco::Exception& e) {
      // The connection failed mid-request (timeout, reset); there is no one to answer.
      response.status = 0;
      close = true;
      response.log_note = "connection: " + e.displayText();
    } catch (const std::exception& e) {
      response.status = 0;
      close = true;
      response.log_note = std::string("connection: ") + e.what();
    }
    if (sent && !response.log_note.empty()) close = true;
    LogLine(request, info, response, start);
    return !close;
  }

  void LogLine(const HttpRequest& request, const LogInfo& info, const HttpResponse& response,
               std::chrono::steady_clock::time_point start) const {
    if (!options_.log_requests) return;
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const std::string note =
        response.log_note.empty() ? "" : " (" + ScrubAuditText(response.log_note) + ")";
    std::fprintf(stderr, "http: %s %s %d %.1fms%s%s%s\n", LoggablePath(request.method).c_str(),
                 LoggablePath(info.target).c_str(), response.status, ms,
                 info.request_id.empty() ? "" : (" id=" + info.request_id).c_str(),
                 info.user.empty() ? "" : (" user=" + LoggablePath(info.user)).c_str(),
                 LoggablePath(note).c_str());
  }

  Status Start(const std::string& host, int port) {
    if (gate_ != nullptr) return Status::Precondition("HTTP 服务已经启动");
    if (port < 0 || port > 65535) {
      return Status::Invalid("端口 " + std::to_string(port) + " 无效：必须在 0 到 65535 之间");
    }
    params_ = new Poco::Net::HTTPServerParams;
    params_->setKeepAlive(true);
    params_->setKeepAliveTimeout(Poco::Timespan(options_.keep_alive_seconds, 0));
    params_->setTimeout(Poco::Timespan(options_.socket_timeout_seconds, 0));
    GateOptions gate;
    gate.workers = std::max(1, options_.threads);
    gate.max_queued = std::max(1, options_.max_queued_connections);
    gate.max_connections = std::max(1, options_.max_connections);
    gate.max_per_address = std::max(1, options_.max_connections_per_address);
    gate.header_seconds = std::max(1, options_.header_timeout_seconds);
    gate.keep_alive_seconds = std::max(1, options_.keep_alive_seconds);
    gate.retry_after_seconds = std::max(1, options_.retry_after_seconds);
    gate.exempt = trusted_;
    auto connections = std::make_unique<ConnectionGate>(
        gate, [this](Poco::Net::StreamSocket& socket, bool closing) {
          return ServeConnection(socket, closing);
        });
    try {
      Poco::Net::ServerSocket socket;
      // SO_REUSEADDR for quick restarts, but not SO_REUSEPORT: a second server on the same port
      // must fail here rather than silently share the traffic.
      socket.bind(Poco::Net::SocketAddress(host, static_cast<Poco::UInt16>(port)), true, false);
      // A deep backlog: a burst is accepted and answered (503 when full), not left to time out
      // in the kernel's queue.
      socket.listen(1024);
      const int bound = socket.address().port();
      Status started = connections->Start(std::move(socket));
      if (!started.ok()) return started;
      port_ = bound;
    } catch (const Poco::Exception& e) {
      return Status::Unavailable("无法在 " + host + ":" + std::to_string(port) +
                                 " 上启动 HTTP 服务：" + e.displayText());
    }
    gate_ = std::move(connections);
    return Status::Ok();
  }

  void Stop() {
    if (gate_ == nullptr) return;
    // Stops accepting, closes waiting connections, answers what is queued or in progress (with
    // Connection: close) and joins the workers.
    gate_->Stop();
    gate_.reset();
    port_ = 0;
    FlushDenials();
  }

  // The counts of merged denials still open, at shutdown.
  void FlushDenials() {
    std::vector<DenialAudit::Summary> open = denials_.TakeAll();
    if (open.empty()) return;
    Result<std::unique_ptr<Store>> store = stores_.Checkout();
    if (!store.ok()) {
      std::fprintf(stderr, "audit: merged denials not recorded at shutdown: %s\n",
                   ScrubAuditText(store.status().message()).c_str());
      return;
    }
    RecordRepeated(**store, open, "");
    stores_.Return(std::move(*store), true);
  }

  int port() const { return port_; }
  int open_connections() const { return gate_ == nullptr ? 0 : gate_->open_connections(); }

 private:
  // One request on a connection whose request head has arrived (the gate's ServeOne). Returns
  // whether the connection may wait for another request.
  bool ServeConnection(Poco::Net::StreamSocket& socket, bool closing) {
    bool keep = false;
    try {
      socket.setSendTimeout(Poco::Timespan(options_.socket_timeout_seconds, 0));
      OneRequestSession session(socket, params_);
      try {
        Poco::Net::HTTPServerResponseImpl response(session);
        Poco::Net::HTTPServerRequestImpl request(response, session, params_.get());
        response.setDate(Poco::Timestamp());
        response.setVersion(request.getVersion());
        response.setKeepAlive(!closing && request.getKeepAlive());
        if (request.getExpectContinue() && response.getStatus() == 200) response.sendContinue();
        const bool reusable = HandlePoco(request, response, &socket);
        keep = reusable && !closing && response.getKeepAlive() && !session.HasBuffered();
      } catch (const Poco::Net::NoMessageException&) {
        keep = false;  // the client closed before sending a request
      } catch (const Poco::Net::MessageException&) {
        Poco::Net::HTTPServerResponseImpl response(session);
        response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
        response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
        response.setKeepAlive(false);
        response.setContentLength(0);
        response.send();
        keep = false;
      }
      // The session would close the socket when it goes; the gate still owns it.
      session.detachSocket();
    } catch (const Poco::Exception&) {
      keep = false;  // reset or timed out while answering: nothing more to do
    } catch (const std::exception&) {
      keep = false;
    }
    return keep;
  }

  Router router_;
  const ServerOptions options_;
  const std::set<std::string> trusted_;
  StorePool stores_;
  std::atomic<int> port_{0};
  Poco::Net::HTTPServerParams::Ptr params_;
  DenialAudit denials_;
  // Declared after the pool and router: destroyed first, so no worker outlives what it uses.
  std::unique_ptr<ConnectionGate> gate_;
};

Server::Server(Router router, StoreFactory store_factory, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(router), std::move(store_factory), options)) {}

Server::~Server() { Stop(); }

Status Server::Start(const std::string& host, int port) { return impl_->Start(host, port); }

int Server::port() const { return impl_->port(); }

void Server::Stop() { impl_->Stop(); }

int Server::open_connections() const { return impl_->open_connections(); }

HttpResponse Server::Serve(const HttpRequest& request) { return impl_->Serve(request, nullptr); }

namespace {

// `onetable serve` as a Poco ServerApplication: main() starts the server, waits in
// waitForTerminationRequest() for SIGINT, SIGQUIT or SIGTERM, and stops gracefully.
class ServeApplication : public Poco::Util::ServerApplication {
 public:
  ServeApplication(Server& server, std::string host, int port)
      : server_(server), host_(std::move(host)), port_(port) {}

 protected:
  int main(const std::vector<std::string>&) override {
    Status status = server_.Start(host_, port_);
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.message().c_str());
      return 1;
    }
    std::fprintf(stderr, "listening on http://%s:%d\n", host_.c_str(), server_.port());
    waitForTerminationRequest();
    std::fprintf(stderr, "termination requested, stopping\n");
    server_.Stop();
    return EXIT_OK;
  }

 private:
  Server& server_;
  const std::string host_;
  const int port_;
};

}  // namespace

int RunServerUntilTerminated(Server& server, const std::string& host, int port) {
  // Blocked before Start, so the worker threads inherit the mask and a signal is only ever
  // taken by waitForTerminationRequest's sigwait (Poco blocks them there, in that thread
  // alone, which would let a signal landing on a worker kill the process).
  sigset_t signals, previous;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGQUIT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, &previous);
  ServeApplication application(server, host, port);
  char name[] = "onetable";
  char* argv[] = {name, nullptr};
  const int exit_code = application.run(1, argv);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return exit_code;
}

}  // namespace onetable
