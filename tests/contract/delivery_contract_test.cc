// Deliveries' store (DeliveryLog) on both backends: batches keep their exact bytes and unique
// seqs, an acknowledgement applies its state once and in one transaction, the state reads back
// in pages, refused batches go back to pending, and the control row starts from defaults.
#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "store/migrations.h"
#include "store/sql_store.h"
#include "store_fixture.h"

namespace onetable::testing {
namespace {

class DeliveryContract : public StoreContract {
 protected:
  DeliveryBatch Add(int64_t seq, const std::string& body) {
    DeliveryBatch b;
    b.delivery = "d";
    b.seq = seq;
    b.upserts = 2;
    b.deletes = 1;
    b.body = body;
    b.state = "[]";
    Status st = store_->AddDeliveryBatch(&b);
    EXPECT_TRUE(st.ok()) << st.message();
    return b;
  }
};

TEST_F(DeliveryContract, BatchesKeepTheirBytesAndSeq) {
  const std::string body = "{\"changes\":[{\"key\":\"𠈌\\u0001\"}]}" + std::string(70000, 'x');
  DeliveryBatch a = Add(1, body);
  EXPECT_GT(a.id, 0);
  EXPECT_FALSE(a.created_at.empty());
  DeliveryBatch dup = a;
  EXPECT_EQ(store_->AddDeliveryBatch(&dup).code(), StatusCode::kAlreadyExists);
  Add(2, "{}");
  EXPECT_EQ(*store_->LastDeliverySeq("d"), 2);
  EXPECT_EQ(*store_->LastDeliverySeq("other"), 0);
  auto all = store_->ListDeliveryBatches("d", kBatchPending, 0, 10, true);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].body, body);
  auto lean = store_->ListDeliveryBatches("d", "", 1, 10, false);
  ASSERT_EQ(lean->size(), 1u);
  EXPECT_EQ((*lean)[0].seq, 2);
  EXPECT_TRUE((*lean)[0].body.empty());
  int64_t changes = 0;
  EXPECT_EQ(*store_->CountDeliveryBatches("d", kBatchPending, &changes), 2);
  EXPECT_EQ(changes, 6);
}

// A batch stored before 0021 has its content in delivery_batch itself: it is still read back, so
// it is resent unchanged after an upgrade.
TEST_F(DeliveryContract, BatchFromBeforeTheContentTableKeepsItsContent) {
  auto raw = RawConnection();
  ASSERT_TRUE(raw);
  ASSERT_TRUE(raw->Exec("INSERT INTO delivery_batch (delivery, seq, status, upserts, deletes, "
                        "attempts, last_status, response_code, created_at, acked_at, body, state) "
                        "VALUES ('d', 1, 'pending', 1, 0, 0, '', 0, '2026-01-01 00:00:00', NULL, "
                        "'{\"old\":1}', '[[\"d\",\"k1\"]]')")
                  .ok());
  Add(2, "{\"new\":2}");
  auto all = store_->ListDeliveryBatches("d", kBatchPending, 0, 10, true);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].body, "{\"old\":1}");
  EXPECT_EQ((*all)[0].state, "[[\"d\",\"k1\"]]");
  EXPECT_EQ((*all)[1].body, "{\"new\":2}");
  EXPECT_EQ((*all)[1].state, "[]");
}

