// Aggregates pushed down to the store (mapping/scan_plan.h) give the same tables as aggregates
// folded in C++: every shipped summary mapping, and mappings written here for the edges (NULLs,
// `or`, ages at band bounds, counts of households, integer sums (of a household's field, per
// member, over a household nobody lives in), has_tag, a where on an
// aggregate), generated both ways (TableRequest::aggregate_pushdown) on the golden register, at
// past reference dates (the register read as of then) and at today's, whole and scoped to a
// community, to a grid and to a caller's grids, streamed in one query and in pages. Runs on the
// store ONETABLE_TEST_STORE selects, like the golden cases.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "../integration/cli_runner.h"
#include "mapping/mapping_spec.h"
#include "mapping/preview_sink.h"
#include "mapping/scan_plan.h"
#include "mapping/table_generator.h"
#include "model/catalog.h"
#include "register_fixture.h"

namespace onetable::testing {
namespace {

namespace fs = std::filesystem;
const std::string kGoldenDir = ONETABLE_SOURCE_DIR "/tests/golden";
const std::string kMappingsDir = ONETABLE_SOURCE_DIR "/mappings";

// Mappings for the edges, over the golden register. Each must be pushed whole.
const char* const kEdgeMappings[] = {
    R"yaml(id: t/grid-edges
title: 边界
department: 测试
purpose: 测试
grain: grid
where: alive
order_by: [community.code, code]
columns:
  - {header: 网格, value: name}
  - {header: 户数, value: count(household)}
  - {header: 在册户数, value: count(household where alive)}
  - {header: 人数, value: count(person)}
  - {header: 性别空, value: count(person where gender == null)}
  - {header: 性别非空, value: count(person where alive and gender != null)}
  - {header: 年龄空, value: count(person where age == null)}
  - {header: 非男, value: "count(person where alive and gender != '1')"}
  - {header: 非户籍, value: "count(person where population_type != '01')"}
  - {header: 不在列表, value: "count(person where alive and population_type not in ('01'))"}
  - {header: 或, value: "count(person where alive and (age < 18 or age >= 60))"}
  - {header: 八十整, value: count(person where alive and age == 80)}
  - {header: 十四岁, value: count(person where age between 14 and 15)}
  - {header: 低保, value: count(person where alive and has_tag(dibao))}
  - {header: 低保或特困, value: count(person where has_tag(dibao) or has_tag(tekun))}
  - {header: 户主, value: "count(person where household.head.gender == '2')"}
  - {header: 迁入, value: "count(person where move_in_date >= '2020-01-01')"}
  - {header: 网格内, value: "count(person where grid.code == '01' and alive)"}
  - {header: 有电话, value: count(person where phone != null)}
subtotal_by: community.name
total: true
)yaml",
    R"yaml(id: t/building-rooms
title: 楼栋
department: 测试
purpose: 测试
grain: building
order_by: [grid.code, address]
columns:
  - {header: 楼栋, value: address}
  - {header: 人均房间数合计, value: sum(household.room_count)}
  - {header: 在世者房间数合计, value: sum(household.room_count where alive)}
  - {header: 户数, value: count(household where alive)}
total: true
)yaml",
    R"yaml(id: t/household-where
title: 户
department: 测试
purpose: 测试
grain: household
where: alive and count(person where alive) >= 2
order_by: [grid.code, address]
columns:
  - {header: 地址, value: address}
  - {header: 户主, value: head.name}
  - {header: 在世, value: count(person where alive)}
  - {header: 老人, value: count(person where alive and age >= 60)}
  - {header: 儿童比, value: "case when count(person where alive and age < 18) > 0 then '有' else '无' end"}
)yaml",
    R"yaml(id: t/community
title: 社区
department: 测试
purpose: 测试
grain: community
order_by: code
columns:
  - {header: 社区, value: name}
  - {header: 网格数, value: count(grid)}
  - {header: 楼栋数, value: count(building where alive)}
  - {header: 女性, value: "count(person where alive and gender == '2')"
}
total: true
)yaml",
};

