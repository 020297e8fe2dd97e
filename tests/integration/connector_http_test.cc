// The http connector as an operator runs it: `onetable import` (the real binary, which loads
// onetable_connector_http.so) reading a paged JSON API served on loopback by this test (a Poco
// HTTPServer in-process), and the example weijian-api.yaml against its python3 demo server.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "cli_runner.h"
#include "model/catalog.h"
#include "model/id_number.h"
#include "store/store.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

const char kToken[] = "s3cret-Token-xyz";
const char kPassword[] = "Basic-Pass-987";

std::string Id(const std::string& first17) { return first17 + IdCheckCharacter(first17); }

struct Person {
  std::string id, name, id_number, phone, updated;
};

// A department API: /api/women, paged by page/size (bearer) or by an opaque cursor (basic),
// filtered by updated_since, with failures to inject. Thread-safe (the server's threads).
class FakeApi {
 public:
  std::mutex mu;
  std::vector<Person> people;
  std::string paging = "page";  // page | cursor
  int fail_next = 0;            // answer this many requests with fail_status first
  int fail_status = 500;
  std::string raw_body;  // when set, the body of every answer
  std::vector<std::string> requests;

  void Handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    std::lock_guard<std::mutex> lock(mu);
    requests.push_back(req.getURI());
    auto reply = [&](int status, const std::string& body) {
      resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
      resp.setContentType("application/json; charset=utf-8");
      resp.sendBuffer(body.data(), body.size());
    };
    if (fail_next > 0) {
      --fail_next;
      reply(fail_status, "{\"code\":" + std::to_string(fail_status) + ",\"message\":\"busy\"}");
      return;
    }
    if (!Authorized(req)) {
      reply(401, R"({"code":401,"message":"invalid credentials"})");
      return;
    }
    if (!raw_body.empty()) {
      reply(200, raw_body);
      return;
    }
    Poco::URI uri(req.getURI());
    std::map<std::string, std::string> q;
    for (const auto& [k, v] : uri.getQueryParameters()) q[k] = v;
    std::vector<Person> rows;
    for (const Person& p : people) {
      if (q.count("updated_since") == 0 || p.updated >= q["updated_since"]) rows.push_back(p);
    }
    std::sort(rows.begin(), rows.end(), [](const Person& a, const Person& b) {
      return std::tie(a.updated, a.id) < std::tie(b.updated, b.id);
    });
    const size_t size = q.count("size") ? std::stoul(q["size"]) : 20;
    if (paging == "page") {
      const size_t page = std::stoul(q["page"]);
      std::string items;
      for (size_t i = (page - 1) * size; i < std::min(rows.size(), page * size); ++i) {
        items += (items.empty() ? "" : ",") + Json(rows[i]);
      }
      reply(200, R"({"code":0,"data":{"total":)" + std::to_string(rows.size()) + R"(,"items":[)" +
                     items + "]}}");
    } else {
      const size_t offset = q.count("cursor") ? std::stoul(q["cursor"].substr(1)) : 0;
      std::string items;
      for (size_t i = offset; i < std::min(rows.size(), offset + size); ++i) {
        items += (items.empty() ? "" : ",") + Json(rows[i]);
      }
      const std::string next = offset + size < rows.size()
                                   ? "\"o" + std::to_string(offset + size) + "\""
                                   : std::string("null");
      reply(200, R"({"result":{"rows":[)" + items + R"(],"next":)" + next + "}}");
    }
  }

 private:
  bool Authorized(Poco::Net::HTTPServerRequest& req) {
    if (paging == "page") return req.get("Authorization", "") == std::string("Bearer ") + kToken;
    try {
      Poco::Net::HTTPBasicCredentials creds(req);
      return creds.getUsername() == "weijian" && creds.getPassword() == kPassword;
    } catch (const std::exception&) {
      return false;
    }
  }
  static std::string Json(const Person& p) {
    return R"({"personId":")" + p.id + R"(","name":")" + p.name + R"(","idCard":")" + p.id_number +
           R"(","phone":")" + p.phone +
           R"(","address":{"detail":"清江大道88号"},"childrenCount":1,"updatedAt":")" + p.updated +
           R"("})";
  }
};

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(FakeApi* api) : api_(api) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    api_->Handle(req, resp);
  }

 private:
  FakeApi* api_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(FakeApi* api) : api_(api) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(api_);
  }

 private:
  FakeApi* api_;
};

