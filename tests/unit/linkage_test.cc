// Record linkage's pure parts (ingest/linkage/): each comparison level as a case table, the name
// variants blocking looks up, and the Fellegi–Sunter weights with term frequency.
#include <gtest/gtest.h>

#include <cmath>

#include "ingest/linkage/blocking.h"
#include "ingest/linkage/chinese_names.h"
#include "ingest/linkage/comparisons.h"
#include "ingest/linkage/match_model.h"

namespace onetable::linkage {
namespace {

TEST(ChineseNames, ConvertsSplitsAndKnowsVariantsAndSounds) {
  const ChineseNames& n = ChineseNames::Get();
  ASSERT_TRUE(n.HasConverter()) << "OpenCC's t2s.json (libopencc-data) is missing";
  EXPECT_EQ(n.ToSimplified("陳建國"), "陈建国");
  EXPECT_EQ(n.ToSimplified("蕭 美 華"), "萧美华");
  EXPECT_EQ(n.ToSimplified("阿依古丽·买买提"), "阿依古丽买买提");
  EXPECT_EQ(n.Split("欧阳娜娜"), std::make_pair(std::string("欧阳"), std::string("娜娜")));
  EXPECT_EQ(n.Split("欧阳"), std::make_pair(std::string("欧"), std::string("阳")));
  EXPECT_EQ(n.Split("王伟"), std::make_pair(std::string("王"), std::string("伟")));
  EXPECT_TRUE(n.AreSurnameVariants("萧", "肖"));
  EXPECT_TRUE(n.AreSurnameVariants("付", "傅"));
  EXPECT_FALSE(n.AreSurnameVariants("王", "汪"));
  EXPECT_TRUE(n.SameSound("王建华", "汪建化"));
  EXPECT_FALSE(n.SameSound("王建华", "王建国"));
  EXPECT_FALSE(n.SameSound("王建华", "王华"));
}

TEST(Comparisons, NameLevels) {
  struct Case {
    const char *a, *b;
    NameLevel level;
  } cases[] = {
      {"张伟", "张伟", NameLevel::kExact},
      {"陳建国", "陈建国", NameLevel::kSimplified},
      {"蕭美华", "萧美华", NameLevel::kSimplified},
      {"萧美华", "肖美华", NameLevel::kSurnameVariant},
      {"蕭美华", "肖美华", NameLevel::kSurnameVariant},  // traditional and a variant surname
      {"付丽", "傅丽", NameLevel::kSurnameVariant},
      {"张伟明", "张明伟", NameLevel::kTransposed},
      {"肖伟明", "萧明伟", NameLevel::kTransposed},
      {"王建华", "汪建化", NameLevel::kSameSound},
      {"王建华", "王建国", NameLevel::kDifferent},
      {"王建华", "李建华", NameLevel::kDifferent},
      {"王伟", "王伟伟", NameLevel::kDifferent},
      {"", "王伟", NameLevel::kMissing},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CompareNames(c.a, c.b), c.level) << c.a << " / " << c.b;
    EXPECT_EQ(CompareNames(c.b, c.a), c.level) << c.b << " / " << c.a << " (symmetric)";
  }
}

TEST(Comparisons, BirthDateLevels) {
  struct Case {
    const char *a, *b;
    DateLevel level;
  } cases[] = {
      {"1950-03-04", "1950-03-04", DateLevel::kExact},
      {"1950-03-04", "1950-03-07", DateLevel::kOneDigit},
      {"1950-03-04", "1956-03-04", DateLevel::kOneDigit},
      {"1987-03-04", "1978-03-04", DateLevel::kOneDigit},  // adjacent digits swapped
      {"1950-03-04", "1950-04-03", DateLevel::kDayMonthSwap},
      {"1950-03-04", "1951-04-03", DateLevel::kDifferent},
      {"1950-03-04", "1960-05-04", DateLevel::kDifferent},
      {"1950-03-04", "", DateLevel::kMissing},
      {"1950-03", "1950-03-04", DateLevel::kDifferent},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CompareBirthDates(c.a, c.b), c.level) << c.a << " / " << c.b;
  }
}

