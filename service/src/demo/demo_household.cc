// Who lives together in the demo city. Household kinds and their weights follow the shape of
// urban China in the 2020 census: mean size about 2.6, one household in five a single person,
// about one resident in five aged 60 or over. Ages are drawn so that parents are 20–40 years
// older than their children and siblings are born more than a year apart.
#include "demo/demo_household.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>

#include "demo/demo_names.h"

namespace onetable::demo {
namespace {

enum class Kind {
  kSingle,               // one adult under 60
  kElderAlone,           // one person 60+ (独居老人)
  kYoungCouple,          // no children yet
  kMiddleCouple,         // children moved out
  kElderCouple,          // both 60+ mostly (空巢老人)
  kOneChild,             // couple + 1 child
  kTwoChildren,          // couple + 2 children
  kSingleParent,         // parent + child
  kWithParents,          // couple + children + one or both of the head's (or spouse's) parents
  kOldHeadMarriedChild,  // elder head (+ spouse) + married child + in-law + grandchildren
  kElderWithChild,       // widowed elder + unmarried or divorced adult child
};

// Local households, then 流动人口 households (younger; no elders).
constexpr int kLocalWeights[] = {13, 9, 6, 7, 13, 22, 9, 4, 7, 6, 3};
constexpr int kFloatingWeights[] = {30, 0, 20, 0, 0, 35, 10, 5, 0, 0, 0};
// Share of households that are 流动人口 (about 4% of persons: their households are smaller).
constexpr double kFloatingShare = 0.05;
constexpr double kDeathShare = 0.06;  // of the elders who may have died

struct Band {
  int lo;
  int weight;
};
// Ages of people over 60 in five-year bands: about 13% of them are 80+.
constexpr Band kElderBands[] = {{60, 280}, {65, 250}, {70, 200}, {75, 140},
                                {80, 75},  {85, 40},  {90, 12},  {95, 3}};

Kind DrawKind(DemoRandom& rng, bool floating) {
  const int* w = floating ? kFloatingWeights : kLocalWeights;
  size_t i = rng.Weighted({w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10]});
  return static_cast<Kind>(i);
}

int ElderAge(DemoRandom& rng, int min_age) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    int age = rng.PickWeighted(kElderBands).lo + rng.Between(0, 4);
    if (age >= min_age) return age;
  }
  return min_age;
}

// Years between a mother and her child: mostly 22–30.
int MotherGap(DemoRandom& rng) { return 20 + rng.Between(0, 7) + rng.Between(0, 8); }

// A child's age given both parents' ages (pass the same age twice for a single parent): 20–40
// years younger than each, and at least two years apart from each of `siblings` (so their birth
// dates are more than a year apart). -1 when no such age exists.
int ChildAge(DemoRandom& rng, int mother, int father, int at_least,
             const std::vector<int>& siblings = {}) {
  int lo = std::max({0, std::max(mother, father) - 40, at_least});
  int hi = std::min(mother, father) - 20;
  if (hi < lo) return -1;
  for (int attempt = 0; attempt < 12; ++attempt) {
    int age = std::clamp(mother - MotherGap(rng), lo, hi);
    bool spaced = std::all_of(siblings.begin(), siblings.end(),
                              [&](int other) { return std::abs(other - age) >= 2; });
    if (spaced) return age;
  }
  return -1;
}

class Composer {
 public:
  Composer(DemoRandom* rng, bool tujia) : rng_(*rng), tujia_(tujia) { members_.reserve(8); }

  std::string Surname(bool tujia) {
    return tujia ? rng_.PickWeighted(kTujiaSurnames).text : rng_.PickWeighted(kSurnames).text;
  }

  int Add(const char* relationship, bool male, int age, std::string surname, const char* marital,
          bool tujia) {
    Member m;
    m.relationship = relationship;
    m.male = male;
    m.age = age;
    m.surname = std::move(surname);
    m.marital = marital;
    m.tujia = tujia;
    members_.push_back(std::move(m));
    return static_cast<int>(members_.size()) - 1;
  }

  // The head; a Tujia household's head is Tujia.
  int AddHead(bool male, int age, const char* marital) {
    return Add("02", male, age, Surname(tujia_), marital, tujia_);
  }

  // The head's spouse, aged from the head: husbands are mostly a little older.
  int AddSpouse(int head) {
    const Member h = members_[head];
    int gap = rng_.Between(-2, 5);
    int age = std::max(20, h.male ? h.age - gap : h.age + gap);
    const char* rel = rng_.Chance(0.2) ? "10" : (h.male ? "12" : "11");
    bool tujia = tujia_ ? rng_.Chance(0.5) : rng_.Chance(0.03);
    return Add(rel, !h.male, age, Surname(tujia), "20", tujia);
  }

