#include "http/server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>
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
#include <streambuf>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "access/access.h"
#include "auth/authenticator.h"
#include "http/metrics.h"
#include "http/request_audit.h"
#include "http/session_cookie.h"
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

}  // namespace

class Server::Impl {
 public:
  Impl(Router router, StoreFactory factory, ServerOptions options)
      : router_(std::move(router)),
        options_(options),
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
    if (options_.authenticator != nullptr && !match.doc->is_public) {
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
      response =
          emit != nullptr ? (*emit)(std::move(response)) : MaterializeStream(std::move(response));
    }
    // Out of scope answers 404 like a missing row (access.h), so a scope-limited caller's 404
    // on a route naming a row is audited too: it may be a refusal, and probing shows in the log.
    const bool maybe_refused = response.status == 404 && context.principal != nullptr &&
                               IsScopeLimited(*context.principal) && !match.params.empty();
    if (options_.authenticator != nullptr &&
        (response.status == 401 || response.status == 403 || maybe_refused) && !response.audited) {
      // A failed append is reported on stderr by Audit; the answer stays the denial.
      Audit(context, kAuditDenied, AuditObjectOf(context), kAuditRefused,
            "status=" + std::to_string(response.status) +
                (maybe_refused ? " (not found or outside the caller's scope)" : ""))
          .IgnoreError();
    }
    // A 503 means the store could not answer; its connection may be dead, so open a new one.
    stores_.Return(std::move(*store), response.status != 503);
    return response;
  }

  // Reads the Poco request into `out`. When the request cannot be served (bad URI, body too
  // large) fills `error` and returns false; `close` is set when the connection must not be
  // reused because unread body bytes remain on it.
  bool ReadRequest(Poco::Net::HTTPServerRequest& in, HttpRequest* out, HttpResponse* error,
                   bool* close) {
    out->method = in.getMethod();
    out->remote_addr = in.clientAddress().host().toString();
    for (const auto& [name, value] : in) out->headers.emplace(Poco::toLower(name), value);
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
    char chunk[64 * 1024];
    while (out->body.size() < want && body) {
      body.read(chunk,
                static_cast<std::streamsize>(std::min(sizeof chunk, want - out->body.size())));
      if (body.gcount() == 0) break;
      out->body.append(chunk, static_cast<size_t>(body.gcount()));
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

  void HandlePoco(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) {
    const auto start = std::chrono::steady_clock::now();
    HttpRequest request;
    HttpResponse response;
    LogInfo info;
    bool close = false;
    bool sent = false;
    try {
      if (ReadRequest(in, &request, &response, &close)) {
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
        for (const auto& [name, value] : response.headers) out.set(name, value);
        if (close) out.setKeepAlive(false);
        out.setContentLength64(static_cast<Poco::Int64>(response.body.size()));
        out.sendBuffer(response.body.data(), response.body.size());
      }
    } catch (const Poco::Exception& e) {
      // The connection failed mid-request (timeout, reset); there is no one to answer.
      response.status = 0;
      response.log_note = "connection: " + e.displayText();
    } catch (const std::exception& e) {
      response.status = 0;
      response.log_note = std::string("connection: ") + e.what();
    }
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
    if (http_server_ != nullptr) return Status::Precondition("HTTP 服务已经启动");
    if (port < 0 || port > 65535) {
      return Status::Invalid("端口 " + std::to_string(port) + " 无效：必须在 0 到 65535 之间");
    }
    const int threads = std::max(1, options_.threads);
    try {
      Poco::Net::ServerSocket socket;
      // SO_REUSEADDR for quick restarts, but not SO_REUSEPORT: a second server on the same port
      // must fail here rather than silently share the traffic.
      socket.bind(Poco::Net::SocketAddress(host, static_cast<Poco::UInt16>(port)), true, false);
      socket.listen(64);
      Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
      params->setMaxThreads(threads);
      params->setMaxQueued(options_.max_queued_connections);
      params->setKeepAlive(true);
      params->setKeepAliveTimeout(Poco::Timespan(options_.keep_alive_seconds, 0));
      params->setTimeout(Poco::Timespan(options_.socket_timeout_seconds, 0));
      // Poco's dispatcher can miss the stop wake-up when a worker is between connections, and
      // that worker then sleeps out its idle time before Stop can join it. A short idle time
      // bounds that stall; the cost is only that surplus workers return to the pool sooner.
      params->setThreadIdleTime(Poco::Timespan(1, 0));
      thread_pool_ = std::make_unique<Poco::ThreadPool>("http", std::min(2, threads), threads);
      http_server_ =
          std::make_unique<Poco::Net::HTTPServer>(new Factory(this), *thread_pool_, socket, params);
      http_server_->start();
      port_ = socket.address().port();
    } catch (const Poco::Exception& e) {
      http_server_.reset();
      thread_pool_.reset();
      return Status::Unavailable("无法在 " + host + ":" + std::to_string(port) +
                                 " 上启动 HTTP 服务：" + e.displayText());
    }
    return Status::Ok();
  }

  void Stop() {
    if (http_server_ == nullptr) return;
    // Stops accepting, then closes each connection once its current request is answered.
    http_server_->stopAll(false);
    // Waits for the workers to leave their last connection.
    thread_pool_->joinAll();
    http_server_.reset();
    thread_pool_.reset();
    port_ = 0;
  }

  int port() const { return port_; }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(Impl* impl) : impl_(impl) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      impl_->HandlePoco(request, response);
    }

   private:
    Impl* impl_;
  };

  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(Impl* impl) : impl_(impl) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(impl_);
    }

   private:
    Impl* impl_;
  };

  Router router_;
  const ServerOptions options_;
  StorePool stores_;
  std::atomic<int> port_{0};
  // Declared after the pool and router: destroyed first, so no worker outlives what it uses.
  std::unique_ptr<Poco::ThreadPool> thread_pool_;
  std::unique_ptr<Poco::Net::HTTPServer> http_server_;
};

Server::Server(Router router, StoreFactory store_factory, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(router), std::move(store_factory), options)) {}

Server::~Server() { Stop(); }

Status Server::Start(const std::string& host, int port) { return impl_->Start(host, port); }

int Server::port() const { return impl_->port(); }

void Server::Stop() { impl_->Stop(); }

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