TEST_F(DeliveryContract, AckAppliesStateOnce) {
  DeliveryBatch a = Add(1, "{}");
  ASSERT_TRUE(store_->RecordDeliveryAttempt(a.id, kBatchPending, 1, "HTTP 503", 503).ok());
  ASSERT_TRUE(
      store_->AckDeliveryBatch(a.id, 2, "ok", 200, {{"k1", "r1", "甲"}, {"k2", "r2", "乙"}}, {})
          .ok());
  DeliveryBatch b = Add(2, "{}");
  ASSERT_TRUE(store_->AckDeliveryBatch(b.id, 1, "ok", 200, {{"k1", "r9", "甲"}}, {"k2"}).ok());
  // A second acknowledgement of the same batch changes nothing.
  ASSERT_TRUE(store_->AckDeliveryBatch(b.id, 5, "again", 201, {{"k3", "r3", "丙"}}, {"k1"}).ok());
  std::vector<DeliveryKeyState> state;
  ASSERT_TRUE(store_
                  ->ScanDeliveryState("d",
                                      [&](const DeliveryKeyState& k) {
                                        state.push_back(k);
                                        return Status::Ok();
                                      })
                  .ok());
  ASSERT_EQ(state.size(), 1u);
  EXPECT_EQ(state[0].key_hash, "k1");
  EXPECT_EQ(state[0].row_hash, "r9");
  EXPECT_EQ(state[0].key, "甲");
  // An acknowledged batch keeps its content, as a pending one does.
  DeliveryBatch c = Add(3, "{\"changes\":[\"甲\"]}");
  auto bodies = store_->ListDeliveryBatches("d", "", 0, 10, true);
  ASSERT_TRUE(bodies.ok()) << bodies.status().message();
  ASSERT_EQ(bodies->size(), 3u);
  EXPECT_EQ((*bodies)[0].body, "{}");
  EXPECT_EQ((*bodies)[1].state, "[]");
  EXPECT_EQ((*bodies)[2].body, c.body);
  EXPECT_EQ((*bodies)[2].status, kBatchPending);
  auto listed = store_->ListDeliveryBatches("d", "", 0, 10, false);
  EXPECT_EQ((*listed)[1].attempts, 1);
  EXPECT_EQ((*listed)[1].response_code, 200);
  EXPECT_FALSE((*listed)[1].acked_at.empty());
  EXPECT_EQ(store_->RecordDeliveryAttempt(b.id, kBatchFailed, 9, "x", 400).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->RecordDeliveryAttempt(999999, kBatchFailed, 9, "x", 400).code(),
            StatusCode::kNotFound);
}

TEST_F(DeliveryContract, StateReadsInPagesAndRetryMovesRefused) {
  DeliveryBatch a = Add(1, "{}");
  // Pages of 5000 end inside a row's keys: 6000 keys of no known row (written before row ids
  // were kept), then rows of two keys each.
  std::vector<DeliveryKeyState> many;
  for (int i = 0; i < 12001; ++i) {
    char h[40];
    std::snprintf(h, sizeof h, "%032x", i * 7919);
    many.push_back({h, "r", std::to_string(i), i < 6000 ? 0 : i / 2});
  }
  ASSERT_TRUE(store_->AckDeliveryBatch(a.id, 1, "ok", 200, many, {}).ok());
  std::map<std::string, int> seen;
  std::pair<int64_t, std::string> last{-1, ""};
  ASSERT_TRUE(store_
                  ->ScanDeliveryState("d",
                                      [&](const DeliveryKeyState& k) {
                                        ++seen[k.key_hash];
                                        EXPECT_LT(last, std::make_pair(k.row_id, k.key_hash));
                                        last = {k.row_id, k.key_hash};
                                        return Status::Ok();
                                      })
                  .ok());
  EXPECT_EQ(seen.size(), 12001u);
  for (const auto& [hash, n] : seen) EXPECT_EQ(n, 1) << hash;

  DeliveryBatch b = Add(2, "{}");
  ASSERT_TRUE(store_->RecordDeliveryAttempt(b.id, kBatchFailed, 1, "HTTP 422", 422).ok());
  EXPECT_EQ(*store_->CountDeliveryBatches("d", kBatchFailed, nullptr), 1);
  EXPECT_EQ(*store_->RetryDeliveryBatches("d"), 1);
  EXPECT_EQ(*store_->CountDeliveryBatches("d", kBatchPending, nullptr), 1);
}

