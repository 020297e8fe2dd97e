// The admin and review workflows over real HTTP: the review queue (list within scope, link,
// keep apart, choose a value, stale settles) and connectors (list with their problems, run now
// with the real csv plugin, runs and quarantined rows).
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "api_harness.h"

namespace onetable::testing {
namespace {

std::string S(int64_t id) { return std::to_string(id); }

std::vector<int64_t> Ids(const Reply& r) {
  std::vector<int64_t> ids;
  rapidjson::Document doc = r.Json();
  if (!doc.IsObject() || !doc.HasMember("items")) return ids;
  for (const auto& item : doc["items"].GetArray()) ids.push_back(item["id"].GetInt64());
  return ids;
}

class ApiWorkflow : public ApiHarness {
 protected:
  int64_t Review(const std::string& kind, int64_t entity, int64_t other, const std::string& field,
                 const std::string& detail = "{}") {
    ReviewItem item;
    item.kind = kind;
    item.entity = EntityKind::kPerson;
    item.entity_id = entity;
    item.other_id = other;
    item.field = field;
    item.detail = detail;
    Result<int64_t> id = store_->AddReview(item);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }
};

TEST_F(ApiWorkflow, ReviewQueueIsSettledWithinScope) {
  const int64_t twin =
      Add(EntityKind::kPerson, ids_.household_a1, {{"name", "张三"}, {"birth_date", "1940-01-01"}});
  const int64_t other_twin = Add(EntityKind::kPerson, ids_.household_b1, {{"name", "赵六"}});
  const int64_t dup_a = Review("duplicate", twin, ids_.zhang, "", R"({"score":0.7})");
  const int64_t dup_b = Review("duplicate", other_twin, ids_.zhao, "");
  const int64_t apart = Review("duplicate", ids_.li, twin, "");
  const int64_t phone =
      Review("conflict", ids_.li, 0, "phone",
             R"({"current":{"value":"13800000002"},"incoming":{"value":"13800000005"}})");
  const int64_t religion =
      Review("conflict", ids_.zhang, 0, "religion", R"({"current":{"value":"佛教"}})");
  auto gw = As("gw_a1");

  EXPECT_EQ(Ids(gw->Get("/api/v1/review")), (std::vector<int64_t>{dup_a, apart, phone}));
  EXPECT_EQ(Ids(As("admin")->Get("/api/v1/review")),
            (std::vector<int64_t>{dup_a, dup_b, apart, phone}));  // religion: not granted
  EXPECT_EQ(Ids(As("admin_s")->Get("/api/v1/review")).size(), 5u);
  EXPECT_EQ(Ids(gw->Get("/api/v1/review?kind=conflict")), (std::vector<int64_t>{phone}));
  EXPECT_EQ(gw->Get("/api/v1/review/" + S(dup_b)).status, 404);
  EXPECT_EQ(gw->Get("/api/v1/review/" + S(religion)).status, 404);
  EXPECT_EQ(As("dept")->Get("/api/v1/review").status, 403);
  Reply one = gw->Get("/api/v1/review/" + S(dup_a));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.Header("ETag"), "\"1\"");

  // Link: the older id survives, the other becomes its alias.
  EXPECT_EQ(gw->Post("/api/v1/review/" + S(dup_a) + "/link", "").status, 428);
  EXPECT_EQ(gw->Post("/api/v1/review/" + S(dup_b) + "/link", "", "\"1\"").status, 404);
  Reply linked = gw->Post("/api/v1/review/" + S(dup_a) + "/link", "", "\"1\"");
  ASSERT_EQ(linked.status, 200) << linked.body;
  EXPECT_EQ(linked.Json()["survivor_id"].GetInt64(), ids_.zhang);
  EXPECT_EQ(linked.Json()["item"]["status"].GetString(), std::string("linked"));
  EXPECT_EQ(gw->Get("/api/v1/persons/" + S(twin)).status, 404);
  // Settled already: 412 with the item as it is now.
  Reply again = gw->Post("/api/v1/review/" + S(dup_a) + "/link", "", "\"1\"");
  EXPECT_EQ(again.status, 412) << again.body;
  EXPECT_EQ(again.Json()["current"]["status"].GetString(), std::string("linked"));

  // Keep apart: li and twin (now merged into zhang) are two people.
  Reply kept = gw->Post("/api/v1/review/" + S(apart) + "/keep-apart", "", "\"1\"");
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(kept.Json()["item"]["status"].GetString(), std::string("kept_apart"));

