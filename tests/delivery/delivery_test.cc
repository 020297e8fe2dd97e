// Deliveries end to end, on the store ONETABLE_TEST_STORE selects (sqlite or mysql), with real
// parts: a loopback HTTP receiver (receiver.h), the real `onetable` binary (killed with SIGKILL
// in the middle of a delivery), the test MariaDB as a department's database, real files.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "../integration/cli_runner.h"
#include "access/access.h"
#include "app/context.h"
#include "delivery/delivery_admin.h"
#include "delivery/delivery_entries.h"
#include "delivery/delivery_run.h"
#include "delivery/delivery_schedule.h"
#include "model/catalog.h"
#include "model/date.h"
#include "model/id_number.h"
#include "model/sha256.h"
#include "receiver.h"
#include "store/sql_connection.h"
#include "store/sql_store.h"
#include "store/store.h"
#include "store/store_url.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

const char kMapping[] = R"(id: test/push
title: 推送测试表
department: 测试部门
purpose: 测试推送
grain: person
as_of: "{AS_OF}"
where: alive
order_by: [id_number]
columns:
  - {header: 序号, value: row_number()}
  - {header: 公民身份号码, value: id_number}
  - {header: 姓名, value: name}
  - {header: 联系电话, value: phone}
  - {header: 健康状况, value: health_status}
)";

struct Op {
  std::string op, key;
  std::map<std::string, std::string> row;
};

std::vector<Op> OpsOf(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  std::vector<Op> out;
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("changes")) {
    ADD_FAILURE() << "not a batch body: " << body.substr(0, 200);
    return out;
  }
  for (const auto& c : d["changes"].GetArray()) {
    Op op{c["op"].GetString(), c["key"].GetString(), {}};
    if (c.HasMember("row")) {
      for (const auto& m : c["row"].GetObject()) op.row[m.name.GetString()] = m.value.GetString();
    }
    out.push_back(op);
  }
  return out;
}

