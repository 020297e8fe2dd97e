// Validation of the 公民身份号码 (GB 11643-1999): 6-digit area code, 8-digit birth date,
// 3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character (upper-case X).
// Legacy 15-digit numbers (GB 11643-1989) are upgraded by inserting "19" and computing the check.
// Whether the area code is a real one (GB/T 2260, current or historic) needs the division list:
// Divisions::CheckIdAreaCode, applied by the Validator.
// Pure functions; thread-safe.
#ifndef ONETABLE_MODEL_ID_NUMBER_H_
#define ONETABLE_MODEL_ID_NUMBER_H_

#include <optional>
#include <string>
#include <string_view>

#include "model/problem.h"

namespace onetable {

struct IdNumber {
  std::string normalized;  // 18 characters, check character upper-case
  std::string area_code;   // first 6 digits
  std::string birth_date;  // YYYY-MM-DD
  std::string gender;      // GB/T 2261.1 code: "1" male, "2" female
  bool upgraded = false;   // true when the input had 15 digits
};

// The check character ('0'..'9' or 'X') for the first 17 digits. Precondition: 17 ASCII digits.
char IdCheckCharacter(std::string_view first17);

// Parses `text` (full-width digits folded; blanks and hyphens anywhere ignored, as typed between
// groups of digits; lower-case x accepted). On success fills `*out` and
// returns nullopt; otherwise returns the problem (codes: id_length, id_chars, id_birth_date,
// id_checksum). `today` (YYYY-MM-DD, optional) rejects birth dates in the future.
std::optional<Problem> ParseIdNumber(std::string_view text, IdNumber* out,
                                     std::string_view today = {});

// Cross-checks an entered birth date (YYYY-MM-DD) or gender code against the ID number.
// Empty strings are not checked. Codes: id_birth_date_conflict, id_gender_conflict.
std::optional<Problem> CheckIdConsistency(const IdNumber& id, std::string_view birth_date,
                                          std::string_view gender);

}  // namespace onetable

#endif  // ONETABLE_MODEL_ID_NUMBER_H_