  // A couple whose wife is `wife_age`; the husband heads it with probability `husband_heads`.
  std::pair<int, int> AddCouple(int wife_age, double husband_heads) {
    bool husband_is_head = rng_.Chance(husband_heads);
    int husband_age = wife_age + rng_.Between(-2, 5);
    int head = AddHead(husband_is_head, husband_is_head ? husband_age : wife_age, "20");
    int spouse = AddSpouse(head);
    // AddSpouse draws its own gap; keep the wife's age as asked for.
    Member& wife = members_[husband_is_head ? spouse : head];
    Member& husband = members_[husband_is_head ? head : spouse];
    wife.age = wife_age;
    husband.age = std::max(20, husband_age);
    return husband_is_head ? std::make_pair(head, spouse) : std::make_pair(spouse, head);
  }

  // A child of the head (and of `other_parent`, -1 for none), or -1 when ages do not allow one.
  int AddChild(int head, int other_parent, int at_least, const char* marital = nullptr) {
    const Member h = members_[head];
    int mother = h.male && other_parent >= 0 ? members_[other_parent].age : h.age;
    int father = !h.male && other_parent >= 0 ? members_[other_parent].age : h.age;
    std::vector<int> siblings;
    for (const Member& m : members_) {
      if (m.relationship == "20" || m.relationship == "30") siblings.push_back(m.age);
    }
    int age = ChildAge(rng_, mother, father, at_least, siblings);
    if (age < 0) return -1;
    bool male = rng_.Chance(0.52);
    // Children take the father's surname; an absent father's is drawn.
    std::string surname = h.male              ? h.surname
                          : other_parent >= 0 ? members_[other_parent].surname
                                              : (rng_.Chance(0.9) ? Surname(false) : h.surname);
    bool tujia = h.tujia || (other_parent >= 0 && members_[other_parent].tujia);
    const char* m = marital ? marital : "10";
    return Add(male ? "20" : "30", male, age, surname, m, tujia);
  }

  std::vector<Member>& members() { return members_; }
  DemoRandom& rng() { return rng_; }
  bool tujia() const { return tujia_; }

 private:
  DemoRandom& rng_;
  bool tujia_;
  std::vector<Member> members_;
};

const char* SingleMarital(DemoRandom& rng, int age) {
  if (age < 30) return rng.Chance(0.92) ? "10" : "40";
  if (age < 45) return rng.Chance(0.6) ? "10" : "40";
  size_t i = rng.Weighted({15, 70, 15});
  return i == 0 ? "10" : i == 1 ? "40" : "30";
}

const char* WidowedMarital(DemoRandom& rng) {
  size_t i = rng.Weighted({85, 8, 7});
  return i == 0 ? "30" : i == 1 ? "40" : "10";
}

// The head's own parents (or the spouse's) living with the couple.
void AddParentsOf(Composer& c, int child, bool both) {
  DemoRandom& rng = c.rng();
  const Member ch = c.members()[child];  // a copy: Add below grows the vector
  bool of_head = ch.relationship == "02";
  bool head_male = c.members()[0].male;
  int mother_age = ch.age + MotherGap(rng);
  int father_age = std::min(ch.age + 40, std::max(ch.age + 20, mother_age + rng.Between(-2, 5)));
  bool with_father = both || rng.Chance(0.3);
  bool with_mother = both || !with_father;
  // Relationship to the head: 51/52 own parents; 53/54 husband's parents of a female head;
  // 55/56 wife's parents of a male head.
  const char* father_rel = of_head ? "51" : (head_male ? "55" : "53");
  const char* mother_rel = of_head ? "52" : (head_male ? "56" : "54");
  const char* marital = both ? "20" : "30";
  if (with_father) {
    int i = c.Add(father_rel, true, father_age, ch.surname, marital, ch.tujia);
    c.members()[i].may_die = true;
  }
  if (with_mother) {
    std::string surname = c.Surname(ch.tujia && rng.Chance(0.5));
    int i = c.Add(mother_rel, false, mother_age, surname, marital, ch.tujia);
    c.members()[i].may_die = true;
  }
}