class Delivery : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    fs::create_directories(dir_ + "/mappings/test");
    fs::create_directories(dir_ + "/deliveries");
    // A change made now shows in tables from today on; a past reference date reads the register
    // as it stood then, so the deliveries here use today's.
    std::string mapping = kMapping;
    mapping.replace(mapping.find("{AS_OF}"), 7, Today().ToString());
    WriteFile(dir_ + "/mappings/test/push.yaml", mapping);
    config_ = dir_ + "/onetable.yaml";
    WriteFile(config_, "store: \"" + url_ +
                           "\"\nschema: " ONETABLE_SOURCE_DIR "/schema\nmappings: " + dir_ +
                           "/mappings\ndeliveries: " + dir_ + "/deliveries\nconnectors: " + dir_ +
                           "/connectors\n");
    CliResult init = RunCli({"--config", config_, "init"}, "",
                            {{"ONETABLE_ADMIN_PASSWORD", "Secret-pass-2026"}});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::make_unique<Catalog>(std::move(*catalog));
    policy_ = std::make_unique<AccessPolicy>(*catalog_);
    AppSettings settings;
    settings.schema_dir = ONETABLE_SOURCE_DIR "/schema";
    settings.mappings_dir = dir_ + "/mappings";
    settings.deliveries_dir = dir_ + "/deliveries";
    app_ = std::make_unique<AppContext>(AppContext{*catalog_, *policy_, settings});
    store_ = Open();
    Populate();
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

  int64_t Add(EntityKind kind, int64_t parent, std::map<std::string, std::string> values) {
    Row r;
    r.parent_id = parent;
    r.values = std::move(values);
    r.status = kStatusActive;
    auto id = store_->Insert(kind, r);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  void Populate() {
    int64_t d = Add(EntityKind::kDistrict, 0, {{"code", "420581"}, {"name", "宜都市"}});
    int64_t s = Add(EntityKind::kStreet, d, {{"code", "420581001"}, {"name", "陆城街道"}});
    int64_t c1 = Add(EntityKind::kCommunity, s, {{"code", "420581001001"}, {"name", "东风社区"}});
    int64_t c2 = Add(EntityKind::kCommunity, s, {{"code", "420581001002"}, {"name", "西湖社区"}});
    int64_t g1 = Add(EntityKind::kGrid, c1, {{"code", "01"}, {"name", "第一网格"}});
    int64_t g2 = Add(EntityKind::kGrid, c2, {{"code", "01"}, {"name", "西湖一网格"}});
    int64_t b1 = Add(EntityKind::kBuilding, g1, {{"address", "清江大道1号"}});
    int64_t b2 = Add(EntityKind::kBuilding, g2, {{"address", "西湖路2号"}});
    household_a_ = Add(EntityKind::kHousehold, b1, {{"address", "清江大道1号101"}});
    household_b_ = Add(EntityKind::kHousehold, b2, {{"address", "西湖路2号201"}});
    for (int i = 1; i <= 5; ++i) {
      persons_.push_back(Add(EntityKind::kPerson, household_a_,
                             {{"name", "居民" + std::to_string(i)},
                              {"id_number", Key(i)},
                              {"phone", "1381234567" + std::to_string(i)},
                              {"health_status", "1"}}));
    }
  }
  static std::string Key(int i) { return "42058119500101001" + std::to_string(i); }

  void WriteDelivery(const std::string& target, const std::string& extra = "") {
    WriteFile(dir_ + "/deliveries/d.yaml",
              "id: d\ntitle: 测试推送\nmapping: test/push\n"
              "scope: \"420581001001\"\nkey: 公民身份号码\n" +
                  extra + "target: " + target + "\n");
  }
  std::string HttpTarget(int batch = 500, int attempts = 4) {
    return "{type: http, url: \"" + receiver_.url() +
           "\", auth: {bearer: \"${TEST_PUSH_TOKEN:-tok123}\"}, batch: " + std::to_string(batch) +
           ", retry: {attempts: " + std::to_string(attempts) +
           ", delay_ms: 100, max_delay_ms: 5000}}";
  }

  // Runs the delivery in this process; `delays` receives the waits between attempts.
  DeliveryOutcome Run(std::vector<int64_t>* delays = nullptr, Store* store = nullptr) {
    auto entry = FindDelivery(*app_, "d");
    EXPECT_TRUE(entry.ok()) << entry.status().message();
    if (!entry.ok()) return {};
    DeliveryRunOptions options;
    options.sleep = [delays](int64_t ms) {
      if (delays) delays->push_back(ms);
    };
    return RunDelivery(store ? *store : *store_, *app_, CliActor(), *entry, options);
  }

  std::vector<DeliveryBatch> Batches() {
    auto b = store_->ListDeliveryBatches("d", "", 0, 1000, true);
    EXPECT_TRUE(b.ok()) << b.status().message();
    return b.ok() ? *b : std::vector<DeliveryBatch>{};
  }

  void UpdatePerson(int64_t id, const std::string& field, const std::string& value) {
    auto row = store_->Get(EntityKind::kPerson, id);
    ASSERT_TRUE(row.ok()) << row.status().message();
    row->values[field] = value;
    ASSERT_TRUE(store_->Update(EntityKind::kPerson, &*row).ok());
  }

  CliResult Deliver(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config_, "deliver"});
    return RunCli(args);
  }

  Receiver receiver_;
  std::string dir_, url_, config_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<AccessPolicy> policy_;
  std::unique_ptr<AppContext> app_;
  std::unique_ptr<Store> store_;
  int64_t household_a_ = 0, household_b_ = 0;
  std::vector<int64_t> persons_;
};

// 503, 503, then 200: the batch is acknowledged once, every attempt carried the same key and the
// same bytes, Retry-After was honoured, and an acknowledged batch is never sent again.
TEST_F(Delivery, RetriesWithTheSameKeyUntilAcknowledged) {
  WriteDelivery(HttpTarget());
  receiver_.FailNext(2, "3");
  std::vector<int64_t> delays;
  DeliveryOutcome o = Run(&delays);
  ASSERT_TRUE(o.status.ok()) << o.status.message();
  std::vector<Receiver::Request> got = receiver_.requests();
  ASSERT_EQ(got.size(), 3u);
  for (const auto& r : got) {
    EXPECT_EQ(r.key, "d:1");
    EXPECT_EQ(r.body, got[0].body);
    EXPECT_EQ(r.authorization, "Bearer tok123");
    EXPECT_EQ(r.content_type.rfind("application/json", 0), 0u);
  }
  EXPECT_EQ(got[2].answered, 200);
  EXPECT_EQ(OpsOf(got[0].body).size(), 5u);
  // Retry-After: 3 outweighs the 100 ms backoff; the second wait is the backoff (200 ms,
  // jittered within its upper half).
  ASSERT_EQ(delays.size(), 2u);
  EXPECT_EQ(delays[0], 3000);
  EXPECT_GE(delays[1], 100);
  EXPECT_LE(delays[1], 200);
  std::vector<DeliveryBatch> batches = Batches();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].status, kBatchAcked);
  EXPECT_EQ(batches[0].attempts, 3);
  EXPECT_EQ(batches[0].response_code, 200);
  EXPECT_FALSE(batches[0].acked_at.empty());
  EXPECT_EQ(batches[0].upserts, 5);
  EXPECT_EQ(o.upserts, 5);
  EXPECT_EQ(o.batches, 1);

  receiver_.Clear();
  DeliveryOutcome again = Run();
  ASSERT_TRUE(again.status.ok()) << again.status.message();
  EXPECT_TRUE(receiver_.requests().empty());  // nothing changed, nothing acknowledged resent
  EXPECT_EQ(again.unchanged, 5);
  auto control = store_->GetDeliveryControl("d");
  ASSERT_TRUE(control.ok());
  EXPECT_GT(control->last_success_at, 0);
  EXPECT_TRUE(control->last_error.empty());
}

