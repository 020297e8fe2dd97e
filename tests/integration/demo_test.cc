// The demo city (`onetable init --demo`): real divisions, valid and consistent persons, a
// plausible population, and the same city for the same seed. Runs on a temporary SQLite file,
// or with ONETABLE_TEST_STORE=mysql on the database at ONETABLE_TEST_MYSQL_URL (wiped first).
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "cli_runner.h"
#include "list_all.h"
#include "demo/demo_city.h"
#include "model/date.h"
#include "model/id_number.h"
#include "model/validation.h"
#include "onetable/utf8.h"

namespace onetable {
namespace {
using testing::ListAll;

constexpr char kToday[] = "2026-07-01";

// Every person, household and tag of a store, as text in id order.
struct Snapshot {
  std::vector<Row> persons;
  std::vector<Row> households;
  std::map<int64_t, std::vector<TagAssignment>> tags;  // by person id
  uint64_t digest = 1469598103934665603ULL;            // FNV-1a over everything above
};

void Mix(uint64_t* h, const std::string& s) {
  for (unsigned char c : s) *h = (*h ^ c) * 1099511628211ULL;
  *h = (*h ^ 0xFF) * 1099511628211ULL;
}

Snapshot Take(Store* store) {
  Snapshot s;
  s.households = ListAll(store, EntityKind::kHousehold);
  s.persons = ListAll(store, EntityKind::kPerson);
  auto mix_row = [&](const Row& r) {
    Mix(&s.digest, std::to_string(r.id) + "/" + std::to_string(r.parent_id) + "/" + r.status);
    for (const auto& [k, v] : r.values) Mix(&s.digest, k + "=" + v);
  };
  for (const Row& r : s.households) mix_row(r);
  for (const Row& p : s.persons) {
    mix_row(p);
    auto tags = store->ListTags(p.id);
    EXPECT_TRUE(tags.ok()) << tags.status().message();
    if (!tags.ok()) continue;
    for (const TagAssignment& t : *tags) {
      Mix(&s.digest, t.tag + "@" + t.valid_from);
      for (const auto& [k, v] : t.attrs) Mix(&s.digest, k + "=" + v);
    }
    if (!tags->empty()) s.tags[p.id] = std::move(*tags);
  }
  return s;
}

const std::string& Value(const Row& r, const char* key) {
  static const std::string kEmpty;
  const std::string* v = r.Get(key);
  return v ? *v : kEmpty;
}

int AgeOn(const Row& person, const Date& day) {
  Date birth;
  EXPECT_FALSE(ParseDate(Value(person, "birth_date"), &birth)) << Value(person, "birth_date");
  return AgeAt(birth, day);
}

class Demo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = new Catalog(std::move(*catalog));
    auto divisions = Divisions::Load(ONETABLE_SOURCE_DIR "/schema/divisions");
    ASSERT_TRUE(divisions.ok()) << divisions.status().message();
    divisions_ = new Divisions(std::move(*divisions));
    options_.today = kToday;
    Generate(&store_, &dir_, &summary_);
    ASSERT_TRUE(store_);
    snapshot_ = new Snapshot(Take(store_.get()));
  }

  void SetUp() override { ASSERT_NE(snapshot_, nullptr) << "the demo city was not generated"; }

  static void TearDownTestSuite() {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    delete snapshot_;
    delete divisions_;
    delete catalog_;
  }

  // A fresh, migrated store with the demo city (seed and today from options_) in it.
  static void Generate(std::unique_ptr<Store>* store, std::string* dir, DemoSummary* summary,
                       uint64_t seed = DemoOptions().seed, int persons = DemoOptions().persons) {
    *dir = testing::MakeTempDir();
    auto opened = OpenStore(testing::TestStoreUrl(*dir), *catalog_);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    *store = std::move(*opened);
    Status migrated = (*store)->Migrate();
    ASSERT_TRUE(migrated.ok()) << migrated.message();
    DemoOptions options = options_;
    options.seed = seed;
    options.persons = persons;
    std::vector<std::string> lines;
    auto made = GenerateDemo(store->get(), *catalog_, *divisions_, options,
                             [&](const std::string& line) { lines.push_back(line); });
    ASSERT_TRUE(made.ok()) << made.status().message();
    *summary = *made;
    EXPECT_EQ(lines.size(), static_cast<size_t>(made->grids));  // one progress line per grid
  }

  static Catalog* catalog_;
  static Divisions* divisions_;
  static DemoOptions options_;
  static std::unique_ptr<Store> store_;
  static std::string dir_;
  static DemoSummary summary_;
  static Snapshot* snapshot_;
};

