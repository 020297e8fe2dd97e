#include "ingest/placement.h"

#include "ingest/address.h"
#include "ingest/identity.h"
#include "model/catalog_keys.h"

namespace onetable {

struct Placer::Hints {
  std::string community_code, community_name, grid_code, grid_name, building_code, building_address,
      room, household_number, household_address;

  bool AboveHousehold() const {
    return !community_code.empty() || !community_name.empty() || !grid_code.empty() ||
           !grid_name.empty() || !building_code.empty() || !building_address.empty() ||
           !room.empty();
  }
  bool Any() const {
    return AboveHousehold() || !household_number.empty() || !household_address.empty();
  }
};

namespace {

std::string Get(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? "" : it->second;
}

std::string Quoted(const std::string& s) { return "“" + s + "”"; }

}  // namespace

Placer::Placer(Store* store, const Divisions* divisions, const ConnectorSpec& spec)
    : store_(store), divisions_(divisions), spec_(spec) {}

Result<int64_t> Placer::FindUnique(EntityKind kind, int64_t parent, const std::string& field,
                                   const std::string& value) {
  ListQuery q;
  q.parent_id = parent;
  q.equals = {{field, value}};
  q.limit = 2;
  ASSIGN_OR_RETURN(std::vector<Row> rows, store_->List(kind, q));
  if (rows.empty()) return int64_t{0};
  if (rows.size() > 1) return int64_t{-1};
  return rows.front().id;
}

Result<int64_t> Placer::Create(EntityKind kind, int64_t parent,
                               const std::map<std::string, std::string>& values,
                               const Claim& claim) {
  Row row;
  row.parent_id = parent;
  row.values = values;
  ASSIGN_OR_RETURN(int64_t id, store_->Insert(kind, row));
  RETURN_IF_ERROR(RecordNewRow(store_, kind, id, values, claim));
  return id;
}

Result<int64_t> Placer::EnsureDivision(EntityKind kind, const std::string& code,
                                       const Claim& claim) {
  auto found = store_->FindBy(kind, keys::kCode, code);
  if (found.ok()) return found->id;
  if (found.status().code() != StatusCode::kNotFound) return found.status();
  const Division* d = divisions_ ? divisions_->Find(code) : nullptr;
  if (d == nullptr) return int64_t{0};
  int64_t parent = 0;
  if (kind == EntityKind::kStreet) {
    ASSIGN_OR_RETURN(parent, EnsureDivision(EntityKind::kDistrict, code.substr(0, 6), claim));
    if (parent == 0) return int64_t{0};
  } else if (kind == EntityKind::kCommunity) {
    ASSIGN_OR_RETURN(parent, EnsureDivision(EntityKind::kStreet, code.substr(0, 9), claim));
    if (parent == 0) return int64_t{0};
  }
  return Create(kind, parent, {{keys::kCode, d->code}, {keys::kName, d->name}}, claim);
}

Result<int64_t> Placer::CommunityFromDivisions(const std::string& code, const Claim& claim,
                                               std::string* why) {
  ASSIGN_OR_RETURN(int64_t id, EnsureDivision(EntityKind::kCommunity, code, claim));
  if (id == 0) {
    *why = "社区代码 " + code + " 不在登记库中，也不在区划代码（schema/divisions）中";
  }
  return id;
}

Result<int64_t> Placer::Community(const Hints& h, const Claim& claim, std::string* why,
                                  bool may_create) {
  std::string code = h.community_code;
  if (code.empty() && h.community_name.empty()) code = spec_.placement_community;
  if (!code.empty()) {
    auto found = store_->FindBy(EntityKind::kCommunity, keys::kCode, code);
    if (found.ok()) return found->id;
    if (found.status().code() != StatusCode::kNotFound) return found.status();
    if (!may_create) return int64_t{0};
    return CommunityFromDivisions(code, claim, why);
  }
  if (!h.community_name.empty()) {
    ASSIGN_OR_RETURN(int64_t id,
                     FindUnique(EntityKind::kCommunity, 0, keys::kName, h.community_name));
    if (id > 0) return id;
    if (id < 0) {
      *why = "登记库中有不止一个名为" + Quoted(h.community_name) + "的社区，请改用社区代码";
      return int64_t{0};
    }
    if (!may_create) return int64_t{0};
    // Not in the register: a community of that name in the shipped codes, under a district the
    // deployment already has (names repeat across the country, codes do not).
    std::vector<const Division*> matches;
    if (divisions_ != nullptr) {
      ListQuery q;
      q.limit = 1000;
      ASSIGN_OR_RETURN(std::vector<Row> districts, store_->List(EntityKind::kDistrict, q));
      for (const Row& district : districts) {
        const std::string* dcode = district.Get(keys::kCode);
        if (dcode == nullptr) continue;
        for (const Division* street : divisions_->Children(*dcode)) {
          for (const Division* village : divisions_->Children(street->code)) {
            if (village->name == h.community_name) matches.push_back(village);
          }
        }
      }
    }
    if (matches.size() == 1) return CommunityFromDivisions(matches.front()->code, claim, why);
    *why = matches.empty() ? "登记库中没有名为" + Quoted(h.community_name) +
                                 "的社区，所辖区县的区划代码中也没有"
                           : "所辖区县中有不止一个名为" + Quoted(h.community_name) +
                                 "的社区（村），请改用社区代码";
    return int64_t{0};
  }
  // No community named: the one community that has the grid named.
  const std::string& field = h.grid_code.empty() ? keys::kName : keys::kCode;
  const std::string& value = h.grid_code.empty() ? h.grid_name : h.grid_code;
  if (value.empty()) {
    *why = "没有社区信息（社区代码或名称），也没有网格，无法确定所在社区";
    return int64_t{0};
  }
  ASSIGN_OR_RETURN(int64_t grid, FindUnique(EntityKind::kGrid, 0, field, value));
  if (grid <= 0) {
    *why = grid < 0 ? "不止一个社区有网格" + Quoted(value) +
                          "，请同时映射社区（community.code 或 "
                          "community.name）"
                    : "没有社区信息，登记库中也没有网格" + Quoted(value) + "，无法确定所在社区";
    return int64_t{0};
  }
  ASSIGN_OR_RETURN(Row row, store_->Get(EntityKind::kGrid, grid));
  return row.parent_id;
}

Result<int64_t> Placer::Grid(const Hints& h, int64_t community, const Claim& claim,
                             std::string* why) {
  if (h.grid_code.empty() && h.grid_name.empty()) {
    *why = "没有网格信息（网格编码或名称），无法确定所在网格";
    return int64_t{0};
  }
  for (const auto& [field, value] : {std::pair<std::string, std::string>{keys::kCode, h.grid_code},
                                     {keys::kName, h.grid_name}}) {
    if (value.empty()) continue;
    ASSIGN_OR_RETURN(int64_t id, FindUnique(EntityKind::kGrid, community, field, value));
    if (id > 0) return id;
    if (id < 0) {
      *why = "社区中有不止一个网格" + Quoted(value) + "，请改用网格编码";
      return int64_t{0};
    }
  }
  ASSIGN_OR_RETURN(Row c, store_->Get(EntityKind::kCommunity, community));
  const std::string* cname = c.Get(keys::kName);
  const std::string shown = h.grid_code.empty() ? h.grid_name : h.grid_code;
  if (!spec_.create_grids) {
    *why = "社区" + Quoted(cname ? *cname : "") + "下没有网格" + Quoted(shown) +
           "，本连接器不新建网格（placement.create_grids: false）";
    return int64_t{0};
  }
  std::map<std::string, std::string> values;
  values[keys::kCode] = h.grid_code.empty() ? h.grid_name : h.grid_code;
  values[keys::kName] = h.grid_name.empty() ? h.grid_code + "网格" : h.grid_name;
  return Create(EntityKind::kGrid, community, values, claim);
}

Result<int64_t> Placer::Building(const Hints& h, int64_t grid, const Claim& claim,
                                 std::string* why) {
  std::string address = h.building_address;
  if (h.building_code.empty() && address.empty()) address = h.household_address;
  if (h.building_code.empty() && address.empty()) {
    *why = "没有楼栋信息（楼栋编码或地址），也没有家庭地址，无法确定所在楼栋";
    return int64_t{0};
  }
  ASSIGN_OR_RETURN(int64_t id, FindBuilding(store_, grid, h.building_code, address));
  if (id != 0) return id;
  std::map<std::string, std::string> values;
  if (!h.building_code.empty()) values[keys::kBuildingCode] = h.building_code;
  if (!address.empty()) values[keys::kAddress] = NormalizeAddress(address);
  return Create(EntityKind::kBuilding, grid, values, claim);
}

Result<int64_t> Placer::Household(const Hints& h, int64_t building, const Claim& claim,
                                  std::string* why) {
  if (!h.room.empty()) {
    ASSIGN_OR_RETURN(int64_t id, FindUnique(EntityKind::kHousehold, building, keys::kRoom, h.room));
    if (id > 0) return id;
  }
  if (!h.household_address.empty()) {
    ASSIGN_OR_RETURN(int64_t id, FindHousehold(store_, "", h.household_address));
    if (id != 0) return id;
  }
  if (h.household_number.empty() && h.room.empty() && h.household_address.empty()) {
    *why = "没有户信息（户号、房号或家庭地址），无法确定所在的户";
    return int64_t{0};
  }
  std::map<std::string, std::string> values;
  if (!h.household_number.empty()) values[keys::kHouseholdNumber] = h.household_number;
  if (!h.room.empty()) values[keys::kRoom] = h.room;
  std::string address = h.household_address;
  if (address.empty() && !h.room.empty()) {
    ASSIGN_OR_RETURN(Row b, store_->Get(EntityKind::kBuilding, building));
    if (const std::string* a = b.Get(keys::kAddress)) address = *a + h.room;
  }
  if (!address.empty()) values[keys::kAddress] = NormalizeAddress(address);
  return Create(EntityKind::kHousehold, building, values, claim);
}

Result<bool> Placer::Contradicts(const Hints& h, const Row& household) {
  if (!h.room.empty()) {
    const std::string* room = household.Get(keys::kRoom);
    if (room && !room->empty() && *room != h.room) return true;
  }
  if (h.building_code.empty() && h.building_address.empty() && h.grid_code.empty() &&
      h.grid_name.empty()) {
    return false;
  }
  ASSIGN_OR_RETURN(Row building, store_->Get(EntityKind::kBuilding, household.parent_id));
  auto differs = [](const Row& r, const std::string& key, const std::string& wanted) {
    const std::string* v = r.Get(key);
    return v && !v->empty() && *v != wanted;
  };
  if (!h.building_code.empty()) {
    if (differs(building, keys::kBuildingCode, h.building_code)) return true;
  } else if (!h.building_address.empty()) {
    const std::string* a = building.Get(keys::kAddress);
    if (a && !a->empty() && NormalizeAddress(*a) != NormalizeAddress(h.building_address)) {
      return true;
    }
  }
  if (h.grid_code.empty() && h.grid_name.empty()) return false;
  ASSIGN_OR_RETURN(Row grid, store_->Get(EntityKind::kGrid, building.parent_id));
  return h.grid_code.empty() ? differs(grid, keys::kName, h.grid_name)
                             : differs(grid, keys::kCode, h.grid_code);
}

Result<int64_t> Placer::NumberedHousehold(const Hints& h, int64_t community, std::string* why) {
  ListQuery q;
  q.equals = {{keys::kHouseholdNumber, h.household_number}};
  q.limit = 500;
  std::vector<Row> inside;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<Row> rows, store_->List(EntityKind::kHousehold, q));
    for (Row& r : rows) {
      if (community == 0) {
        inside.push_back(std::move(r));
        continue;
      }
      // household → building → grid → community
      auto building = store_->Get(EntityKind::kBuilding, r.parent_id);
      if (!building.ok()) {
        if (building.status().code() == StatusCode::kNotFound) continue;
        return building.status();
      }
      auto grid = store_->Get(EntityKind::kGrid, building->parent_id);
      if (!grid.ok()) {
        if (grid.status().code() == StatusCode::kNotFound) continue;
        return grid.status();
      }
      if (grid->parent_id == community) inside.push_back(std::move(r));
    }
    if (rows.size() < static_cast<size_t>(q.limit)) break;
    q.after_id = rows.back().id;
  }
  if (inside.empty()) return int64_t{0};
  if (inside.size() == 1) return inside.front().id;
  // 户号 repeats: the one household the row's other hints agree with, if there is one.
  int64_t agreeing = 0;
  int agree = 0;
  for (const Row& r : inside) {
    ASSIGN_OR_RETURN(bool contradicts, Contradicts(h, r));
    if (!contradicts) {
      agreeing = r.id;
      ++agree;
    }
  }
  if (agree == 1) return agreeing;
  *why = community == 0 ? "登记库中有不止一户户号为" + Quoted(h.household_number) +
                              "（户号只在社区内唯一），请同时映射社区（community.code 或 "
                              "community.name）"
                        : "社区中有不止一户户号为" + Quoted(h.household_number) +
                              "，请同时映射楼栋和房号";
  return int64_t{-1};
}

