// Streamed answers (HttpResponse::stream) over real HTTP on loopback: small bodies arrive whole
// with a Content-Length, large ones in chunks as they are written; a stream that fails before
// its first bytes leave becomes an ordinary error answer, and one that fails later cuts the
// connection so the client never takes a partial body for a whole one.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "cli_runner.h"
#include "http/router.h"
#include "http/server.h"
#include "model/catalog.h"
#include "store/store.h"

namespace onetable {
namespace {

constexpr size_t kLine = 100;  // bytes per streamed line

// Writes `lines` lines of kLine bytes ("000001 xxxx...\n"), then returns `end`.
Status WriteLines(std::ostream& out, int lines, const Status& end) {
  for (int i = 1; i <= lines && out; ++i) {
    std::string number = std::to_string(i);
    std::string line = std::string(6 - number.size(), '0') + number + ' ';
    line.append(kLine - line.size() - 1, 'x');
    out << line << '\n';
  }
  if (!out) return Status::Internal("write failed");
  return end;
}

class HttpStream : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Catalog> catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = std::make_unique<Catalog>(std::move(*catalog));
    dir_ = testing::MakeTempDir();
    const std::string url = "sqlite:" + dir_ + "/stream.db";
    const Catalog* c = catalog_.get();
    {
      Result<std::unique_ptr<Store>> store = OpenStore(url, *c);  // creates the schema once
      ASSERT_TRUE(store.ok()) << store.status().message();
    }
    Router router;
    const auto route = [&](const std::string& path, int lines, Status end) {
      ASSERT_TRUE(router
                      .Add("GET", path,
                           [lines, end](const RequestContext& ctx) {
                             HttpResponse response;
                             response.content_type = "text/plain; charset=utf-8";
                             // The store stays checked out while the body is written.
                             const bool has_store = ctx.store != nullptr;
                             response.stream = [lines, end, has_store](std::ostream& out) {
                               if (!has_store) return Status::Internal("no store");
                               return WriteLines(out, lines, end);
                             };
                             return response;
                           })
                      .ok());
    };
    route("/small", 10, Status::Ok());
    route("/large", 20000, Status::Ok());  // 2 MB, far past what the server holds back
    route("/early-failure", 10, Status::Invalid("参数 x 无效"));
    route("/late-failure", 20000, Status::Internal("the store went away"));
    ServerOptions options;
    options.threads = 1;  // one store: a request that kept it would starve the next
    options.log_requests = false;
    server_ = std::make_unique<Server>(
        std::move(router), [url, c]() { return OpenStore(url, *c); }, options);
    Status st = server_->Start("127.0.0.1", 0);
    ASSERT_TRUE(st.ok()) << st.message();
  }

  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  struct Reply {
    int status = 0;
    Poco::Net::HTTPResponse head;
    std::string body;
  };

  Reply Get(const std::string& path) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server_->port()));
    Poco::Net::HTTPRequest request("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Reply reply;
    std::istream& in = session.receiveResponse(reply.head);
    reply.status = reply.head.getStatus();
    Poco::StreamCopier::copyToString(in, reply.body);
    return reply;
  }

  std::unique_ptr<Catalog> catalog_;
  std::string dir_;
  std::unique_ptr<Server> server_;
};

TEST_F(HttpStream, SmallBodyIsSentWholeWithItsLength) {
  Reply reply = Get("/small");
  EXPECT_EQ(reply.status, 200);
  EXPECT_FALSE(reply.head.getChunkedTransferEncoding());
  EXPECT_EQ(reply.head.getContentLength64(), static_cast<Poco::Int64>(10 * kLine));
  EXPECT_EQ(reply.body.size(), 10 * kLine);
  EXPECT_FALSE(reply.head.get("X-Request-Id", "").empty());
}

TEST_F(HttpStream, LargeBodyIsChunkedAndArrivesWhole) {
  Reply reply = Get("/large");
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(reply.head.getChunkedTransferEncoding());
  EXPECT_FALSE(reply.head.get("X-Request-Id", "").empty());
  ASSERT_EQ(reply.body.size(), 20000 * kLine);
  EXPECT_EQ(reply.body.substr(0, 7), "000001 ");
  EXPECT_EQ(reply.body.substr(reply.body.size() - kLine, 7), "020000 ");
}

TEST_F(HttpStream, FailureBeforeTheFirstBytesIsAnErrorAnswer) {
  Reply reply = Get("/early-failure");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("参数 x 无效"), std::string::npos) << reply.body;
  EXPECT_EQ(reply.body.find("000001"), std::string::npos) << "the partial body leaked";
}

TEST_F(HttpStream, FailureAfterTheHeadersCutsTheConnection) {
  // Raw socket: read everything the server sends until it closes the connection.
  Poco::Net::StreamSocket socket(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server_->port())));
  const std::string request = "GET /late-failure HTTP/1.1\r\nHost: localhost\r\n\r\n";
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  socket.setReceiveTimeout(Poco::Timespan(20, 0));
  std::string raw;
  char buffer[64 * 1024];
  for (int n; (n = socket.receiveBytes(buffer, sizeof buffer)) > 0;) raw.append(buffer, n);
  ASSERT_EQ(raw.rfind("HTTP/1.1 200", 0), 0u) << raw.substr(0, 200);
  EXPECT_NE(raw.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_GT(raw.size(), 300u * 1024) << "some of the body went out before the failure";
  // No last chunk: a client cannot mistake the cut body for a complete one.
  EXPECT_EQ(raw.find("\r\n0\r\n\r\n"), std::string::npos);

  // The store came back to the pool and the server carries on.
  Reply after = Get("/small");
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body.size(), 10 * kLine);
}

TEST_F(HttpStream, ServeWithoutASocketMakesTheBodyWhole) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/large";
  HttpResponse response = server_->Serve(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_FALSE(response.stream);
  EXPECT_EQ(response.body.size(), 20000 * kLine);
  request.path = "/late-failure";
  EXPECT_EQ(server_->Serve(request).status, 500);
}

}  // namespace
}  // namespace onetable
