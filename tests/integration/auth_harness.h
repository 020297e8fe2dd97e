// The whole service for real, for the auth_*, audit_* and authz_* suites: a Server on
// 127.0.0.1 (ephemeral port) with every route `onetable serve` registers
// (RegisterServiceRoutes), the Authenticator with a clock the test moves (no sleeping), Metrics,
// and the request log captured, over a real store seeded through the Store API.
//
// The store is a temporary SQLite file, or with ONETABLE_TEST_STORE=mysql the database at
// ONETABLE_TEST_MYSQL_URL (wiped first, see cli_runner.h TestStoreUrl). Passwords are hashed with
// few PBKDF2 iterations so that sign-in is fast; everything else is as `onetable serve` runs it.
//
// The seeded tree (the same as api_harness.h, so matrix rows read alike):
//   district 420581 宜都市 → street 420581001 陆城街道
//     community A 420581001001 东风社区: grid A1 "01" (building → household: 张三, 李四),
//       grid A2 "02" (building → household: 王五)
//     community B 420581001002 西湖社区: grid B1 "01" (building → household: 赵六)
// The first person of each household is its head. Tags: volunteer on 张三, 王五 and 赵六;
// dibao (sensitive) on 张三 and 赵六. Review items: a possible duplicate 张三/李四 (all in A1)
// and a phone conflict of 赵六 (in B). One connector, "matrix" (a CSV file with a header and
// no rows, so running it changes nothing), and one finished run of it with a quarantined row.
// Users (password kPassword): admin; secadmin (security_admin); auditor; ca_a (community_admin of A); gw_a1 (grid_worker of
// "420581001001/01"); dept (department, granted minzheng/gaoling-jintie, minzheng/dibao and
// sensitive:dibao); off (a disabled grid worker). personal() lists every ID number, phone and
// name seeded.
//
// The mappings directory is a copy of the repository's mappings/ in the temporary directory:
// PUT /api/v1/mappings/... saves files, and a test must never rewrite the source tree.
#ifndef ONETABLE_TESTS_INTEGRATION_AUTH_HARNESS_H_
#define ONETABLE_TESTS_INTEGRATION_AUTH_HARNESS_H_

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "access/access.h"
#include "app/background_jobs.h"
#include "audit/audit_key.h"
#include "auth/authenticator.h"
#include "auth/password.h"
#include "cli_runner.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "http/service_context.h"
#include "http/service_routes.h"
#include "model/catalog.h"
#include "model/divisions.h"
#include "model/id_number.h"
#include "store/store.h"

namespace onetable::authtest {

struct Answer {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  rapidjson::Document Json() const {
    rapidjson::Document doc;
    doc.Parse(body.c_str(), body.size());
    return doc;
  }
  // The error code of an error body ("" when the body is not one).
  std::string ErrorCode() const {
    rapidjson::Document doc = Json();
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("error")) return "";
    return doc["error"]["code"].GetString();
  }
  std::string ErrorMessage() const {
    rapidjson::Document doc = Json();
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("error")) return "";
    return doc["error"]["message"].GetString();
  }
};

inline std::string IdNumberFor(const std::string& birth, int serial) {
  char seq[8];
  std::snprintf(seq, sizeof seq, "%03d", serial % 1000);
  const std::string first17 = "420581" + birth + seq;
  return first17 + IdCheckCharacter(first17);
}

class AuthHarness : public ::testing::Test {
 protected:
  static constexpr int kIterations = 1000;
  static constexpr const char* kPassword = "Test-password-123";
  static constexpr int64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z

  // Set before SetUp runs (in the derived fixture's constructor) to capture the request log.
  bool capture_log_ = false;
  // Set before SetUp: peers whose X-Forwarded-For the server believes (tests then speak for
  // several clients from loopback).
  std::vector<std::string> trusted_proxies_;
  // Set before SetUp: a file-target delivery "audit-push" of minzheng/gaoling-jintie (key
  // 公民身份号码) in dir_/deliveries, writing to dir_/drop.
  bool with_delivery_ = false;

