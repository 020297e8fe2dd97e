// onetable/text.h: the trims (ASCII only, with the wide blanks workers type, with a stray BOM),
// ASCII case folding, Join, Split and the affix tests.
#include "onetable/text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace onetable {
namespace {

struct TrimCase {
  std::string in;
  std::string ascii, wide, header;  // TrimBlank, TrimWideBlank, TrimHeaderBlank
};

class TrimTest : public testing::TestWithParam<TrimCase> {};

TEST_P(TrimTest, EachTrimRemovesItsBlanks) {
  const TrimCase& c = GetParam();
  EXPECT_EQ(TrimBlank(c.in), c.ascii);
  EXPECT_EQ(TrimWideBlank(c.in), c.wide);
  EXPECT_EQ(TrimHeaderBlank(c.in), c.header);
}

INSTANTIATE_TEST_SUITE_P(
    Blanks, TrimTest,
    testing::Values(TrimCase{"", "", "", ""}, TrimCase{" \t\r\n\v\f", "", "", ""},
                    TrimCase{" 张三 ", "张三", "张三", "张三"},
                    TrimCase{"\u3000张三\u3000", "\u3000张三\u3000", "张三", "张三"},
                    TrimCase{"\u00A0 张 三\u00A0", "\u00A0 张 三\u00A0", "张 三", "张 三"},
                    TrimCase{"\uFEFF姓名 ", "\uFEFF姓名", "\uFEFF姓名", "姓名"},
                    TrimCase{" \u3000\uFEFF\u3000姓名", "\u3000\uFEFF\u3000姓名",
                             "\uFEFF\u3000姓名", "姓名"}));

TEST(Text, AsciiLowerFoldsOnlyAscii) {
  EXPECT_EQ(AsciiLower("UTF-8 GBK Xlsx"), "utf-8 gbk xlsx");
  EXPECT_EQ(AsciiLower("ＡＢ张三"), "ＡＢ张三");  // full-width letters are not ASCII
  EXPECT_EQ(AsciiLower('Q'), 'q');
  EXPECT_EQ(AsciiLower('7'), '7');
}

TEST(Text, JoinAndSplitAreInverses) {
  EXPECT_EQ(Join({}, ","), "");
  EXPECT_EQ(Join({"a"}, ","), "a");
  EXPECT_EQ(Join({"a", "", "b"}, "、"), "a、、b");
  EXPECT_EQ(Split("", ','), (std::vector<std::string_view>{""}));
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_EQ(Split("/a/", '/'), (std::vector<std::string_view>{"", "a", ""}));
  for (const char* text : {"", "a", "a,b", ",a,", "张三,李四"}) {
    const std::vector<std::string_view> pieces = Split(text, ',');
    EXPECT_EQ(Join(std::vector<std::string>(pieces.begin(), pieces.end()), ","), text);
  }
}

TEST(Text, StartsAndEndsWith) {
  EXPECT_TRUE(StartsWith("otk_abc", "otk_"));
  EXPECT_FALSE(StartsWith("ot", "otk_"));
  EXPECT_TRUE(EndsWith("东风社区居委会", "居委会"));
  EXPECT_FALSE(EndsWith("会", "居委会"));
  EXPECT_TRUE(StartsWith("x", ""));
  EXPECT_TRUE(EndsWith("x", ""));
}

}  // namespace
}  // namespace onetable
