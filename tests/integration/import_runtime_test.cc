// The ingest runtime in-process, on the store chosen by ONETABLE_TEST_STORE, fed by a static
// in-memory connector (the Connector seam): batches and counts, quarantine, identity
// resolution, survivorship with provenance, tags, the review queue, and clean aborts.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "fakes/memory_connector.h"
#include "ingest/connector_spec.h"
#include "ingest/plugin_loader.h"
#include "ingest/review_queue.h"
#include "ingest/runtime.h"
#include "model/id_number.h"
#include "model/validation.h"
#include "store/store.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

std::string Id(int serial, const std::string& birth = "19800101") {
  char seq[8];
  std::snprintf(seq, sizeof seq, "%03d", serial);
  std::string first17 = "420581" + birth + seq;
  return first17 + IdCheckCharacter(first17);
}

class ImportRuntime : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    RegisterStaticConnector("memory", &MemoryConnector);
    auto c = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(c.ok()) << c.status().message();
    catalog_ = new Catalog(std::move(*c));
    validator_ = new Validator(*catalog_, nullptr);
  }
  void SetUp() override {
    g_tables.clear();
    dir_ = MakeTempDir();
    auto store = OpenStore(TestStoreUrl(dir_), *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    plugin_ = std::move(*LoadConnector("memory", "/nonexistent"));
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  ConnectorSpec Spec(const std::string& yaml) {
    auto spec = ParseConnectorSpec(yaml, dir_ + "/c.yaml", *catalog_);
    EXPECT_TRUE(spec.ok()) << spec.status().message();
    return spec.ok() ? *spec : ConnectorSpec();
  }

  Result<ImportResult> Run(const ConnectorSpec& spec, size_t batch = 2) {
    Importer importer(store_.get(), *catalog_, *validator_);
    ImportOptions options;
    options.batch_size = batch;
    return importer.Run(spec, *plugin_, options);
  }

  // Runs and checks the report: read, new, updated, unchanged, linked, review, rejected.
  ImportRun Expect(const ConnectorSpec& spec, std::vector<int64_t> counts) {
    auto r = Run(spec);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return {};
    const ImportRun& run = r->run;
    std::vector<int64_t> got = {run.read,   run.created, run.updated, run.unchanged,
                                run.linked, run.review,  run.rejected};
    EXPECT_EQ(got, counts) << ImportReportJson(run, r->warnings, "");
    EXPECT_EQ(run.status, kImportDone);
    return run;
  }

  Row Person(const std::string& id_number) {
    auto row = store_->FindBy(EntityKind::kPerson, "id_number", id_number);
    EXPECT_TRUE(row.ok()) << row.status().message();
    return row.ok() ? *row : Row();
  }
  int64_t Persons() { return *store_->Count(EntityKind::kPerson, {}); }
  std::string SourceOf(int64_t person, const std::string& field) {
    auto prov = store_->Provenance(EntityKind::kPerson, person);
    for (const auto& o : *prov) {
      if (o.field == field) return o.source;
    }
    return "";
  }

  bool PinnedOf(int64_t person, const std::string& field) {
    auto prov = store_->Provenance(EntityKind::kPerson, person);
    for (const auto& o : *prov) {
      if (o.field == field) return o.pinned;
    }
    return false;
  }

  static Catalog* catalog_;
  static Validator* validator_;
  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ConnectorPlugin> plugin_;
};
Catalog* ImportRuntime::catalog_ = nullptr;
Validator* ImportRuntime::validator_ = nullptr;

const char kDibao[] = R"(id: dibao
title: 低保
type: memory
trust: 60
options: {table: dibao}
match: {id_number: 身份证号}
fields:
  name: 姓名
  gender: {column: 性别, codes: {男: "1", 女: "2"}}
  phone: 联系电话
tags:
  - {tag: dibao, when: '救助类型 in ("城市低保", "农村低保")', attrs: {category: 救助类型, amount: 保障金额}}
)";

