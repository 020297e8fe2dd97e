// The ingest runtime when the store fails under it (tests/fakes/faulty_store.h) and when another
// run holds the source's lease, in-process on the store chosen by ONETABLE_TEST_STORE, fed by a
// static connector that hands out numbered persons. What a user relies on: a failure keeps the
// committed batches and never half a batch, a re-run takes every row exactly once, a deadlock is
// run again, and one run of a source goes at a time.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "cli_runner.h"
#include "fakes/faulty_store.h"
#include "ingest/connector_spec.h"
#include "ingest/plugin_loader.h"
#include "ingest/runtime.h"
#include "model/id_number.h"
#include "model/validation.h"
#include "store/store.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

// --- the "numbered" connector: option `rows` persons, 人员1..人员N with valid ID numbers -------

// Called at the start of each batch the connector hands out (0-based), with the sink so a test
// can report progress; a test sets it to act while a run is reading.
std::function<void(int batch, const OtBatchSink* sink)> g_on_batch;

const OtOptionDecl kNumberedOptions[] = {{"rows", OT_OPTION_INT, "10", "人数"}};

struct Numbered {
  int rows;
  int next;
  int batch;
};

std::string IdOf(int serial) {
  char first17[32];
  std::snprintf(first17, sizeof first17, "42058119800101%03d", serial);
  return std::string(first17) + IdCheckCharacter(first17);
}

void* NumberedOpen(const OtKeyValue* options, size_t n, const char* cursor, const char*, int*,
                   char*, size_t) {
  int rows = 10;
  for (size_t i = 0; i < n; ++i) {
    if (std::string(options[i].key) == "rows") rows = std::atoi(options[i].value);
  }
  return new Numbered{rows, cursor && *cursor ? std::atoi(cursor) : 0, 0};
}

int NumberedNext(void* handle, size_t max, const OtBatchSink* sink, char* cursor_out, size_t len,
                 char*, size_t) {
  auto* h = static_cast<Numbered*>(handle);
  if (g_on_batch) g_on_batch(h->batch, sink);
  ++h->batch;
  for (size_t k = 0; k < max && h->next < h->rows; ++k) {
    ++h->next;
    const std::string name = "人员" + std::to_string(h->next), id = IdOf(h->next);
    const OtKeyValue kv[] = {{"姓名", name.c_str()}, {"身份证号", id.c_str()}};
    const std::string key = "n" + std::to_string(h->next);
    OtRecord rec{key.c_str(), "numbered", h->next, kv, 2};
    sink->record(sink->ctx, &rec);
  }
  std::snprintf(cursor_out, len, "%d", h->next);
  return h->next < h->rows ? OT_BATCH_MORE : OT_BATCH_DONE;
}

void NumberedClose(void* h) { delete static_cast<Numbered*>(h); }

const OtConnectorV1* NumberedConnector() {
  static const OtConnectorV1 api = {ONETABLE_CONNECTOR_ABI_VERSION,
                                    "numbered",
                                    "编号人员",
                                    kNumberedOptions,
                                    1,
                                    NumberedOpen,
                                    NumberedNext,
                                    NumberedClose};
  return &api;
}

const char kSpec[] = R"(id: renyuan
title: 人员名单
type: numbered
options: {rows: 10}
match: {id_number: 身份证号}
fields: {name: 姓名}
)";