  // Choose a value: validated, then written as the worker's manual entry.
  Reply bad = gw->Post("/api/v1/review/" + S(phone) + "/choose", R"({"value": "123"})", "\"1\"");
  EXPECT_EQ(bad.status, 422) << bad.body;
  Reply chosen =
      gw->Post("/api/v1/review/" + S(phone) + "/choose", R"({"value": "13800000005"})", "\"1\"");
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  // Phones are masked by default; "show in full" (audited) shows the chosen number.
  EXPECT_NE(gw->Get("/api/v1/persons/" + S(ids_.li)).Json()["fields"]["phone"].GetString(),
            std::string("13800000005"));
  rapidjson::Document li = gw->Get("/api/v1/persons/" + S(ids_.li) + "?reveal=1").Json();
  EXPECT_EQ(li["fields"]["phone"].GetString(), std::string("13800000005"));
  rapidjson::Document prov = gw->Get("/api/v1/persons/" + S(ids_.li) + "/provenance").Json();
  bool manual = false;
  for (const auto& o : prov["items"].GetArray()) {
    manual = manual || (o["field"].GetString() == std::string("phone") &&
                        o["source"].GetString() == std::string("manual") &&
                        o["actor"].GetString() == std::string("gw_a1"));
  }
  EXPECT_TRUE(manual) << gw->Get("/api/v1/persons/" + S(ids_.li) + "/provenance").body;