std::vector<Record> DibaoRows() {
  return {
      {{"姓名", "张三"},
       {"公民身份号码", Id(1)},
       {"性别", "男"},
       {"联系电话", "13800000001"},
       {"救助类型", "城市低保"},
       {"保障金额", "650"}},
      {{"姓名", "李四"},
       {"公民身份号码", Id(2, "19800202")},
       {"性别", "女"},
       {"联系电话", "13800000002"},
       {"救助类型", "农村低保"},
       {"保障金额", "420.50"}},
      {{"姓名", "王五"},
       {"公民身份号码", Id(3)},
       {"性别", "男"},
       {"联系电话", "13800000003"},
       {"救助类型", "临时救助"},
       {"保障金额", ""}},
      {{"姓名", "坏号"},
       {"公民身份号码", "420581198001010000"},
       {"性别", "男"},
       {"联系电话", "13800000004"},
       {"救助类型", "城市低保"},
       {"保障金额", "1"}},
      {{"姓名", "赵六"},
       {"公民身份号码", Id(5)},
       {"性别", "未知码"},
       {"联系电话", ""},
       {"救助类型", ""},
       {"保障金额", ""}},
      {{"!reject", "第 6 行有 3 列，表头有 6 列"}},
      {{"姓名", "孙七"},
       {"公民身份号码", Id(8)},
       {"性别", "女"},
       {"联系电话", "13800000007"},
       {"救助类型", "城市低保"},
       {"保障金额", "abc"}},
  };
}

TEST_F(ImportRuntime, ImportTwiceThenChangeThreeRows) {
  g_tables["dibao"] = DibaoRows();
  ConnectorSpec spec = Spec(kDibao);
  // 7 rows: 3 good, bad ID, unknown gender code, a ragged row, a bad amount.
  ImportRun first = Expect(spec, {7, 3, 0, 0, 0, 0, 4});
  EXPECT_EQ(Persons(), 3);
  Row zhang = Person(Id(1));
  EXPECT_EQ(*zhang.Get("name"), "张三");
  EXPECT_EQ(*zhang.Get("gender"), "1");
  EXPECT_EQ(*zhang.Get("birth_date"), "1980-01-01");  // filled from the ID number
  EXPECT_EQ(SourceOf(zhang.id, "phone"), "dibao");

  // Quarantine: file, row, column and reason for each bad row.
  auto q = store_->ListQuarantine(first.id, 0, 100);
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 4u);
  std::stable_sort(q->begin(), q->end(),
                   [](const auto& a, const auto& b) { return a.row < b.row; });
  EXPECT_EQ((*q)[0].row, 4);
  EXPECT_EQ((*q)[0].column, "公民身份号码");
  EXPECT_NE((*q)[0].reason.find("公民身份号码"), std::string::npos) << (*q)[0].reason;
  EXPECT_EQ((*q)[1].row, 5);
  EXPECT_EQ((*q)[1].column, "性别");
  EXPECT_NE((*q)[1].reason.find("未知码"), std::string::npos) << (*q)[1].reason;
  EXPECT_EQ((*q)[2].row, 6);
  EXPECT_EQ((*q)[2].column, "");
  EXPECT_EQ((*q)[2].reason, "第 6 行有 3 列，表头有 6 列");
  EXPECT_EQ((*q)[3].column, "保障金额");
  EXPECT_EQ((*q)[3].location, "mem");

  // Tags by rule: 张三 and 李四 (低保), not 王五 (临时救助).
  auto tags = store_->ListTags(zhang.id);
  ASSERT_EQ(tags->size(), 1u);
  EXPECT_EQ((*tags)[0].tag, "dibao");
  EXPECT_EQ((*tags)[0].attrs.at("amount"), "650");
  EXPECT_EQ((*tags)[0].source, "dibao");
  EXPECT_TRUE(store_->ListTags(Person(Id(3)).id)->empty());

  ASSERT_TRUE(store_->SetCursor("dibao", "").ok());  // a file source would re-read everything
  Expect(spec, {7, 0, 0, 3, 0, 0, 4});

  // Change three rows at the source: a phone, a name, and 低保 ending.
  auto& rows = g_tables["dibao"];
  rows[0][3].second = "13900000001";
  rows[1][0].second = "李四娘";
  rows[2][4].second = "城市低保";
  rows[2][5].second = "300";
  ASSERT_TRUE(store_->SetCursor("dibao", "").ok());
  Expect(spec, {7, 0, 3, 0, 0, 0, 4});
  EXPECT_EQ(*Person(Id(1)).Get("phone"), "13900000001");
  EXPECT_EQ(*Person(Id(2, "19800202")).Get("name"), "李四娘");
  EXPECT_EQ(store_->ListTags(Person(Id(3)).id)->size(), 1u);
  auto history = store_->History(EntityKind::kPerson, zhang.id, "phone");
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].value, "13800000001");
  EXPECT_EQ(Persons(), 3);

  // 低保 ends for 张三: the tag this source gave goes.
  rows[0][4].second = "";
  ASSERT_TRUE(store_->SetCursor("dibao", "").ok());
  Expect(spec, {7, 0, 1, 2, 0, 0, 4});
  EXPECT_TRUE(store_->ListTags(zhang.id)->empty());

  auto runs = store_->ListImportRuns("dibao", 0, 10);
  ASSERT_EQ(runs->size(), 4u);
  EXPECT_EQ((*runs)[3].status, kImportDone);
  EXPECT_EQ((*runs)[3].updated, 1);
}

