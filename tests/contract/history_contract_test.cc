// The register as of a past instant (ScanRequest::history_at): a person's replaced status and
// fields read as they were, a moved person sits in the household he was in then (the chain
// above him, scopes, the persons below a household, member_count), and `alive_at` decides at a
// date from dates known now. Changes are made through the Store, then dated by rewriting their
// timestamps on a raw connection — the store itself always writes "now".
#include <string>
#include <vector>

#include "store_fixture.h"

namespace onetable::testing {
namespace {

class HistoryContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    if (HasFatalFailure()) return;
    int64_t d = AddDistrict();
    int64_t s = AddStreet(d);
    int64_t c = AddCommunity(s, "420581001001");
    g1_ = AddGrid(c, "01");
    g2_ = AddGrid(c, "02");
    h1_ = AddHousehold(AddBuilding(g1_, "清江大道1号"), "H1");
    h2_ = AddHousehold(AddBuilding(g2_, "清江大道2号"), "H2");
    zhang_ = Person(h1_, "张三", 1, {{"residence_status", "1"}, {"phone", "13800000001"}});
    li_ = Person(h1_, "李四", 2, {});
    wang_ = Person(h2_, "王五", 3, {});
  }

  int64_t Person(int64_t household, const std::string& name, int serial,
                 std::map<std::string, std::string> more) {
    Row r;
    r.parent_id = household;
    r.values = std::move(more);
    r.values["name"] = name;
    r.values["id_number"] = TestIdNumber(serial);
    r.values.emplace("birth_date", "1980-01-01");
    auto id = store_->Insert(EntityKind::kPerson, r);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  void Change(int64_t person, const std::map<std::string, std::string>& values,
              const std::string& status = "") {
    auto row = store_->Get(EntityKind::kPerson, person);
    ASSERT_TRUE(row.ok());
    for (const auto& [k, v] : values) {
      if (v.empty()) {
        row->values.erase(k);
      } else {
        row->values[k] = v;
      }
    }
    if (!status.empty()) row->status = status;
    Status st = store_->Update(EntityKind::kPerson, &*row);
    ASSERT_TRUE(st.ok()) << st.message();
  }

  void Move(int64_t person, int64_t household) {
    auto row = store_->Get(EntityKind::kPerson, person);
    ASSERT_TRUE(row.ok());
    auto v = store_->Move(EntityKind::kPerson, person, row->version, household, "10", "test");
    ASSERT_TRUE(v.ok()) << v.status().message();
  }

  // Dates every change recorded so far at `at`, as if it had been made then.
  void DateHistory(const std::string& at) {
    auto raw = RawConnection();
    ASSERT_TRUE(raw);
    ASSERT_TRUE(raw->Exec("UPDATE field_change SET replaced_at = '" + at + "'").ok());
    ASSERT_TRUE(
        raw->Exec("UPDATE membership SET valid_to = '" + at + "' WHERE valid_to IS NOT NULL").ok());
    ASSERT_TRUE(raw->Exec("UPDATE membership SET valid_from = '2020-01-01 00:00:00'").ok());
  }

  std::vector<std::string> Rows(const ScanRequest& r) {
    std::vector<std::string> out;
    Status st = store_->Scan(r, [&](const ScanRow& row) {
      std::string line;
      for (const auto& v : row.values) line += (line.empty() ? "" : "|") + v.value_or("∅");
      out.push_back(line);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.message();
    return out;
  }

  int64_t g1_ = 0, g2_ = 0, h1_ = 0, h2_ = 0;
  int64_t zhang_ = 0, li_ = 0, wang_ = 0;
};

TEST_F(HistoryContract, ReplacedValuesReadAsTheyWereThen) {
  Change(zhang_, {{"residence_status", "3"}, {"phone", "13900000009"}, {"employer", "新单位"}},
         kStatusMovedAway);
  Change(li_, {{"name", "李四改"}});
  DateHistory("2026-07-15 09:00:00");

  ScanRequest r;
  r.fields = {"person.name", "person.status", "person.residence_status", "person.phone",
              "person.employer"};
  r.order = {{"person.id_number"}};
  const std::vector<std::string> now = {"张三|moved_away|3|13900000009|新单位",
                                        "李四改|active|∅|∅|∅", "王五|active|∅|∅|∅"};
  const std::vector<std::string> then = {"张三|active|1|13800000001|∅", "李四|active|∅|∅|∅",
                                         "王五|active|∅|∅|∅"};
  EXPECT_EQ(Rows(r), now);
  r.history_at = "2026-07-31 23:59:59";  // after the changes
  EXPECT_EQ(Rows(r), now);
  r.history_at = "2026-06-30 23:59:59";  // before them
  EXPECT_EQ(Rows(r), then);

  // Predicates and order keys read the same values: pushed down, as of then.
  r.predicates = {{"person.residence_status", "==", {"1"}}};
  EXPECT_EQ(Rows(r), (std::vector<std::string>{then[0]}));
  r.predicates = {{"person.name", "==", {"李四"}}};
  EXPECT_EQ(Rows(r), (std::vector<std::string>{then[1]}));
  r.history_at.clear();
  EXPECT_TRUE(Rows(r).empty());

  // Paging (MySQL's keyset) gives the same rows as of then.
  r.predicates.clear();
  r.history_at = "2026-06-30 23:59:59";
  r.order = {{"person.name"}};
  r.page_size = 1;
  EXPECT_EQ(Rows(r), (std::vector<std::string>{then[0], then[1], then[2]}));
}

TEST_F(HistoryContract, AMovedPersonSitsInTheHouseholdHeWasInThen) {
  Move(li_, h2_);
  DateHistory("2026-07-15 09:00:00");

  ScanRequest r;
  r.fields = {"person.name", "grid.code", "household.household_number", "household.member_count",
              "person.relationship"};
  r.order = {{"person.id_number"}};
  EXPECT_EQ(Rows(r),
            (std::vector<std::string>{"张三|01|H1|1|∅", "李四|02|H2|2|10", "王五|02|H2|2|∅"}));
  r.history_at = "2026-06-30 23:59:59";
  EXPECT_EQ(Rows(r),
            (std::vector<std::string>{"张三|01|H1|2|∅", "李四|01|H1|2|∅", "王五|02|H2|1|∅"}));

  // Scopes follow the household of then.
  r.fields = {"person.name"};
  r.scopes = {{EntityKind::kGrid, g1_}};
  EXPECT_EQ(Rows(r), (std::vector<std::string>{"张三", "李四"}));
  r.scopes = {{EntityKind::kHousehold, h2_}};
  EXPECT_EQ(Rows(r), (std::vector<std::string>{"王五"}));
  r.history_at.clear();
  EXPECT_EQ(Rows(r), (std::vector<std::string>{"李四", "王五"}));

  // A household's rows below are its members of then.
  ScanRequest households;
  households.grain = EntityKind::kHousehold;
  households.leaf = EntityKind::kPerson;
  households.fields = {"household.household_number", "person.name"};
  households.order = {{"household.household_number"}};
  EXPECT_EQ(Rows(households), (std::vector<std::string>{"H1|张三", "H2|李四", "H2|王五"}));
  households.history_at = "2026-06-30 23:59:59";
  EXPECT_EQ(Rows(households), (std::vector<std::string>{"H1|张三", "H1|李四", "H2|王五"}));
}

TEST_F(HistoryContract, AliveAtADateReadsDatesAsKnownNow) {
  Change(zhang_, {{"death_date", "2026-09-10"}}, kStatusDeceased);  // died after the date
  Change(li_, {{"death_date", "2026-03-01"}}, kStatusDeceased);     // died before it
  Person(h2_, "赵六", 4, {{"residence_status", "4"}});              // 居住状态 死亡, no date
  Person(h2_, "钱七", 5, {{"move_out_date", "2026-08-01"}});        // moves out later
  Change(Person(h2_, "孙八", 6, {}), {{"move_out_date", "2026-05-01"}}, kStatusMovedAway);
  Person(h2_, "周九", 7, {{"move_in_date", "2026-08-01"}});  // moves in later
  Person(h2_, "吴十", 8, {{"birth_date", "2026-07-01"}});    // born later

  ScanRequest r;
  r.fields = {"person.name"};
  r.order = {{"person.id_number"}};
  r.predicates = {{"person.status", "alive_at", {"2026-06-30", "3", "4"}}};
  EXPECT_EQ(Rows(r), (std::vector<std::string>{"张三", "王五", "钱七"}));
  r.predicates = {{"person.status", "alive_at", {"2026-12-31", "3", "4"}}};
  EXPECT_EQ(Rows(r), (std::vector<std::string>{"王五", "钱七", "周九", "吴十"}));
}

}  // namespace
}  // namespace onetable::testing
