// The table generator over a real SQLite register: what is pushed to SQL and what is left to the
// Evaluator, person and summary grains, subtotals and totals, row limits, entry savings, and the
// request errors that must stop a run before anything is written.
#include "mapping/table_generator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "mapping/mapping_spec.h"
#include "mapping/scan_plan.h"
#include "model/catalog.h"
#include "store/store.h"

namespace onetable::mapping {
namespace {

namespace fs = std::filesystem;

// Keeps what a generator wrote.
class CaptureSink : public TableSink {
 public:
  Status Begin(const TableMeta& meta) override {
    meta_ = meta;
    begun = true;
    return Status::Ok();
  }
  Status Row(const std::vector<std::string>& cells) override {
    rows.push_back(Join(cells));
    return Status::Ok();
  }
  Status TotalRow(const std::vector<std::string>& cells) override {
    rows.push_back("[" + Join(cells) + "]");
    return Status::Ok();
  }
  Status End() override {
    ended = true;
    return Status::Ok();
  }
  static std::string Join(const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "|" : "") + cells[i];
    return out;
  }
  TableMeta meta_;
  std::vector<std::string> rows;
  bool begun = false, ended = false;
};

class TableGeneratorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = new Catalog(std::move(*catalog));
  }

  void SetUp() override {
    char tmpl[] = "/tmp/onetable-generator-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = OpenStore("sqlite:" + dir_ + "/r.db", *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    int64_t d = Add(EntityKind::kDistrict, 0, {{"code", "420581"}, {"name", "宜都市"}});
    int64_t s = Add(EntityKind::kStreet, d, {{"code", "420581001"}, {"name", "陆城街道"}});
    int64_t c = Add(EntityKind::kCommunity, s, {{"code", "420581001001"}, {"name", "东风社区"}});
    g1_ = Add(EntityKind::kGrid, c, {{"code", "01"}, {"name", "一网格"}});
    g2_ = Add(EntityKind::kGrid, c, {{"code", "02"}, {"name", "二网格"}});
    int64_t b1 = Add(EntityKind::kBuilding, g1_, {{"address", "甲路1号"}});
    int64_t b2 = Add(EntityKind::kBuilding, g2_, {{"address", "乙路2号"}});
    h1_ = Add(EntityKind::kHousehold, b1, {{"address", "甲路1号101"}});
    h2_ = Add(EntityKind::kHousehold, b2, {{"address", "乙路2号201"}});
    h3_ = Add(EntityKind::kHousehold, b2, {{"address", "乙路2号202"}});  // nobody lives here
    Person(h1_, "甲一", "1940-06-30", "1", "01");
    int64_t jia2 = Person(h1_, "甲二", "1944-07-01", "2", "01");
    Person(h2_, "乙一", "1990-01-01", "1", "02");
    int64_t yi2 = Person(h2_, "乙二", "1930-01-01", "2", "01");
    Row dead = *store_->Get(EntityKind::kPerson, yi2);
    dead.status = kStatusDeceased;
    dead.values["death_date"] = "2024-01-01";
    ASSERT_TRUE(store_->Update(EntityKind::kPerson, &dead).ok());
    TagAssignment t;
    t.person_id = jia2;
    t.tag = "dibao";
    t.attrs = {{"amount", "650.5"}, {"category", "01"}};
    t.source = "manual:test";
    ASSERT_TRUE(store_->AddTag(t).ok());
  }

  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  int64_t Add(EntityKind kind, int64_t parent, std::map<std::string, std::string> values) {
    Row r;
    r.parent_id = parent;
    r.values = std::move(values);
    auto id = store_->Insert(kind, r);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  int64_t Person(int64_t household, const std::string& name, const std::string& birth,
                 const std::string& gender, const std::string& population_type) {
    return Add(EntityKind::kPerson, household,
               {{"name", name},
                {"birth_date", birth},
                {"gender", gender},
                {"population_type", population_type}});
  }

  MappingSpec Spec(const std::string& body) {
    auto spec = ParseMappingSpec(
        "id: test/t\ntitle: 测试表\ndepartment: 测试\npurpose: 测试\n" + body, "t.yaml", *catalog_);
    EXPECT_TRUE(spec.ok()) << spec.status().message();
    return spec.ok() ? std::move(*spec) : MappingSpec();
  }

  Result<TableResult> Run(const MappingSpec& spec, CaptureSink* sink, TableRequest request = {}) {
    TableGenerator generator(*catalog_, store_.get());
    return generator.Generate(spec, request, sink);
  }

  static Catalog* catalog_;
  std::string dir_;
  std::unique_ptr<Store> store_;
  int64_t g1_ = 0, g2_ = 0, h1_ = 0, h2_ = 0, h3_ = 0;
};

