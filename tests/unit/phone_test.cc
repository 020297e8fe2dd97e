#include "model/phone.h"

#include <gtest/gtest.h>

#include <string>

namespace onetable {
namespace {

struct PhoneCase {
  const char* input;
  const char* normalized;  // nullptr: rejected with phone_format
};

class PhoneTest : public testing::TestWithParam<PhoneCase> {};

TEST_P(PhoneTest, NormalizesOrRejects) {
  const PhoneCase& c = GetParam();
  std::string out = "unchanged";
  auto problem = NormalizePhone(c.input, &out);
  if (c.normalized == nullptr) {
    ASSERT_TRUE(problem) << c.input << " -> " << out;
    EXPECT_EQ(problem->code, "phone_format");
    EXPECT_EQ(out, "unchanged");
    // Logs must never hold phone numbers, so the message may not depend on the input.
    std::string other;
    EXPECT_EQ(problem->message, NormalizePhone("x", &other)->message);
  } else {
    ASSERT_FALSE(problem) << c.input << ": " << problem->message;
    EXPECT_EQ(out, c.normalized) << c.input;
  }
}

INSTANTIATE_TEST_SUITE_P(
    PhoneMobile, PhoneTest,
    testing::Values(
        PhoneCase{"13812345678", "13812345678"}, PhoneCase{" 138 1234 5678 ", "13812345678"},
        PhoneCase{"138-1234-5678", "13812345678"}, PhoneCase{"+86 138 1234 5678", "13812345678"},
        PhoneCase{"+86-13812345678", "13812345678"}, PhoneCase{"8613812345678", "13812345678"},
        PhoneCase{"0086 13812345678", "13812345678"}, PhoneCase{"19912345678", "19912345678"},
        // Full-width digits and the ideographic space, as pasted from Word.
        PhoneCase{"１３８１２３４５６７８", "13812345678"},
        PhoneCase{"１３８\u3000１２３４\u3000５６７８", "13812345678"},
        PhoneCase{"1381234567", nullptr},    // 10 digits
        PhoneCase{"138123456789", nullptr},  // 12 digits
        PhoneCase{"12812345678", nullptr},   // 1[3-9] only
        PhoneCase{"1381234567a", nullptr}, PhoneCase{"+1 13812345678", nullptr},
        PhoneCase{"13812345678转12", nullptr},  // mobiles have no extension
        PhoneCase{"", nullptr}, PhoneCase{"无", nullptr}));

INSTANTIATE_TEST_SUITE_P(
    PhoneLandline, PhoneTest,
    testing::Values(
        PhoneCase{"0717-1234567", "0717-1234567"}, PhoneCase{"07171234567", "0717-1234567"},
        PhoneCase{"0717 1234567", "0717-1234567"}, PhoneCase{"(0717)1234567", "0717-1234567"},
        PhoneCase{"（０７１７）１２３４５６７", "0717-1234567"},
        PhoneCase{"010-12345678", "010-12345678"}, PhoneCase{"02087654321", "020-87654321"},
        PhoneCase{"0717-12345678", "0717-12345678"}, PhoneCase{"0717-123-4567", "0717-1234567"},
        PhoneCase{"0717–1234567", "0717-1234567"},  // en dash from Word
        PhoneCase{"+86 717 1234567", "0717-1234567"},
        // Extensions.
        PhoneCase{"0717-1234567-801", "0717-1234567-801"},
        PhoneCase{"07171234567-801", "0717-1234567-801"},
        PhoneCase{"0717-1234567转801", "0717-1234567-801"},
        PhoneCase{"0717-1234567 转 801", "0717-1234567-801"},
        PhoneCase{"0717-1234567分机801", "0717-1234567-801"},
        PhoneCase{"0717-1234567-8", "0717-1234567-8"},
        PhoneCase{"1234567", nullptr},         // no area code
        PhoneCase{"0717-123456", nullptr},     // 6-digit number
        PhoneCase{"0717-123456789", nullptr},  // 9-digit number
        PhoneCase{"0717-0123456", nullptr},    // local numbers never start with 0
        PhoneCase{"0717-1234567转", nullptr},  // empty extension
        PhoneCase{"0717-1234567转80a", nullptr},
        PhoneCase{"0717-1234567-8012345", nullptr},  // 7-digit extension
        PhoneCase{"0717-1234567-801转2", nullptr}));

}  // namespace
}  // namespace onetable
