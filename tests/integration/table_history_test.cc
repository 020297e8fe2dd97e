// Tables at a reference date and change rosters, end to end with the real binary on the store
// ONETABLE_TEST_STORE selects: `alive` at the date (a death after it is still listed, one before
// it is not), a person who moved counted in the household he was in then, and
// `table --changes-since` giving 新增 / 变更 / 减少 between two dates — the same list when asked
// again after later changes. The store writes every change "now"; the test dates the history it
// recorded by rewriting its timestamps on a raw connection, as if the changes had been made then.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "csv/csv_reader.h"
#include "model/catalog.h"
#include "store/sql_connection.h"
#include "store/store.h"
#include "store/store_url.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

const char kGaoling[] = R"(id: test/gaoling
title: 测试高龄名册
department: 测试部门
purpose: 测试
grain: person
as_of: "{year}-06-30"
where: age >= 80 and alive
order_by: [id_number]
columns:
  - {header: 序号, value: row_number()}
  - {header: 姓名, value: name}
  - {header: 年龄, value: age}
  - {header: 户号, value: household.household_number}
  - {header: 联系电话, value: phone}
)";

const char kHouseholds[] = R"(id: test/hu
title: 测试户表
department: 测试部门
purpose: 测试
grain: household
order_by: [household_number]
columns:
  - {header: 户号, value: household_number}
  - {header: 在世人数, value: count(person where alive)}
  - {header: 成员, value: list(name where alive)}
)";

using Table = std::vector<std::vector<std::string>>;

class TableHistory : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    fs::create_directories(dir_ + "/mappings/test");
    WriteFile(dir_ + "/mappings/test/gaoling.yaml", kGaoling);
    WriteFile(dir_ + "/mappings/test/hu.yaml", kHouseholds);
    config_ = dir_ + "/onetable.yaml";
    WriteFile(config_, "store: \"" + url_ +
                           "\"\nschema: " ONETABLE_SOURCE_DIR "/schema\nmappings: " + dir_ +
                           "/mappings\n");
    CliResult init = RunCli({"--config", config_, "init"}, "",
                            {{"ONETABLE_ADMIN_PASSWORD", "Secret-pass-2026"}});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::make_unique<Catalog>(std::move(*catalog));
    auto store = OpenStore(url_, *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);

    int64_t d = Add(EntityKind::kDistrict, 0, {{"code", "420581"}, {"name", "宜都市"}});
    int64_t s = Add(EntityKind::kStreet, d, {{"code", "420581001"}, {"name", "陆城街道"}});
    int64_t c = Add(EntityKind::kCommunity, s, {{"code", "420581001001"}, {"name", "东风社区"}});
    int64_t g = Add(EntityKind::kGrid, c, {{"code", "01"}, {"name", "第一网格"}});
    int64_t b = Add(EntityKind::kBuilding, g, {{"address", "清江大道1号"}});
    h1_ = Add(EntityKind::kHousehold, b, {{"household_number", "H1"}, {"address", "101"}});
    h2_ = Add(EntityKind::kHousehold, b, {{"household_number", "H2"}, {"address", "102"}});
    // 老甲 died after 2026-06-30, 老乙 before it; 老己 died between 05-31 and 06-30.
    jia_ = Person(h1_, "老甲", "19400101", 1, {{"death_date", "2026-09-10"}}, kStatusDeceased);
    Person(h1_, "老乙", "19410101", 2, {{"death_date", "2026-03-01"}}, kStatusDeceased);
    bing_ = Person(h1_, "老丙", "19420101", 3, {});
    Person(h1_, "老己", "19440101", 4, {{"death_date", "2026-06-10"}}, kStatusDeceased);
    // 老丁 turns 80 on 2026-06-15; 老戊 changes phone on 2026-06-20.
    ding_ = Person(h2_, "老丁", "19460615", 5, {});
    wu_ = Person(h2_, "老戊", "19430101", 6, {{"phone", "13800000001"}});
    Change(wu_, {{"phone", "13900000002"}});
    DateHistory("2026-06-20 10:00:00");
    // 老丙 moves to H2 on 2026-07-15.
    Move(bing_, h2_);
    DateHistory("2026-07-15 10:00:00");
  }

  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  int64_t Add(EntityKind kind, int64_t parent, std::map<std::string, std::string> values,
              const std::string& status = kStatusActive) {
    Row r;
    r.parent_id = parent;
    r.values = std::move(values);
    r.status = status;
    auto id = store_->Insert(kind, r);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  int64_t Person(int64_t household, const std::string& name, const std::string& birth, int serial,
                 std::map<std::string, std::string> more,
                 const std::string& status = kStatusActive) {
    more["name"] = name;
    more["birth_date"] = birth.substr(0, 4) + "-" + birth.substr(4, 2) + "-" + birth.substr(6, 2);
    char id[19];
    std::snprintf(id, sizeof id, "420581%s%03d", birth.c_str(), serial);
    more["id_number"] = std::string(id) + CheckDigit(id);
    return Add(EntityKind::kPerson, household, std::move(more), status);
  }

  static std::string CheckDigit(const std::string& first17) {
    static const int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (first17[static_cast<size_t>(i)] - '0') * kWeights[i];
    return std::string(1, "10X98765432"[sum % 11]);
  }

  void Change(int64_t person, const std::map<std::string, std::string>& values,
              const std::string& status = "") {
    auto row = store_->Get(EntityKind::kPerson, person);
    ASSERT_TRUE(row.ok());
    for (const auto& [k, v] : values) row->values[k] = v;
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

  // Dates the history recorded since the last call at `at`.
  void DateHistory(const std::string& at) {
    auto parsed = ParseStoreUrl(url_);
    ASSERT_TRUE(parsed.ok());
    auto raw =
        parsed->scheme == "sqlite" ? OpenSqlite(parsed->sqlite_path) : OpenMysql(parsed->mysql);
    ASSERT_TRUE(raw.ok()) << raw.status().message();
    const std::string now = "'2026-11-01 00:00:00'";
    ASSERT_TRUE(
        (*raw)
            ->Exec("UPDATE field_change SET replaced_at = '" + at + "' WHERE replaced_at > " + now)
            .ok());
    ASSERT_TRUE(
        (*raw)->Exec("UPDATE membership SET valid_to = '" + at + "' WHERE valid_to > " + now).ok());
  }

  // The table as CSV rows (header first).
  Table Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config_, "table"});
    args.insert(args.end(), {"--format", "csv"});
    CliResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (r.out.rfind("\xEF\xBB\xBF", 0) != 0) return {};
    auto rows = connectors::ParseCsv(r.out.substr(3), "t.csv", connectors::CsvOptions{});
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    Table out;
    if (rows.ok()) {
      for (const auto& row : *rows) out.push_back(row.cells);
    }
    return out;
  }

  std::string dir_, url_, config_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Store> store_;
  int64_t h1_ = 0, h2_ = 0, jia_ = 0, bing_ = 0, ding_ = 0, wu_ = 0;
};

