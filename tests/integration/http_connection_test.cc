// The server's connection handling on real loopback sockets (issue 16, item 1): slow or idle
// clients hold no worker, a burst is answered 200 or 503 (never an empty reply), the header and
// body deadlines, the keep-alive idle time, the per-address cap, and X-Forwarded-For trusted only
// from configured proxies. Slow clients connect from other loopback addresses (127.0.0.x) so the
// per-address cap of the normal clients is not theirs.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.h"
#include "http/request_audit.h"
#include "http/router.h"
#include "http/server.h"
#include "model/catalog.h"
#include "store/store.h"

namespace onetable::testing {
namespace {

using Clock = std::chrono::steady_clock;

// A blocking TCP connection from `source` (a loopback address) to 127.0.0.1:port, with a
// receive timeout so that a test never hangs on a server that does not answer.
int Connect(const char* source, int port, int timeout_seconds = 20) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &local.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{timeout_seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads one response (head and Content-Length body), or until the peer closes or times out.
std::string ReadResponse(int fd) {
  std::string in;
  char buffer[4096];
  for (;;) {
    const size_t head_end = in.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const size_t cl = in.find("Content-Length: ");
      if (cl != std::string::npos && cl < head_end) {
        const size_t length = std::stoul(in.substr(cl + 16));
        if (in.size() >= head_end + 4 + length) return in;
      }
    }
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return in;
    in.append(buffer, static_cast<size_t>(n));
  }
}

int StatusOf(const std::string& response) {
  if (response.compare(0, 9, "HTTP/1.1 ") != 0 || response.size() < 12) return 0;
  return std::atoi(response.substr(9, 3).c_str());
}

std::string HeaderOf(const std::string& response, const std::string& name) {
  const std::string key = "\r\n" + name + ": ";
  const size_t at = response.find(key);
  if (at == std::string::npos) return "";
  const size_t end = response.find("\r\n", at + key.size());
  return response.substr(at + key.size(), end - at - key.size());
}

// True once the peer has closed (recv returns 0) within `seconds`.
bool ClosedWithin(int fd, int seconds) {
  const auto until = Clock::now() + std::chrono::seconds(seconds);
  char buffer[4096];
  while (Clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return true;
  }
  return false;
}

// Polls `condition` every 10 ms for at most `seconds`.
bool WaitFor(const std::function<bool()>& condition, int seconds = 20) {
  const auto until = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

std::string Get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

class HttpConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Catalog> catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = std::make_unique<Catalog>(std::move(*catalog));
    dir_ = MakeTempDir();
  }

  void StartServer(ServerOptions options) {
    Router router;
    RouteDoc open;
    open.is_public = true;
    ASSERT_TRUE(router
                    .Add("GET", "/healthz", open,
                         [](const RequestContext&) {
                           HttpResponse r;
                           r.body = "{\"status\":\"ok\"}";
                           return r;
                         })
                    .ok());
    ASSERT_TRUE(router
                    .Add("GET", "/api/v1/whoami", open,
                         [](const RequestContext& ctx) {
                           HttpResponse r;
                           r.body = "{\"addr\":\"" + ActorOf(ctx).source_addr + "\"}";
                           return r;
                         })
                    .ok());
    ASSERT_TRUE(router
                    .Add("POST", "/api/v1/echo", open,
                         [](const RequestContext& ctx) {
                           HttpResponse r;
                           r.body = "{\"bytes\":" + std::to_string(ctx.request.body.size()) + "}";
                           return r;
                         })
                    .ok());
    const Catalog* cat = catalog_.get();
    const std::string url = "sqlite:" + dir_ + "/connections.db";
    options.log_requests = std::getenv("API_TEST_LOG") != nullptr;
    server_ = std::make_unique<Server>(
        std::move(router), [cat, url]() { return OpenStore(url, *cat); }, options);
    ASSERT_TRUE(server_->Start("127.0.0.1", 0).ok());
    port_ = server_->port();
  }

  void TearDown() override {
    for (int fd : fds_) ::close(fd);
    if (server_) server_->Stop();
  }