class ImportFaults : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    RegisterStaticConnector("numbered", &NumberedConnector);
    auto c = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(c.ok()) << c.status().message();
    catalog_ = new Catalog(std::move(*c));
    validator_ = new Validator(*catalog_, nullptr);
  }
  void SetUp() override {
    g_on_batch = nullptr;
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    store_ = Open();
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->Migrate().ok());
    faulty_ = std::make_unique<FaultyStore>(*store_);
    plugin_ = std::move(*LoadConnector("numbered", "/nonexistent"));
    auto spec = ParseConnectorSpec(kSpec, dir_ + "/renyuan.yaml", *catalog_);
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    spec_ = *spec;
  }
  void TearDown() override {
    g_on_batch = nullptr;
    faulty_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<Store> Open() {
    auto store = OpenStore(url_, *catalog_);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  // Runs the connector over `store` in batches of 3 (10 rows: 3, 3, 3, 1) at clock `now_`.
  Result<ImportResult> Run(Store* store, ImportRun* partial = nullptr) {
    Importer importer(store, *catalog_, *validator_);
    ImportOptions options;
    options.batch_size = 3;
    options.clock = [this] { return now_; };
    return importer.Run(spec_, *plugin_, options, partial);
  }

  // A re-run on the real store finishes the import: every row is in the register exactly once.
  void ExpectRerunCompletes(int64_t already) {
    auto rerun = Run(store_.get());
    ASSERT_TRUE(rerun.ok()) << rerun.status().message();
    EXPECT_EQ(rerun->run.status, kImportDone);
    EXPECT_EQ(rerun->run.read, 10 - already);
    EXPECT_EQ(rerun->run.created, 10 - already);
    EXPECT_EQ(*store_->Count(EntityKind::kPerson, {}), 10);
    for (int i = 1; i <= 10; ++i) {
      auto person = store_->FindBy(EntityKind::kPerson, "id_number", IdOf(i));
      ASSERT_TRUE(person.ok()) << i << ": " << person.status().message();
      EXPECT_EQ(*person->Get("name"), "人员" + std::to_string(i));
      EXPECT_EQ(store_->ListSourceRecords(person->id)->size(), 1u) << i;
    }
    EXPECT_FALSE(store_->GetLease(ConnectorLeaseName("renyuan"))->has_value());
  }

  int64_t Persons() { return *store_->Count(EntityKind::kPerson, {}); }

  static Catalog* catalog_;
  static Validator* validator_;
  std::string dir_, url_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<FaultyStore> faulty_;
  std::unique_ptr<ConnectorPlugin> plugin_;
  ConnectorSpec spec_;
  int64_t now_ = 1796112000;  // 2026-12-01 08:00:00 UTC
};
Catalog* ImportFaults::catalog_ = nullptr;
Validator* ImportFaults::validator_ = nullptr;

TEST_F(ImportFaults, AWriteFailingInTheSecondBatchKeepsTheFirstAndARerunCompletes) {
  // The 5th source record written is the 2nd of batch 2.
  faulty_->FailWrite(5, Status::Unavailable("连接中断（注入）"), "PutSourceRecord");
  ImportRun partial;
  auto r = Run(faulty_.get(), &partial);
  ASSERT_FALSE(r.ok()) << ImportReportJson(r->run, r->warnings, "");
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(faulty_->faults(), 1);
  EXPECT_EQ(Persons(), 3);
  EXPECT_EQ(*store_->GetCursor("renyuan"), "3");
  auto runs = store_->ListImportRuns("renyuan", 0, 10);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].status, kImportFailed);
  EXPECT_EQ((*runs)[0].read, 3);
  EXPECT_EQ((*runs)[0].created, 3);
  EXPECT_NE((*runs)[0].message.find("连接中断（注入）"), std::string::npos) << (*runs)[0].message;
  EXPECT_EQ(partial.read, 3);
  ExpectRerunCompletes(3);
}

TEST_F(ImportFaults, AFailedCommitLeavesNoHalfBatch) {
  faulty_->FailCommit(2, Status::Unavailable("提交失败（注入）"));
  auto r = Run(faulty_.get());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(faulty_->transactions(), 2);
  // Batch 2 ran to its end inside the transaction and was rolled back whole.
  EXPECT_EQ(faulty_->writes("PutSourceRecord"), 6);
  EXPECT_EQ(Persons(), 3);
  EXPECT_EQ(*store_->GetCursor("renyuan"), "3");
  EXPECT_FALSE(store_->GetSourceRecord("renyuan", "n4").ok());
  auto runs = store_->ListImportRuns("renyuan", 0, 10);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].status, kImportFailed);
  EXPECT_EQ((*runs)[0].read, 3);
  ExpectRerunCompletes(3);
}

TEST_F(ImportFaults, AFailedFirstCommitLeavesNoRunAtAll) {
  faulty_->FailCommit(1, Status::Unavailable("提交失败（注入）"));
  ASSERT_FALSE(Run(faulty_.get()).ok());
  EXPECT_EQ(Persons(), 0);
  EXPECT_TRUE(store_->ListImportRuns("", 0, 10)->empty());
  EXPECT_EQ(*store_->GetCursor("renyuan"), "");
  ExpectRerunCompletes(0);
}

TEST_F(ImportFaults, ADeadlockedBatchRunsAgainAndTheRunCompletes) {
  faulty_->Deadlock(5, "PutSourceRecord");                  // in batch 2
  faulty_->FailCommit(4, Status::Aborted("死锁（注入）"));  // batch 3's commit (after the retry)
  auto r = Run(faulty_.get());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(faulty_->faults(), 2);
  EXPECT_EQ(faulty_->transactions(), 6);  // 4 batches, two of them twice
  EXPECT_EQ(r->run.status, kImportDone);
  EXPECT_EQ(r->run.read, 10);
  EXPECT_EQ(r->run.created, 10);
  EXPECT_EQ(Persons(), 10);
  auto runs = store_->ListImportRuns("renyuan", 0, 10);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].read, 10);
  EXPECT_EQ((*runs)[0].created, 10);
  // Run again: all unchanged, nobody twice.
  ASSERT_TRUE(store_->SetCursor("renyuan", "").ok());
  auto again = Run(store_.get());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->run.unchanged, 10);
  EXPECT_EQ(Persons(), 10);
}

