// Table requests, the pure parts: the form's rules (each failure names its field), the draft YAML
// made from a template (blank columns for unmatched headers), how each column fills for a
// department, narrowing the draft to the approved columns and scope, and the grants an approval
// of masked-by-default columns implies.
#include "requests/request_draft.h"

#include <gtest/gtest.h>

#include "mapping/mapping_spec.h"
#include "requests/request_form.h"

namespace onetable::requests {
namespace {

const Catalog& Shipped() {
  static const Catalog* catalog = [] {
    Result<Catalog> loaded = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? new Catalog(std::move(loaded).value()) : new Catalog();
  }();
  return *catalog;
}

RequestForm GoodForm() {
  RequestForm f;
  f.title = " 困难群众慰问名册 ";
  f.purpose = "春节走访慰问困难群众";
  f.legal_basis = "《社会救助暂行办法》";
  f.as_of_rule = "{year}-01-31";
  f.frequency = kMonthly;
  f.contact = "王科长";
  f.template_name = "慰问名册.xlsx";
  f.template_bytes = "PK...";
  return f;
}

TEST(RequestFormTest, EachBadFieldIsNamed) {
  struct Case {
    void (*spoil)(RequestForm*);
    const char* field;
  } cases[] = {
      {[](RequestForm* f) { f->title = "  "; }, "title"},
      {[](RequestForm* f) { f->title = "两行\n标题"; }, "title"},
      {[](RequestForm* f) { f->purpose = "慰问"; }, "purpose"},
      {[](RequestForm* f) { f->legal_basis = ""; }, "legal_basis"},
      {[](RequestForm* f) { f->as_of_rule = "明年"; }, "as_of"},
      {[](RequestForm* f) { f->frequency = "weekly"; }, "frequency"},
      {[](RequestForm* f) { f->contact = "王"; }, "contact"},
      {[](RequestForm* f) { f->template_name = "模板.pdf"; }, "template"},
      {[](RequestForm* f) { f->template_bytes.clear(); }, "template"},
      {[](RequestForm* f) { f->template_bytes.assign(kMaxTemplateBytes + 1, 'x'); }, "template"},
      {[](RequestForm* f) { f->title = std::string("\xff\xfe"); }, "title"},
  };
  for (const Case& c : cases) {
    RequestForm form = GoodForm();
    c.spoil(&form);
    std::string field;
    Status st = CheckRequestForm(&form, &field);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(field, c.field) << st.message();
  }
  RequestForm form = GoodForm();
  std::string field;
  ASSERT_TRUE(CheckRequestForm(&form, &field).ok());
  EXPECT_EQ(form.title, "困难群众慰问名册");  // trimmed
}

TEST(RequestFormTest, StatusLabelsArePeoplesWords) {
  EXPECT_EQ(StatusLabel(kSubmitted), "已提交");
  EXPECT_EQ(StatusLabel(kDrafted), "草稿已生成");
  EXPECT_EQ(StatusLabel(kInReview), "审核中");
  EXPECT_EQ(StatusLabel(kAwaitingGrant), "待授权");
  EXPECT_EQ(StatusLabel(kApproved), "已通过");
  EXPECT_FALSE(UnderReview(kAwaitingGrant));
  EXPECT_EQ(StatusLabel(kDeclined), "已退回");
  EXPECT_TRUE(UnderReview(kDrafted));
  EXPECT_FALSE(UnderReview(kApproved));
}

TEST(RequestDraftTest, DefaultIdsAreValidMappingIds) {
  EXPECT_EQ(DefaultMappingId("minzheng", 7), "minzheng/request-7");
  EXPECT_EQ(DefaultMappingId("MinZheng.ju", 7), "minzheng-ju/request-7");
  EXPECT_EQ(DefaultMappingId("民政局", 7), "requests/request-7");
}

TEST(RequestDraftTest, DraftFillsForADepartmentAndNarrows) {
  const Catalog& catalog = Shipped();
  const std::vector<std::vector<std::string>> rows = {
      {"困难群众慰问名册"}, {"序号", "姓名", "联系电话", "低保类别", "签字 \"本人\""}};
  Result<mapping::MappingDraft> draft = mapping::DraftMapping(catalog, rows, "t.xlsx", "");
  ASSERT_TRUE(draft.ok()) << draft.status().message();
  RequestForm form = GoodForm();
  form.title = "慰问\"名册\"";  // quotes survive the YAML
  const std::string yaml = RequestDraftYaml(*draft, form, "minzheng/request-1", "民政局");
  Result<mapping::MappingSpec> spec = mapping::ParseMappingSpec(yaml, "draft.yaml", catalog);
  ASSERT_TRUE(spec.ok()) << spec.status().message() << "\n" << yaml;
  EXPECT_EQ(spec->title, "慰问\"名册\"");
  EXPECT_EQ(spec->legal_basis, "《社会救助暂行办法》");
  EXPECT_EQ(spec->as_of, "{year}-01-31");
  ASSERT_EQ(spec->columns.size(), 5u);

  AccessPolicy policy(catalog);
  AppContext app{catalog, policy, {}, nullptr};
  Principal dept;
  dept.role = Role::kDepartment;
  DraftPlan plan = PlanColumns(app, dept, *spec);
  ASSERT_EQ(plan.columns.size(), 5u);
  EXPECT_EQ(plan.columns[0].fill, ColumnFill::kNumber);
  EXPECT_EQ(plan.columns[1].fill, ColumnFill::kRegister);
  EXPECT_EQ(plan.columns[2].fill, ColumnFill::kIdentifier);  // a phone: masked by default
  EXPECT_EQ(plan.columns[3].fill, ColumnFill::kSensitive);
  EXPECT_EQ(plan.columns[4].fill, ColumnFill::kBlank);
  EXPECT_EQ(plan.SensitiveHeaders(), (std::vector<std::string>{"联系电话", "低保类别"}));
  // With the grants, the same columns are the register's.
  dept.grants = {"sensitive:dibao", "minzheng/request-1:联系电话"};
  EXPECT_EQ(PlanColumns(app, dept, *spec).columns[2].fill, ColumnFill::kRegister);
  EXPECT_EQ(PlanColumns(app, dept, *spec).columns[3].fill, ColumnFill::kRegister);
  dept.grants.clear();

  // The grants for exactly the chosen masked columns.
  Result<std::vector<std::string>> grants = GrantsFor(app, dept, *spec, {"联系电话"});
  ASSERT_TRUE(grants.ok()) << grants.status().message();
  EXPECT_EQ(*grants, std::vector<std::string>{"minzheng/request-1:联系电话"});
  grants = GrantsFor(app, dept, *spec, {"低保类别", "联系电话"});
  ASSERT_TRUE(grants.ok()) << grants.status().message();
  EXPECT_EQ(*grants, (std::vector<std::string>{"minzheng/request-1:联系电话", "sensitive:dibao"}));
  grants = GrantsFor(app, dept, *spec, {});
  ASSERT_TRUE(grants.ok());
  EXPECT_EQ(*grants, std::vector<std::string>{"minzheng/request-1"});
  EXPECT_FALSE(GrantsFor(app, dept, *spec, {"姓名"}).ok()) << "not masked: nothing to grant";
  EXPECT_FALSE(GrantsFor(app, dept, *spec, {"不存在的列"}).ok());

  Result<std::string> narrowed =
      NarrowColumns(yaml, {"序号", "姓名", "签字 \"本人\""}, {}, "由申请 #1 生成");
  ASSERT_TRUE(narrowed.ok()) << narrowed.status().message();
  Result<mapping::MappingSpec> published =
      mapping::ParseMappingSpec(*narrowed, "published.yaml", catalog);
  ASSERT_TRUE(published.ok()) << published.status().message() << "\n" << *narrowed;
  EXPECT_EQ(published->Headers(), (std::vector<std::string>{"序号", "姓名", "签字 \"本人\""}));
  EXPECT_EQ(published->id, "minzheng/request-1");
  EXPECT_EQ(narrowed->rfind("# 由申请 #1 生成", 0), 0u);

  EXPECT_FALSE(NarrowColumns(yaml, {}, {}, "").ok());
  EXPECT_FALSE(NarrowColumns(yaml, {"不存在的列"}, {}, "").ok());
  EXPECT_FALSE(NarrowColumns("columns: [", {"序号"}, {}, "").ok());
  EXPECT_FALSE(NarrowColumns("title: x\n", {"序号"}, {}, "").ok());

  // A scope narrows the where clause, and the result still checks.
  Result<std::string> scoped =
      NarrowColumns(yaml, {"序号", "姓名"}, {"420581001001", "420581001002"}, "x");
  ASSERT_TRUE(scoped.ok()) << scoped.status().message();
  Result<mapping::MappingSpec> in_scope = mapping::ParseMappingSpec(*scoped, "s.yaml", catalog);
  ASSERT_TRUE(in_scope.ok()) << in_scope.status().message() << "\n" << *scoped;
  EXPECT_EQ(in_scope->where_text,
            "(alive) and community.code in (\"420581001001\", \"420581001002\")");
}

}  // namespace
}  // namespace onetable::requests
