// Loading mapping YAML: a good spec loads with its expressions checked; each broken spec under
// tests/data/mapping/broken/ is rejected with every problem at its exact file:line:col (columns
// in characters, inside plain, quoted and folded scalars).
#include "mapping/mapping_spec.h"

#include <gtest/gtest.h>

#include <string>

namespace onetable::mapping {
namespace {

const std::string kDir = ONETABLE_TEST_DATA "/mapping/";

const Catalog& Shipped() {
  static const Catalog* catalog = [] {
    Result<Catalog> loaded = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? new Catalog(std::move(loaded).value()) : new Catalog();
  }();
  return *catalog;
}

Date D(const char* text) {
  Date d;
  EXPECT_FALSE(ParseDate(text, &d).has_value()) << text;
  return d;
}

// The messages of loading broken/<name>, with the directory left out for readability.
std::string Problems(const std::string& name) {
  Result<MappingSpec> spec = LoadMappingSpec(kDir + "broken/" + name, Shipped());
  if (spec.ok()) return "loaded";
  std::string message = spec.status().message();
  const std::string prefix = kDir + "broken/";
  for (size_t at = message.find(prefix); at != std::string::npos; at = message.find(prefix)) {
    message.erase(at, prefix.size());
  }
  return message;
}

TEST(MappingSpecTest, GoodPersonSpecLoads) {
  Result<MappingSpec> loaded = LoadMappingSpec(kDir + "gaoling.yaml", Shipped());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const MappingSpec& spec = *loaded;
  EXPECT_EQ(spec.id, "minzheng/gaoling-jintie");
  EXPECT_EQ(spec.title, "高龄津贴发放花名册");
  EXPECT_EQ(spec.department, "民政局");
  EXPECT_EQ(spec.purpose, "高龄津贴资格核定与发放");
  EXPECT_EQ(spec.legal_basis, "《老年人权益保障法》第三十三条");
  EXPECT_EQ(spec.grain, EntityKind::kPerson);
  EXPECT_EQ(spec.as_of, "{year}-06-30");
  ASSERT_NE(spec.where, nullptr);
  EXPECT_EQ(ToDebugString(*spec.where),
            "(and (and (>= age 80) (== population_type \"01\")) alive)");
  ASSERT_EQ(spec.order_by.size(), 3u);
  EXPECT_EQ(spec.order_by[0].expr->path.ToString(), "grid.code");
  EXPECT_FALSE(spec.order_by[1].descending);
  EXPECT_TRUE(spec.order_by[2].descending);
  EXPECT_EQ(spec.Headers(),
            (std::vector<std::string>{"序号", "姓名", "性别", "公民身份号码", "出生日期", "年龄",
                                      "津贴档次", "联系电话", "所属网格", "户主"}));
  EXPECT_EQ(spec.columns[3].width, 22);
  EXPECT_EQ(spec.columns[5].type.kind, TypeKind::kInteger);
  EXPECT_TRUE(spec.columns[5].summable);
  EXPECT_FALSE(spec.columns[0].summable);  // row_number() is never summed
  EXPECT_EQ(spec.columns[9].value->path.ToString(), "household.head.name");
  EXPECT_EQ(spec.columns[1].where.line, 13);
  EXPECT_EQ(spec.columns[1].where.column, 5);
  EXPECT_FALSE(spec.total);
  EXPECT_EQ(spec.aggregate_count, 0);
}

TEST(MappingSpecTest, GoodSummarySpecLoads) {
  Result<MappingSpec> loaded = LoadMappingSpec(kDir + "population.yaml", Shipped());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const MappingSpec& spec = *loaded;
  EXPECT_EQ(spec.grain, EntityKind::kGrid);
  EXPECT_TRUE(spec.total);
  ASSERT_NE(spec.subtotal_by, nullptr);
  EXPECT_EQ(spec.subtotal_by->path.ToString(), "community.name");
  EXPECT_EQ(spec.aggregate_count, 4);
  EXPECT_EQ(spec.columns[1].value->aggregate.over, EntityKind::kHousehold);
  EXPECT_EQ(spec.columns[4].value->aggregate.id, 3);
  EXPECT_EQ(spec.columns[4].type.kind, TypeKind::kDecimal);
  EXPECT_TRUE(spec.columns[2].summable);
  EXPECT_FALSE(spec.columns[0].summable);
}

// `manual` columns: the real form's columns the register cannot fill come after the others,
// blank (a null value, read from nothing), never summed; a repeated header is an error.
TEST(MappingSpecTest, ManualColumnsArePrintedBlankAfterTheOthers) {
  const std::string base =
      "id: minzheng/x\ntitle: 表\ndepartment: 民政局\npurpose: 测试\ngrain: person\n"
      "columns:\n  - {header: 姓名, value: name}\n  - {header: 年龄, value: age}\n";
  Result<MappingSpec> loaded =
      ParseMappingSpec(base + "manual: [领取人签字, {header: 备注, width: 20}]\n", "m.yaml", Shipped());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->Headers(), (std::vector<std::string>{"姓名", "年龄", "领取人签字", "备注"}));
  EXPECT_FALSE(loaded->columns[1].manual);
  EXPECT_TRUE(loaded->columns[2].manual);
  EXPECT_TRUE(loaded->columns[3].manual);
  EXPECT_EQ(loaded->columns[3].width, 20);
  EXPECT_FALSE(loaded->columns[3].summable);
  ASSERT_NE(loaded->columns[2].value, nullptr);
  EXPECT_EQ(loaded->columns[2].value->kind, ExprKind::kLiteral);
  EXPECT_TRUE(loaded->columns[2].value->literal.is_null());

