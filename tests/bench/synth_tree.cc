// The benchmark city's tree: the district's real streets and communities, then per community
// grids of about `persons_per_grid` persons, compounds of 3–8 buildings on the district's real
// roads, and rooms filled by the demo generator's MakeHousehold / AddDemoTags.
#include <algorithm>
#include <cstdio>
#include <map>

#include "onetable/text.h"
#include "onetable/utf8.h"
#include "synth_city.h"

namespace onetable::bench {
namespace {

using demo::CityContext;
using demo::Dwelling;
using demo::HouseholdDraft;

// Roads of 江岸区 (real names; the house numbers on them are invented).
constexpr const char* kRoads[] = {
    "解放大道", "中山大道", "沿江大道", "京汉大道", "建设大道", "黄浦大街", "二七路",
    "台北路",   "香港路",   "新华路",   "惠济路",   "澳门路",   "胜利街",   "黎黄陂路",
    "三阳路",   "一元路",   "车站路",   "后湖大道", "金桥大道", "竹叶山路", "塔子湖东路",
    "岱家山路", "百步亭路", "幸福大道", "兴业路",   "堤角前街", "丹水池路", "谌家矶大道",
    "球场路",   "永清路",   "四唯路",   "西马路",   "大智路",   "友谊路",   "铭新街",
    "江大路",   "劳动街",   "花桥街",   "二七横路", "工农兵路", "发展大道", "新村街"};

// Compound names are made of a place word and a kind of estate: 后湖家园, 惠济苑, 金桥华府.
constexpr const char* kCompoundFirst[] = {
    "后湖", "惠济", "金桥", "江滩", "二七", "塔子湖", "丹水", "幸福", "百步亭", "永清", "三阳",
    "台北", "花桥", "新村", "球场", "江大", "堤角",   "兴业", "汉口", "怡和",   "锦绣", "盛世",
    "阳光", "翠苑", "安居", "和谐", "紫薇", "银海",   "江城", "常青", "天汇",   "东方"};
constexpr const char* kCompoundSecond[] = {"花园", "小区", "新村", "家园", "苑",   "公寓",
                                           "华府", "里",   "社区", "名居", "雅苑", "城"};

const char* const kChineseDigits[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

// Where 江岸区's 流动人口 come from: 武汉's own outer districts and the neighbouring cities of
// 湖北 first, then 河南 and 湖南 and 江西 next door.
const demo::LocalFlavor& JiangAnFlavor() {
  static const demo::LocalFlavor* const flavor = [] {
    auto* f = new demo::LocalFlavor;
    f->origins = {{"420116", 14}, {"420117", 12}, {"420902", 8}, {"420921", 6}, {"420982", 5},
                  {"421102", 6},  {"421122", 5},  {"421123", 4}, {"421181", 6}, {"421182", 4},
                  {"420704", 4},  {"421202", 4},  {"421003", 4}, {"429006", 5}, {"429004", 5},
                  {"411502", 4},  {"430602", 3},  {"361102", 2}, {"420106", 3}, {"420111", 3}};
    f->government_employers = {"江岸区人民政府", "江岸区民政局",   "武汉市公安局江岸区分局",
                               "江岸区教育局",   "后湖街道办事处", "江岸区市场监督管理局"};
    f->professional_employers = {"武汉市第一医院",        "华中科技大学同济医学院附属协和医院",
                                 "武汉市第二中学",        "江岸区育才小学",
                                 "武汉市中心医院",        "江岸区妇幼保健院",
                                 "后湖街社区卫生服务中心"};
    f->company_employers = {"武汉地铁集团有限公司",           "中铁大桥局集团有限公司",
                            "武汉市水务集团有限公司",         "汉口银行股份有限公司",
                            "武汉武商集团股份有限公司",       "中国移动湖北公司武汉分公司",
                            "武汉市公共交通集团有限责任公司", "武汉百步亭物业管理有限公司",
                            "湖北省烟草公司武汉市公司",       "武汉中百集团股份有限公司"};
    f->tujia_share = 0.004;  // 武汉's minorities are few; 土家族 among the more common
    f->floating_tujia_share = 0.02;
    return f;
  }();
  return *flavor;
}

std::string ShortName(const std::string& name) {
  for (const char* suffix : {"居民委员会", "居委会", "村民委员会", "村委会"}) {
    if (EndsWith(name, suffix)) return name.substr(0, name.size() - std::string(suffix).size());
  }
  return name;
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

class TreeWalker {
 public:
  TreeWalker(CityContext* ctx, const Division& district, const std::vector<CitySink*>& sinks,
             CityStats* stats)
      : ctx_(ctx), district_(district), sinks_(sinks), stats_(stats) {
    // 武汉市江岸区: a city's name, unless it is a placeholder (市辖区, 省直辖县级行政区划).
    const Division* city = ctx->divisions.Find(district.code.substr(0, 4));
    bool named_city = city != nullptr && city->name.find("辖") == std::string::npos;
    address_prefix_ = (named_city ? city->name : "") + district.name;
  }

  Status Grid(const CommunityOut& community, int grid_no, int persons) {
    DemoRandom& rng = ctx_->rng;
    GridOut grid;
    grid.community = &community;
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%02d", grid_no);
    grid.code = community.community->code + suffix;
    grid.name = community.short_name + "第" + std::to_string(grid_no) + "网格";
    bool woman = rng.Chance(0.7);
    grid.worker_name =
        std::string(rng.PickWeighted(demo::kSurnames).text) +
        demo::kGivenNames[rng.Chance(0.5) ? 1 : 2][woman ? 1 : 0][rng.Below(demo::kNamesPerList)];
    grid.worker_phone = ctx_->NewPhone();
    for (CitySink* sink : sinks_) RETURN_IF_ERROR(sink->Grid(grid));
    ++stats_->grids;

    Dwelling dwelling;
    dwelling.community_code = community.community->code;
    dwelling.party_branch =
        community.short_name + "第" + kChineseDigits[(grid_no - 1) % 10] + "党支部";
    int remaining = persons;
    int compound_left = 0, next_building = 1;
    std::string compound, road_address;
    while (remaining > 0) {
      if (compound_left == 0) {
        compound = std::string(rng.Pick(kCompoundFirst)) + rng.Pick(kCompoundSecond);
        road_address = std::string(rng.Pick(kRoads)) + std::to_string(rng.Between(1, 400)) + "号";
        dwelling.built_year = rng.Between(1985, 2022);
        compound_left = rng.Between(3, 8);
        next_building = 1;
      }
      dwelling.high_rise = rng.Chance(dwelling.built_year >= 2005 ? 0.75 : 0.15);
      BuildingOut building;
      building.grid = &grid;
      building.name = compound + std::to_string(next_building++) + "栋";
      building.address = address_prefix_ + road_address + building.name;
      dwelling.address = building.address;
      --compound_left;
      remaining -= FillBuilding(&dwelling, remaining, &building.households);
      Count(building);
      for (CitySink* sink : sinks_) RETURN_IF_ERROR(sink->Building(building));
    }
    return Status::Ok();
  }

 private:
  // Rooms unit by unit, floor by floor; about one in ten stands empty. Returns persons made.
  int FillBuilding(Dwelling* dwelling, int max_persons, std::vector<HouseholdDraft>* out) {
    DemoRandom& rng = ctx_->rng;
    int units = dwelling->high_rise ? rng.Between(1, 3) : rng.Between(2, 4);
    int floors = dwelling->high_rise ? rng.Between(18, 33) : rng.Between(6, 7);
    int doors = dwelling->high_rise ? rng.Between(2, 6) : 2;
    int made = 0;
    for (int unit = 1; unit <= units && made < max_persons; ++unit) {
      for (int floor = 1; floor <= floors && made < max_persons; ++floor) {
        for (int door = 1; door <= doors && made < max_persons; ++door) {
          if (rng.Chance(0.1)) continue;
          char room[32];
          std::snprintf(room, sizeof room, "%d单元%d%02d", unit, floor, door);
          dwelling->room = room;
          HouseholdDraft h = demo::MakeHousehold(ctx_, *dwelling, max_persons - made);
          demo::AddDemoTags(ctx_, *dwelling, &h);
          made += static_cast<int>(h.members.size());
          out->push_back(std::move(h));
        }
      }
    }
    return made;
  }

  void Count(const BuildingOut& building) {
    ++stats_->buildings;
    for (const HouseholdDraft& h : building.households) {
      ++stats_->households;
      size_t size = h.members.size();
      if (stats_->household_sizes.size() <= size) stats_->household_sizes.resize(size + 1);
      ++stats_->household_sizes[size];
      for (const demo::PersonDraft& p : h.members) {
        ++stats_->persons;
        if (p.age >= 60) ++stats_->aged_60;
        if (p.age >= 80) ++stats_->aged_80;
        if (h.floating) ++stats_->floating;
        if (p.male) ++stats_->male;
        if (p.row.status == kStatusDeceased) ++stats_->deceased;
        const std::string* ethnicity = p.row.Get("ethnicity");
        if (ethnicity && *ethnicity != "01") ++stats_->minority;
        const std::string* name = p.row.Get("name");
        if (name && utf8::HasSupplementary(*name)) {
          ++stats_->rare_names;
        }
        for (const TagAssignment& t : p.tags) ++tag_counts_[t.tag];
      }
    }
  }

 public:
  std::map<std::string, int64_t> tag_counts_;

 private:
  CityContext* ctx_;
  const Division& district_;
  const std::vector<CitySink*>& sinks_;
  CityStats* stats_;
  std::string address_prefix_;
};

}  // namespace

Result<CityStats> SynthesizeCity(const SynthOptions& options, const Divisions& divisions,
                                 const std::vector<CitySink*>& sinks) {
  if (options.persons < 1 || options.persons_per_grid < 50) {
    return Status::Invalid("人数至少为 1，每网格人数至少为 50");
  }
  Date today;
  if (auto problem = ParseDate(options.today, &today)) {
    return Status::Invalid("基准日期“" + options.today + "”无效：" + problem->message);
  }
  const Division* district = divisions.Find(options.district);
  if (district == nullptr || options.district.size() != 6) {
    return Status::Invalid("区划数据中没有区县代码“" + options.district + "”");
  }
  std::vector<CommunityOut> communities;
  for (const Division* street : divisions.Children(district->code)) {
    for (const Division* c : divisions.Children(street->code)) {
      if (c->code.size() == 12) communities.push_back({street, c, ShortName(c->name)});
    }
  }
  if (communities.empty()) {
    return Status::Invalid("区划数据（schema/divisions/villages*.csv）中区县“" + district->name +
                           "”下没有社区");
  }

  CityContext ctx(options.seed, divisions, today, district->code);
  ctx.flavor = &JiangAnFlavor();
  ctx.centenarian_after = options.persons / 3;
  CityStats stats;
  for (CitySink* sink : sinks) RETURN_IF_ERROR(sink->Begin(*district));
  TreeWalker walker(&ctx, *district, sinks, &stats);
  std::vector<int> quotas = Split(ctx.rng, options.persons, static_cast<int>(communities.size()));
  std::string last_street;
  for (size_t i = 0; i < communities.size(); ++i) {
    const CommunityOut& community = communities[i];
    if (quotas[i] == 0) continue;
    if (community.street->code != last_street) {
      last_street = community.street->code;
      ++stats.streets;
    }
    for (CitySink* sink : sinks) RETURN_IF_ERROR(sink->Community(community));
    ++stats.communities;
    int grids = std::max(1, (quotas[i] + options.persons_per_grid / 2) / options.persons_per_grid);
    std::vector<int> grid_quotas = Split(ctx.rng, quotas[i], grids);
    for (int g = 0; g < grids; ++g) {
      if (grid_quotas[g] > 0) RETURN_IF_ERROR(walker.Grid(community, g + 1, grid_quotas[g]));
    }
  }
  for (CitySink* sink : sinks) RETURN_IF_ERROR(sink->Finish());
  stats.tags.assign(walker.tag_counts_.begin(), walker.tag_counts_.end());
  return stats;
}

std::string FifteenDigitId(const std::string& id18) {
  if (id18.size() != 18) return id18;
  return id18.substr(0, 6) + id18.substr(8, 9);
}

std::string PersonLabel(const Catalog& catalog, const std::string& field, const std::string& code) {
  const FieldDef* def = catalog.Find(EntityKind::kPerson, field);
  if (def == nullptr || def->code_table.empty()) return code;
  const CodeTable* table = catalog.FindCodeTable(def->code_table);
  const std::string* label = table ? table->Label(code) : nullptr;
  return label ? *label : code;
}

void AppendCsvField(std::string* out, const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace onetable::bench
