// The tag rules' `when` language: a case table of rules, records and outcomes, and the errors.
#include "ingest/when_rule.h"

#include <gtest/gtest.h>

#include <map>

namespace onetable {
namespace {

struct Case {
  const char* rule;
  bool expected;
};

TEST(WhenRule, EvaluatesAgainstRecord) {
  std::map<std::string, std::string> record = {{"救助类型", "城市低保"},
                                               {"保障金额", "650.5"},
                                               {"人数", "3"},
                                               {"备注", "  "},
                                               {"status name", "ok"}};
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
      {"救助类型 = '城市低保'", true},
      {"救助类型 != \"城市低保\"", false},
      {"救助类型 <> \"农村低保\"", true},
      {"保障金额 > 600", true},
      {"保障金额 >= 650.5 and 人数 < 4", true},
      {"人数 > 10", false},
      {"人数 > 10 or 保障金额 > 100", true},
      {"not (人数 > 10)", true},
      {"人数 == 3 and (救助类型 == \"x\" or 救助类型 == \"城市低保\")", true},
      {"备注", false},  // blank after trimming
      {"备注 is empty", true},
      {"保障金额 is not empty", true},
      {"缺失的列 is empty", true},  // absent columns read as blank
      {"缺失的列 == \"\"", true},
      {"救助类型", true},
      {"`status name` == \"ok\"", true},
      {"人数 in (3, 4)", true},
      {"\"9\" > \"10\"", false},  // both numbers: compared as numbers
  };
  for (const Case& c : cases) {
    auto rule = WhenRule::Parse(c.rule);
    ASSERT_TRUE(rule.ok()) << c.rule << ": " << rule.status().message();
    EXPECT_EQ(rule->Evaluate(lookup), c.expected) << c.rule;
  }
}

TEST(WhenRule, ListsColumnsItReads) {
  auto rule = WhenRule::Parse("a == \"1\" and (b in (\"x\") or a > 2) and `c d` is empty");
  ASSERT_TRUE(rule.ok());
  EXPECT_EQ(rule->columns(), (std::vector<std::string>{"a", "b", "c d"}));
}

struct BadCase {
  const char* rule;
  size_t offset;
  const char* message_part;
};

TEST(WhenRule, RejectsMalformedRulesWithPosition) {
  const BadCase cases[] = {
      {"", 0, "条件为空"},
      {"a ==", 4, "不完整"},
      {"a in \"x\"", 5, "取值列表"},
      {"a in (\"x\"", 9, "“,” 或 “)”"},
      {"a in (b)", 6, "带引号"},
      {"(a == 1", 7, "右括号"},
      {"a == \"x", 5, "缺少结尾"},
      {"a b", 2, "缺少比较符"},
      {"a ! b", 2, "!="},
      {"a == 1 b", 7, "多余"},
      {"and == 1", 0, "关键字"},
      {"a is full", 5, "empty"},
  };
  for (const BadCase& c : cases) {
    size_t offset = 99;
    auto rule = WhenRule::Parse(c.rule, &offset);
    ASSERT_FALSE(rule.ok()) << c.rule;
    EXPECT_EQ(offset, c.offset) << c.rule << ": " << rule.status().message();
    EXPECT_NE(rule.status().message().find(c.message_part), std::string::npos)
        << c.rule << ": " << rule.status().message();
  }
}

}  // namespace
}  // namespace onetable