TEST_F(ImportRuntime, TagRuleComparesNumbersAndWarnsOfAColumnTheSourceLacks) {
  g_tables["dibao"] = DibaoRows();
  std::string yaml = kDibao;
  const size_t tags = yaml.find("tags:");
  yaml.replace(tags, std::string::npos,
               "tags:\n  - {tag: dibao, when: '保障金额 > 500 and 备注 == null', "
               "attrs: {amount: 保障金额}}\n");
  ConnectorSpec spec = Spec(yaml);
  auto r = Run(spec);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // 孙七's amount "abc" is no number: the rule does not hold, so no bad attribute rejects him.
  std::vector<int64_t> got = {r->run.read, r->run.created, r->run.rejected};
  EXPECT_EQ(got, (std::vector<int64_t>{7, 4, 3}));
  // 650 > 500 as numbers; 420.50 is not; a blank amount is null and so is the absent 备注.
  auto zhang = store_->ListTags(Person(Id(1)).id);
  ASSERT_EQ(zhang->size(), 1u);
  EXPECT_EQ((*zhang)[0].attrs.at("amount"), "650");
  EXPECT_TRUE(store_->ListTags(Person(Id(2, "19800202")).id)->empty());
  EXPECT_TRUE(store_->ListTags(Person(Id(3)).id)->empty());
  EXPECT_TRUE(store_->ListTags(Person(Id(8)).id)->empty());
  bool warned = false;
  for (const std::string& w : r->warnings) {
    warned =
        warned || w.find("来源中没有列 “备注”：标签规则的条件把它读作空值") != std::string::npos;
  }
  EXPECT_TRUE(warned) << ImportReportJson(r->run, r->warnings, "");
}

TEST_F(ImportRuntime, CursorResumesWhereTheLastCommittedBatchEnded) {
  g_tables["dibao"] = DibaoRows();
  ConnectorSpec spec = Spec(kDibao);
  Expect(spec, {7, 3, 0, 0, 0, 0, 4});
  EXPECT_EQ(*store_->GetCursor("dibao"), "7");
  g_tables["dibao"].push_back({{"姓名", "周八"}, {"公民身份号码", Id(9)}, {"性别", "男"}});
  Expect(spec, {1, 1, 0, 0, 0, 0, 0});  // only the new row is read
}

const char kHighTrust[] = R"(id: gongan
type: memory
trust: 80
options: {table: gongan}
match: {id_number: 身份证号}
fields: {name: 姓名, phone: 电话, current_address: 现住址}
)";