  void SetUp() override {
    Result<Catalog> catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = std::make_unique<Catalog>(std::move(*catalog));
    Result<Divisions> divisions = Divisions::Load(ONETABLE_SOURCE_DIR "/schema/divisions");
    if (divisions.ok()) divisions_ = std::make_unique<Divisions>(std::move(*divisions));
    dir_ = testing::MakeTempDir();
    url_ = testing::TestStoreUrl(dir_);
    CopyMappings();
    if (HasFatalFailure()) return;
    WriteConnector();
    Result<std::unique_ptr<Store>> store = OpenStore(url_, *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    store_->SetAuditSealer(&audit_key_);
    Status st = store_->Migrate();
    ASSERT_TRUE(st.ok()) << st.message();
    Seed();
    if (HasFatalFailure()) return;

    policy_ = std::make_unique<AccessPolicy>(*catalog_);
    AuthOptions auth_options;
    auth_options.password_iterations = kIterations;
    auth_options.clock = [this] { return now_.load(); };
    // Fixed, not from the machine's cores, so tests of the cap know it; a long wait, so a login
    // that waits for a slot under load is never refused by the clock.
    auth_options.password_check_slots = 2;
    auth_options.password_check_waiters = 3;
    auth_options.password_check_wait_ms = 120000;
    auth_ = std::make_unique<Authenticator>(auth_options);
    metrics_ = std::make_unique<Metrics>();
    AppSettings settings;
    settings.schema_dir = ONETABLE_SOURCE_DIR "/schema";
    settings.mappings_dir = dir_ + "/mappings";
    settings.connectors_dir = dir_ + "/connectors";
    if (with_delivery_) {
      WriteDelivery();
      if (HasFatalFailure()) return;
      settings.deliveries_dir = dir_ + "/deliveries";
    }
    service_ = std::make_unique<ServiceContext>(ServiceContext{
        *catalog_, *policy_, settings, divisions_.get(), auth_.get(), metrics_.get()});
    service_->jobs = jobs_.get();
    service_->audit_key = &audit_key_;
    const AuditSealer* sealer = &audit_key_;
    // Every connection seals its audit records, as `serve` does.
    const auto open_sealed = [cat = catalog_.get(), url = url_,
                              sealer]() -> Result<std::unique_ptr<Store>> {
      Result<std::unique_ptr<Store>> opened = OpenStore(url, *cat);
      if (opened.ok()) (*opened)->SetAuditSealer(sealer);
      return opened;
    };
    service_->open_store = open_sealed;
    Router router;
    st = RegisterServiceRoutes(&router, *service_, "");
    ASSERT_TRUE(st.ok()) << st.message();
    routes_ = router.Routes();
    ServerOptions options;
    options.log_requests = capture_log_;
    options.trusted_proxies = trusted_proxies_;
    options.authenticator = auth_.get();
    options.metrics = metrics_.get();
    server_ = std::make_unique<Server>(std::move(router), open_sealed, options);
    if (capture_log_) ::testing::internal::CaptureStderr();
    st = server_->Start("127.0.0.1", 0);
    ASSERT_TRUE(st.ok()) << st.message();
  }

  void TearDown() override {
    StopServer();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Stops the server (every log line written) and returns the captured log, when captured.
  std::string StopServer() {
    if (server_) server_->Stop();
    jobs_->WaitIdle();
    server_.reset();
    if (capture_log_ && !log_taken_) {
      log_taken_ = true;
      return ::testing::internal::GetCapturedStderr();
    }
    return "";
  }

  void Advance(int64_t seconds) { now_ += seconds; }

  // One request on a fresh connection. `token` "" sends no credentials.
  Answer Call(const std::string& token, const std::string& method, const std::string& target,
              const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    session.setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    for (const auto& [k, v] : headers) request.set(k, v);
    if (!body.empty() || method == "POST" || method == "PUT") {
      if (!request.has("Content-Type")) request.setContentType("application/json");
      request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    std::ostream& out = session.sendRequest(request);
    out << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer answer;
    answer.status = response.getStatus();
    for (const auto& [name, value] : response) answer.headers[Poco::toLower(name)] = value;
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
  }

  Answer Login(const std::string& name, const std::string& password) {
    return Call("", "POST", "/api/v1/login",
                "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
  }

  // Signs `name` in with kPassword and returns the session token.
  std::string TokenOf(const std::string& name) {
    Answer a = Login(name, kPassword);
    EXPECT_EQ(a.status, 200) << name << ": " << a.body;
    rapidjson::Document doc = a.Json();
    if (a.status != 200 || !doc.IsObject() || !doc.HasMember("token")) return "";
    tokens_seen_.push_back(doc["token"].GetString());
    return doc["token"].GetString();
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
               std::vector<std::string> grants, bool disabled = false) {
    User user;
    user.name = name;
    user.role = role;
    user.display_name = name;
    Result<std::string> hash = HashPassword(kPassword, kIterations);
    ASSERT_TRUE(hash.ok());
    user.password_hash = *hash;
    user.scopes = std::move(scopes);
    user.grants = std::move(grants);
    user.disabled = disabled;
    Result<int64_t> id = store_->AddUser(user);
    ASSERT_TRUE(id.ok()) << id.status().message();
  }

  int64_t AddPerson(int64_t household, const std::string& name, const std::string& birth,
                    int serial, const std::string& phone) {
    const std::string id_number = IdNumberFor(birth, serial);
    personal_.push_back(name);
    personal_.push_back(id_number);
    std::map<std::string, std::string> values = {
        {"name", name},
        {"id_number", id_number},
        {"birth_date", birth.substr(0, 4) + "-" + birth.substr(4, 2) + "-" + birth.substr(6)},
        {"gender", serial % 2 ? "1" : "2"},
        {"relationship", "02"},
        {"population_type", "01"}};
    if (!phone.empty()) {
      values["phone"] = phone;
      personal_.push_back(phone);
    }
    return Add(EntityKind::kPerson, household, values);
  }

  void WriteDelivery() {
    std::filesystem::create_directories(dir_ + "/deliveries");
    std::ofstream out(dir_ + "/deliveries/audit-push.yaml");
    out << "id: audit-push\ntitle: 审计测试推送\nmapping: minzheng/gaoling-jintie\n"
           "key: 公民身份号码\ntarget: {type: file, dir: "
        << dir_ << "/drop, format: json}\n";
    ASSERT_TRUE(out.good()) << "writing the delivery";
  }

  void CopyMappings() {
    std::error_code ec;
    std::filesystem::copy(ONETABLE_SOURCE_DIR "/mappings", dir_ + "/mappings",
                          std::filesystem::copy_options::recursive, ec);
    ASSERT_FALSE(ec) << "copying mappings/: " << ec.message();
  }

  // The connector "matrix": its file has a header and no rows, so that a run the matrix starts
  // is real (plugin, runtime, run report) and leaves the register as seeded.
  void WriteConnector() {
    const std::string dir = dir_ + "/connectors";
    std::filesystem::create_directories(dir);
    testing::WriteFile(dir + "/matrix.yaml",
                       "id: matrix\n"
                       "title: 授权矩阵测试名册\n"
                       "type: csv\n"
                       "trust: 50\n"
                       "options: {path: matrix.csv}\n"
                       "entity: person\n"
                       "match: {id_number: 公民身份号码}\n"
                       "fields:\n"
                       "  name: 姓名\n");
    testing::WriteFile(dir + "/matrix.csv", "公民身份号码,姓名\n");
  }

  int64_t AddTag(int64_t person, const std::string& tag, std::map<std::string, std::string> attrs) {
    TagAssignment assignment;
    assignment.person_id = person;
    assignment.tag = tag;
    assignment.attrs = std::move(attrs);
    assignment.source = "seed";
    Result<int64_t> id = store_->AddTag(assignment);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  // `other` is the candidate duplicate (kind "duplicate"), or 0 with `field` for a conflict.
  int64_t AddReview(int64_t person, int64_t other, const std::string& field) {
    ReviewItem item;
    item.kind = other > 0 ? "duplicate" : "conflict";
    item.entity = EntityKind::kPerson;
    item.entity_id = person;
    item.other_id = other;
    item.field = field;
    item.detail = other > 0 ? R"({"score":0.9})" : R"({"sources":["seed"]})";
    Result<int64_t> id = store_->AddReview(item);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  void SetHead(int64_t household, int64_t person) {
    Result<Row> row = store_->Get(EntityKind::kHousehold, household);
    ASSERT_TRUE(row.ok()) << row.status().message();
    row->values["head_person_id"] = std::to_string(person);
    Status st = store_->Update(EntityKind::kHousehold, &*row);
    ASSERT_TRUE(st.ok()) << st.message();
  }

  void Seed() {
    district_ = Add(EntityKind::kDistrict, 0, {{"code", "420581"}, {"name", "宜都市"}});
    street_ = Add(EntityKind::kStreet, district_, {{"code", "420581001"}, {"name", "陆城街道"}});
    community_a_ =
        Add(EntityKind::kCommunity, street_, {{"code", "420581001001"}, {"name", "东风社区"}});
    community_b_ =
        Add(EntityKind::kCommunity, street_, {{"code", "420581001002"}, {"name", "西湖社区"}});
    grid_a1_ = Add(EntityKind::kGrid, community_a_, {{"code", "01"}, {"name", "东风第一网格"}});
    grid_a2_ = Add(EntityKind::kGrid, community_a_, {{"code", "02"}, {"name", "东风第二网格"}});
    grid_b1_ = Add(EntityKind::kGrid, community_b_, {{"code", "01"}, {"name", "西湖第一网格"}});
    building_a1_ =
        Add(EntityKind::kBuilding, grid_a1_, {{"name", "1栋"}, {"address", "清江大道1号"}});
    building_a2_ =
        Add(EntityKind::kBuilding, grid_a2_, {{"name", "2栋"}, {"address", "清江大道2号"}});
    building_b1_ =
        Add(EntityKind::kBuilding, grid_b1_, {{"name", "3栋"}, {"address", "园林大道3号"}});
    household_a1_ = Add(EntityKind::kHousehold, building_a1_, {{"household_number", "H-A1"}});
    household_a2_ = Add(EntityKind::kHousehold, building_a2_, {{"household_number", "H-A2"}});
    household_b1_ = Add(EntityKind::kHousehold, building_b1_, {{"household_number", "H-B1"}});
    zhang_ = AddPerson(household_a1_, "张三丰", "19400101", 11, "13800000001");
    li_ = AddPerson(household_a1_, "李四海", "19450315", 22, "13912345678");
    wang_ = AddPerson(household_a2_, "王五洋", "19800101", 33, "13800000003");
    zhao_ = AddPerson(household_b1_, "赵六华", "19300601", 44, "15012348888");
    SetHead(household_a1_, zhang_);
    SetHead(household_a2_, wang_);
    SetHead(household_b1_, zhao_);
    tag_own_ = AddTag(zhang_, "volunteer", {{"hours", "2"}});
    tag_sibling_ = AddTag(wang_, "volunteer", {{"hours", "3"}});
    tag_other_ = AddTag(zhao_, "volunteer", {{"hours", "4"}});
    const std::map<std::string, std::string> dibao = {
        {"category", "01"}, {"since", "2024-01-01"}, {"amount", "650"}, {"covered_count", "1"}};
    dibao_own_ = AddTag(zhang_, "dibao", dibao);
    dibao_other_ = AddTag(zhao_, "dibao", dibao);
    review_own_ = AddReview(zhang_, li_, "");
    review_other_ = AddReview(zhao_, 0, "phone");
    ImportRun run;
    run.source = "matrix";
    run.title = "授权矩阵测试名册";
    run.connector_type = "csv";
    run.spec_file = dir_ + "/connectors/matrix.yaml";
    run.status = kImportDone;
    run.read = 1;
    run.rejected = 1;
    Result<int64_t> run_id = store_->AddImportRun(run);
    ASSERT_TRUE(run_id.ok()) << run_id.status().message();
    run_ = *run_id;
    QuarantinedRow bad;
    bad.run_id = run_;
    bad.source = "matrix";
    bad.location = "matrix.csv";
    bad.row = 2;
    bad.column = "公民身份号码";
    bad.reason = "身份证号校验位错误";
    Result<int64_t> quarantined = store_->AddQuarantine(bad);
    ASSERT_TRUE(quarantined.ok()) << quarantined.status().message();
    AddUser("admin", "admin", {}, {});
    AddUser("secadmin", "security_admin", {}, {});
    AddUser("auditor", "auditor", {}, {});
    AddUser("ca_a", "community_admin", {"420581001001"}, {});
    AddUser("gw_a1", "grid_worker", {"420581001001/01"}, {});
    // sensitive:dibao: dibao's rows are chosen by a sensitive tag, so only a caller who may see
    // that tag may run it.
    AddUser("dept", "department", {},
            {"minzheng/gaoling-jintie", "minzheng/dibao", "sensitive:dibao"});
    AddUser("off", "grid_worker", {"420581001001/01"}, {}, /*disabled=*/true);
  }

  // Every ID number, phone and name seeded: none may appear in a log or an audit row.
  const std::vector<std::string>& personal() const { return personal_; }

  // Declared before the stores that seal with it.
  AuditKey audit_key_{DefaultAuditAlgorithm(), std::string(32, '\x6b')};
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Divisions> divisions_;
  std::string dir_, url_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AccessPolicy> policy_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<Metrics> metrics_;
  // Runs started by requests; joined after the server has stopped (StopServer).
  std::unique_ptr<BackgroundJobs> jobs_ = std::make_unique<BackgroundJobs>();
  std::unique_ptr<ServiceContext> service_;
  std::unique_ptr<Server> server_;
  std::vector<Router::RouteInfo> routes_;
  std::atomic<int64_t> now_{kT0};
  bool log_taken_ = false;
  std::vector<std::string> personal_;
  std::vector<std::string> tokens_seen_;  // every token handed out, for the leak checks
  int64_t district_ = 0, street_ = 0, community_a_ = 0, community_b_ = 0, grid_a1_ = 0,
          grid_a2_ = 0, grid_b1_ = 0, building_a1_ = 0, building_a2_ = 0, building_b1_ = 0,
          household_a1_ = 0, household_a2_ = 0, household_b1_ = 0, zhang_ = 0, li_ = 0, wang_ = 0,
          zhao_ = 0;
  int64_t tag_own_ = 0, tag_sibling_ = 0, tag_other_ = 0, dibao_own_ = 0, dibao_other_ = 0,
          review_own_ = 0, review_other_ = 0, run_ = 0;
};

}  // namespace onetable::authtest

#endif  // ONETABLE_TESTS_INTEGRATION_AUTH_HARNESS_H_
