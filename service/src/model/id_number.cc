#include "model/id_number.h"

#include "model/date.h"
#include "model/text.h"
#include "onetable/utf8.h"

namespace onetable {
namespace {

// Messages never contain the ID number (or parts of it such as the birth date): they end up in
// logs and the audit trail, which must not hold ID numbers.

// No one alive when the first resident ID cards were issued (1984) was born before this, so an
// earlier date is a typing error. 1860 keeps the standard's example 440524188001010014 valid.
constexpr std::string_view kEarliestBirthDate = "1860-01-01";

constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kCheckChars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};



bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

char IdCheckCharacter(std::string_view first17) {
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheckChars[sum % 11];
}

std::optional<Problem> ParseIdNumber(std::string_view text, IdNumber* out, std::string_view today) {
  // Full-width digits and X fold to ASCII; blanks and hyphens typed between groups of digits
  // (" 411481 19320114 079X ", "411481-19320114-079X") are dropped.
  std::string folded = FoldWidth(text);
  std::string compact;
  compact.reserve(folded.size());
  for (char c : TrimBlank(folded)) {
    if (c == ' ' || c == '\t' || c == '-') continue;
    compact.push_back(c);
  }
  std::string_view s = compact;
  size_t length = utf8::CountCodePoints(s);
  if (length != 18 && length != 15) {
    return Problem{"id_length",
                   "身份证号应为18位（旧证15位），实际为" + std::to_string(length) + "位"};
  }
  for (size_t i = 0; i < s.size(); ++i) {
    bool check_position = s.size() == 18 && i == 17;
    if (!IsDigit(s[i]) && !(check_position && (s[i] == 'X' || s[i] == 'x'))) {
      return Problem{"id_chars", "身份证号只能由数字组成，18位号码的末位可以是X"};
    }
  }

  std::string first17;
  bool upgraded = s.size() == 15;
  if (upgraded) {
    // GB 11643-1989 numbers carry a 2-digit year (all 19xx) and no check character.
    first17.append(s.substr(0, 6)).append("19").append(s.substr(6, 9));
  } else {
    first17 = std::string(s.substr(0, 17));
  }

  Date birth;
  if (ParseDate(std::string_view(first17).substr(6, 8), &birth)) {
    return Problem{"id_birth_date", "身份证号中的出生日期（第7–14位）不是有效日期"};
  }
  std::string birth_date = birth.ToString();
  if (birth_date < kEarliestBirthDate) {
    return Problem{"id_birth_date", "身份证号中的出生日期早于1860年，请核对"};
  }
  if (!today.empty() && birth_date > today) {
    return Problem{"id_birth_date", "身份证号中的出生日期晚于今天，请核对"};
  }

  char check = IdCheckCharacter(first17);
  if (!upgraded) {
    char given = s[17] == 'x' ? 'X' : s[17];
    if (given != check) {
      return Problem{"id_checksum", std::string("身份证号校验位错误：应为 ") + check};
    }
  }

  out->normalized = first17 + check;
  out->area_code = first17.substr(0, 6);
  out->birth_date = birth_date;
  out->gender = (first17[16] - '0') % 2 == 1 ? "1" : "2";
  out->upgraded = upgraded;
  return std::nullopt;
}

std::optional<Problem> CheckIdConsistency(const IdNumber& id, std::string_view birth_date,
                                          std::string_view gender) {
  if (!birth_date.empty()) {
    // An entered date that does not parse is the date field's own problem, reported there.
    Date entered;
    if (!ParseDate(birth_date, &entered) && entered.ToString() != id.birth_date) {
      return Problem{"id_birth_date_conflict", "出生日期与身份证号中的出生日期不一致"};
    }
  }
  if (!gender.empty()) {
    std::string_view code = TrimBlank(gender);
    if (code == "男") code = "1";
    if (code == "女") code = "2";
    // 0 (未知的性别) and 9 (未说明的性别) say nothing that could contradict the ID number.
    if ((code == "1" || code == "2") && code != id.gender) {
      return Problem{"id_gender_conflict", std::string("性别与身份证号不一致：身份证号表示") +
                                               (id.gender == "1" ? "男性" : "女性")};
    }
  }
  return std::nullopt;
}

}  // namespace onetable
