// Broken catalogs under tests/data/catalog/<case>/ (fields.yaml + codes/): Load reports every
// problem, in file order, each as "path:line:col: message" in Chinese.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "model/catalog.h"

namespace onetable {
namespace {

struct Expected {
  std::string where;   // "fields.yaml:5:5" or "codes/gender.csv:3", relative to the case dir
  std::string phrase;  // a key phrase of the message
};

struct Case {
  std::string dir;
  std::vector<Expected> problems;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"yaml_syntax", {{"fields.yaml:5:9", "YAML 语法错误"}}},
      {"top_level",
       {{"fields.yaml:1:1", "未知的属性“feilds”（是否想写 fields？）"},
        {"fields.yaml:1:1", "缺少 fields"},
        {"fields.yaml:3:7", "tags 应为列表"}}},
      {"field_errors",
       {{"fields.yaml:2:5", "缺少 label"},
        {"fields.yaml:5:5", "未知的属性“lable”（是否想写 label？）"},
        {"fields.yaml:11:11", "未知的类型“telephone”"},
        {"fields.yaml:13:13", "未知的实体“villige”"},
        {"fields.yaml:22:18", "未知的敏感级别“secret”"},
        {"fields.yaml:23:10", "字段 key “phone” 重复（第 7 行已定义）"},
        {"fields.yaml:32:11", "必须用 codes 指定代码表"},
        {"fields.yaml:38:12", "未知的代码表“gb3304-ethnicity”"},
        {"fields.yaml:44:14", "pattern 不是有效的正则表达式"},
        {"fields.yaml:45:5", "缺少 key"},
        {"fields.yaml:45:5", "缺少 type"},
        {"fields.yaml:48:10", "“status” 是每张表都有的结构列"},
        {"fields.yaml:50:13", "未知的模块“其他”"},
        {"fields.yaml:58:5", "表头“出生日期”已用于人员字段 birth_date"},
        {"fields.yaml:64:17", "max_length 应为正整数"},
        {"fields.yaml:65:5", "表头“出生日期”已用于人员字段 birth_date"},
        {"fields.yaml:71:16", "encrypted: true 只用于存储的 string 字段"}}},
      {"tag_errors",
       {{"fields.yaml:9:5", "标签缺少 department"},
        // Columns count characters, not bytes: 保障金额 before the mistake is four columns.
        {"fields.yaml:13:42", "未知的类型“money”"},
        {"fields.yaml:15:15", "标签属性 key “since” 重复（第 14 行已定义）"},
        {"fields.yaml:16:10", "标签 key “dibao” 重复（第 9 行已定义）"},
        {"fields.yaml:23:57", "未知的代码表“veteran-category”"},
        {"fields.yaml:24:9", "缺少 type"},
        {"fields.yaml:24:34", "未知的属性“typ”（是否想写 type？）"}}},
      {"bad_codes",
       {{"codes/ethnicity.csv:1", "第一行应为表头 code,label"},
        {"codes/gender.csv:3", "应有 2 列（code,label），实有 3 列"},
        {"codes/gender.csv:4", "代码“1”重复（第 2 行已有）"},
        {"codes/gender.csv:5", "代码为空"},
        {"codes/gender.csv:6", "名称为空"}}},
      {"missing_fields", {{"fields.yaml", "无法读取字段目录文件"}}},
  };
  return cases;
}

class CatalogErrorsTest : public ::testing::TestWithParam<Case> {};

TEST_P(CatalogErrorsTest, ReportsEveryProblemWithItsLocation) {
  const Case& tc = GetParam();
  const std::string dir = std::string(ONETABLE_TEST_DATA) + "/catalog/" + tc.dir;
  Result<Catalog> loaded = Catalog::Load(dir);
  ASSERT_FALSE(loaded.ok()) << tc.dir << " loaded although it is broken";
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  std::vector<std::string> lines = Lines(loaded.status().message());
  ASSERT_EQ(lines.size(), tc.problems.size()) << loaded.status().message();
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string prefix = dir + "/" + tc.problems[i].where + ": ";
    EXPECT_EQ(lines[i].compare(0, prefix.size(), prefix), 0)
        << "line " << i << ": " << lines[i] << "\nexpected prefix: " << prefix;
    EXPECT_NE(lines[i].find(tc.problems[i].phrase), std::string::npos)
        << "line " << i << ": " << lines[i] << "\nexpected phrase: " << tc.problems[i].phrase;
  }
}