Catalog* Demo::catalog_ = nullptr;
Divisions* Demo::divisions_ = nullptr;
DemoOptions Demo::options_;
std::unique_ptr<Store> Demo::store_;
std::string Demo::dir_;
DemoSummary Demo::summary_;
Snapshot* Demo::snapshot_ = nullptr;

TEST_F(Demo, TreeIsARealStreetWithItsRealCommunities) {
  auto districts = ListAll(store_.get(), EntityKind::kDistrict);
  ASSERT_EQ(districts.size(), 1u);
  EXPECT_EQ(Value(districts[0], "code"), "420581");
  EXPECT_EQ(Value(districts[0], "name"), "宜都市");
  auto streets = ListAll(store_.get(), EntityKind::kStreet);
  ASSERT_EQ(streets.size(), 1u);
  EXPECT_EQ(Value(streets[0], "code"), "420581001");
  EXPECT_EQ(Value(streets[0], "name"), "陆城街道");
  EXPECT_EQ(streets[0].parent_id, districts[0].id);

  auto communities = ListAll(store_.get(), EntityKind::kCommunity);
  ASSERT_GE(communities.size(), 3u);
  std::set<int64_t> community_ids;
  for (const Row& c : communities) {
    const Division* real = divisions_->Find(Value(c, "code"));
    ASSERT_NE(real, nullptr) << Value(c, "code");
    EXPECT_EQ(real->name, Value(c, "name"));
    EXPECT_EQ(real->parent_code, "420581001");
    EXPECT_EQ(c.parent_id, streets[0].id);
    community_ids.insert(c.id);
  }
  auto grids = ListAll(store_.get(), EntityKind::kGrid);
  EXPECT_GE(grids.size(), 12u);
  std::set<std::string> grid_names;
  for (const Row& g : grids) {
    EXPECT_TRUE(community_ids.count(g.parent_id));
    EXPECT_NE(Value(g, "worker_name"), "");
    EXPECT_NE(Value(g, "worker_phone"), "");
    grid_names.insert(Value(g, "name"));
  }
  EXPECT_TRUE(grid_names.count("东风社区第1网格"));

  auto buildings = ListAll(store_.get(), EntityKind::kBuilding);
  EXPECT_GE(buildings.size(), grids.size());
  for (const Row& b : buildings) {
    EXPECT_EQ(Value(b, "address").rfind("宜都市陆城街道", 0), 0u) << Value(b, "address");
  }
  EXPECT_EQ(summary_.districts, 1);
  EXPECT_EQ(summary_.streets, 1);
  EXPECT_EQ(summary_.communities, static_cast<int>(communities.size()));
  EXPECT_EQ(summary_.grids, static_cast<int>(grids.size()));
  EXPECT_EQ(summary_.buildings, static_cast<int>(buildings.size()));
  EXPECT_EQ(summary_.households, static_cast<int>(snapshot_->households.size()));
  EXPECT_EQ(summary_.persons, static_cast<int>(snapshot_->persons.size()));
}

TEST_F(Demo, PersonsHaveValidUniqueIdNumbersMatchingBirthDateAndSex) {
  const auto& persons = snapshot_->persons;
  EXPECT_GE(persons.size(), 4750u);
  EXPECT_LE(persons.size(), 5250u);
  std::set<std::string> seen;
  int floating = 0;
  for (const Row& p : persons) {
    const std::string& text = Value(p, "id_number");
    IdNumber id;
    auto problem = ParseIdNumber(text, &id, kToday);
    ASSERT_FALSE(problem) << Value(p, "name") << ": " << problem->message;
    EXPECT_EQ(id.normalized, text);
    auto conflict = CheckIdConsistency(id, Value(p, "birth_date"), Value(p, "gender"));
    EXPECT_FALSE(conflict) << Value(p, "name") << ": " << conflict->message;
    EXPECT_TRUE(seen.insert(text).second) << "duplicate ID number for " << Value(p, "name");
    const std::string& type = Value(p, "population_type");
    EXPECT_TRUE(type == "01" || type == "02") << type;
    if (type == "02") {
      ++floating;
      EXPECT_NE(id.area_code, "420581") << "流动人口 come from elsewhere in 湖北";
    }
    EXPECT_EQ(id.area_code.substr(0, 2), "42");
  }
  double floating_share = 100.0 * floating / persons.size();
  EXPECT_GE(floating_share, 2.0);
  EXPECT_LE(floating_share, 7.0);
}

