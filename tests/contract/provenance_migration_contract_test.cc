// Compact provenance (migration 0019), on both backends. A store keeps a value in a field's
// history only once it is replaced or loses, and History still answers every observation in
// order, the current one included. A store written before 0019 (every observation in
// value_history, the current one too) answers Provenance and History as before once converted,
// drops the copies it no longer needs, and takes new observations in the right place.
//
// The old store is made the way the code before 0019 made it: the test puts provenance and
// value_history back to the 0018 layout and writes them with the statements that code ran, then
// migrates and reads through a store opened afterwards.
#include <string>
#include <vector>

#include "store/migrations.h"
#include "store_fixture.h"

namespace onetable::testing {
namespace {

struct Seen {
  std::string value, source, actor, observed_at;
  bool pinned = false;
  bool operator==(const Seen& o) const {
    return value == o.value && source == o.source && actor == o.actor &&
           observed_at == o.observed_at && pinned == o.pinned;
  }
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << "{" << s.value << ", " << s.source << ", " << s.actor << ", " << s.observed_at
            << (s.pinned ? ", pinned}" : "}");
}

std::vector<Seen> SeenOf(const std::vector<FieldObservation>& obs) {
  std::vector<Seen> out;
  for (const FieldObservation& o : obs) {
    out.push_back({o.value, o.source, o.actor, o.observed_at, o.pinned});
  }
  return out;
}

FieldObservation Obs(int64_t person, const std::string& field, const std::string& value,
                     const std::string& source, const std::string& at, bool pinned = false) {
  FieldObservation o;
  o.entity_id = person;
  o.field = field;
  o.value = value;
  o.source = source;
  o.source_record_id = source == "manual" ? 0 : 7;
  if (source == "manual") o.actor = "wangge01";
  o.observed_at = at;
  o.pinned = pinned;
  return o;
}

class ProvenanceMigration : public StoreContract {
 protected:
  void Exec(SqlConnection* db, const std::string& sql) {
    Status st = db->Exec(sql);
    ASSERT_TRUE(st.ok()) << sql << ": " << st.message();
  }

  int64_t Count(SqlConnection* db, const std::string& sql) {
    auto st = db->Prepare(sql);
    EXPECT_TRUE(st.ok()) << sql;
    if (!st.ok()) return -1;
    auto row = (*st)->Step();
    EXPECT_TRUE(row.ok() && *row) << sql;
    return row.ok() && *row ? (*st)->Int(0) : -1;
  }

  // Puts provenance and value_history back to the layout migration 0018 left.
  void BackTo0018(SqlConnection* db) {
    std::string create;
    for (const Migration& m : EmbeddedMigrations(db->Dialect())) {
      if (m.version != 1) continue;
      for (const std::string& sql : SplitSqlStatements(m.sql)) {
        if (sql.find("CREATE TABLE provenance") != std::string::npos) create = sql;
      }
    }
    ASSERT_FALSE(create.empty());
    Exec(db, "DROP TABLE provenance");
    Exec(db, create);
    Exec(db, "ALTER TABLE value_history DROP COLUMN seq");
    Exec(db, "ALTER TABLE value_history DROP COLUMN was_current");
    // Later migrations (0020 …) touch neither table and stay applied; the store is made to
    // look as if 0019 were the one migration left, so that Migrate runs exactly it.
    auto later = db->Prepare(
        "SELECT version, name, applied_at FROM schema_migrations WHERE version > 19");
    ASSERT_TRUE(later.ok()) << later.status().message();
    while (true) {
      Result<bool> more = (*later)->Step();
      ASSERT_TRUE(more.ok()) << more.status().message();
      if (!*more) break;
      later_.push_back({(*later)->Int(0), (*later)->Text(1).value_or(""),
                        (*later)->Text(2).value_or("")});
    }
    (*later)->Reset();
    Exec(db, "DELETE FROM schema_migrations WHERE version >= 19");
  }

