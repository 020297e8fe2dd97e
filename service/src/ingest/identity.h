// Identity resolution: which golden record an incoming source record is about.
//
// Persons, in this order:
//   1. a normalized ID number that a person already has: that person (probability 1);
//   2. the person this source record was attached to on an earlier run (aliases followed);
//   3. otherwise record linkage (Fellegi–Sunter, as Splink does it; ingest/linkage/): blocking
//      rules pick candidates (linkage/blocking.h; for a record with an ID number only persons
//      without one count), each candidate gets a match weight and probability from comparison
//      levels of name, birth date, phone, address and gender with term-frequency-adjusted
//      names (linkage/match_model.h). The candidates are alternatives, at most one of them the
//      person: the best one's share of the odds, O_best / (1 + Σ O), decides —
//        ≥ `link` (default 0.99) and the names agree at some level: linked;
//        else when some candidate's own probability is ≥ `review` (default 0.05): a new person
//        is created and a "duplicate" review item proposes the best candidate, saying which
//        levels matched and the score (unless a worker kept the two apart) — never a silent
//        new person while a plausible candidate exists;
//        else: a new person.
// Households: by 户号 (household_number), else by normalized address. Buildings: by building
// code, else by normalized address, within the grid.
//
// Thread-safety: functions over a Store, which is used from one thread. A PersonResolver is one
// per import.
#ifndef ONETABLE_INGEST_IDENTITY_H_
#define ONETABLE_INGEST_IDENTITY_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ingest/linkage/match_model.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

struct IdentityThresholds {
  double link = 0.99;
  double review = 0.05;
};

struct PersonMatch {
  enum Action { kCreate, kLink, kReview };
  Action action = kCreate;
  int64_t person_id = 0;   // kLink: the person; kReview: the candidate duplicate
  double score = 0;        // the best candidate's share of the odds (1 for an ID number)
  double probability = 0;  // the best candidate's own match probability
  double weight = 0;       // its match weight (log2 odds)
  std::string reason;  // "id_number", "source_record", or the levels: "姓名姓氏异写、…"
  std::vector<linkage::Evidence> evidence;  // the best candidate's levels
  std::vector<std::string> rules;           // the blocking rules that found it
  int plausible = 0;                        // candidates at or above `review`
};

// Resolves persons for one import; caches the register's population between records.
class PersonResolver {
 public:
  // `store` must outlive the resolver.
  PersonResolver(Store* store, const IdentityThresholds& thresholds);

  // `previous_person_id`: the person this source record was attached to (0 on a first sight).
  // Reads only.
  Result<PersonMatch> Resolve(const std::map<std::string, std::string>& values,
                              int64_t previous_person_id);

  // The caller created a person (keeps the population current without a count per record).
  void NoteCreated() { ++created_; }

  // Reads, in one query, which of these ID numbers a person has, so that Resolve asks the store
  // nothing more for them. Replaces what an earlier Prefetch read (call it at the start of every
  // batch attempt: a rolled-back batch's writes are gone). The caller keeps it true with
  // NoteIdNumber while the batch writes.
  Status Prefetch(const std::vector<std::string>& id_numbers);
  // Person `person_id` now has ID number `now` instead of `before` ("" for none).
  void NoteIdNumber(int64_t person_id, const std::string& before, const std::string& now);

 private:
  Result<int64_t> Population();

  Store* store_;
  IdentityThresholds thresholds_;
  int64_t population_ = -1;
  int64_t created_ = 0;  // persons this import created since the population was read
  // What Prefetch read: the ID numbers asked about, and the person of each one a person has.
  std::set<std::string> prefetched_;
  std::map<std::string, int64_t> person_of_id_number_;
};

// One-off resolution with a fresh PersonResolver.
Result<PersonMatch> ResolvePerson(Store* store, const std::map<std::string, std::string>& values,
                                  int64_t previous_person_id, const IdentityThresholds& thresholds);

// The household with `household_number` (when not empty), else one whose address normalizes
// like `address`; 0 when none.
Result<int64_t> FindHousehold(Store* store, const std::string& household_number,
                              const std::string& address);

// The building of `grid_id` with `building_code` (when not empty), else one of `grid_id` whose
// address normalizes like `address`; 0 when none. Registers number buildings locally ("1栋"),
// so a building of another grid with that code or address is not it. `grid_id` 0: anywhere, by
// code or exact normalized address.
Result<int64_t> FindBuilding(Store* store, int64_t grid_id, const std::string& building_code,
                             const std::string& address);

// The grid `grid_code` of the community with 12-digit `community_code`; kInvalidArgument
// naming both when either does not exist.
Result<int64_t> FindGrid(Store* store, const std::string& community_code,
                         const std::string& grid_code);

}  // namespace onetable

#endif  // ONETABLE_INGEST_IDENTITY_H_