  int Keep(int fd) {
    if (fd >= 0) fds_.push_back(fd);
    return fd;
  }

  std::unique_ptr<Catalog> catalog_;
  std::string dir_;
  std::unique_ptr<Server> server_;
  int port_ = 0;
  std::vector<int> fds_;
};

TEST_F(HttpConnectionTest, SlowHeaderClientsDoNotDelayOthers) {
  ServerOptions options;
  options.threads = 8;
  options.header_timeout_seconds = 60;  // the slow clients stay for the whole test
  options.max_connections_per_address = 200;
  StartServer(options);

  // 100 clients that started a request head and trickle a header line now and then.
  std::vector<int> slow;
  for (int i = 0; i < 100; ++i) {
    const int fd = Keep(Connect("127.0.0.2", port_));
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n"));
    slow.push_back(fd);
  }
  ASSERT_TRUE(WaitFor([&] { return server_->open_connections() == 100; }))
      << server_->open_connections();
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done) {
      for (int fd : slow) SendAll(fd, "X-Slow: 1\r\n");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });

  // Normal clients, a new connection per request, four at a time.
  std::vector<double> ms;
  std::mutex ms_mutex;
  std::vector<std::thread> clients;
  std::atomic<int> failures{0};
  std::string first_failure;  // guarded by ms_mutex
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const auto start = Clock::now();
        const int fd = Connect("127.0.0.1", port_, 5);
        const std::string reply = fd >= 0 && SendAll(fd, Get("/healthz", "Connection: close\r\n"))
                                      ? ReadResponse(fd)
                                      : "";
        const int err = errno;
        if (fd >= 0) ::close(fd);
        const double elapsed =
            std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        std::lock_guard<std::mutex> lock(ms_mutex);
        ms.push_back(elapsed);
        if (StatusOf(reply) != 200) {
          ++failures;
          if (first_failure.empty())
            first_failure = (fd < 0 ? "connect failed, " : "reply: ") + reply.substr(0, 200) +
                            " errno " + std::to_string(err);
        }
      }
    });
  }
  for (std::thread& t : clients) t.join();
  done = true;
  trickle.join();

  EXPECT_EQ(failures.load(), 0) << first_failure;
  std::sort(ms.begin(), ms.end());
  const double p99 = ms[ms.size() * 99 / 100];
  EXPECT_LT(p99, 200.0) << "p99 of the normal clients, ms";
  // The slow clients are still waiting, none was answered (the normal clients' connections
  // are counted until the server has seen them close, so wait for that).
  EXPECT_TRUE(WaitFor([&] { return server_->open_connections() == 100; }))
      << server_->open_connections();
  for (int fd : slow) {
    char byte;
    EXPECT_EQ(::recv(fd, &byte, 1, MSG_DONTWAIT), -1) << "a slow client was answered";
  }
}

TEST_F(HttpConnectionTest, BurstOfConnectionsGetsOnly200sAnd503s) {
  ServerOptions options;
  options.threads = 8;
  StartServer(options);

  constexpr int kBurst = 1000;
  std::vector<int> burst;
  for (int i = 0; i < kBurst; ++i) {
    const int fd = Keep(Connect("127.0.0.1", port_, 30));
    ASSERT_GE(fd, 0) << "connection " << i;
    burst.push_back(fd);
  }
  for (int fd : burst) ASSERT_TRUE(SendAll(fd, Get("/healthz", "Connection: close\r\n")));
  int ok = 0, busy = 0, other = 0;
  std::string example;
  for (int fd : burst) {
    const std::string reply = ReadResponse(fd);
    const int status = StatusOf(reply);
    if (status == 200) {
      ++ok;
    } else if (status == 503 && !HeaderOf(reply, "Retry-After").empty()) {
      ++busy;
    } else {
      ++other;
      if (example.empty()) example = reply.empty() ? "(empty reply)" : reply.substr(0, 200);
    }
  }
  EXPECT_EQ(other, 0) << example;
  EXPECT_GT(ok, 0);
  EXPECT_EQ(ok + busy, kBurst);
  // Every connection is let go afterwards.
  EXPECT_TRUE(WaitFor([&] { return server_->open_connections() == 0; }))
      << server_->open_connections();
}