TEST(Comparisons, PhoneAddressAndGenderLevels) {
  EXPECT_EQ(ComparePhones("13800000001", "13800000001"), PhoneLevel::kExact);
  EXPECT_EQ(ComparePhones("13800000001", "13900000001"), PhoneLevel::kDifferent);
  EXPECT_EQ(ComparePhones("", "13900000001"), PhoneLevel::kMissing);
  EXPECT_EQ(CompareAddresses("清江大道88号3栋2单元501", "清江大道８８号３幢２单元５０１室"),
            AddressLevel::kExact);
  EXPECT_EQ(CompareAddresses("武汉市江岸区后湖大道111号怡康苑3栋2单元501",
                             "武汉市江岸区后湖大道111号怡康苑3栋2-501"),
            AddressLevel::kSimilar);
  EXPECT_EQ(CompareAddresses("武汉市江岸区后湖大道111号怡康苑3栋", "宜都市陆城街道清江大道2号"),
            AddressLevel::kDifferent);
  EXPECT_EQ(CompareAddresses("", "x"), AddressLevel::kMissing);
  EXPECT_EQ(CompareGenders("1", "1"), GenderLevel::kExact);
  EXPECT_EQ(CompareGenders("1", "2"), GenderLevel::kDifferent);
  EXPECT_DOUBLE_EQ(BigramDice("abcd", "abcd"), 1);
  EXPECT_DOUBLE_EQ(BigramDice("ab", "cd"), 0);
}

TEST(Blocking, NameVariantsCoverTraditionalVariantSurnamesAndTransposition) {
  EXPECT_EQ(NameVariants("蕭美華"),
            (std::vector<std::string>{"蕭美華", "萧美华", "肖美华", "萧华美"}));
  EXPECT_EQ(NameVariants("王伟"), (std::vector<std::string>{"王伟"}));  // one given character
  EXPECT_EQ(NameVariants("张伟明"), (std::vector<std::string>{"张伟明", "张明伟"}));
}

Row Person(std::map<std::string, std::string> values) {
  Row r;
  r.id = 1;
  r.values = std::move(values);
  return r;
}

TEST(MatchModel, TermFrequencyMakesACommonNameWeakEvidence) {
  std::map<std::string, std::string> in = {{"name", "王伟"}, {"birth_date", "1980-01-01"}};
  Row c = Person(in);
  PairScore common = ScorePair(in, c, 300, 1000000);
  PairScore rare = ScorePair(in, c, 1, 1000000);
  EXPECT_GT(rare.weight, common.weight + 8);  // log2(300) ≈ 8.2 bits between them
  EXPECT_GT(rare.probability, 0.999);
  EXPECT_LT(common.probability, 0.99);  // 300 namesakes: one may share the birthday
}

TEST(MatchModel, WeightsAddUpAndTheReasonNamesEachLevel) {
  std::map<std::string, std::string> in = {
      {"name", "萧美华"}, {"birth_date", "1950-03-04"}, {"phone", "13800000001"}, {"gender", "2"}};
  Row c = Person({{"name", "肖美华"},
                  {"birth_date", "1950-03-04"},
                  {"phone", "13900000009"},
                  {"gender", "2"},
                  {"current_address", "清江大道1号"}});
  PairScore s = ScorePair(in, c, 0, 50000);
  EXPECT_EQ(s.name, NameLevel::kSurnameVariant);
  EXPECT_EQ(s.birth_date, DateLevel::kExact);
  EXPECT_EQ(s.phone, PhoneLevel::kDifferent);
  EXPECT_EQ(s.address, AddressLevel::kMissing);  // incoming has none: no weight
  double sum = PriorWeight(50000);
  for (const Evidence& e : s.evidence) sum += e.weight;
  EXPECT_NEAR(s.weight, sum, 1e-9);
  EXPECT_NEAR(s.probability, std::exp2(s.weight) / (1 + std::exp2(s.weight)), 1e-12);
  EXPECT_EQ(s.evidence.size(), 4u);
  EXPECT_EQ(s.Reason(), "姓名姓氏异写、出生日期相同、电话不同、性别相同");
  // A changed phone is weak evidence against; a different gender is strong.
  EXPECT_GT(s.evidence[2].weight, -3);
  c.values["gender"] = "1";
  EXPECT_LT(ScorePair(in, c, 0, 50000).weight, s.weight - 6);
}

}  // namespace
}  // namespace onetable::linkage