  EXPECT_TRUE(Ids(gw->Get("/api/v1/review")).empty());
  EXPECT_EQ(Ids(gw->Get("/api/v1/review?status=all")).size(), 3u);  // dup_a resolved away
  Result<std::vector<AuditEntry>> audit =
      store_->ListAudit(AuditQuery{"gw_a1", "write", "", "", 0, 100});
  ASSERT_TRUE(audit.ok());
  std::set<std::string> objects;
  for (const AuditEntry& e : *audit) {
    if (e.result == "ok") objects.insert(e.object);
  }
  EXPECT_EQ(objects, (std::set<std::string>{"review/" + S(dup_a), "review/" + S(apart),
                                            "review/" + S(phone)}));
}

TEST_F(ApiWorkflow, AConflictNamingSeveralFieldsIsSettledWithValues) {
  // One item per person and run names every field that needs a person (survivorship.h).
  const int64_t item = Review("conflict", ids_.li, 0, "name,phone",
                              R"({"field":"name","fields":[{"field":"name"},{"field":"phone"}]})");
  auto gw = As("gw_a1");
  Reply one = gw->Post("/api/v1/review/" + S(item) + "/choose", R"({"value": "李四"})", "\"1\"");
  EXPECT_EQ(one.status, 400) << one.body;  // which field? the item names two
  Reply other = gw->Post("/api/v1/review/" + S(item) + "/choose",
                         R"({"values": {"gender": "1"}})", "\"1\"");
  EXPECT_EQ(other.status, 400) << other.body;  // not a field of this item
  Reply bad = gw->Post("/api/v1/review/" + S(item) + "/choose", R"({"values": {"phone": "123"}})",
                       "\"1\"");
  EXPECT_EQ(bad.status, 422) << bad.body;
  Reply chosen = gw->Post("/api/v1/review/" + S(item) + "/choose",
                          R"({"values": {"name": "李四四", "phone": "13800000007"}})", "\"1\"");
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  rapidjson::Document li = gw->Get("/api/v1/persons/" + S(ids_.li) + "?reveal=1").Json();
  EXPECT_EQ(li["fields"]["name"].GetString(), std::string("李四四"));
  EXPECT_EQ(li["fields"]["phone"].GetString(), std::string("13800000007"));
  EXPECT_EQ(chosen.Json()["item"]["status"].GetString(), std::string("resolved"));
}

TEST_F(ApiWorkflow, ConnectorsRunNowAndReportTheirRuns) {
  namespace fs = std::filesystem;
  const std::string dir = dir_ + "/connectors";
  fs::create_directories(dir);
  WriteFile(dir + "/test-src.yaml",
            "id: test-src\ntitle: 测试来源\ntype: csv\ntrust: 60\noptions: {path: people.csv}\n"
            "entity: person\nmatch: {id_number: 身份证号}\nfields:\n  name: 姓名\n  phone: 电话\n");
  const std::string zhang_id = MakeIdNumber("19400101", 11);
  WriteFile(dir + "/people.csv", "姓名,身份证号,电话\n张三," + zhang_id + ",13800000001\n钱七," +
                                     MakeIdNumber("19600101", 77) +
                                     ",13800000077\n坏行,420581,13800000078\n");
  WriteFile(dir + "/broken.yaml", "id: broken\ntitle: 坏配置\ntype: csv\nnope: 1\n");

  auto admin = As("admin");
  Reply list = admin->Get("/api/v1/connectors");
  ASSERT_EQ(list.status, 200) << list.body;
  rapidjson::Document doc = list.Json();
  ASSERT_EQ(doc["items"].Size(), 2u) << list.body;
  EXPECT_EQ(doc["items"][0]["id"].GetString(), std::string("broken"));
  EXPECT_FALSE(doc["items"][0]["valid"].GetBool());
  EXPECT_GE(doc["items"][0]["problems"].Size(), 1u);
  EXPECT_TRUE(doc["items"][1]["valid"].GetBool());
  EXPECT_EQ(doc["items"][1]["title"].GetString(), std::string("测试来源"));

  EXPECT_EQ(As("ca_a")->Get("/api/v1/connectors").status, 403);
  EXPECT_EQ(As("gw_a1")->Post("/api/v1/connectors/test-src/run", "").status, 403);
  EXPECT_EQ(admin->Post("/api/v1/connectors/broken/run", "").status, 422);
  EXPECT_EQ(admin->Post("/api/v1/connectors/nothing/run", "").status, 404);

  // A run is a background job: 202 with the run's URL, whose report says how far it got.
  Reply run = admin->Post("/api/v1/connectors/test-src/run", "");
  ASSERT_EQ(run.status, 202) << run.body;
  const int64_t run_id = run.Json()["run_id"].GetInt64();
  const std::string url = "/api/v1/runs/" + S(run_id);
  EXPECT_EQ(run.Json()["url"].GetString(), url);
  EXPECT_EQ(run.Header("Location"), url);
  jobs_.WaitIdle();
  Reply finished = admin->Get(url);
  ASSERT_EQ(finished.status, 200) << finished.body;
  rapidjson::Document report = finished.Json();
  EXPECT_EQ(report["status"].GetString(), std::string("done")) << finished.body;
  EXPECT_EQ(report["read"].GetInt64(), 3);
  EXPECT_EQ(report["rejected"].GetInt64(), 1);
  // The rejected row is counted under its named problem (the run page lists these).
  ASSERT_TRUE(report.HasMember("problems")) << finished.body;
  EXPECT_EQ(report["problems"]["invalid_value"].GetInt64(), 1) << finished.body;
  // /metrics counts the run and its rows by outcome.
  const std::string metrics = As("")->Get("/metrics").body;
  EXPECT_NE(metrics.find("onetable_import_runs_total{source=\"test-src\",status=\"done\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("onetable_import_rows_total{source=\"test-src\",outcome=\"rejected\"} 1"),
            std::string::npos)
      << metrics;

  Reply runs = admin->Get("/api/v1/connectors/test-src/runs");
  ASSERT_EQ(runs.status, 200) << runs.body;
  EXPECT_EQ(Ids(runs), (std::vector<int64_t>{run_id}));
  Reply one = admin->Get("/api/v1/runs/" + S(run_id));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.Json()["source"].GetString(), std::string("test-src"));
  Reply quarantine = admin->Get("/api/v1/runs/" + S(run_id) + "/quarantine");
  ASSERT_EQ(quarantine.status, 200) << quarantine.body;
  rapidjson::Document q = quarantine.Json();
  ASSERT_GE(q["items"].Size(), 1u);
  EXPECT_EQ(q["items"][0]["row"].GetInt64(), 4) << quarantine.body;
  EXPECT_FALSE(q["items"][0].HasMember("raw"));  // admin without "sensitive"
  EXPECT_TRUE(As("admin_s")
                  ->Get("/api/v1/runs/" + S(run_id) + "/quarantine")
                  .Json()["items"][0]
                  .HasMember("raw"));
  EXPECT_EQ(admin->Get("/api/v1/runs/999999").status, 404);

  Result<std::vector<AuditEntry>> audit =
      store_->ListAudit(AuditQuery{"", "connector_run", "", "", 0, 100});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);  // broken (422) and test-src; "nothing" is no connector (404)
  EXPECT_EQ(audit->back().object, "connector/test-src");
  EXPECT_EQ(audit->back().result, "ok");
}

}  // namespace
}  // namespace onetable::testing
