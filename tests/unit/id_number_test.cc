#include "model/id_number.h"

#include <gtest/gtest.h>

#include <string>

namespace onetable {
namespace {

TEST(IdNumberTest, CheckCharacterFollowsMod11_2) {
  EXPECT_EQ(IdCheckCharacter("11010519491231002"), 'X');  // S = 167, 167 mod 11 = 2
  EXPECT_EQ(IdCheckCharacter("44052418800101001"), '4');
  EXPECT_EQ(IdCheckCharacter("13050319670401001"), '6');
  EXPECT_EQ(IdCheckCharacter("00000000000000000"), '1');  // S mod 11 = 0
}

struct ValidCase {
  const char* input;
  const char* normalized;
  const char* area;
  const char* birth;
  const char* gender;
  bool upgraded;
};

class IdNumberValidTest : public testing::TestWithParam<ValidCase> {};

TEST_P(IdNumberValidTest, ParsesAndDerives) {
  const ValidCase& c = GetParam();
  IdNumber id;
  auto problem = ParseIdNumber(c.input, &id, "2024-06-30");
  ASSERT_FALSE(problem) << problem->code << " " << problem->message;
  EXPECT_EQ(id.normalized, c.normalized);
  EXPECT_EQ(id.area_code, c.area);
  EXPECT_EQ(id.birth_date, c.birth);
  EXPECT_EQ(id.gender, c.gender);
  EXPECT_EQ(id.upgraded, c.upgraded);
}

INSTANTIATE_TEST_SUITE_P(
    IdNumber, IdNumberValidTest,
    testing::Values(
        ValidCase{"11010519491231002X", "11010519491231002X", "110105", "1949-12-31", "2", false},
        ValidCase{"11010519491231002x", "11010519491231002X", "110105", "1949-12-31", "2", false},
        ValidCase{"  11010519491231002X\t", "11010519491231002X", "110105", "1949-12-31", "2",
                  false},
        ValidCase{"440524188001010014", "440524188001010014", "440524", "1880-01-01", "1", false},
        // 15-digit legacy number: "19" inserted, check character computed.
        ValidCase{"130503670401001", "130503196704010016", "130503", "1967-04-01", "1", true},
        // Full-width digits and Ｘ, as pasted from Word.
        ValidCase{"１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", "110105",
                  "1949-12-31", "2", false},
        // 2000-02-29 exists (divisible by 400).
        ValidCase{"420581200002290014", "420581200002290014", "420581", "2000-02-29", "1", false}));

struct InvalidCase {
  const char* input;
  const char* code;
};

class IdNumberInvalidTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(IdNumberInvalidTest, ReportsTheProblemWithoutTheNumber) {
  const InvalidCase& c = GetParam();
  IdNumber id;
  auto problem = ParseIdNumber(c.input, &id, "2024-06-30");
  ASSERT_TRUE(problem) << c.input;
  EXPECT_EQ(problem->code, c.code) << c.input << ": " << problem->message;
  EXPECT_FALSE(problem->message.empty());
  // Logs and audit must never hold ID numbers, so neither may the message.
  std::string input(c.input);
  if (input.size() >= 6) {
    EXPECT_EQ(problem->message.find(input.substr(0, 6)), std::string::npos) << problem->message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    IdNumber, IdNumberInvalidTest,
    testing::Values(InvalidCase{"", "id_length"},
                    InvalidCase{"11010519491231002", "id_length"},    // 17
                    InvalidCase{"11010519491231002X1", "id_length"},  // 19
                    InvalidCase{"1101051949123", "id_length"},
                    InvalidCase{"11010519491231002Y", "id_chars"},
                    InvalidCase{"1101051949123100XX", "id_chars"},  // X only at the end
                    InvalidCase{"11010A19491231002X", "id_chars"},
                    InvalidCase{"13050367040100X", "id_chars"},  // no X in 15-digit numbers
                    // Blanks between groups are dropped (issue 12): 17 digits remain.
                    InvalidCase{"110105 19491231002", "id_length"},
                    InvalidCase{"110105_1949123100X", "id_chars"},
                    InvalidCase{"110105194912310021", "id_checksum"},  // should be X
                    InvalidCase{"440524188001010015", "id_checksum"},
                    InvalidCase{"110105199902300011", "id_birth_date"},  // 1999-02-30
                    InvalidCase{"110105190002290011", "id_birth_date"},  // 1900 not leap
                    InvalidCase{"110105199913010011", "id_birth_date"},  // month 13
                    InvalidCase{"110105185001010011", "id_birth_date"},  // before 1860
                    InvalidCase{"110105203001010011", "id_birth_date"},  // after today
                    InvalidCase{"130503670230001", "id_birth_date"}));   // 15-digit, 1967-02-30

TEST(IdNumberTest, ChecksumMessageNamesTheExpectedCharacter) {
  IdNumber id;
  auto problem = ParseIdNumber("110105194912310021", &id);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->message, "身份证号校验位错误：应为 X");
}

TEST(IdNumberTest, FutureBirthDateOnlyRejectedWhenTodayIsGiven) {
  IdNumber id;
  // Check character computed so that only the date is at stake.
  std::string first17 = "11010520300101001";
  std::string number = first17 + IdCheckCharacter(first17);
  EXPECT_FALSE(ParseIdNumber(number, &id));
  auto problem = ParseIdNumber(number, &id, "2024-06-30");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->code, "id_birth_date");
  EXPECT_FALSE(ParseIdNumber(number, &id, "2030-01-01"));  // born today
}

TEST(IdNumberTest, ConsistencyWithEnteredBirthDateAndGender) {
  IdNumber id;
  ASSERT_FALSE(ParseIdNumber("11010519491231002X", &id));  // female, 1949-12-31

  EXPECT_FALSE(CheckIdConsistency(id, "", ""));
  EXPECT_FALSE(CheckIdConsistency(id, "1949-12-31", "2"));
  EXPECT_FALSE(CheckIdConsistency(id, "1949/12/31", "女"));
  EXPECT_FALSE(CheckIdConsistency(id, "", "9"));  // 未说明的性别 contradicts nothing

  auto date = CheckIdConsistency(id, "1949-12-30", "");
  ASSERT_TRUE(date);
  EXPECT_EQ(date->code, "id_birth_date_conflict");
  EXPECT_EQ(date->message.find("1949"), std::string::npos) << date->message;

  auto gender = CheckIdConsistency(id, "", "1");
  ASSERT_TRUE(gender);
  EXPECT_EQ(gender->code, "id_gender_conflict");
  EXPECT_EQ(CheckIdConsistency(id, "1949-12-31", "男")->code, "id_gender_conflict");
}

}  // namespace
}  // namespace onetable
