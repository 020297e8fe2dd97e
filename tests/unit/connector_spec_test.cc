// Connector YAML: what a valid spec parses to, and every kind of mistake an admin makes,
// reported with file:line:col (all of them, not just the first).
#include "ingest/connector_spec.h"

#include <gtest/gtest.h>

#include <memory>

namespace onetable {
namespace {

class ConnectorSpecTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(c.ok()) << c.status().message();
    catalog_ = std::make_unique<Catalog>(std::move(*c));
  }
  static std::unique_ptr<Catalog> catalog_;
};
std::unique_ptr<Catalog> ConnectorSpecTest::catalog_;

const char kGood[] = R"(id: minzheng-dibao
title: 民政低保系统导出
type: csv
trust: 60
options: {path: exports/dibao-*.csv, encoding: gbk}
entity: person
match: {id_number: 身份证号}
fields:
  name: 姓名
  gender: {column: 性别, codes: {男: "1", 女: 女性}}
  phone: 联系电话
  household.household_number: 户号
tags:
  - {tag: dibao, when: '救助类型 in ("城市低保", "农村低保")', attrs: {category: 救助类型, amount: 保障金额, since: 认定日期}}
identity: {link: 0.9, review: 0.6}
conflict_threshold: 70
batch_size: 500
)";

TEST_F(ConnectorSpecTest, ParsesTheDesignExample) {
  auto spec = ParseConnectorSpec(kGood, "/etc/onetable/connectors/dibao.yaml", *catalog_);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->id, "minzheng-dibao");
  EXPECT_EQ(spec->type, "csv");
  EXPECT_EQ(spec->trust, 60);
  EXPECT_EQ(spec->base_dir, "/etc/onetable/connectors");
  EXPECT_EQ(spec->entity, EntityKind::kPerson);
  ASSERT_EQ(spec->options.size(), 2u);
  EXPECT_EQ(spec->options[0].key, "path");
  EXPECT_EQ(spec->options[1].value, "gbk");
  ASSERT_EQ(spec->match.size(), 1u);
  EXPECT_EQ(spec->match[0].field->key, "id_number");
  ASSERT_EQ(spec->fields.size(), 5u);  // id_number from match, then the four fields
  const FieldMapping* gender = spec->FindField(EntityKind::kPerson, "gender");
  ASSERT_NE(gender, nullptr);
  EXPECT_EQ(gender->source.column, "性别");
  EXPECT_EQ(gender->source.codes.at("男"), "1");
  EXPECT_EQ(gender->source.codes.at("女"), "2");  // a label is turned into its code
  EXPECT_NE(spec->FindField(EntityKind::kHousehold, "household_number"), nullptr);
  ASSERT_EQ(spec->tags.size(), 1u);
  EXPECT_EQ(spec->tags[0].tag->key, "dibao");
  ASSERT_TRUE(spec->tags[0].when.has_value());
  EXPECT_EQ(spec->tags[0].attrs.size(), 3u);
  EXPECT_DOUBLE_EQ(spec->link_score, 0.9);
  EXPECT_DOUBLE_EQ(spec->review_score, 0.6);
  EXPECT_EQ(spec->conflict_threshold, 70);
  EXPECT_EQ(spec->batch_size, 500);
  EXPECT_EQ(spec->fingerprint.size(), 64u);
}

TEST_F(ConnectorSpecTest, DefaultsWhenOmitted) {
  auto spec =
      ParseConnectorSpec("id: a\ntype: csv\nfields: {id_number: 身份证号}\n", "a.yaml", *catalog_);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->trust, 50);
  EXPECT_EQ(spec->entity, EntityKind::kPerson);
  EXPECT_DOUBLE_EQ(spec->link_score, kDefaultLinkScore);
  EXPECT_DOUBLE_EQ(spec->review_score, kDefaultReviewScore);
  EXPECT_EQ(spec->conflict_threshold, kDefaultConflictThreshold);
  EXPECT_EQ(spec->batch_size, kDefaultBatchSize);
  EXPECT_EQ(spec->base_dir, ".");
  EXPECT_EQ(spec->review_fields, (std::set<std::string>{"id_number", "name", "birth_date",
                                                         "gender", "household"}));
  auto own = ParseConnectorSpec(
      "id: a\ntype: csv\nfields: {id_number: 身份证号}\nreview_fields: [name, phone]\n", "a.yaml",
      *catalog_);
  ASSERT_TRUE(own.ok()) << own.status().message();
  EXPECT_EQ(own->review_fields, (std::set<std::string>{"name", "phone"}));
  // Only a connector that names its own list keeps it against the deployment's (onetable.yaml).
  EXPECT_FALSE(spec->review_fields_set);
  EXPECT_TRUE(own->review_fields_set);
}