Catalog* TableGeneratorTest::catalog_ = nullptr;

TEST_F(TableGeneratorTest, SimplePartsOfWhereGoToSqlTheRestStaysInCpp) {
  MappingSpec spec = Spec(
      "grain: person\nas_of: '2024-06-30'\n"
      "where: age >= 80 and population_type == '01' and alive and (gender == '1' or "
      "has_tag(dibao))\n"
      "columns: [{header: 姓名, value: name}]\n");
  auto plan = ScanPlan::Build(spec, *catalog_, Date{2024, 6, 30}, {});
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  std::vector<std::string> pushed;
  for (const ScanPredicate& p : plan->request().predicates) {
    std::string values;
    for (const std::string& v : p.values) values += " " + v;
    pushed.push_back(p.path + " " + p.op + values);
  }
  EXPECT_EQ(pushed, (std::vector<std::string>{
                        "person.birth_date <= 1944-06-30", "person.population_type == 01",
                        // alive at the reference date; 3 and 4 are 居住状态 迁出 and 死亡
                        "person.status alive_at 2024-06-30 3 4"}));
  ASSERT_NE(plan->residual(), nullptr);
  EXPECT_EQ(ToDebugString(*plan->residual()), "(or (== gender \"1\") (has_tag dibao))");
  EXPECT_EQ(plan->request().tags, std::vector<std::string>{"dibao"});

  CaptureSink sink;
  auto r = Run(spec, &sink);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // 甲一 is 84 and male; 甲二 is 79 on 2024-06-30 (80 the next day); 乙二 died.
  EXPECT_EQ(sink.rows, std::vector<std::string>{"甲一"});
}

TEST_F(TableGeneratorTest, PersonRowsWithPathsUpTheTreeAndTags) {
  MappingSpec spec = Spec(
      "grain: person\nas_of: '{year}-06-30'\nwhere: alive\n"
      "order_by: [grid.code, 'age desc']\n"
      "columns:\n"
      "  - {header: 序号, value: row_number()}\n"
      "  - {header: 姓名, value: name}\n"
      "  - {header: 年龄, value: age}\n"
      "  - {header: 网格, value: grid.name}\n"
      "  - {header: 低保金, value: tag(dibao).amount}\n"
      "  - {header: 类型, value: label(tag(dibao).category)}\n"
      "  - {header: 固定, value: \"'x'\"}\n");
  CaptureSink sink;
  TableRequest request;
  request.as_of = "2024";
  auto r = Run(spec, &sink, request);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->as_of.ToString(), "2024-06-30");
  EXPECT_EQ(sink.rows,
            (std::vector<std::string>{"1|甲一|84|一网格|||x", "2|甲二|79|一网格|650.5|城市低保|x",
                                      "3|乙一|34|二网格|||x"}));
  EXPECT_TRUE(sink.ended);
  // 21 cells; register-derived and not empty: names, ages, grids (9) + 甲二's tag cells (2).
  EXPECT_EQ(r->counts.cells, 21);
  EXPECT_EQ(r->counts.register_cells, 11);
}