  // Migrates as Store::Migrate does, with 0019 the pending migration, then puts the later
  // migrations' records back.
  void Migrate0019(SqlConnection* db) {
    std::vector<Migration> upto;
    for (const Migration& m : EmbeddedMigrations(db->Dialect())) {
      if (m.version <= 19) upto.push_back(m);
    }
    Status st = ApplyMigrations(db, upto);
    ASSERT_TRUE(st.ok()) << st.message();
    for (const LaterMigration& m : later_) {
      auto put = db->Prepare(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
      ASSERT_TRUE(put.ok()) << put.status().message();
      (*put)->BindInt(1, m.version);
      (*put)->BindText(2, m.name);
      (*put)->BindText(3, m.applied_at);
      ASSERT_TRUE((*put)->Execute().ok());
    }
  }

  struct LaterMigration {
    int64_t version;
    std::string name, applied_at;
  };
  std::vector<LaterMigration> later_;

  void Bind(SqlStatement* s, const FieldObservation& o) {
    s->BindText(1, o.value);
    s->BindText(2, o.source);
    if (o.source_record_id) s->BindInt(3, o.source_record_id); else s->BindNull(3);
    if (o.actor.empty()) s->BindNull(4); else s->BindText(4, o.actor);
    s->BindText(5, o.observed_at);
    s->BindInt(6, o.pinned ? 1 : 0);
    s->BindText(7, "person");
    s->BindInt(8, o.entity_id);
    s->BindText(9, o.field);
  }

  // What RecordObservation wrote before 0019: the provenance upsert and a history row.
  void OldRecord(SqlConnection* db, const FieldObservation& o) {
    auto up = db->Prepare(
        "UPDATE provenance SET value = ?, source = ?, source_record_id = ?, actor = ?, "
        "observed_at = ?, pinned = ? WHERE entity = ? AND entity_id = ? AND field = ?");
    ASSERT_TRUE(up.ok()) << up.status().message();
    Bind(up->get(), o);
    auto n = (*up)->Execute();
    ASSERT_TRUE(n.ok()) << n.status().message();
    if (*n == 0) {
      auto ins = db->Prepare(
          "INSERT INTO provenance (value, source, source_record_id, actor, observed_at, pinned, "
          "entity, entity_id, field) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      ASSERT_TRUE(ins.ok()) << ins.status().message();
      Bind(ins->get(), o);
      ASSERT_TRUE((*ins)->Execute().ok());
    }
    OldAppend(db, o);
  }

  // What AppendHistory wrote before 0019.
  void OldAppend(SqlConnection* db, const FieldObservation& o) {
    auto h = db->Prepare(
        "INSERT INTO value_history (value, source, source_record_id, actor, observed_at, pinned, "
        "entity, entity_id, field) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ASSERT_TRUE(h.ok()) << h.status().message();
    Bind(h->get(), o);
    ASSERT_TRUE((*h)->Execute().ok());
  }

  std::vector<Seen> History(Store* store, int64_t person, const std::string& field) {
    auto h = store->History(EntityKind::kPerson, person, field);
    EXPECT_TRUE(h.ok()) << h.status().message();
    return h.ok() ? SeenOf(*h) : std::vector<Seen>{};
  }

  int64_t HistoryRows(SqlConnection* db, int64_t person, const std::string& field) {
    return Count(db, "SELECT COUNT(*) FROM value_history WHERE entity = 'person' AND "
                     "entity_id = " + std::to_string(person) + " AND field = '" + field + "'");
  }
};

TEST_F(ProvenanceMigration, FirstObservationIsNotHistoryAndHistoryStillAnswersIt) {
  int64_t household = AddTree();
  int64_t p = AddPerson(household, "林二", TestIdNumber(2));
  ASSERT_TRUE(store_->RecordObservation(Obs(p, "phone", "13800000001", "dibao",
                                            "2026-01-01 08:00:00"))
                  .ok());
  auto db = RawConnection();
  EXPECT_EQ(HistoryRows(db.get(), p, "phone"), 0);
  EXPECT_EQ(History(store_.get(), p, "phone"),
            (std::vector<Seen>{{"13800000001", "dibao", "", "2026-01-01 08:00:00", false}}));
  // A lost value, then a winner, then another lost value: in the order they were observed.
  ASSERT_TRUE(store_->AppendHistory(Obs(p, "phone", "13900000002", "laoling",
                                        "2026-01-02 08:00:00"))
                  .ok());
  ASSERT_TRUE(store_->RecordObservation(Obs(p, "phone", "13800000003", "manual",
                                            "2026-01-03 08:00:00", true))
                  .ok());
  ASSERT_TRUE(store_->AppendHistory(Obs(p, "phone", "13900000004", "laoling",
                                        "2026-01-04 08:00:00"))
                  .ok());
  EXPECT_EQ(History(store_.get(), p, "phone"),
            (std::vector<Seen>{{"13800000001", "dibao", "", "2026-01-01 08:00:00", false},
                               {"13900000002", "laoling", "", "2026-01-02 08:00:00", false},
                               {"13800000003", "manual", "wangge01", "2026-01-03 08:00:00", true},
                               {"13900000004", "laoling", "", "2026-01-04 08:00:00", false}}));
  EXPECT_EQ(HistoryRows(db.get(), p, "phone"), 3);
  // A row's first observations in one write: provenance only.
  int64_t q = AddPerson(household, "王五", TestIdNumber(3));
  ASSERT_TRUE(store_
                  ->RecordFirstObservations(
                      {Obs(q, "name", "王五", "gongan", "2026-01-05 08:00:00"),
                       Obs(q, "phone", "13700000005", "gongan", "2026-01-05 08:00:00")})
                  .ok());
  EXPECT_EQ(HistoryRows(db.get(), q, "name"), 0);
  auto prov = store_->Provenance(EntityKind::kPerson, q);
  ASSERT_TRUE(prov.ok());
  EXPECT_EQ(SeenOf(*prov),
            (std::vector<Seen>{{"王五", "gongan", "", "2026-01-05 08:00:00", false},
                               {"13700000005", "gongan", "", "2026-01-05 08:00:00", false}}));
  EXPECT_EQ(History(store_.get(), q, "phone"),
            (std::vector<Seen>{{"13700000005", "gongan", "", "2026-01-05 08:00:00", false}}));
}

TEST_F(ProvenanceMigration, StoreWrittenBefore0019AnswersAsBeforeOnceConverted) {
  int64_t household = AddTree();
  int64_t p = AddPerson(household, "张三", TestIdNumber(1));
  int64_t q = AddPerson(household, "李四", TestIdNumber(2));
  auto db = RawConnection();
  ASSERT_NO_FATAL_FAILURE(BackTo0018(db.get()));
  const Seen dibao{"13800000001", "dibao", "", "2026-01-01 08:00:00", false};
  const Seen manual{"13800000002", "manual", "wangge01", "2026-02-01 09:30:00", true};
  const Seen gongan{"张三", "gongan", "", "2026-01-01 08:00:00", false};
  const Seen lost{"张叁", "dibao", "", "2026-01-02 08:00:00", false};
  const Seen li{"13700000003", "gongan", "", "2026-01-01 08:00:00", false};
  // p.phone: replaced, then the same observation twice (a re-run): three rows, the last the copy
  // of the current one. p.name: a value lost after the current one was observed. q.phone: once.
  OldRecord(db.get(), Obs(p, "phone", "13800000001", "dibao", "2026-01-01 08:00:00"));
  OldRecord(db.get(), Obs(p, "phone", "13800000002", "manual", "2026-02-01 09:30:00", true));
  OldRecord(db.get(), Obs(p, "phone", "13800000002", "manual", "2026-02-01 09:30:00", true));
  OldRecord(db.get(), Obs(p, "name", "张三", "gongan", "2026-01-01 08:00:00"));
  OldAppend(db.get(), Obs(p, "name", "张叁", "dibao", "2026-01-02 08:00:00"));
  OldRecord(db.get(), Obs(q, "phone", "13700000003", "gongan", "2026-01-01 08:00:00"));
  ASSERT_EQ(HistoryRows(db.get(), p, "phone"), 3);

  std::unique_ptr<Store> migrated = OpenAnother();
  ASSERT_TRUE(migrated);
  ASSERT_NO_FATAL_FAILURE(Migrate0019(db.get()));
  EXPECT_EQ(*migrated->SchemaVersion(), EmbeddedMigrations(db->Dialect()).back().version);

  auto prov = migrated->Provenance(EntityKind::kPerson, p);
  ASSERT_TRUE(prov.ok()) << prov.status().message();
  EXPECT_EQ(SeenOf(*prov), (std::vector<Seen>{gongan, manual}));  // name, phone
  EXPECT_EQ(History(migrated.get(), p, "phone"), (std::vector<Seen>{dibao, manual, manual}));
  EXPECT_EQ(History(migrated.get(), p, "name"), (std::vector<Seen>{gongan, lost}));
  EXPECT_EQ(History(migrated.get(), q, "phone"), (std::vector<Seen>{li}));
  // The current value's copy went where nothing came after it; it stays where a value lost
  // after it (the order needs it).
  EXPECT_EQ(HistoryRows(db.get(), p, "phone"), 2);
  EXPECT_EQ(HistoryRows(db.get(), q, "phone"), 0);
  EXPECT_EQ(HistoryRows(db.get(), p, "name"), 2);

  // New observations land after the converted ones.
  const Seen later_lost{"13900000009", "laoling", "", "2026-03-01 08:00:00", false};
  const Seen renamed{"张三丰", "gongan", "", "2026-03-02 08:00:00", false};
  ASSERT_TRUE(migrated->AppendHistory(Obs(p, "phone", "13900000009", "laoling",
                                          "2026-03-01 08:00:00"))
                  .ok());
  ASSERT_TRUE(migrated->RecordObservation(Obs(p, "name", "张三丰", "gongan",
                                              "2026-03-02 08:00:00"))
                  .ok());
  ASSERT_TRUE(migrated->AppendHistory(Obs(p, "name", "张叁", "dibao", "2026-01-02 08:00:00"))
                  .ok());
  EXPECT_EQ(History(migrated.get(), p, "phone"),
            (std::vector<Seen>{dibao, manual, manual, later_lost}));
  EXPECT_EQ(History(migrated.get(), p, "name"),
            (std::vector<Seen>{gongan, lost, renamed, lost}));
  EXPECT_EQ(migrated->Provenance(EntityKind::kPerson, p)->front().value, "张三丰");
}

}  // namespace
}  // namespace onetable::testing
