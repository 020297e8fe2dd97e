// Expressions over a source record (a connector's tag rule `when`): a case table of conditions,
// records and outcomes in the one expression language, the columns a condition reads, and the
// errors — including the old tag-rule forms, which now say what to write instead.
#include "expr/record_expr.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

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

Result<RecordExpr> Parse(const std::string& text, SourceColumns columns = {}) {
  TextLocator loc("r", text);
  return RecordExpr::ParseCondition(text, loc, Shipped(), std::move(columns));
}

struct Case {
  const char* rule;
  bool expected;
};

TEST(RecordExpr, EvaluatesAgainstRecord) {
  const std::map<std::string, std::string> record = {
      {"救助类型", "城市低保"}, {"保障金额", "650.5"}, {"人数", "3"},          {"户人数", "10"},
      {"备注", "  "},           {"status name", "ok"}, {"2023年补贴", "12元"}, {"a.b", "x"}};
  auto lookup = [&](const std::string& c) -> std::optional<std::string> {
    auto it = record.find(c);
    if (it == record.end()) return std::nullopt;
    return it->second;
  };
  const Case cases[] = {
      {"救助类型 in (\"城市低保\", \"农村低保\")", true},
      {"救助类型 in ('农村低保')", false},
      {"救助类型 not in (\"特困\")", true},
      {"救助类型 == \"城市低保\"", true},
      {"救助类型 != \"城市低保\"", false},
      {"保障金额 > 600", true},
      {"保障金额 >= 650.5 and 人数 < 4", true},
      {"救助类型 in (\"城市低保\", \"农村低保\") and 保障金额 > 0", true},
      {"人数 > 10", false},
      {"人数 > 10 or 保障金额 > 100", true},
      {"not (人数 > 10)", true},
      {"人数 == 3 and (救助类型 == \"x\" or 救助类型 == \"城市低保\")", true},
      {"人数 in (3, 4)", true},
      {"人数 between 1 and 3", true},
      // Two columns that both read as numbers compare as numbers: "3" < "10".
      {"人数 < 户人数", true},
      // Text compares as text, also when it is a number written as text.
      {"人数 == \"3\"", true},
      // Blank cells and absent columns are null: tested with == null / != null.
      {"备注 == null", true},
      {"备注 != null", false},
      {"保障金额 != null", true},
      {"缺失的列 == null", true},
      {"救助类型 != null", true},
      // A comparison with null is unknown, and a condition holds only when true.
      {"缺失的列 > 0", false},
      {"not (缺失的列 > 0)", false},
      // Text that is not a number does not compare with a number.
      {"`2023年补贴` > 0", false},
      {"`2023年补贴` == \"12元\"", true},
      {"`status name` == \"ok\"", true},
      {"`a.b` == \"x\"", true},
      {"IN_CAPS == null AND 人数 > 1", true},  // keywords are case-insensitive
  };
  for (const Case& c : cases) {
    auto rule = Parse(c.rule);
    ASSERT_TRUE(rule.ok()) << c.rule << ": " << rule.status().message();
    Result<bool> holds = rule->Matches(lookup);
    ASSERT_TRUE(holds.ok()) << c.rule << ": " << holds.status().message();
    EXPECT_EQ(*holds, c.expected) << c.rule;
  }
}

TEST(RecordExpr, ListsColumnsItReadsAndTakesThemBySlot) {
  auto rule = Parse("a == \"1\" and (b in (\"x\") or a > 2) and `c d` == null");
  ASSERT_TRUE(rule.ok()) << rule.status().message();
  EXPECT_EQ(rule->columns(), (std::vector<std::string>{"a", "b", "c d"}));
  Result<bool> holds =
      rule->Matches({Value::String("1"), Value::String("x"), SourceValue(std::string(" "))});
  ASSERT_TRUE(holds.ok());
  EXPECT_TRUE(*holds);
  holds = rule->Matches({Value::String("1"), Value::String("y"), Value::Null()});
  ASSERT_TRUE(holds.ok());
  EXPECT_FALSE(*holds);
}

