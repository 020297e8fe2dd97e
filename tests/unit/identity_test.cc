// Identity resolution's pure parts: normalized addresses (candidate scores: linkage_test.cc).
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

}  // namespace
}  // namespace onetable
