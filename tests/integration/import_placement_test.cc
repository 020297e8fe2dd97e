// Per-row placement and "nothing silent", on the store chosen by ONETABLE_TEST_STORE: a flat
// 实有人口台账 builds the tree in one run (the shipped example, through the real binary and csv
// plugin), places are created from the division codes or refused, household heads follow
// 与户主关系, moves close the old membership, a 20-digit 残疾人证号 keys a connector through
// substr(), and every kind of dropped value is counted under its named problem in the run.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "ingest/connector_spec.h"
#include "ingest/plugin_loader.h"
#include "ingest/review_queue.h"
#include "ingest/runtime.h"
#include "model/divisions.h"
#include "model/id_number.h"
#include "model/validation.h"
#include "store/store.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

// --- an in-memory connector: option `table` names one of these; "!reject" rows are rows the
// connector itself cannot read ---------------------------------------------------------------

using Record = std::vector<std::pair<std::string, std::string>>;
std::map<std::string, std::vector<Record>> g_tables;

struct MemHandle {
  const std::vector<Record>* rows;
  size_t next;
};

const OtOptionDecl kMemOptions[] = {{"table", OT_OPTION_STRING, nullptr, "表名"}};

void* MemOpen(const OtKeyValue* options, size_t n, const char* cursor, const char*,
              int* unreachable, char* err, size_t err_len) {
  std::string table;
  for (size_t i = 0; i < n; ++i) {
    if (std::string(options[i].key) == "table") table = options[i].value;
  }
  if (!g_tables.count(table)) {
    *unreachable = 1;
    snprintf(err, err_len, "没有内存表 %s", table.c_str());
    return nullptr;
  }
  return new MemHandle{&g_tables[table], cursor && *cursor ? std::stoul(cursor) : 0};
}

int MemNext(void* handle, size_t max, const OtBatchSink* sink, char* cursor_out, size_t len, char*,
            size_t) {
  auto* h = static_cast<MemHandle*>(handle);
  for (size_t n = 0; n < max && h->next < h->rows->size(); ++n, ++h->next) {
    const Record& r = (*h->rows)[h->next];
    if (r.size() == 1 && r[0].first == "!reject") {
      OtRejectedRow bad{"mem", static_cast<int64_t>(h->next + 1), nullptr, r[0].second.c_str(),
                        "a,b"};
      sink->reject(sink->ctx, &bad);
      continue;
    }
    std::vector<OtKeyValue> kv;
    for (const auto& [k, v] : r) kv.push_back({k.c_str(), v.c_str()});
    std::string key = "row" + std::to_string(h->next + 1);
    OtRecord rec{key.c_str(), "mem", static_cast<int64_t>(h->next + 1), kv.data(), kv.size()};
    sink->record(sink->ctx, &rec);
  }
  snprintf(cursor_out, len, "%zu", h->next);
  return h->next < h->rows->size() ? OT_BATCH_MORE : OT_BATCH_DONE;
}

void MemClose(void* h) { delete static_cast<MemHandle*>(h); }

const OtConnectorV1* PlacementMemory() {
  static const OtConnectorV1 api = {ONETABLE_CONNECTOR_ABI_VERSION,
                                    "placemem",
                                    "内存表",
                                    kMemOptions,
                                    1,
                                    MemOpen,
                                    MemNext,
                                    MemClose};
  return &api;
}

std::string Id(int serial, const std::string& birth = "19800101") {
  char seq[8];
  std::snprintf(seq, sizeof seq, "%03d", serial);
  std::string first17 = "420581" + birth + seq;
  return first17 + IdCheckCharacter(first17);
}

class PlacementImport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    RegisterStaticConnector("placemem", &PlacementMemory);
    auto c = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(c.ok()) << c.status().message();
    catalog_ = new Catalog(std::move(*c));
    auto d = Divisions::Load(ONETABLE_SOURCE_DIR "/schema/divisions");
    ASSERT_TRUE(d.ok()) << d.status().message();
    divisions_ = new Divisions(std::move(*d));
    validator_ = new Validator(*catalog_, divisions_);
  }
  void SetUp() override {
    g_tables.clear();
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    auto store = OpenStore(url_, *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    plugin_ = std::move(*LoadConnector("placemem", "/nonexistent"));
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  ConnectorSpec Spec(const std::string& yaml) {
    auto spec = ParseConnectorSpec(yaml, dir_ + "/c.yaml", *catalog_);
    EXPECT_TRUE(spec.ok()) << spec.status().message();
    return spec.ok() ? *spec : ConnectorSpec();
  }

  // Runs `spec` from the start (as a file source re-reads its file).
  ImportRun Run(const ConnectorSpec& spec) {
    EXPECT_TRUE(store_->SetCursor(spec.id, "").ok());
    Importer importer(store_.get(), *catalog_, *validator_);
    ImportOptions options;
    options.batch_size = 3;
    auto r = importer.Run(spec, *plugin_, options);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return {};
    last_warnings_ = r->warnings;
    // What the store kept is what the report says.
    auto kept = store_->GetImportRun(r->run.id);
    EXPECT_TRUE(kept.ok());
    if (kept.ok()) {
      EXPECT_EQ(kept->problems, r->run.problems);
    }
    return r->run;
  }

  std::vector<QuarantinedRow> Quarantined(int64_t run) {
    auto q = store_->ListQuarantine(run, 0, 100);
    EXPECT_TRUE(q.ok());
    return q.ok() ? *q : std::vector<QuarantinedRow>();
  }

  Row Person(const std::string& id_number) {
    auto row = store_->FindBy(EntityKind::kPerson, "id_number", id_number);
    EXPECT_TRUE(row.ok()) << row.status().message();
    return row.ok() ? *row : Row();
  }
  Row Get(EntityKind kind, int64_t id) {
    auto row = store_->Get(kind, id);
    EXPECT_TRUE(row.ok()) << row.status().message();
    return row.ok() ? *row : Row();
  }
  int64_t Count(EntityKind kind) { return *store_->Count(kind, {}); }

  static Catalog* catalog_;
  static Divisions* divisions_;
  static Validator* validator_;
  std::string dir_, url_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ConnectorPlugin> plugin_;
  std::vector<std::string> last_warnings_;
};
Catalog* PlacementImport::catalog_ = nullptr;
Divisions* PlacementImport::divisions_ = nullptr;
Validator* PlacementImport::validator_ = nullptr;

const char kRegister[] = R"yaml(id: register
title: 台账
type: placemem
options: {table: register}
match: {id_number: 身份证号}
fields:
  name: 姓名
  relationship: 与户主关系
  community.code: 社区代码
  community.name: 社区
  grid.code: 网格编号
  grid.name: 网格
  building.building_code: 楼栋编码
  building.address: 楼栋地址
  household.room: 房号
  household.household_number: 户号
)yaml";