TEST_F(ImportRuntime, TwoSourcesTheMoreTrustedWinsAndProvenanceSaysWhy) {
  g_tables["dibao"] = {
      {{"姓名", "张三"}, {"身份证号", Id(1)}, {"性别", "男"}, {"联系电话", "13800000001"}},
      {{"姓名", "李四"}, {"身份证号", Id(2)}, {"性别", "女"}, {"联系电话", "13800000002"}}};
  g_tables["gongan"] = {
      {{"姓名", "张叁"}, {"身份证号", Id(1)}, {"电话", "13811111111"}, {"现住址", "清江大道1号"}},
      {{"姓名", "李四"}, {"身份证号", Id(2)}, {"电话", ""}, {"现住址", "清江大道2号"}}};
  ConnectorSpec dibao = Spec(kDibao), gongan = Spec(kHighTrust);
  Expect(dibao, {2, 2, 0, 0, 0, 0, 0});
  // Both linked by ID number; two fields of 张三 disagree between two trusted sources. Only the
  // name needs a person (review_fields' default); the phone is settled by trust alone.
  Expect(gongan, {2, 0, 2, 0, 2, 1, 0});
  Row zhang = Person(Id(1));
  EXPECT_EQ(*zhang.Get("name"), "张叁");
  EXPECT_EQ(*zhang.Get("phone"), "13811111111");
  EXPECT_EQ(*zhang.Get("gender"), "1");  // only 低保 knows it
  EXPECT_EQ(SourceOf(zhang.id, "name"), "gongan");
  EXPECT_EQ(SourceOf(zhang.id, "gender"), "dibao");
  EXPECT_EQ(store_->History(EntityKind::kPerson, zhang.id, "phone")->front().value,
            "13800000001");  // the settled loser is history
  Row li = Person(Id(2));
  EXPECT_EQ(*li.Get("phone"), "13800000002");  // a blank says nothing
  EXPECT_EQ(SourceOf(li.id, "phone"), "dibao");
  EXPECT_EQ(SourceOf(li.id, "name"), "gongan");  // same value, more trusted source

  auto conflicts = store_->ListReview("open", 0, 10);
  ASSERT_EQ(conflicts->size(), 1u);
  const ReviewItem name_conflict = (*conflicts)[0];
  EXPECT_EQ(name_conflict.kind, "conflict");
  EXPECT_EQ(name_conflict.entity_id, zhang.id);
  EXPECT_EQ(name_conflict.field, "name");
  EXPECT_NE(name_conflict.detail.find("\"source\":\"dibao\""), std::string::npos);
  EXPECT_NE(name_conflict.detail.find("\"source\":\"gongan\""), std::string::npos);

  // The less trusted source changes its phone: it loses, kept as history, no conflict.
  g_tables["dibao"][0][3].second = "13822222222";
  ASSERT_TRUE(store_->SetCursor("dibao", "").ok());
  Expect(dibao, {2, 0, 1, 1, 0, 0, 0});
  EXPECT_EQ(*Person(Id(1)).Get("phone"), "13811111111");
  auto history = store_->History(EntityKind::kPerson, zhang.id, "phone");
  EXPECT_EQ(history->back().value, "13822222222");
  EXPECT_EQ(history->back().source, "dibao");

  // A worker settles the name conflict by choosing a value: it keeps the source that gave it,
  // pinned, so no import overturns it.
  Status wrong_field = ChooseValue(store_.get(), *validator_, *catalog_, name_conflict.id,
                                   name_conflict.version, {{"phone", "13800000001"}}, "wang");
  EXPECT_EQ(wrong_field.code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(ChooseValue(store_.get(), *validator_, *catalog_, name_conflict.id,
                          name_conflict.version, {{"name", "张三"}}, "wang")
                  .ok());
  EXPECT_EQ(*Person(Id(1)).Get("name"), "张三");
  EXPECT_EQ(SourceOf(zhang.id, "name"), "dibao");
  EXPECT_TRUE(PinnedOf(zhang.id, "name"));
  EXPECT_EQ(store_->GetReview(name_conflict.id)->status, "resolved");
  Status again = ChooseValue(store_.get(), *validator_, *catalog_, name_conflict.id,
                             name_conflict.version, {{"name", "张三"}}, "li");
  EXPECT_EQ(again.code(), StatusCode::kConflict);
}

const char kThreeSources[] = R"(id: weijian
type: memory
trust: 75
options: {table: weijian}
match: {id_number: 身份证号}
fields: {name: 姓名, phone: 电话, current_address: 现住址}
review_fields: [name, phone, gender]
)";

TEST_F(ImportRuntime, OneConflictItemPerPersonAndRunNamingEveryFieldThatNeedsAPerson) {
  g_tables["dibao"] = {
      {{"姓名", "张三"}, {"身份证号", Id(1)}, {"性别", "男"}, {"联系电话", "13800000001"}}};
  g_tables["weijian"] = {{{"姓名", "张叁"},
                          {"身份证号", Id(1)},
                          {"电话", "13900000009"},
                          {"现住址", "清江大道1号"}}};
  Expect(Spec(kDibao), {1, 1, 0, 0, 0, 0, 0});
  Expect(Spec(kThreeSources), {1, 0, 1, 0, 1, 1, 0});  // name and phone: ONE item
  auto items = store_->ListReview("open", 0, 10);
  ASSERT_EQ(items->size(), 1u);
  const ReviewItem item = (*items)[0];
  EXPECT_EQ(item.field, "name,phone");
  EXPECT_NE(item.detail.find("\"fields\":["), std::string::npos);
  EXPECT_EQ(ConflictFields(item), (std::vector<std::string>{"name", "phone"}));
  // Choosing for one field settles the item; the other keeps survivorship's winner.
  ASSERT_TRUE(ChooseValue(store_.get(), *validator_, *catalog_, item.id, item.version,
                          {{"phone", "13800000001"}}, "wang")
                  .ok());
  Row zhang = Person(Id(1));
  EXPECT_EQ(*zhang.Get("phone"), "13800000001");
  EXPECT_EQ(SourceOf(zhang.id, "phone"), "dibao");  // the value 低保 gave, now settled
  EXPECT_EQ(*zhang.Get("name"), "张叁");
  // The same source again with the same values: nothing new to ask.
  ASSERT_TRUE(store_->SetCursor("weijian", "").ok());
  g_tables["weijian"][0][3].second = "清江大道2号";
  Expect(Spec(kThreeSources), {1, 0, 1, 0, 0, 0, 0});
}

