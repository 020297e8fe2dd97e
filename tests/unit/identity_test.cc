// Identity resolution's pure parts: normalized addresses and candidate scores.
#include "ingest/identity.h"

#include <gtest/gtest.h>

#include "ingest/address.h"

namespace onetable {
namespace {

TEST(Address, FoldsTheWaysDepartmentsWriteOnePlace) {
  const std::string canonical = "清江大道88号3栋2单元501";
  const char* same[] = {
      "清江大道88号3栋2单元501",       "清江大道８８号３栋２单元５０１",
      "清江大道 88号 3幢 2单元 501",   "清江大道88号三栋二单元501",
      "清江大道88号3号楼2单元501室",   "清江大道88号3#2单元501",
      "清江大道88号3座2单元501",       "清江大道88號3棟2單元501",
      "清江大道\u300088号3栋2单元501",
  };
  for (const char* a : same) EXPECT_EQ(NormalizeAddress(a), canonical) << a;
  EXPECT_EQ(NormalizeAddress("宝座路1号"), "宝座路1号");  // 座 in a road name stays
  EXPECT_EQ(NormalizeAddress("十三栋"), "13栋");
  EXPECT_EQ(NormalizeAddress("二十栋"), "20栋");
  EXPECT_EQ(NormalizeAddress("三里屯"), "三里屯");  // numerals not before a unit stay
  EXPECT_EQ(NormalizeAddress("a区b座"), "A区B栋");
  EXPECT_NE(NormalizeAddress("清江大道88号3栋"), NormalizeAddress("清江大道88号4栋"));
}

Row Candidate(const std::string& phone, const std::string& address) {
  Row r;
  r.id = 7;
  r.values = {{"name", "张三"}, {"birth_date", "1980-01-01"}};
  if (!phone.empty()) r.values["phone"] = phone;
  if (!address.empty()) r.values["current_address"] = address;
  return r;
}

TEST(Identity, ScoresCandidatesOnNameBirthPhoneAndAddress) {
  std::map<std::string, std::string> in = {{"name", "张三"},
                                           {"birth_date", "1980-01-01"},
                                           {"phone", "13800000001"},
                                           {"current_address", "清江大道８８号3栋"}};
  struct Case {
    Row candidate;
    double score;
    const char* why;
  } cases[] = {
      {Candidate("", ""), 0.5, "name+birth_date"},
      {Candidate("13800000001", ""), 0.8, "name+birth_date+phone"},
      {Candidate("13800000002", ""), 0.3, "name+birth_date-phone"},
      {Candidate("", "清江大道88号三栋"), 0.7, "name+birth_date+current_address"},
      {Candidate("13800000001", "清江大道88号3栋"), 1.0, "name+birth_date+phone+current_address"},
  };
  for (const Case& c : cases) {
    std::string why;
    EXPECT_NEAR(ScorePersonCandidate(in, c.candidate, &why), c.score, 1e-9) << c.why;
    EXPECT_EQ(why, c.why);
  }
  Row other = Candidate("13800000001", "");
  other.values["birth_date"] = "1980-01-02";
  EXPECT_EQ(ScorePersonCandidate(in, other, nullptr), 0);
  std::map<std::string, std::string> no_birth = {{"name", "张三"}};
  EXPECT_EQ(ScorePersonCandidate(no_birth, Candidate("", ""), nullptr), 0);
}

}  // namespace
}  // namespace onetable
