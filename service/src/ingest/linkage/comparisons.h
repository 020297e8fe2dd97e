// Comparison levels (as in Fellegi–Sunter / Splink): for each field, the ordered list of ways two
// values can agree, from the strongest evidence of one person to "different". The first level
// that holds is the pair's level for that field; a blank value on either side is kMissing and
// carries no weight. Values are canonical (model/validation.h): dates "YYYY-MM-DD", phones
// digits, gender codes.
//
//   name        exact | same after 繁简 conversion (陳/陈) | surname variant (萧/肖, same given
//               name) | transposed given name (张伟明/张明伟) | same sound (pinyin, every
//               character) | different
//   birth date  exact | one digit off, or two adjacent digits swapped | day and month swapped |
//               different
//   phone       exact | different
//   address     exact after NormalizeAddress | similar (character-bigram Dice ≥ 0.8) | different
//   gender      exact | different
//
// Pure; thread-safe.
#ifndef ONETABLE_INGEST_LINKAGE_COMPARISONS_H_
#define ONETABLE_INGEST_LINKAGE_COMPARISONS_H_

#include <string>

namespace onetable::linkage {

enum class NameLevel {
  kExact,
  kSimplified,
  kSurnameVariant,
  kTransposed,
  kSameSound,
  kDifferent,
  kMissing
};
enum class DateLevel { kExact, kOneDigit, kDayMonthSwap, kDifferent, kMissing };
enum class PhoneLevel { kExact, kDifferent, kMissing };
enum class AddressLevel { kExact, kSimilar, kDifferent, kMissing };
enum class GenderLevel { kExact, kDifferent, kMissing };

NameLevel CompareNames(const std::string& a, const std::string& b);
DateLevel CompareBirthDates(const std::string& a, const std::string& b);
PhoneLevel ComparePhones(const std::string& a, const std::string& b);
AddressLevel CompareAddresses(const std::string& a, const std::string& b);
GenderLevel CompareGenders(const std::string& a, const std::string& b);

// Dice coefficient of the character bigrams of two strings (1 for equal strings, 0 when they
// share none). Counts each bigram with its multiplicity.
double BigramDice(const std::string& a, const std::string& b);

// Level names in English for the review item's JSON ("surname_variant") and in Chinese for the
// worker ("姓氏异写").
const char* LevelKey(NameLevel level);
const char* LevelKey(DateLevel level);
const char* LevelKey(PhoneLevel level);
const char* LevelKey(AddressLevel level);
const char* LevelKey(GenderLevel level);
const char* LevelLabel(NameLevel level);
const char* LevelLabel(DateLevel level);
const char* LevelLabel(PhoneLevel level);
const char* LevelLabel(AddressLevel level);
const char* LevelLabel(GenderLevel level);

}  // namespace onetable::linkage

#endif  // ONETABLE_INGEST_LINKAGE_COMPARISONS_H_