  Result<MappingSpec> repeated = ParseMappingSpec(base + "manual: [姓名]\n", "m.yaml", Shipped());
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.status().message().find("m.yaml:9:10: 列标题 “姓名” 重复"), std::string::npos)
      << repeated.status().message();
  Result<MappingSpec> bad = ParseMappingSpec(base + "manual: 备注\n", "m.yaml", Shipped());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("“manual” 应为列标题的列表"), std::string::npos)
      << bad.status().message();
}

TEST(MappingSpecTest, BrokenSpecsNameEveryProblemExactly) {
  struct Case {
    const char* file;
    const char* problems;
  } cases[] = {
      {"unknown_key.yaml",
       "unknown_key.yaml:6:1: 未知的键 “colums”，是否是 “columns”？\n"
       "unknown_key.yaml:1:1: 缺少必填项 “columns”"},
      {"missing_purpose.yaml",
       "missing_purpose.yaml:1:1: 缺少必填项 “purpose”（个人信息保护法第六条：每张表须写明用途）"},
      {"type_error.yaml", "type_error.yaml:6:14: 无法比较 整数 与 字符串"},
      // Columns count characters: 姓名 before the value is two columns, not six bytes.
      {"unknown_field.yaml", "unknown_field.yaml:8:25: 未知字段 “nmae”，是否是 “name”？"},
      // Inside double-quoted scalars (escapes included) and single-quoted ones.
      {"quoted.yaml",
       "quoted.yaml:7:64: 未知字段 “agee”，是否是 “age”？\n"
       "quoted.yaml:8:40: 未知字段 “姓名”，是否是 “name”？\n"
       "quoted.yaml:8:54: 未知字段 “nmae”，是否是 “name”？\n"
       "quoted.yaml:9:41: 未知字段 “adress”，是否是 “household.address”？"},
      // Inside a folded block scalar, on its second line.
      {"folded.yaml",
       "folded.yaml:8:24: 代码表 population-type 中没有代码 “1”（可选：01 户籍人口、02 "
       "流动人口、03 境外人员）"},
      {"header_problems.yaml",
       "header_problems.yaml:1:5: “id” 只能包含小写字母、数字、-、_ 和 /，实际是 “Test/Headers”\n"
       "header_problems.yaml:4:10: “purpose” 不能为空（个人信息保护法第六条：每张表须写明用途）\n"
       "header_problems.yaml:5:8: “grain” 应为 person、household、building、grid 或 "
       "community，实际是 “people”\n"
       "header_problems.yaml:6:8: “as_of” 应为日期（如 2024-06-30）或模板（如 "
       "{year}-06-30），实际是 “{year}-02-30”\n"
       "header_problems.yaml:9:14: 列标题 “姓名” 重复（第一次在第 8 行）\n"
       "header_problems.yaml:9:45: “width” 应为 1 到 255 之间的数字\n"
       "header_problems.yaml:10:5: 缺少必填项 “header”\n"
       "header_problems.yaml:11:30: 列中未知的键 “note”（可用：header、value、width）\n"
       "header_problems.yaml:12:8: “total” 应为 true 或 false"},
      {"aggregate_at_person.yaml",
       "aggregate_at_person.yaml:6:12: row_number() 只能用于列的取值\n"
       "aggregate_at_person.yaml:8:25: 汇总函数 count() 只能用于汇总粒度（household、building、"
       "grid、community），本表粒度是 person"},
  };
  for (const auto& c : cases) EXPECT_EQ(Problems(c.file), c.problems) << c.file;
}