const std::string kHuang = Id("42058119930612022");
const std::string kLin = Id("42058119900215044");
const std::string kZheng = Id("42058119981120066");
const std::string kPeng = Id("42058119870708088");
const std::string kXu = Id("42058119950505024");

class HttpConnector : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(c.ok()) << c.status().message();
    catalog_ = new Catalog(std::move(*c));
  }

  void SetUp() override {
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    CliResult init = RunCli({"--store", url_, "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    std::string bad = Id("42058119960303028");
    bad.back() = bad.back() == '1' ? '2' : '1';
    api_.people = {
        {"WJ-1", "黄晓燕", kHuang, "13886001001", "2024-06-01T08:30:00+08:00"},
        {"WJ-2", "林芳", kLin, "13886001002", "2024-06-02T09:00:00+08:00"},
        {"WJ-3", "郑佳", kZheng, "0717-4823003", "2024-06-02T15:45:00+08:00"},
        {"WJ-4", "曾小红", bad, "13886001004", "2024-06-03T10:10:00+08:00"},
        {"WJ-5", "彭静", kPeng, "13886001005", "2024-06-04T16:20:00+08:00"},
    };
    socket_ = std::make_unique<Poco::Net::ServerSocket>(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket_->address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(&api_), *socket_,
                                                      new Poco::Net::HTTPServerParams);
    server_->start();
  }

  void TearDown() override {
    if (server_) server_->stopAll(true);
    store_.reset();
    if (python_ > 0) {
      kill(python_, SIGTERM);
      waitpid(python_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  std::string Base() { return "http://127.0.0.1:" + std::to_string(port_) + "/api/women"; }

  std::string WriteSpec(const std::string& options, const std::string& name = "wj.yaml") {
    const std::string path = dir_ + "/" + name;
    WriteFile(path,
              "id: wj-test\n"
              "title: 卫健接口（测试）\n"
              "type: http\n"
              "trust: 60\n"
              "options:\n" +
                  options +
                  "entity: person\n"
                  "match: {id_number: idCard}\n"
                  "fields: {name: name, phone: phone, current_address: address.detail}\n"
                  "tags:\n"
                  "  - {tag: childbearing, attrs: {children_count: childrenCount}}\n");
    return path;
  }
  std::string PageSpec(const std::string& extra = "", int page_size = 2) {
    return WriteSpec(
        "  url: " + Base() +
        "\n  records_path: data.items\n  key: personId\n  page_size: " + std::to_string(page_size) +
        "\n"
        "  since_param: updated_since\n  since_field: updatedAt\n"
        "  auth: bearer\n  token: ${WJ_TOKEN}\n  retry_delay_ms: 1\n" +
        extra);
  }

  CliResult Import(const std::string& yaml, const std::string& token = kToken) {
    return RunCli({"--store", url_, "import", yaml}, "", {{"WJ_TOKEN", token}});
  }
  std::vector<std::string> Requests() {
    std::lock_guard<std::mutex> lock(api_.mu);
    std::vector<std::string> out;
    out.swap(api_.requests);
    return out;
  }

  Store* store() {
    if (!store_) {
      auto s = OpenStore(url_, *catalog_);
      EXPECT_TRUE(s.ok()) << s.status().message();
      store_ = std::move(*s);
    }
    return store_.get();
  }
  int64_t Persons() { return *store()->Count(EntityKind::kPerson, {}); }
  size_t Runs() { return store()->ListImportRuns("", 0, 100)->size(); }
  std::string PhoneOf(const std::string& id_number) {
    auto row = store()->FindBy(EntityKind::kPerson, "id_number", id_number);
    if (!row.ok()) return "<" + row.status().message() + ">";
    const std::string* phone = row->Get("phone");
    return phone ? *phone : "";
  }

  static Catalog* catalog_;
  std::string dir_, url_;
  FakeApi api_;
  std::unique_ptr<Poco::Net::ServerSocket> socket_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
  pid_t python_ = -1;
  std::unique_ptr<Store> store_;
};
Catalog* HttpConnector::catalog_ = nullptr;

TEST_F(HttpConnector, PagesWithABearerTokenAndReadsIncrementally) {
  const std::string yaml = PageSpec();
  CliResult first = Import(yaml);
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  // Five records on three pages; 曾小红's ID number has a wrong check digit.
  EXPECT_EQ(ReportCounts(first.out), (std::vector<int64_t>{5, 4, 0, 0, 0, 0, 1})) << first.out;
  EXPECT_EQ(Requests(),
            (std::vector<std::string>{"/api/women?page=1&size=2", "/api/women?page=2&size=2",
                                      "/api/women?page=3&size=2"}));
  EXPECT_EQ((first.out + first.err).find(kToken), std::string::npos);
  auto q = store()->ListQuarantine(0, 0, 10);
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].location, Base() + "?page=2&size=2");
  EXPECT_EQ((*q)[0].row, 2);

  // The next run asks only for what changed since the latest record seen (the API repeats it).
  CliResult second = Import(yaml);
  ASSERT_EQ(second.exit_code, 0) << second.err << second.out;
  EXPECT_EQ(ReportCounts(second.out), (std::vector<int64_t>{1, 0, 0, 1, 0, 0, 0})) << second.out;
  EXPECT_EQ(Requests(), (std::vector<std::string>{
                            "/api/women?updated_since=2024-06-04T16%3A20%3A00%2B08%3A00&page=1&"
                            "size=2"}));

  {
    std::lock_guard<std::mutex> lock(api_.mu);
    api_.people[1].phone = "13886009999";
    api_.people[1].updated = "2024-06-05T10:00:00+08:00";
    api_.people.push_back({"WJ-6", "许静", kXu, "13886001006", "2024-06-05T11:00:00+08:00"});
  }
  CliResult third = Import(yaml);
  ASSERT_EQ(third.exit_code, 0) << third.err << third.out;
  EXPECT_EQ(ReportCounts(third.out), (std::vector<int64_t>{3, 1, 1, 1, 0, 0, 0})) << third.out;
  EXPECT_EQ(PhoneOf(kLin), "13886009999");
  EXPECT_EQ(Persons(), 5);
}

TEST_F(HttpConnector, FollowsCursorsWithBasicAuth) {
  api_.paging = "cursor";
  api_.people[3].id_number = Id("42058119960303028");  // all five valid this time
  const std::string spec =
      "  url: " + Base() +
      "\n  records_path: result.rows\n  key: personId\n  paging: cursor\n"
      "  cursor_param: cursor\n  next_cursor_path: result.next\n  page_size: 2\n"
      "  auth: basic\n  username: weijian\n  password: ${WJ_TOKEN}\n";
  CliResult r = Import(WriteSpec(spec), kPassword);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(ReportCounts(r.out), (std::vector<int64_t>{5, 5, 0, 0, 0, 0, 0})) << r.out;
  EXPECT_EQ(Requests(),
            (std::vector<std::string>{"/api/women?size=2", "/api/women?cursor=o2&size=2",
                                      "/api/women?cursor=o4&size=2"}));

  // A wrong password: the run fails naming the URL and the status, never the password.
  CliResult denied = Import(WriteSpec(spec), "Wrong-Pass-000");
  EXPECT_EQ(denied.exit_code, 1) << denied.err << denied.out;
  EXPECT_NE(denied.err.find("401"), std::string::npos) << denied.err;
  EXPECT_NE(denied.err.find(Base() + "?size=2"), std::string::npos) << denied.err;
  EXPECT_EQ((denied.err + denied.out).find("Wrong-Pass-000"), std::string::npos);
  EXPECT_EQ(Runs(), 1u);
}

TEST_F(HttpConnector, RetriesServerErrorsThenGivesUpCleanly) {
  api_.fail_next = 1;  // page 1 answers 500 once
  CliResult r = Import(PageSpec("  retries: 2\n"));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(ReportCounts(r.out), (std::vector<int64_t>{5, 4, 0, 0, 0, 0, 1})) << r.out;
  EXPECT_EQ(Requests().size(), 4u);  // page 1 twice, pages 2 and 3

  struct Case {
    int status, exit_code;
    std::string says;
  };
  // A 500 that persists is a failed run; a gateway that keeps saying the backend is down is an
  // unreachable source. Either way nothing is written.
  for (const Case& c : {Case{500, 1, "HTTP 500"}, Case{503, 3, "HTTP 503"}}) {
    api_.fail_next = 100;
    api_.fail_status = c.status;
    CliResult failed = Import(PageSpec("  retries: 2\n"));
    EXPECT_EQ(failed.exit_code, c.exit_code) << failed.err << failed.out;
    EXPECT_NE(failed.err.find(c.says), std::string::npos) << failed.err;
    EXPECT_NE(failed.err.find("共尝试 3 次"), std::string::npos) << failed.err;
    EXPECT_NE(failed.err.find(Base()), std::string::npos) << failed.err;
    EXPECT_EQ(Requests().size(), 3u);
    EXPECT_EQ(Runs(), 1u);
  }
  api_.fail_next = 0;
  EXPECT_EQ(Persons(), 4);
}

TEST_F(HttpConnector, AnUnreachableApiExitsThreeWithNothingWritten) {
  server_->stopAll(true);
  socket_->close();
  CliResult r = Import(PageSpec());
  EXPECT_EQ(r.exit_code, 3) << r.err << r.out;
  std::string status;
  ReportCounts(r.out, &status);
  EXPECT_EQ(status, "unreachable");
  EXPECT_NE(r.err.find("连接被拒绝"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:" + std::to_string(port_)), std::string::npos) << r.err;
  EXPECT_EQ(Persons(), 0);
  EXPECT_EQ(Runs(), 0u);
  server_.reset();
}

TEST_F(HttpConnector, RefusesResponsesItCannotUse) {
  struct Case {
    std::string body, extra, says;
  };
  const std::string big(4096, ' ');
  const Case cases[] = {
      {R"({"data":{"list":[]}})", "", "data.items"},
      {"<html>login</html>", "", "无法解析"},
      {std::string(100, '[') + std::string(100, ']'), "", "嵌套"},
      {R"({"data":{"items":[]}})" + big, "  max_response_bytes: 2048\n", "max_response_bytes"},
  };
  for (const Case& c : cases) {
    api_.raw_body = c.body;
    CliResult r = Import(PageSpec(c.extra));
    EXPECT_EQ(r.exit_code, 1) << c.says << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
  }
  // Elements that are not objects, or lack the key, go to quarantine with their page and row; so
  // does one whose value holds a NUL (it would reach the register cut short).
  api_.raw_body = R"({"data":{"items":[42, {"name":"无主键"},)"
                  R"( {"personId":"WJ-9","name":"坏值","idCard":"420102198001010012\u0000GARBAGE"}]}})";
  CliResult r = Import(PageSpec("", 10));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(ReportCounts(r.out), (std::vector<int64_t>{3, 0, 0, 0, 0, 0, 3})) << r.out;
  auto q = store()->ListQuarantine(0, 0, 10);
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 3u);
  EXPECT_EQ((*q)[0].row, 1);
  EXPECT_EQ((*q)[1].row, 2);
  EXPECT_EQ((*q)[1].column, "personId");
  EXPECT_EQ((*q)[2].row, 3);
  EXPECT_EQ((*q)[2].column, "idCard");
  EXPECT_NE((*q)[2].reason.find("NUL"), std::string::npos) << (*q)[2].reason;
  EXPECT_EQ(Runs(), 1u);
}

// https through Poco NetSSL: a certificate signed by the CA in ca_file is accepted; without
// ca_file the same self-signed certificate is refused, and the run fails naming TLS.
TEST_F(HttpConnector, ReadsHttpsAndRefusesAnUntrustedCertificate) {
  const std::string key = dir_ + "/key.pem", cert = dir_ + "/cert.pem";
  const std::string make_cert =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost -keyout " +
      key + " -out " + cert + " 2>/dev/null";
  ASSERT_EQ(std::system(make_cert.c_str()), 0) << make_cert;
  Poco::Net::initializeSSL();
  Poco::Net::Context::Ptr context = new Poco::Net::Context(
      Poco::Net::Context::TLS_SERVER_USE, key, cert, "", Poco::Net::Context::VERIFY_NONE);
  Poco::Net::SecureServerSocket tls(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context);
  const int port = tls.address().port();
  Poco::Net::HTTPServer server(new Factory(&api_), tls, new Poco::Net::HTTPServerParams);
  server.start();
  const std::string url = "https://localhost:" + std::to_string(port) + "/api/women";
  auto spec = [&](const std::string& extra) {
    return WriteSpec("  url: " + url +
                     "\n  records_path: data.items\n  key: personId\n  page_size: 10\n"
                     "  auth: bearer\n  token: ${WJ_TOKEN}\n  retries: 0\n" +
                     extra);
  };
  CliResult untrusted = Import(spec(""));
  EXPECT_EQ(untrusted.exit_code, 1) << untrusted.err << untrusted.out;
  EXPECT_NE(untrusted.err.find("TLS"), std::string::npos) << untrusted.err;
  EXPECT_NE(untrusted.err.find(url), std::string::npos) << untrusted.err;
  EXPECT_EQ(Runs(), 0u);

  CliResult trusted = Import(spec("  ca_file: cert.pem\n"));  // relative to the YAML
  server.stopAll(true);
  ASSERT_EQ(trusted.exit_code, 0) << trusted.err << trusted.out;
  EXPECT_EQ(ReportCounts(trusted.out), (std::vector<int64_t>{5, 4, 0, 0, 0, 0, 1})) << trusted.out;
}

// ops/examples/connectors/weijian-api.yaml against ops/examples/data/weijian_api_server.py, as
// the YAML's header says to run them (on a free port instead of 18080).
TEST_F(HttpConnector, TheWeijianExampleImportsFromItsDemoServer) {
  const int port = FreePort();
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  python_ = fork();
  ASSERT_GE(python_, 0);
  if (python_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);  // its request log
    close(out[0]);
    close(out[1]);
    execlp("python3", "python3", ONETABLE_SOURCE_DIR "/ops/examples/data/weijian_api_server.py",
           "--port", std::to_string(port).c_str(), "--token", "demo-token", nullptr);
    _exit(127);
  }
  close(out[1]);
  // It prints its first line once it listens.
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  close(out[0]);
  ASSERT_NE(line.find("serving"), std::string::npos) << line;

  std::string yaml = ReadFile(ONETABLE_SOURCE_DIR "/ops/examples/connectors/weijian-api.yaml");
  yaml.replace(yaml.find("127.0.0.1:18080"), 15, "127.0.0.1:" + std::to_string(port));
  WriteFile(dir_ + "/weijian-api.yaml", yaml);
  auto run = [&] {
    return RunCli({"--store", url_, "import", dir_ + "/weijian-api.yaml"}, "",
                  {{"WEIJIAN_API_TOKEN", "demo-token"}});
  };
  CliResult first = run();
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  EXPECT_EQ(ReportCounts(first.out), (std::vector<int64_t>{5, 4, 0, 0, 0, 0, 1})) << first.out;
  CliResult second = run();
  ASSERT_EQ(second.exit_code, 0) << second.err << second.out;
  EXPECT_EQ(ReportCounts(second.out), (std::vector<int64_t>{1, 0, 0, 1, 0, 0, 0})) << second.out;
}

}  // namespace
}  // namespace onetable::testing