TEST_F(HttpConnectionTest, ConnectionsPerAddressAreCapped) {
  ServerOptions options;
  options.max_connections_per_address = 5;
  StartServer(options);
  for (int i = 0; i < 5; ++i) ASSERT_GE(Keep(Connect("127.0.0.3", port_)), 0);
  ASSERT_TRUE(WaitFor([&] { return server_->open_connections() == 5; }));

  const int extra = Keep(Connect("127.0.0.3", port_));
  ASSERT_GE(extra, 0);
  ASSERT_TRUE(SendAll(extra, Get("/healthz")));
  const std::string refused = ReadResponse(extra);
  EXPECT_EQ(StatusOf(refused), 503) << refused;
  EXPECT_EQ(HeaderOf(refused, "Retry-After"), "2");

  // Another address is not affected.
  const int other = Keep(Connect("127.0.0.1", port_));
  ASSERT_TRUE(SendAll(other, Get("/healthz")));
  EXPECT_EQ(StatusOf(ReadResponse(other)), 200);
}

TEST_F(HttpConnectionTest, TrustedProxiesAreExemptFromTheAddressCap) {
  ServerOptions options;
  options.max_connections_per_address = 2;
  options.trusted_proxies = {"127.0.0.4"};
  StartServer(options);
  for (int i = 0; i < 4; ++i) ASSERT_GE(Keep(Connect("127.0.0.4", port_)), 0);
  ASSERT_TRUE(WaitFor([&] { return server_->open_connections() == 4; }));
  const int fd = Keep(Connect("127.0.0.4", port_));
  ASSERT_TRUE(SendAll(fd, Get("/healthz")));
  EXPECT_EQ(StatusOf(ReadResponse(fd)), 200);
}