TEST_F(TableGeneratorTest, SummaryGrainFoldsTheRowsBelowEachRow) {
  MappingSpec spec = Spec(
      "grain: household\nas_of: '2024-06-30'\nwhere: alive\norder_by: [grid.code, address]\n"
      "columns:\n"
      "  - {header: 地址, value: address}\n"
      "  - {header: 成员, value: \"list(name where alive)\"}\n"
      "  - {header: 人数, value: \"count(person where alive)\"}\n"
      "  - {header: 户籍人数, value: \"count(person where alive and population_type == '01')\"}\n"
      "  - {header: 低保金, value: \"first(tag(dibao).amount where has_tag(dibao))\"}\n"
      "total: true\n");
  CaptureSink sink;
  TableRequest request;
  request.page_size = 1;  // groups span pages
  auto r = Run(spec, &sink, request);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(sink.rows,
            (std::vector<std::string>{"甲路1号101|甲一、甲二|2|2|650.5", "乙路2号201|乙一|1|0|",
                                      "乙路2号202||0|0|", "[合计||3|2|650.5]"}));

  MappingSpec dibao = Spec(
      "grain: household\nwhere: count(person where has_tag(dibao)) > 0\n"
      "columns: [{header: 地址, value: address}]\n");
  CaptureSink only;
  ASSERT_TRUE(Run(dibao, &only).ok());
  EXPECT_EQ(only.rows, std::vector<std::string>{"甲路1号101"});
}

TEST_F(TableGeneratorTest, SubtotalRowsFollowEachGroupAndShowItsValue) {
  MappingSpec spec = Spec(
      "grain: person\nas_of: '2024-06-30'\nwhere: alive\norder_by: [grid.code, name]\n"
      "columns:\n"
      "  - {header: 网格, value: grid.name}\n"
      "  - {header: 姓名, value: name}\n"
      "  - {header: 计数, value: '1'}\n"
      "  - {header: 年龄, value: age}\n"
      "subtotal_by: grid.name\ntotal: true\n");
  CaptureSink sink;
  auto r = Run(spec, &sink);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(sink.rows, (std::vector<std::string>{"一网格|甲一|1|84", "一网格|甲二|1|79",
                                                 "[一网格 小计||2|163]", "二网格|乙一|1|34",
                                                 "[二网格 小计||1|34]", "[合计||3|197]"}));
  EXPECT_EQ(r->counts.data_rows, 3);
  EXPECT_EQ(r->counts.subtotal_rows, 2);
  EXPECT_EQ(r->counts.total_rows, 1);
}

TEST_F(TableGeneratorTest, RowLimitStopsTheScanAndLeavesOutTotals) {
  MappingSpec spec = Spec(
      "grain: person\nwhere: alive\norder_by: [name]\n"
      "columns: [{header: 姓名, value: name}, {header: 计数, value: '1'}]\ntotal: true\n");
  CaptureSink sink;
  TableRequest request;
  request.max_rows = 2;
  auto r = Run(spec, &sink, request);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(sink.rows, (std::vector<std::string>{"乙一|1", "甲一|1"}));  // 乙 (U+4E59) < 甲
  EXPECT_TRUE(r->counts.truncated);
  EXPECT_TRUE(sink.ended);
}

