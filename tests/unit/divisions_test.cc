#include "model/divisions.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace onetable {
namespace {

const std::string kShipped = ONETABLE_SOURCE_DIR "/schema/divisions";
const std::string kFixtures = ONETABLE_TEST_DATA "/divisions";

// The shipped data (41k streets) is loaded once for the suite.
class DivisionsTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = Divisions::Load(kShipped);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    divisions_ = new Divisions(std::move(loaded).value());
  }
  static void TearDownTestSuite() {
    delete divisions_;
    divisions_ = nullptr;
  }
  static const Divisions& d() { return *divisions_; }
  static Divisions* divisions_;
};

Divisions* DivisionsTest::divisions_ = nullptr;

TEST_F(DivisionsTest, FindsEveryLevelWithItsParent) {
  struct {
    const char* code;
    const char* name;
    const char* parent;
  } cases[] = {
      {"42", "湖北省", ""},
      {"4205", "宜昌市", "42"},
      {"420581", "宜都市", "4205"},
      {"420581001", "陆城街道", "420581"},
      {"420581001001", "东风社区居委会", "420581001"},
      {"110101", "东城区", "1101"},
  };
  for (const auto& c : cases) {
    const Division* division = d().Find(c.code);
    ASSERT_NE(division, nullptr) << c.code;
    EXPECT_EQ(division->code, c.code);
    EXPECT_EQ(division->name, c.name);
    EXPECT_EQ(division->parent_code, c.parent) << c.code;
  }
  EXPECT_EQ(d().Find("420581999"), nullptr);
  EXPECT_EQ(d().Find(""), nullptr);
  EXPECT_EQ(d().Find("4205810010"), nullptr);
}

TEST_F(DivisionsTest, ChildrenComeInCodeOrder) {
  auto communities = d().Children("420581001");
  ASSERT_EQ(communities.size(), 19u);
  EXPECT_EQ(communities.front()->code, "420581001001");
  for (size_t i = 1; i < communities.size(); ++i) {
    EXPECT_LT(communities[i - 1]->code, communities[i]->code);
    EXPECT_EQ(communities[i]->parent_code, "420581001");
  }
  auto streets = d().Children("110101");
  ASSERT_FALSE(streets.empty());
  EXPECT_EQ(streets.front()->name, "东华门街道");
  EXPECT_EQ(d().Children("").size(), 31u);  // provinces
  EXPECT_TRUE(d().Children("420581999").empty());
  EXPECT_TRUE(d().Children("110101001").empty());  // no village list for that street
}

struct CodeCase {
  const char* code;
  const char* problem;  // nullptr when valid
};

TEST_F(DivisionsTest, CheckCommunityCode) {
  const CodeCase cases[] = {
      {"420581001001", nullptr},                       // 东风社区居委会, listed
      {"420581001099", "division_unknown_community"},  // covered street, not listed
      {"420581999001", "division_unknown_street"},     // no such street
      {"110101001001", nullptr},                       // street exists, no village list
      {"420581001000", "division_format"},             // that is the street itself
      {"42058100100", "division_format"},
      {"4205810010011", "division_format"},
      {"42058100100a", "division_format"},
      {"", "division_format"},
  };
  for (const CodeCase& c : cases) {
    auto problem = d().CheckCommunityCode(c.code);
    if (c.problem == nullptr) {
      EXPECT_FALSE(problem) << c.code << ": " << problem->message;
    } else {
      ASSERT_TRUE(problem) << c.code;
      EXPECT_EQ(problem->code, c.problem) << c.code << ": " << problem->message;
      EXPECT_FALSE(problem->message.empty());
    }
  }
  auto unknown = d().CheckCommunityCode("420581001099");
  ASSERT_TRUE(unknown);
  EXPECT_NE(unknown->message.find("陆城街道"), std::string::npos) << unknown->message;
}

TEST_F(DivisionsTest, CheckDivisionCode) {
  const CodeCase cases[] = {
      {"420581", nullptr},
      {"420581001", nullptr},
      {"420581001001", nullptr},
      {"110101001001", nullptr},  // street exists, no village list
      {"420599", "division_unknown"},
      {"420581999", "division_unknown"},
      {"420581001099", "division_unknown"},
      {"420581999001", "division_unknown"},
      {"42", "division_format"},
      {"4205", "division_format"},
      {"42058a", "division_format"},
      {"", "division_format"},
  };
  for (const CodeCase& c : cases) {
    auto problem = d().CheckDivisionCode(c.code);
    if (c.problem == nullptr) {
      EXPECT_FALSE(problem) << c.code << ": " << problem->message;
    } else {
      ASSERT_TRUE(problem) << c.code;
      EXPECT_EQ(problem->code, c.problem) << c.code << ": " << problem->message;
    }
  }
}

TEST(DivisionsLoadTest, ReadsQuotingBomCrlfAndEveryVillagesFile) {
  auto loaded = Divisions::Load(kFixtures + "/small");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Divisions& d = *loaded;
  ASSERT_NE(d.Find("65"), nullptr);
  EXPECT_EQ(d.Find("65")->name, "新疆维吾尔自治区");  // unquoted, CRLF line ends
  ASSERT_NE(d.Find("4205"), nullptr);                 // header after a BOM
  ASSERT_NE(d.Find("650203002001"), nullptr);         // from villages-extra.csv
  EXPECT_EQ(d.Find("650203002001")->name, "\"友谊\"社区, 居委会");
  EXPECT_EQ(d.Find("420581100001"), nullptr);  // README-not-villages.csv is not a villages file
  auto streets = d.Children("420581");
  ASSERT_EQ(streets.size(), 2u);
  EXPECT_EQ(streets[0]->code, "420581001");
  EXPECT_EQ(streets[1]->code, "420581100");
  EXPECT_EQ(d.CheckCommunityCode("420581001003")->code, "division_unknown_community");
  EXPECT_FALSE(d.CheckCommunityCode("420581100003"));  // 红花套镇 has no list here
}

TEST(DivisionsLoadTest, MalformedLineNamesFileAndLine) {
  auto loaded = Divisions::Load(kFixtures + "/bad");
  ASSERT_FALSE(loaded.ok());
  const std::string& message = loaded.status().message();
  EXPECT_NE(message.find("streets.csv:3:"), std::string::npos) << message;
  EXPECT_NE(message.find("列"), std::string::npos) << message;
}

TEST(DivisionsLoadTest, VillageOfAnUnknownStreetNamesFileAndLine) {
  auto loaded = Divisions::Load(kFixtures + "/orphan");
  ASSERT_FALSE(loaded.ok());
  const std::string& message = loaded.status().message();
  EXPECT_NE(message.find("villages.csv:3:"), std::string::npos) << message;
  EXPECT_NE(message.find("420581100"), std::string::npos) << message;
}

TEST(DivisionsLoadTest, MissingDirectoryNamesTheFile) {
  auto loaded = Divisions::Load(kFixtures + "/no-such-dir");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("provinces.csv"), std::string::npos)
      << loaded.status().message();
}

}  // namespace
}  // namespace onetable