TEST_F(Demo, AgesLookLikeAChineseCountyTown) {
  Date today;
  ASSERT_FALSE(ParseDate(kToday, &today));
  int living = 0, over60 = 0, over80 = 0, over90 = 0, over100 = 0, deceased = 0;
  for (const Row& p : snapshot_->persons) {
    if (p.status == kStatusDeceased) {
      ++deceased;
      EXPECT_NE(Value(p, "death_date"), "");
      EXPECT_EQ(Value(p, "residence_status"), "4");
      continue;
    }
    ++living;
    int age = AgeOn(p, today);
    EXPECT_GE(age, 0);
    over60 += age >= 60;
    over80 += age >= 80;
    over90 += age >= 90;
    over100 += age >= 100;
  }
  ASSERT_GT(living, 0);
  EXPECT_GE(100.0 * over60 / living, 15.0);
  EXPECT_LE(100.0 * over60 / living, 25.0);
  EXPECT_GE(100.0 * over80 / living, 1.5);
  EXPECT_LE(100.0 * over80 / living, 4.0);
  EXPECT_GE(over90, 3);
  EXPECT_GE(over100, 1);
  EXPECT_GE(deceased, 1);
}

TEST_F(Demo, EveryHouseholdHasOneHeadAndConsistentGenerations) {
  Date today;
  ASSERT_FALSE(ParseDate(kToday, &today));
  std::map<int64_t, std::vector<const Row*>> members;
  for (const Row& p : snapshot_->persons) members[p.parent_id].push_back(&p);
  std::map<size_t, int> sizes;
  for (const Row& h : snapshot_->households) {
    const auto& m = members[h.id];
    ASSERT_FALSE(m.empty()) << "household " << h.id << " has no persons";
    ++sizes[m.size()];
    const Row* head = nullptr;
    int heads = 0;
    for (const Row* p : m) {
      if (Value(*p, "relationship") == "02") {
        ++heads;
        head = p;
      }
    }
    ASSERT_EQ(heads, 1) << "household " << Value(h, "household_number");
    EXPECT_EQ(Value(h, "head_person_id"), std::to_string(head->id));
    EXPECT_EQ(Value(h, "household_number").size(), 9u);
    EXPECT_EQ(Value(h, "household_type"), "1");
    int head_age = AgeOn(*head, today);
    std::set<std::string> names;
    for (const Row* p : m) {
      EXPECT_TRUE(names.insert(Value(*p, "name")).second)
          << "two members of household " << Value(h, "household_number") << " are both "
          << Value(*p, "name");
      const std::string& rel = Value(*p, "relationship");
      int gap = head_age - AgeOn(*p, today);
      if (rel == "20" || rel == "30") {  // the head's children
        EXPECT_GE(gap, 20) << Value(*p, "name");
        EXPECT_LE(gap, 40) << Value(*p, "name");
      }
      if (rel == "51" || rel == "52") {  // the head's parents
        EXPECT_LE(gap, -20) << Value(*p, "name");
        EXPECT_GE(gap, -40) << Value(*p, "name");
      }
      if (rel == "11") {
        EXPECT_EQ(Value(*p, "gender"), "1");
      }
      if (rel == "12") {
        EXPECT_EQ(Value(*p, "gender"), "2");
      }
    }
  }
  double mean = static_cast<double>(snapshot_->persons.size()) / snapshot_->households.size();
  EXPECT_GE(mean, 2.3);
  EXPECT_LE(mean, 2.9);
  EXPECT_GT(sizes[1], 0);
  EXPECT_GT(sizes[5] + sizes[6], 0);
  EXPECT_LE(sizes.rbegin()->first, 6u);
}

TEST_F(Demo, SomeNamesHaveCharactersOutsideTheBmp) {
  int rare = 0;
  for (const Row& p : snapshot_->persons) {
    if (utf8::HasSupplementary(Value(p, "name"))) ++rare;
  }
  EXPECT_GE(rare, 1);
}

