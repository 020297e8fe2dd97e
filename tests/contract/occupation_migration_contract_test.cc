// Migration 0014's data step, on both backends: stored occupation codes are the Shenzhen local
// list's, whose codes mean other things in GB/T 6565-2015, so the migration moves each one,
// unchanged, to occupation_shenzhen and puts the major group it falls in (or nothing) in
// occupation — in the person rows and in the history the as-of scan reads. The store is already
// migrated; the test stores old-style values, reruns the migration's data statements (its
// ALTERs have run) and reads the result.
#include <string>

#include "store/migrations.h"
#include "store_fixture.h"

namespace onetable::testing {
namespace {

class OccupationMigration : public StoreContract {
 protected:
  std::string Text(SqlConnection* db, const std::string& sql) {
    auto st = db->Prepare(sql);
    EXPECT_TRUE(st.ok()) << sql;
    if (!st.ok()) return "<error>";
    auto row = (*st)->Step();
    EXPECT_TRUE(row.ok() && *row) << sql;
    if (!row.ok() || !*row) return "<none>";
    return (*st)->Text(0).value_or("<null>");
  }
};

TEST_F(OccupationMigration, StoredShenzhenCodesMoveAndBecomeMajorGroups) {
  int64_t household = AddTree();
  int64_t worker = AddPerson(household, "工人", TestIdNumber(1));
  int64_t student = AddPerson(household, "学生", TestIdNumber(2));
  int64_t none = AddPerson(household, "无职业", TestIdNumber(3));
  std::unique_ptr<SqlConnection> db = RawConnection();
  const std::string w = std::to_string(worker), s = std::to_string(student);
  ASSERT_TRUE(db->Exec("UPDATE person SET occupation = '5' WHERE id = " + w).ok());
  ASSERT_TRUE(db->Exec("UPDATE person SET occupation = '7' WHERE id = " + s).ok());
  // The worker was a farmer (6) until 2024-01-01: the history holds the old Shenzhen code.
  ASSERT_TRUE(db->Exec("INSERT INTO field_change (entity, entity_id, field, old_value, "
                       "replaced_at) VALUES ('person', " + w +
                       ", 'occupation', '6', '2024-01-01 00:00:00')")
                  .ok());

  const Migration* m14 = nullptr;
  std::vector<Migration> all = EmbeddedMigrations(db->Dialect());
  for (const Migration& m : all) {
    if (m.version == 14) m14 = &m;
  }
  ASSERT_NE(m14, nullptr);
  int data_statements = 0;
  for (const std::string& sql : SplitSqlStatements(m14->sql)) {
    if (sql.find("ALTER TABLE") != std::string::npos) continue;
    ASSERT_TRUE(db->Exec(sql).ok()) << sql;
    ++data_statements;
  }
  EXPECT_EQ(data_statements, 4);

  EXPECT_EQ(Text(db.get(), "SELECT occupation FROM person WHERE id = " + w), "6");  // 生产制造
  EXPECT_EQ(Text(db.get(), "SELECT occupation_shenzhen FROM person WHERE id = " + w), "5");
  EXPECT_EQ(Text(db.get(), "SELECT occupation FROM person WHERE id = " + s), "<null>");  // 学生
  EXPECT_EQ(Text(db.get(), "SELECT occupation_shenzhen FROM person WHERE id = " + s), "7");
  EXPECT_EQ(Text(db.get(), "SELECT occupation_shenzhen FROM person WHERE id = " +
                               std::to_string(none)),
            "<null>");
  EXPECT_EQ(Text(db.get(), "SELECT old_value FROM field_change WHERE entity = 'person' AND "
                           "field = 'occupation' AND entity_id = " + w),
            "5");  // 农民 → 农、林、牧、渔业
  EXPECT_EQ(Text(db.get(), "SELECT old_value FROM field_change WHERE entity = 'person' AND "
                           "field = 'occupation_shenzhen' AND entity_id = " + w),
            "6");
}

}  // namespace
}  // namespace onetable::testing
