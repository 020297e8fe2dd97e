// The deliveries' admin API over real HTTP (the routes the web UI's 推送 page reads and calls),
// on the store ONETABLE_TEST_STORE selects: each delivery's state — last success, pending
// changes, failures — as the page shows it; an admin runs, pauses, resumes and retries it, a
// grid worker may not; a run and its refusal are audited and counted in /metrics.
#include <chrono>
#include <thread>

#include "../integration/api_harness.h"
#include "delivery/delivery_run.h"
#include "http/delivery_handlers.h"
#include "receiver.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

class DeliveryApi : public ApiHarness {
 protected:
  void SetUp() override {
    ApiHarness::SetUp();
    if (HasFatalFailure()) return;
    fs::create_directories(dir_ + "/mappings/test");
    fs::create_directories(dir_ + "/deliveries");
    WriteFile(dir_ + "/mappings/test/all.yaml",
              "id: test/all\ntitle: 全部人员\ndepartment: 测试部门\npurpose: 测试推送接口\n"
              "grain: person\nwhere: alive\norder_by: [id_number]\ncolumns:\n"
              "  - {header: 公民身份号码, value: id_number}\n  - {header: 姓名, value: name}\n");
    WriteFile(dir_ + "/deliveries/d.yaml",
              "id: d\ntitle: 接口测试推送\nmapping: test/all\nkey: 公民身份号码\ntarget: {type: "
              "http, url: \"" +
                  receiver_.url() + "\", retry: {attempts: 1}}\n");
    service_->settings.mappings_dir = dir_ + "/mappings";
    service_->settings.deliveries_dir = dir_ + "/deliveries";
  }

  // The delivery as GET /api/v1/deliveries lists it.
  rapidjson::Document Listed() {
    Reply r = As("admin")->Get("/api/v1/deliveries");
    EXPECT_EQ(r.status, 200) << r.body;
    rapidjson::Document doc = r.Json();
    rapidjson::Document one;
    const rapidjson::Value* list =
        doc.IsObject() && doc.HasMember("items") ? &doc["items"] : nullptr;
    if (list == nullptr || !list->IsArray()) {
      ADD_FAILURE() << "no list: " << r.body;
      return one;
    }
    for (const auto& e : list->GetArray()) {
      if (e.HasMember("id") && std::string(e["id"].GetString()) == "d") {
        one.CopyFrom(e, one.GetAllocator());
      }
    }
    EXPECT_TRUE(one.IsObject()) << r.body;
    return one;
  }

  // Waits (up to a minute) until the listed delivery satisfies `done`.
  bool WaitListed(const std::function<bool(const rapidjson::Document&)>& done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until) {
      rapidjson::Document d = Listed();
      if (d.IsObject() && !d["running"].GetBool() && done(d)) return true;
      std::this_thread::yield();
    }
    return false;
  }

  std::string Metrics() { return As("")->Get("/metrics").body; }

  Receiver receiver_;
};

TEST_F(DeliveryApi, StateRunPauseRetryAuditAndMetrics) {
  // Routes registered as `serve` does.
  rapidjson::Document d = Listed();
  ASSERT_TRUE(d.IsObject());
  EXPECT_FALSE(d["paused"].GetBool());
  EXPECT_TRUE(d["last_success_at"].IsNull());
  EXPECT_EQ(d["pending_batches"].GetInt(), 0);
  EXPECT_EQ(d["failed_batches"].GetInt(), 0);

  // A grid worker may neither see nor run deliveries.
  EXPECT_EQ(As("gw_a1")->Post("/api/v1/deliveries/d/run", "").status, 403);
  EXPECT_EQ(As("gw_a1")->Get("/api/v1/deliveries").status, 403);

  // The target refuses: the failure shows, is audited and counted.
  receiver_.AnswerAll(422);
  Reply run = As("admin")->Post("/api/v1/deliveries/d/run", "");
  ASSERT_EQ(run.status, 202) << run.body;
  ASSERT_TRUE(WaitListed([](const rapidjson::Document& x) {
    return x["failed_batches"].GetInt() == 1;
  }));
  d = Listed();
  EXPECT_GE(d["failed_changes"].GetInt(), 1);
  EXPECT_FALSE(std::string(d["last_error"].GetString()).empty());
  EXPECT_TRUE(d["last_success_at"].IsNull());
  std::string metrics = Metrics();
  EXPECT_NE(metrics.find("onetable_delivery_runs_total{delivery=\"d\",status=\"failed\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("onetable_delivery_refused_batches_total{delivery=\"d\"} 1"),
            std::string::npos)
      << metrics;
  AuditQuery q;
  q.action = kAuditDeliveryRun;
  auto audit = store_->ListAudit(q);
  ASSERT_TRUE(audit.ok()) << audit.status().message();
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->back().object, "delivery/d");
  EXPECT_EQ(audit->back().result, kAuditFailed);
  EXPECT_EQ(audit->back().user, "admin");

  // Retry (admin): the refused batch goes again, now acknowledged; the state says so.
  receiver_.AnswerAll(0);
  receiver_.Clear();
  Reply retry = As("admin")->Post("/api/v1/deliveries/d/retry", "");
  ASSERT_EQ(retry.status, 200) << retry.body;
  ASSERT_TRUE(WaitListed([](const rapidjson::Document& x) {
    return !x["last_success_at"].IsNull() && x["failed_batches"].GetInt() == 0;
  }));
  d = Listed();
  EXPECT_EQ(d["pending_batches"].GetInt(), 0);
  EXPECT_EQ(d["acked_batches"].GetInt(), 1);
  EXPECT_TRUE(std::string(d["last_error"].GetString()).empty());
  ASSERT_EQ(receiver_.requests().size(), 1u);
  EXPECT_EQ(receiver_.requests()[0].key, "d:1");  // the same batch, the same key
  metrics = Metrics();
  EXPECT_NE(metrics.find("onetable_delivery_runs_total{delivery=\"d\",status=\"done\"} 1"),
            std::string::npos)
      << metrics;
  audit = store_->ListAudit(q);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->back().result, kAuditOk);

  // Pause: shown, and a run is refused until resumed; both changes audited.
  Reply pause = As("admin")->Post("/api/v1/deliveries/d/pause", "");
  ASSERT_EQ(pause.status, 200) << pause.body;
  EXPECT_TRUE(Listed()["paused"].GetBool());
  Reply refused = As("admin")->Post("/api/v1/deliveries/d/run", "");
  EXPECT_EQ(refused.status, 409) << refused.body;
  ASSERT_EQ(As("admin")->Post("/api/v1/deliveries/d/resume", "").status, 200);
  EXPECT_FALSE(Listed()["paused"].GetBool());
  AuditQuery changes;
  changes.action = kAuditDeliveryChange;
  auto changed = store_->ListAudit(changes);
  ASSERT_TRUE(changed.ok());
  EXPECT_GE(changed->size(), 3u);  // retry, pause, resume
}

}  // namespace
}  // namespace onetable::testing
