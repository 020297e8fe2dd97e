// Where a byte of UTF-8 text is as people count it: character columns (not bytes) on lines with
// Chinese, for every YAML loader's file:line:col; and a yaml-cpp Mark turned into one.
#include <gtest/gtest.h>

#include <string>

#include "model/yaml_location.h"
#include "onetable/utf8.h"

namespace onetable {
namespace {

TEST(TextPosition, ColumnsCountCharactersNotBytes) {
  const std::string line = "label: 姓名, type: x";  // 姓名 is six bytes, two characters
  const auto column = [](std::string_view text, size_t offset) {
    return utf8::LineColumnAt(text, offset).column;
  };
  EXPECT_EQ(column(line, 0), 1);
  EXPECT_EQ(column(line, 7), 8);                   // 姓
  EXPECT_EQ(column(line, line.find("type")), 12);  // after 姓名,
  EXPECT_EQ(column(line, line.size()), 19);        // the end
  EXPECT_EQ(column(line, line.size() + 5), 19);    // clamped
  EXPECT_EQ(column("a\r", 2), 2);                  // a carriage return is no character
}

TEST(TextPosition, LinesRestartTheColumn) {
  const std::string text = "甲: 1\n乙乙: [x\n";
  EXPECT_EQ(utf8::LineColumnAt(text, text.find('[')).line, 2);
  EXPECT_EQ(utf8::LineColumnAt(text, text.find('[')).column, 5);
  EXPECT_EQ(utf8::LineColumnAt(text, 0).line, 1);
  EXPECT_EQ(utf8::LineColumnAt(text, 0).column, 1);
}

TEST(TextPosition, YamlMarksBecomeCharacterColumns) {
  const std::string text = "fields: {名字: x, 类型: y}\n";
  YAML::Node root = YAML::Load(text);
  const YAML::Node y = root["fields"]["类型"];
  EXPECT_GT(y.Mark().column + 1, 21);  // yaml-cpp counts bytes
  SourceLocation at = YamlLocation("f.yaml", text, y.Mark());
  EXPECT_EQ(at.ToString(), "f.yaml:1:21");
  EXPECT_EQ(YamlLocation("f.yaml", text, YAML::Mark::null_mark()).line, 0);
}

}  // namespace
}  // namespace onetable
