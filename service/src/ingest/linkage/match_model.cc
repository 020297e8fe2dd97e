#include "ingest/linkage/match_model.h"

#include <algorithm>
#include <cmath>

#include "model/catalog_keys.h"

namespace onetable::linkage {
namespace {

struct MU {
  double m, u;
};

// m and u per level (see the header). Levels not listed (kMissing) weigh 0.
MU NameMU(NameLevel l) {
  switch (l) {
    case NameLevel::kExact:
      return {0.86, 1e-4};  // u replaced by the name's term frequency
    case NameLevel::kSimplified:
      return {0.03, 5e-5};
    case NameLevel::kSurnameVariant:
      return {0.025, 1e-4};
    case NameLevel::kTransposed:
      return {0.02, 2e-5};
    case NameLevel::kSameSound:
      return {0.03, 5e-4};
    default:
      return {0.035, 0.9993};
  }
}
MU DateMU(DateLevel l) {
  switch (l) {
    case DateLevel::kExact:
      return {0.92, 4e-5};
    case DateLevel::kOneDigit:
      return {0.04, 1.5e-3};
    case DateLevel::kDayMonthSwap:
      return {0.01, 4e-5};
    default:
      return {0.03, 0.998};
  }
}
MU PhoneMU(PhoneLevel l) { return l == PhoneLevel::kExact ? MU{0.7, 1e-5} : MU{0.3, 0.99999}; }
MU AddressMU(AddressLevel l) {
  switch (l) {
    case AddressLevel::kExact:
      return {0.55, 1e-3};
    case AddressLevel::kSimilar:
      return {0.3, 5e-3};
    default:
      return {0.15, 0.994};
  }
}
MU GenderMU(GenderLevel l) { return l == GenderLevel::kExact ? MU{0.99, 0.5} : MU{0.01, 0.5}; }

double Log2(double x) { return std::log2(x); }

std::string Get(const std::map<std::string, std::string>& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? "" : it->second;
}
std::string Get(const Row& r, const char* key) {
  const std::string* v = r.Get(key);
  return v ? *v : "";
}

}  // namespace

double PriorWeight(int64_t population) {
  double n = static_cast<double>(std::max<int64_t>(population, 1000));
  return Log2(1.0 / (n - 1));
}

std::string PairScore::Reason() const {
  std::string out;
  for (const Evidence& e : evidence) {
    if (!out.empty()) out += "、";
    out += e.label;
  }
  return out;
}

PairScore ScorePair(const std::map<std::string, std::string>& incoming, const Row& candidate,
                    int64_t name_count, int64_t population) {
  PairScore s;
  s.weight = PriorWeight(population);
  const double n = static_cast<double>(std::max<int64_t>(population, 1000));
  auto add = [&](const char* field, const char* field_label, const char* key, const char* label,
                 MU mu) {
    Evidence e;
    e.field = field;
    e.level = key;
    e.label = std::string(field_label) + label;
    e.weight = Log2(mu.m / mu.u);
    s.weight += e.weight;
    s.evidence.push_back(std::move(e));
  };

  s.name = CompareNames(Get(incoming, keys::kName), Get(candidate, keys::kName));
  if (s.name != NameLevel::kMissing) {
    MU mu = NameMU(s.name);
    if (s.name == NameLevel::kExact && name_count > 0) {
      mu.u = std::min(0.5, static_cast<double>(name_count) / n);
    }
    add(keys::kName, "姓名", LevelKey(s.name), LevelLabel(s.name), mu);
  }
  s.birth_date =
      CompareBirthDates(Get(incoming, keys::kBirthDate), Get(candidate, keys::kBirthDate));
  if (s.birth_date != DateLevel::kMissing) {
    add(keys::kBirthDate, "出生日期", LevelKey(s.birth_date), LevelLabel(s.birth_date),
        DateMU(s.birth_date));
  }
  s.phone = ComparePhones(Get(incoming, keys::kPhone), Get(candidate, keys::kPhone));
  if (s.phone != PhoneLevel::kMissing) {
    add(keys::kPhone, "电话", LevelKey(s.phone), LevelLabel(s.phone), PhoneMU(s.phone));
  }
  s.address =
      CompareAddresses(Get(incoming, keys::kCurrentAddress), Get(candidate, keys::kCurrentAddress));
  if (s.address != AddressLevel::kMissing) {
    add(keys::kCurrentAddress, "现住址", LevelKey(s.address), LevelLabel(s.address),
        AddressMU(s.address));
  }
  s.gender = CompareGenders(Get(incoming, keys::kGender), Get(candidate, keys::kGender));
  if (s.gender != GenderLevel::kMissing) {
    add(keys::kGender, "性别", LevelKey(s.gender), LevelLabel(s.gender), GenderMU(s.gender));
  }
  // 2^w / (1 + 2^w), computed without overflow for large |w|.
  s.probability = s.weight >= 0 ? 1.0 / (1.0 + std::exp2(-s.weight))
                                : std::exp2(s.weight) / (1.0 + std::exp2(s.weight));
  return s;
}

}  // namespace onetable::linkage