const char kPhoneNeedsAPerson[] = R"(id: weijian
type: memory
trust: 75
options: {table: weijian}
match: {id_number: 身份证号}
fields: {name: 姓名, phone: 电话}
review_fields: [phone]
)";

TEST_F(ImportRuntime, ADeploymentChoosesWhichFieldsNeedAPerson) {
  g_tables["dibao"] = {
      {{"姓名", "张三"}, {"身份证号", Id(1)}, {"性别", "男"}, {"联系电话", "13800000001"}}};
  g_tables["weijian"] = {{{"姓名", "张叁"}, {"身份证号", Id(1)}, {"电话", "13900000009"}}};
  Expect(Spec(kDibao), {1, 1, 0, 0, 0, 0, 0});
  Expect(Spec(kPhoneNeedsAPerson), {1, 0, 1, 0, 1, 1, 0});
  auto items = store_->ListReview("open", 0, 10);
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].field, "phone");
}

TEST_F(ImportRuntime, HandEnteredValuesSurviveALowerTrustImport) {
  Row p;
  p.values = {{"name", "张三"}, {"id_number", Id(1)}, {"phone", "13700000000"}};
  int64_t id = *store_->Insert(EntityKind::kPerson, p);
  for (const auto& [field, value] : p.values) {
    FieldObservation o;
    o.entity_id = id;
    o.field = field;
    o.value = value;
    o.source = kManualSource;
    o.actor = "wang";
    ASSERT_TRUE(store_->RecordObservation(o).ok());
  }
  g_tables["dibao"] = {
      {{"姓名", "张三丰"}, {"身份证号", Id(1)}, {"性别", "男"}, {"联系电话", "13800000001"}}};
  Expect(Spec(kDibao), {1, 0, 1, 0, 1, 0, 0});
  Row after = Person(Id(1));
  EXPECT_EQ(after.id, id);
  EXPECT_EQ(*after.Get("name"), "张三");
  EXPECT_EQ(*after.Get("phone"), "13700000000");
  EXPECT_EQ(*after.Get("gender"), "1");  // a blank the worker left is filled
  EXPECT_EQ(SourceOf(id, "name"), "manual");
  EXPECT_EQ(store_->History(EntityKind::kPerson, id, "name")->back().value, "张三丰");
  EXPECT_TRUE(store_->ListReview("open", 0, 10)->empty());  // manual vs connector: no conflict
}

const char kNoId[] = R"(id: laoling
type: memory
trust: 50
options: {table: laoling}
fields: {name: 姓名, birth_date: 出生日期, phone: 电话, household.household_number: 户号}
)";

