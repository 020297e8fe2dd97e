// Reads that mean "in order" or "latest" do not trust AUTO_INCREMENT ids to follow commit order
// (issue 18: on a Galera cluster each node hands out its own interleaved ids, so a write made
// later on one node may get a lower id than an earlier write on another; TiDB likewise). The
// rows below are written the way two nodes would leave them: the later event has the lower id.
#include <string>
#include <vector>

#include "store_fixture.h"

namespace onetable::testing {
namespace {

class InterleavedIds : public StoreContract {
 protected:
  void Raw(const std::string& sql) {
    Status st = RawConnection()->Exec(sql);
    ASSERT_TRUE(st.ok()) << st.message() << "\n" << sql;
  }
};

TEST_F(InterleavedIds, ValueHistoryIsInTheOrderObserved) {
  const int64_t person = AddPerson(AddTree(), "张三", TestIdNumber(1));
  const std::string p = std::to_string(person);
  // Observed second, on the node with the low offset; observed first, on another node.
  Raw("INSERT INTO value_history (id, entity, entity_id, field, value, source, observed_at, "
      "pinned) VALUES (90001, 'person', " + p + ", 'phone', '13600000002', 'minzheng', "
      "'2026-03-02 09:00:00', 0)");
  Raw("INSERT INTO value_history (id, entity, entity_id, field, value, source, observed_at, "
      "pinned) VALUES (90005, 'person', " + p + ", 'phone', '13600000001', 'gongan', "
      "'2026-03-01 09:00:00', 0)");
  Result<std::vector<FieldObservation>> history =
      store_->History(EntityKind::kPerson, person, "phone");
  ASSERT_TRUE(history.ok()) << history.status().message();
  std::vector<std::string> values;
  for (const FieldObservation& o : *history) values.push_back(o.value);
  EXPECT_EQ(values, (std::vector<std::string>{"13600000001", "13600000002"}));
}

TEST_F(InterleavedIds, MembershipsAreInTheOrderTheyBegan) {
  const int64_t household = AddTree();
  // A person id nothing else has memberships for.
  const std::string p = "777001";
  Raw("INSERT INTO membership (id, entity, entity_id, parent_id, relationship, valid_from, "
      "valid_to, actor) VALUES (91001, 'person', " + p + ", " + std::to_string(household) +
      ", '02', '2026-04-01 10:00:00', NULL, 'worker')");
  Raw("INSERT INTO membership (id, entity, entity_id, parent_id, relationship, valid_from, "
      "valid_to, actor) VALUES (91004, 'person', " + p + ", NULL, '', '2026-01-01 10:00:00', "
      "'2026-04-01 10:00:00', 'insert')");
  Result<std::vector<Membership>> history = store_->MembershipHistory(EntityKind::kPerson, 777001);
  ASSERT_TRUE(history.ok()) << history.status().message();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].valid_from, "2026-01-01 10:00:00");
  EXPECT_EQ((*history)[1].valid_from, "2026-04-01 10:00:00");
  EXPECT_EQ((*history)[1].parent_id, household);
  EXPECT_TRUE((*history)[1].valid_to.empty());
}

}  // namespace
}  // namespace onetable::testing