TEST_F(HttpConnectionTest, AnIncompleteHeadIsAnswered408AtItsDeadline) {
  ServerOptions options;
  options.header_timeout_seconds = 1;
  StartServer(options);
  const int fd = Keep(Connect("127.0.0.1", port_));
  const auto start = Clock::now();
  ASSERT_TRUE(SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  const std::string reply = ReadResponse(fd);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(StatusOf(reply), 408) << reply;
  EXPECT_LT(seconds, 5.0);
  EXPECT_TRUE(WaitFor([&] { return server_->open_connections() == 0; }));
}

TEST_F(HttpConnectionTest, ATrickledBodyIsAnswered408AtItsDeadline) {
  ServerOptions options;
  options.body_timeout_seconds = 1;
  options.socket_timeout_seconds = 30;
  StartServer(options);
  const int fd = Keep(Connect("127.0.0.1", port_));
  ASSERT_TRUE(SendAll(fd,
                      "POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: "
                      "application/json\r\nContent-Length: 1000\r\n\r\n{"));
  std::atomic<bool> done{false};
  // One byte every 200 ms: each receive is quick, the whole would take minutes.
  std::thread trickle([&] {
    for (int i = 0; i < 50 && !done; ++i) {
      if (!SendAll(fd, " ")) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  const auto start = Clock::now();
  const std::string reply = ReadResponse(fd);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  done = true;
  trickle.join();
  EXPECT_EQ(StatusOf(reply), 408) << reply;
  EXPECT_LT(seconds, 5.0);
}

TEST_F(HttpConnectionTest, AnIdleKeepAliveConnectionIsClosed) {
  ServerOptions options;
  options.keep_alive_seconds = 1;
  StartServer(options);
  const int fd = Keep(Connect("127.0.0.1", port_));
  ASSERT_TRUE(SendAll(fd, Get("/healthz")));
  const std::string first = ReadResponse(fd);
  EXPECT_EQ(StatusOf(first), 200);
  // Kept alive: a second request on the same connection is answered.
  ASSERT_TRUE(SendAll(fd, Get("/healthz")));
  EXPECT_EQ(StatusOf(ReadResponse(fd)), 200);
  EXPECT_TRUE(ClosedWithin(fd, 5));
  EXPECT_TRUE(WaitFor([&] { return server_->open_connections() == 0; }));
}

TEST_F(HttpConnectionTest, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  ServerOptions options;
  options.trusted_proxies = {"127.0.0.5"};
  StartServer(options);
  const auto whoami = [&](const char* source, const std::string& forwarded) {
    const int fd = Keep(Connect(source, port_));
    SendAll(fd, Get("/api/v1/whoami", "X-Forwarded-For: " + forwarded + "\r\n"));
    const std::string reply = ReadResponse(fd);
    return reply.substr(reply.find("\r\n\r\n") + 4);
  };
  // From a client: the header is ignored.
  EXPECT_EQ(whoami("127.0.0.1", "203.0.113.7"), "{\"addr\":\"127.0.0.1\"}");
  // From the proxy: the rightmost address that is not a trusted proxy (the left ones may be
  // forged by the client).
  EXPECT_EQ(whoami("127.0.0.5", "198.51.100.1, 203.0.113.7"), "{\"addr\":\"203.0.113.7\"}");
  EXPECT_EQ(whoami("127.0.0.5", "203.0.113.7, 127.0.0.5"), "{\"addr\":\"203.0.113.7\"}");
  // Garbage is not an address: the proxy's own address stands.
  EXPECT_EQ(whoami("127.0.0.5", "not-an-ip"), "{\"addr\":\"127.0.0.5\"}");
}

// Hostile heads: one longer than the limit (one huge header) is answered 431, a head of a
// thousand small header fields (under the byte limit, over the parser's field count) gets a 4xx
// answer rather than an empty reply or a crash, as does a head of binary bytes (a TLS hello); a
// header line without a colon is answered too. The server answers everyone else throughout and holds no connection open.
TEST_F(HttpConnectionTest, HugeOrMalformedHeadsAreAnsweredAndHarmNoOne) {
  StartServer(ServerOptions{});
  const auto answer = [&](const std::string& head) {
    const int fd = Keep(Connect("127.0.0.1", port_));
    SendAll(fd, head);
    return StatusOf(ReadResponse(fd));
  };
  EXPECT_EQ(answer(Get("/healthz", "X-Big: " + std::string(64 * 1024, 'a') + "\r\n")), 431);
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "X-F" + std::to_string(i) + ": 1\r\n";
  const int fields = answer(Get("/healthz", many));
  EXPECT_GE(fields, 400) << "a thousand fields";
  EXPECT_LT(fields, 500) << "a thousand fields";
  EXPECT_NE(answer(Get("/healthz", "no colon here\r\n")), 0) << "answered, however";
  const int binary = answer(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) +
                            "\r\n\r\n");
  EXPECT_GE(binary, 400) << "a TLS hello on the plain port";
  EXPECT_LT(binary, 500);
  const int fd = Keep(Connect("127.0.0.1", port_));
  ASSERT_TRUE(SendAll(fd, Get("/healthz")));
  EXPECT_EQ(StatusOf(ReadResponse(fd)), 200);
}

TEST_F(HttpConnectionTest, ApiResponsesAreNotSniffedOrStored) {
  StartServer(ServerOptions{});
  const int fd = Keep(Connect("127.0.0.1", port_));
  ASSERT_TRUE(SendAll(fd, Get("/api/v1/whoami")));
  const std::string reply = ReadResponse(fd);
  EXPECT_EQ(HeaderOf(reply, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(reply, "Cache-Control"), "no-store");
  const int fd2 = Keep(Connect("127.0.0.1", port_));
  ASSERT_TRUE(SendAll(fd2, Get("/api/v1/nope")));
  const std::string missing = ReadResponse(fd2);
  EXPECT_EQ(StatusOf(missing), 404);
  EXPECT_EQ(HeaderOf(missing, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(missing, "Cache-Control"), "no-store");
}

}  // namespace
}  // namespace onetable::testing
