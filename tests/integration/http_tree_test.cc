// The HTTP service for real: a Server on 127.0.0.1 with an ephemeral port over a real store
// seeded with a small tree through the Store API, spoken to with Poco's HTTP client.
//
// The store is a temporary SQLite file, or with ONETABLE_TEST_STORE=mysql the database at
// ONETABLE_TEST_MYSQL_URL (wiped first; the test fails without the URL).
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "access/access.h"
#include "auth/authenticator.h"
#include "auth/password.h"
#include "http/router.h"
#include "http/server.h"
#include "http/service_context.h"
#include "http/tree_handlers.h"
#include "model/catalog.h"
#include "model/id_number.h"
#include "store/sql_connection.h"
#include "store/store.h"
#include "store/store_url.h"

namespace onetable {
namespace {

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> headers;
};

// The API token every request presents (an admin's, issued in SetUp): the register views need
// a caller since authentication exists (tests/integration/auth_*_test.cc test that part).
std::string g_bearer;

// One request on `session` (kept alive between calls). `target` is path plus query.
Reply Fetch(Poco::Net::HTTPClientSession& session, const std::string& method,
            const std::string& target, const std::string& body = "", bool chunked = false) {
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!g_bearer.empty()) request.set("Authorization", "Bearer " + g_bearer);
  if (chunked) {
    request.setChunkedTransferEncoding(true);
  } else if (!body.empty()) {
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
  }
  std::ostream& out = session.sendRequest(request);
  out << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = response.getStatus();
  reply.content_type = response.getContentType();
  for (const auto& [name, value] : response) reply.headers[name] = value;
  Poco::StreamCopier::copyToString(in, reply.body);
  return reply;
}

rapidjson::Document Json(const Reply& reply) {
  rapidjson::Document doc;
  doc.Parse(reply.body.c_str(), reply.body.size());
  EXPECT_FALSE(doc.HasParseError()) << reply.body;
  EXPECT_EQ(reply.content_type, "application/json; charset=utf-8");
  return doc;
}

// Asserts the API's error shape and code.
void ExpectError(const Reply& reply, int status, const std::string& code) {
  EXPECT_EQ(reply.status, status) << reply.body;
  rapidjson::Document doc = Json(reply);
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("error")) << reply.body;
  EXPECT_EQ(doc["error"]["code"].GetString(), code) << reply.body;
  EXPECT_TRUE(doc["error"]["message"].IsString());
  EXPECT_TRUE(doc["error"]["details"].IsArray());
}

std::string IdNumber(int serial) {
  char seq[8];  // room for any int, though serials are 1–999
  std::snprintf(seq, sizeof seq, "%03d", serial % 1000);
  const std::string first17 = std::string("65020319850101") + seq;
  return first17 + IdCheckCharacter(first17);
}

