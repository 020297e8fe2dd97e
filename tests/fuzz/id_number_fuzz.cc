// Fuzz target: the 公民身份号码 parser (service/src/model/id_number.h). A number that parses is
// 18 characters with a correct check character, parses again to itself, and agrees with its own
// birth date and gender.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/id_number.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  onetable::IdNumber id;
  // With and without a reference day (a future birth date is refused with one).
  (void)onetable::ParseIdNumber(text, &id, "2024-06-30");
  id = {};
  if (onetable::ParseIdNumber(text, &id).has_value()) return 0;
  if (id.normalized.size() != 18) std::abort();
  if (onetable::IdCheckCharacter(std::string_view(id.normalized).substr(0, 17)) !=
      id.normalized[17]) {
    std::abort();
  }
  onetable::IdNumber again;
  if (onetable::ParseIdNumber(id.normalized, &again).has_value() ||
      again.normalized != id.normalized) {
    std::abort();
  }
  if (onetable::CheckIdConsistency(id, id.birth_date, id.gender).has_value()) std::abort();
  // Cross-checks against arbitrary text must not crash either.
  const std::string_view half = text.substr(0, text.size() / 2);
  (void)onetable::CheckIdConsistency(id, half, text.substr(half.size()));
  return 0;
}
