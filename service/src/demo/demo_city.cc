// The demo city's tree and how it reaches the store: the real district, street and communities
// from the division data, then per grid (one transaction each) its residential compounds,
// buildings, rooms and the households MakeHousehold draws for them.
#include "demo/demo_city.h"

#include <algorithm>
#include <vector>

#include "demo/demo_household.h"
#include "demo/demo_names.h"
#include "onetable/text.h"

namespace onetable {
namespace {

using demo::CityContext;
using demo::Dwelling;
using demo::HouseholdDraft;

// "东风社区居委会" → "东风社区": grids and party branches carry the short name.
std::string ShortName(const std::string& name) {
  for (const char* suffix : {"居民委员会", "居委会", "村民委员会", "村委会"}) {
    if (EndsWith(name, suffix)) return name.substr(0, name.size() - std::string(suffix).size());
  }
  return name;
}

// In the 统计用区划代码, village-level codes 001–199 are 居委会 (communities), 200–399 村委会.
bool IsCommunity(const Division& d) {
  return d.code.size() == 12 && d.code.compare(9, 3, "200") < 0;
}

// Splits `total` into `parts` shares of 85–115% of the mean that add up exactly.
std::vector<int> Split(DemoRandom& rng, int total, int parts) {
  std::vector<int64_t> cumulative(parts + 1, 0);
  for (int i = 0; i < parts; ++i) cumulative[i + 1] = cumulative[i] + rng.Between(85, 115);
  std::vector<int> shares(parts);
  for (int i = 0; i < parts; ++i) {
    shares[i] = static_cast<int>(total * cumulative[i + 1] / cumulative[parts] -
                                 total * cumulative[i] / cumulative[parts]);
  }
  return shares;
}

const char* const kChineseDigits[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

// Writes one grid at a time; counts what it wrote.
class CityWriter {
 public:
  CityWriter(Store* store, CityContext* ctx, std::string address_prefix, DemoSummary* summary)
      : store_(store), ctx_(ctx), address_prefix_(std::move(address_prefix)), summary_(summary) {
    for (const char* c : demo::kCompounds) compounds_.push_back(c);
    for (size_t i = compounds_.size(); i > 1; --i) {  // shuffle: each grid its own compounds
      std::swap(compounds_[i - 1], compounds_[ctx_->rng.Below(i)]);
    }
  }

  // The grid's row, then buildings until `persons` persons live in it.
  Status WriteGrid(int64_t community_id, const Division& community, int grid_no, int persons,
                   std::string* report) {
    DemoRandom& rng = ctx_->rng;
    const std::string short_name = ShortName(community.name);
    char code_suffix[8];
    std::snprintf(code_suffix, sizeof code_suffix, "%02d", grid_no);
    Row grid;
    grid.parent_id = community_id;
    grid.values["code"] = community.code + code_suffix;
    grid.values["name"] = short_name + "第" + std::to_string(grid_no) + "网格";
    bool woman = rng.Chance(0.7);
    grid.values["worker_name"] =
        std::string(rng.PickWeighted(demo::kSurnames).text) +
        demo::kGivenNames[rng.Chance(0.5) ? 1 : 2][woman ? 1 : 0][rng.Below(demo::kNamesPerList)];
    grid.values["worker_phone"] = ctx_->NewPhone();
    ASSIGN_OR_RETURN(int64_t grid_id, store_->Insert(EntityKind::kGrid, grid));
    ++summary_->grids;

    Dwelling dwelling;
    dwelling.community_code = community.code;
    dwelling.party_branch = short_name + "第" + kChineseDigits[(grid_no - 1) % 10] + "党支部";
    int remaining = persons, buildings = 0, households = 0;
    std::string compound, road_address;
    int next_building = 1, compound_left = 0;
    while (remaining > 0) {
      if (compound_left == 0) {  // a new residential compound on one of the city's roads
        compound = compounds_[next_compound_++ % compounds_.size()];
        if (next_compound_ > compounds_.size()) compound += "二期";
        road_address =
            std::string(rng.Pick(demo::kRoads)) + std::to_string(2 * rng.Between(1, 150)) + "号";
        dwelling.built_year = rng.Between(1995, 2021);
        compound_left = rng.Between(3, 8);
        next_building = 1;
      }
      dwelling.high_rise = rng.Chance(dwelling.built_year >= 2010 ? 0.7 : 0.1);
      std::string building_name = std::to_string(next_building++) + "栋";
      dwelling.address = address_prefix_ + road_address + building_name;
      --compound_left;
      Row building;
      building.parent_id = grid_id;
      building.values["name"] = compound + building_name;
      building.values["address"] = dwelling.address;
      ASSIGN_OR_RETURN(int64_t building_id, store_->Insert(EntityKind::kBuilding, building));
      ++buildings;
      int made = 0;
      RETURN_IF_ERROR(FillBuilding(building_id, &dwelling, remaining, &made, &households));
      remaining -= made;
    }
    summary_->buildings += buildings;
    *report = grid.values["name"] + "：" + std::to_string(buildings) + " 栋楼，" +
              std::to_string(households) + " 户，" + std::to_string(persons) + " 人";
    return Status::Ok();
  }

 private:
  // Rooms unit by unit, floor by floor; about one in eight stands empty.
  Status FillBuilding(int64_t building_id, Dwelling* dwelling, int max_persons, int* made,
                      int* households_made) {
    DemoRandom& rng = ctx_->rng;
    int units = dwelling->high_rise ? rng.Between(1, 2) : rng.Between(2, 3);
    int floors = dwelling->high_rise ? rng.Between(11, 18) : rng.Between(5, 7);
    int doors = dwelling->high_rise ? rng.Between(2, 4) : 2;
    std::vector<HouseholdDraft> households;
    for (int unit = 1; unit <= units && *made < max_persons; ++unit) {
      for (int floor = 1; floor <= floors && *made < max_persons; ++floor) {
        for (int door = 1; door <= doors && *made < max_persons; ++door) {
          if (rng.Chance(0.12)) continue;
          char room[32];
          std::snprintf(room, sizeof room, "%d单元%d%02d", unit, floor, door);
          dwelling->room = std::string(room);
          HouseholdDraft h = demo::MakeHousehold(ctx_, *dwelling, max_persons - *made);
          demo::AddDemoTags(ctx_, *dwelling, &h);
          *made += static_cast<int>(h.members.size());
          households.push_back(std::move(h));
        }
      }
    }
    *households_made += static_cast<int>(households.size());
    return Write(building_id, &households);
  }

  // Households, then their persons, then each household's head, then the tags.
  Status Write(int64_t building_id, std::vector<HouseholdDraft>* households) {
    std::vector<Row> rows;
    for (HouseholdDraft& h : *households) {
      h.row.parent_id = building_id;
      rows.push_back(h.row);
    }
    std::vector<int64_t> household_ids;
    RETURN_IF_ERROR(store_->InsertBatch(EntityKind::kHousehold, rows, &household_ids));
    rows.clear();
    for (size_t i = 0; i < households->size(); ++i) {
      for (demo::PersonDraft& p : (*households)[i].members) {
        p.row.parent_id = household_ids[i];
        rows.push_back(p.row);
      }
    }
    std::vector<int64_t> person_ids;
    RETURN_IF_ERROR(store_->InsertBatch(EntityKind::kPerson, rows, &person_ids));
    size_t next_person = 0;
    for (size_t i = 0; i < households->size(); ++i) {
      HouseholdDraft& h = (*households)[i];
      h.row.id = household_ids[i];
      h.row.version = 1;
      h.row.values["head_person_id"] = std::to_string(person_ids[next_person]);
      RETURN_IF_ERROR(store_->Update(EntityKind::kHousehold, &h.row));
      for (demo::PersonDraft& p : h.members) {
        for (TagAssignment& tag : p.tags) {
          tag.person_id = person_ids[next_person];
          RETURN_IF_ERROR(store_->AddTag(tag).status());
          ++summary_->tags;
        }
        ++next_person;
      }
    }
    summary_->households += static_cast<int>(households->size());
    summary_->persons += static_cast<int>(person_ids.size());
    return Status::Ok();
  }

  Store* store_;
  CityContext* ctx_;
  std::string address_prefix_;  // "宜都市陆城街道"
  DemoSummary* summary_;
  std::vector<std::string> compounds_;
  size_t next_compound_ = 0;
};

}  // namespace

Result<DemoSummary> GenerateDemo(Store* store, const Catalog& catalog, const Divisions& divisions,
                                 const DemoOptions& options,
                                 const std::function<void(const std::string&)>& progress) {
  if (options.persons < 0 || options.communities < 1 || options.grids_per_community < 1) {
    return Status::Invalid("演示数据参数无效：人数不能为负，社区数和每社区网格数至少为 1");
  }
  Date today = Today();
  if (!options.today.empty()) {
    if (auto problem = ParseDate(options.today, &today)) {
      return Status::Invalid("演示数据的基准日期“" + options.today + "”无效：" + problem->message);
    }
  }
  const Division* street = divisions.Find(options.street_code);
  if (street == nullptr || options.street_code.size() != 9) {
    return Status::Invalid("区划数据（schema/divisions/streets.csv）中没有街道代码“" +
                           options.street_code + "”");
  }
  const Division* district = divisions.Find(street->parent_code);
  if (district == nullptr) {
    return Status::Invalid("区划数据（schema/divisions/areas.csv）中没有街道“" + street->name +
                           "”所属的区县 " + street->parent_code);
  }
  std::vector<const Division*> communities;
  for (const Division* d : divisions.Children(street->code)) {
    if (IsCommunity(*d) && static_cast<int>(communities.size()) < options.communities) {
      communities.push_back(d);
    }
  }
  if (communities.empty()) {
    return Status::Invalid("区划数据中街道“" + street->name + "”（" + street->code +
                           "）下没有社区居委会：请在 schema/divisions/villages*.csv 中补充");
  }
  RETURN_IF_ERROR(demo::CheckDemoTags(catalog));
  ListQuery any;
  any.limit = 1;
  ASSIGN_OR_RETURN(int64_t existing, store->Count(EntityKind::kDistrict, any));
  if (existing > 0) {
    return Status::Precondition("存储中已有数据：演示数据只能写入新建的空库");
  }

  CityContext ctx(options.seed, divisions, today, district->code);
  ctx.centenarian_after = options.persons / 3;
  DemoSummary summary;
  Row row;
  row.values = {{"code", district->code}, {"name", district->name}};
  ASSIGN_OR_RETURN(int64_t district_id, store->Insert(EntityKind::kDistrict, row));
  ++summary.districts;
  row.parent_id = district_id;
  row.values = {{"code", street->code}, {"name", street->name}};
  ASSIGN_OR_RETURN(int64_t street_id, store->Insert(EntityKind::kStreet, row));
  ++summary.streets;

  CityWriter writer(store, &ctx, district->name + street->name, &summary);
  const int grids = static_cast<int>(communities.size()) * options.grids_per_community;
  std::vector<int> quotas = Split(ctx.rng, options.persons, grids);
  int grid_index = 0;
  for (const Division* community : communities) {
    row.parent_id = street_id;
    row.values = {{"code", community->code}, {"name", community->name}};
    ASSIGN_OR_RETURN(int64_t community_id, store->Insert(EntityKind::kCommunity, row));
    ++summary.communities;
    for (int g = 1; g <= options.grids_per_community; ++g) {
      std::string report;
      int quota = quotas[grid_index++];
      Status st = store->InTransaction(
          [&]() { return writer.WriteGrid(community_id, *community, g, quota, &report); });
      if (!st.ok()) return st.Wrap("生成演示数据（" + ShortName(community->name) + "）失败");
      if (progress) progress(report);
    }
  }
  return summary;
}

}  // namespace onetable