TEST_F(ImportRuntime, WithoutIdNumbersMatchByNameBirthDateAndPhone) {
  Row building, household;
  ASSERT_TRUE(store_
                  ->InTransaction([&]() -> Status {
                    Row d, s, c, g, b, h;
                    d.values = {{"code", "420581"}, {"name", "宜都市"}};
                    ASSIGN_OR_RETURN(s.parent_id, store_->Insert(EntityKind::kDistrict, d));
                    s.values = {{"code", "420581001"}, {"name", "陆城街道"}};
                    ASSIGN_OR_RETURN(c.parent_id, store_->Insert(EntityKind::kStreet, s));
                    c.values = {{"code", "420581001001"}, {"name", "东风社区"}};
                    ASSIGN_OR_RETURN(g.parent_id, store_->Insert(EntityKind::kCommunity, c));
                    g.values = {{"code", "01"}, {"name", "第一网格"}};
                    ASSIGN_OR_RETURN(b.parent_id, store_->Insert(EntityKind::kGrid, g));
                    b.values = {{"address", "清江大道1号"}};
                    ASSIGN_OR_RETURN(h.parent_id, store_->Insert(EntityKind::kBuilding, b));
                    h.values = {{"household_number", "H001"}};
                    return store_->Insert(EntityKind::kHousehold, h).status();
                  })
                  .ok());
  auto household_id = store_->FindBy(EntityKind::kHousehold, "household_number", "H001")->id;
  Row a, b2;
  a.values = {{"name", "王芳"}, {"birth_date", "1950-03-04"}, {"phone", "13800000009"}};
  b2.values = {{"name", "刘强"}, {"birth_date", "1948-05-06"}};
  int64_t wang = *store_->Insert(EntityKind::kPerson, a);
  int64_t liu = *store_->Insert(EntityKind::kPerson, b2);
  g_tables["laoling"] = {
      // Same name, birth date and phone: linked, placed in the known household.
      {{"姓名", "王芳"}, {"出生日期", "1950年3月4日"}, {"电话", "138-0000-0009"}, {"户号", "H001"}},
      // Same name, the birth day one digit off and nothing else: a new person, proposed as a
      // duplicate of 刘强.
      {{"姓名", "刘强"}, {"出生日期", "1948/5/8"}, {"电话", ""}, {"户号", "H999"}},
      // Nobody like this: new, without a household (H404 is unknown).
      {{"姓名", "陈明"}, {"出生日期", "1960-01-01"}, {"电话", ""}, {"户号", "H404"}},
  };
  Expect(Spec(kNoId), {3, 2, 1, 0, 1, 1, 0});
  Row wang_row = *store_->Get(EntityKind::kPerson, wang);
  EXPECT_EQ(wang_row.parent_id, household_id);
  EXPECT_EQ(Persons(), 4);
  auto items = store_->ListReview("open", 0, 10);
  ASSERT_EQ(items->size(), 1u);
  const ReviewItem dup = (*items)[0];
  EXPECT_EQ(dup.kind, "duplicate");
  EXPECT_EQ(dup.other_id, liu);
  EXPECT_NE(dup.detail.find("姓名相同、出生日期差一位数字"), std::string::npos) << dup.detail;
  EXPECT_NE(dup.detail.find("\"level\":\"one_digit\""), std::string::npos) << dup.detail;

  // Re-running does not propose the pair again: the record stays with its person.
  ASSERT_TRUE(store_->SetCursor("laoling", "").ok());
  Expect(Spec(kNoId), {3, 0, 0, 3, 0, 0, 0});

  // A worker links them: the older id survives, the other becomes its alias.
  auto survivor = LinkDuplicate(store_.get(), dup.id, dup.version, "wang");
  ASSERT_TRUE(survivor.ok()) << survivor.status().message();
  EXPECT_EQ(*survivor, liu);
  EXPECT_EQ(*store_->ResolvePersonId(dup.entity_id), liu);
  EXPECT_EQ(store_->Get(EntityKind::kPerson, dup.entity_id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Persons(), 3);
  EXPECT_EQ(store_->GetReview(dup.id)->status, "linked");
  // The merged person's source record now points at the survivor; a changed row links there.
  g_tables["laoling"][1][2].second = "13800000010";
  ASSERT_TRUE(store_->SetCursor("laoling", "").ok());
  Expect(Spec(kNoId), {3, 0, 1, 2, 0, 0, 0});
  EXPECT_EQ(*store_->Get(EntityKind::kPerson, liu)->Get("phone"), "13800000010");
}

TEST_F(ImportRuntime, KeepApartClosesTheItem) {
  Row a;
  a.values = {{"name", "刘强"}, {"birth_date", "1948-05-06"}};
  int64_t liu = *store_->Insert(EntityKind::kPerson, a);
  g_tables["laoling"] = {{{"姓名", "刘强"}, {"出生日期", "1948-05-08"}}};
  Expect(Spec(kNoId), {1, 1, 0, 0, 0, 1, 0});
  ReviewItem dup = (*store_->ListReview("open", 0, 10))[0];
  ASSERT_TRUE(KeepApart(store_.get(), dup.id, dup.version, "wang").ok());
  EXPECT_EQ(store_->GetReview(dup.id)->status, "kept_apart");
  EXPECT_TRUE(*store_->KeptApart(liu, dup.entity_id));
  EXPECT_TRUE(*store_->KeptApart(dup.entity_id, liu));
  EXPECT_EQ(Persons(), 2);
}

TEST_F(ImportRuntime, UnreachableSourceAndBadOptionsWriteNothing) {
  ConnectorSpec down = Spec(R"(id: down
type: memory
options: {table: dibao, unreachable: true}
fields: {id_number: 身份证号}
)");
  auto r = Run(down);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("连接器插件 memory（内置）"), std::string::npos);
  ConnectorSpec bad = Spec(R"(id: bad
type: memory
options: {table: dibao, colour: red}
fields: {id_number: 身份证号}
)");
  r = Run(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("c.yaml:3:25: 连接器 memory 没有选项 “colour”"),
            std::string::npos)
      << r.status().message();
  EXPECT_TRUE(store_->ListImportRuns("", 0, 10)->empty());
  EXPECT_EQ(*store_->GetCursor("down"), "");
  EXPECT_EQ(Persons(), 0);
}