TEST_F(ConnectorSpecTest, DeploymentReviewFieldsAreCheckedAgainstTheCatalog) {
  EXPECT_TRUE(CheckReviewFields({"id_number", "household", "phone", "building_code"}, *catalog_,
                                "onetable.yaml:3:16")
                  .ok());
  Status bad = CheckReviewFields({"name", "shoe_size"}, *catalog_, "onetable.yaml:3:16");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("onetable.yaml:3:16: review_fields 中的 “shoe_size”"),
            std::string::npos)
      << bad.message();
}

struct BadCase {
  const char* yaml;
  const char* where;    // "file:line:col" expected in the message
  const char* message;  // a part of it
};

TEST_F(ConnectorSpecTest, ReportsEachMistakeWithItsPosition) {
  const BadCase cases[] = {
      {"id: a\ntype: csv\nfields: {name: 姓名}\nfoo: 1\n", "x.yaml:4:1", "未知的配置项 “foo”"},
      {"id: A B\ntype: csv\nfields: {id_number: 身份证号}\n", "x.yaml:1:5", "id 只能由"},
      {"id: manual\ntype: csv\nfields: {id_number: 身份证号}\n", "x.yaml:1:5", "manual"},
      {"type: csv\nfields: {id_number: 身份证号}\n", "x.yaml:1:1", "缺少 id"},
      {"id: a\nfields: {id_number: 身份证号}\n", "x.yaml:1:1", "缺少 type"},
      {"id: a\ntype: csv\ntrust: 100\nfields: {id_number: 身份证号}\n", "x.yaml:3:8",
       "trust 应为 0–99"},
      {"id: a\ntype: csv\nentity: grid\nfields: {id_number: 身份证号}\n", "x.yaml:3:9",
       "entity 应为"},
      {"id: a\ntype: csv\nfields:\n  id_number: 身份证号\n  shoe_size: 鞋码\n", "x.yaml:5:3",
       "没有人员字段 “shoe_size”"},
      {"id: a\ntype: csv\nfields:\n  id_number: 身份证号\n  姓名: 姓名\n", "x.yaml:5:3",
       "是否指 name"},
      {"id: a\ntype: csv\nfields:\n  id_number: 身份证号\n  age: 年龄\n", "x.yaml:5:3",
       "由系统计算"},
      {"id: a\ntype: csv\nfields:\n  id_number: 身份证号\n  gender: {column: 性别, codes: {男: "
       "\"7\"}}\n",
       "x.yaml:5:35", "不是代码表"},
      {"id: a\ntype: csv\nfields:\n  id_number: 身份证号\n  phone: {column: 电话, codes: {a: b}}\n",
       "x.yaml:5:30", "codes 只能用于"},
      {"id: a\ntype: csv\nfields:\n  id_number: {col: 身份证号}\n", "x.yaml:4:15",
       "未知的配置项 “col”"},
      {"id: a\ntype: csv\nfields: {name: 姓名}\n", "x.yaml:1:1", "需要映射公民身份号码"},
      {"id: a\ntype: csv\nmatch: {name: 姓名}\nfields: {id_number: 身份证号}\n", "x.yaml:3:9",
       "不能作为人员的识别字段"},
      {"id: a\ntype: csv\nfields: {id_number: 身份证号}\ntags:\n  - {tag: nope}\n", "x.yaml:5:11",
       "没有专项标签 “nope”"},
      {"id: a\ntype: csv\nfields: {id_number: 身份证号}\ntags:\n  - {tag: dibao, attrs: {size: "
       "x}}\n",
       "x.yaml:5:26", "没有属性 “size”"},
      // Expression errors inside the scalar count characters too: 类型 is two.
      {"id: a\ntype: csv\nfields: {id_number: 身份证号}\ntags:\n  - tag: dibao\n    when: '类型 "
       "= \"低保\"'\n",
       "x.yaml:6:15", "when 条件有误：请用 == 表示相等"},
      {"id: a\ntype: csv\nfields: {id_number: 身份证号}\ntags:\n  - tag: dibao\n    when: \"备注 "
       "is empty\"\n",
       "x.yaml:6:15", "when 条件有误：“is empty” 请写作 == null"},
      {"id: a\ntype: csv\nfields: {id_number: 身份证号}\ntags:\n  - {tag: dibao, when: 救助类型}\n",
       "x.yaml:5:24", "救助类型 != null"},
      // yaml-cpp counts bytes; a line with Chinese before the mistake counts characters.
      {"id: a\ntype: csv\nfields: {id_number: 身份证号, 姓名: 姓名}\n", "x.yaml:3:27",
       "是否指 name"},
      {"id: a\ntype: csv\nentity: household\nfields: {household_number: 户号}\n", "x.yaml:1:1",
       "place"},
      {"id: a\ntype: csv\nfields: {id_number: 身份证号}\nidentity: {link: 0.5, review: 0.7}\n",
       "x.yaml:1:1", "identity.review 不能大于"},
      {"id: a\ntype: csv\nfields: {id_number: 身份证号}\nidentity: {link: 2}\n", "x.yaml:4:18",
       "0 到 1"},
      {"id: a\ntype: csv\nfields: {id_number: 身份证号}\nreview_fields: [name, shoe_size]\n",
       "x.yaml:4:23", "review_fields 中的 “shoe_size” 不是字段目录中"},
      {"id: a\ntype: csv\nfields: {id_number: 身份证号}\nreview_fields: name\n", "x.yaml:4:16",
       "review_fields 应为字段列表"},
      {"id: a\ntype: csv\nfields: {id_number: 身份证号}\nplace: {community: \"1\", grid: \"01\"}\n",
       "x.yaml:4:20", "12位"},
      {"id: a\ntype: csv\nfields: [a, b]\n", "x.yaml:3:9", "fields 应为"},
      {"id: a\ntype: csv\nfields: {id_number: 身份证号\n", "x.yaml:", "YAML 格式错误"},
      {"- a\n- b\n", "x.yaml:1:1", "键值对"},
      {"id: a\ntype: csv\nentity: person\nfields: {household.floor_area: 面积, id_number: "
       "身份证号}\n",
       "x.yaml:4:10", "不支持的上级字段"},
      // Transforms: checked like any expression, positions in characters.
      {"id: a\ntype: csv\nfields:\n  id_number: {value: \"substr(残疾人证号, '1', 18)\"}\n",
       "x.yaml:4:37", "value 表达式有误：substr() 的第 2 个参数应为 整数"},
      {"id: a\ntype: csv\nfields:\n  id_number: 身份证号\n  birth_date: {value: \"parse_date(出生, "
       "'MM')\"}\n",
       "x.yaml:5:39", "value 表达式有误：parse_date() 的日期格式中没有年份"},
      {"id: a\ntype: csv\nfields:\n  id_number: {column: 证号, value: \"trim(证号)\"}\n",
       "x.yaml:4:14", "不能同时有 column 和 value"},
      {"id: a\ntype: csv\nfields: {id_number: 身份证号}\nplacement: {create_grids: maybe}\n",
       "x.yaml:4:27", "create_grids 应为 true 或 false"},
      {"id: a\ntype: csv\nentity: household\nfields: {household_number: 户号}\nplace: {community: "
       "\"420581001001\", grid: \"01\"}\nplacement: {create_grids: false}\n",
       "x.yaml:6:12", "placement 只用于人员数据源"},
  };
  for (const BadCase& c : cases) {
    auto spec = ParseConnectorSpec(c.yaml, "x.yaml", *catalog_);
    ASSERT_FALSE(spec.ok()) << c.yaml;
    const std::string& m = spec.status().message();
    EXPECT_NE(m.find(std::string(c.where) + (std::string(c.where).back() == ':' ? "" : ": ")),
              std::string::npos)
        << c.yaml << "\n=> " << m;
    EXPECT_NE(m.find(c.message), std::string::npos) << c.yaml << "\n=> " << m;
  }
}