void Compose(Composer& c, Kind kind, bool floating, bool centenarian) {
  DemoRandom& rng = c.rng();
  switch (kind) {
    case Kind::kSingle: {
      int age = floating ? 18 + rng.Between(0, 14) + rng.Between(0, 11)
                         : 20 + rng.Between(0, 19) + rng.Between(0, 19);
      c.AddHead(rng.Chance(0.55), age, SingleMarital(rng, age));
      break;
    }
    case Kind::kElderAlone: {
      int age = centenarian ? rng.Between(100, 102) : ElderAge(rng, 62);
      c.AddHead(centenarian ? false : rng.Chance(0.3), age, WidowedMarital(rng));
      break;
    }
    case Kind::kYoungCouple:
      c.AddCouple(22 + rng.Between(0, 9) + rng.Between(0, 7), 0.8);
      break;
    case Kind::kMiddleCouple:
      c.AddCouple(rng.Between(45, 59), 0.8);
      break;
    case Kind::kElderCouple: {
      int husband = ElderAge(rng, 60);
      auto [h, w] = c.AddCouple(std::max(55, husband - rng.Between(-2, 5)), 0.85);
      c.members()[h].age = husband;
      c.members()[c.members()[0].male ? w : h].may_die = true;
      break;
    }
    case Kind::kOneChild:
    case Kind::kTwoChildren: {
      bool two = kind == Kind::kTwoChildren;
      int mother = two ? rng.Between(27, 52) : rng.Between(24, 56);
      auto [h, w] = c.AddCouple(mother, 0.75);
      int head = 0;
      int other = head == h ? w : h;
      c.AddChild(head, other, 0);
      if (two) c.AddChild(head, other, 0);
      break;
    }
    case Kind::kSingleParent: {
      bool male = rng.Chance(0.25);
      int head = c.AddHead(male, rng.Between(28, 55), rng.Chance(0.7) ? "40" : "30");
      c.AddChild(head, -1, 0);
      break;
    }
    case Kind::kWithParents: {
      auto [h, w] = c.AddCouple(rng.Between(28, 50), 0.75);
      int other = h == 0 ? w : h;
      c.AddChild(0, other, 0);
      if (rng.Chance(0.4)) c.AddChild(0, other, 0);
      AddParentsOf(c, rng.Chance(0.8) ? 0 : other, rng.Chance(0.55));
      break;
    }
    case Kind::kOldHeadMarriedChild: {
      // Both grandparents, or the survivor of them (widows outnumber widowers).
      size_t alive = rng.Weighted({80, 6, 14});  // both, husband only, wife only
      int wife_age = rng.Between(50, 78);
      int husband_age = wife_age + rng.Between(-2, 5);
      int grandfather = -1;
      if (alive == 0) {
        auto [hh, ww] = c.AddCouple(wife_age, 0.8);
        c.members()[hh].age = husband_age;
        grandfather = hh;
        int spouse = hh == 0 ? ww : hh;
        c.members()[spouse].may_die = true;
      } else {
        int h = c.AddHead(alive == 1, alive == 1 ? husband_age : wife_age, "30");
        if (alive == 1) grandfather = h;
      }
      const Member head = c.members()[0];
      bool son = rng.Chance(0.75);
      int child_age = ChildAge(rng, wife_age, husband_age, 23);
      if (child_age < 0) child_age = std::max(23, std::min(wife_age, husband_age) - 26);
      // A son carries his father's surname; a daughter too, and her children her husband's.
      std::string family =
          grandfather >= 0 ? c.members()[grandfather].surname : c.Surname(head.tujia);
      int child = c.Add(son ? "20" : "30", son, child_age, family, "20", head.tujia);
      int gap = rng.Between(-2, 5);
      int in_law_age = std::max(21, son ? child_age - gap : child_age + gap);
      std::string in_law_surname = c.Surname(false);
      c.Add(son ? "38" : "28", !son, in_law_age, in_law_surname, "20", false);
      int mother = son ? in_law_age : child_age;
      int father = son ? child_age : in_law_age;
      std::string kid_surname = son ? family : in_law_surname;
      bool kid_tujia = c.members()[child].tujia;
      int kids = rng.Chance(0.4) ? 2 : 1;
      std::vector<int> ages;
      for (int k = 0; k < kids; ++k) {
        int age = ChildAge(rng, mother, father, 0, ages);
        if (age < 0) break;
        ages.push_back(age);
        bool male = rng.Chance(0.52);
        const char* rel = son ? (male ? "41" : "42") : (male ? "43" : "44");
        c.Add(rel, male, age, kid_surname, "10", kid_tujia);
      }
      break;
    }
    case Kind::kElderWithChild: {
      int head = c.AddHead(rng.Chance(0.3), ElderAge(rng, 65), "30");
      c.AddChild(head, -1, 25, rng.Chance(0.6) ? "10" : "40");
      break;
    }
  }
}