// Summary mappings whose aggregates must stay in C++ (list, first, not, a numeric compare, a
// comparison of a field encrypted at rest).
const char* const kFoldedMappings[] = {
    R"yaml(id: t/not
title: 非
department: 测试
purpose: 测试
grain: grid
order_by: code
columns:
  - {header: 网格, value: name}
  - {header: 非, value: count(person where not alive)}
)yaml",
    R"yaml(id: t/numeric
title: 数
department: 测试
purpose: 测试
grain: building
order_by: address
columns:
  - {header: 楼栋, value: address}
  - {header: 多间, value: count(household where room_count > 2)}
)yaml",
    // Fields encrypted at rest (crypto/encrypted_fields.h): SQL would compare ciphertext.
    R"yaml(id: t/encrypted
title: 密
department: 测试
purpose: 测试
grain: grid
order_by: code
columns:
  - {header: 网格, value: name}
  - {header: 健康, value: "count(person where alive and health_status == '2')"}
  - {header: 非健康, value: "count(person where health_status in ('3', '4'))"}
  - {header: 身份证, value: "count(person where id_number >= '4205811950')"}
  - {header: 有电话, value: count(person where phone != null)}
)yaml",
};

class AggregatePushdown : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = new Catalog(std::move(*catalog));
  }

  void SetUp() override {
    ASSERT_NE(catalog_, nullptr);
    dir_ = MakeTempDir();
    auto store = OpenStore(TestStoreUrl(dir_), *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    Status st = LoadRegisterFixture(kGoldenDir + "/register.yaml", store_.get());
    ASSERT_TRUE(st.ok()) << st.message();
    // A member of whom only the name is known: no gender, birth date, population type (so no
    // age either), where a count must leave him out or in exactly as the evaluator does.
    auto household = store_->FindBy(EntityKind::kHousehold, "household_number", "420581001002");
    ASSERT_TRUE(household.ok()) << household.status().message();
    Row unknown;
    unknown.parent_id = household->id;
    unknown.values = {{"name", "无名氏"}};
    auto id = store_->Insert(EntityKind::kPerson, unknown);
    ASSERT_TRUE(id.ok()) << id.status().message();
    // Changes recorded now, after every past reference date below, so a table for such a date
    // reads the register as it was then (ScanRequest::history_at): 张德明 moved to another
    // community and became 流动人口 today, but in 2024 he was 户籍 in his old household.
    auto zhang = store_->FindBy(EntityKind::kPerson, "id_number", "420581194406300014");
    ASSERT_TRUE(zhang.ok()) << zhang.status().message();
    auto elsewhere = store_->FindBy(EntityKind::kHousehold, "household_number", "420581002001");
    ASSERT_TRUE(elsewhere.ok()) << elsewhere.status().message();
    zhang->parent_id = elsewhere->id;
    zhang->values["population_type"] = "02";
    st = store_->Update(EntityKind::kPerson, &*zhang);
    ASSERT_TRUE(st.ok()) << st.message();
  }

  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // The table as text with its counts, or the error.
  std::string Generate(const mapping::MappingSpec& spec, mapping::TableRequest request,
                       bool pushdown) {
    request.aggregate_pushdown = pushdown;
    std::ostringstream text;
    mapping::PreviewSink sink(text);
    mapping::TableGenerator generator(*catalog_, store_.get());
    auto result = generator.Generate(spec, request, &sink);
    if (!result.ok()) return "error: " + result.status().message();
    const mapping::TableCounts& n = result->counts;
    return text.str() + "rows " + std::to_string(n.data_rows) + " " +
           std::to_string(n.subtotal_rows) + " " + std::to_string(n.total_rows) + "\n";
  }

  bool Pushed(const mapping::MappingSpec& spec) {
    auto plan = mapping::ScanPlan::Build(spec, *catalog_, Date{2024, 12, 31}, {});
    return plan.ok() && plan->aggregates_pushed();
  }

  // Compares both ways over every request below; returns how many tables had a data row.
  int CompareBothWays(const mapping::MappingSpec& spec) {
    struct Variant {
      std::string as_of, scope;
      std::vector<std::string> allowed;
      int page_size;
      bool today;  // today is the reference date: the register read as it is
    };
    const std::vector<Variant> variants = {
        {"2024-12-31", "", {}, 0, false},
        {"2024-06-30", "", {}, 2, false},
        {"2023-12-31", "", {}, 0, false},
        {"2024-12-31", "", {}, 0, true},
        {"2024-12-31", "", {}, 3, true},
        {"2024-12-31", "420581001001", {}, 0, false},
        {"2024-12-31", "420581001001/02", {}, 0, true},
        {"2024-12-31", "", {"420581001001/01", "420581001002/01"}, 0, false},
    };
    int nonempty = 0;
    for (const Variant& v : variants) {
      mapping::TableRequest request;
      request.as_of = v.as_of;
      request.scope = v.scope;
      request.allowed_scopes = v.allowed;
      request.page_size = v.page_size;
      Date d;
      EXPECT_FALSE(ParseDate(v.as_of, &d).has_value());
      if (v.today) request.today = d;
      const std::string folded = Generate(spec, request, false);
      const std::string pushed = Generate(spec, request, true);
      EXPECT_EQ(folded, pushed) << spec.id << " as of " << v.as_of << (v.today ? " (today)" : "")
                                << ", scope '" << v.scope << "', page " << v.page_size;
      // A grid is below a community table's grain: that request is refused, both ways.
      const bool grid_scope = v.scope.find('/') != std::string::npos || !v.allowed.empty();
      if (!(grid_scope && spec.grain == EntityKind::kCommunity)) {
        EXPECT_EQ(folded.rfind("error:", 0), std::string::npos) << spec.id << ": " << folded;
      }
      if (std::getenv("ONETABLE_PUSHDOWN_SHOW")) std::cout << pushed;
      if (folded.find("rows 0 ") == std::string::npos) ++nonempty;
    }
    return nonempty;
  }

  static Catalog* catalog_;
  std::string dir_;
  std::unique_ptr<Store> store_;
};

