// The mapping expression parser: what binds tighter than what, where each node starts, and the
// exact message and position a mapping author sees for a syntax error.
#include "expr/parser.h"

#include <gtest/gtest.h>

#include <string>

namespace onetable::expr {
namespace {

std::string Tree(const std::string& text) {
  TextLocator loc("t", text);
  Result<ExprPtr> e = ParseExpr(text, loc);
  if (!e.ok()) return "ERROR " + e.status().message();
  return ToDebugString(**e);
}

std::string ErrorOf(const std::string& text) {
  TextLocator loc("t", text);
  Result<ExprPtr> e = ParseExpr(text, loc);
  if (e.ok()) return "parsed: " + ToDebugString(**e);
  return e.status().message();
}

struct TreeCase {
  const char* text;
  const char* tree;
};

TEST(ExprParserTest, PrecedenceAndShapes) {
  const TreeCase cases[] = {
      {"a or b and c", "(or a (and b c))"},
      {"a and b or c", "(or (and a b) c)"},
      {"not a and b", "(and (not a) b)"},
      {"not not a", "(not (not a))"},
      {"1 + 2 * 3", "(+ 1 (* 2 3))"},
      {"(1 + 2) * 3", "(* (+ 1 2) 3)"},
      {"a - b - c", "(- (- a b) c)"},
      {"a / b * c", "(* (/ a b) c)"},
      {"-a * b", "(* (- a) b)"},
      {"a + 1 >= b * 2", "(>= (+ a 1) (* b 2))"},
      {"age >= 80 and population_type == \"01\" and alive",
       "(and (and (>= age 80) (== population_type \"01\")) alive)"},
      {"age between 60 and 79 and gender == '2'", "(and (between age 60 79) (== gender \"2\"))"},
      {"age not between 1 and 2", "(not-between age 1 2)"},
      {"x in ('1', '2')", "(in x \"1\" \"2\")"},
      {"x not in ('1')", "(not-in x \"1\")"},
      {"not x in (1, 2)", "(not (in x 1 2))"},
      {"case when a then 1 when b then 2 else 3 end", "(case-else a 1 b 2 3)"},
      {"CASE WHEN a THEN 'x' END", "(case a \"x\")"},
      {"a AND b OR NOT c", "(or (and a b) (not c))"},
      {"count(person where age >= 60 and gender == '2')",
       "(count person where (and (>= age 60) (== gender \"2\")))"},
      {"count()", "(count)"},
      {"count(where alive)", "(count where alive)"},
      {"sum(tag(dibao).amount where has_tag(dibao))",
       "(sum (tag dibao.amount) where (has_tag dibao))"},
      {"has_tag('dibao')", "(has_tag dibao)"},
      {"household.head.name", "household.head.name"},
      {"household.head.alive", "household.head.alive"},
      {"label(gender)", "(label() gender)"},
      {"concat(name, '-', 1)", "(concat() name \"-\" 1)"},
      {"row_number()", "(row_number())"},
      {"'it''s'", "\"it's\""},
      {"\"say \\\"hi\\\"\"", "\"say \"hi\"\""},
      {"1.5", "1.5"},
      {"true", "true"},
      {"null", "null"},
      {"x == null", "(== x null)"},
      // Chinese names are identifiers; backquotes make any text a name, never a keyword.
      {"救助类型 in ('城市低保') and 保障金额 > 0",
       "(and (in 救助类型 \"城市低保\") (> 保障金额 0))"},
      {"`status name` == 'ok'", "(== status name \"ok\")"},
      {"`and` or `alive`", "(or and alive)"},
      {"`f`(1)", "ERROR t:1:4: 意外的 “(”"},
  };
  for (const TreeCase& c : cases) EXPECT_EQ(Tree(c.text), c.tree) << c.text;
}

TEST(ExprParserTest, NodesKnowWhereTheyStart) {
  const std::string text = "age >= 80 and name == 'x'";
  TextLocator loc("t", text);
  Result<ExprPtr> e = ParseExpr(text, loc);
  ASSERT_TRUE(e.ok()) << e.status().message();
  const Expr& root = **e;
  EXPECT_EQ(root.pos, 0u);
  const Expr& right = *root.children[1];
  EXPECT_EQ(right.pos, 14u);                          // name
  EXPECT_EQ(right.children[1]->pos, 22u);             // 'x'
  EXPECT_EQ(root.children[0]->children[1]->pos, 7u);  // 80

  const std::string path = "household.head.name";
  TextLocator loc2("t", path);
  Result<ExprPtr> p = ParseExpr(path, loc2);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ((*p)->segment_pos.size(), 3u);
  EXPECT_EQ((*p)->segment_pos[1], 10u);
  EXPECT_EQ((*p)->segment_pos[2], 15u);
}

TEST(ExprParserTest, OrderItemTakesDirection) {
  TextLocator loc("t", "age desc");
  Result<OrderItem> item = ParseOrderItem("age desc", loc);
  ASSERT_TRUE(item.ok()) << item.status().message();
  EXPECT_TRUE(item->descending);
  EXPECT_EQ(ToDebugString(*item->expr), "age");
  Result<OrderItem> plain = ParseOrderItem("grid.code", loc);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->descending);
  // Not an order item outside order_by.
  EXPECT_EQ(ErrorOf("age desc"), "t:1:5: 意外的 “desc”");
}

struct ErrorCase {
  const char* text;
  const char* message;
};

TEST(ExprParserTest, SyntaxErrorsNameTheUnexpectedToken) {
  const ErrorCase cases[] = {
      {"", "t:1:1: 表达式为空"},
      {"age >", "t:1:6: 此处应为表达式，实际是表达式结尾"},
      {"(age > 1", "t:1:9: 此处应为“)”，实际是表达式结尾"},
      {"age > 1)", "t:1:8: 意外的 “)”"},
      {"'abc", "t:1:1: 字符串缺少结束引号"},
      {"name == \"abc", "t:1:9: 字符串缺少结束引号"},
      {"a # b", "t:1:3: 无法识别的字符 “#”"},
      {"a = 1", "t:1:3: 请用 == 表示相等"},
      {"a <> 1", "t:1:3: 请用 != 表示不等"},
      {"a < b < c", "t:1:7: 比较运算不能连用，请用 and 连接两个比较"},
      {"x in 1", "t:1:6: 此处应为“(”，实际是“1”"},
      {"x in (1 2)", "t:1:9: 此处应为“,” 或 “)”，实际是“2”"},
      {"case a then 1 end", "t:1:6: 此处应为“when”，实际是“a”"},
      {"case when a then 1", "t:1:19: 此处应为“when”、“else” 或 “end”，实际是表达式结尾"},
      {"case when a 1 end", "t:1:13: 此处应为“then”，实际是“1”"},
      {"tag(disability)",
       "t:1:16: 此处应为“.属性名”（如 tag(disability).grade），实际是表达式结尾"},
      {"has_tag()", "t:1:9: 此处应为标签名，实际是“)”"},
      {"x between 1 or 2", "t:1:13: 此处应为“and”，实际是“or”"},
      {"12abc",
       "t:1:1: 数字后面紧跟着字母：“12a”（以数字开头的名称请用反引号括起，如 `2023年补贴`）"},
      {"`a", "t:1:1: 名称缺少结束的反引号 `"},
      {"`` == 1", "t:1:1: 反引号中的名称为空"},
      {"a is not empty", "t:1:3: “is empty” 请写作 == null，“is not empty” 请写作 != null"},
      {"name.", "t:1:6: 此处应为字段名，实际是表达式结尾"},
      {"f(1,)", "t:1:5: 此处应为表达式，实际是“)”"},
      {"a and and", "t:1:7: 此处应为表达式，实际是“and”"},
      {"count(person where)", "t:1:19: 此处应为表达式，实际是“)”"},
      {"sum(1 2)", "t:1:7: 此处应为“where” 或 “)”，实际是“2”"},
      // Columns count characters, not bytes, and lines restart the count.
      {"姓名 == '张三' and", "t:1:15: 此处应为表达式，实际是表达式结尾"},
      {"age >= 80\nand (", "t:2:6: 此处应为表达式，实际是表达式结尾"},
  };
  for (const ErrorCase& c : cases) EXPECT_EQ(ErrorOf(c.text), c.message) << c.text;
}

// Found by tests/fuzz (expr): a long enough line of "(", "-", "not" or "1+1+…" overflowed the
// stack (the parser, checker, evaluator and destructor recurse) and killed the server that
// validated a posted mapping. Past 200 levels it is a syntax error at the token that went too deep.
TEST(ExprParserTest, DeepNestingIsAnErrorNotACrash) {
  auto repeat = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  const std::string too_deep[] = {
      repeat("(", 100000) + "1" + repeat(")", 100000),
      repeat("-", 100000) + "1",
      repeat("not ", 100000) + "a",
      repeat("1 + ", 100000) + "1",
      repeat("a or ", 100000) + "a",
      repeat("f(", 100000) + "1" + repeat(")", 100000),
      repeat("case when a then ", 50000) + "1" + repeat(" end", 50000),
  };
  for (const std::string& text : too_deep) {
    const std::string error = ErrorOf(text);
    EXPECT_NE(error.find("表达式嵌套太深（超过 200 层）"), std::string::npos)
        << text.substr(0, 20) << ": " << error.substr(0, 200);
    EXPECT_EQ(error.rfind("t:1:", 0), 0u) << error.substr(0, 200);
  }
  // Deep but within the cap: parses.
  EXPECT_EQ(Tree(repeat("(", 150) + "1" + repeat(")", 150)), "1");
  EXPECT_EQ(Tree(repeat("1 + ", 150) + "1").rfind("(+ (+ ", 0), 0u);
}

}  // namespace
}  // namespace onetable::expr
