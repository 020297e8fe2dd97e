// Identity without ID numbers, end to end on the store chosen by ONETABLE_TEST_STORE: an
// unkeyed export whose rows have the slips real exports have (萧/肖, 陳/陈, a birth-date typo,
// a changed phone, a transposed given name) is either linked to the right person or sent to
// review naming the reason — never a silent new person while the true one is in the register.
// Also the blocking rules over a real store: one wrong field does not hide the candidate.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "fakes/memory_connector.h"
#include "ingest/connector_spec.h"
#include "ingest/identity.h"
#include "ingest/linkage/blocking.h"
#include "ingest/plugin_loader.h"
#include "ingest/runtime.h"
#include "model/validation.h"
#include "store/store.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

class IdentityLinkage : public ::testing::Test {
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

  int64_t Add(const std::string& name, const std::string& birth, const std::string& phone,
              const std::string& gender, const std::string& address = "") {
    Row r;
    r.values = {{"name", name}, {"birth_date", birth}, {"gender", gender}};
    if (!phone.empty()) r.values["phone"] = phone;
    if (!address.empty()) r.values["current_address"] = address;
    auto id = store_->Insert(EntityKind::kPerson, r);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  // A small community's worth of namesakes and neighbours, so names are not unique by accident.
  void AddCrowd() {
    const char* surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵"};
    const char* given[] = {"建国", "秀英", "伟", "芳", "强", "丽", "军", "敏"};
    int n = 0;
    for (const char* s : surnames) {
      for (const char* g : given) {
        char birth[16], phone[16];
        std::snprintf(birth, sizeof birth, "19%02d-%02d-%02d", 40 + n % 50, 1 + n % 12, 1 + n % 28);
        std::snprintf(phone, sizeof phone, "1370000%04d", n);
        Add(std::string(s) + g, birth, phone, n % 2 ? "1" : "2");
        ++n;
      }
    }
  }

  static Catalog* catalog_;
  static Validator* validator_;
  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ConnectorPlugin> plugin_;
};
Catalog* IdentityLinkage::catalog_ = nullptr;
Validator* IdentityLinkage::validator_ = nullptr;

const char kHealth[] = R"(id: weijian
type: memory
trust: 55
options: {table: weijian}
fields:
  name: 姓名
  gender: {column: 性别, codes: {男: "1", 女: "2"}}
  birth_date: 出生日期
  phone: 电话
  current_address: 现住址
)";

TEST_F(IdentityLinkage, EachSlipIsLinkedOrSentToReviewWithItsReason) {
  AddCrowd();
  struct Case {
    const char* what;
    int64_t person;
    Record row;
    const char* reason;  // must appear in the review item when one is opened
  };
  std::vector<Case> cases = {
      {"萧/肖",
       Add("萧美华", "1956-07-21", "13911110001", "2"),
       {{"姓名", "肖美华"}, {"性别", "女"}, {"出生日期", "1956-07-21"}, {"电话", "13911110001"}},
       "姓名姓氏异写"},
      {"陳/陈",
       Add("陈志明", "1962-03-14", "13911110002", "1"),
       {{"姓名", "陳志明"}, {"性别", "男"}, {"出生日期", "1962-03-14"}, {"电话", "13911110002"}},
       "姓名繁简转换后相同"},
      {"one typo in the birth date",
       Add("周桂兰", "1938-11-05", "13911110003", "2"),
       {{"姓名", "周桂兰"}, {"性别", "女"}, {"出生日期", "1938-11-08"}, {"电话", "13911110003"}},
       "出生日期差一位数字"},
      {"changed phone",
       Add("吴德胜", "1945-02-17", "13911110004", "1", "清江大道12号3栋201"),
       {{"姓名", "吴德胜"},
        {"性别", "男"},
        {"出生日期", "1945-02-17"},
        {"电话", "18622220004"},
        {"现住址", "清江大道12号3幢201室"}},
       "电话不同"},
      {"transposed given name",
       Add("郑华英", "1971-09-30", "13911110005", "2"),
       {{"姓名", "郑英华"}, {"性别", "女"}, {"出生日期", "1971-09-30"}, {"电话", "13911110005"}},
       "姓名名字颠倒"},
      {"changed phone and a birth typo",
       Add("孙福生", "1950-06-12", "13911110006", "1"),
       {{"姓名", "孙福生"}, {"性别", "男"}, {"出生日期", "1950-06-13"}, {"电话", "18622220006"}},
       "出生日期差一位数字"},
  };
  for (const Case& c : cases) g_tables["weijian"].push_back(c.row);
  ConnectorSpec spec = *ParseConnectorSpec(kHealth, dir_ + "/c.yaml", *catalog_);
  Importer importer(store_.get(), *catalog_, *validator_);
  auto run = importer.Run(spec, *plugin_, ImportOptions{});
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->run.rejected, 0);

  auto open = store_->ListReview("open", 0, 100);
  ASSERT_TRUE(open.ok());
  int linked = 0, reviewed = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    auto record = store_->GetSourceRecord("weijian", "row" + std::to_string(i + 1));
    ASSERT_TRUE(record.ok()) << c.what;
    int64_t got = *store_->ResolvePersonId(record->person_id);
    if (got == c.person) {
      ++linked;
      continue;
    }
    // Not linked: a new person, and a duplicate item must propose the true one with a reason.
    const ReviewItem* item = nullptr;
    for (const ReviewItem& r : *open) {
      if (r.kind == "duplicate" && r.entity_id == got) item = &r;
    }
    ASSERT_NE(item, nullptr) << c.what << ": a silent new person";
    EXPECT_EQ(item->other_id, c.person) << c.what;
    EXPECT_NE(item->detail.find(c.reason), std::string::npos) << c.what << ": " << item->detail;
    EXPECT_NE(item->detail.find("\"probability\""), std::string::npos) << item->detail;
    ++reviewed;
  }
  EXPECT_EQ(linked + reviewed, static_cast<int>(cases.size()));
  // One slip alone is not worth a worker's time; two at once are.
  EXPECT_EQ(linked, 5);
  EXPECT_EQ(reviewed, 1);
  EXPECT_EQ(run->run.review, 1);
}