// Empties the MySQL test database so the tree holds exactly what the test seeds.
void WipeMysql(const std::string& url) {
  Result<StoreUrl> parsed = ParseStoreUrl(url);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  Result<std::unique_ptr<SqlConnection>> db = OpenMysql(parsed->mysql);
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto stmt = (*db)->Prepare(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()");
  ASSERT_TRUE(stmt.ok()) << stmt.status().message();
  std::vector<std::string> tables;
  while (true) {
    Result<bool> more = (*stmt)->Step();
    ASSERT_TRUE(more.ok()) << more.status().message();
    if (!*more) break;
    tables.push_back((*stmt)->Text(0).value_or(""));
  }
  stmt->reset();
  ASSERT_TRUE((*db)->Exec("SET FOREIGN_KEY_CHECKS = 0").ok());
  for (const std::string& t : tables) {
    Status st = (*db)->Exec("DROP TABLE IF EXISTS `" + t + "`");
    ASSERT_TRUE(st.ok()) << st.message();
  }
  ASSERT_TRUE((*db)->Exec("SET FOREIGN_KEY_CHECKS = 1").ok());
}

class HttpTree : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Catalog> catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = new Catalog(std::move(*catalog));
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(catalog_, nullptr);
    const char* backend = std::getenv("ONETABLE_TEST_STORE");
    if (backend != nullptr && std::string(backend) == "mysql") {
      const char* url = std::getenv("ONETABLE_TEST_MYSQL_URL");
      ASSERT_TRUE(url != nullptr && *url != '\0')
          << "ONETABLE_TEST_STORE=mysql needs ONETABLE_TEST_MYSQL_URL (see ops/mariadb url)";
      url_ = url;
      WipeMysql(url_);
      if (HasFatalFailure()) return;
    } else {
      char dir[] = "/tmp/onetable-http-XXXXXX";
      ASSERT_NE(mkdtemp(dir), nullptr);
      dir_ = dir;
      url_ = "sqlite:" + dir_ + "/register.db";
    }
    Result<std::unique_ptr<Store>> store = OpenStore(url_, *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    Status st = store_->Migrate();
    ASSERT_TRUE(st.ok()) << st.message();
    Seed();
    policy_ = std::make_unique<AccessPolicy>(*catalog_);
    auth_ = std::make_unique<Authenticator>();
    service_ = std::make_unique<ServiceContext>(ServiceContext{*catalog_, *policy_, {}});
    service_->auth = auth_.get();
    User admin;
    admin.name = "admin";
    admin.role = "admin";
    admin.password_hash = *HashPassword("unused-password-1", 1000);
    Result<int64_t> admin_id = store_->AddUser(admin);
    ASSERT_TRUE(admin_id.ok()) << admin_id.status().message();
    admin.id = *admin_id;
    auto token = auth_->IssueApiToken(*store_, admin, "http_tree_test", "test");
    ASSERT_TRUE(token.ok()) << token.status().message();
    g_bearer = token->first;
  }

  void TearDown() override {
    if (server_) server_->Stop();
    server_.reset();
    g_bearer.clear();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  int64_t Add(EntityKind kind, int64_t parent, std::map<std::string, std::string> values,
              const std::string& status = kStatusActive) {
    Row row;
    row.parent_id = parent;
    row.status = status;
    row.values = std::move(values);
    Result<int64_t> id = store_->Insert(kind, row);
    EXPECT_TRUE(id.ok()) << EntityName(kind) << ": " << id.status().message();
    return id.ok() ? *id : 0;
  }

  int64_t AddPerson(int64_t household, const std::string& name,
                    const std::string& status = kStatusActive) {
    const int serial = ++persons_added_;
    const std::string id_number = IdNumber(serial);
    const std::string phone = "1390000" + std::to_string(1000 + serial);
    personal_values_.push_back(name);
    personal_values_.push_back(id_number);
    personal_values_.push_back(phone);
    return Add(EntityKind::kPerson, household,
               {{"name", name}, {"id_number", id_number}, {"phone", phone}}, status);
  }

  // 友谊社区: grid 01 has buildings 1号楼 (two households: 3 persons, and 1 active + 1 moved
  // away), 2号楼 (one household, 1 person) and 3号楼 (empty); grid 02 has 4号楼 with a household
  // of 2 and an empty one.
  void Seed() {
    const int64_t district =
        Add(EntityKind::kDistrict, 0, {{"code", "650203"}, {"name", "克拉玛依区"}});
    const int64_t street =
        Add(EntityKind::kStreet, district, {{"code", "650203001"}, {"name", "天山路街道"}});
    community_ = Add(EntityKind::kCommunity, street,
                     {{"code", "650203001001"}, {"name", "友谊社区居委会"}, {"vintage", "2023"}});
    grid1_ = Add(EntityKind::kGrid, community_,
                 {{"code", "01"},
                  {"name", "第一网格"},
                  {"worker_name", "网格员甲乙"},
                  {"worker_phone", "13712345678"}});
    personal_values_.push_back("网格员甲乙");
    personal_values_.push_back("13712345678");
    grid2_ = Add(EntityKind::kGrid, community_, {{"code", "02"}, {"name", "第二网格"}});

    b1_ = Add(EntityKind::kBuilding, grid1_, {{"name", "1号楼"}, {"address", "友谊路1号"}});
    b2_ = Add(EntityKind::kBuilding, grid1_, {{"name", "2号楼"}, {"address", "友谊路2号"}});
    b3_ = Add(EntityKind::kBuilding, grid1_, {{"name", "3号楼"}, {"address", "友谊路3号"}});
    b4_ = Add(EntityKind::kBuilding, grid2_, {{"name", "4号楼"}, {"address", "友谊路4号"}});

    h1_ = Add(
        EntityKind::kHousehold, b1_,
        {{"household_number", "HN650203A1"}, {"room", "1单元101"}, {"landlord_name", "房东丙丁"}});
    personal_values_.push_back("房东丙丁");
    h2_ = Add(EntityKind::kHousehold, b1_,
              {{"household_number", "HN650203A2"}, {"room", "1单元102"}});
    const int64_t h3 = Add(EntityKind::kHousehold, b2_, {{"room", "201"}});
    const int64_t h4 = Add(EntityKind::kHousehold, b4_, {{"room", "401"}});
    Add(EntityKind::kHousehold, b4_, {{"room", "402"}});

    AddPerson(h1_, "赵一明");
    AddPerson(h1_, "钱二丽");
    AddPerson(h1_, "孙三强");
    AddPerson(h2_, "李四海");
    AddPerson(h2_, "周五洋", kStatusMovedAway);
    AddPerson(h3, "吴六华");
    AddPerson(h4, "郑七星");
    AddPerson(h4, "王八达");
  }

  void StartServer(ServerOptions options = {}, Router router = Router()) {
    Status st = RegisterTreeRoutes(&router, *service_);
    ASSERT_TRUE(st.ok()) << st.message();
    const std::string url = url_;
    const Catalog* catalog = catalog_;
    options.log_requests = false;
    options.authenticator = auth_.get();
    server_ = std::make_unique<Server>(
        std::move(router), [url, catalog]() { return OpenStore(url, *catalog); }, options);
    st = server_->Start("127.0.0.1", 0);
    ASSERT_TRUE(st.ok()) << st.message();
    ASSERT_GT(server_->port(), 0);
  }

  std::unique_ptr<Poco::Net::HTTPClientSession> Session() {
    return std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", server_->port());
  }

  // GET on a fresh connection; records the body for the no-personal-data check.
  Reply Get(const std::string& target) {
    auto session = Session();
    Reply reply = Fetch(*session, "GET", target);
    bodies_.push_back(reply.body);
    return reply;
  }

  static Catalog* catalog_;
  std::string dir_, url_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AccessPolicy> policy_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<ServiceContext> service_;
  std::unique_ptr<Server> server_;
  int64_t community_ = 0, grid1_ = 0, grid2_ = 0, b1_ = 0, b2_ = 0, b3_ = 0, b4_ = 0, h1_ = 0,
          h2_ = 0;
  int persons_added_ = 0;
  std::vector<std::string> personal_values_;  // names, ID numbers, phones seeded
  std::vector<std::string> bodies_;           // every response body seen
};

Catalog* HttpTree::catalog_ = nullptr;

const rapidjson::Value& Counts(const rapidjson::Value& node) { return node["counts"]; }

void ExpectCounts(const rapidjson::Value& node, int64_t buildings, int64_t households,
                  int64_t persons) {
  ASSERT_TRUE(node.HasMember("counts"));
  EXPECT_EQ(Counts(node)["buildings"].GetInt64(), buildings);
  EXPECT_EQ(Counts(node)["households"].GetInt64(), households);
  EXPECT_EQ(Counts(node)["persons"].GetInt64(), persons);
}

TEST_F(HttpTree, HealthzAnswersOk) {
  StartServer();
  Reply reply = Get("/healthz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"status":"ok"})");
  EXPECT_EQ(reply.content_type, "application/json; charset=utf-8");
}

TEST_F(HttpTree, HealthzIs503WhenTheStoreCannotBeOpened) {
  Router router;
  ASSERT_TRUE(RegisterTreeRoutes(&router, *service_).ok());
  ServerOptions options;
  options.log_requests = false;
  server_ = std::make_unique<Server>(
      std::move(router),
      []() -> Result<std::unique_ptr<Store>> { return Status::Unavailable("no database"); },
      options);
  ASSERT_TRUE(server_->Start("127.0.0.1", 0).ok());
  auto session = Session();
  ExpectError(Fetch(*session, "GET", "/healthz"), 503, "unavailable");
}

TEST_F(HttpTree, TreeCountsAreExact) {
  StartServer();
  Reply reply = Get("/api/v1/tree");
  ASSERT_EQ(reply.status, 200) << reply.body;
  rapidjson::Document doc = Json(reply);
  ASSERT_EQ(doc["districts"].Size(), 1u);
  const auto& district = doc["districts"][0];
  EXPECT_EQ(district["code"].GetString(), std::string("650203"));
  EXPECT_EQ(district["name"].GetString(), std::string("克拉玛依区"));
  ExpectCounts(district, 4, 5, 7);
  ASSERT_EQ(district["streets"].Size(), 1u);
  const auto& street = district["streets"][0];
  ExpectCounts(street, 4, 5, 7);
  ASSERT_EQ(street["communities"].Size(), 1u);
  const auto& community = street["communities"][0];
  EXPECT_EQ(community["id"].GetInt64(), community_);
  EXPECT_EQ(community["code"].GetString(), std::string("650203001001"));
  ExpectCounts(community, 4, 5, 7);
  ASSERT_EQ(community["grids"].Size(), 2u);
  const auto& g1 = community["grids"][0];
  const auto& g2 = community["grids"][1];
  EXPECT_EQ(g1["id"].GetInt64(), grid1_);
  EXPECT_EQ(g1["code"].GetString(), std::string("01"));
  EXPECT_EQ(g1["name"].GetString(), std::string("第一网格"));
  ExpectCounts(g1, 3, 3, 5);  // the moved-away person is not counted
  EXPECT_EQ(g2["id"].GetInt64(), grid2_);
  ExpectCounts(g2, 1, 2, 2);
  EXPECT_FALSE(g1.HasMember("worker_name"));
  EXPECT_FALSE(g1.HasMember("grids"));
}

TEST_F(HttpTree, BuildingPagesWalkEveryBuildingOnce) {
  StartServer();
  std::vector<int64_t> seen;
  std::map<int64_t, std::pair<int64_t, int64_t>> counts;  // id -> households, persons
  std::string after;
  for (int page = 0; page < 10; ++page) {
    Reply reply = Get("/api/v1/grids/" + std::to_string(grid1_) + "/buildings?limit=1" + after);
    ASSERT_EQ(reply.status, 200) << reply.body;
    rapidjson::Document doc = Json(reply);
    ASSERT_EQ(doc["items"].Size(), 1u) << reply.body;
    const auto& item = doc["items"][0];
    seen.push_back(item["id"].GetInt64());
    counts[item["id"].GetInt64()] = {item["households"].GetInt64(), item["persons"].GetInt64()};
    EXPECT_TRUE(item["name"].IsString());
    EXPECT_TRUE(item["address"].IsString());
    if (doc["next_after"].IsNull()) break;
    EXPECT_EQ(doc["next_after"].GetInt64(), item["id"].GetInt64());
    after = "&after=" + std::to_string(doc["next_after"].GetInt64());
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{b1_, b2_, b3_}));
  EXPECT_EQ(counts[b1_], std::make_pair(int64_t{2}, int64_t{4}));
  EXPECT_EQ(counts[b2_], std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(counts[b3_], std::make_pair(int64_t{0}, int64_t{0}));

  // The default page holds them all and says there is no next one.
  rapidjson::Document all = Json(Get("/api/v1/grids/" + std::to_string(grid1_) + "/buildings"));
  EXPECT_EQ(all["items"].Size(), 3u);
  EXPECT_TRUE(all["next_after"].IsNull());
  // Past the last id: an empty page.
  rapidjson::Document none = Json(
      Get("/api/v1/grids/" + std::to_string(grid1_) + "/buildings?after=" + std::to_string(b3_)));
  EXPECT_EQ(none["items"].Size(), 0u);
  EXPECT_TRUE(none["next_after"].IsNull());
}

TEST_F(HttpTree, HouseholdsOfABuildingCountActiveMembers) {
  StartServer();
  Reply reply = Get("/api/v1/buildings/" + std::to_string(b1_) + "/households");
  ASSERT_EQ(reply.status, 200) << reply.body;
  rapidjson::Document doc = Json(reply);
  ASSERT_EQ(doc["items"].Size(), 2u);
  EXPECT_EQ(doc["items"][0]["id"].GetInt64(), h1_);
  EXPECT_EQ(doc["items"][0]["members"].GetInt64(), 3);
  EXPECT_EQ(doc["items"][1]["id"].GetInt64(), h2_);
  EXPECT_EQ(doc["items"][1]["members"].GetInt64(), 1);
  EXPECT_TRUE(doc["next_after"].IsNull());
  // 户号 and room are shown exactly when the catalog marks them public.
  for (const char* key : {"household_number", "room"}) {
    const FieldDef* field = catalog_->Find(EntityKind::kHousehold, key);
    ASSERT_NE(field, nullptr) << key;
    const bool is_public = field->sensitivity == Sensitivity::kPublic;
    EXPECT_EQ(doc["items"][0].HasMember(key), is_public) << key;
    EXPECT_EQ(reply.body.find(key == std::string("room") ? "1单元101" : "HN650203A1") !=
                  std::string::npos,
              is_public)
        << key;
  }

  rapidjson::Document paged =
      Json(Get("/api/v1/buildings/" + std::to_string(b1_) + "/households?limit=1"));
  ASSERT_EQ(paged["items"].Size(), 1u);
  EXPECT_EQ(paged["next_after"].GetInt64(), h1_);
}

TEST_F(HttpTree, BadParametersAre400NamingTheParameter) {
  StartServer();
  const std::string grid = "/api/v1/grids/" + std::to_string(grid1_) + "/buildings";
  struct Case {
    std::string target, param;
  } cases[] = {
      {grid + "?limit=abc", "limit"},        {grid + "?limit=0", "limit"},
      {grid + "?limit=501", "limit"},        {grid + "?after=-1", "after"},
      {"/api/v1/grids/abc/buildings", "id"}, {"/api/v1/buildings/1e3/households", "id"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.target);
    Reply reply = Get(c.target);
    ExpectError(reply, 400, "invalid_argument");
    rapidjson::Document doc = Json(reply);
    EXPECT_NE(std::string(doc["error"]["message"].GetString()).find(c.param), std::string::npos);
    ASSERT_EQ(doc["error"]["details"].Size(), 1u);
    EXPECT_EQ(doc["error"]["details"][0]["field"].GetString(), c.param);
  }
}

TEST_F(HttpTree, UnknownThingsAre404AndWrongMethod405) {
  StartServer();
  ExpectError(Get("/api/v1/nothing"), 404, "not_found");
  ExpectError(Get("/api/v1/grids/999999/buildings"), 404, "not_found");
  ExpectError(Get("/api/v1/buildings/999999/households"), 404, "not_found");
  auto session = Session();
  Reply reply = Fetch(*session, "DELETE", "/api/v1/tree");
  ExpectError(reply, 405, "method_not_allowed");
  EXPECT_EQ(reply.headers["Allow"], "GET");
}

TEST_F(HttpTree, BodyOverTheLimitIs413AndTheServerCarriesOn) {
  ServerOptions options;
  options.max_body_bytes = 1024 * 1024;
  StartServer(options);
  const std::string big(options.max_body_bytes + 1, 'x');
  {
    auto session = Session();
    ExpectError(Fetch(*session, "POST", "/api/v1/tree", big), 413, "payload_too_large");
  }
  {
    auto session = Session();
    ExpectError(Fetch(*session, "POST", "/api/v1/tree", big, /*chunked=*/true), 413,
                "payload_too_large");
  }
  {
    // At the limit the body is accepted and the request routed (405: the tree is GET only).
    auto session = Session();
    const std::string fits(options.max_body_bytes, 'x');
    ExpectError(Fetch(*session, "POST", "/api/v1/tree", fits), 405, "method_not_allowed");
  }
  EXPECT_EQ(Get("/healthz").status, 200);
}

TEST_F(HttpTree, BodiesWithinTheLimitReachTheHandlerWhole) {
  Router router;
  ASSERT_TRUE(
      router
          .Add("POST", "/size",
               [](const RequestContext& ctx) {
                 const bool all_x = ctx.request.body.find_first_not_of('x') == std::string::npos;
                 return JsonResponse("{\"size\":" + std::to_string(ctx.request.body.size()) +
                                     ",\"all_x\":" + (all_x ? "true" : "false") + "}");
               })
          .ok());
  ServerOptions options;
  options.max_body_bytes = 200 * 1024;  // several reads of the server's 64 KiB chunks
  StartServer(options, std::move(router));
  auto session = Session();  // one keep-alive connection for all of them
  for (size_t size : {size_t{0}, size_t{10}, size_t{100 * 1024}, options.max_body_bytes}) {
    for (bool chunked : {false, true}) {
      SCOPED_TRACE(std::to_string(size) + (chunked ? " chunked" : ""));
      Reply reply = Fetch(*session, "POST", "/size", std::string(size, 'x'), chunked);
      EXPECT_EQ(reply.status, 200) << reply.body;
      EXPECT_EQ(reply.body, "{\"size\":" + std::to_string(size) + ",\"all_x\":true}");
    }
  }
  ExpectError(Fetch(*session, "POST", "/size", std::string(options.max_body_bytes + 1, 'x'),
                    /*chunked=*/true),
              413, "payload_too_large");
}

TEST_F(HttpTree, NoPersonalValueInAnyResponse) {
  StartServer();
  Get("/api/v1/tree");
  Get("/api/v1/grids/" + std::to_string(grid1_) + "/buildings");
  Get("/api/v1/grids/" + std::to_string(grid2_) + "/buildings");
  for (int64_t b : {b1_, b2_, b3_, b4_}) {
    Get("/api/v1/buildings/" + std::to_string(b) + "/households");
  }
  ASSERT_GE(personal_values_.size(), 24u);
  for (const std::string& body : bodies_) {
    for (const std::string& value : personal_values_) {
      EXPECT_EQ(body.find(value), std::string::npos) << value << " leaked in " << body;
    }
  }
}

TEST_F(HttpTree, ConcurrentRequestsShareThePoolOfStores) {
  ServerOptions options;
  options.threads = 3;
  StartServer(options);
  const std::string expected = Get("/api/v1/tree").body;
  std::vector<std::future<int>> clients;
  for (int c = 0; c < 6; ++c) {
    clients.push_back(std::async(std::launch::async, [&] {
      Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
      int good = 0;
      for (int i = 0; i < 10; ++i) {
        Reply reply = Fetch(session, "GET", "/api/v1/tree");
        good += reply.status == 200 && reply.body == expected;
      }
      return good;
    }));
  }
  for (auto& client : clients) EXPECT_EQ(client.get(), 10);
}

TEST_F(HttpTree, StopLetsTheRequestInProgressFinish) {
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  Router router;
  ASSERT_TRUE(router
                  .Add("GET", "/slow",
                       [&entered, released](const RequestContext&) {
                         entered.set_value();
                         released.wait();
                         return JsonResponse(R"({"done":true})");
                       })
                  .ok());
  StartServer(ServerOptions{}, std::move(router));
  // An idle keep-alive connection must not hold Stop up.
  auto idle = Session();
  EXPECT_EQ(Fetch(*idle, "GET", "/healthz").status, 200);

  auto slow = std::async(std::launch::async, [this] {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    return Fetch(session, "GET", "/slow");
  });
  entered.get_future().wait();
  auto stopping = std::async(std::launch::async, [this] { server_->Stop(); });
  release.set_value();
  Reply reply = slow.get();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"done":true})");
  stopping.get();
  EXPECT_EQ(server_->port(), 0);
  EXPECT_ANY_THROW(Fetch(*idle, "GET", "/healthz"));
}