TEST_F(ConnectorSpecTest, TransformsAndPlacementColumns) {
  auto spec = ParseConnectorSpec(
      "id: cj\ntype: csv\nmatch: {id_number: {value: \"substr(残疾人证号, 1, 18)\"}}\nfields:\n"
      "  name: 姓名\n  community.name: 社区\n  grid.code: 网格\n  building.address: 楼栋\n"
      "  household.room: 房号\n  household.household_number: 户号\n"
      "placement: {create_grids: false, community: \"420581001001\"}\n",
      "x.yaml", *catalog_);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  ASSERT_EQ(spec->match.size(), 1u);
  ASSERT_TRUE(spec->match[0].source.value.has_value());
  EXPECT_EQ(spec->match[0].source.value->columns(), std::vector<std::string>{"残疾人证号"});
  EXPECT_FALSE(spec->create_grids);
  EXPECT_EQ(spec->placement_community, "420581001001");
  const FieldMapping* room = spec->FindField(EntityKind::kHousehold, "room");
  ASSERT_NE(room, nullptr);
  EXPECT_EQ(room->source.column, "房号");
  EXPECT_NE(spec->FindField(EntityKind::kCommunity, "name"), nullptr);
  EXPECT_NE(spec->FindField(EntityKind::kGrid, "code"), nullptr);
}