TEST_F(TableGeneratorTest, BadRequestsFailBeforeAnythingIsWritten) {
  MappingSpec spec =
      Spec("grain: grid\nas_of: '{year}-06-30'\ncolumns: [{header: 网格, value: name}]\n");
  struct Case {
    const char* what;
    TableRequest request;
    StatusCode code;
    const char* message;
  };
  std::vector<Case> cases;
  auto add = [&](const char* what, StatusCode code, const char* message, auto edit) {
    TableRequest r;
    edit(r);
    cases.push_back({what, r, code, message});
  };
  add("as_of not a date", StatusCode::kInvalidArgument, "as_of",
      [](TableRequest& r) { r.as_of = "2024-02-30"; });
  add("scope unknown", StatusCode::kNotFound, "参数 scope",
      [](TableRequest& r) { r.scope = "420581001999"; });
  add("scope injected", StatusCode::kInvalidArgument, "参数 scope",
      [](TableRequest& r) { r.scope = "01' OR '1'='1"; });
  // A second community with its own grid "01": a bare "01" no longer names one grid.
  const int64_t street = store_->FindBy(EntityKind::kStreet, "code", "420581001")->id;
  const int64_t yuanlin =
      Add(EntityKind::kCommunity, street, {{"code", "420581001002"}, {"name", "园林社区"}});
  Add(EntityKind::kGrid, yuanlin, {{"code", "01"}, {"name", "园林一网格"}});
  add("scope ambiguous grid", StatusCode::kInvalidArgument, "社区代码/网格编码",
      [](TableRequest& r) { r.scope = "01"; });
  add("scope outside the caller's", StatusCode::kPermissionDenied, "无权查看", [](TableRequest& r) {
    r.scope = "420581001001/01";
    r.allowed_scopes = {"420581001001/02"};
  });
  for (Case& c : cases) {
    CaptureSink sink;
    auto r = Run(spec, &sink, c.request);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.status().code(), c.code) << c.what << ": " << r.status().message();
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << c.what << ": " << r.status().message();
    EXPECT_FALSE(sink.begun) << c.what;
  }

  MappingSpec community = Spec("grain: community\ncolumns: [{header: 社区, value: name}]\n");
  CaptureSink sink;
  TableRequest grid;
  grid.scope = "420581001001/02";
  auto r = Run(community, &sink, grid);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("本表按社区统计，范围不能是网格"), std::string::npos)
      << r.status().message();
}

TEST_F(TableGeneratorTest, ScopeNamesTheTitleAndRestrictsRows) {
  MappingSpec spec = Spec("grain: person\nwhere: alive\ncolumns: [{header: 姓名, value: name}]\n");
  CaptureSink sink;
  TableRequest request;
  request.scope = "420581001001/02";
  auto r = Run(spec, &sink, request);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(sink.rows, std::vector<std::string>{"乙一"});
  EXPECT_EQ(sink.meta_.scope, "东风社区 二网格");
}

TEST_F(TableGeneratorTest, OrderByAnExpressionIsRefusedWithItsLocation) {
  MappingSpec spec = Spec(
      "grain: person\norder_by: [name, \"concat(name, 'x')\"]\n"
      "columns: [{header: 姓名, value: name}]\n");
  CaptureSink sink;
  auto r = Run(spec, &sink);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("t.yaml:6:18:"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("order_by 只能按字段排序"), std::string::npos);
  EXPECT_FALSE(sink.begun);
  EXPECT_FALSE(CheckOrderBy(spec).ok());
}

TEST_F(TableGeneratorTest, LiteralsReachSqlOnlyAsParameters) {
  MappingSpec spec = Spec(
      "grain: person\nwhere: \"name == \\\"x' OR '1'='1\\\" or name in ('); DROP TABLE person; "
      "--')\"\ncolumns: [{header: 姓名, value: name}]\n");
  CaptureSink sink;
  ASSERT_TRUE(Run(spec, &sink).ok());
  EXPECT_TRUE(sink.rows.empty());
  MappingSpec pushed = Spec(
      "grain: person\nwhere: \"name == \\\"x' OR '1'='1\\\"\"\n"
      "columns: [{header: 姓名, value: name}]\n");
  ASSERT_TRUE(Run(pushed, &sink).ok());
  EXPECT_TRUE(sink.rows.empty());
  ListQuery all;
  EXPECT_EQ(*store_->Count(EntityKind::kPerson, all), 4);
}

}  // namespace
}  // namespace onetable::mapping
