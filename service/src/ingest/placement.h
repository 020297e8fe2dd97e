// Placement: where a person row of a departmental register lives, resolved per row from the
// place columns a person source maps (connector_spec.h):
//   community.code | community.name, grid.code | grid.name, building.building_code |
//   building.address, household.room, household.household_number, household.address.
//
// Resolution, top down, creating what is missing:
//   household   by 户号 within the row's community (household numbers are unique within a
//               community at most) — found: done, and when the row's grid, building or room
//               names another place than the household's, the run counts `place_mismatch`
//               (the household by 户号 wins: it is the department's key; the hints are reported,
//               not silently dropped); a 户号 only another community has is a new household;
//   community   by 12-digit code, else by name among the register's communities; one that the
//               register lacks but the shipped division codes (schema/divisions) list is created
//               with its official name, under its street and district (created the same way);
//               a row naming none takes placement.community, else the community of the grid it
//               names when exactly one community has such a grid;
//   grid        by code, else by name, within the community; missing: created (code and name from
//               what the row gives: a code alone is named "<code>网格", a name alone is its own
//               code) unless placement.create_grids is false;
//   building    by building code, else by normalized address, within the grid (registers number
//               buildings locally: "1栋" of another grid is another building), else (no building
//               columns) at the household's address; missing: created under the grid;
//   household   by room within the building, else by normalized address; missing: created with
//               户号, room and address (the building's address and the room when none is given).
// A row that names only a household (户号 / address, the pre-placement shape) and whose household
// does not exist lands without one, and the run counts it as `unplaced`; a 户号 that several
// communities use is quarantined (it names no one household). A row whose place cannot
// be resolved (unknown community, a grid that may not be created, nothing to find a building or
// household by, two communities of one name) is quarantined with the reason.
//
// Rows Placer creates carry the run's claim as provenance (survivorship.h), as other rows ingest
// creates. Thread-safety: one per import, used from one thread; reads and writes in the caller's
// transaction.
#ifndef ONETABLE_INGEST_PLACEMENT_H_
#define ONETABLE_INGEST_PLACEMENT_H_

#include <cstdint>
#include <map>
#include <string>

#include "ingest/connector_spec.h"
#include "ingest/survivorship.h"
#include "model/divisions.h"
#include "store/store.h"

namespace onetable {

struct Placement {
  int64_t household_id = 0;  // 0: not placed (no place columns, or `unplaced`)
  bool unplaced = false;     // place columns given, household not found, nothing to create it in
  // The household found by 户号 in the row's community lies in another grid, building or room
  // than the row's hints say (the run counts `place_mismatch`; the person goes into that
  // household).
  bool mismatch = false;
  std::string quarantine;    // non-empty: the row's place cannot be resolved (Chinese reason)
};

class Placer {
 public:
  // `divisions` may be null (then only communities already in the store are found). All must
  // outlive the Placer.
  Placer(Store* store, const Divisions* divisions, const ConnectorSpec& spec);

  // Resolves (creating what is missing) the household of a row whose place columns are
  // `parent` ("community.code" → value …, canonical). `claim` is the provenance of created rows.
  Result<Placement> Place(const std::map<std::string, std::string>& parent, const Claim& claim);

 private:
  struct Hints;
  // Each returns the row's id, or 0 with `*why` set when it cannot be resolved.
  // `may_create` false: only a community the register has (0 without `why` otherwise).
  Result<int64_t> Community(const Hints& h, const Claim& claim, std::string* why, bool may_create);
  Result<int64_t> CommunityFromDivisions(const std::string& code, const Claim& claim,
                                         std::string* why);
  Result<int64_t> EnsureDivision(EntityKind kind, const std::string& code, const Claim& claim);
  Result<int64_t> Grid(const Hints& h, int64_t community, const Claim& claim, std::string* why);
  Result<int64_t> Building(const Hints& h, int64_t grid, const Claim& claim, std::string* why);
  Result<int64_t> Household(const Hints& h, int64_t building, const Claim& claim, std::string* why);
  // The household with the row's 户号 in `community` (0: anywhere); 0 when none; -1 with `*why`
  // when several and the row's other hints do not pick one.
  Result<int64_t> NumberedHousehold(const Hints& h, int64_t community, std::string* why);
  // Whether the row's grid, building or room hints name another place than `household`'s (a
  // value the register lacks is no contradiction).
  Result<bool> Contradicts(const Hints& h, const Row& household);
  Result<int64_t> Create(EntityKind kind, int64_t parent,
                         const std::map<std::string, std::string>& values, const Claim& claim);
  // The single row of `kind` under `parent` (0: anywhere) whose `field` is `value`; 0 when none;
  // -1 when more than one.
  Result<int64_t> FindUnique(EntityKind kind, int64_t parent, const std::string& field,
                             const std::string& value);

  Store* store_;
  const Divisions* divisions_;
  const ConnectorSpec& spec_;
};

}  // namespace onetable

#endif  // ONETABLE_INGEST_PLACEMENT_H_
