// Manual register writes (register/register_write.h) when the store fails under them, through the
// fault-injecting store (tests/fakes/faulty_store.h), on the store chosen by ONETABLE_TEST_STORE:
// a write chosen as a deadlock's victim is run again and lands once; a failed commit writes
// nothing (neither the row nor its provenance) and answers the error.
#include "register/register_write.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "cli_runner.h"
#include "fakes/faulty_store.h"
#include "model/id_number.h"
#include "model/validation.h"
#include "store/store.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

std::string IdOf(int serial) {
  char first17[32];
  std::snprintf(first17, sizeof first17, "42058119800101%03d", serial);
  return std::string(first17) + IdCheckCharacter(first17);
}

class RegisterWriteFaults : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(c.ok()) << c.status().message();
    catalog_ = new Catalog(std::move(*c));
    validator_ = new Validator(*catalog_, nullptr);
  }
  void SetUp() override {
    dir_ = MakeTempDir();
    auto store = OpenStore(TestStoreUrl(dir_), *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    faulty_ = std::make_unique<FaultyStore>(*store_);
  }
  void TearDown() override {
    faulty_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  WriteOutcome Create(Store& store, const std::string& name, int serial) {
    FieldInput input;
    input.set = {{"name", name}, {"id_number", IdOf(serial)}};
    return CreateRecord(store, *validator_, EntityKind::kPerson, 0, "", input, "wang");
  }
  WriteOutcome SetPhone(Store& store, const Row& row, const std::string& phone) {
    FieldInput input;
    input.set = {{"phone", phone}};
    return UpdateRecord(store, *validator_, EntityKind::kPerson, row.id, row.version, input, "",
                        "li");
  }
  int64_t Persons() { return *store_->Count(EntityKind::kPerson, {}); }
  // The current provenance source of `field` of person `id`, "" when it has none.
  std::string ProvenanceOf(int64_t id, const std::string& field) {
    auto provenance = store_->Provenance(EntityKind::kPerson, id);
    EXPECT_TRUE(provenance.ok()) << provenance.status().message();
    if (!provenance.ok()) return "";
    for (const auto& o : *provenance) {
      if (o.field == field) return o.source + "/" + o.actor;
    }
    return "";
  }

  static Catalog* catalog_;
  static Validator* validator_;
  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<FaultyStore> faulty_;
};
Catalog* RegisterWriteFaults::catalog_ = nullptr;
Validator* RegisterWriteFaults::validator_ = nullptr;

TEST_F(RegisterWriteFaults, ACreateChosenAsADeadlockVictimIsRunAgainAndLandsOnce) {
  // The first attempt inserts the row, then its provenance write is the deadlock's victim.
  faulty_->Deadlock(1, "RecordObservation");
  WriteOutcome out = Create(*faulty_, "张三", 1);
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_TRUE(out.issues.empty());
  EXPECT_EQ(faulty_->faults(), 1);
  EXPECT_EQ(faulty_->transactions(), 2);
  EXPECT_EQ(Persons(), 1);  // the victim's insert was rolled back with it
  auto row = store_->Get(EntityKind::kPerson, out.row.id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->version, 1);
  EXPECT_EQ(*row->Get("name"), "张三");
  EXPECT_EQ(ProvenanceOf(out.row.id, "name"), "manual/wang");
  EXPECT_EQ(ProvenanceOf(out.row.id, "birth_date"), "manual/wang");  // filled from the ID
  EXPECT_EQ(store_->History(EntityKind::kPerson, out.row.id, "name")->size(), 1u);
}

TEST_F(RegisterWriteFaults, AnUpdateChosenAsADeadlockVictimIsRunAgainAndBumpsTheVersionOnce) {
  WriteOutcome created = Create(*store_, "张三", 1);
  ASSERT_TRUE(created.status.ok()) << created.status.message();
  faulty_->Deadlock(1, "Update");  // the compare-and-set itself
  WriteOutcome out = SetPhone(*faulty_, created.row, "13800000001");
  ASSERT_TRUE(out.status.ok()) << out.status.message();
  EXPECT_EQ(faulty_->transactions(), 2);
  EXPECT_EQ(out.row.version, 2);
  EXPECT_EQ(out.changed, std::vector<std::string>{"phone"});
  auto row = store_->Get(EntityKind::kPerson, created.row.id);
  EXPECT_EQ(row->version, 2);
  EXPECT_EQ(*row->Get("phone"), "13800000001");
  EXPECT_EQ(ProvenanceOf(created.row.id, "phone"), "manual/li");
  EXPECT_EQ(store_->History(EntityKind::kPerson, created.row.id, "phone")->size(), 1u);
}

TEST_F(RegisterWriteFaults, DeadlocksOnEveryAttemptGiveUpWithAbortedAndWriteNothing) {
  WriteOutcome created = Create(*store_, "张三", 1);
  ASSERT_TRUE(created.status.ok());
  // The Update of every attempt is a deadlock's victim.
  for (int i = 1; i <= kWriteAttempts; ++i) faulty_->Deadlock(i, "Update");
  WriteOutcome out = SetPhone(*faulty_, created.row, "13800000001");
  EXPECT_EQ(out.status.code(), StatusCode::kAborted);
  EXPECT_EQ(faulty_->transactions(), kWriteAttempts);
  auto row = store_->Get(EntityKind::kPerson, created.row.id);
  EXPECT_EQ(row->version, 1);
  EXPECT_EQ(row->Get("phone"), nullptr);
  EXPECT_EQ(ProvenanceOf(created.row.id, "phone"), "");
}

TEST_F(RegisterWriteFaults, ACreateWhoseCommitFailsWritesNothingAndAnswersTheError) {
  faulty_->FailCommit(1, Status::Unavailable("提交时连接中断（注入）"));
  WriteOutcome out = Create(*faulty_, "张三", 1);
  EXPECT_EQ(out.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(out.status.message(), "提交时连接中断（注入）");
  EXPECT_EQ(faulty_->transactions(), 1);  // a lost commit is not run again
  EXPECT_EQ(Persons(), 0);
  EXPECT_EQ(store_->FindBy(EntityKind::kPerson, "id_number", IdOf(1)).status().code(),
            StatusCode::kNotFound);
  // The same create afterwards goes through: nothing of the failed one stands in its way.
  WriteOutcome again = Create(*faulty_, "张三", 1);
  ASSERT_TRUE(again.status.ok()) << again.status.message();
  EXPECT_EQ(Persons(), 1);
}

TEST_F(RegisterWriteFaults, AnUpdateWhoseCommitFailsLeavesTheRowAsItWas) {
  WriteOutcome created = Create(*store_, "张三", 1);
  ASSERT_TRUE(created.status.ok());
  faulty_->FailCommit(1, Status::Unavailable("提交时连接中断（注入）"));
  WriteOutcome out = SetPhone(*faulty_, created.row, "13800000001");
  EXPECT_EQ(out.status.code(), StatusCode::kUnavailable);
  auto row = store_->Get(EntityKind::kPerson, created.row.id);
  EXPECT_EQ(row->version, 1);
  EXPECT_EQ(row->Get("phone"), nullptr);
  EXPECT_EQ(ProvenanceOf(created.row.id, "phone"), "");
  // The version the worker holds is still current: the same edit again succeeds.
  WriteOutcome again = SetPhone(*faulty_, created.row, "13800000001");
  ASSERT_TRUE(again.status.ok()) << again.status.message();
  EXPECT_EQ(again.row.version, 2);
}

TEST_F(RegisterWriteFaults, AStaleVersionIsAConflictWithTheCurrentRowBeforeAnyWrite) {
  WriteOutcome created = Create(*store_, "张三", 1);
  ASSERT_TRUE(created.status.ok());
  ASSERT_TRUE(SetPhone(*store_, created.row, "13800000001").status.ok());  // someone else
  faulty_->Deadlock(1, "RecordObservation");
  WriteOutcome out = SetPhone(*faulty_, created.row, "13900000002");  // still holds version 1
  EXPECT_EQ(out.status.code(), StatusCode::kConflict);
  EXPECT_EQ(out.row.version, 2);
  EXPECT_EQ(*out.row.Get("phone"), "13800000001");
  EXPECT_EQ(faulty_->faults(), 0);  // refused before any write
}

}  // namespace
}  // namespace onetable::testing