TEST(MappingSpecTest, YamlSyntaxErrorsHaveAPlace) {
  // Line 4 leaves its "{" open: the error names that line and bracket, in Chinese (yaml-cpp
  // itself says "end of map flow not found" at the start of line 5).
  std::string problems = Problems("yaml_syntax.yaml");
  EXPECT_EQ(problems, "yaml_syntax.yaml:4:5: YAML 语法错误：花括号 { 没有对应的 }") << problems;
}

TEST(MappingSpecTest, MissingFileIsNotFound) {
  Result<MappingSpec> spec = LoadMappingSpec(kDir + "no-such.yaml", Shipped());
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(spec.status().message(), "无法读取映射文件 " + kDir + "no-such.yaml");
}

TEST(MappingSpecTest, ByteOrderMarkDoesNotShiftColumns) {
  const std::string text =
      "\xEF\xBB\xBFid: t/x\ntitle: t\ndepartment: d\npurpose: p\ngrain: person\n"
      "columns:\n  - {header: 姓名, value: nmae}\n";
  Result<MappingSpec> spec = ParseMappingSpec(text, "bom.yaml", Shipped());
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(), "bom.yaml:7:25: 未知字段 “nmae”，是否是 “name”？");
}

TEST(MappingSpecTest, AsOfResolvesAgainstOverrideOrToday) {
  Result<MappingSpec> loaded = LoadMappingSpec(kDir + "gaoling.yaml", Shipped());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const MappingSpec& spec = *loaded;
  const Date today = D("2025-03-15");
  EXPECT_EQ(ResolveAsOf(spec, "", today)->ToString(), "2025-06-30");
  EXPECT_EQ(ResolveAsOf(spec, "2023", today)->ToString(), "2023-06-30");
  EXPECT_EQ(ResolveAsOf(spec, "2024-12-31", today)->ToString(), "2024-12-31");
  EXPECT_EQ(ResolveAsOf(spec, "2024年6月30日", today)->ToString(), "2024-06-30");
  Result<Date> bad = ResolveAsOf(spec, "2024-02-30", today);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "参数 as_of 的值 “2024-02-30” 不是有效日期（应如 2024-06-30）");

  MappingSpec fixed;
  fixed.as_of = "2024-06-30";
  EXPECT_EQ(ResolveAsOf(fixed, "", today)->ToString(), "2024-06-30");
  MappingSpec none;
  EXPECT_EQ(ResolveAsOf(none, "", today)->ToString(), "2025-03-15");
  MappingSpec last_year;
  last_year.as_of = "{year-1}-12-31";
  EXPECT_EQ(ResolveAsOf(last_year, "", today)->ToString(), "2024-12-31");

  Date d;
  EXPECT_TRUE(ExpandAsOf("{year+1}-01-01", 2024, &d));
  EXPECT_EQ(d.ToString(), "2025-01-01");
  EXPECT_FALSE(ExpandAsOf("{yaer}-06-30", 2024, &d));
  EXPECT_FALSE(ExpandAsOf("{year}-02-29", 2023, &d));
}

}  // namespace
}  // namespace onetable::mapping