TEST_F(Demo, TagsOfSeveralKindsFitTheirPersons) {
  std::map<int64_t, const Row*> by_id;
  for (const Row& p : snapshot_->persons) by_id[p.id] = &p;
  std::map<std::string, int> kinds;
  int total = 0;
  for (const auto& [person_id, tags] : snapshot_->tags) {
    const Row& p = *by_id.at(person_id);
    EXPECT_NE(p.status, kStatusDeceased);
    for (const TagAssignment& t : tags) {
      ++kinds[t.tag];
      ++total;
      EXPECT_NE(catalog_->FindTag(t.tag), nullptr) << t.tag;
      if (t.tag == "disability") {
        EXPECT_EQ(t.attrs.at("card_number"),
                  Value(p, "id_number") + t.attrs.at("category") + t.attrs.at("grade"));
      }
      if (t.tag == "floating") {
        EXPECT_EQ(Value(p, "population_type"), "02");
      }
    }
  }
  EXPECT_EQ(total, summary_.tags);
  for (const char* kind : {"dibao", "disability", "floating", "elderly_alone", "party_member",
                           "medical_insurance", "veteran", "temporary_assistance"}) {
    EXPECT_GT(kinds[kind], 0) << kind;
  }
  EXPECT_LT(kinds["dibao"], static_cast<int>(snapshot_->persons.size()) / 10);
}

// What the demo writes is what a worker could have typed: every record passes the validators
// unchanged (canonical values, known codes, ID numbers consistent with birth date and sex).
TEST_F(Demo, RecordsPassTheValidatorsUnchanged) {
  Validator validator(*catalog_, divisions_);
  auto check = [&](EntityKind kind, const std::vector<Row>& rows) {
    for (const Row& r : rows) {
      auto values = r.values;
      auto issues = validator.NormalizeRecord(kind, &values, true);
      for (const FieldIssue& issue : issues) {
        ADD_FAILURE() << EntityName(kind) << " " << r.id << " " << issue.field << ": "
                      << issue.message;
      }
      if (issues.empty()) {
        EXPECT_EQ(values, r.values) << EntityName(kind) << " " << r.id;
      }
    }
  };
  check(EntityKind::kHousehold, snapshot_->households);
  check(EntityKind::kPerson, snapshot_->persons);
  check(EntityKind::kGrid, ListAll(store_.get(), EntityKind::kGrid));
  check(EntityKind::kBuilding, ListAll(store_.get(), EntityKind::kBuilding));
}

TEST_F(Demo, RefusesAStoreThatAlreadyHasData) {
  auto again = GenerateDemo(store_.get(), *catalog_, *divisions_, options_, nullptr);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  auto districts = ListAll(store_.get(), EntityKind::kDistrict);
  EXPECT_EQ(districts.size(), 1u);
}

TEST_F(Demo, RefusesAnUnknownStreet) {
  DemoOptions options = options_;
  options.street_code = "420581999";
  auto made = GenerateDemo(store_.get(), *catalog_, *divisions_, options, nullptr);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(made.status().message().find("420581999"), std::string::npos);
}

// A catalog that lost an attribute the demo writes is reported before anything is written.
TEST_F(Demo, RefusesACatalogWithoutTheTagsItWrites) {
  namespace fs = std::filesystem;
  std::string dir = testing::MakeTempDir();
  fs::copy(ONETABLE_SOURCE_DIR "/schema/codes", dir + "/codes", fs::copy_options::recursive);
  std::string yaml = testing::ReadFile(ONETABLE_SOURCE_DIR "/schema/fields.yaml");
  size_t at = yaml.find("key: enlisted_on");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, 16, "key: enlisted_at");
  testing::WriteFile(dir + "/fields.yaml", yaml);
  auto catalog = Catalog::Load(dir);
  fs::remove_all(dir);
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();

  // The store already holds the city: the catalog check must come first to be seen here.
  auto made = GenerateDemo(store_.get(), *catalog, *divisions_, options_, nullptr);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(made.status().message().find("veteran.enlisted_on"), std::string::npos)
      << made.status().message();
}

// Runs last among the suite's tests: on MySQL it replaces the database the others read.
TEST_F(Demo, SameSeedSameCityOtherSeedOtherCity) {
  const uint64_t first = snapshot_->digest;
  std::unique_ptr<Store> other;
  std::string other_dir;
  DemoSummary other_summary;
  Generate(&other, &other_dir, &other_summary, options_.seed + 1, 300);
  ASSERT_TRUE(other);
  EXPECT_EQ(other_summary.persons, 300);
  EXPECT_NE(Take(other.get()).digest, first);
  other.reset();
  std::filesystem::remove_all(other_dir);

  std::unique_ptr<Store> again;
  std::string again_dir;
  DemoSummary again_summary;
  Generate(&again, &again_dir, &again_summary);
  ASSERT_TRUE(again);
  Snapshot second = Take(again.get());
  EXPECT_EQ(second.digest, first);
  EXPECT_EQ(second.persons.size(), snapshot_->persons.size());
  again.reset();
  std::filesystem::remove_all(again_dir);
}

}  // namespace
}  // namespace onetable