// A store from before 0022 kept its receipts in a rowid table with the key hash as primary key:
// the migration moves them, sealed keys and all, and they answer lookups and acknowledgements
// as before.
TEST_F(DeliveryContract, ReceiptsFromBeforeTheyWereStoredByRowAreKept) {
  DeliveryBatch a = Add(1, "{}");
  ASSERT_TRUE(store_
                  ->AckDeliveryBatch(a.id, 1, "ok", 200,
                                     {{"k1", "r1", "甲", 11},
                                      {"k2", "r2", "乙", 12},
                                      {"k3", "r3", "丙", 0},
                                      {"k4", "r4", "丁", 12}},
                                     {})
                  .ok());
  auto db = RawConnection();
  auto exec = [&](const std::string& sql) {
    Status st = db->Exec(sql);
    ASSERT_TRUE(st.ok()) << sql << ": " << st.message();
  };
  // The rows as the store wrote them (key_text sealed when the store encrypts) …
  struct Stored {
    std::string key_hash, row_hash, key_text;
    int64_t row_id;
  };
  std::vector<Stored> stored;
  {
    auto q = db->Prepare(
        "SELECT key_hash, row_hash, key_text, row_id FROM delivery_state WHERE delivery = 'd'");
    ASSERT_TRUE(q.ok()) << q.status().message();
    while (*(*q)->Step()) {
      stored.push_back({(*q)->Text(0).value_or(""), (*q)->Text(1).value_or(""),
                        (*q)->Text(2).value_or(""), (*q)->Int(3)});
    }
  }
  ASSERT_EQ(stored.size(), 4u);
  // … back in the layout 0011 and 0017 made.
  std::vector<std::string> old_layout;
  for (const Migration& m : EmbeddedMigrations(db->Dialect())) {
    if (m.version != 11 && m.version != 17) continue;
    for (const std::string& sql : SplitSqlStatements(m.sql)) {
      if (sql.find("delivery_state") != std::string::npos) old_layout.push_back(sql);
    }
  }
  ASSERT_EQ(old_layout.size(), 3u);  // CREATE TABLE, ADD COLUMN row_id, its index
  exec("DROP TABLE delivery_state");
  for (const std::string& sql : old_layout) exec(sql);
  for (const Stored& r : stored) {
    auto put = db->Prepare(
        "INSERT INTO delivery_state (delivery, key_hash, row_hash, key_text, row_id) VALUES "
        "('d', ?, ?, ?, ?)");
    ASSERT_TRUE(put.ok()) << put.status().message();
    (*put)->BindText(1, r.key_hash);
    (*put)->BindText(2, r.row_hash);
    (*put)->BindText(3, r.key_text);
    (*put)->BindInt(4, r.row_id);
    ASSERT_TRUE((*put)->Execute().ok());
  }
  exec("DELETE FROM schema_migrations WHERE version = 22");

  std::unique_ptr<Store> migrated = OpenAnother();
  Status migrate = migrated->Migrate();
  ASSERT_TRUE(migrate.ok()) << migrate.message();
  EXPECT_EQ(*migrated->SchemaVersion(), EmbeddedMigrations(db->Dialect()).back().version);
  std::map<std::string, std::tuple<std::string, std::string, int64_t>> state;
  auto read = [&]() {
    state.clear();
    Status st = migrated->ScanDeliveryState("d", [&](const DeliveryKeyState& k) {
      state[k.key_hash] = {k.row_hash, k.key, k.row_id};
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.message();
  };
  read();
  using Want = std::map<std::string, std::tuple<std::string, std::string, int64_t>>;
  EXPECT_EQ(state, (Want{{"k1", {"r1", "甲", 11}},
                         {"k2", {"r2", "乙", 12}},
                         {"k3", {"r3", "丙", 0}},
                         {"k4", {"r4", "丁", 12}}}));
  std::set<std::string> found;
  ASSERT_TRUE(migrated
                  ->ScanDeliveryStateFor("d", {12}, {"k3"},
                                         [&](const DeliveryKeyState& k) {
                                           found.insert(k.key_hash);
                                           return Status::Ok();
                                         })
                  .ok());
  EXPECT_EQ(found, (std::set<std::string>{"k2", "k3", "k4"}));
  EXPECT_EQ(*migrated->CountDeliveryStateWithoutRow("d"), 1);
  // Acknowledged again: a row hash rewritten in place, a key moved to another row, one deleted;
  // and a key hash stays unique across rows.
  DeliveryBatch b = Add(2, "{}");
  ASSERT_TRUE(migrated
                  ->AckDeliveryBatch(b.id, 1, "ok", 200,
                                     {{"k1", "r1b", "甲", 11}, {"k3", "r3b", "丙", 13}}, {"k4"})
                  .ok());
  read();
  EXPECT_EQ(state,
            (Want{{"k1", {"r1b", "甲", 11}}, {"k2", {"r2", "乙", 12}}, {"k3", {"r3b", "丙", 13}}}));
  EXPECT_FALSE(db->Exec("INSERT INTO delivery_state (delivery, row_id, key_hash, row_hash, "
                        "key_text) VALUES ('d', 99, 'k1', 'x', 'x')")
                   .ok());
}

TEST_F(DeliveryContract, ControlRow) {
  auto c = store_->GetDeliveryControl("d");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->paused);
  EXPECT_EQ(c->last_run_at, 0);
  ASSERT_TRUE(store_->SetDeliveryPaused("d", true).ok());
  ASSERT_TRUE(store_->RecordDeliveryRun("d", 100, "").ok());
  ASSERT_TRUE(store_->RecordDeliveryRun("d", 200, "目标不可达").ok());
  c = store_->GetDeliveryControl("d");
  EXPECT_TRUE(c->paused);
  EXPECT_EQ(c->last_run_at, 200);
  EXPECT_EQ(c->last_success_at, 100);
  EXPECT_EQ(c->last_error, "目标不可达");
  ASSERT_TRUE(store_->RecordDeliveryRun("d", 300, "").ok());
  ASSERT_TRUE(store_->SetDeliveryPaused("d", false).ok());
  c = store_->GetDeliveryControl("d");
  EXPECT_FALSE(c->paused);
  EXPECT_EQ(c->last_success_at, 300);
  EXPECT_TRUE(c->last_error.empty());
}

// Incremental deliveries (0017): the keys of given rows or key hashes read back with their row
// ids (each once); the basis round-trips; ChangesSince names who changed from an instant on —
// field and status updates, moves (with the households left and joined), inserts, tag writes,
// household updates — and nothing older; a building's update is "above households".
TEST_F(DeliveryContract, IncrementalStateBasisAndChanges) {
  DeliveryBatch a = Add(1, "{}");
  ASSERT_TRUE(store_->AckDeliveryBatch(a.id, 1, "ok", 200,
                                       {{"k1", "r1", "甲", 11}, {"k2", "r2", "乙", 12},
                                        {"k3", "r3", "丙", 13}},
                                       {})
                  .ok());
  std::map<std::string, int64_t> got;
  ASSERT_TRUE(store_
                  ->ScanDeliveryStateFor("d", {11, 13}, {"k1", "k2", "nope"},
                                         [&](const DeliveryKeyState& k) {
                                           EXPECT_TRUE(got.emplace(k.key_hash, k.row_id).second);
                                           return Status::Ok();
                                         })
                  .ok());
  EXPECT_EQ(got, (std::map<std::string, int64_t>{{"k1", 11}, {"k2", 12}, {"k3", 13}}));
  // A key acknowledged again from another row moves to that row; one from the same row keeps it.
  ASSERT_TRUE(store_
                  ->AckDeliveryBatch(Add(3, "{}").id, 1, "ok", 200,
                                     {{"k3", "r3b", "丙", 14}, {"k2", "r2b", "乙", 12}}, {})
                  .ok());
  std::map<std::string, std::pair<std::string, int64_t>> rows;
  ASSERT_TRUE(store_
                  ->ScanDeliveryStateFor("d", {12, 13, 14}, {},
                                         [&](const DeliveryKeyState& k) {
                                           EXPECT_EQ(k.key, k.key_hash == "k2" ? "乙" : "丙");
                                           rows[k.key_hash] = {k.row_hash, k.row_id};
                                           return Status::Ok();
                                         })
                  .ok());
  EXPECT_EQ(rows, (std::map<std::string, std::pair<std::string, int64_t>>{{"k2", {"r2b", 12}},
                                                                          {"k3", {"r3b", 14}}}));
  EXPECT_EQ(*store_->CountDeliveryStateWithoutRow("d"), 0);
  ASSERT_TRUE(
      store_->AckDeliveryBatch(Add(4, "{}").id, 1, "ok", 200, {{"k4", "r4", "丁"}}, {}).ok());
  EXPECT_EQ(*store_->CountDeliveryStateWithoutRow("d"), 1);

  EXPECT_EQ(store_->GetDeliveryBasis("d").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->SetDeliveryBasis("d", {"fp1", "2026-01-01 00:00:00", 5}).ok());
  ASSERT_TRUE(store_->SetDeliveryBasis("d", {"fp2", "2026-01-02 00:00:00", 6}).ok());
  auto basis = store_->GetDeliveryBasis("d");
  ASSERT_TRUE(basis.ok()) << basis.status().message();
  EXPECT_EQ(basis->fingerprint, "fp2");
  EXPECT_EQ(basis->changes_from, "2026-01-02 00:00:00");
  EXPECT_EQ(basis->full_at, 6);

  // The register: everything written before `from` is not reported.
  const int64_t district = AddDistrict();
  const int64_t street = AddStreet(district);
  const int64_t community = AddCommunity(street);
  const int64_t grid = AddGrid(community);
  const int64_t building = AddBuilding(grid);
  const int64_t h1 = AddHousehold(building, "1");
  const int64_t h2 = AddHousehold(building, "2");
  const int64_t p1 = AddPerson(h1, "甲", "420581199001010011");
  const int64_t p2 = AddPerson(h1, "乙", "420581199001010038");
  const int64_t p3 = AddPerson(h1, "丙", "420581199001010054");
  const int64_t quiet = AddPerson(h2, "丁", "420581199001010070");
  const int64_t before = static_cast<int64_t>(std::time(nullptr));
  while (static_cast<int64_t>(std::time(nullptr)) <= before) std::this_thread::yield();
  const std::string from = UtcTimestamp(before + 1);
  auto nothing = store_->ChangesSince(from, 100);
  ASSERT_TRUE(nothing.ok()) << nothing.status().message();
  EXPECT_TRUE(nothing->persons.empty());
  EXPECT_FALSE(nothing->above_households);

  auto row = store_->Get(EntityKind::kPerson, p1);
  ASSERT_TRUE(row.ok());
  row->values["phone"] = "13900000000";
  ASSERT_TRUE(store_->Update(EntityKind::kPerson, &*row).ok());
  auto moved = store_->Get(EntityKind::kPerson, p2);
  ASSERT_TRUE(store_->Move(EntityKind::kPerson, p2, moved->version, h2, "", "t").ok());
  TagAssignment tag;
  tag.person_id = p3;
  tag.tag = "dibao";
  tag.source = "manual:t";
  auto tag_id = store_->AddTag(tag);
  ASSERT_TRUE(tag_id.ok()) << tag_id.status().message();
  ASSERT_TRUE(store_->DeleteTag(*tag_id, 1).ok());
  EXPECT_EQ(store_->DeleteTag(*tag_id, 1).code(), StatusCode::kNotFound);
  const int64_t loner = AddPerson(0, "戊", "420581199001010097");
  auto house = store_->Get(EntityKind::kHousehold, h1);
  ASSERT_TRUE(store_->Update(EntityKind::kHousehold, &*house).ok());

  auto changes = store_->ChangesSince(from, 100);
  ASSERT_TRUE(changes.ok()) << changes.status().message();
  EXPECT_EQ(changes->persons, (std::vector<int64_t>{p1, p2, p3, loner}));
  EXPECT_EQ(changes->households, (std::vector<int64_t>{h1}));
  EXPECT_EQ(changes->housemates_of, (std::vector<int64_t>{h1, h2}));
  EXPECT_FALSE(changes->above_households);
  EXPECT_FALSE(changes->truncated);
  (void)quiet;
  EXPECT_TRUE(store_->ChangesSince(from, 2)->truncated);

  auto b = store_->Get(EntityKind::kBuilding, building);
  ASSERT_TRUE(store_->Update(EntityKind::kBuilding, &*b).ok());
  EXPECT_TRUE(store_->ChangesSince(from, 100)->above_households);
}

}  // namespace
}  // namespace onetable::testing