// Two persons changed and one moved out of the delivery's scope: exactly 2 upserts and 1 delete.
TEST_F(Delivery, SendsOnlyTheChanges) {
  WriteDelivery(HttpTarget());
  ASSERT_TRUE(Run().status.ok());
  receiver_.Clear();
  UpdatePerson(persons_[0], "phone", "13900000001");
  UpdatePerson(persons_[1], "name", "改名者");
  auto p = store_->Get(EntityKind::kPerson, persons_[2]);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(
      store_->Move(EntityKind::kPerson, persons_[2], p->version, household_b_, "", "test").ok());

  DeliveryOutcome o = Run();
  ASSERT_TRUE(o.status.ok()) << o.status.message();
  std::vector<Receiver::Request> got = receiver_.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].key, "d:2");
  std::vector<Op> ops = OpsOf(got[0].body);
  std::map<std::string, Op> by_key;
  int upserts = 0, deletes = 0;
  for (const Op& op : ops) {
    by_key[op.key] = op;
    (op.op == "upsert" ? upserts : deletes)++;
  }
  EXPECT_EQ(upserts, 2);
  EXPECT_EQ(deletes, 1);
  EXPECT_EQ(by_key[Key(1)].op, "upsert");
  EXPECT_EQ(by_key[Key(1)].row["联系电话"], "13900000001");
  EXPECT_EQ(by_key[Key(2)].row["姓名"], "改名者");
  EXPECT_EQ(by_key[Key(3)].op, "delete");
  EXPECT_EQ(by_key[Key(1)].row.count("序号"), 0u);  // row_number() is no part of a row
  EXPECT_EQ(o.upserts, 2);
  EXPECT_EQ(o.deletes, 1);
  EXPECT_EQ(o.unchanged, 2);
}

// kill -9 while batch 2 waits for its answer; the next run sends batch 2 again (same key, same
// bytes) and then batch 3; batch 1, acknowledged before, is not sent again.
TEST_F(Delivery, KilledRunResendsOnlyTheUnacknowledgedBatch) {
  WriteDelivery(HttpTarget(2));
  receiver_.Hold(2);
  const pid_t pid = StartCli({"--config", config_, "deliver", "d"}, dir_ + "/deliver.log");
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(receiver_.WaitFor([](const std::vector<Receiver::Request>& r) {
    for (const auto& x : r) {
      if (BatchOf(x.body) == 2) return true;
    }
    return false;
  })) << ReadFile(dir_ + "/deliver.log");
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(wstatus));
  receiver_.Release();
  std::vector<Receiver::Request> first = receiver_.requests();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].key, "d:1");
  EXPECT_EQ(first[1].key, "d:2");
  std::vector<DeliveryBatch> before = Batches();
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(before[0].status, kBatchAcked);
  EXPECT_EQ(before[1].status, kBatchPending);

  // The killed run's lease lapses (a minute later, as far as the store can tell).
  const int64_t later = static_cast<int64_t>(std::time(nullptr)) + 120;
  auto taken = store_->AcquireLease(DeliveryLeaseName("d"), "test", later, 1);
  ASSERT_TRUE(taken.ok() && taken->granted);
  ASSERT_TRUE(store_->ReleaseLease(DeliveryLeaseName("d"), "test").ok());

  receiver_.Clear();
  CliResult again = Deliver({"d"});
  ASSERT_EQ(again.exit_code, 0) << again.err << again.out;
  std::vector<Receiver::Request> second = receiver_.requests();
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].key, "d:2");
  EXPECT_EQ(second[0].body, first[1].body);  // the same content
  EXPECT_EQ(second[1].key, "d:3");
  std::set<std::string> keys;
  for (const auto& r : {first[0], second[0], second[1]}) {
    for (const Op& op : OpsOf(r.body)) keys.insert(op.key);
  }
  EXPECT_EQ(keys.size(), 5u);
  for (const DeliveryBatch& b : Batches()) EXPECT_EQ(b.status, kBatchAcked) << b.seq;
  EXPECT_NE(again.out.find("\"resent\":1"), std::string::npos) << again.out;
}