// A row of the register table: every column of kRegister, blank unless given in `m`.
Record Line(const std::string& id, const std::string& name, std::map<std::string, std::string> m) {
  Record r = {{"身份证号", id}, {"姓名", name}};
  for (const char* column : {"与户主关系", "社区代码", "社区", "网格编号", "网格", "楼栋编码",
                             "楼栋地址", "房号", "户号"}) {
    auto it = m.find(column);
    r.emplace_back(column, it == m.end() ? "" : it->second);
  }
  return r;
}

TEST_F(PlacementImport, CreatesCommunityFromDivisionCodesThenGridBuildingHousehold) {
  g_tables["register"] = {
      Line(Id(1), "张一",
           {{"社区代码", "420581001003"},
            {"网格编号", "01"},
            {"楼栋编码", "B1"},
            {"房号", "101"},
            {"户号", "H1"},
            {"与户主关系", "户主"}}),
      Line(Id(2), "李二",
           {{"社区代码", "420581001003"},
            {"网格编号", "01"},
            {"楼栋编码", "B1"},
            {"房号", "101"},
            {"户号", "H1"},
            {"与户主关系", "配偶"}}),
      // The same community now by its name: found in the register, not created again.
      Line(Id(3), "王三",
           {{"社区", "清江社区居委会"},
            {"网格", "第二网格"},
            {"楼栋地址", "清江大道８８号３幢"},
            {"房号", "502"},
            {"户号", "H2"},
            {"与户主关系", "户主"}}),
  };
  ImportRun run = Run(Spec(kRegister));
  EXPECT_EQ(run.created, 3);
  EXPECT_EQ(run.rejected, 0);
  EXPECT_TRUE(run.problems.empty()) << run.problems.size();
  EXPECT_EQ(Count(EntityKind::kDistrict), 1);
  EXPECT_EQ(Count(EntityKind::kStreet), 1);
  EXPECT_EQ(Count(EntityKind::kCommunity), 1);
  EXPECT_EQ(Count(EntityKind::kGrid), 2);
  EXPECT_EQ(Count(EntityKind::kBuilding), 2);
  EXPECT_EQ(Count(EntityKind::kHousehold), 2);

  // Official names, street and district from the shipped codes.
  Row community = *store_->FindBy(EntityKind::kCommunity, "code", "420581001003");
  EXPECT_EQ(*community.Get("name"), "清江社区居委会");
  Row street = Get(EntityKind::kStreet, community.parent_id);
  EXPECT_EQ(*street.Get("code"), "420581001");
  EXPECT_EQ(*street.Get("name"), "陆城街道");
  Row district = Get(EntityKind::kDistrict, street.parent_id);
  EXPECT_EQ(*district.Get("name"), "宜都市");

  // A grid given by code is named after it; one given by name takes the name as its code.
  Row zhang = Person(Id(1));
  Row household = Get(EntityKind::kHousehold, zhang.parent_id);
  EXPECT_EQ(*household.Get("household_number"), "H1");
  EXPECT_EQ(*household.Get("room"), "101");
  EXPECT_EQ(*household.Get("head_person_id"), std::to_string(zhang.id));
  Row building = Get(EntityKind::kBuilding, household.parent_id);
  EXPECT_EQ(*building.Get("building_code"), "B1");
  Row grid = Get(EntityKind::kGrid, building.parent_id);
  EXPECT_EQ(*grid.Get("code"), "01");
  EXPECT_EQ(*grid.Get("name"), "01网格");
  EXPECT_EQ(grid.parent_id, community.id);
  EXPECT_EQ(Person(Id(2)).parent_id, zhang.parent_id);

  Row wang = Person(Id(3));
  Row h2 = Get(EntityKind::kHousehold, wang.parent_id);
  Row b2 = Get(EntityKind::kBuilding, h2.parent_id);
  EXPECT_EQ(*b2.Get("address"), "清江大道88号3栋");  // normalized
  Row g2 = Get(EntityKind::kGrid, b2.parent_id);
  EXPECT_EQ(*g2.Get("code"), "第二网格");
  EXPECT_EQ(*g2.Get("name"), "第二网格");
  EXPECT_EQ(g2.parent_id, community.id);
  // The household's membership carries 与户主关系.
  auto history = store_->MembershipHistory(EntityKind::kPerson, Person(Id(2)).id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(history->front().relationship, "10");
}

// Registers number buildings locally: "1栋" of grid 01 and "1栋" of grid 02 (or of another
// community) are two buildings, each in its own grid.
TEST_F(PlacementImport, LocallyNumberedBuildingsStayInTheirOwnGrid) {
  auto place = [](const std::string& community, const std::string& grid,
                  const std::string& number) {
    return std::map<std::string, std::string>{{"社区代码", community}, {"网格编号", grid},
                                              {"楼栋编码", "1栋"},      {"房号", "101"},
                                              {"户号", number},         {"与户主关系", "户主"}};
  };
  g_tables["register"] = {
      Line(Id(1), "张一", place("420581001001", "01", "H1")),
      Line(Id(2), "李二", place("420581001001", "02", "H2")),
      Line(Id(3), "王三", place("420581001003", "01", "H3")),
      // By address the same: "1栋" written as the building's address in grid 03.
      Line(Id(4), "赵四",
           {{"社区代码", "420581001001"}, {"网格编号", "03"}, {"楼栋地址", "1栋"}, {"房号", "101"},
            {"户号", "H4"}}),
  };
  ImportRun run = Run(Spec(kRegister));
  EXPECT_EQ(run.created, 4);
  EXPECT_TRUE(run.problems.empty()) << run.problems.begin()->first;
  EXPECT_EQ(Count(EntityKind::kBuilding), 4);
  std::set<int64_t> grids;
  for (int i = 1; i <= 4; ++i) {
    Row household = Get(EntityKind::kHousehold, Person(Id(i)).parent_id);
    grids.insert(Get(EntityKind::kBuilding, household.parent_id).parent_id);
  }
  EXPECT_EQ(grids.size(), 4u) << "each person's building is in the person's own grid";
  // The next export finds each building again in its grid: nothing new.
  g_tables["register"].push_back(Line(Id(5), "钱五", place("420581001001", "02", "H2")));
  run = Run(Spec(kRegister));
  EXPECT_EQ(run.created, 1);
  EXPECT_EQ(Count(EntityKind::kBuilding), 4);
  EXPECT_EQ(Person(Id(5)).parent_id, Person(Id(2)).parent_id);
}

// 户号 is unique within a community at most: the same 户号 in two communities is two households;
// a row whose grid or building contradict the household its 户号 finds is counted
// place_mismatch; a bare 户号 that two communities use is quarantined, not placed at random.
TEST_F(PlacementImport, HouseholdNumberIsLookedUpInTheRowsCommunity) {
  auto place = [](const std::string& community, const std::string& grid,
                  const std::string& building) {
    return std::map<std::string, std::string>{{"社区代码", community}, {"网格编号", grid},
                                              {"楼栋编码", building},   {"房号", "101"},
                                              {"户号", "0001"},         {"与户主关系", "户主"}};
  };
  g_tables["register"] = {
      Line(Id(1), "张一", place("420581001001", "01", "B1")),
      Line(Id(2), "李二", place("420581001003", "01", "B1")),
  };
  ImportRun run = Run(Spec(kRegister));
  EXPECT_EQ(run.created, 2);
  EXPECT_TRUE(run.problems.empty());
  EXPECT_EQ(Count(EntityKind::kHousehold), 2);
  const int64_t first = Person(Id(1)).parent_id, second = Person(Id(2)).parent_id;
  EXPECT_NE(first, second);

  // Another person of the first community's 0001, with a grid and building that say otherwise:
  // they join 0001 there, and the run says the hints did not land.
  g_tables["register"] = {
      Line(Id(3), "王三",
           {{"社区代码", "420581001001"}, {"网格编号", "07"}, {"楼栋编码", "B9"},
            {"户号", "0001"}, {"与户主关系", "配偶"}}),
  };
  run = Run(Spec(kRegister));
  EXPECT_EQ(run.created, 1);
  EXPECT_EQ(run.problems, (std::map<std::string, int64_t>{{"place_mismatch", 1}}));
  EXPECT_NE(ImportReportJson(run, last_warnings_, "").find("\"place_mismatch\":1"),
            std::string::npos);
  EXPECT_EQ(Person(Id(3)).parent_id, first);
  EXPECT_EQ(Count(EntityKind::kGrid), 2) << "no grid created for a contradicted hint";

  // Only a 户号, used by two communities: it names no one household.
  g_tables["p"] = {{{"身份证号", Id(4)}, {"姓名", "赵四"}, {"户号", "0001"}}};
  run = Run(Spec(R"yaml(id: p
type: placemem
options: {table: p}
match: {id_number: 身份证号}
fields: {name: 姓名, household.household_number: 户号}
)yaml"));
  EXPECT_EQ(run.rejected, 1);
  EXPECT_EQ(run.problems, (std::map<std::string, int64_t>{{"place_unresolved", 1}}));
  std::vector<QuarantinedRow> q = Quarantined(run.id);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_NE(q[0].reason.find("不止一户户号为“0001”"), std::string::npos) << q[0].reason;
}

TEST_F(PlacementImport, UnresolvablePlaceIsQuarantinedWithTheReason) {
  g_tables["register"] = {
      // No such community in the register nor in the division codes.
      Line(Id(1), "张一",
           {{"社区代码", "110101001999"}, {"网格编号", "01"}, {"楼栋编码", "B1"}, {"户号", "H1"}}),
      Line(Id(2), "李二",
           {{"社区", "不存在社区"}, {"网格编号", "01"}, {"楼栋编码", "B1"}, {"户号", "H2"}}),
      // A known community, but no building and no household address.
      Line(Id(3), "王三", {{"社区代码", "420581001001"}, {"网格编号", "01"}, {"户号", "H3"}}),
  };
  ImportRun run = Run(Spec(kRegister));
  EXPECT_EQ(run.created, 0);
  EXPECT_EQ(run.rejected, 3);
  EXPECT_EQ(run.problems, (std::map<std::string, int64_t>{{"place_unresolved", 3}}));
  std::vector<QuarantinedRow> q = Quarantined(run.id);
  ASSERT_EQ(q.size(), 3u);
  EXPECT_NE(q[0].reason.find("社区代码 110101001999 不在登记库中，也不在区划代码"),
            std::string::npos)
      << q[0].reason;
  EXPECT_NE(q[1].reason.find("没有名为“不存在社区”的社区"), std::string::npos) << q[1].reason;
  EXPECT_NE(q[2].reason.find("没有楼栋信息"), std::string::npos) << q[2].reason;
  EXPECT_EQ(Count(EntityKind::kPerson), 0);
}

TEST_F(PlacementImport, OptionForbidsCreatingGrids) {
  g_tables["register"] = {
      Line(Id(1), "张一",
           {{"社区代码", "420581001001"}, {"网格编号", "01"}, {"楼栋编码", "B1"}, {"户号", "H1"}}),
  };
  std::string yaml = std::string(kRegister) + "placement: {create_grids: false}\n";
  ImportRun run = Run(Spec(yaml));
  EXPECT_EQ(run.rejected, 1);
  EXPECT_EQ(run.problems, (std::map<std::string, int64_t>{{"place_unresolved", 1}}));
  std::vector<QuarantinedRow> q = Quarantined(run.id);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_NE(q[0].reason.find("下没有网格“01”，本连接器不新建网格"), std::string::npos)
      << q[0].reason;
  EXPECT_EQ(Count(EntityKind::kGrid), 0);

  // With the grid in place the same row goes in.
  Row grid;
  grid.parent_id = store_->FindBy(EntityKind::kCommunity, "code", "420581001001")->id;
  grid.values = {{"code", "01"}, {"name", "一网格"}};
  ASSERT_TRUE(store_->Insert(EntityKind::kGrid, grid).ok());
  g_tables["register"][0].emplace_back("备注", "再导入");  // a changed record
  run = Run(Spec(yaml));
  EXPECT_EQ(run.created, 1);
  EXPECT_EQ(Count(EntityKind::kGrid), 1);
}

TEST_F(PlacementImport, MoveClosesTheOldMembershipAndOpensTheNew) {
  auto place = [](const std::string& room, const std::string& number) {
    return std::map<std::string, std::string>{{"社区代码", "420581001001"},
                                              {"网格编号", "01"},
                                              {"楼栋编码", "B1"},
                                              {"房号", room},
                                              {"户号", number},
                                              {"与户主关系", "户主"}};
  };
  g_tables["register"] = {Line(Id(1), "张一", place("101", "H1"))};
  ImportRun first = Run(Spec(kRegister));
  EXPECT_EQ(first.created, 1);
  const Row before = Person(Id(1));

  g_tables["register"] = {Line(Id(1), "张一", place("202", "H2"))};
  ImportRun second = Run(Spec(kRegister));
  EXPECT_EQ(second.updated, 1);
  const Row after = Person(Id(1));
  EXPECT_NE(after.parent_id, before.parent_id);
  EXPECT_EQ(*Get(EntityKind::kHousehold, after.parent_id).Get("household_number"), "H2");
  auto history = store_->MembershipHistory(EntityKind::kPerson, after.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  int open = 0;
  for (const Membership& m : *history) {
    if (m.valid_to.empty()) {
      ++open;
      EXPECT_EQ(m.parent_id, after.parent_id);
    } else {
      EXPECT_EQ(m.parent_id, before.parent_id);
    }
  }
  EXPECT_EQ(open, 1);
}

// Two departments' registers at or above the conflict trust that place one person in different
// households: the more trusted one wins, and ONE review item (review_fields names household by
// default) lets a worker choose; choosing the other household moves the person back.
TEST_F(PlacementImport, TrustedSourcesDisagreeingOnTheHouseholdRaiseAReviewItem) {
  auto place = [](const std::string& room, const std::string& number) {
    return std::map<std::string, std::string>{{"社区代码", "420581001001"}, {"网格编号", "01"},
                                              {"楼栋编码", "B1"},           {"房号", room},
                                              {"户号", number},             {"与户主关系", "户主"}};
  };
  std::string first_yaml = kRegister;
  first_yaml.replace(first_yaml.find("id: register"), 12, "id: register\ntrust: 70");
  g_tables["register"] = {Line(Id(1), "张一", place("101", "H1"))};
  ASSERT_EQ(Run(Spec(first_yaml)).created, 1);
  const int64_t first_household = Person(Id(1)).parent_id;

  std::string other_yaml = kRegister;
  other_yaml.replace(other_yaml.find("id: register"), 12, "id: gongan\ntrust: 80");
  other_yaml.replace(other_yaml.find("table: register"), 15, "table: gongan");
  g_tables["gongan"] = {Line(Id(1), "张一", place("202", "H2"))};
  ImportRun second = Run(Spec(other_yaml));
  EXPECT_EQ(second.review, 1);
  const Row moved = Person(Id(1));
  EXPECT_NE(moved.parent_id, first_household) << "the more trusted source's household wins";

  auto items = store_->FindOpenReview("conflict", EntityKind::kPerson, moved.id, "household", 0);
  ASSERT_TRUE(items.ok()) << items.status().message();
  ASSERT_EQ(items->size(), 1u);
  const ReviewItem item = items->front();
  // A household the item did not propose cannot be chosen.
  EXPECT_EQ(ChooseValue(store_.get(), *validator_, *catalog_, item.id, item.version,
                        {{"household", "999999"}}, "wangge01")
                .code(),
            StatusCode::kInvalidArgument);
  // The worker keeps the first household.
  Status chosen = ChooseValue(store_.get(), *validator_, *catalog_, item.id, item.version,
                              {{"household", std::to_string(first_household)}}, "wangge01");
  ASSERT_TRUE(chosen.ok()) << chosen.message();
  EXPECT_EQ(Person(Id(1)).parent_id, first_household);
  // From now on the worker's choice holds against the source.
  g_tables["gongan"] = {Line(Id(1), "张一", place("303", "H3"))};
  ImportRun third = Run(Spec(other_yaml));
  EXPECT_EQ(Person(Id(1)).parent_id, first_household);
  EXPECT_EQ(third.problems.count("move_kept") ? third.problems.at("move_kept") : 0, 1);
  EXPECT_EQ(third.review, 0);
}

// A worker's move is not undone by a connector (a manual entry beats every source); the row is
// counted as move_kept, not dropped silently.
TEST_F(PlacementImport, AWorkersMoveIsKeptAndTheRowCountedMoveKept) {
  auto place = [](const std::string& room, const std::string& number) {
    return std::map<std::string, std::string>{{"社区代码", "420581001001"}, {"网格编号", "01"},
                                              {"楼栋编码", "B1"},           {"房号", room},
                                              {"户号", number},             {"与户主关系", "户主"}};
  };
  g_tables["register"] = {Line(Id(1), "张一", place("101", "H1")),
                          Line(Id(2), "李二", place("202", "H2"))};
  ASSERT_EQ(Run(Spec(kRegister)).created, 2);
  // The worker moves 张一 into 李二's household.
  const Row zhang = Person(Id(1));
  const int64_t target = Person(Id(2)).parent_id;
  ASSERT_TRUE(store_->Move(EntityKind::kPerson, zhang.id, zhang.version, target, "10", "wangge01")
                  .ok());
  // The register's next export still has 张一 in H1 (and a corrected name, so the row applies).
  g_tables["register"][0] = Line(Id(1), "张壹", place("101", "H1"));
  ImportRun again = Run(Spec(kRegister));
  EXPECT_EQ(Person(Id(1)).parent_id, target);
  EXPECT_EQ(again.problems.count("move_kept") ? again.problems.at("move_kept") : 0, 1);
}

TEST_F(PlacementImport, HouseholdOnlyHintThatFindsNothingIsCountedUnplaced) {
  // The pre-placement shape: only 户号, and no such household. The person lands without one and
  // the run says so.
  g_tables["p"] = {{{"身份证号", Id(1)}, {"姓名", "张一"}, {"户号", "H404"}}};
  ImportRun run = Run(Spec(R"yaml(id: p
type: placemem
options: {table: p}
match: {id_number: 身份证号}
fields: {name: 姓名, household.household_number: 户号}
)yaml"));
  EXPECT_EQ(run.created, 1);
  EXPECT_EQ(run.problems, (std::map<std::string, int64_t>{{"unplaced", 1}}));
  EXPECT_EQ(Person(Id(1)).parent_id, 0);
}

TEST_F(PlacementImport, DeathAndMovingOutEndAlive) {
  g_tables["p"] = {
      {{"身份证号", Id(1)}, {"姓名", "张一"}, {"状态", "死亡"}, {"死亡日期", "2025-03-01"}},
      {{"身份证号", Id(2)}, {"姓名", "李二"}, {"状态", "4 死亡"}},
      {{"身份证号", Id(3)}, {"姓名", "王三"}, {"状态", "迁出"}},
      {{"身份证号", Id(4)}, {"姓名", "赵四"}, {"死亡日期", "2024-12-31"}},
      {{"身份证号", Id(5)}, {"姓名", "钱五"}, {"状态", "在住"}},
  };
  const char* yaml = R"yaml(id: p
type: placemem
options: {table: p}
match: {id_number: 身份证号}
fields:
  name: 姓名
  residence_status: {column: 状态, codes: {"4 死亡": "4"}}
  death_date: 死亡日期
)yaml";
  ImportRun run = Run(Spec(yaml));
  EXPECT_EQ(run.created, 5);
  EXPECT_EQ(Person(Id(1)).status, kStatusDeceased);
  EXPECT_EQ(*Person(Id(1)).Get("death_date"), "2025-03-01");
  EXPECT_EQ(Person(Id(2)).status, kStatusDeceased);
  EXPECT_EQ(Person(Id(3)).status, kStatusMovedAway);
  EXPECT_EQ(Person(Id(4)).status, kStatusDeceased);
  EXPECT_EQ(Person(Id(5)).status, kStatusActive);
  // A later record of a known person saying 死亡 ends alive too.
  g_tables["p"] = {{{"身份证号", Id(5)}, {"姓名", "钱五"}, {"状态", "死亡"}}};
  run = Run(Spec(yaml));
  EXPECT_EQ(run.updated, 1);
  EXPECT_EQ(Person(Id(5)).status, kStatusDeceased);
}

TEST_F(PlacementImport, TwentyDigitDisabilityCardKeysAConnector) {
  // A person the register has, and a 残联 export keyed only by the 20-digit 残疾人证号
  // (ID number + category digit + grade digit).
  Row known;
  known.values = {{"id_number", Id(7)}, {"name", "孙七"}};
  ASSERT_TRUE(store_->Insert(EntityKind::kPerson, known).ok());
  g_tables["cj"] = {{{"残疾人证号", Id(7) + "41"}, {"姓名", "孙七"}, {"办证日期", "2019.07"}},
                    {{"残疾人证号", Id(8) + "12"}, {"姓名", "周八"}, {"办证日期", "2020.1"}}};
  ImportRun run = Run(Spec(R"yaml(id: cj
type: placemem
options: {table: cj}
match: {id_number: {value: "substr(残疾人证号, 1, 18)"}}
fields:
  name: 姓名
tags:
  - tag: disability
    attrs:
      card_number: 残疾人证号
      category: {value: "substr(残疾人证号, 19, 1)"}
      grade: {value: "substr(残疾人证号, 20, 1)"}
      issued_on: {value: "parse_date(办证日期, 'yyyy.M')"}
)yaml"));
  EXPECT_EQ(run.read, 2);
  EXPECT_EQ(run.updated, 1);
  EXPECT_EQ(run.linked, 1);
  EXPECT_EQ(run.created, 1);
  EXPECT_EQ(run.rejected, 0) << (Quarantined(run.id).empty() ? "" : Quarantined(run.id)[0].reason);
  auto tags = store_->ListTags(Person(Id(7)).id);
  ASSERT_TRUE(tags.ok());
  ASSERT_EQ(tags->size(), 1u);
  EXPECT_EQ(tags->front().attrs.at("category"), "4");
  EXPECT_EQ(tags->front().attrs.at("grade"), "1");
  EXPECT_EQ(tags->front().attrs.at("issued_on"), "2019-07-01");
  EXPECT_EQ(Person(Id(8)).Get("name") ? *Person(Id(8)).Get("name") : "", "周八");
}

// Every kind of dropped value: the row is quarantined or landed, and the run counts it under its
// named problem (the report's "problems").
TEST_F(PlacementImport, EveryDroppedValueKindIsCounted) {
  struct Case {
    const char* kind;
    std::vector<Record> rows;
    int64_t rejected;
    const char* extra_fields;  // appended to the spec's fields
  };
  const std::vector<Case> cases = {
      {"invalid_value",
       {{{"身份证号", Id(1)}, {"姓名", "张一"}, {"电话", "12345"}}},
       1,
       "  phone: 电话\n"},
      {"invalid_value", {{{"身份证号", "000000199403239632"}, {"姓名", "张一"}}}, 1, ""},
      {"unknown_code",
       {{{"身份证号", Id(1)}, {"姓名", "张一"}, {"关系", "干儿子"}}},
       1,
       "  relationship: 关系\n"},
      {"transform_failed",
       {{{"身份证号", Id(1)}, {"姓名", "张一"}, {"出生", "1980/01"}}},
       1,
       "  birth_date: {value: \"parse_date(出生, 'yyyy.MM')\"}\n"},
      {"inconsistent_value",
       {{{"身份证号", Id(1)}, {"姓名", "张一"}, {"出生", "1999-09-09"}}},
       1,
       "  birth_date: 出生\n"},
      {"missing_required", {{{"身份证号", Id(1)}}}, 1, ""},
      {"empty_row", {{{"身份证号", " "}, {"姓名", ""}}}, 1, ""},
      {"duplicate_in_run",
       {{{"身份证号", Id(1)}, {"姓名", "张一"}}, {{"身份证号", Id(1)}, {"姓名", "张一"}}},
       1,
       ""},
      {"unreadable_row", {{{"!reject", "列数不对"}}}, 1, ""},
      {"missing_column", {{{"身份证号", Id(1)}, {"姓名", "张一"}}}, 0, "  phone: 手机号码\n"},
      {"unplaced",
       {{{"身份证号", Id(1)}, {"姓名", "张一"}, {"户号", "H404"}}},
       0,
       "  household.household_number: 户号\n"},
      {"place_unresolved",
       {{{"身份证号", Id(1)}, {"姓名", "张一"}, {"社区", "110101001999"}, {"网格", "1"}}},
       1,
       "  community.code: 社区\n  grid.code: 网格\n"},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.kind);
    // A fresh source each time, so earlier cases do not count.
    const std::string id = "k" + std::to_string(n++);
    g_tables[id] = c.rows;
    std::string yaml = "id: " + id + "\ntype: placemem\noptions: {table: " + id +
                       "}\nmatch: {id_number: 身份证号}\nfields:\n  name: 姓名\n" + c.extra_fields;
    ImportRun run = Run(Spec(yaml));
    EXPECT_EQ(run.rejected, c.rejected);
    EXPECT_EQ(run.problems.count(c.kind), 1u);
    EXPECT_EQ(run.problems[c.kind], 1);
    std::string report = ImportReportJson(run, last_warnings_, "");
    EXPECT_NE(report.find(std::string("\"") + c.kind + "\":1"), std::string::npos) << report;
    if (std::string(c.kind) == "missing_column") {
      ASSERT_EQ(last_warnings_.size(), 1u);
      EXPECT_NE(last_warnings_[0].find("手机号码"), std::string::npos);
    }
  }
  // tag_rule_failed: a condition that cannot be evaluated for the row.
  g_tables["tr"] = {{{"身份证号", Id(2)}, {"姓名", "李二"}, {"认定", "2020/1"}}};
  ImportRun run = Run(Spec(R"yaml(id: tr
type: placemem
options: {table: tr}
match: {id_number: 身份证号}
fields: {name: 姓名}
tags:
  - {tag: dibao, when: "parse_date(认定, 'yyyy.M') > '2019-01-01'"}
)yaml"));
  EXPECT_EQ(run.rejected, 1);
  EXPECT_EQ(run.problems, (std::map<std::string, int64_t>{{"tag_rule_failed", 1}}));
}

// review_fields is a deployment setting (onetable.yaml) that a connector may override: a phone
// disagreement between trusted sources raises a review item when the deployment lists phone,
// and none from a connector that names its own list without it. An unknown field there is a
// `check` problem naming the file.
TEST_F(PlacementImport, DeploymentReviewFieldsApplyUnlessAConnectorNamesItsOwn) {
  store_.reset();  // the binary writes
  fs::create_directories(dir_ + "/connectors");
  fs::create_directories(dir_ + "/data");
  const char* phones[] = {"13800000001", "13900000002", "13700000003"};
  const char* ids[] = {"a", "b", "c"};
  for (int i = 0; i < 3; ++i) {
    WriteFile(dir_ + "/data/" + ids[i] + ".csv",
              "身份证号,姓名,电话\n" + Id(1) + ",张一," + phones[i] + "\n");
    WriteFile(dir_ + "/connectors/" + ids[i] + ".yaml",
              std::string("id: ") + ids[i] + "\ntype: csv\ntrust: " + std::to_string(70 + 10 * i) +
                  "\noptions: {path: ../data/" + ids[i] +
                  ".csv}\nmatch: {id_number: 身份证号}\nfields: {name: 姓名, phone: 电话}\n" +
                  (i == 2 ? "review_fields: [name]\n" : ""));
  }
  const std::string config = dir_ + "/onetable.yaml";
  WriteFile(config, "store: " + url_ + "\nconnectors: connectors\nreview_fields: [phone]\n");
  CliResult init = RunCli({"--config", config, "init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto import = [&](const char* id) {
    CliResult r = RunCli({"--config", config, "import", dir_ + "/connectors/" + id + ".yaml"});
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return ReportCounts(r.out);  // read, new, updated, unchanged, linked, review, rejected
  };
  EXPECT_EQ(import("a"), (std::vector<int64_t>{1, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(import("b"), (std::vector<int64_t>{1, 0, 1, 0, 1, 1, 0}))
      << "the deployment's review_fields name phone";
  EXPECT_EQ(import("c"), (std::vector<int64_t>{1, 0, 1, 0, 1, 0, 0}))
      << "the connector's own review_fields do not";

  WriteFile(config, "store: " + url_ + "\nconnectors: connectors\nreview_fields: [phone, 不存在]\n");
  CliResult check = RunCli({"--config", config, "check"});
  EXPECT_NE(check.exit_code, 0);
  EXPECT_NE(check.out.find(config + ":3:"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("review_fields 中的 “不存在”"), std::string::npos) << check.out;
  // A run refuses it too, rather than ignoring the typo.
  CliResult r = RunCli({"--config", config, "import", dir_ + "/connectors/a.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("review_fields 中的 “不存在”"), std::string::npos) << r.err;
}

// Without OpenCC's data 繁简 matching is off: `check` and `import` say so, naming the file.
TEST_F(PlacementImport, MissingOpenccDataIsWarnedAbout) {
  store_.reset();
  const std::string config = dir_ + "/onetable.yaml";
  fs::create_directories(dir_ + "/connectors");
  WriteFile(config, "store: " + url_ + "\nconnectors: connectors\n");
  CliResult init = RunCli({"--config", config, "init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const std::map<std::string, std::string> missing = {
      {"ONETABLE_OPENCC_CONFIG", dir_ + "/no-opencc/t2s.json"}};
  CliResult check = RunCli({"--config", config, "check"}, "", missing);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.err.find("警告：无法打开 OpenCC 的繁简转换数据 " + dir_ + "/no-opencc/t2s.json"),
            std::string::npos)
      << check.err;
  WriteFile(dir_ + "/p.csv", "身份证号,姓名\n" + Id(1) + ",張一\n");
  WriteFile(dir_ + "/connectors/p.yaml",
            "id: p\ntype: csv\noptions: {path: ../p.csv}\nmatch: {id_number: 身份证号}\n"
            "fields: {name: 姓名}\n");
  CliResult import = RunCli({"--config", config, "import", dir_ + "/connectors/p.yaml"}, "", missing);
  EXPECT_EQ(import.exit_code, 0) << import.err;
  EXPECT_NE(import.err.find("no-opencc/t2s.json"), std::string::npos) << import.err;
  // With the data in place, no warning.
  CliResult fine = RunCli({"--config", config, "check"});
  EXPECT_EQ(fine.err.find("OpenCC"), std::string::npos) << fine.err;
}

// The shipped example: a flat 实有人口台账 with a dozen grids imports in one run into the right
// tree, through the real binary and the csv plugin, on an empty store.
TEST_F(PlacementImport, FlatRegisterExampleBuildsTheTreeInOneRun) {
  store_.reset();  // the binary writes; this test reads afterwards
  const std::string examples = ONETABLE_SOURCE_DIR "/ops/examples";
  fs::create_directories(dir_ + "/connectors");
  fs::copy(examples + "/connectors/shiyou-renkou.yaml", dir_ + "/connectors/");
  fs::create_directories(dir_ + "/data");
  fs::copy(examples + "/data/shiyou-renkou.csv", dir_ + "/data/");
  CliResult init = RunCli({"--store", url_, "init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  CliResult r = RunCli({"--store", url_, "import", dir_ + "/connectors/shiyou-renkou.yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  std::string status;
  // read, new, updated, unchanged, linked, review, rejected
  EXPECT_EQ(ReportCounts(r.out, &status), (std::vector<int64_t>{121, 120, 0, 0, 0, 0, 1}));
  EXPECT_EQ(status, "done");
  EXPECT_NE(r.out.find("\"problems\":{\"place_unresolved\":1}"), std::string::npos) << r.out;

  auto reopened = OpenStore(url_, *catalog_);
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(*reopened);
  EXPECT_EQ(Count(EntityKind::kDistrict), 1);
  EXPECT_EQ(Count(EntityKind::kStreet), 1);
  EXPECT_EQ(Count(EntityKind::kCommunity), 4);
  EXPECT_EQ(Count(EntityKind::kGrid), 12);
  EXPECT_EQ(Count(EntityKind::kBuilding), 24);
  EXPECT_EQ(Count(EntityKind::kHousehold), 48);
  EXPECT_EQ(Count(EntityKind::kPerson), 120);
  // Everyone is in a household; every household has its 户主 as head.
  ListQuery all;
  all.limit = 1000;
  auto persons = store_->List(EntityKind::kPerson, all);
  ASSERT_TRUE(persons.ok());
  std::map<int64_t, int64_t> heads;  // household -> head person
  for (const Row& p : *persons) {
    EXPECT_NE(p.parent_id, 0) << *p.Get("name");
    if (p.Get("relationship") && *p.Get("relationship") == "02") heads[p.parent_id] = p.id;
  }
  EXPECT_EQ(heads.size(), 48u);
  auto households = store_->List(EntityKind::kHousehold, all);
  ASSERT_TRUE(households.ok());
  for (const Row& h : *households) {
    ASSERT_NE(h.Get("head_person_id"), nullptr);
    EXPECT_EQ(*h.Get("head_person_id"), std::to_string(heads[h.id]));
  }
  // Grids by name and by code, each under its community (created with the official name).
  Row mingdu = *store_->FindBy(EntityKind::kCommunity, "code", "420581001004");
  EXPECT_EQ(*mingdu.Get("name"), "名都社区居委会");
  ListQuery grids;
  grids.parent_id = mingdu.id;
  auto mingdu_grids = store_->List(EntityKind::kGrid, grids);
  ASSERT_TRUE(mingdu_grids.ok());
  ASSERT_EQ(mingdu_grids->size(), 3u);
  EXPECT_EQ(*mingdu_grids->front().Get("name"), "第一网格");
  // ID numbers typed with spaces, hyphens or full-width digits went in, normalized.
  EXPECT_TRUE(store_->FindBy(EntityKind::kPerson, "id_number", "420581196001010376").ok());
  // 死亡 with its date, and 迁出, end alive.
  Row died = *store_->FindBy(EntityKind::kPerson, "id_number", "420581196001010114");
  EXPECT_EQ(died.status, kStatusDeceased);
  EXPECT_EQ(*died.Get("death_date"), "2025-03-01");
  EXPECT_EQ(store_->FindBy(EntityKind::kPerson, "id_number", "420581196202020204")->status,
            kStatusMovedAway);
}

}  // namespace
}  // namespace onetable::testing
