// Fuzz target: the date parser (service/src/model/date.h) over any text a department may type.
// A date that parses must print as YYYY-MM-DD, parse again to itself, and give sane ages.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/date.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  onetable::Date date;
  if (onetable::ParseDate(text, &date).has_value()) return 0;
  const std::string canonical = date.ToString();
  onetable::Date again;
  if (onetable::ParseDate(canonical, &again).has_value() || !(again == date)) std::abort();
  std::string normalized;
  if (onetable::NormalizeDate(text, &normalized).has_value() || normalized != canonical) {
    std::abort();
  }
  const onetable::Date ref{2024, 2, 29};
  // A birthday on or before the reference day is a non-negative age.
  if (!(ref < date) && onetable::AgeAt(date, ref) < 0) std::abort();
  (void)onetable::AgeAt(ref, date);
  return 0;
}