TEST_F(ImportFaults, ADeadlockOnEveryAttemptFailsTheRunWithAborted) {
  for (int i = 0; i < kBatchAttempts; ++i) faulty_->FailCommit(2 + i, Status::Aborted("死锁"));
  auto r = Run(faulty_.get());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kAborted);
  EXPECT_EQ(faulty_->transactions(), 1 + kBatchAttempts);
  EXPECT_EQ(Persons(), 3);
  EXPECT_EQ((*store_->ListImportRuns("renyuan", 0, 1))[0].status, kImportFailed);
  ExpectRerunCompletes(3);
}

TEST_F(ImportFaults, ALeaseHeldElsewhereMeansBusyAndNothingWritten) {
  auto other = Open();
  ASSERT_TRUE(
      other->AcquireLease(ConnectorLeaseName("renyuan"), "jizhan-2:4242:9f3a", now_ - 30, 60)
          ->granted);
  auto r = Run(store_.get());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kBusy);
  EXPECT_EQ(r.status().message(),
            "连接器 renyuan 正由 jizhan-2:4242:9f3a 运行（自 2026-12-01 07:59:30 起），请稍后再试");
  EXPECT_EQ(Persons(), 0);
  EXPECT_TRUE(store_->ListImportRuns("", 0, 10)->empty());
  EXPECT_EQ(*store_->GetCursor("renyuan"), "");
  EXPECT_EQ((*store_->GetLease(ConnectorLeaseName("renyuan")))->holder, "jizhan-2:4242:9f3a");
}

TEST_F(ImportFaults, AnExpiredLeaseIsTakenOverAndTheDeadRunMarkedInterrupted) {
  // A run that died after its first batch: still 'running', its lease lapsed 10 s ago.
  ImportRun dead;
  dead.source = "renyuan";
  dead.connector_type = "numbered";
  dead.read = dead.created = 3;
  int64_t dead_id = *store_->AddImportRun(dead);
  auto other = Open();
  ASSERT_TRUE(
      other->AcquireLease(ConnectorLeaseName("renyuan"), "dead:1:x", now_ - 70, 60)->granted);
  auto r = Run(store_.get());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->run.status, kImportDone);
  EXPECT_EQ(store_->GetImportRun(dead_id)->status, kImportInterrupted);
  EXPECT_EQ(Persons(), 10);
  EXPECT_FALSE(store_->GetLease(ConnectorLeaseName("renyuan"))->has_value());  // released
}

TEST_F(ImportFaults, ALeaseTakenOverWhileStalledStopsTheRunBeforeItsNextBatch) {
  auto other = Open();
  g_on_batch = [&](int batch, const OtBatchSink*) {
    if (batch != 1) return;
    // Reading batch 2 stalls past the lease's expiry and another run takes the source over.
    now_ += 120;
    auto claim = other->AcquireLease(ConnectorLeaseName("renyuan"), "thief:2:y", now_, 60);
    ASSERT_TRUE(claim.ok() && claim->granted);
  };
  auto r = Run(store_.get());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kBusy);
  EXPECT_NE(r.status().message().find("thief:2:y"), std::string::npos) << r.status().message();
  EXPECT_EQ(Persons(), 3);  // batch 2 was not written
  auto runs = store_->ListImportRuns("renyuan", 0, 10);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].status, kImportFailed);
  EXPECT_NE((*runs)[0].message.find("接管"), std::string::npos) << (*runs)[0].message;
  // The new holder keeps its lease: the stopped run does not release it.
  EXPECT_EQ((*store_->GetLease(ConnectorLeaseName("renyuan")))->holder, "thief:2:y");
}

TEST_F(ImportFaults, ALongReadRenewsTheLeaseFromProgress) {
  auto other = Open();
  bool refused_while_reading = false;
  g_on_batch = [&](int batch, const OtBatchSink* sink) {
    if (batch != 1) return;
    // 100 s within one batch, in progress steps of 20 s: the lease (60 s) never lapses.
    for (int step = 1; step <= 5; ++step) {
      now_ += 20;
      sink->progress(sink->ctx, step, 5);
    }
    auto claim = other->AcquireLease(ConnectorLeaseName("renyuan"), "other:3:z", now_, 60);
    refused_while_reading = claim.ok() && !claim->granted;
  };
  auto r = Run(store_.get());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(refused_while_reading);
  EXPECT_EQ(Persons(), 10);
}

}  // namespace
}  // namespace onetable::testing