TEST_F(IdentityLinkage, ANameAlmostEveryoneHasIsWeakEvidence) {
  // 40 persons named 王伟 in the register; a record with the name and a birth date that one of
  // them has, but another phone and address, is not linked on that alone.
  for (int i = 0; i < 40; ++i) {
    char birth[16], phone[16];
    std::snprintf(birth, sizeof birth, "19%02d-0%d-1%d", 50 + i, 1 + i % 9, i % 10);
    std::snprintf(phone, sizeof phone, "1370000%04d", i);
    Add("王伟", birth, phone, "1", "清江大道" + std::to_string(i) + "号");
  }
  AddCrowd();
  g_tables["weijian"] = {{{"姓名", "王伟"},
                          {"性别", "男"},
                          {"出生日期", "1955-06-15"},
                          {"电话", "18600000000"},
                          {"现住址", "江汉路99号"}}};
  // Whereas a name nobody else has, with the same birth date, is.
  Add("𠈌立", "1955-06-15", "13700009999", "1", "清江大道1号");
  g_tables["weijian"].push_back({{"姓名", "𠈌立"},
                                 {"性别", "男"},
                                 {"出生日期", "1955-06-15"},
                                 {"电话", "18600000001"},
                                 {"现住址", "清江大道1号"}});
  ConnectorSpec spec = *ParseConnectorSpec(kHealth, dir_ + "/c.yaml", *catalog_);
  Importer importer(store_.get(), *catalog_, *validator_);
  auto run = importer.Run(spec, *plugin_, ImportOptions{});
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->run.linked, 1);   // 𠈌立
  EXPECT_EQ(run->run.created, 1);  // 王伟: new, and proposed
  EXPECT_EQ(run->run.review, 1);
}

TEST_F(IdentityLinkage, BlockingFindsTheCandidateWhateverSingleFieldIsWrong) {
  AddCrowd();
  int64_t xiao = Add("萧美华", "1956-07-21", "13911110001", "2");
  struct Case {
    const char* what;
    std::map<std::string, std::string> values;
    const char* rule;
  } cases[] = {
      {"name written another way", {{"name", "肖美华"}, {"birth_date", "1956-07-21"}}, "name"},
      {"name unlike", {{"name", "萧梅花"}, {"birth_date", "1956-07-21"}}, "birth_date"},
      {"birth date wrong", {{"name", "萧美华"}, {"birth_date", "1965-07-21"}}, "name"},
      {"day and month swapped", {{"name", "萧梅花"}, {"birth_date", "1956-21-07"}}, "birth_date"},
      {"name and birth wrong",
       {{"name", "萧梅花"}, {"birth_date", "1965-07-21"}, {"phone", "13911110001"}},
       "phone"},
  };
  for (const Case& c : cases) {
    auto block = linkage::BlockCandidates(store_.get(), c.values);
    ASSERT_TRUE(block.ok()) << block.status().message();
    auto it = block->candidates.find(xiao);
    ASSERT_NE(it, block->candidates.end()) << c.what;
    EXPECT_NE(std::find(it->second.rules.begin(), it->second.rules.end(), c.rule),
              it->second.rules.end())
        << c.what;
  }
  // Day and month swapped on a real date: the swapped date is looked up too.
  int64_t qian = Add("钱小红", "1980-03-04", "", "2");
  auto block =
      linkage::BlockCandidates(store_.get(), {{"name", "钱晓虹"}, {"birth_date", "1980-04-03"}});
  ASSERT_TRUE(block.ok());
  EXPECT_TRUE(block->candidates.count(qian));
  // A keyed record (ID number not in the register) looks only at name + birth date.
  auto keyed = linkage::BlockCandidates(
      store_.get(), {{"name", "萧梅花"}, {"birth_date", "1956-07-21"}, {"id_number", "x"}});
  ASSERT_TRUE(keyed.ok());
  EXPECT_FALSE(keyed->candidates.count(xiao));
  // The exact name's count is the term frequency.
  auto tf =
      linkage::BlockCandidates(store_.get(), {{"name", "王伟"}, {"birth_date", "1990-01-01"}});
  EXPECT_EQ(tf->name_count, 1);
}

}  // namespace
}  // namespace onetable::testing
