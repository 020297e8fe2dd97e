// Special-population tags for the demo city, at rates a community would recognise: about 2% of
// households on 低保 (more where someone is disabled), 持证残疾人 rising with age, a few
// 退役军人, party members from the political status, 流动人口 for everyone who rents from
// elsewhere, elders living alone or as a couple, and 医保 for nearly everyone. Attribute keys are
// the catalog's (schema/fields.yaml `tags:`); the store rejects any it does not know. A few
// households had 临时救助 in the last year.
#include <algorithm>
#include <cstdint>
#include <string>

#include "demo/demo_household.h"
#include "demo/demo_names.h"

namespace onetable::demo {
namespace {

constexpr char kSource[] = "demo";

// Every tag and attribute written below, for CheckDemoTags.
struct TagUse {
  const char* tag;
  std::vector<const char*> attributes;
};
const TagUse kTagUses[] = {
    {"disability", {"card_number", "category", "grade", "issued_on"}},
    {"veteran", {"category", "enlisted_on", "discharged_on"}},
    {"party_member", {"branch", "joined_on", "stage", "confirmed_on"}},
    {"floating", {"arrived_on", "reason"}},
    {"medical_insurance", {"type", "card_number", "insured_on"}},
    {"elderly_alone", {"kind", "contact_name", "contact_phone"}},
    {"dibao", {"category", "since", "amount", "covered_count", "cause"}},
    {"temporary_assistance", {"kind", "cause", "amount", "times", "mode", "granted_on"}},
};

constexpr WeightedText kDisabilityCategories[] = {{"1", 12}, {"2", 15}, {"3", 2}, {"4", 45},
                                                  {"5", 8},  {"6", 10}, {"7", 8}};
constexpr WeightedText kDisabilityGrades[] = {{"1", 10}, {"2", 25}, {"3", 35}, {"4", 30}};
constexpr WeightedText kVeteranCategories[] = {{"02", 80}, {"01", 12}, {"03", 8}};

bool Living(const PersonDraft& p) { return p.row.status != kStatusDeceased; }

const std::string& Value(const PersonDraft& p, const char* key) {
  static const std::string kEmpty;
  const std::string* v = p.row.Get(key);
  return v ? *v : kEmpty;
}

TagAssignment Tag(const char* key, std::string valid_from = "") {
  TagAssignment t;
  t.tag = key;
  t.source = kSource;
  t.valid_from = std::move(valid_from);
  return t;
}

// The day a person born on `birth` turns `years` (approximately: leap days do not matter here).
int64_t DayAtAge(const PersonDraft& p, int years) { return DayNumber(p.birth) + years * 365LL; }

bool AddDisability(CityContext* ctx, PersonDraft* p) {
  double rate = p->age < 18 ? 0.004 : p->age < 60 ? 0.015 : p->age < 80 ? 0.04 : 0.08;
  if (!ctx->rng.Chance(rate)) return false;
  std::string category = ctx->rng.PickWeighted(kDisabilityCategories).text;
  std::string grade = ctx->rng.PickWeighted(kDisabilityGrades).text;
  // Second-generation cards (from 2008) onwards.
  int64_t from = std::max(DayAtAge(*p, 1), DayNumber(Date{2010, 1, 1}));
  std::string issued = ctx->DateBetween(from, ctx->today_day - 30).ToString();
  TagAssignment t = Tag("disability", issued);
  t.attrs["card_number"] = Value(*p, "id_number") + category + grade;
  t.attrs["category"] = category;
  t.attrs["grade"] = grade;
  t.attrs["issued_on"] = issued;
  p->tags.push_back(std::move(t));
  return true;
}

void AddVeteran(CityContext* ctx, PersonDraft* p) {
  if (!p->male || p->age < 25 || p->age > 85 || !ctx->rng.Chance(0.035)) return;
  std::string category = ctx->rng.PickWeighted(kVeteranCategories).text;
  int years = category == "02"   ? ctx->rng.Between(2, 5)
              : category == "01" ? ctx->rng.Between(12, 20)
                                 : ctx->rng.Between(20, 30);
  int64_t enlisted = DayAtAge(*p, ctx->rng.Between(18, 20)) + ctx->rng.Between(0, 300);
  int64_t discharged = enlisted + years * 365LL + ctx->rng.Between(0, 60);
  if (discharged > ctx->today_day - 30) {  // too young for that career: a short one instead
    category = "02";
    enlisted = DayAtAge(*p, 18) + ctx->rng.Between(0, 100);
    discharged = enlisted + 2 * 365LL;
    if (discharged > ctx->today_day - 30) return;
  }
  std::string discharged_on = FromDayNumber(discharged).ToString();
  TagAssignment t = Tag("veteran", discharged_on);
  t.attrs["category"] = category;
  t.attrs["enlisted_on"] = FromDayNumber(enlisted).ToString();
  t.attrs["discharged_on"] = discharged_on;
  p->tags.push_back(std::move(t));
}

void AddPartyMember(CityContext* ctx, const Dwelling& dwelling, PersonDraft* p) {
  const std::string& political = Value(*p, "political_status");
  if (political != "01" && political != "02") return;
  bool probationary = political == "02";
  int64_t day = probationary
                    ? ctx->today_day - ctx->rng.Between(30, 360)
                    : DayNumber(ctx->DateBetween(DayAtAge(*p, 18),
                                                 std::min(DayAtAge(*p, 45), ctx->today_day - 400)));
  std::string joined_on = FromDayNumber(day).ToString();
  TagAssignment t = Tag("party_member", joined_on);
  t.attrs["branch"] = dwelling.party_branch;
  t.attrs["joined_on"] = joined_on;
  t.attrs["stage"] = probationary ? "1" : "2";
  if (!probationary) t.attrs["confirmed_on"] = FromDayNumber(day + 365).ToString();
  p->tags.push_back(std::move(t));
}

void AddFloating(CityContext* ctx, PersonDraft* p) {
  const std::string& occupation = Value(*p, "occupation_shenzhen");
  std::string reason = occupation == "10"                                             ? "3"
                       : occupation == "5" || occupation == "9" || occupation == "13" ? "1"
                                                                                      : "9";
  const std::string& arrived = Value(*p, "move_in_date");
  TagAssignment t = Tag("floating", arrived);
  t.attrs["arrived_on"] = arrived;
  t.attrs["reason"] = reason;
  p->tags.push_back(std::move(t));
}

void AddMedicalInsurance(CityContext* ctx, PersonDraft* p) {
  if (!ctx->rng.Chance(0.95)) return;
  const std::string& occupation = Value(*p, "occupation_shenzhen");
  bool employee = occupation == "1" || occupation == "2" || occupation == "3" ||
                  occupation == "4" || occupation == "5" ||
                  (occupation == "12" && ctx->rng.Chance(0.6));
  int64_t from = std::max(DayNumber(p->birth) + 30, DayNumber(Date{2009, 1, 1}));
  std::string insured = ctx->DateBetween(from, ctx->today_day - 30).ToString();
  TagAssignment t = Tag("medical_insurance", insured);
  t.attrs["type"] = employee ? "1" : "2";
  t.attrs["card_number"] = std::to_string(ctx->next_insurance_number);
  ctx->next_insurance_number += ctx->rng.Between(1, 30);
  t.attrs["insured_on"] = insured;
  p->tags.push_back(std::move(t));
}

// FNV-1a: a stable choice that does not draw from ctx->rng (see AddTemporaryAssistance).
uint32_t Fnv(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

constexpr const char* kSuddenCauses[] = {"住房失火", "交通事故致伤", "家庭成员突发重病"};
constexpr const char* kSpendingCauses[] = {"重病医疗支出骤增", "子女就学支出骤增"};

// 临时救助 in the last year for about 1 household in 100 and 1 in 8 of the 低保 households (the
// usual 支出型 recipients), on the applicant (the first living member). The choice and its details
// come from a hash of the applicant's ID number, not from ctx->rng, so adding the tag left the
// rest of the demo city exactly as it was.
void AddTemporaryAssistance(CityContext* ctx, PersonDraft* applicant, bool dibao) {
  const uint32_t h = Fnv(Value(*applicant, "id_number"));
  if (h % 1000 >= (dibao ? 125u : 10u)) return;
  const bool spending = dibao && (h >> 10) % 3 != 0;
  const std::string granted = FromDayNumber(ctx->today_day - 5 - (h >> 12) % 330).ToString();
  TagAssignment t = Tag("temporary_assistance", granted);
  t.attrs["kind"] = spending ? "2" : "1";
  t.attrs["cause"] = spending ? kSpendingCauses[(h >> 4) % 2] : kSuddenCauses[(h >> 4) % 3];
  t.attrs["amount"] = std::to_string(500 * (1 + (h >> 20) % 8));
  t.attrs["times"] = "1";
  t.attrs["mode"] = (h >> 8) % 5 == 0 ? "2" : "1";
  t.attrs["granted_on"] = granted;
  applicant->tags.push_back(std::move(t));
}

}  // namespace

Status CheckDemoTags(const Catalog& catalog) {
  std::string missing;
  for (const TagUse& use : kTagUses) {
    const TagDef* def = catalog.FindTag(use.tag);
    for (const char* attribute : use.attributes) {
      if (def == nullptr || def->FindAttribute(attribute) == nullptr) {
        missing += (missing.empty() ? "" : "、") + std::string(use.tag) + "." + attribute;
      }
    }
  }
  if (missing.empty()) return Status::Ok();
  return Status::Precondition("字段目录（fields.yaml 的 tags:）缺少演示数据要用的标签属性：" +
                              missing);
}

void AddDemoTags(CityContext* ctx, const Dwelling& dwelling, HouseholdDraft* household) {
  DemoRandom& rng = ctx->rng;
  std::vector<PersonDraft*> living;
  for (PersonDraft& p : household->members) {
    if (Living(p)) living.push_back(&p);
  }
  if (living.empty()) return;

  bool disabled = false;
  for (PersonDraft* p : living) disabled = AddDisability(ctx, p) || disabled;

  bool elders_only =
      living.size() <= 2 &&
      std::all_of(living.begin(), living.end(), [](const PersonDraft* p) { return p->age >= 60; });
  if (elders_only) {
    // Their emergency contact is a child living elsewhere.
    const PersonDraft& head = household->members[0];
    std::string surname = head.male ? head.surname : rng.PickWeighted(kSurnames).text;
    int child_cohort = head.birth.year + 27 >= 1985 ? 2 : head.birth.year + 27 >= 1960 ? 1 : 0;
    bool son = rng.Chance(0.5);
    std::string contact =
        surname + kGivenNames[child_cohort][son ? 0 : 1][rng.Below(kNamesPerList)];
    std::string phone = ctx->NewPhone();
    for (PersonDraft* p : living) {
      TagAssignment t = Tag("elderly_alone");
      t.attrs["kind"] = living.size() == 1 ? "1" : "2";
      t.attrs["contact_name"] = contact;
      t.attrs["contact_phone"] = phone;
      p->tags.push_back(std::move(t));
    }
  }

  double dibao = household->floating ? 0.0
                                     : 0.012 + (disabled ? 0.08 : 0.0) +
                                           (elders_only && living.size() == 1 ? 0.03 : 0.0);
  if (rng.Chance(dibao)) {
    std::string since = ctx->DateBetween(ctx->today_day - 8 * 365, ctx->today_day - 60).ToString();
    int amount = 0;
    for (size_t i = 0; i < living.size(); ++i) amount += rng.Between(30, 70) * 10;
    std::string cause = rng.Pick(kDibaoCauses);
    for (PersonDraft* p : living) {
      TagAssignment t = Tag("dibao", since);
      t.attrs["category"] = "01";  // 城市低保
      t.attrs["since"] = since;
      t.attrs["amount"] = std::to_string(amount);
      t.attrs["covered_count"] = std::to_string(living.size());
      t.attrs["cause"] = cause;
      p->tags.push_back(std::move(t));
    }
  }

  const bool on_dibao = std::any_of(living[0]->tags.begin(), living[0]->tags.end(),
                                    [](const TagAssignment& t) { return t.tag == "dibao"; });
  AddTemporaryAssistance(ctx, living[0], on_dibao);

  for (PersonDraft* p : living) {
    AddVeteran(ctx, p);
    AddPartyMember(ctx, dwelling, p);
    if (household->floating) AddFloating(ctx, p);
    AddMedicalInsurance(ctx, p);
  }
}

}  // namespace onetable::demo
