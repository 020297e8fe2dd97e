// Progress of long work over real HTTP (issue 19 item 6): connectors that cannot run say why in
// the list, a running import is cancelled after its batch (committed rows stay), and a table
// download followed by its progress token reports the rows it generated.
#include <filesystem>
#include <string>

#include "api_harness.h"

namespace onetable::testing {
namespace {

std::string S(int64_t id) { return std::to_string(id); }

class ApiProgress : public ApiHarness {
 protected:
  void SetUp() override {
    ApiHarness::SetUp();
    dir_connectors_ = dir_ + "/connectors";
    std::filesystem::create_directories(dir_connectors_);
  }
  std::string dir_connectors_;
};

TEST_F(ApiProgress, AConnectorThatCannotRunSaysWhy) {
  WriteFile(dir_connectors_ + "/noenv.yaml",
            "id: noenv\ntitle: 缺少环境变量\ntype: csv\ntrust: 60\n"
            "options: {path: \"${ONETABLE_TEST_UNSET_VARIABLE}\"}\n"
            "entity: person\nmatch: {id_number: 身份证号}\nfields:\n  name: 姓名\n");
  WriteFile(dir_connectors_ + "/ok.yaml",
            "id: ok\ntitle: 可运行\ntype: csv\ntrust: 60\noptions: {path: ok.csv}\n"
            "entity: person\nmatch: {id_number: 身份证号}\nfields:\n  name: 姓名\n");
  WriteFile(dir_connectors_ + "/ok.csv", "姓名,身份证号\n");
  Reply list = As("admin")->Get("/api/v1/connectors");
  ASSERT_EQ(list.status, 200) << list.body;
  rapidjson::Document doc = list.Json();
  ASSERT_EQ(doc["items"].Size(), 2u) << list.body;
  const auto& noenv = doc["items"][0];
  EXPECT_EQ(noenv["id"].GetString(), std::string("noenv"));
  EXPECT_TRUE(noenv["valid"].GetBool());
  EXPECT_FALSE(noenv["runnable"].GetBool());
  ASSERT_GE(noenv["not_runnable"].Size(), 1u);
  EXPECT_NE(std::string(noenv["not_runnable"][0].GetString()).find("ONETABLE_TEST_UNSET_VARIABLE"),
            std::string::npos)
      << list.body;
  EXPECT_TRUE(doc["items"][1]["runnable"].GetBool());
  EXPECT_EQ(doc["items"][1]["not_runnable"].Size(), 0u);
}

TEST_F(ApiProgress, ARunningImportIsCancelledAfterItsBatch) {
  std::string csv = "姓名,身份证号\n";
  constexpr int kRows = 1500;
  for (int i = 0; i < kRows; ++i) {
    char birth[16];
    std::snprintf(birth, sizeof birth, "19%02d%02d%02d", 50 + i / 336, 1 + (i / 28) % 12, 1 + i % 28);
    csv += "长" + std::to_string(i) + "," + MakeIdNumber(birth, 101) + "\n";
  }
  WriteFile(dir_connectors_ + "/long.csv", csv);
  WriteFile(dir_connectors_ + "/long.yaml",
            "id: long\ntitle: 很长\ntype: csv\ntrust: 60\noptions: {path: long.csv}\n"
            "entity: person\nmatch: {id_number: 身份证号}\nbatch_size: 1\nfields:\n  name: 姓名\n");
  auto admin = As("admin");
  Reply started = admin->Post("/api/v1/connectors/long/run", "");
  ASSERT_EQ(started.status, 202) << started.body;
  const int64_t run_id = started.Json()["run_id"].GetInt64();
  EXPECT_EQ(As("gw_a1")->Post("/api/v1/runs/" + S(run_id) + "/cancel", "").status, 403);
  Reply cancel = admin->Post("/api/v1/runs/" + S(run_id) + "/cancel", "");
  ASSERT_EQ(cancel.status, 202) << cancel.body;
  jobs_.WaitIdle();
  Reply run = admin->Get("/api/v1/runs/" + S(run_id));
  rapidjson::Document doc = run.Json();
  EXPECT_EQ(doc["status"].GetString(), std::string("failed")) << run.body;
  EXPECT_NE(run.body.find("运行已取消"), std::string::npos) << run.body;
  EXPECT_GT(doc["read"].GetInt64(), 0);
  EXPECT_LT(doc["read"].GetInt64(), kRows);
  // A run that has ended cannot be cancelled.
  EXPECT_EQ(admin->Post("/api/v1/runs/" + S(run_id) + "/cancel", "").status, 409);
}

TEST_F(ApiProgress, ATableDownloadReportsTheRowsItGenerated) {
  auto admin = As("admin");
  const std::string table = "/api/v1/tables/minzheng/gaoling-jintie?format=csv";
  EXPECT_EQ(admin->Get(table + "&progress=bad").status, 400);
  Reply download = admin->Get(table + "&progress=token-0001");
  ASSERT_EQ(download.status, 200) << download.body;
  Reply progress = admin->Get("/api/v1/table-progress/token-0001");
  ASSERT_EQ(progress.status, 200) << progress.body;
  rapidjson::Document doc = progress.Json();
  EXPECT_TRUE(doc["done"].GetBool());
  EXPECT_FALSE(doc["cancelled"].GetBool());
  EXPECT_GE(doc["rows"].GetInt64(), 0);
  EXPECT_GT(doc["elapsed_ms"].GetInt64(), 0);
  // Tokens are the caller's own.
  EXPECT_EQ(As("dept")->Get("/api/v1/table-progress/token-0001").status, 404);
  EXPECT_EQ(admin->Get("/api/v1/table-progress/token-9999").status, 404);
  EXPECT_EQ(admin->Post("/api/v1/table-progress/token-0001/cancel", "").status, 202);
}

}  // namespace
}  // namespace onetable::testing
