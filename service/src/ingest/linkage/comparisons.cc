#include "ingest/linkage/comparisons.h"

#include <algorithm>
#include <map>
#include <vector>

#include "ingest/address.h"
#include "ingest/linkage/chinese_names.h"

namespace onetable::linkage {
namespace {

bool IsIsoDate(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

// The eight digits of an ISO date.
std::string Digits(const std::string& d) {
  return d.substr(0, 4) + d.substr(5, 2) + d.substr(8, 2);
}

// Same characters in another order (the given names of a transposed pair).
bool SameCharsOtherOrder(const std::string& a, const std::string& b) {
  std::vector<std::string> ca = Characters(a), cb = Characters(b);
  if (ca.size() < 2 || ca.size() != cb.size() || ca == cb) return false;
  std::sort(ca.begin(), ca.end());
  std::sort(cb.begin(), cb.end());
  return ca == cb;
}

}  // namespace

NameLevel CompareNames(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return NameLevel::kMissing;
  if (a == b) return NameLevel::kExact;
  const ChineseNames& names = ChineseNames::Get();
  const std::string sa = names.ToSimplified(a), sb = names.ToSimplified(b);
  if (sa == sb) return NameLevel::kSimplified;
  auto [surname_a, given_a] = names.Split(sa);
  auto [surname_b, given_b] = names.Split(sb);
  const bool variant = names.AreSurnameVariants(surname_a, surname_b);
  if (variant && given_a == given_b) return NameLevel::kSurnameVariant;
  if ((surname_a == surname_b || variant) && SameCharsOtherOrder(given_a, given_b)) {
    return NameLevel::kTransposed;
  }
  if (names.SameSound(sa, sb)) return NameLevel::kSameSound;
  return NameLevel::kDifferent;
}

DateLevel CompareBirthDates(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return DateLevel::kMissing;
  if (a == b) return DateLevel::kExact;
  if (!IsIsoDate(a) || !IsIsoDate(b)) return DateLevel::kDifferent;
  const std::string da = Digits(a), db = Digits(b);
  std::vector<size_t> diff;
  for (size_t i = 0; i < da.size(); ++i) {
    if (da[i] != db[i]) diff.push_back(i);
  }
  if (diff.size() == 1) return DateLevel::kOneDigit;
  if (diff.size() == 2 && diff[1] == diff[0] + 1 && da[diff[0]] == db[diff[1]] &&
      da[diff[1]] == db[diff[0]]) {
    return DateLevel::kOneDigit;  // 1987 typed 1978
  }
  if (a.substr(0, 4) == b.substr(0, 4) && a.substr(5, 2) == b.substr(8, 2) &&
      a.substr(8, 2) == b.substr(5, 2)) {
    return DateLevel::kDayMonthSwap;
  }
  return DateLevel::kDifferent;
}

PhoneLevel ComparePhones(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return PhoneLevel::kMissing;
  return a == b ? PhoneLevel::kExact : PhoneLevel::kDifferent;
}

double BigramDice(const std::string& a, const std::string& b) {
  if (a == b) return 1;
  auto bigrams = [](const std::string& s) {
    std::map<std::string, int> out;
    std::vector<std::string> c = Characters(s);
    for (size_t i = 0; i + 1 < c.size(); ++i) ++out[c[i] + c[i + 1]];
    return out;
  };
  std::map<std::string, int> ba = bigrams(a), bb = bigrams(b);
  int total = 0, shared = 0;
  for (const auto& [k, n] : ba) {
    total += n;
    auto it = bb.find(k);
    if (it != bb.end()) shared += std::min(n, it->second);
  }
  for (const auto& [k, n] : bb) total += n;
  return total == 0 ? 0 : 2.0 * shared / total;
}

AddressLevel CompareAddresses(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return AddressLevel::kMissing;
  const std::string na = NormalizeAddress(a), nb = NormalizeAddress(b);
  if (na == nb) return AddressLevel::kExact;
  return BigramDice(na, nb) >= 0.8 ? AddressLevel::kSimilar : AddressLevel::kDifferent;
}

GenderLevel CompareGenders(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return GenderLevel::kMissing;
  return a == b ? GenderLevel::kExact : GenderLevel::kDifferent;
}

const char* LevelKey(NameLevel l) {
  switch (l) {
    case NameLevel::kExact:
      return "exact";
    case NameLevel::kSimplified:
      return "traditional_simplified";
    case NameLevel::kSurnameVariant:
      return "surname_variant";
    case NameLevel::kTransposed:
      return "transposed_given_name";
    case NameLevel::kSameSound:
      return "same_pinyin";
    case NameLevel::kDifferent:
      return "different";
    case NameLevel::kMissing:
      return "missing";
  }
  return "";
}
const char* LevelKey(DateLevel l) {
  switch (l) {
    case DateLevel::kExact:
      return "exact";
    case DateLevel::kOneDigit:
      return "one_digit";
    case DateLevel::kDayMonthSwap:
      return "day_month_swap";
    case DateLevel::kDifferent:
      return "different";
    case DateLevel::kMissing:
      return "missing";
  }
  return "";
}
const char* LevelKey(PhoneLevel l) {
  switch (l) {
    case PhoneLevel::kExact:
      return "exact";
    case PhoneLevel::kDifferent:
      return "different";
    case PhoneLevel::kMissing:
      return "missing";
  }
  return "";
}
const char* LevelKey(AddressLevel l) {
  switch (l) {
    case AddressLevel::kExact:
      return "exact";
    case AddressLevel::kSimilar:
      return "similar";
    case AddressLevel::kDifferent:
      return "different";
    case AddressLevel::kMissing:
      return "missing";
  }
  return "";
}
const char* LevelKey(GenderLevel l) {
  switch (l) {
    case GenderLevel::kExact:
      return "exact";
    case GenderLevel::kDifferent:
      return "different";
    case GenderLevel::kMissing:
      return "missing";
  }
  return "";
}
const char* LevelLabel(NameLevel l) {
  switch (l) {
    case NameLevel::kExact:
      return "相同";
    case NameLevel::kSimplified:
      return "繁简转换后相同";
    case NameLevel::kSurnameVariant:
      return "姓氏异写";
    case NameLevel::kTransposed:
      return "名字颠倒";
    case NameLevel::kSameSound:
      return "同音";
    case NameLevel::kDifferent:
      return "不同";
    case NameLevel::kMissing:
      return "缺失";
  }
  return "";
}
const char* LevelLabel(DateLevel l) {
  switch (l) {
    case DateLevel::kExact:
      return "相同";
    case DateLevel::kOneDigit:
      return "差一位数字";
    case DateLevel::kDayMonthSwap:
      return "月日颠倒";
    case DateLevel::kDifferent:
      return "不同";
    case DateLevel::kMissing:
      return "缺失";
  }
  return "";
}
const char* LevelLabel(PhoneLevel l) {
  switch (l) {
    case PhoneLevel::kExact:
      return "相同";
    case PhoneLevel::kDifferent:
      return "不同";
    case PhoneLevel::kMissing:
      return "缺失";
  }
  return "";
}
const char* LevelLabel(AddressLevel l) {
  switch (l) {
    case AddressLevel::kExact:
      return "相同";
    case AddressLevel::kSimilar:
      return "相近";
    case AddressLevel::kDifferent:
      return "不同";
    case AddressLevel::kMissing:
      return "缺失";
  }
  return "";
}
const char* LevelLabel(GenderLevel l) {
  switch (l) {
    case GenderLevel::kExact:
      return "相同";
    case GenderLevel::kDifferent:
      return "不同";
    case GenderLevel::kMissing:
      return "缺失";
  }
  return "";
}

}  // namespace onetable::linkage
