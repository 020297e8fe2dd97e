// Turning a department's blank template into a draft mapping: finding the header row below a
// title, skipping the empty tails of merged cells, matching labels, aliases, 户主 fields and tag
// attributes, and leaving what does not match as a commented placeholder.
#include "mapping/template_draft.h"

#include <gtest/gtest.h>

#include "mapping/mapping_spec.h"

namespace onetable::mapping {
namespace {

const Catalog& Shipped() {
  static const Catalog* catalog = [] {
    Result<Catalog> loaded = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? new Catalog(std::move(loaded).value()) : new Catalog();
  }();
  return *catalog;
}

TEST(TemplateDraftTest, HeadersMatchCatalogNames) {
  struct Case {
    const char* header;
    const char* value;
  } cases[] = {
      {"序号", "row_number()"},
      {"姓名", "name"},
      {"身份证号码", "id_number"},
      {"公民身份\n号码", "id_number"},  // a line break typed inside the header
      {"  性 别 ", "label(gender)"},
      {"出生年月", "birth_date"},
      {"年龄（周岁）", "age"},
      {"所属村（居）", "community.name"},
      {"网格", "grid.name"},
      {"家庭人口", "household.member_count"},
      {"户主姓名", "household.head.name"},
      {"户主身份证号", "household.head.id_number"},
      {"残疾人证号", "tag(disability).card_number"},
      {"救助类型", "label(tag(dibao).category)"},
      {"联系电话*", "phone"},
      {"银行卡号", "account_number"},  // a payment account (sensitive: masked unless granted)
      {"领取人签字", ""},
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(MatchColumn(Shipped(), c.header), c.value) << c.header;
}

TEST(TemplateDraftTest, HeaderBelowATitleAndMergedCells) {
  std::vector<std::vector<std::string>> rows = {
      {"某某社区高龄津贴发放花名册", "", "", ""},
      {"填报单位：", "", "填报日期：", ""},
      {"序号", "姓名", "身份证号码", "领取人签字", "", "备注"},  // 领取人签字 merged over two
      {"", "", "", ""},
  };
  auto draft = DraftMapping(Shipped(), rows, "tpl.xlsx", "");
  ASSERT_TRUE(draft.ok()) << draft.status().message();
  EXPECT_EQ(draft->header_row, 3);
  EXPECT_EQ(draft->title, "某某社区高龄津贴发放花名册");
  ASSERT_EQ(draft->unmatched.size(), 2u);
  EXPECT_EQ(draft->unmatched[0].header, "领取人签字");
  EXPECT_EQ(draft->unmatched[0].column, 4);
  EXPECT_EQ(draft->unmatched[1].column, 6);
  EXPECT_NE(draft->yaml.find("  - {header: \"身份证号码\", value: \"id_number\"}"),
            std::string::npos)
      << draft->yaml;
  EXPECT_NE(draft->yaml.find("  # - {header: \"领取人签字\", value: \"\"}"), std::string::npos);

  // The draft is a mapping the loader accepts as it is.
  auto spec = ParseMappingSpec(draft->yaml, "draft.yaml", Shipped());
  ASSERT_TRUE(spec.ok()) << spec.status().message() << "\n" << draft->yaml;
  EXPECT_EQ(spec->columns.size(), 3u);
  EXPECT_EQ(spec->title, "某某社区高龄津贴发放花名册");
}

TEST(TemplateDraftTest, TitleGivenAndQuotesInHeadersSurvive) {
  std::vector<std::vector<std::string>> rows = {{"姓名", "说明\"甲\": 乙"}};
  auto draft = DraftMapping(Shipped(), rows, "t.csv", "低保花名册");
  ASSERT_TRUE(draft.ok()) << draft.status().message();
  EXPECT_EQ(draft->title, "低保花名册");
  EXPECT_NE(draft->yaml.find("\"说明\\\"甲\\\": 乙\""), std::string::npos) << draft->yaml;
}

TEST(TemplateDraftTest, NoHeaderRowIsAnError) {
  auto draft = DraftMapping(Shipped(), {{"只有一个标题"}, {}}, "t.csv", "");
  ASSERT_FALSE(draft.ok());
  EXPECT_NE(draft.status().message().find("t.csv"), std::string::npos);
  EXPECT_NE(draft.status().message().find("找不到表头行"), std::string::npos);
}

}  // namespace
}  // namespace onetable::mapping
