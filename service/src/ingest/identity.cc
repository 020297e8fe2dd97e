#include "ingest/identity.h"

#include "ingest/address.h"
#include "model/catalog_keys.h"

namespace onetable {
namespace {

const std::string* Value(const std::map<std::string, std::string>& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() || it->second.empty() ? nullptr : &it->second;
}

// Scanning a grid's buildings for an address written another way is bounded: past this many the
// exact normalized match has to do.
constexpr int kMaxGridScan = 5000;

}  // namespace

double ScorePersonCandidate(const std::map<std::string, std::string>& incoming,
                            const Row& candidate, std::string* reason) {
  const std::string* name = Value(incoming, keys::kName);
  const std::string* birth = Value(incoming, keys::kBirthDate);
  const std::string* cand_name = candidate.Get(keys::kName);
  const std::string* cand_birth = candidate.Get(keys::kBirthDate);
  if (!name || !birth || !cand_name || !cand_birth || *name != *cand_name ||
      *birth != *cand_birth) {
    if (reason) reason->clear();
    return 0;
  }
  double score = 0.5;
  std::string why = "name+birth_date";
  const std::string* phone = Value(incoming, keys::kPhone);
  const std::string* cand_phone = candidate.Get(keys::kPhone);
  if (phone && cand_phone && !cand_phone->empty()) {
    if (*phone == *cand_phone) {
      score += 0.3;
      why += "+phone";
    } else {
      score -= 0.2;
      why += "-phone";
    }
  }
  const std::string* addr = Value(incoming, keys::kCurrentAddress);
  const std::string* cand_addr = candidate.Get(keys::kCurrentAddress);
  if (addr && cand_addr && !cand_addr->empty() &&
      NormalizeAddress(*addr) == NormalizeAddress(*cand_addr)) {
    score += 0.2;
    why += "+current_address";
  }
  if (reason) *reason = why;
  return score;
}

Result<PersonMatch> ResolvePerson(Store* store, const std::map<std::string, std::string>& values,
                                  int64_t previous_person_id,
                                  const IdentityThresholds& thresholds) {
  PersonMatch match;
  const std::string* id_number = Value(values, keys::kIdNumber);
  if (id_number) {
    auto found = store->FindBy(EntityKind::kPerson, keys::kIdNumber, *id_number);
    if (found.ok()) {
      match.action = PersonMatch::kLink;
      match.person_id = found->id;
      match.score = 1;
      match.reason = "id_number";
      return match;
    }
    if (found.status().code() != StatusCode::kNotFound) return found.status();
  }
  if (previous_person_id) {
    ASSIGN_OR_RETURN(int64_t current, store->ResolvePersonId(previous_person_id));
    auto row = store->Get(EntityKind::kPerson, current);
    if (row.ok()) {
      match.action = PersonMatch::kLink;
      match.person_id = current;
      match.score = 1;
      match.reason = "source_record";
      return match;
    }
    if (row.status().code() != StatusCode::kNotFound) return row.status();
  }
  const std::string* name = Value(values, keys::kName);
  const std::string* birth = Value(values, keys::kBirthDate);
  if (!name || !birth) return match;
  ListQuery q;
  q.equals = {{keys::kName, *name}, {keys::kBirthDate, *birth}};
  q.limit = 50;
  ASSIGN_OR_RETURN(auto candidates, store->List(EntityKind::kPerson, q));
  double best = 0;
  int ties = 0;
  for (const Row& c : candidates) {
    // Two different ID numbers are two different people.
    const std::string* cand_id = c.Get(keys::kIdNumber);
    if (id_number && cand_id && !cand_id->empty()) continue;
    std::string why;
    double s = ScorePersonCandidate(values, c, &why);
    if (s <= 0) continue;
    if (s > best + 1e-9) {
      best = s;
      ties = 1;
      match.person_id = c.id;
      match.reason = why;
    } else if (s > best - 1e-9) {
      ++ties;
    }
  }
  match.score = best;
  if (match.person_id == 0 || best + 1e-9 < thresholds.review) {
    match.action = PersonMatch::kCreate;
    match.person_id = 0;
    return match;
  }
  match.action =
      best + 1e-9 >= thresholds.link && ties == 1 ? PersonMatch::kLink : PersonMatch::kReview;
  return match;
}

Result<int64_t> FindHousehold(Store* store, const std::string& household_number,
                              const std::string& address) {
  if (!household_number.empty()) {
    auto found = store->FindBy(EntityKind::kHousehold, keys::kHouseholdNumber, household_number);
    if (found.ok()) return found->id;
    if (found.status().code() != StatusCode::kNotFound) return found.status();
  }
  if (!address.empty()) {
    for (const std::string& a : {NormalizeAddress(address), address}) {
      auto found = store->FindBy(EntityKind::kHousehold, keys::kAddress, a);
      if (found.ok()) return found->id;
      if (found.status().code() != StatusCode::kNotFound) return found.status();
    }
  }
  return int64_t{0};
}

Result<int64_t> FindBuilding(Store* store, int64_t grid_id, const std::string& building_code,
                             const std::string& address) {
  if (!building_code.empty()) {
    auto found = store->FindBy(EntityKind::kBuilding, keys::kBuildingCode, building_code);
    if (found.ok()) return found->id;
    if (found.status().code() != StatusCode::kNotFound) return found.status();
  }
  if (address.empty()) return int64_t{0};
  std::string wanted = NormalizeAddress(address);
  for (const std::string& a : {wanted, address}) {
    auto found = store->FindBy(EntityKind::kBuilding, keys::kAddress, a);
    if (found.ok()) return found->id;
    if (found.status().code() != StatusCode::kNotFound) return found.status();
  }
  if (grid_id == 0) return int64_t{0};
  ListQuery q;
  q.parent_id = grid_id;
  q.limit = 500;
  for (int scanned = 0; scanned < kMaxGridScan;) {
    ASSIGN_OR_RETURN(auto rows, store->List(EntityKind::kBuilding, q));
    if (rows.empty()) break;
    for (const Row& r : rows) {
      const std::string* a = r.Get(keys::kAddress);
      if (a && NormalizeAddress(*a) == wanted) return r.id;
    }
    scanned += static_cast<int>(rows.size());
    q.after_id = rows.back().id;
  }
  return int64_t{0};
}

Result<int64_t> FindGrid(Store* store, const std::string& community_code,
                         const std::string& grid_code) {
  auto community = store->FindBy(EntityKind::kCommunity, keys::kCode, community_code);
  if (!community.ok()) {
    if (community.status().code() == StatusCode::kNotFound) {
      return Status::Invalid("登记库中没有代码为 " + community_code + " 的社区（村）");
    }
    return community.status();
  }
  ListQuery q;
  q.parent_id = community->id;
  q.equals = {{keys::kCode, grid_code}};
  q.limit = 1;
  ASSIGN_OR_RETURN(auto grids, store->List(EntityKind::kGrid, q));
  if (grids.empty()) {
    return Status::Invalid("社区 " + community_code + " 下没有编号为 " + grid_code + " 的网格");
  }
  return grids.front().id;
}

}  // namespace onetable
