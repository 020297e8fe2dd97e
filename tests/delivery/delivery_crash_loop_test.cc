// Crash loop of a delivery: `onetable deliver` to a file target, killed with SIGKILL at random
// moments (ONETABLE_KILL_LOOPS times, 20 by default; ONETABLE_KILL_SEED replays one sequence),
// on the store ONETABLE_TEST_STORE selects. After every kill: the store is intact (SQLite's
// integrity_check, MariaDB's CHECK TABLE), every acknowledged batch's file holds exactly the
// batch's bytes and is in the manifest, and every file the manifest lists is whole;
// once a run completes, the batches of that round carry every person exactly once with the
// values of that round. The kill waits for a random number of acknowledged batches (or the end
// of the run), so the moment is random and the test does not race.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "../integration/cli_runner.h"
#include "../integration/raw_store.h"
#include "delivery/delivery_run.h"
#include "model/catalog.h"
#include "model/date.h"
#include "model/sha256.h"
#include "store/sql_connection.h"
#include "store/store.h"
#include "store/store_url.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

constexpr int kPersons = 300;
constexpr int kBatch = 3;  // 100 batches a round

const char kMapping[] = R"(id: test/push
title: 推送测试表
department: 测试部门
purpose: 测试推送
grain: person
as_of: "{AS_OF}"
where: alive
order_by: [id_number]
columns:
  - {header: 公民身份号码, value: id_number}
  - {header: 姓名, value: name}
  - {header: 联系电话, value: phone}
)";

std::string Key(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "420581195001%06d", i);
  return buf;
}

std::string Phone(int round, int i) {
  return "13" + std::to_string(round % 10) + std::to_string(10000000 + i);
}

