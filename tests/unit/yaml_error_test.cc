// yaml-cpp's errors as the people who read them need them: in Chinese, at the place of the
// mistake (an unclosed bracket, not the line after it).
#include "model/yaml_error.h"

#include <gtest/gtest.h>

#include <string>

namespace onetable {
namespace {

struct Case {
  const char* text;
  int line;    // 1-based, as an editor counts
  int column;  // 1-based, in bytes (YamlLocation turns these into characters)
  const char* message;
};

TEST(YamlErrorTest, SaysWhatAndWhereInChinese) {
  const Case cases[] = {
      // An open "{" with its "}" missing: at the bracket, not at the next line's start.
      {"id: a\ncolumns:\n  - {header: 姓名, value: name\n  - {header: 性别, value: gender}\n", 3, 5,
       "花括号 { 没有对应的 }"},
      // The next line's "- " inside the still open map: the brace is still the mistake.
      {"columns:\n  - {header: 姓名, value: name\n  - {header: 性别, value: gender}\n  - {header: 年龄}\n",
       2, 5, "花括号 { 没有对应的 }"},
      // Brackets inside quotes and comments do not count.
      {"a: \"{\"  # {\nb: [1, 2\nc: 3\n", 2, 4, "方括号 [ 没有对应的 ]"},
      {"a: 1\n  b: 2\n", 2, 4, "此处不能出现“: ”（值中含冒号请加引号，或检查缩进）"},
      {"a: [1, 2]]\n", 1, 10, "多余的 } 或 ]"},
      {"a: \"x\\q\"\n", 1, 8, "未知的转义字符：q"},
  };
  for (const Case& c : cases) {
    try {
      YAML::Load(c.text);
      ADD_FAILURE() << "parsed: " << c.text;
    } catch (const YAML::Exception& e) {
      const YamlError error = DescribeYamlError(c.text, e);
      EXPECT_EQ(error.message, c.message) << c.text;
      EXPECT_EQ(error.mark.line + 1, c.line) << c.text;
      EXPECT_EQ(error.mark.column + 1, c.column) << c.text;
    }
  }
}

TEST(YamlErrorTest, KeepsWhatItDoesNotKnow) {
  EXPECT_EQ(YamlMessageChinese("something new"), "something new");
  EXPECT_EQ(YamlMessageChinese("unknown escape character: q"), "未知的转义字符：q");
}

}  // namespace
}  // namespace onetable
