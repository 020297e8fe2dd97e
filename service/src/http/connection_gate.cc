#include "http/connection_gate.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/json_writer.h"

namespace onetable {
namespace {

using Clock = std::chrono::steady_clock;

// Refused connections still draining (see the header) beyond this many are closed at once: a
// flood must not turn the courtesy into a way to hold file descriptors.
constexpr size_t kMaxLingering = 1024;
// Connections accepted in one turn of the loop, so that waiting ones are not starved.
constexpr int kAcceptBatch = 64;

struct Connection {
  Poco::Net::StreamSocket socket;
  std::string address;
};

struct Waiting {
  enum class State { kNew, kIdle, kStarted, kLinger };
  Connection connection;
  State state = State::kNew;
  Clock::time_point deadline;
};

int FdOf(const Poco::Net::StreamSocket& socket) {
  return static_cast<int>(socket.impl()->sockfd());
}

// Whether `bytes` hold a whole request head: the request line and headers up to the empty
// line (RFC 9112 accepts a bare LF as a line end, and so does Poco's parser).
bool HeadComplete(const char* bytes, size_t n) {
  for (size_t i = 0; i + 1 < n; ++i) {
    if (bytes[i] != '\n') continue;
    if (bytes[i + 1] == '\n') return true;
    if (i + 2 < n && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') return true;
  }
  return false;
}

std::string RefusalText(int status, int retry_after) {
  const char* reason = "Service Unavailable";
  std::string code = "unavailable";
  std::string message = "服务繁忙，请稍后重试";
  if (status == 408) {
    reason = "Request Timeout";
    code = "request_timeout";
    message = "请求头未在规定时间内发送完毕";
  } else if (status == 431) {
    reason = "Request Header Fields Too Large";
    code = "header_too_large";
    message = "请求头过大";
  }
  const std::string body = ErrorBody(code, message);
  std::string text = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                     "\r\nContent-Type: application/json; charset=utf-8"
                     "\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store";
  if (status == 503) text += "\r\nRetry-After: " + std::to_string(retry_after);
  text += "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  return text + body;
}

}  // namespace

class ConnectionGate::Impl {
 public:
  Impl(GateOptions options, ServeOne serve)
      : options_(std::move(options)), serve_(std::move(serve)) {}

  ~Impl() { Stop(); }

  Status Start(Poco::Net::ServerSocket socket) {
    if (gate_thread_.joinable()) return Status::Precondition("连接管理已经启动");
    if (::pipe2(wake_, O_NONBLOCK | O_CLOEXEC) != 0) {
      return Status::Unavailable(std::string("无法创建唤醒管道：") + std::strerror(errno));
    }
    listen_ = std::move(socket);
    try {
      listen_.setBlocking(false);  // the gate accepts until EAGAIN
    } catch (const Poco::Exception& e) {
      return Status::Unavailable("无法设置监听套接字：" + e.displayText());
    }
    stopping_ = false;
    gate_done_ = false;
    gate_thread_ = std::thread([this] { GateLoop(); });
    for (int i = 0; i < std::max(1, options_.workers); ++i) {
      workers_.emplace_back([this] { WorkerLoop(); });
    }
    return Status::Ok();
  }

  void Stop() {
    if (!gate_thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    Wake();
    gate_thread_.join();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      gate_done_ = true;
    }
    ready_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
    ::close(wake_[0]);
    ::close(wake_[1]);
    wake_[0] = wake_[1] = -1;
  }

  int open_connections() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return open_;
  }

 private:
  void Wake() {
    const char byte = 1;
    // A full pipe already wakes the loop; nothing else can go wrong that matters here.
    [[maybe_unused]] ssize_t ignored = ::write(wake_[1], &byte, 1);
  }

  // Counts a new connection against the caps; false when it must be refused. Caller holds
  // mutex_.
  bool Admit(const std::string& address) {
    if (open_ >= options_.max_connections) return false;
    const bool exempt = options_.exempt.count(address) > 0;
    int& mine = per_address_[address];
    if (!exempt && mine >= options_.max_per_address) {
      if (mine == 0) per_address_.erase(address);
      return false;
    }
    ++mine;
    ++open_;
    return true;
  }

  // Caller holds mutex_.
  void Release(const std::string& address) {
    --open_;
    auto it = per_address_.find(address);
    if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
  }