// Elders who died in the last years stay in the register with status deceased; a widowed
// spouse's marital status follows.
void MarkDeaths(DemoRandom& rng, std::vector<Member>* members) {
  for (Member& m : *members) {
    if (!m.may_die || m.age < 70 || !rng.Chance(kDeathShare)) continue;
    m.deceased = true;
    for (Member& other : *members) {
      if (&other == &m || other.marital != "20") continue;
      bool spouse_of_head =
          m.relationship == "10" || m.relationship == "11" || m.relationship == "12";
      bool partner = (spouse_of_head && other.relationship == "02") ||
                     (m.relationship[0] == '5' && other.relationship[0] == '5');
      if (partner) other.marital = "30";
    }
  }
}

}  // namespace

HouseholdDraft MakeHousehold(CityContext* ctx, const Dwelling& dwelling, int max_size) {
  DemoRandom& rng = ctx->rng;
  bool centenarian = !ctx->centenarian_made && ctx->persons_made >= ctx->centenarian_after;
  bool floating = !centenarian && rng.Chance(kFloatingShare);
  bool tujia = rng.Chance(floating ? ctx->flavor->floating_tujia_share : ctx->flavor->tujia_share);
  std::vector<Member> members;
  for (int attempt = 0; attempt < 30; ++attempt) {
    Kind kind = centenarian ? Kind::kElderAlone : DrawKind(rng, floating);
    Composer c(&rng, tujia);
    Compose(c, kind, floating, centenarian);
    if (static_cast<int>(c.members().size()) <= max_size) {
      members = std::move(c.members());
      break;
    }
  }
  if (members.empty()) {  // only tiny remainders get here
    Composer c(&rng, tujia);
    Compose(c, floating ? Kind::kSingle : Kind::kElderAlone, floating, false);
    members = std::move(c.members());
  }
  if (centenarian && members[0].age >= 100) ctx->centenarian_made = true;
  MarkDeaths(rng, &members);

  HouseholdFacts facts;
  facts.floating = floating;
  // Not before the building was finished, nor before the head was about 20.
  int64_t earliest = std::max<int64_t>(DayNumber(Date{dwelling.built_year, 1, 1}),
                                       ctx->today_day - 365LL * std::max(0, members[0].age - 20));
  if (floating) {
    facts.origin_area = ctx->PickOrigin();
    auto towns = ctx->divisions.Children(facts.origin_area);
    if (!towns.empty()) facts.origin_town = towns[rng.Below(towns.size())]->code;
    earliest = std::max(earliest, ctx->today_day - 5 * 365);
    facts.residence_type = "2";
  } else {
    size_t t = rng.Weighted({90, 8, 2});
    facts.residence_type = t == 0 ? "1" : t == 1 ? "2" : "3";
  }
  facts.move_in = ctx->DateBetween(earliest, ctx->today_day - 30);

  HouseholdDraft h;
  h.floating = floating;
  h.row.values["household_number"] = std::to_string(ctx->next_household_number);
  ctx->next_household_number += rng.Between(1, 9);
  h.row.values["household_type"] = "1";
  h.row.values["address"] = dwelling.address + dwelling.room;
  h.row.values["room"] = dwelling.room;
  h.row.values["house_use"] = "住宅";
  h.row.values["property_type"] = rng.Pick(kPropertyTypes);
  int area10 = dwelling.high_rise ? rng.Between(750, 1450) : rng.Between(550, 1150);
  h.row.values["floor_area"] =
      std::to_string(area10 / 10) + (area10 % 10 ? "." + std::to_string(area10 % 10) : "");
  h.row.values["room_count"] = std::to_string(area10 < 700 ? 2 : area10 < 1150 ? 3 : 4);
  if (facts.residence_type == "2") {
    // The landlord is a local who lives elsewhere: not a person of the register.
    Composer c(&rng, false);
    h.row.values["landlord_name"] =
        c.Surname(false) + kGivenNames[1][rng.Chance(0.5) ? 0 : 1][rng.Below(kNamesPerList)];
    h.row.values["landlord_phone"] = ctx->NewPhone();
  }
  std::set<std::string> names;
  for (const Member& m : members) {
    PersonDraft p;
    FillPerson(ctx, dwelling, facts, m, names, &p);
    names.insert(p.row.values["name"]);
    h.members.push_back(std::move(p));
  }
  return h;
}

}  // namespace onetable::demo