// A 4xx refuses the batch for good: exit 1, the batch 'failed', later runs stop at it; a retry
// sends it again with its key.
TEST_F(Delivery, RefusedBatchBlocksUntilRetried) {
  WriteDelivery(HttpTarget());
  receiver_.AnswerAll(422);
  CliResult r = Deliver({"d"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("拒收"), std::string::npos) << r.err;
  ASSERT_EQ(receiver_.requests().size(), 1u);  // no retry of a refusal
  ASSERT_EQ(Batches().size(), 1u);
  EXPECT_EQ(Batches()[0].status, kBatchFailed);
  EXPECT_EQ(Batches()[0].response_code, 422);

  receiver_.AnswerAll(0);
  receiver_.Clear();
  EXPECT_EQ(Deliver({"d"}).exit_code, 1);
  EXPECT_TRUE(receiver_.requests().empty());
  CliResult retry = Deliver({"--retry", "d"});
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  CliResult ok = Deliver({"d"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  ASSERT_EQ(receiver_.requests().size(), 1u);
  EXPECT_EQ(receiver_.requests()[0].key, "d:1");
  EXPECT_EQ(Batches()[0].status, kBatchAcked);
}

TEST_F(Delivery, ExitCodes) {
  // 2: bad config (and `check` says where).
  WriteFile(dir_ + "/deliveries/d.yaml",
            "id: d\ntitle: t\nmapping: test/push\nkey: 不存在的列\ntarget: {type: http, url: "
            "\"http://127.0.0.1:1/x\"}\n");
  CliResult bad = Deliver({"d"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  CliResult check = RunCli({"--config", config_, "check"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.out.find("d.yaml:4:6: key “不存在的列”"), std::string::npos) << check.out;
  // 3: nobody listens.
  const int port = FreePort();
  WriteDelivery("{type: http, url: \"http://127.0.0.1:" + std::to_string(port) +
                "/x\", retry: {attempts: 2, delay_ms: 1}}");
  CliResult down = Deliver({"d"});
  EXPECT_EQ(down.exit_code, 3) << down.err;
  ASSERT_EQ(Batches().size(), 1u);
  EXPECT_EQ(Batches()[0].status, kBatchPending);
  EXPECT_EQ(Batches()[0].attempts, 2);
  // 4: another run holds the lease.
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  ASSERT_TRUE(store_->AcquireLease(DeliveryLeaseName("d"), "other:1:x", now, 600)->granted);
  CliResult busy = Deliver({"d"});
  EXPECT_EQ(busy.exit_code, 4) << busy.err;
  EXPECT_NE(busy.err.find("other:1:x"), std::string::npos);
  // 2: an unset variable without a default.
  ASSERT_TRUE(store_->ReleaseLease(DeliveryLeaseName("d"), "other:1:x").ok());
  WriteDelivery("{type: http, url: \"${ONETABLE_TEST_UNSET_PUSH_URL}\"}");
  CliResult unset = Deliver({"d"});
  EXPECT_EQ(unset.exit_code, 2) << unset.err;
  EXPECT_NE(unset.err.find("ONETABLE_TEST_UNSET_PUSH_URL"), std::string::npos) << unset.err;
}

// With `account`, the table is the account's: a department without the sensitive grant gets the
// health column masked; without `account`, the operator's table (unmasked). An account not
// granted the table cannot deliver it.
TEST_F(Delivery, AccountGrantsAndMasksApply) {
  User dept;
  dept.name = "dept01";
  dept.role = "department";
  dept.display_name = "部门";
  dept.password_hash = "x";
  // ID numbers are masked unless a column grant names them; the key column must be granted.
  dept.grants = {"test/push", "test/push:公民身份号码"};
  ASSERT_TRUE(store_->AddUser(dept).ok());
  WriteDelivery(HttpTarget(), "account: dept01\n");
  ASSERT_TRUE(Run().status.ok());
  std::vector<Op> ops = OpsOf(receiver_.requests().at(0).body);
  ASSERT_EQ(ops.size(), 5u);
  EXPECT_EQ(ops[0].row["健康状况"], "***");
  EXPECT_EQ(ops[0].key.size(), 18u);  // granted: the key in full
  EXPECT_NE(ops[0].row["联系电话"], "1381234567" + ops[0].key.substr(17));  // masked by default

  WriteFile(dir_ + "/deliveries/d.yaml",
            ReadFile(dir_ + "/deliveries/d.yaml").replace(0, 5, "id: e"));
  receiver_.Clear();
  {
    auto entry = FindDelivery(*app_, "e");
    ASSERT_TRUE(entry.ok());
    DeliverySpec spec = *entry->spec;
    spec.account.clear();
    entry->spec = spec;
    DeliveryOutcome o = RunDelivery(*store_, *app_, CliActor(), *entry, DeliveryRunOptions{});
    ASSERT_TRUE(o.status.ok()) << o.status.message();
    EXPECT_EQ(OpsOf(receiver_.requests().at(0).body)[0].row["健康状况"], "1");
  }
  User other = dept;
  other.name = "dept02";
  other.grants = {"minzheng/dibao"};
  ASSERT_TRUE(store_->AddUser(other).ok());
  WriteDelivery(HttpTarget(), "account: dept02\n");
  DeliveryOutcome denied = Run();
  EXPECT_EQ(denied.status.code(), StatusCode::kPermissionDenied) << denied.status.message();
}

// PIPL Art. 28: an account with the key column's grant but not the minor grant gets a child's
// ID number masked, so the child's row names no one and is withheld (counted with the blank
// keys), never sent under the key "***"; with the minor grant it goes out like the others.
TEST_F(Delivery, AChildsRowIsWithheldWithoutTheMinorGrant) {
  const std::string first17 = "42058120180101001";
  const std::string child_key = first17 + IdCheckCharacter(first17);
  Add(EntityKind::kPerson, household_a_,
      {{"name", "小孩"}, {"id_number", child_key}, {"birth_date", "2018-01-01"},
       {"phone", "13812340000"}});
  User dept;
  dept.name = "dept01";
  dept.role = "department";
  dept.display_name = "部门";
  dept.password_hash = "x";
  dept.grants = {"test/push", "test/push:公民身份号码,联系电话"};
  ASSERT_TRUE(store_->AddUser(dept).ok());
  WriteDelivery(HttpTarget(), "account: dept01\n");
  DeliveryOutcome o = Run();
  ASSERT_TRUE(o.status.ok()) << o.status.message();
  EXPECT_EQ(o.blank_keys, 1);
  std::vector<Op> ops = OpsOf(receiver_.requests().at(0).body);
  ASSERT_EQ(ops.size(), 5u);
  for (const Op& op : ops) {
    EXPECT_NE(op.key, child_key);
    EXPECT_NE(op.key, "***");
  }

  Result<User> granted = store_->GetUser("dept01");
  ASSERT_TRUE(granted.ok());
  granted->grants.push_back("sensitive:minor");
  ASSERT_TRUE(store_->UpdateUser(&*granted).ok());
  receiver_.Clear();
  DeliveryOutcome again = Run();
  ASSERT_TRUE(again.status.ok()) << again.status.message();
  EXPECT_EQ(again.blank_keys, 0);
  std::vector<Op> child = OpsOf(receiver_.requests().at(0).body);
  ASSERT_EQ(child.size(), 1u) << "only the child's row is new";
  EXPECT_EQ(child[0].key, child_key);
  EXPECT_EQ(child[0].row["联系电话"], "13812340000");
}

// Two instances sharing one store see the delivery due at once: it runs once.
TEST_F(Delivery, ScheduleRunsOnceAcrossInstances) {
  WriteDelivery(HttpTarget(), "schedule: every 1h\n");
  std::unique_ptr<Store> a = Open(), b = Open();
  std::atomic<int> ran{0};
  auto tick = [&](Store* s) {
    auto runs = RunDueDeliveries(*s, *app_, ScheduleActor(), DeliveryRunOptions{});
    ASSERT_TRUE(runs.ok()) << runs.status().message();
    for (const auto& o : *runs) {
      EXPECT_TRUE(o.status.ok()) << o.status.message();
      if (o.ran) ++ran;
    }
  };
  std::thread t1(tick, a.get()), t2(tick, b.get());
  t1.join();
  t2.join();
  EXPECT_EQ(ran.load(), 1);
  EXPECT_EQ(receiver_.requests().size(), 1u);
  // The last run time is the store's: a fresh instance finds it not due.
  std::unique_ptr<Store> c = Open();
  tick(c.get());
  EXPECT_EQ(ran.load(), 1);
  EXPECT_EQ(receiver_.requests().size(), 1u);
  // Paused: not run, even when due; audited changes.
  ASSERT_TRUE(ChangeDelivery(*store_, *app_, CliActor(), "d", DeliveryAction::kPause).ok());
  CliResult paused = Deliver({"d"});
  EXPECT_EQ(paused.exit_code, 2);
  EXPECT_NE(paused.err.find("已暂停"), std::string::npos);
  AuditQuery q;
  q.action = kAuditDeliveryChange;
  auto audit = store_->ListAudit(q);
  ASSERT_TRUE(audit.ok());
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->back().object, "delivery/d");
}

// The file target: each batch a file that appears whole (temporary + rename) and a manifest
// listing it with its SHA-256; a batch whose file cannot be put in place stays pending, leaves
// no temporary behind and no manifest entry, and goes again with the same content.
TEST_F(Delivery, FileTargetIsAtomic) {
  fs::create_directories(dir_ + "/drop");
  WriteDelivery("{type: file, dir: ../drop, format: json, batch: 3}");
  fs::create_directories(dir_ + "/drop/d-000002.json");  // in the way of batch 2's rename
  fs::create_directories(dir_ + "/drop/d-000002.json/x");
  DeliveryOutcome o = Run();
  EXPECT_FALSE(o.status.ok());
  EXPECT_EQ(o.status.code(), StatusCode::kUnavailable) << o.status.message();
  std::vector<DeliveryBatch> batches = Batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].status, kBatchAcked);
  EXPECT_EQ(batches[1].status, kBatchPending);
  for (const auto& e : fs::directory_iterator(dir_ + "/drop")) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
  std::string manifest = ReadFile(dir_ + "/drop/d-manifest.json");
  EXPECT_NE(manifest.find("d-000001.json"), std::string::npos);
  EXPECT_EQ(manifest.find("d-000002.json"), std::string::npos);
  EXPECT_NE(manifest.find(Sha256Hex(ReadFile(dir_ + "/drop/d-000001.json"))), std::string::npos);
  EXPECT_EQ(ReadFile(dir_ + "/drop/d-000001.json"), batches[0].body);

  fs::remove_all(dir_ + "/drop/d-000002.json");
  DeliveryOutcome again = Run();
  ASSERT_TRUE(again.status.ok()) << again.status.message();
  EXPECT_EQ(again.resent, 1);
  EXPECT_EQ(ReadFile(dir_ + "/drop/d-000002.json"), batches[1].body);
  manifest = ReadFile(dir_ + "/drop/d-manifest.json");
  EXPECT_NE(manifest.find("d-000002.json"), std::string::npos);

  // CSV: op, key, then the columns.
  WriteDelivery("{type: file, dir: ../drop, format: csv}");
  UpdatePerson(persons_[4], "name", "新名字");
  ASSERT_TRUE(Run().status.ok());
  std::string csv = ReadFile(dir_ + "/drop/d-000003.csv");
  EXPECT_NE(csv.find("操作,键,公民身份号码,姓名,联系电话,健康状况"), std::string::npos) << csv;
  EXPECT_NE(csv.find("upsert," + Key(5) + "," + Key(5) + ",新名字"), std::string::npos) << csv;
}

// An incremental run (after a completed plan, only the persons whose inputs changed are
// regenerated) sends exactly what a full recompute sends: a changed field, a person who died
// (the filter turns false), one who moved out of scope, a corrected key (delete the old, upsert
// the new), a tag, a new person, and the household head's new name, which every member's row
// shows. The persons of another household, unchanged, are not regenerated. A changed mapping
// makes the next run a full one.
const char kWideMapping[] = R"yaml(id: test/wide
title: 增量推送测试表
department: 测试部门
purpose: 测试增量推送
grain: person
as_of: "{AS_OF}"
where: alive
order_by: [id_number]
columns:
  - {header: 公民身份号码, value: id_number}
  - {header: 姓名, value: name}
  - {header: 户地址, value: household.address}
  - {header: 户主, value: household.head.name}
  - {header: 户人数, value: household.member_count}
  - {header: 低保, value: "has_tag(dibao)"}
)yaml";

TEST_F(Delivery, IncrementalRunSendsWhatAFullRecomputeWould) {
  std::string mapping = kWideMapping;
  mapping.replace(mapping.find("{AS_OF}"), 7, Today().ToString());
  WriteFile(dir_ + "/mappings/test/wide.yaml", mapping);
  for (const char* id : {"i", "f"}) {
    WriteFile(dir_ + "/deliveries/" + id + ".yaml",
              std::string("id: ") + id +
                  "\ntitle: 增量测试\nmapping: test/wide\nscope: \"420581001001\"\nkey: "
                  "公民身份号码\ntarget: " +
                  HttpTarget() + "\n");
  }
  // The head of household A is person 1; household C (same scope) has two more persons.
  auto household = store_->Get(EntityKind::kHousehold, household_a_);
  ASSERT_TRUE(household.ok());
  household->values["head_person_id"] = std::to_string(persons_[0]);
  ASSERT_TRUE(store_->Update(EntityKind::kHousehold, &*household).ok());
  const int64_t household_c = Add(EntityKind::kHousehold, household->parent_id,
                                  {{"address", "清江大道1号102"}});
  for (int i = 6; i <= 7; ++i) {
    Add(EntityKind::kPerson, household_c, {{"name", "居民" + std::to_string(i)},
                                            {"id_number", Key(i)}});
  }
  auto run = [&](const char* id, bool full) {
    auto entry = FindDelivery(*app_, id);
    EXPECT_TRUE(entry.ok()) << entry.status().message();
    DeliveryRunOptions options;
    options.full = full;
    options.sleep = [](int64_t) {};
    DeliveryOutcome o = RunDelivery(*store_, *app_, CliActor(), *entry, options);
    EXPECT_TRUE(o.status.ok()) << id << ": " << o.status.message();
    return o;
  };
  DeliveryOutcome first = run("i", false);
  EXPECT_FALSE(first.incremental);
  EXPECT_EQ(first.upserts, 7);
  EXPECT_EQ(run("f", false).upserts, 7);

  // The next plan reads changes from a second after everything above (as a plan that started
  // then would): wait for the clock to pass it, without sleeping longer than that.
  const int64_t inserted = static_cast<int64_t>(std::time(nullptr));
  while (static_cast<int64_t>(std::time(nullptr)) <= inserted) std::this_thread::yield();
  auto basis = store_->GetDeliveryBasis("i");
  ASSERT_TRUE(basis.ok()) << basis.status().message();
  basis->changes_from = UtcTimestamp(inserted + 1);
  ASSERT_TRUE(store_->SetDeliveryBasis("i", *basis).ok());

  UpdatePerson(persons_[0], "name", "新户主");
  auto dead = store_->Get(EntityKind::kPerson, persons_[1]);
  ASSERT_TRUE(dead.ok());
  dead->status = kStatusDeceased;
  ASSERT_TRUE(store_->Update(EntityKind::kPerson, &*dead).ok());
  auto moved = store_->Get(EntityKind::kPerson, persons_[2]);
  ASSERT_TRUE(moved.ok());
  ASSERT_TRUE(
      store_->Move(EntityKind::kPerson, persons_[2], moved->version, household_b_, "", "t").ok());
  UpdatePerson(persons_[3], "id_number", "420581199001010019");
  TagAssignment tag;
  tag.person_id = persons_[4];
  tag.tag = "dibao";
  tag.source = "manual:test";
  ASSERT_TRUE(store_->AddTag(tag).ok());
  Add(EntityKind::kPerson, household_a_, {{"name", "新生儿"}, {"id_number", Key(8)}});

  receiver_.Clear();
  DeliveryOutcome inc = run("i", false);
  DeliveryOutcome full = run("f", true);
  EXPECT_TRUE(inc.incremental) << inc.full_reason;
  EXPECT_FALSE(full.incremental);
  EXPECT_EQ(full.rows, 6);  // the whole table now
  EXPECT_EQ(inc.rows, 4);   // persons 1, 4 (new key), 5 and the newborn: not household C
  std::map<std::string, std::multiset<std::string>> sent;  // delivery → "op key row…"
  for (const auto& r : receiver_.requests()) {
    for (const Op& op : OpsOf(r.body)) {
      std::string line = op.op + " " + op.key;
      for (const auto& [h, v] : op.row) line += " " + h + "=" + v;
      sent[r.key.substr(0, 1)].insert(line);
    }
  }
  EXPECT_EQ(sent["i"], sent["f"]);
  EXPECT_EQ(inc.upserts, 4);  // the head's name shows in every remaining member's row
  EXPECT_EQ(inc.deletes, 3);  // the dead, the moved, the old key
  EXPECT_EQ(full.upserts, 4);
  EXPECT_EQ(full.deletes, 3);
  EXPECT_EQ(sent["i"].count("delete " + Key(4)), 1u);

  // Nothing changed since: an incremental run sends nothing; a changed mapping recomputes all.
  receiver_.Clear();
  DeliveryOutcome quiet = run("i", false);
  EXPECT_TRUE(quiet.incremental);
  EXPECT_EQ(quiet.upserts + quiet.deletes, 0);
  WriteFile(dir_ + "/mappings/test/wide.yaml", mapping + "# 改过\n");
  DeliveryOutcome changed = run("i", false);
  EXPECT_FALSE(changed.incremental);
  EXPECT_NE(changed.full_reason.find("mapping"), std::string::npos) << changed.full_reason;
  EXPECT_EQ(changed.upserts + changed.deletes, 0);
  EXPECT_TRUE(receiver_.requests().empty());
  CliResult cli = Deliver({"i", "--full"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("\"mode\":\"full\""), std::string::npos) << cli.out;
  cli = Deliver({"i"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("\"mode\":\"incremental\""), std::string::npos) << cli.out;
}

// The mysql target: upserts and deletes in the department's table on the test MariaDB (run in
// the mysql pass only: it needs the server).
class MysqlDelivery : public Delivery {};

TEST_F(MysqlDelivery, Target) {
  const char* mysql_url = std::getenv("ONETABLE_TEST_MYSQL_URL");
  ASSERT_TRUE(mysql_url && *mysql_url) << "ONETABLE_TEST_MYSQL_URL is not set";
  auto parsed = ParseStoreUrl(mysql_url);
  ASSERT_TRUE(parsed.ok());
  auto db = OpenMysql(parsed->mysql);
  ASSERT_TRUE(db.ok()) << db.status().message();
  ASSERT_TRUE((*db)->Exec("DROP TABLE IF EXISTS dept_push").ok());
  ASSERT_TRUE((*db)
                  ->Exec("CREATE TABLE dept_push (sfzh VARCHAR(18) PRIMARY KEY, xm VARCHAR(50), "
                         "lxdh VARCHAR(20), jkzk VARCHAR(10)) DEFAULT CHARSET=utf8mb4")
                  .ok());
  WriteDelivery(std::string("{type: mysql, url: \"") + mysql_url +
                "\", table: dept_push, batch: 2, columns: {公民身份号码: sfzh, 姓名: xm, 联系电话: "
                "lxdh, 健康状况: jkzk}}");
  DeliveryOutcome o = Run();
  ASSERT_TRUE(o.status.ok()) << o.status.message();
  EXPECT_EQ(o.batches, 3);
  auto count = [&]() {
    auto s = (*db)->Prepare("SELECT COUNT(*) FROM dept_push");
    EXPECT_TRUE(s.ok());
    EXPECT_TRUE(*(*s)->Step());
    return (*s)->Int(0);
  };
  EXPECT_EQ(count(), 5);
  UpdatePerson(persons_[0], "name", "𠈌字");
  auto p = store_->Get(EntityKind::kPerson, persons_[1]);
  ASSERT_TRUE(
      store_->Move(EntityKind::kPerson, persons_[1], p->version, household_b_, "", "t").ok());
  ASSERT_TRUE(Run().status.ok());
  EXPECT_EQ(count(), 4);
  auto s = (*db)->Prepare("SELECT xm FROM dept_push WHERE sfzh = ?");
  ASSERT_TRUE(s.ok());
  (*s)->BindText(1, Key(1));
  ASSERT_TRUE(*(*s)->Step());
  EXPECT_EQ((*s)->Text(0).value_or(""), "𠈌字");
  ASSERT_TRUE((*db)->Exec("DROP TABLE dept_push").ok());
}

}  // namespace
}  // namespace onetable::testing