Result<Placement> Placer::Place(const std::map<std::string, std::string>& parent,
                                const Claim& claim) {
  Hints h;
  h.community_code = Get(parent, "community.code");
  h.community_name = Get(parent, "community.name");
  h.grid_code = Get(parent, "grid.code");
  h.grid_name = Get(parent, "grid.name");
  h.building_code = Get(parent, "building.building_code");
  h.building_address = Get(parent, "building.address");
  h.room = Get(parent, "household.room");
  h.household_number = Get(parent, "household.household_number");
  h.household_address = Get(parent, "household.address");
  Placement out;
  if (!h.Any()) return out;
  std::string why;
  if (!h.AboveHousehold()) {
    // The pre-placement shape: a known household or none. A 户号 names one only when it is
    // unique in the register.
    if (!h.household_number.empty()) {
      ASSIGN_OR_RETURN(int64_t id, NumberedHousehold(h, 0, &why));
      if (id < 0) {
        out.quarantine = "无法确定所在的户：" + why;
        return out;
      }
      out.household_id = id;
      if (id != 0) return out;
    }
    ASSIGN_OR_RETURN(out.household_id, FindHousehold(store_, "", h.household_address));
    out.unplaced = out.household_id == 0;
    return out;
  }
  if (!h.household_number.empty()) {
    // 户号 is unique within a community at most: the household is looked up in the row's
    // community (found, not created: one the register lacks holds no household yet). Found, it is
    // the person's household; place hints that say otherwise are counted, not dropped silently.
    ASSIGN_OR_RETURN(int64_t community, Community(h, claim, &why, /*may_create=*/false));
    if (community != 0) {
      ASSIGN_OR_RETURN(int64_t id, NumberedHousehold(h, community, &why));
      if (id < 0) {
        out.quarantine = "无法确定所在的户：" + why;
        return out;
      }
      if (id > 0) {
        ASSIGN_OR_RETURN(Row household, store_->Get(EntityKind::kHousehold, id));
        ASSIGN_OR_RETURN(out.mismatch, Contradicts(h, household));
        out.household_id = id;
        return out;
      }
    }
    why.clear();
  }
  // What cannot be found or created anyway is refused before anything is created.
  if (h.grid_code.empty() && h.grid_name.empty()) {
    why = "没有网格信息（网格编码或名称），无法确定所在网格";
  } else if (h.building_code.empty() && h.building_address.empty() && h.household_address.empty()) {
    why = "没有楼栋信息（楼栋编码或地址），也没有家庭地址，无法确定所在楼栋";
  } else if (h.household_number.empty() && h.room.empty() && h.household_address.empty()) {
    why = "没有户信息（户号、房号或家庭地址），无法确定所在的户";
  }
  if (!why.empty()) {
    out.quarantine = "无法确定所在的户：" + why;
    return out;
  }
  ASSIGN_OR_RETURN(int64_t community, Community(h, claim, &why, /*may_create=*/true));
  int64_t grid = 0, building = 0;
  if (community != 0) {
    ASSIGN_OR_RETURN(grid, Grid(h, community, claim, &why));
  }
  if (grid != 0) {
    ASSIGN_OR_RETURN(building, Building(h, grid, claim, &why));
  }
  if (building != 0) {
    ASSIGN_OR_RETURN(out.household_id, Household(h, building, claim, &why));
  }
  if (out.household_id == 0) out.quarantine = "无法确定所在的户：" + why;
  return out;
}

}  // namespace onetable
