#include "ingest/identity.h"

#include <algorithm>
#include <cmath>

#include "ingest/address.h"
#include "ingest/linkage/blocking.h"
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

PersonResolver::PersonResolver(Store* store, const IdentityThresholds& thresholds)
    : store_(store), thresholds_(thresholds) {}

Result<int64_t> PersonResolver::Population() {
  if (population_ < 0) {
    ASSIGN_OR_RETURN(population_, store_->Count(EntityKind::kPerson, ListQuery{}));
    created_ = 0;
  }
  return population_ + created_;
}

Status PersonResolver::Prefetch(const std::vector<std::string>& id_numbers) {
  prefetched_.clear();
  person_of_id_number_.clear();
  ASSIGN_OR_RETURN(person_of_id_number_,
                   store_->FindIdsBy(EntityKind::kPerson, keys::kIdNumber, id_numbers));
  prefetched_.insert(id_numbers.begin(), id_numbers.end());
  return Status::Ok();
}

void PersonResolver::NoteIdNumber(int64_t person_id, const std::string& before,
                                  const std::string& now) {
  if (before == now) return;
  auto it = person_of_id_number_.find(before);
  if (!before.empty() && it != person_of_id_number_.end() && it->second == person_id) {
    person_of_id_number_.erase(it);  // unique: nobody has it now
  }
  if (!now.empty()) {
    person_of_id_number_[now] = person_id;
    prefetched_.insert(now);
  }
}

Result<PersonMatch> PersonResolver::Resolve(const std::map<std::string, std::string>& values,
                                            int64_t previous_person_id) {
  PersonMatch match;
  const std::string* id_number = Value(values, keys::kIdNumber);
  if (id_number && prefetched_.count(*id_number)) {
    auto it = person_of_id_number_.find(*id_number);
    if (it != person_of_id_number_.end()) {
      match.action = PersonMatch::kLink;
      match.person_id = it->second;
      match.score = match.probability = 1;
      match.reason = "id_number";
      return match;
    }
  } else if (id_number) {
    auto found = store_->FindBy(EntityKind::kPerson, keys::kIdNumber, *id_number);
    if (found.ok()) {
      match.action = PersonMatch::kLink;
      match.person_id = found->id;
      match.score = match.probability = 1;
      match.reason = "id_number";
      return match;
    }
    if (found.status().code() != StatusCode::kNotFound) return found.status();
  }
  if (previous_person_id) {
    ASSIGN_OR_RETURN(int64_t current, store_->ResolvePersonId(previous_person_id));
    auto row = store_->Get(EntityKind::kPerson, current);
    if (row.ok()) {
      match.action = PersonMatch::kLink;
      match.person_id = current;
      match.score = match.probability = 1;
      match.reason = "source_record";
      return match;
    }
    if (row.status().code() != StatusCode::kNotFound) return row.status();
  }
  if (!Value(values, keys::kName)) return match;
  ASSIGN_OR_RETURN(linkage::Block block, linkage::BlockCandidates(store_, values));
  if (block.candidates.empty()) return match;
  ASSIGN_OR_RETURN(int64_t population, Population());

  const std::string& name = values.at(keys::kName);
  int64_t name_count = block.name_count;
  double odds_sum = 0;
  bool have_best = false;
  linkage::PairScore best;
  for (const auto& [id, candidate] : block.candidates) {
    // Two different ID numbers are two different people.
    const std::string* cand_id = candidate.row.Get(keys::kIdNumber);
    if (id_number && cand_id && !cand_id->empty()) continue;
    const std::string* cand_name = candidate.row.Get(keys::kName);
    if (name_count < 0 && cand_name && *cand_name == name) {
      ListQuery q;
      q.equals = {{keys::kName, name}};
      ASSIGN_OR_RETURN(name_count, store_->Count(EntityKind::kPerson, q));
    }
    linkage::PairScore s =
        linkage::ScorePair(values, candidate.row, std::max<int64_t>(name_count, 0), population);
    odds_sum += std::exp2(std::min(s.weight, 500.0));
    if (s.probability + 1e-12 >= thresholds_.review) ++match.plausible;
    if (!have_best || s.weight > best.weight) {
      have_best = true;
      best = s;
      match.person_id = id;
      match.rules = candidate.rules;
    }
  }
  if (!have_best) return match;
  match.weight = best.weight;
  match.probability = best.probability;
  match.score =
      std::isinf(odds_sum) ? 0.5 : std::exp2(std::min(best.weight, 500.0)) / (1 + odds_sum);
  match.reason = best.Reason();
  match.evidence = best.evidence;
  const bool names_agree =
      best.name != linkage::NameLevel::kDifferent && best.name != linkage::NameLevel::kMissing;
  if (match.score + 1e-12 >= thresholds_.link && names_agree) {
    match.action = PersonMatch::kLink;
  } else if (best.probability + 1e-12 >= thresholds_.review) {
    match.action = PersonMatch::kReview;
  } else {
    match.action = PersonMatch::kCreate;
    match.person_id = 0;
  }
  return match;
}

Result<PersonMatch> ResolvePerson(Store* store, const std::map<std::string, std::string>& values,
                                  int64_t previous_person_id,
                                  const IdentityThresholds& thresholds) {
  PersonResolver resolver(store, thresholds);
  return resolver.Resolve(values, previous_person_id);
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
  // Registers number buildings locally ("1栋"): within a known grid only that grid's buildings
  // count, so a code or address another grid uses is another building.
  auto lookup = [&](const std::string& field, const std::string& value) -> Result<int64_t> {
    if (grid_id != 0) {
      ListQuery q;
      q.parent_id = grid_id;
      q.equals = {{field, value}};
      q.limit = 1;
      ASSIGN_OR_RETURN(auto rows, store->List(EntityKind::kBuilding, q));
      return rows.empty() ? int64_t{0} : rows.front().id;
    }
    auto found = store->FindBy(EntityKind::kBuilding, field, value);
    if (found.ok()) return found->id;
    if (found.status().code() != StatusCode::kNotFound) return found.status();
    return int64_t{0};
  };
  if (!building_code.empty()) {
    ASSIGN_OR_RETURN(int64_t id, lookup(keys::kBuildingCode, building_code));
    if (id != 0) return id;
  }
  if (address.empty()) return int64_t{0};
  std::string wanted = NormalizeAddress(address);
  for (const std::string& a : {wanted, address}) {
    ASSIGN_OR_RETURN(int64_t id, lookup(keys::kAddress, a));
    if (id != 0) return id;
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