class DeliveryCrashLoop : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    fs::create_directories(dir_ + "/mappings/test");
    fs::create_directories(dir_ + "/deliveries");
    fs::create_directories(dir_ + "/drop");
    std::string mapping = kMapping;
    mapping.replace(mapping.find("{AS_OF}"), 7, Today().ToString());
    WriteFile(dir_ + "/mappings/test/push.yaml", mapping);
    config_ = dir_ + "/onetable.yaml";
    WriteFile(config_, "store: \"" + url_ + "\"\nschema: " ONETABLE_SOURCE_DIR
                       "/schema\nmappings: " + dir_ + "/mappings\ndeliveries: " + dir_ +
                           "/deliveries\n");
    WriteFile(dir_ + "/deliveries/d.yaml",
              "id: d\ntitle: 测试推送\nmapping: test/push\nscope: \"420581001001\"\n"
              "key: 公民身份号码\ntarget: {type: file, dir: ../drop, format: json, batch: " +
                  std::to_string(kBatch) + "}\n");
    CliResult init = RunCli({"--config", config_, "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::make_unique<Catalog>(std::move(*catalog));
    store_ = Open();
    ASSERT_TRUE(store_);
    Status st = store_->InTransaction([&]() -> Status {
      auto add = [&](EntityKind kind, int64_t parent,
                     std::map<std::string, std::string> values) -> Result<int64_t> {
        Row r;
        r.parent_id = parent;
        r.values = std::move(values);
        r.status = kStatusActive;
        return store_->Insert(kind, r);
      };
      ASSIGN_OR_RETURN(int64_t d, add(EntityKind::kDistrict, 0, {{"code", "420581"}, {"name", "宜都市"}}));
      ASSIGN_OR_RETURN(int64_t s, add(EntityKind::kStreet, d, {{"code", "420581001"}, {"name", "陆城街道"}}));
      ASSIGN_OR_RETURN(int64_t c, add(EntityKind::kCommunity, s, {{"code", "420581001001"}, {"name", "东风社区"}}));
      ASSIGN_OR_RETURN(int64_t g, add(EntityKind::kGrid, c, {{"code", "01"}, {"name", "第一网格"}}));
      ASSIGN_OR_RETURN(int64_t b, add(EntityKind::kBuilding, g, {{"address", "清江大道1号"}}));
      ASSIGN_OR_RETURN(int64_t h, add(EntityKind::kHousehold, b, {{"address", "清江大道1号101"}}));
      for (int i = 0; i < kPersons; ++i) {
        ASSIGN_OR_RETURN(int64_t p, add(EntityKind::kPerson, h,
                                        {{"name", "居民" + std::to_string(i)},
                                         {"id_number", Key(i)},
                                         {"phone", Phone(0, i)}}));
        persons_.push_back(p);
      }
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.message();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<Store> Open() {
    auto store = OpenStore(url_, *catalog_);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  void NextRound(int round) {
    Status st = store_->InTransaction([&]() -> Status {
      for (int i = 0; i < kPersons; ++i) {
        ASSIGN_OR_RETURN(Row row, store_->Get(EntityKind::kPerson, persons_[i]));
        row.values["phone"] = Phone(round, i);
        RETURN_IF_ERROR(store_->Update(EntityKind::kPerson, &row));
      }
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.message();
  }

  // The batches after `after_seq`, with their bodies.
  std::vector<DeliveryBatch> Batches(int64_t after_seq) {
    auto b = store_->ListDeliveryBatches("d", "", after_seq, 100000, true);
    EXPECT_TRUE(b.ok()) << b.status().message();
    return b.ok() ? *b : std::vector<DeliveryBatch>{};
  }

  std::string dir_, url_, config_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Store> store_;
  std::vector<int64_t> persons_;
};

std::string FileOf(const std::string& dir, int64_t seq) {
  char name[64];
  std::snprintf(name, sizeof name, "/d-%06lld.json", static_cast<long long>(seq));
  return dir + name;
}

// The delivery's manifest in the drop directory, as a receiver reads it: batch number -> "" when
// the file it names is whole (its SHA-256 and count of changes are the manifest's), else what is
// wrong. Empty when there is no manifest yet.
std::map<int64_t, std::string> Manifest(const std::string& drop) {
  std::map<int64_t, std::string> out;
  const std::string path = drop + "/d-manifest.json";
  if (!fs::exists(path)) return out;
  rapidjson::Document doc;
  const std::string text = ReadFile(path);
  doc.Parse(text.data(), text.size());
  EXPECT_TRUE(!doc.HasParseError() && doc.IsObject() && doc.HasMember("batches") &&
              doc["batches"].IsArray())
      << "the manifest is not whole: " << text;
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("batches") ||
      !doc["batches"].IsArray()) {
    return out;
  }
  for (const auto& b : doc["batches"].GetArray()) {
    const bool whole = b.IsObject() && b.HasMember("batch") && b["batch"].IsInt64() &&
                       b.HasMember("file") && b["file"].IsString() && b.HasMember("sha256") &&
                       b["sha256"].IsString() && b.HasMember("upserts") && b["upserts"].IsInt64() &&
                       b.HasMember("deletes") && b["deletes"].IsInt64();
    EXPECT_TRUE(whole) << "a manifest entry without its batch, file, sha256 or counts: " << text;
    if (!whole) continue;
    const int64_t seq = b["batch"].GetInt64();
    const std::string file = drop + "/" + b["file"].GetString();
    std::string& problem = out[seq];
    if (!fs::exists(file)) {
      problem = "no file " + file;
      continue;
    }
    const std::string body = ReadFile(file);
    if (Sha256Hex(body) != b["sha256"].GetString()) problem = "SHA-256 differs: " + file;
    rapidjson::Document batch;
    batch.Parse(body.data(), body.size());
    if (batch.HasParseError() || !batch.IsObject() || !batch.HasMember("changes") ||
        !batch["changes"].IsArray()) {
      problem += " not a whole batch: " + file;
    } else if (static_cast<int64_t>(batch["changes"].GetArray().Size()) !=
               b["upserts"].GetInt64() + b["deletes"].GetInt64()) {
      problem += " changes differ from the manifest's count: " + file;
    }
  }
  return out;
}

TEST_F(DeliveryCrashLoop, DeliveryKilledAtRandomMomentsSendsEveryRowOncePerRound) {
  const int loops = KillLoops();
  const uint32_t seed = KillSeed();
  std::mt19937 rng(seed);
  SCOPED_TRACE("ONETABLE_KILL_SEED=" + std::to_string(seed));
  int round = 0, kills = 0;
  int64_t round_first_seq = 1;
  const std::string drop = dir_ + "/drop";
  const auto started = std::chrono::steady_clock::now();
  while (kills < loops) {
    const int64_t threshold = std::uniform_int_distribution<int64_t>(0, kPersons / kBatch - 1)(rng);
    int64_t acked_before = 0;
    ASSERT_TRUE(store_->CountDeliveryBatches("d", kBatchAcked, nullptr).ok());
    acked_before = *store_->CountDeliveryBatches("d", kBatchAcked, nullptr);
    const pid_t pid = StartCli({"--config", config_, "deliver", "d"}, dir_ + "/deliver.log");
    ASSERT_GT(pid, 0);
    int status = 0;
    bool exited = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (true) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << ReadFile(dir_ + "/deliver.log");
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      auto acked = store_->CountDeliveryBatches("d", kBatchAcked, nullptr);
      if (acked.ok() && *acked - acked_before >= threshold) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!exited) {
      ASSERT_EQ(kill(pid, SIGKILL), 0);
      ASSERT_EQ(waitpid(pid, &status, 0), pid);
      exited = !WIFSIGNALED(status);
      if (!exited) ++kills;
    }
    SCOPED_TRACE("kill " + std::to_string(kills) + ", round " + std::to_string(round));
    store_ = Open();  // a fresh connection sees what was committed
    ASSERT_TRUE(store_);
    {
      auto db = Connect(url_);
      ASSERT_TRUE(db);
      EXPECT_EQ(IntegrityProblems(*db), std::vector<std::string>{});
    }
    // Every acknowledged batch of this round is in place whole, with exactly its bytes, and
    // listed. (The receiver takes each completed round's files away, as a drop directory's
    // reader does: so the manifest and the checks stay the size of a round, however many kills.)
    std::vector<DeliveryBatch> batches = Batches(round_first_seq - 1);
    const std::map<int64_t, std::string> listed = Manifest(drop);
    for (const DeliveryBatch& b : batches) {
      if (b.status != kBatchAcked) continue;
      EXPECT_EQ(ReadFile(FileOf(drop, b.seq)), b.body) << "batch " << b.seq;
      EXPECT_EQ(listed.count(b.seq), 1u)
          << "batch " << b.seq << " acknowledged, not in the manifest";
    }
    // What the receiver reads: every file the manifest lists is whole (its SHA-256 and count of
    // changes are the manifest's) and is a batch the store holds, with that batch's bytes.
    std::map<int64_t, const DeliveryBatch*> by_seq;
    for (const DeliveryBatch& b : batches) by_seq[b.seq] = &b;
    for (const auto& [seq, problem] : listed) {
      EXPECT_EQ(problem, "") << "manifest entry " << seq;
      auto it = by_seq.find(seq);
      ASSERT_NE(it, by_seq.end()) << "the manifest lists batch " << seq << ", the store has none";
      EXPECT_EQ(ReadFile(FileOf(drop, seq)), it->second->body) << "listed batch " << seq;
    }
    if (!exited) {
      const int64_t later = static_cast<int64_t>(std::time(nullptr)) + 120;
      auto taken = store_->AcquireLease(DeliveryLeaseName("d"), "crash-loop", later, 1);
      ASSERT_TRUE(taken.ok() && taken->granted);
      ASSERT_TRUE(store_->ReleaseLease(DeliveryLeaseName("d"), "crash-loop").ok());
    } else {
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadFile(dir_ + "/deliver.log");
      // The round's batches: all acknowledged, every person exactly once, this round's values.
      std::map<std::string, int> seen;
      int64_t last_seq = round_first_seq - 1;
      for (const DeliveryBatch& b : batches) {
        if (b.seq < round_first_seq) continue;
        EXPECT_EQ(b.status, kBatchAcked) << b.seq;
        last_seq = std::max(last_seq, b.seq);
        rapidjson::Document d;
        d.Parse(b.body.c_str());
        ASSERT_FALSE(d.HasParseError());
        for (const auto& c : d["changes"].GetArray()) {
          EXPECT_EQ(std::string(c["op"].GetString()), "upsert");
          const std::string key = c["key"].GetString();
          ++seen[key];
          const int i = std::atoi(key.substr(12).c_str());
          EXPECT_EQ(std::string(c["row"]["联系电话"].GetString()), Phone(round, i)) << key;
        }
      }
      EXPECT_EQ(static_cast<int>(seen.size()), kPersons);
      for (const auto& [key, n] : seen) EXPECT_EQ(n, 1) << key;
      ++round;
      round_first_seq = last_seq + 1;
      for (const auto& file : fs::directory_iterator(drop)) fs::remove(file.path());
      ASSERT_NO_FATAL_FAILURE(NextRound(round));
    }
    if (HasFailure()) break;
  }
  std::cerr << "delivery crash loop: " << kills << " kills, " << round << " completed rounds in "
            << std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::steady_clock::now() - started)
                   .count()
            << " s (seed " << seed << ")\n";
}

}  // namespace
}  // namespace onetable::testing