Catalog* AggregatePushdown::catalog_ = nullptr;

TEST_F(AggregatePushdown, ShippedSummaryTablesAreTheSameBothWays) {
  int summaries = 0;
  for (const auto& e : fs::recursive_directory_iterator(kMappingsDir)) {
    if (e.path().extension() != ".yaml") continue;
    auto spec = mapping::LoadMappingSpec(e.path().string(), *catalog_);
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    if (spec->grain == EntityKind::kPerson) continue;
    ++summaries;
    EXPECT_GT(CompareBothWays(*spec), 0) << spec->id << ": every variant came out empty";
  }
  EXPECT_GE(summaries, 5);
  // 人口统计表 is all counts over simple conditions: the store computes it.
  auto tongji = mapping::LoadMappingSpec(kMappingsDir + "/zongzhi/renkou-tongji.yaml", *catalog_);
  ASSERT_TRUE(tongji.ok()) << tongji.status().message();
  EXPECT_TRUE(Pushed(*tongji));
  // 低保 lists members (list, first): folded in C++.
  auto dibao = mapping::LoadMappingSpec(kMappingsDir + "/minzheng/dibao.yaml", *catalog_);
  ASSERT_TRUE(dibao.ok()) << dibao.status().message();
  EXPECT_FALSE(Pushed(*dibao));
}

TEST_F(AggregatePushdown, EdgeConditionsAreTheSameBothWays) {
  for (const char* yaml : kEdgeMappings) {
    auto spec = mapping::ParseMappingSpec(yaml, "edge.yaml", *catalog_);
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    EXPECT_TRUE(Pushed(*spec)) << spec->id;
    EXPECT_GT(CompareBothWays(*spec), 0) << spec->id;
  }
}

TEST_F(AggregatePushdown, WhatSqlWouldAnswerDifferentlyStaysInCpp) {
  for (const char* yaml : kFoldedMappings) {
    auto spec = mapping::ParseMappingSpec(yaml, "folded.yaml", *catalog_);
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    EXPECT_FALSE(Pushed(*spec)) << spec->id;
    CompareBothWays(*spec);
  }
}

}  // namespace
}  // namespace onetable::testing
