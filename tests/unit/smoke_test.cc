#include <gtest/gtest.h>
#include "onetable/status.h"
TEST(Status, WrapAddsWhere) {
  onetable::Status s = onetable::Status::Invalid("坏了").Wrap("a.csv:3");
  EXPECT_EQ(s.message(), "a.csv:3: 坏了");
  EXPECT_TRUE(onetable::Status::Ok().Wrap("x").ok());
}