TEST_F(TableHistory, APastRosterListsWhoWasAliveThenInTheHouseholdOfThen) {
  const Table june = Run({"test/gaoling", "--as-of", "2026-06-30"});
  EXPECT_EQ(june, (Table{{"序号", "姓名", "年龄", "户号", "联系电话"},
                         {"1", "老甲", "86", "H1", ""},  // died 2026-09-10: alive then
                         {"2", "老丙", "84", "H1", ""},  // moved to H2 on 07-15
                         {"3", "老戊", "83", "H2", "13900000002"},
                         {"4", "老丁", "80", "H2", ""}}));
  // 老乙 (died 03-01) and 老己 (06-10) are not listed.
  const Table may = Run({"test/gaoling", "--as-of", "2026-05-31"});
  EXPECT_EQ(may, (Table{{"序号", "姓名", "年龄", "户号", "联系电话"},
                        {"1", "老甲", "86", "H1", ""},
                        {"2", "老丙", "84", "H1", ""},
                        {"3", "老戊", "83", "H2", "13800000001"},  // the phone of then
                        {"4", "老己", "82", "H1", ""}}));          // died 06-10: alive on 05-31

  // Households count their members of then.
  EXPECT_EQ(
      Run({"test/hu", "--as-of", "2026-06-30"}),
      (Table{{"户号", "在世人数", "成员"}, {"H1", "2", "老甲、老丙"}, {"H2", "2", "老丁、老戊"}}));
  EXPECT_EQ(
      Run({"test/hu", "--as-of", "2027-01-31"}),
      (Table{{"户号", "在世人数", "成员"}, {"H1", "0", ""}, {"H2", "3", "老丙、老丁、老戊"}}));
}

