// Calendar dates as departments write them: 2024-06-30, 20240630, 2024/6/30, 2024.6.30,
// 2024年6月30日. Canonical form is YYYY-MM-DD. Pure; thread-safe.
#ifndef ONETABLE_MODEL_DATE_H_
#define ONETABLE_MODEL_DATE_H_

#include <optional>
#include <string>
#include <string_view>

#include "model/problem.h"

namespace onetable {

struct Date {
  int year = 0, month = 0, day = 0;
  std::string ToString() const;  // YYYY-MM-DD
  friend bool operator<(const Date& a, const Date& b);
  friend bool operator==(const Date& a, const Date& b);
};

// Parses any of the accepted forms and checks the calendar (leap years included).
// Returns the problem (code date_format or date_invalid) on failure.
std::optional<Problem> ParseDate(std::string_view text, Date* out);

// ParseDate, then writes the canonical YYYY-MM-DD.
std::optional<Problem> NormalizeDate(std::string_view text, std::string* out);

// Whole years from `birth` to `ref` (a birthday on ref counts; 29 Feb birthdays count on 1 Mar in
// non-leap years). Negative when ref is before birth.
int AgeAt(const Date& birth, const Date& ref);

// Today's date in the local time zone.
Date Today();

}  // namespace onetable

#endif  // ONETABLE_MODEL_DATE_H_
