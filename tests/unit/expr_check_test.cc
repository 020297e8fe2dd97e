// The expression checker against the shipped catalog: the exact file:line:col message a mapping
// author gets for a type error, an unknown field (with the closest catalog key), an unknown
// function, a wrong argument count; and how field paths resolve relative to the grain.
#include "expr/check.h"

#include <gtest/gtest.h>

#include <string>

#include "expr/parser.h"

namespace onetable::expr {
namespace {

const Catalog& Shipped() {
  static const Catalog* catalog = [] {
    Result<Catalog> loaded = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? new Catalog(std::move(loaded).value()) : new Catalog();
  }();
  return *catalog;
}

struct Checked {
  ExprPtr expr;
  Status status;
  ExprType type;
};

Checked Check(const std::string& text, EntityKind grain = EntityKind::kPerson,
              ExprRole role = ExprRole::kColumn) {
  Checked out;
  TextLocator loc("w", text);
  Result<ExprPtr> parsed = ParseExpr(text, loc);
  if (!parsed.ok()) {
    out.status = parsed.status();
    return out;
  }
  out.expr = std::move(parsed).value();
  CheckEnv env{Shipped(), grain, role, nullptr};
  Result<ExprType> t = CheckExpr(out.expr.get(), env, loc);
  out.status = t.status();
  if (t.ok()) out.type = *t;
  return out;
}

std::string ErrorOf(const std::string& text, EntityKind grain = EntityKind::kPerson,
                    ExprRole role = ExprRole::kColumn) {
  Checked c = Check(text, grain, role);
  return c.status.ok() ? "ok" : c.status.message();
}

struct ErrorCase {
  const char* text;
  const char* message;
};

TEST(ExprCheckTest, TypeErrorsSayWhatAndWhere) {
  const ErrorCase cases[] = {
      {"age > \"abc\"", "w:1:7: 无法比较 整数 与 字符串"},
      {"name > 3", "w:1:8: 无法比较 字符串 与 整数"},
      {"gender == 2", "w:1:11: 无法比较 代码 与 整数（代码值请加引号，如 \"2\"）"},
      {"gender == \"3\"",
       "w:1:11: 代码表 gb2261.1-gender 中没有代码 “3”（可选：0 未知的性别、1 男性、2 女性、9 "
       "未说明的性别）"},
      {"gender == '男性'",
       "w:1:11: 代码表 gb2261.1-gender 中没有代码 “男性”，“男性” 的代码是 “1”（可选：0 "
       "未知的性别、1 男性、2 女性、9 未说明的性别）"},
      {"birth_date < '1950-13-01'", "w:1:14: “1950-13-01” 不是有效日期（应如 2024-06-30）"},
      {"gender == ethnicity",
       "w:1:11: 无法比较代码表 gb2261.1-gender 与代码表 gb3304-ethnicity 的代码"},
      {"age and alive", "w:1:1: “and” 的两边应为 布尔 表达式，实际是 整数"},
      {"not name", "w:1:5: “not” 后面应为 布尔 表达式，实际是 字符串"},
      {"name + 1", "w:1:1: 无法对 字符串 做算术运算 “+”（拼接文字请用 concat）"},
      {"-name", "w:1:2: 负号后面应为数字，实际是 字符串"},
      {"age < null", "w:1:7: 空值（null）只能用 == 或 != 比较"},
      {"alive > true", "w:1:9: 布尔值只能用 == 或 != 比较"},
      {"age in (1, 'a')", "w:1:12: 无法比较 整数 与 字符串"},
      {"age in (1, null)", "w:1:12: in 中不能有空值（null）；判断空值请用 == null"},
      {"birth_date between '1950-01-01' and 3", "w:1:37: 无法比较 日期 与 整数"},
      {"case when age then 1 else 2 end", "w:1:11: when 后面应为 布尔 条件，实际是 整数"},
      {"case when alive then 1 else 'x' end", "w:1:29: case 各分支类型不一致：整数 与 字符串"},
      {"coalesce(phone, 1)", "w:1:17: coalesce() 的参数类型不一致：字符串 与 整数"},
      {"label(name)", "w:1:7: label() 的参数应为代码字段（如 label(gender)），实际是 字符串"},
      {"mask(age)", "w:1:6: mask() 的参数应为 字符串，实际是 整数"},
      {"format_date(name, 'YYYY')", "w:1:13: format_date() 的参数应为 日期，实际是 字符串"},
      {"format_date(birth_date, 1)",
       "w:1:25: format_date() 的第 2 个参数应为格式文字，如 'YYYY年MM月DD日'"},
      {"age('x')", "w:1:5: “x” 不是有效日期（应如 2024-06-30）"},
  };
  for (const ErrorCase& c : cases) EXPECT_EQ(ErrorOf(c.text), c.message) << c.text;
}

TEST(ExprCheckTest, UnknownNamesGetTheClosestCatalogKey) {
  const ErrorCase cases[] = {
      {"nmae == 'x'", "w:1:1: 未知字段 “nmae”，是否是 “name”？"},
      {"household.adress", "w:1:11: 未知字段 “household.adress”，是否是 “household.address”？"},
      {"grid.nmae", "w:1:6: 未知字段 “grid.nmae”，是否是 “grid.name”？"},
      // A field of an ancestor written without its prefix.
      {"address", "w:1:1: 未知字段 “address”，是否是 “household.address”？"},
      // A Chinese label typed instead of the key.
      {"姓名", "w:1:1: 未知字段 “姓名”，是否是 “name”？"},
      {"zzzzzz", "w:1:1: 未知字段 “zzzzzz”"},
      {"foo.name",
       "w:1:1: “foo” 不是人员的上级（可用：household、building、grid、community、street、"
       "district）"},
      {"household.head.household.address",
       "w:1:16: 户主（head）后面只能写字段名，如 household.head.name"},
      {"agee()", "w:1:1: 未知函数 “agee”，是否是 “age”？"},
      {"lable(gender)", "w:1:1: 未知函数 “lable”，是否是 “label”？"},
      {"frobnicate(1)", "w:1:1: 未知函数 “frobnicate”"},
      {"label()", "w:1:1: 函数 label() 需要 1 个参数，实际有 0 个"},
      {"age(birth_date, 2)", "w:1:1: 函数 age() 需要 0 到 1 个参数，实际有 2 个"},
      {"concat()", "w:1:1: 函数 concat() 至少需要 1 个参数，实际有 0 个"},
      {"row_number(1)", "w:1:1: 函数 row_number() 需要 0 个参数，实际有 1 个"},
      {"has_tag(dibo)", "w:1:9: 未知标签 “dibo”，是否是 “dibao”？"},
      {"tag(disability).grad",
       "w:1:17: 标签 disability（残疾人）没有属性 “grad”，是否是 “grade”？"},
  };
  for (const ErrorCase& c : cases) EXPECT_EQ(ErrorOf(c.text), c.message) << c.text;
}

TEST(ExprCheckTest, EveryProblemIsReported) {
  EXPECT_EQ(ErrorOf("nmae == 'x' and agee() > 2 and gender == 2"),
            "w:1:1: 未知字段 “nmae”，是否是 “name”？\n"
            "w:1:17: 未知函数 “agee”，是否是 “age”？\n"
            "w:1:42: 无法比较 代码 与 整数（代码值请加引号，如 \"2\"）");
}

TEST(ExprCheckTest, ConditionsMustBeBoolean) {
  std::string text = "age";
  TextLocator loc("w", text);
  Result<ExprPtr> e = ParseExpr(text, loc);
  ASSERT_TRUE(e.ok());
  CheckEnv env{Shipped(), EntityKind::kPerson, ExprRole::kWhere, nullptr};
  Status st = CheckCondition(e->get(), env, loc);
  EXPECT_EQ(st.message(), "w:1:1: 条件应为 布尔 表达式，实际是 整数");
  EXPECT_EQ(ErrorOf("row_number() > 1", EntityKind::kPerson, ExprRole::kWhere),
            "w:1:1: row_number() 只能用于列的取值");
}

TEST(ExprCheckTest, TypesOfWellFormedExpressions) {
  struct Case {
    const char* text;
    TypeKind kind;
  } cases[] = {
      {"age >= 80 and population_type == \"01\" and alive", TypeKind::kBoolean},
      {"age", TypeKind::kInteger},
      {"age(birth_date)", TypeKind::kInteger},
      {"age / 2", TypeKind::kDecimal},
      {"age * 2 + 1", TypeKind::kInteger},
      {"label(gender)", TypeKind::kString},
      {"gender", TypeKind::kCode},
      {"mask(id_number)", TypeKind::kString},
      {"format_date(birth_date, 'YYYY年MM月DD日')", TypeKind::kString},
      {"concat(name, age)", TypeKind::kString},
      {"coalesce(phone, household.landlord_phone, '无')", TypeKind::kString},
      {"coalesce(tag(dibao).amount, 0)", TypeKind::kDecimal},
      {"case when age >= 100 then '百岁及以上' when age >= 90 then '90-99岁' else '80-89岁' end",
       TypeKind::kString},
      {"birth_date < '1950-01-01'", TypeKind::kBoolean},
      {"death_date == null", TypeKind::kBoolean},
      {"has_tag(dibao) and tag(disability).grade in ('1', '2')", TypeKind::kBoolean},
      {"label(tag(disability).grade)", TypeKind::kString},
      {"tag(dibao).since", TypeKind::kDate},
      {"row_number()", TypeKind::kInteger},
  };
  for (const Case& c : cases) {
    Checked checked = Check(c.text);
    ASSERT_TRUE(checked.status.ok()) << c.text << ": " << checked.status.message();
    EXPECT_EQ(checked.type.kind, c.kind) << c.text;
  }
  // A date literal compared with a date field becomes a date.
  Checked d = Check("birth_date < '1950-01-01'");
  EXPECT_EQ(d.expr->children[1]->literal.kind(), Value::Kind::kDate);
  // A code field keeps its table, which label() needs.
  EXPECT_EQ(Check("gender").type.code_table, "gb2261.1-gender");
}

TEST(ExprCheckTest, FieldPathsResolveFromTheGrain) {
  struct Case {
    EntityKind grain;
    const char* text;
    const char* path;
    EntityKind entity;
  } cases[] = {
      {EntityKind::kPerson, "name", "name", EntityKind::kPerson},
      {EntityKind::kPerson, "person.name", "name", EntityKind::kPerson},
      {EntityKind::kPerson, "household.address", "household.address", EntityKind::kHousehold},
      {EntityKind::kPerson, "household.head.name", "household.head.name", EntityKind::kPerson},
      {EntityKind::kPerson, "building.address", "building.address", EntityKind::kBuilding},
      {EntityKind::kPerson, "household.building.address", "building.address",
       EntityKind::kBuilding},
      {EntityKind::kPerson, "grid.code", "grid.code", EntityKind::kGrid},
      {EntityKind::kPerson, "community.name", "community.name", EntityKind::kCommunity},
      {EntityKind::kPerson, "street.name", "street.name", EntityKind::kStreet},
      {EntityKind::kHousehold, "head.name", "head.name", EntityKind::kPerson},
      {EntityKind::kHousehold, "address", "address", EntityKind::kHousehold},
      {EntityKind::kHousehold, "grid.name", "grid.name", EntityKind::kGrid},
      {EntityKind::kGrid, "name", "name", EntityKind::kGrid},
      {EntityKind::kGrid, "community.code", "community.code", EntityKind::kCommunity},
  };
  for (const Case& c : cases) {
    Checked checked = Check(c.text, c.grain);
    ASSERT_TRUE(checked.status.ok()) << c.text << ": " << checked.status.message();
    EXPECT_EQ(checked.expr->path.ToString(), c.path) << c.text;
    EXPECT_EQ(checked.expr->path.entity, c.entity) << c.text;
  }
  EXPECT_EQ(ErrorOf("head.name", EntityKind::kPerson),
            "w:1:1: “head” 不是人员的上级（可用：household、building、grid、community、street、"
            "district）");
  EXPECT_EQ(ErrorOf("household.name", EntityKind::kGrid),
            "w:1:1: “household” 不是网格的上级（可用：community、street、district）");
}

TEST(ExprCheckTest, AggregatesOnlyAtSummaryGrains) {
  Checked ok = Check("count(person where age >= 60 and gender == \"2\")", EntityKind::kGrid);
  ASSERT_TRUE(ok.status.ok()) << ok.status.message();
  EXPECT_EQ(ok.type.kind, TypeKind::kInteger);
  EXPECT_EQ(ok.expr->aggregate.over, EntityKind::kPerson);
  EXPECT_EQ(ok.expr->aggregate.id, 0);

  Checked sum = Check("sum(tag(dibao).amount where has_tag(dibao))", EntityKind::kCommunity);
  ASSERT_TRUE(sum.status.ok()) << sum.status.message();
  EXPECT_EQ(sum.type.kind, TypeKind::kDecimal);

  Checked households = Check("count(household) + count(person)", EntityKind::kGrid);
  ASSERT_TRUE(households.status.ok()) << households.status.message();
  EXPECT_EQ(households.expr->children[0]->aggregate.over, EntityKind::kHousehold);
  EXPECT_EQ(households.expr->children[1]->aggregate.id, 1);

  EXPECT_EQ(ErrorOf("count(person)"),
            "w:1:1: 汇总函数 count() 只能用于汇总粒度（household、building、grid、community），"
            "本表粒度是 person");
  EXPECT_EQ(ErrorOf("count(grid)", EntityKind::kGrid),
            "w:1:7: count() 统计的对象应为本粒度以下的 building、household、person，实际是 “grid”");
  EXPECT_EQ(ErrorOf("count(person where count(person) > 1)", EntityKind::kGrid),
            "w:1:20: 汇总函数 count() 不能嵌套");
  EXPECT_EQ(ErrorOf("sum(name)", EntityKind::kGrid), "w:1:5: sum() 的参数应为数字，实际是 字符串");
  EXPECT_EQ(ErrorOf("has_tag(dibao)", EntityKind::kHousehold),
            "w:1:1: has_tag() 只能用于人员；在户粒度请写 count(person where has_tag(dibao)) > 0");
  EXPECT_EQ(ErrorOf("age()", EntityKind::kGrid),
            "w:1:1: age() 不带参数时只能用于人员；在网格粒度请写 age(日期字段)");
}

TEST(ExprCheckTest, SuggestionsUseEditDistance) {
  EXPECT_EQ(EditDistance("nmae", "name"), 1);  // a transposition is one edit
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(Closest("gendr", {"gender", "grade"}), "gender");
  EXPECT_EQ(Closest("xyz", {"gender"}), "");
}

}  // namespace
}  // namespace onetable::expr