INSTANTIATE_TEST_SUITE_P(CatalogBroken, CatalogErrorsTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.dir; });

// The fixtures' shared base is itself valid, so each failure above is the fixture's mistake.
TEST(CatalogLoadErrors, MinimalCatalogLoads) {
  Result<Catalog> loaded = Catalog::Load(std::string(ONETABLE_TEST_DATA) + "/catalog/good");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->fields().size(), 2u + 23u);  // name, gender and the rest of the required keys
  ASSERT_EQ(loaded->tags().size(), 1u);
  EXPECT_EQ(loaded->tags()[0].module, "专项信息");  // default for tags
  EXPECT_EQ(loaded->tags()[0].sensitivity, Sensitivity::kSensitive);
  ASSERT_NE(loaded->tags()[0].FindAttribute("hours"), nullptr);
  EXPECT_EQ(loaded->tags()[0].FindAttribute("hours")->where.line, 44);
}

// A catalog that parses but lacks a key the code names fails, naming each missing key.
TEST(CatalogLoadErrors, MissingRequiredKeysAreNamed) {
  const std::string dir = testing::TempDir() + "catalog_required_keys";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string good = std::string(ONETABLE_TEST_DATA) + "/catalog/good";
  std::filesystem::copy(good + "/codes", dir + "/codes", std::filesystem::copy_options::recursive);
  std::ifstream in(good + "/fields.yaml");
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* line :
       {"  - {key: id_number, entity: person,", "  - {key: room, entity: household,"}) {
    const size_t at = yaml.find(line);
    ASSERT_NE(at, std::string::npos) << line;
    yaml.erase(at, yaml.find('\n', at) + 1 - at);
  }
  std::ofstream(dir + "/fields.yaml") << yaml;
  Result<Catalog> loaded = Catalog::Load(dir);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  std::vector<std::string> lines = Lines(loaded.status().message());
  ASSERT_EQ(lines.size(), 2u) << loaded.status().message();
  EXPECT_NE(lines[0].find("缺少字段 household.room"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("缺少字段 person.id_number"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[0].compare(0, dir.size() + 13, dir + "/fields.yaml:"), 0) << lines[0];
}

TEST(CatalogLoadErrors, MissingSchemaDirectory) {
  const std::string dir = std::string(ONETABLE_TEST_DATA) + "/catalog/does_not_exist";
  Result<Catalog> loaded = Catalog::Load(dir);
  ASSERT_FALSE(loaded.ok());
  std::vector<std::string> lines = Lines(loaded.status().message());
  ASSERT_EQ(lines.size(), 2u) << loaded.status().message();
  EXPECT_EQ(lines[0], dir + "/fields.yaml: 无法读取字段目录文件");
  EXPECT_EQ(lines[1], dir + "/codes: 代码表目录不存在");
}

TEST(CatalogLoadErrors, LoadCodeTableReportsEveryBadLine) {
  const std::string path = std::string(ONETABLE_TEST_DATA) + "/catalog/bad_codes/codes/gender.csv";
  Result<CodeTable> table = LoadCodeTable(path);
  ASSERT_FALSE(table.ok());
  std::vector<std::string> lines = Lines(table.status().message());
  ASSERT_EQ(lines.size(), 4u) << table.status().message();
  EXPECT_EQ(lines[0].rfind(path + ":3: ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[3].rfind(path + ":6: ", 0), 0u) << lines[3];
}

}  // namespace
}  // namespace onetable
