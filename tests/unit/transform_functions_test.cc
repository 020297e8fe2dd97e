// Connector transforms in the one expression language: the pure text functions (substr, trim,
// split_part, regex_extract, parse_date) as case tables including the failures, and the same
// functions through RecordExpr::ParseValue over a source record, with the checker's
// file:line:col errors for bad arguments.
#include "expr/transform_functions.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <map>
#include <string>

#include "expr/record_expr.h"

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

TEST(TransformFunctions, SubstrCountsCharacters) {
  EXPECT_EQ(Substr("11010519491231002X31", 1, 18), "11010519491231002X");
  EXPECT_EQ(Substr("11010519491231002X31", 19, 1), "3");
  EXPECT_EQ(Substr("11010519491231002X31", 20, -1), "1");
  EXPECT_EQ(Substr("张三丰", 2, 1), "三");
  EXPECT_EQ(Substr("张三丰", 2, -1), "三丰");
  EXPECT_EQ(Substr("张三丰", 9, 2), "");
  EXPECT_EQ(Substr("abc", 0, 2), "a");  // position 0 counts from 1, as SQL's SUBSTR
  EXPECT_EQ(Substr("", 1, 3), "");
}

TEST(TransformFunctions, TrimAndSplitPart) {
  EXPECT_EQ(TrimText(" \t张三\u3000"), "张三");
  EXPECT_EQ(SplitPart("湖北省-宜昌市-宜都市", "-", 3), "宜都市");
  EXPECT_EQ(SplitPart("A--B", "-", 2), "");
  EXPECT_EQ(SplitPart("A、B", "、", 2), "B");
  EXPECT_FALSE(SplitPart("A-B", "-", 3).has_value());
  EXPECT_FALSE(SplitPart("A-B", "", 1).has_value());
}

TEST(TransformFunctions, RegexExtract) {
  std::string error;
  std::shared_ptr<const re2::RE2> re = CompilePattern("([0-9]+)号([0-9]+)栋", &error);
  ASSERT_NE(re, nullptr) << error;
  EXPECT_EQ(re->NumberOfCapturingGroups(), 2);
  EXPECT_EQ(RegexExtract("清江大道88号3栋", *re, 0), "88号3栋");
  EXPECT_EQ(RegexExtract("清江大道88号3栋", *re, 2), "3");
  EXPECT_FALSE(RegexExtract("清江大道", *re, 1).has_value());
  EXPECT_FALSE(RegexExtract("清江大道88号3栋", *re, 3).has_value());
  // A group that did not take part is no match; "." is one character, not one byte.
  std::shared_ptr<const re2::RE2> optional = CompilePattern("^(A)?(.)", &error);
  ASSERT_NE(optional, nullptr) << error;
  EXPECT_FALSE(RegexExtract("张三", *optional, 1).has_value());
  EXPECT_EQ(RegexExtract("张三", *optional, 2), "张");
  EXPECT_EQ(CompilePattern("([0-9]", &error), nullptr);
  EXPECT_NE(error.find("正则表达式有误"), std::string::npos);
  EXPECT_EQ(CompilePattern(std::string(kMaxRegexPattern + 1, 'a'), &error), nullptr);
  EXPECT_NE(error.find("正则表达式过长"), std::string::npos);
}

// A pattern that backtracks catastrophically (nested quantifiers) over a hostile cell: with a
// backtracking engine (std::regex) 4,096 "a"s and an "X" take 2^4096 steps and hang the import;
// RE2 answers in one pass. Whole-cell and nested-group variants alike.
TEST(TransformFunctions, RegexExtractCannotBeMadeToBacktrack) {
  const std::string hostile = std::string(kMaxRegexInput - 1, 'a') + "X";
  for (const char* pattern : {"(a+)+$", "^(a|aa)*$", "((a*)*)*b", "^(a|a?)+$", "(.*a){20}$"}) {
    std::string error;
    std::shared_ptr<const re2::RE2> re = CompilePattern(pattern, &error);
    ASSERT_NE(re, nullptr) << pattern << ": " << error;
    EXPECT_FALSE(RegexExtract(hostile, *re, 0).has_value()) << pattern;
    EXPECT_TRUE(RegexExtract(std::string(100, 'a'), *re, 0).has_value() ||
                std::string(pattern) == "((a*)*)*b")
        << pattern;
  }
  // A cell longer than kMaxRegexInput is cut there: its tail is never searched.
  std::string error;
  std::shared_ptr<const re2::RE2> tail = CompilePattern("X", &error);
  ASSERT_NE(tail, nullptr) << error;
  EXPECT_FALSE(RegexExtract(std::string(1 << 20, 'a') + "X", *tail, 0).has_value());
}

