// Inside the demo generator (demo_city.h): one synthetic household at a time. MakeHousehold
// decides who lives together (a kind of household drawn with urban-China frequencies), their
// ages and relationships, then every person's register values; AddDemoTags adds the
// special-population tags that fit them. No store access: demo_city.cc writes the drafts.
// Not thread-safe (a CityContext belongs to one generation run).
#ifndef ONETABLE_DEMO_DEMO_HOUSEHOLD_H_
#define ONETABLE_DEMO_DEMO_HOUSEHOLD_H_

#include <cstdint>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "demo/demo_names.h"
#include "demo/demo_random.h"
#include "model/catalog.h"
#include "model/date.h"
#include "model/divisions.h"
#include "store/store.h"

namespace onetable::demo {

// Days since 1970-01-01 in the proleptic Gregorian calendar, and back.
int64_t DayNumber(const Date& date);
Date FromDayNumber(int64_t day);

// The words that make a city's people local: the home counties its 流动人口 come from (also the
// birthplaces of the few locals born elsewhere) and who employs its residents, by occupation
// (occupation-shenzhen 1 公务员, 2 专业技术, 3–5 companies), and how many households are
// 土家族 (the one minority the generator models in numbers). Each list must be non-empty.
struct LocalFlavor {
  std::vector<WeightedText> origins;  // 6-digit area codes the division data knows
  double tujia_share = 0.08;          // of local households
  double floating_tujia_share = 0.2;  // of 流动人口 households
  std::vector<const char*> government_employers;
  std::vector<const char*> professional_employers;
  std::vector<const char*> company_employers;
};

// 宜都's (demo_names.h): the demo city's flavor, and the default.
const LocalFlavor& YiduFlavor();

// What one generation run shares: the PRNG, the reference date, and the values that must stay
// unique across the city.
struct CityContext {
  CityContext(uint64_t seed, const Divisions& divisions, const Date& today,
              std::string district_code);

  // A mobile number 1[3-9]xxxxxxxxx not handed out before in this run.
  std::string NewPhone();
  // A GB 11643 number for a person born on `birth` in `area` (6 digits), unique in this run;
  // the sequence digit's parity follows the sex.
  std::string NewIdNumber(const std::string& area, const Date& birth, bool male);
  // A birth date at which a person is `age` whole years old on `today`.
  Date BirthForAge(int age);
  // A random date in [from, to] (both as day numbers); `from` when to < from.
  Date DateBetween(int64_t from, int64_t to);
  // "湖北省宜昌市宜都市" for an area code the division data knows, "" otherwise.
  std::string AreaPlace(const std::string& area) const;
  // A home county drawn from the flavor's origins.
  std::string PickOrigin();

  const LocalFlavor* flavor = &YiduFlavor();  // must outlive the context

  DemoRandom rng;
  const Divisions& divisions;
  Date today;
  int64_t today_day = 0;
  std::string district_code;  // the demo city, e.g. "420581"
  std::unordered_set<std::string> id_numbers;
  std::unordered_set<std::string> phones;
  int64_t next_household_number = 0;  // 户号: 9 digits, increasing
  int64_t next_insurance_number = 0;  // 社会保障卡号 (个人编号): 10 digits, increasing
  int persons_made = 0;
  int centenarian_after = 0;  // the first elder living alone after this many persons is 100+
  bool centenarian_made = false;
};

// Where a household lives.
struct Dwelling {
  std::string community_code;  // 12 digits
  std::string address;         // "宜都市陆城街道清江大道88号3栋"
  std::string room;            // "2单元501"
  bool high_rise = false;
  int built_year = 2005;
  std::string party_branch;  // the grid's 党支部
};

// Who a person is in the household before any register value is chosen.
struct Member {
  std::string relationship;  // GB/T 4761, relative to the 户主
  bool male = false;
  int age = 0;
  std::string surname;
  std::string marital;  // GB/T 2261.2
  bool tujia = false;
  bool may_die = false;  // an elder other than the head who may have died recently
  bool deceased = false;
};

// What all members of a household share.
struct HouseholdFacts {
  bool floating = false;
  std::string origin_area;     // 6 digits: the 流动人口's home county (their ID area code)
  std::string origin_town;     // 9 digits or "": their 户籍 town
  Date move_in;                // when the household moved into the dwelling
  std::string residence_type;  // 1 自住, 2 租住, 3 寄住
};

struct PersonDraft {
  Row row;  // parent_id is filled by the writer
  Date birth;
  int age = 0;  // whole years on the context's `today`
  bool male = false;
  std::string surname;
  std::vector<TagAssignment> tags;  // person_id is filled by the writer
};

struct HouseholdDraft {
  Row row;                           // head_person_id is filled by the writer
  std::vector<PersonDraft> members;  // members[0] is the 户主 (relationship 02)
  bool floating = false;             // 流动人口 renting here
};

// Synthesizes one household of 1..max_size persons (max_size >= 1) living at `dwelling`.
HouseholdDraft MakeHousehold(CityContext* ctx, const Dwelling& dwelling, int max_size);

// Fills a person's register values from who they are in the household (demo_people.cc). The
// name is none of `taken` (the household's other members): two people of one household with
// one name would look like a duplicate entry to anyone reading the register.
void FillPerson(CityContext* ctx, const Dwelling& dwelling, const HouseholdFacts& facts,
                const Member& member, const std::set<std::string>& taken, PersonDraft* person);

// Checks that the catalog defines every tag and attribute AddDemoTags writes, so a catalog
// change is reported before anything is written (kFailedPrecondition naming them).
Status CheckDemoTags(const Catalog& catalog);

// Adds the special-population tags that fit the household's persons (demo_tags.cc).
void AddDemoTags(CityContext* ctx, const Dwelling& dwelling, HouseholdDraft* household);

}  // namespace onetable::demo

#endif  // ONETABLE_DEMO_DEMO_HOUSEHOLD_H_