TEST_F(HttpTree, LogLineHasMethodPathStatusButNoQuery) {
  Router router;
  ASSERT_TRUE(RegisterTreeRoutes(&router, *service_).ok());
  const std::string url = url_;
  const Catalog* catalog = catalog_;
  ServerOptions options;
  options.authenticator = auth_.get();
  server_ = std::make_unique<Server>(
      std::move(router), [url, catalog]() { return OpenStore(url, *catalog); }, options);
  ASSERT_TRUE(server_->Start("127.0.0.1", 0).ok());
  ::testing::internal::CaptureStderr();
  {
    auto session = Session();
    Fetch(*session, "GET",
          "/api/v1/grids/" + std::to_string(grid1_) + "/buildings?limit=2&q=%E8%B5%B5%E4%B8%80");
    Fetch(*session, "GET", "/nope%0Aforged");
  }
  server_->Stop();  // joins the workers: every line is written
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("GET /api/v1/grids/" + std::to_string(grid1_) + "/buildings 200 "),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("limit"), std::string::npos) << log;
  EXPECT_EQ(log.find("赵一"), std::string::npos) << log;
  EXPECT_NE(log.find("GET /nope?forged 404 "), std::string::npos) << log;
}

TEST_F(HttpTree, RunServerUntilTerminatedStopsOnSigterm) {
  Router router;
  ASSERT_TRUE(RegisterTreeRoutes(&router, *service_).ok());
  const std::string url = url_;
  const Catalog* catalog = catalog_;
  ServerOptions options;
  options.log_requests = false;
  server_ = std::make_unique<Server>(
      std::move(router), [url, catalog]() { return OpenStore(url, *catalog); }, options);
  std::promise<int> exit_code;
  std::thread runner(
      [&] { exit_code.set_value(RunServerUntilTerminated(*server_, "127.0.0.1", 0)); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server_->port() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_NE(server_->port(), 0);
  EXPECT_EQ(Get("/healthz").status, 200);
  // Directed at the runner, which has SIGTERM blocked and is waiting for it.
  ASSERT_EQ(pthread_kill(runner.native_handle(), SIGTERM), 0);
  runner.join();
  EXPECT_EQ(exit_code.get_future().get(), 0);
  EXPECT_EQ(server_->port(), 0);
}

TEST_F(HttpTree, StartFailsWhenThePortIsTaken) {
  StartServer();
  Router router;
  Server second(std::move(router),
                []() -> Result<std::unique_ptr<Store>> { return Status::Internal("unused"); });
  Status st = second.Start("127.0.0.1", server_->port());
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.message();
  EXPECT_NE(st.message().find(std::to_string(server_->port())), std::string::npos);
}

}  // namespace
}  // namespace onetable