TEST(TransformFunctions, ParseDateWithStatedFormat) {
  struct Case {
    const char* text;
    const char* format;
    const char* expected;  // nullptr: does not parse
  } cases[] = {
      {"1994.03", "yyyy.MM", "1994-03-01"},
      {"1994.3", "yyyy.M", "1994-03-01"},
      {"1994年3月5日", "yyyy年M月d日", "1994-03-05"},
      {"05/03/1994", "dd/MM/yyyy", "1994-03-05"},
      {"940305", "yyMMdd", "1994-03-05"},
      {"050305", "yyMMdd", "2005-03-05"},
      {" 1994 ", "yyyy", "1994-01-01"},
      {"1994.13", "yyyy.MM", nullptr},
      {"1994-03", "yyyy.MM", nullptr},
      {"1994.03.x", "yyyy.MM", nullptr},
      {"2023.02.29", "yyyy.MM.dd", nullptr},
      {"94.3", "yyyy.M", nullptr},
  };
  for (const Case& c : cases) {
    std::string error;
    std::optional<Date> d = ParseDateFormat(c.text, c.format, &error);
    if (c.expected == nullptr) {
      EXPECT_FALSE(d.has_value()) << c.text;
      EXPECT_FALSE(error.empty()) << c.text;
    } else {
      ASSERT_TRUE(d.has_value()) << c.text << ": " << error;
      EXPECT_EQ(d->ToString(), c.expected) << c.text;
    }
  }
  std::string error;
  EXPECT_TRUE(CheckDateFormat("yyyy.MM", &error));
  EXPECT_FALSE(CheckDateFormat("MM.dd", &error));
  EXPECT_FALSE(CheckDateFormat("yyyy.dd", &error));
  EXPECT_FALSE(CheckDateFormat("yyyy.yy", &error));
}

Result<Value> EvalOver(const std::string& text, const std::map<std::string, std::string>& record) {
  TextLocator loc("f.yaml", text);
  auto parsed = RecordExpr::ParseValue(text, loc, Shipped(), {});
  if (!parsed.ok()) return parsed.status();
  return parsed->Eval([&](const std::string& c) -> std::optional<std::string> {
    auto it = record.find(c);
    if (it == record.end()) return std::nullopt;
    return it->second;
  });
}

TEST(TransformFunctions, OverASourceRecord) {
  const std::map<std::string, std::string> rec = {{"残疾人证号", "11010519491231002X31"},
                                                  {"出生年月", "1949.12"},
                                                  {"地址", "湖北省-宜昌市-宜都市"},
                                                  {"姓", " 张 "},
                                                  {"名", "三丰"}};
  struct Case {
    const char* expr;
    const char* cell;  // the value's cell text; nullptr: null
  } cases[] = {
      {"substr(残疾人证号, 1, 18)", "11010519491231002X"},
      {"substr(残疾人证号, 19, 1)", "3"},
      {"parse_date(出生年月, 'yyyy.MM')", "1949-12-01"},
      {"split_part(地址, '-', 2)", "宜昌市"},
      {"concat(trim(姓), 名)", "张三丰"},
      {"regex_extract(残疾人证号, '^([0-9]{6})')", "110105"},
      {"regex_extract(残疾人证号, '^[0-9]{17}[0-9X]', 0)", "11010519491231002X"},
      {"case when substr(残疾人证号, 20, 1) == '1' then '一级' else '其他' end", "一级"},
      {"substr(没有的列, 1, 2)", ""},
      {"parse_date(没有的列, 'yyyy.MM')", nullptr},
  };
  for (const Case& c : cases) {
    Result<Value> v = EvalOver(c.expr, rec);
    ASSERT_TRUE(v.ok()) << c.expr << ": " << v.status().message();
    if (c.cell == nullptr) {
      EXPECT_TRUE(v->is_null()) << c.expr;
    } else {
      EXPECT_EQ(v->ToCell(), c.cell) << c.expr;
    }
  }
  // A date that does not fit its stated format is an error the row's quarantine names.
  Result<Value> bad = EvalOver("parse_date(出生年月, 'yyyy-MM')", rec);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("不符合日期格式 yyyy-MM"), std::string::npos);
}

TEST(TransformFunctions, CheckerNamesFileLineColumn) {
  struct Case {
    const char* expr;
    const char* error;
  } cases[] = {
      {"substr(残疾人证号, '1', 18)", "f.yaml:1:15: substr() 的第 2 个参数应为 整数"},
      {"parse_date(出生年月, 'MM.dd')", "f.yaml:1:18: parse_date() 的日期格式中没有年份"},
      {"parse_date(出生年月, 格式)", "f.yaml:1:18: parse_date() 的第 2 个参数应为写在引号里的文字"},
      {"regex_extract(a, '([0-9]')", "f.yaml:1:18: regex_extract() 的正则表达式有误"},
      {"regex_extract(a, '([0-9])', 2)", "f.yaml:1:29: regex_extract() 的正则表达式只有 1 个分组"},
      {"split_part(a, '', 1)", "f.yaml:1:15: split_part() 的分隔符不能为空"},
      {"split_part(a, '-', 0)", "f.yaml:1:20: split_part() 的段号从 1 开始"},
      {"substring(a, 1, 2)", "f.yaml:1:1: 未知函数 “substring”"},
      {"trim(a, b)", "f.yaml:1:1: 函数 trim() 需要 1 个参数，实际有 2 个"},
  };
  for (const Case& c : cases) {
    Result<Value> v = EvalOver(c.expr, {});
    ASSERT_FALSE(v.ok()) << c.expr;
    EXPECT_NE(v.status().message().find(c.error), std::string::npos)
        << c.expr << "\n  got: " << v.status().message();
  }
}

}  // namespace
}  // namespace onetable::expr
