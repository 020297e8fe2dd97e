#include "model/date.h"

#include <gtest/gtest.h>

#include <string>

namespace onetable {
namespace {

struct DateCase {
  const char* input;
  const char* normalized;  // nullptr when rejected
  const char* code;        // expected problem code when rejected
};

class DateParseTest : public testing::TestWithParam<DateCase> {};

TEST_P(DateParseTest, NormalizesOrRejects) {
  const DateCase& c = GetParam();
  std::string out = "unchanged";
  auto problem = NormalizeDate(c.input, &out);
  if (c.normalized == nullptr) {
    ASSERT_TRUE(problem) << c.input << " -> " << out;
    EXPECT_EQ(problem->code, c.code) << c.input;
    EXPECT_EQ(out, "unchanged");
  } else {
    ASSERT_FALSE(problem) << c.input << ": " << problem->message;
    EXPECT_EQ(out, c.normalized) << c.input;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Date, DateParseTest,
    testing::Values(
        DateCase{"2024-06-30", "2024-06-30", nullptr}, DateCase{"2024-6-3", "2024-06-03", nullptr},
        DateCase{"20240630", "2024-06-30", nullptr}, DateCase{"2024/6/30", "2024-06-30", nullptr},
        DateCase{"2024.6.30", "2024-06-30", nullptr},
        DateCase{"2024年6月30日", "2024-06-30", nullptr},
        DateCase{"2024年06月30", "2024-06-30", nullptr},
        DateCase{"  2024-06-30\t", "2024-06-30", nullptr},
        DateCase{"２０２４－０６－３０", "2024-06-30", nullptr},
        DateCase{"\u30002024年6月30日\u3000", "2024-06-30", nullptr},
        DateCase{"2024-02-29", "2024-02-29", nullptr},  // leap year
        DateCase{"2000-02-29", "2000-02-29", nullptr},  // divisible by 400
        DateCase{"2023-02-29", nullptr, "date_invalid"},
        DateCase{"1900-02-29", nullptr, "date_invalid"},  // divisible by 100
        DateCase{"19990230", nullptr, "date_invalid"},
        DateCase{"2024-04-31", nullptr, "date_invalid"},
        DateCase{"2024-13-01", nullptr, "date_invalid"},
        DateCase{"2024-00-10", nullptr, "date_invalid"},
        DateCase{"2024-06-00", nullptr, "date_invalid"},
        DateCase{"0000-01-01", nullptr, "date_invalid"}, DateCase{"", nullptr, "date_format"},
        DateCase{"   ", nullptr, "date_format"}, DateCase{"2024-06", nullptr, "date_format"},
        DateCase{"2024/06-30", nullptr, "date_format"},  // mixed separators
        DateCase{"24-06-30", nullptr, "date_format"},
        DateCase{"2024-006-30", nullptr, "date_format"},
        DateCase{"2024-06-30x", nullptr, "date_format"},
        DateCase{"2024063", nullptr, "date_format"}, DateCase{"30/06/2024", nullptr, "date_format"},
        DateCase{"2024年6月", nullptr, "date_format"},
        DateCase{"六月三十日", nullptr, "date_format"}));

TEST(DateTest, MessagesQuoteTheOffendingText) {
  Date d;
  auto bad_format = ParseDate(" 2024/06-30 ", &d);
  ASSERT_TRUE(bad_format);
  EXPECT_NE(bad_format->message.find("2024/06-30"), std::string::npos) << bad_format->message;
  auto bad_day = ParseDate("19990230", &d);
  ASSERT_TRUE(bad_day);
  EXPECT_NE(bad_day->message.find("19990230"), std::string::npos) << bad_day->message;
}

TEST(DateTest, OrderAndEquality) {
  Date a{2024, 6, 30}, b{2024, 7, 1}, c{2024, 6, 30};
  EXPECT_TRUE(a < b);
  EXPECT_FALSE(b < a);
  EXPECT_FALSE(a < c);
  EXPECT_TRUE(a == c);
  EXPECT_FALSE(a == b);
  EXPECT_TRUE((Date{2023, 12, 31} < Date{2024, 1, 1}));
  EXPECT_EQ((Date{987, 1, 2}).ToString(), "0987-01-02");
}

struct AgeCase {
  Date birth, ref;
  int age;
};

class AgeAtTest : public testing::TestWithParam<AgeCase> {};

TEST_P(AgeAtTest, CountsWholeYears) {
  const AgeCase& c = GetParam();
  EXPECT_EQ(AgeAt(c.birth, c.ref), c.age) << c.birth.ToString() << " at " << c.ref.ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Date, AgeAtTest,
    testing::Values(
        AgeCase{{1949, 12, 31}, {2024, 12, 30}, 74},
        AgeCase{{1949, 12, 31}, {2024, 12, 31}, 75},  // birthday counts
        AgeCase{{1949, 12, 31}, {2025, 1, 1}, 75}, AgeCase{{2000, 1, 1}, {2000, 1, 1}, 0},
        // 29 Feb birthdays: reached on 1 Mar in non-leap years, on 29 Feb in leap years.
        AgeCase{{2000, 2, 29}, {2023, 2, 28}, 22}, AgeCase{{2000, 2, 29}, {2023, 3, 1}, 23},
        AgeCase{{2000, 2, 29}, {2024, 2, 28}, 23}, AgeCase{{2000, 2, 29}, {2024, 2, 29}, 24},
        // ref before birth is negative.
        AgeCase{{2000, 6, 1}, {2000, 5, 31}, -1}, AgeCase{{2000, 6, 1}, {1990, 6, 1}, -10}));

TEST(DateTest, TodayIsARealDate) {
  Date today = Today();
  std::string out;
  EXPECT_FALSE(NormalizeDate(today.ToString(), &out));
  EXPECT_GE(today.year, 2024);
}

}  // namespace
}  // namespace onetable
