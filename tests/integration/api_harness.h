// The REST API for real, for the api_*_test.cc suites: a Server on 127.0.0.1 (ephemeral port)
// with the register's routes, the login routes and the Authenticator, over a real store seeded
// through the Store API with a small tree in two communities, and one signed-in client per role.
//
// The store is a temporary SQLite file, or with ONETABLE_TEST_STORE=mysql the database at
// ONETABLE_TEST_MYSQL_URL (wiped first). Passwords are hashed with few PBKDF2 iterations so that
// sign-in is fast; everything else is as `onetable serve` runs it. API_TEST_LOG=1 in the
// environment turns the server's request log (with 5xx causes) on, for debugging.
//
// The seeded tree (ids in ApiHarness::ids):
//   district 420581 宜都市 → street 420581001 陆城街道
//     community A 420581001001 东风社区: grid A1 "01" (building b_a1 → household h_a1: persons
//       zhang (head), li), grid A2 "02" (b_a2 → h_a2: wang)
//     community B 420581001002 西湖社区: grid B1 "01" (b_b1 → h_b1: zhao)
// Users (roles as access.h): admin; admin_s (admin + "sensitive"); ca_a (community_admin of A);
// gw_a1 (grid_worker of A/01); gw_a2 (of A/02); gw_b1 (of B/01); ca_b (community_admin of B);
// dept (department, granted minzheng/gaoling-jintie and a token).
#ifndef ONETABLE_TESTS_INTEGRATION_API_HARNESS_H_
#define ONETABLE_TESTS_INTEGRATION_API_HARNESS_H_

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "access/access.h"
#include "app/background_jobs.h"
#include "auth/authenticator.h"
#include "auth/password.h"
#include "cli_runner.h"
#include "http/auth_handlers.h"
#include "http/connector_handlers.h"
#include "http/delivery_handlers.h"
#include "http/mapping_handlers.h"
#include "http/metrics.h"
#include "http/person_handlers.h"
#include "http/register_handlers.h"
#include "http/review_handlers.h"
#include "http/router.h"
#include "http/server.h"
#include "http/service_context.h"
#include "http/table_handlers.h"
#include "http/tag_handlers.h"
#include "http/transfer_handlers.h"
#include "model/catalog.h"
#include "model/divisions.h"
#include "model/id_number.h"
#include "store/store.h"

namespace onetable::testing {

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> headers;  // as sent (Poco keeps the case)

  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (Poco::icompare(k, name) == 0) return v;
    }
    return "";
  }
  rapidjson::Document Json() const {
    rapidjson::Document doc;
    doc.Parse(body.c_str(), body.size());
    return doc;
  }
};

// One keep-alive connection with one bearer token (none: "").
class ApiClient {
 public:
  ApiClient(int port, std::string token) : session_("127.0.0.1", port), token_(std::move(token)) {
    session_.setKeepAlive(true);
    session_.setTimeout(Poco::Timespan(60, 0));
  }

  Reply Call(const std::string& method, const std::string& target, const std::string& body = "",
             const std::map<std::string, std::string>& headers = {}) {
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token_.empty()) request.set("Authorization", "Bearer " + token_);
    for (const auto& [k, v] : headers) request.set(k, v);
    if (!body.empty() || method == "POST" || method == "PUT") {
      request.setContentType("application/json");
      request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    std::ostream& out = session_.sendRequest(request);
    out << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session_.receiveResponse(response);
    Reply reply;
    reply.status = response.getStatus();
    reply.content_type = response.getContentType();
    for (const auto& [name, value] : response) reply.headers[name] = value;
    Poco::StreamCopier::copyToString(in, reply.body);
    return reply;
  }
  Reply Get(const std::string& target) { return Call("GET", target); }
  Reply Post(const std::string& target, const std::string& body, const std::string& if_match = "") {
    return Call("POST", target, body, IfMatch(if_match));
  }
  Reply Put(const std::string& target, const std::string& body, const std::string& if_match) {
    return Call("PUT", target, body, IfMatch(if_match));
  }
  Reply Delete(const std::string& target, const std::string& if_match) {
    return Call("DELETE", target, "", IfMatch(if_match));
  }

 private:
  static std::map<std::string, std::string> IfMatch(const std::string& etag) {
    if (etag.empty()) return {};
    return {{"If-Match", etag}};
  }
  Poco::Net::HTTPClientSession session_;
  std::string token_;
};

// A valid 18-digit ID number: area 420581, birth YYYYMMDD, serial 001–999 (odd: male).
inline std::string MakeIdNumber(const std::string& birth, int serial) {
  char seq[8];  // room for any int, though serials are 1–999
  std::snprintf(seq, sizeof seq, "%03d", serial % 1000);
  std::string first17 = "420581" + birth + seq;
  return first17 + IdCheckCharacter(first17);
}

// A JSON string literal for `text`.
inline std::string Quote(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return buffer.GetString();
}