  void ReleaseLocked(const std::string& address) {
    std::lock_guard<std::mutex> lock(mutex_);
    Release(address);
  }

  static void Close(Poco::Net::StreamSocket& socket) {
    try {
      socket.close();
    } catch (const Poco::Exception&) {
      // Closing a socket the peer reset: nothing to do.
    }
  }

  // Answers `status` on a connection the gate will not serve and keeps reading what the client
  // still sends until it closes, so that the answer is read rather than lost to a reset.
  void Refuse(Connection connection, int status, std::vector<Waiting>* waiting) {
    const std::string text = RefusalText(status, options_.retry_after_seconds);
    const int fd = FdOf(connection.socket);
    // A fresh socket's send buffer is empty: the short answer goes out without blocking.
    [[maybe_unused]] ssize_t sent =
        ::send(fd, text.data(), text.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    if (lingering_ >= kMaxLingering) {
      Close(connection.socket);
      return;
    }
    ++lingering_;
    Waiting entry;
    entry.connection = std::move(connection);
    entry.state = Waiting::State::kLinger;
    entry.deadline = Clock::now() + std::chrono::seconds(options_.linger_seconds);
    waiting->push_back(std::move(entry));
  }

  void AcceptSome(std::vector<Waiting>* waiting) {
    const int listen_fd = static_cast<int>(listen_.impl()->sockfd());
    for (int i = 0; i < kAcceptBatch; ++i) {
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN: no more for now; other errors: the next turn tries again
      Connection connection;
      try {
        connection.socket = Poco::Net::StreamSocket(new Poco::Net::StreamSocketImpl(fd));
        connection.address = connection.socket.peerAddress().host().toString();
      } catch (const Poco::Exception&) {
        ::close(fd);  // the peer is gone already
        continue;
      }
      bool admitted;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        admitted = Admit(connection.address);
      }
      if (!admitted) {
        Refuse(std::move(connection), 503, waiting);
        continue;
      }
      Waiting entry;
      entry.connection = std::move(connection);
      entry.state = Waiting::State::kNew;
      entry.deadline = Clock::now() + std::chrono::seconds(options_.header_seconds);
      waiting->push_back(std::move(entry));
    }
  }

  // Handles readiness of one waiting connection; returns false when it leaves the waiting list
  // (closed, refused, or queued for a worker).
  bool OnReadable(Waiting& entry, std::vector<Waiting>* refused) {
    const int fd = FdOf(entry.connection.socket);
    if (entry.state == Waiting::State::kLinger) {
      char discard[4096];
      for (;;) {
        const ssize_t n = ::recv(fd, discard, sizeof discard, MSG_DONTWAIT);
        if (n > 0) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
        --lingering_;
        Close(entry.connection.socket);
        return false;
      }
    }
    peek_.resize(options_.max_header_bytes);
    const ssize_t n = ::recv(fd, peek_.data(), peek_.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
    if (n <= 0) {  // closed by the client, or reset
      ReleaseLocked(entry.connection.address);
      Close(entry.connection.socket);
      return false;
    }
    if (entry.state == Waiting::State::kIdle) {
      entry.state = Waiting::State::kStarted;
      entry.deadline = Clock::now() + std::chrono::seconds(options_.header_seconds);
    }
    const size_t got = static_cast<size_t>(n);
    if (HeadComplete(peek_.data(), got)) {
      std::unique_lock<std::mutex> lock(mutex_);
      if (static_cast<int>(queue_.size()) >= options_.max_queued) {
        Release(entry.connection.address);
        lock.unlock();
        Refuse(std::move(entry.connection), 503, refused);
        return false;
      }
      queue_.push_back(std::move(entry.connection));
      lock.unlock();
      ready_.notify_one();
      return false;
    }
    if (got >= options_.max_header_bytes) {
      ReleaseLocked(entry.connection.address);
      Refuse(std::move(entry.connection), 431, refused);
      return false;
    }
    return true;
  }

  void GateLoop() {
    std::vector<Waiting> waiting;
    std::vector<pollfd> fds;
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) break;
        for (Connection& back : returned_) {
          Waiting entry;
          entry.connection = std::move(back);
          entry.state = Waiting::State::kIdle;
          entry.deadline = Clock::now() + std::chrono::seconds(options_.keep_alive_seconds);
          waiting.push_back(std::move(entry));
        }
        returned_.clear();
      }
      fds.clear();
      fds.push_back({wake_[0], POLLIN, 0});
      fds.push_back({static_cast<int>(listen_.impl()->sockfd()), POLLIN, 0});
      auto next = Clock::now() + std::chrono::seconds(1);
      for (const Waiting& entry : waiting) {
        fds.push_back({FdOf(entry.connection.socket), POLLIN, 0});
        next = std::min(next, entry.deadline);
      }
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
      const int timeout = static_cast<int>(std::max<int64_t>(0, wait.count() + 1));
      if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) continue;