TEST_F(ConnectorSpecTest, ReportsAllProblemsNotJustTheFirst) {
  auto spec = ParseConnectorSpec(
      "id: a\ntype: csv\ntrust: 300\nfields:\n  id_number: 身份证号\n  bogus: x\nextra: 1\n",
      "x.yaml", *catalog_);
  ASSERT_FALSE(spec.ok());
  const std::string& m = spec.status().message();
  EXPECT_NE(m.find("x.yaml:3:8: "), std::string::npos) << m;
  EXPECT_NE(m.find("x.yaml:6:3: "), std::string::npos) << m;
  EXPECT_NE(m.find("x.yaml:7:1: "), std::string::npos) << m;
}

TEST_F(ConnectorSpecTest, MissingFileIsNotFound) {
  auto spec = LoadConnectorSpec("/nonexistent/x.yaml", *catalog_);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), StatusCode::kNotFound);
}

// --- options against the plugin's declarations ----------------------------------------------

const OtOptionDecl kDecls[] = {
    {"path", OT_OPTION_STRING, nullptr, "文件路径"},
    {"header_row", OT_OPTION_INT, "0", "表头所在行"},
    {"strict", OT_OPTION_BOOL, "false", "严格模式"},
    {"password", OT_OPTION_SECRET, "", "口令"},
};
const OtConnectorV1 kPlugin = {1, "csv", "测试", kDecls, 4, nullptr, nullptr, nullptr};

Result<std::vector<std::pair<std::string, std::string>>> Resolve(const Catalog& catalog,
                                                                 const std::string& options) {
  auto spec = ParseConnectorSpec(
      "id: a\ntype: csv\noptions: " + options + "\nfields: {id_number: 身份证号}\n", "x.yaml",
      catalog);
  EXPECT_TRUE(spec.ok()) << spec.status().message();
  if (!spec.ok()) return spec.status();
  return ResolveConnectorOptions(*spec, kPlugin);
}

TEST_F(ConnectorSpecTest, OptionsGetDefaultsInDeclarationOrder) {
  auto opts = Resolve(*catalog_, "{strict: yes, path: a.csv}");
  ASSERT_TRUE(opts.ok()) << opts.status().message();
  std::vector<std::pair<std::string, std::string>> expected = {
      {"path", "a.csv"}, {"header_row", "0"}, {"strict", "true"}, {"password", ""}};
  EXPECT_EQ(*opts, expected);
}

TEST_F(ConnectorSpecTest, OptionsFromEnvironment) {
  setenv("ONETABLE_TEST_SECRET", "s3cret", 1);
  auto opts = Resolve(*catalog_, "{path: a.csv, password: \"${ONETABLE_TEST_SECRET}\"}");
  ASSERT_TRUE(opts.ok()) << opts.status().message();
  EXPECT_EQ(opts->back().second, "s3cret");
  auto missing = Resolve(*catalog_, "{path: a.csv, password: \"${ONETABLE_TEST_UNSET_VAR}\"}");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("ONETABLE_TEST_UNSET_VAR 未设置"), std::string::npos);
}

TEST_F(ConnectorSpecTest, OptionErrorsNameTheLineAndNeverEchoSecrets) {
  auto opts = Resolve(*catalog_, "{header_row: abc, colour: red, strict: maybe}");
  ASSERT_FALSE(opts.ok());
  const std::string& m = opts.status().message();
  EXPECT_NE(m.find("x.yaml:3:28: 连接器 csv 没有选项 “colour”"), std::string::npos) << m;
  EXPECT_NE(m.find("x.yaml:3:23: 选项 header_row 应为整数"), std::string::npos) << m;
  EXPECT_NE(m.find("选项 strict 应为是否"), std::string::npos) << m;
  EXPECT_NE(m.find("x.yaml:3:10: 缺少连接器 csv 的必填选项 “path”"), std::string::npos) << m;
}

}  // namespace
}  // namespace onetable