TEST_F(TableHistory, ChangesSinceListsAddedChangedAndRemovedTheSameWayLater) {
  const std::vector<std::string> args = {"test/gaoling", "--as-of", "2026-06-30", "--changes-since",
                                         "2026-05-31"};
  const Table expected = {{"变动类型", "变动项", "序号", "姓名", "年龄", "户号", "联系电话"},
                          {"变更", "联系电话", "1", "老戊", "83", "H2", "13900000002"},
                          {"新增", "", "2", "老丁", "80", "H2", ""},
                          {"减少", "", "3", "老己", "82", "H1", ""}};
  EXPECT_EQ(Run(args), expected);

  // Later changes — a rename, a move, a death after the period — leave the period's list alone.
  Change(jia_, {{"name", "老甲改"}});
  Move(wu_, h1_);
  Change(ding_, {{"death_date", "2026-11-20"}}, kStatusDeceased);
  EXPECT_EQ(Run(args), expected);

  // And they show in the list for the period they fall in.
  const Table now = Run({"test/gaoling", "--as-of", "2027-01-31", "--changes-since", "2026-06-30"});
  ASSERT_GE(now.size(), 2u);
  std::map<std::string, std::string> kinds;
  for (size_t i = 1; i < now.size(); ++i) kinds[now[i][3]] = now[i][0] + ":" + now[i][1];
  // A removed row shows its cells as of the earlier date: the name of then.
  EXPECT_EQ(kinds["老甲"], "减少:");  // died 2026-09-10
  EXPECT_EQ(kinds["老丁"], "减少:");  // died 2026-11-20
  EXPECT_EQ(kinds["老戊"], "变更:年龄、户号");
  EXPECT_EQ(kinds["老丙"], "变更:年龄、户号");
  EXPECT_EQ(kinds.size(), 4u);
}

// Equality on a field with a blind index (ID number, phone) narrows the rows in SQL through the
// index on an encrypted store; as of a date before a change the value of then decides.
TEST_F(TableHistory, FindsByIdNumberAndPhoneAsOfTheReferenceDate) {
  auto row = store_->Get(EntityKind::kPerson, jia_);
  ASSERT_TRUE(row.ok());
  const std::string jia_id = *row->Get("id_number");
  row = store_->Get(EntityKind::kPerson, ding_);
  ASSERT_TRUE(row.ok());
  const std::string ding_id = *row->Get("id_number");
  const std::string head =
      "title: 测试查找\ndepartment: 测试部门\npurpose: 测试\ngrain: person\norder_by: [id_number]\n"
      "columns:\n  - {header: 姓名, value: name}\n  - {header: 联系电话, value: phone}\n";
  WriteFile(dir_ + "/mappings/test/ids.yaml", "id: test/ids\n" + head + "where: id_number in ('" +
                                                  jia_id + "', '" + ding_id + "')\n");
  WriteFile(dir_ + "/mappings/test/phone.yaml",
            "id: test/phone\n" + head + "where: phone == '13800000001'\n");
  WriteFile(dir_ + "/mappings/test/phone_new.yaml",
            "id: test/phone_new\n" + head + "where: phone in ('13900000002') and alive\n");

  EXPECT_EQ(Run({"test/ids", "--as-of", "2026-05-31"}),
            (Table{{"姓名", "联系电话"}, {"老甲", ""}, {"老丁", ""}}));
  // 老戊's phone was 13800000001 until 2026-06-20, 13900000002 since.
  EXPECT_EQ(Run({"test/phone", "--as-of", "2026-05-31"}),
            (Table{{"姓名", "联系电话"}, {"老戊", "13800000001"}}));
  EXPECT_EQ(Run({"test/phone", "--as-of", "2026-06-30"}), (Table{{"姓名", "联系电话"}}));
  EXPECT_EQ(Run({"test/phone_new", "--as-of", "2026-05-31"}), (Table{{"姓名", "联系电话"}}));
  EXPECT_EQ(Run({"test/phone_new", "--as-of", "2026-06-30"}),
            (Table{{"姓名", "联系电话"}, {"老戊", "13900000002"}}));
}

TEST_F(TableHistory, ChangesSinceMustBeADateBeforeTheReferenceDate) {
  for (const char* bad : {"2026-06-30", "2026-07-01", "yesterday", "2026-13-01"}) {
    CliResult r = RunCli({"--config", config_, "table", "test/gaoling", "--as-of", "2026-06-30",
                          "--changes-since", bad});
    EXPECT_NE(r.exit_code, 0) << bad;
    EXPECT_NE(r.err.find("changes_since"), std::string::npos) << bad << ": " << r.err;
  }
}

}  // namespace
}  // namespace onetable::testing