TEST(RecordExpr, ValuesOverARecordForTransforms) {
  const std::string text = "concat(区, '-', coalesce(门牌号, '无'))";
  TextLocator loc("r", text);
  auto value = RecordExpr::ParseValue(text, loc, Shipped(), {});
  ASSERT_TRUE(value.ok()) << value.status().message();
  const std::map<std::string, std::string> record = {{"区", "陆城"}, {"门牌号", " "}};
  Result<Value> v = value->Eval([&](const std::string& c) -> std::optional<std::string> {
    auto it = record.find(c);
    if (it == record.end()) return std::nullopt;
    return it->second;
  });
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(*v, Value::String("陆城-无"));
}

TEST(RecordExpr, SourceValueTrimsAndReadsBlankAsNull) {
  EXPECT_EQ(SourceValue(std::nullopt), Value::Null());
  EXPECT_EQ(SourceValue(std::string(" \t")), Value::Null());
  EXPECT_EQ(SourceValue(std::string(" 城市低保 ")), Value::String("城市低保"));
}

struct BadCase {
  const char* rule;
  const char* where;  // "r:line:col" (columns in characters)
  const char* message_part;
};

TEST(RecordExpr, RejectsMalformedRulesWithPosition) {
  const BadCase cases[] = {
      {"", "r:1:1", "表达式为空"},
      {"a ==", "r:1:5", "此处应为表达式"},
      {"a in \"x\"", "r:1:6", "“(”"},
      {"a in (\"x\"", "r:1:10", "“,” 或 “)”"},
      {"(a == 1", "r:1:8", "“)”"},
      {"a == \"x", "r:1:6", "缺少结束引号"},
      {"a b", "r:1:3", "意外的"},
      {"a == 1 b", "r:1:8", "意外的"},
      {"and == 1", "r:1:1", "此处应为表达式"},
      {"`a", "r:1:1", "反引号"},
      {"2023年补贴 > 0", "r:1:1", "反引号"},
      // Column names count as characters in positions: 救助类型 is four.
      {"救助类型 ~ 1", "r:1:6", "无法识别的字符"},
      // The old tag-rule forms say what to write now.
      {"救助类型 = '城市低保'", "r:1:6", "请用 =="},
      {"救助类型 <> '城市低保'", "r:1:6", "请用 !="},
      {"备注 is empty", "r:1:4", "== null"},
      {"备注 is not empty", "r:1:4", "!= null"},
      {"备注", "r:1:1", "备注 != null"},
      {"备注 and 人数 > 1", "r:1:1", "备注 != null"},
      {"not 备注", "r:1:5", "备注 != null"},
      {"缺失的列 == \"\"", "r:1:9", "== null"},
      // Only the record's columns exist here.
      {"has_tag(dibao)", "r:1:1", "只能用于报表映射"},
      {"row_number() > 1", "r:1:1", "只能用于报表映射"},
      {"count(person) > 1", "r:1:1", "只能用于报表映射"},
      {"household.address == \"x\"", "r:1:10", "反引号"},
      {"人数 + 1 > 2", "r:1:1", "算术"},
      {"救助类型 == true", "r:1:9", "无法比较"},
  };
  for (const BadCase& c : cases) {
    auto rule = Parse(c.rule);
    ASSERT_FALSE(rule.ok()) << c.rule;
    const std::string& m = rule.status().message();
    EXPECT_EQ(m.rfind(std::string(c.where) + ": ", 0), 0u) << c.rule << ": " << m;
    EXPECT_NE(m.find(c.message_part), std::string::npos) << c.rule << ": " << m;
  }
}

TEST(RecordExpr, ChecksColumnsAgainstACompleteList) {
  SourceColumns columns;
  columns.known = {"救助类型", "保障金额"};
  columns.complete = true;
  EXPECT_TRUE(Parse("救助类型 == \"城市低保\" and 保障金额 > 0", columns).ok());
  auto typo = Parse("保障金额 > 0 and 救助类形 == \"城市低保\"", columns);
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("r:1:14: 来源中没有列 “救助类形”，是否是 “救助类型”？"),
            std::string::npos)
      << typo.status().message();
  // An open list (what a connector spec knows) lets other columns through.
  columns.complete = false;
  EXPECT_TRUE(Parse("救助类形 == \"城市低保\"", columns).ok());
}

}  // namespace
}  // namespace onetable::expr