TEST_F(ImportRuntime, HouseholdImportCreatesBuildingsUnderThePlaceGrid) {
  ASSERT_TRUE(store_
                  ->InTransaction([&]() -> Status {
                    Row d, s, c, g;
                    d.values = {{"code", "420581"}, {"name", "宜都市"}};
                    ASSIGN_OR_RETURN(s.parent_id, store_->Insert(EntityKind::kDistrict, d));
                    s.values = {{"code", "420581001"}, {"name", "陆城街道"}};
                    ASSIGN_OR_RETURN(c.parent_id, store_->Insert(EntityKind::kStreet, s));
                    c.values = {{"code", "420581001001"}, {"name", "东风社区"}};
                    ASSIGN_OR_RETURN(g.parent_id, store_->Insert(EntityKind::kCommunity, c));
                    g.values = {{"code", "01"}, {"name", "第一网格"}};
                    return store_->Insert(EntityKind::kGrid, g).status();
                  })
                  .ok());
  g_tables["fangwu"] = {
      {{"户号", "H1"}, {"楼栋地址", "清江大道８８号３栋"}, {"房号", "2单元501"}},
      {{"户号", "H2"}, {"楼栋地址", "清江大道88号三栋"}, {"房号", "2单元502"}},
      {{"户号", "H3"}, {"楼栋地址", "清江大道88号4栋"}, {"房号", "101"}},
  };
  const char kHouseholds[] = R"(id: fangwu
type: memory
entity: household
options: {table: fangwu}
match: {household_number: 户号}
fields: {room: 房号, building.address: 楼栋地址}
place: {community: "420581001001", grid: "01"}
)";
  Expect(Spec(kHouseholds), {3, 3, 0, 0, 0, 0, 0});
  EXPECT_EQ(*store_->Count(EntityKind::kBuilding, {}), 2);  // 3栋 written two ways is one
  auto b = store_->FindBy(EntityKind::kBuilding, "address", "清江大道88号3栋");
  ASSERT_TRUE(b.ok());
  ListQuery in_b;
  in_b.parent_id = b->id;
  EXPECT_EQ(*store_->Count(EntityKind::kHousehold, in_b), 2);
  ASSERT_TRUE(store_->SetCursor("fangwu", "").ok());
  Expect(Spec(kHouseholds), {3, 0, 0, 3, 0, 0, 0});

  const char kWrongGrid[] = R"(id: fangwu2
type: memory
entity: household
options: {table: fangwu}
fields: {household_number: 户号}
place: {community: "420581001001", grid: "99"}
)";
  auto r = Run(Spec(kWrongGrid));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("c.yaml:6:8: 社区 420581001001 下没有编号为 99 的网格"),
            std::string::npos)
      << r.status().message();
}

TEST_F(ImportRuntime, RepeatedKeyWithinARunIsRejected) {
  g_tables["dibao"] = {
      {{"姓名", "张三"}, {"身份证号", Id(1)}},
      {{"姓名", "张三"}, {"身份证号", Id(1)}},
  };
  Expect(Spec(kDibao), {2, 1, 0, 0, 0, 0, 1});
  auto q = store_->ListQuarantine(0, 0, 10);
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].row, 2);
  EXPECT_NE((*q)[0].reason.find("重复"), std::string::npos);
}

}  // namespace
}  // namespace onetable::testing