struct SeedIds {
  int64_t district = 0, street = 0, community_a = 0, community_b = 0;
  int64_t grid_a1 = 0, grid_a2 = 0, grid_b1 = 0;
  int64_t building_a1 = 0, building_a2 = 0, building_b1 = 0;
  int64_t household_a1 = 0, household_a2 = 0, household_b1 = 0;
  int64_t zhang = 0, li = 0, wang = 0, zhao = 0;
};

class ApiHarness : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Catalog> catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = std::make_unique<Catalog>(std::move(*catalog));
    Result<Divisions> divisions = Divisions::Load(ONETABLE_SOURCE_DIR "/schema/divisions");
    if (divisions.ok()) divisions_ = std::make_unique<Divisions>(std::move(*divisions));
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    Result<std::unique_ptr<Store>> store = OpenStore(url_, *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    Seed();
    if (HasFatalFailure()) return;

    policy_ = std::make_unique<AccessPolicy>(*catalog_);
    AuthOptions auth_options;
    auth_options.password_iterations = kIterations;
    auth_ = std::make_unique<Authenticator>(auth_options);
    AppSettings settings;
    settings.schema_dir = ONETABLE_SOURCE_DIR "/schema";
    settings.mappings_dir = ONETABLE_SOURCE_DIR "/mappings";
    settings.connectors_dir = dir_ + "/connectors";
    service_ = std::make_unique<ServiceContext>(
        ServiceContext{*catalog_, *policy_, settings, divisions_.get(), auth_.get(), &metrics_});
    service_->jobs = &jobs_;
    {
      const Catalog* cat = catalog_.get();
      const std::string url = url_;
      service_->open_store = [cat, url]() { return OpenStore(url, *cat); };
    }
    Router router;
    Status st = RegisterAuthRoutes(&router, *service_);
    if (st.ok()) st = RegisterRegisterRoutes(&router, *service_);
    if (st.ok()) st = RegisterPersonRoutes(&router, *service_);
    if (st.ok()) st = RegisterTagRoutes(&router, *service_);
    if (st.ok()) st = RegisterReviewRoutes(&router, *service_);
    if (st.ok()) st = RegisterConnectorRoutes(&router, *service_);
    if (st.ok()) st = RegisterMappingRoutes(&router, *service_);
    if (st.ok()) st = RegisterTableRoutes(&router, *service_);
    if (st.ok()) st = RegisterDeliveryRoutes(&router, *service_);
    if (st.ok()) st = RegisterTransferRoutes(&router, *service_);
    if (st.ok()) st = RegisterMetricsRoute(&router, &metrics_);
    ASSERT_TRUE(st.ok()) << st.message();
    routes_ = router.Routes();
    ServerOptions options;
    options.threads = threads();
    options.log_requests = std::getenv("API_TEST_LOG") != nullptr;
    options.authenticator = auth_.get();
    options.metrics = &metrics_;
    const Catalog* cat = catalog_.get();
    const std::string url = url_;
    server_ = std::make_unique<Server>(
        std::move(router), [cat, url]() { return OpenStore(url, *cat); }, options);
    st = server_->Start("127.0.0.1", 0);
    ASSERT_TRUE(st.ok()) << st.message();
    for (const char* user : {"admin", "admin_s", "ca_a", "gw_a1", "gw_a2", "gw_b1", "ca_b"}) {
      LoginOutcome login = auth_->Login(*store_, user, kPassword);
      ASSERT_TRUE(login.status.ok()) << user << ": " << login.status.message();
      tokens_[user] = login.token;
    }
    Result<User> dept = store_->GetUser("dept");
    ASSERT_TRUE(dept.ok());
    auto token = auth_->IssueApiToken(*store_, *dept, "test", "admin");
    ASSERT_TRUE(token.ok()) << token.status().message();
    tokens_["dept"] = token->first;
  }

  void TearDown() override {
    if (server_) server_->Stop();
    jobs_.WaitIdle();
    server_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  virtual int threads() const { return 8; }

  std::unique_ptr<ApiClient> As(const std::string& user) {
    return std::make_unique<ApiClient>(server_->port(), user.empty() ? "" : tokens_.at(user));
  }

  int64_t Add(EntityKind kind, int64_t parent, std::map<std::string, std::string> values) {
    Row row;
    row.parent_id = parent;
    row.values = std::move(values);
    Result<int64_t> id = store_->Insert(kind, row);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  void AddUser(const std::string& name, const std::string& role, std::vector<std::string> scopes,
               std::vector<std::string> grants) {
    User user;
    user.name = name;
    user.role = role;
    user.display_name = name;
    Result<std::string> hash = HashPassword(kPassword, kIterations);
    ASSERT_TRUE(hash.ok());
    user.password_hash = *hash;
    user.scopes = std::move(scopes);
    user.grants = std::move(grants);
    Result<int64_t> id = store_->AddUser(user);
    ASSERT_TRUE(id.ok()) << id.status().message();
  }

  void Seed() {
    SeedIds& s = ids_;
    s.district = Add(EntityKind::kDistrict, 0, {{"code", "420581"}, {"name", "宜都市"}});
    s.street = Add(EntityKind::kStreet, s.district, {{"code", "420581001"}, {"name", "陆城街道"}});
    s.community_a =
        Add(EntityKind::kCommunity, s.street, {{"code", "420581001001"}, {"name", "东风社区"}});
    s.community_b =
        Add(EntityKind::kCommunity, s.street, {{"code", "420581001002"}, {"name", "西湖社区"}});
    s.grid_a1 = Add(EntityKind::kGrid, s.community_a, {{"code", "01"}, {"name", "第一网格"}});
    s.grid_a2 = Add(EntityKind::kGrid, s.community_a, {{"code", "02"}, {"name", "第二网格"}});
    s.grid_b1 = Add(EntityKind::kGrid, s.community_b, {{"code", "01"}, {"name", "第一网格"}});
    s.building_a1 =
        Add(EntityKind::kBuilding, s.grid_a1, {{"name", "1栋"}, {"address", "清江大道1号"}});
    s.building_a2 =
        Add(EntityKind::kBuilding, s.grid_a2, {{"name", "2栋"}, {"address", "清江大道2号"}});
    s.building_b1 =
        Add(EntityKind::kBuilding, s.grid_b1, {{"name", "3栋"}, {"address", "园林大道3号"}});
    s.household_a1 = Add(EntityKind::kHousehold, s.building_a1, {{"household_number", "H-A1"}});
    s.household_a2 = Add(EntityKind::kHousehold, s.building_a2, {{"household_number", "H-A2"}});
    s.household_b1 = Add(EntityKind::kHousehold, s.building_b1, {{"household_number", "H-B1"}});
    s.zhang = Add(EntityKind::kPerson, s.household_a1,
                  {{"name", "张三"},
                   {"id_number", MakeIdNumber("19400101", 11)},
                   {"birth_date", "1940-01-01"},
                   {"gender", "1"},
                   {"relationship", "02"},
                   {"phone", "13800000001"},
                   {"religion", "佛教"},
                   {"population_type", "01"}});
    s.li = Add(EntityKind::kPerson, s.household_a1,
               {{"name", "李四"},
                {"id_number", MakeIdNumber("19450315", 22)},
                {"birth_date", "1945-03-15"},
                {"gender", "2"},
                {"relationship", "10"},
                {"population_type", "01"}});
    s.wang = Add(EntityKind::kPerson, s.household_a2,
                 {{"name", "王五"},
                  {"id_number", MakeIdNumber("19800101", 33)},
                  {"birth_date", "1980-01-01"},
                  {"gender", "1"},
                  {"relationship", "02"},
                  {"phone", "13800000003"}});
    s.zhao = Add(EntityKind::kPerson, s.household_b1,
                 {{"name", "赵六"},
                  {"id_number", MakeIdNumber("19300601", 44)},
                  {"birth_date", "1930-06-01"},
                  {"gender", "2"},
                  {"relationship", "02"},
                  {"population_type", "01"}});
    Result<Row> h = store_->Get(EntityKind::kHousehold, s.household_a1);
    ASSERT_TRUE(h.ok());
    h->values["head_person_id"] = std::to_string(s.zhang);
    ASSERT_TRUE(store_->Update(EntityKind::kHousehold, &*h).ok());
    AddUser("admin", "admin", {}, {});
    AddUser("admin_s", "admin", {}, {"sensitive"});
    AddUser("ca_a", "community_admin", {"420581001001"}, {});
    AddUser("gw_a1", "grid_worker", {"420581001001/01"}, {});
    AddUser("gw_a2", "grid_worker", {"420581001001/02"}, {});
    AddUser("gw_b1", "grid_worker", {"420581001002/01"}, {});
    AddUser("ca_b", "community_admin", {"420581001002"}, {});
    AddUser("dept", "department", {}, {"minzheng/gaoling-jintie"});
  }

  // The ETag of a row as the API shows it.
  std::string ETag(ApiClient& client, const std::string& path) {
    Reply r = client.Get(path);
    EXPECT_EQ(r.status, 200) << path << " " << r.body;
    return r.Header("ETag");
  }

  static constexpr int kIterations = 1000;
  static constexpr const char* kPassword = "Test-password-123";

  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Divisions> divisions_;
  std::string dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AccessPolicy> policy_;
  std::unique_ptr<Authenticator> auth_;
  Metrics metrics_;      // before service_ and server_, which point at it
  BackgroundJobs jobs_;  // joined after the server has stopped
  std::unique_ptr<ServiceContext> service_;
  std::unique_ptr<Server> server_;
  std::vector<Router::RouteInfo> routes_;
  std::map<std::string, std::string> tokens_;
  SeedIds ids_;
};

}  // namespace onetable::testing

#endif  // ONETABLE_TESTS_INTEGRATION_API_HARNESS_H_
