// Identity resolution: which golden record an incoming source record is about.
//
// Persons, in this order:
//   1. a normalized ID number that a person already has: that person (score 1);
//   2. the person this source record was attached to on an earlier run (aliases followed);
//   3. otherwise candidates with the same name and birth date (the blocking key; for a record
//      with an ID number only persons without one are candidates), each scored:
//        name + birth date 0.5, same phone +0.3, same normalized current address +0.2,
//        a different phone on both sides −0.2;
//      the best candidate at or above `link` (default 0.8) is linked; at or above `review`
//      (default 0.5) a new person is created and a "duplicate" review item proposes the pair
//      (unless a worker kept the two apart); below, or no candidate, a new person is created.
//      Two candidates tied at the top are never linked automatically: review.
// Households: by 户号 (household_number), else by normalized address. Buildings: by building
// code, else by normalized address within the grid.
//
// Thread-safety: functions over a Store, which is used from one thread.
#ifndef ONETABLE_INGEST_IDENTITY_H_
#define ONETABLE_INGEST_IDENTITY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

struct IdentityThresholds {
  double link = 0.8;
  double review = 0.5;
};

struct PersonMatch {
  enum Action { kCreate, kLink, kReview };
  Action action = kCreate;
  int64_t person_id = 0;  // kLink: the person; kReview: the candidate duplicate
  double score = 0;
  std::string reason;  // English, for the review item's detail: "id_number", "name+birth+phone"
};

// Scores a candidate person row against incoming (canonical) values; see the header comment.
// Pure. `reason` (may be null) gets the matched parts, e.g. "name+birth_date+phone".
double ScorePersonCandidate(const std::map<std::string, std::string>& incoming,
                            const Row& candidate, std::string* reason);

// Resolves a person. `previous_person_id`: the person this source record was attached to (0 on
// a first sight). Reads only.
Result<PersonMatch> ResolvePerson(Store* store, const std::map<std::string, std::string>& values,
                                  int64_t previous_person_id, const IdentityThresholds& thresholds);

// The household with `household_number` (when not empty), else one whose address normalizes
// like `address`; 0 when none.
Result<int64_t> FindHousehold(Store* store, const std::string& household_number,
                              const std::string& address);

// The building with `building_code` (when not empty), else one in `grid_id` (0: anywhere, by
// exact normalized address only) whose address normalizes like `address`; 0 when none.
Result<int64_t> FindBuilding(Store* store, int64_t grid_id, const std::string& building_code,
                             const std::string& address);

// The grid `grid_code` of the community with 12-digit `community_code`; kInvalidArgument
// naming both when either does not exist.
Result<int64_t> FindGrid(Store* store, const std::string& community_code,
                         const std::string& grid_code);

}  // namespace onetable

#endif  // ONETABLE_INGEST_IDENTITY_H_