      if (fds[0].revents & POLLIN) {
        char drain[256];
        while (::read(wake_[0], drain, sizeof drain) > 0) {
        }
      }
      // Refusals made in this turn are added after the scan, so indexes stay aligned with fds.
      std::vector<Waiting> added;
      std::vector<Waiting> kept;
      kept.reserve(waiting.size());
      const auto now = Clock::now();
      for (size_t i = 0; i < waiting.size(); ++i) {
        Waiting& entry = waiting[i];
        const short revents = fds[i + 2].revents;
        if (revents != 0 && !OnReadable(entry, &added)) continue;
        if (entry.deadline <= now) {
          Expire(entry, &added);
          continue;
        }
        kept.push_back(std::move(entry));
      }
      if (fds[1].revents & POLLIN) AcceptSome(&added);
      for (Waiting& entry : added) kept.push_back(std::move(entry));
      waiting.swap(kept);
    }
    // Stopping: no new connections, and none of the waiting ones gets a worker.
    for (Waiting& entry : waiting) {
      if (entry.state != Waiting::State::kLinger) ReleaseLocked(entry.connection.address);
      Close(entry.connection.socket);
    }
    lingering_ = 0;
    try {
      listen_.close();
    } catch (const Poco::Exception&) {
      // Already closed.
    }
  }

  // A waiting connection past its deadline: an idle one is closed, a request head that did not
  // arrive in time is answered 408, a lingering refusal is closed.
  void Expire(Waiting& entry, std::vector<Waiting>* refused) {
    switch (entry.state) {
      case Waiting::State::kLinger:
        --lingering_;
        Close(entry.connection.socket);
        return;
      case Waiting::State::kIdle:
        ReleaseLocked(entry.connection.address);
        Close(entry.connection.socket);
        return;
      case Waiting::State::kNew:
      case Waiting::State::kStarted:
        ReleaseLocked(entry.connection.address);
        Refuse(std::move(entry.connection), 408, refused);
        return;
    }
  }

  void WorkerLoop() {
    for (;;) {
      Connection connection;
      bool closing;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || gate_done_; });
        if (queue_.empty()) return;
        connection = std::move(queue_.front());
        queue_.pop_front();
        closing = stopping_;
      }
      const bool keep = serve_(connection.socket, closing);
      std::unique_lock<std::mutex> lock(mutex_);
      if (keep && !stopping_) {
        returned_.push_back(std::move(connection));
        lock.unlock();
        Wake();
      } else {
        Release(connection.address);
        lock.unlock();
        Close(connection.socket);
      }
    }
  }

  const GateOptions options_;
  const ServeOne serve_;
  Poco::Net::ServerSocket listen_;
  int wake_[2] = {-1, -1};
  std::thread gate_thread_;
  std::vector<std::thread> workers_;
  std::vector<char> peek_;  // gate thread only
  size_t lingering_ = 0;    // gate thread only

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Connection> queue_;
  std::vector<Connection> returned_;
  std::map<std::string, int> per_address_;
  int open_ = 0;
  bool stopping_ = false;
  bool gate_done_ = false;
};

ConnectionGate::ConnectionGate(GateOptions options, ServeOne serve)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(serve))) {}

ConnectionGate::~ConnectionGate() = default;

Status ConnectionGate::Start(Poco::Net::ServerSocket socket) {
  return impl_->Start(std::move(socket));
}

void ConnectionGate::Stop() { impl_->Stop(); }

int ConnectionGate::open_connections() const { return impl_->open_connections(); }

}  // namespace onetable
