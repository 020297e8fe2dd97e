// A demo person's register values, given who they are in the household: ID number, name,
// education, occupation, political status, phone, 户籍 and residence. Rates are those of a
// Chinese county town (most adults have a phone, most over-60s are retired, older cohorts left
// school earlier), so department tables built from the demo look like real ones.
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <map>
#include <string>

#include "demo/demo_household.h"
#include "demo/demo_names.h"
#include "model/id_number.h"
#include "store/store.h"

namespace onetable::demo {

int64_t DayNumber(const Date& date) {
  // Howard Hinnant's days_from_civil.
  const int y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (date.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date FromDayNumber(int64_t day) {
  day += 719468;
  const int64_t era = (day >= 0 ? day : day - 146096) / 146097;
  const int64_t doe = day - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Date{static_cast<int>(yoe + era * 400) + (m <= 2 ? 1 : 0), m, d};
}

CityContext::CityContext(uint64_t seed, const Divisions& divisions_in, const Date& today_in,
                         std::string district)
    : rng(seed),
      divisions(divisions_in),
      today(today_in),
      today_day(DayNumber(today_in)),
      district_code(std::move(district)) {
  next_household_number = 100000000 + static_cast<int64_t>(rng.Below(700000000));
  next_insurance_number = 4200000000LL + static_cast<int64_t>(rng.Below(90000000));
}

std::string CityContext::NewPhone() {
  while (true) {
    char digits[9];
    std::snprintf(digits, sizeof digits, "%08llu",
                  static_cast<unsigned long long>(rng.Below(100000000)));
    std::string phone = std::string(rng.Pick(kMobilePrefixes)) + digits;
    if (phones.insert(phone).second) return phone;
  }
}

std::string CityContext::NewIdNumber(const std::string& area, const Date& birth, bool male) {
  char body[18];
  while (true) {
    // GB 11643: the sequence's last digit is odd for men, even for women.
    int seq =
        male ? 1 + 2 * static_cast<int>(rng.Below(500)) : 2 + 2 * static_cast<int>(rng.Below(499));
    std::snprintf(body, sizeof body, "%s%04d%02d%02d%03d", area.c_str(), birth.year, birth.month,
                  birth.day, seq);
    std::string id = std::string(body) + IdCheckCharacter(body);
    if (id_numbers.insert(id).second) return id;
  }
}

Date CityContext::BirthForAge(int age) {
  Date anniversary{today.year - age, today.month, today.day};
  bool leap =
      (anniversary.year % 4 == 0 && anniversary.year % 100 != 0) || anniversary.year % 400 == 0;
  if (anniversary.month == 2 && anniversary.day == 29 && !leap) anniversary.day = 28;
  // Anything in the year up to the anniversary makes the person exactly `age` today.
  return FromDayNumber(DayNumber(anniversary) - static_cast<int64_t>(rng.Below(365)));
}

Date CityContext::DateBetween(int64_t from, int64_t to) {
  if (to <= from) return FromDayNumber(from);
  return FromDayNumber(from +
                       static_cast<int64_t>(rng.Below(static_cast<uint64_t>(to - from + 1))));
}

const LocalFlavor& YiduFlavor() {
  static const LocalFlavor* const flavor = [] {
    auto* f = new LocalFlavor;
    f->origins.assign(std::begin(kHubeiOrigins), std::end(kHubeiOrigins));
    f->government_employers.assign(std::begin(kGovernmentEmployers),
                                   std::end(kGovernmentEmployers));
    f->professional_employers.assign(std::begin(kProfessionalEmployers),
                                     std::end(kProfessionalEmployers));
    f->company_employers.assign(std::begin(kCompanyEmployers), std::end(kCompanyEmployers));
    return f;
  }();
  return *flavor;
}

std::string CityContext::PickOrigin() {
  // The same draws as DemoRandom::PickWeighted, so the demo city does not change.
  uint64_t total = 0;
  for (const WeightedText& item : flavor->origins) total += static_cast<uint64_t>(item.weight);
  uint64_t x = rng.Below(total);
  for (const WeightedText& item : flavor->origins) {
    if (x < static_cast<uint64_t>(item.weight)) return item.text;
    x -= static_cast<uint64_t>(item.weight);
  }
  return flavor->origins.back().text;
}

std::string CityContext::AreaPlace(const std::string& area) const {
  const Division* county = divisions.Find(area);
  const Division* city = divisions.Find(area.substr(0, 4));
  const Division* province = divisions.Find(area.substr(0, 2));
  if (county == nullptr || province == nullptr) return "";
  // 市辖区 and 省直辖县级行政区划 are placeholders, not names.
  bool named_city = city != nullptr && city->name.find("辖") == std::string::npos;
  return province->name + (named_city ? city->name : "") + county->name;
}

namespace {

// Highest education reached by adults, by birth cohort (GB/T 4658 codes).
constexpr WeightedText kEducationBefore1950[] = {{"83", 15}, {"81", 35}, {"71", 30},
                                                 {"61", 12}, {"41", 5},  {"31", 3}};
constexpr WeightedText kEducation1950[] = {{"81", 15}, {"71", 40}, {"61", 25},
                                           {"41", 10}, {"31", 7},  {"21", 3}};
constexpr WeightedText kEducation1970[] = {{"81", 5},  {"71", 30}, {"61", 22}, {"41", 13},
                                           {"31", 17}, {"21", 12}, {"14", 1}};
constexpr WeightedText kEducation1985[] = {{"71", 12}, {"61", 13}, {"41", 8},  {"44", 4},
                                           {"47", 3},  {"31", 27}, {"21", 28}, {"14", 5}};

// Occupations of working-age adults (occupation-shenzhen codes; stored as occupation_shenzhen,
// with the GB/T 6565 major group in occupation).
constexpr WeightedText kLocalOccupations[] = {{"1", 4}, {"2", 12},  {"3", 20},  {"4", 5}, {"5", 20},
                                              {"9", 8}, {"10", 14}, {"11", 10}, {"13", 7}};
constexpr WeightedText kFloatingOccupations[] = {
    {"5", 40}, {"10", 25}, {"9", 15}, {"11", 12}, {"13", 8}};

constexpr WeightedText kRareEthnicities[] = {{"03", 3}, {"06", 2}, {"12", 1}};

std::string GivenName(CityContext* ctx, int birth_year, bool male) {
  // About one person in a thousand: names with characters outside the BMP.
  if (ctx->persons_made % 997 == 500) return ctx->rng.Pick(kRareGivenNames);
  int cohort = 0;
  while (cohort + 1 < kCohortCount && birth_year >= kCohortStartYear[cohort + 1]) ++cohort;
  return kGivenNames[cohort][male ? 0 : 1][ctx->rng.Below(kNamesPerList)];
}

std::string Education(DemoRandom& rng, int age, int birth_year, bool floating) {
  if (age < 6) return "";
  if (age < 12) return "80";
  if (age < 15) return "70";
  if (age < 18) return rng.Chance(0.8) ? "60" : "40";
  if (age < 22 && !floating && rng.Chance(0.6)) return rng.Chance(0.55) ? "20" : "30";
  if (birth_year < 1950) return rng.PickWeighted(kEducationBefore1950).text;
  if (birth_year < 1970) return rng.PickWeighted(kEducation1950).text;
  // 流动人口 in a county town are mostly workers who left school after 初中 or 高中.
  if (birth_year < 1985 || (floating && rng.Chance(0.6))) {
    return rng.PickWeighted(kEducation1970).text;
  }
  return rng.PickWeighted(kEducation1985).text;
}

// The GB/T 6565-2015 major group of an occupation-shenzhen code, as migration 0014 maps stored
// codes; "" for a local value that is no occupation (学生, 自由职业者, 无业, 离退休).
std::string Gb6565MajorGroup(const std::string& shenzhen) {
  static const std::map<std::string, std::string> kGroup = {
      {"1", "3"}, {"2", "2"}, {"3", "3"}, {"4", "1"}, {"5", "6"},
      {"6", "5"}, {"8", "7"}, {"10", "4"}, {"13", "8"}};
  auto it = kGroup.find(shenzhen);
  return it == kGroup.end() ? "" : it->second;
}

std::string Occupation(DemoRandom& rng, int age, bool male, bool floating,
                       const std::string& education) {
  if (age < 6) return "";
  if (age < 18 || education == "20" || education == "30") return "7";
  if (age >= (male ? 60 : 55)) {
    if (floating) return rng.Chance(0.5) ? "11" : "13";
    return rng.Chance(0.85) ? "12" : "11";
  }
  return floating ? rng.PickWeighted(kFloatingOccupations).text
                  : rng.PickWeighted(kLocalOccupations).text;
}

std::string Employer(CityContext* ctx, const std::string& occupation) {
  auto pick = [ctx](const std::vector<const char*>& items) -> std::string {
    return items[ctx->rng.Below(items.size())];
  };
  if (occupation == "1") return pick(ctx->flavor->government_employers);
  if (occupation == "2") return pick(ctx->flavor->professional_employers);
  if (occupation == "3" || occupation == "4" || occupation == "5") {
    return pick(ctx->flavor->company_employers);
  }
  return "";
}

std::string Political(DemoRandom& rng, int age, bool male, const std::string& occupation) {
  if (age >= 18) {
    double party = occupation == "1" ? 0.6 : occupation == "2" ? 0.2 : 0.05;
    if (male && age >= 60) party = std::max(party, 0.12);
    if (rng.Chance(party)) return "01";
    if (age < 40 && rng.Chance(0.004)) return "02";
  }
  if (age >= 14 && age <= 28 && rng.Chance(age < 19 ? 0.6 : 0.35)) return "03";
  return "13";
}

std::string Health(DemoRandom& rng, int age) {
  size_t i = age < 60   ? rng.Weighted({93, 5, 2, 0})
             : age < 80 ? rng.Weighted({45, 35, 17, 3})
                        : rng.Weighted({10, 35, 40, 15});
  return std::to_string(i + 1);
}

bool HasPhone(DemoRandom& rng, int age) {
  if (age < 12) return false;
  if (age < 18) return rng.Chance(0.8);
  if (age < 70) return rng.Chance(0.97);
  return rng.Chance(age < 80 ? 0.85 : 0.55);
}

}  // namespace

void FillPerson(CityContext* ctx, const Dwelling& dwelling, const HouseholdFacts& facts,
                const Member& m, const std::set<std::string>& taken, PersonDraft* p) {
  DemoRandom& rng = ctx->rng;
  auto& v = p->row.values;
  p->surname = m.surname;
  p->male = m.male;
  p->age = m.age;
  p->birth = ctx->BirthForAge(m.age);
  const int year = p->birth.year;

  v["name"] = m.surname + GivenName(ctx, year, m.male);
  for (int tries = 0; taken.count(v["name"]) && tries < 50; ++tries) {
    v["name"] = m.surname + GivenName(ctx, year, m.male);
  }
  ++ctx->persons_made;
  v["gender"] = m.male ? "1" : "2";
  v["birth_date"] = p->birth.ToString();
  std::string area = facts.floating     ? facts.origin_area
                     : rng.Chance(0.92) ? ctx->district_code
                                        : ctx->PickOrigin();
  v["id_number"] = ctx->NewIdNumber(area, p->birth, m.male);
  v["id_doc_type"] = m.age >= 16 ? "111" : "113";
  v["ethnicity"] = m.tujia             ? "15"
                   : rng.Chance(0.005) ? rng.PickWeighted(kRareEthnicities).text
                                       : "01";
  std::string place = ctx->AreaPlace(area);
  if (!place.empty()) {
    v["birthplace"] = place;
    v["native_place"] = place;
  }
  std::string education = Education(rng, m.age, year, facts.floating);
  if (!education.empty()) v["education"] = education;
  v["marital_status"] = m.marital;
  std::string occupation = Occupation(rng, m.age, m.male, facts.floating, education);
  if (!occupation.empty()) {
    v["occupation_shenzhen"] = occupation;
    std::string major_group = Gb6565MajorGroup(occupation);
    if (!major_group.empty()) v["occupation"] = major_group;
  }
  std::string employer = Employer(ctx, occupation);
  if (!employer.empty()) v["employer"] = employer;
  v["political_status"] = Political(rng, m.age, m.male, occupation);
  if (!m.deceased && HasPhone(rng, m.age)) v["phone"] = ctx->NewPhone();

  v["current_address"] = dwelling.address + dwelling.room;
  if (facts.floating) {
    const Division* town = ctx->divisions.Find(facts.origin_town);
    v["hukou_division"] = town ? town->code : facts.origin_area;
    v["hukou_address"] = ctx->AreaPlace(facts.origin_area) + (town ? town->name : "");
    v["population_type"] = "02";
    v["hukou_nature"] = rng.Chance(0.7) ? "1" : "2";
  } else {
    v["hukou_division"] = dwelling.community_code;
    const Division* province = ctx->divisions.Find(ctx->district_code.substr(0, 2));
    v["hukou_address"] = (province ? province->name : "") + dwelling.address + dwelling.room;
    v["population_type"] = "01";
    v["hukou_nature"] = rng.Chance(0.9) ? "2" : "1";
  }
  // Working-age locals who work elsewhere keep their 户籍 here: 外出, 人户分离.
  bool away = !facts.floating && !m.deceased && m.age >= 18 && m.age <= 55 && rng.Chance(0.04);
  v["residence_status"] = m.deceased ? "4" : away ? "2" : "1";
  v["separated"] = facts.floating || away ? "1" : "0";
  v["health_status"] = Health(rng, m.age);
  v["relationship"] = m.relationship;
  v["residence_type"] = facts.residence_type;
  v["move_in_date"] = (p->birth < facts.move_in ? facts.move_in : p->birth).ToString();
  if (m.deceased) {
    int64_t born = DayNumber(p->birth);
    Date died = ctx->DateBetween(std::max(born + 1, ctx->today_day - 900), ctx->today_day - 10);
    v["death_date"] = died.ToString();
    p->row.status = kStatusDeceased;
  }
}

}  // namespace onetable::demo
