// RecordApplier: takes one mapped source record into the register, inside the caller's batch
// transaction: identity resolution, creating or updating the golden record with per-field
// survivorship and provenance, tags, and the kept source record (with its content hash).
//
// Where new rows go:
//   - person imports place each row by its place columns (placement.h), creating missing
//     communities (from the division codes), grids, buildings and households; a known person in
//     another household is moved (the old membership closed, the new one opened, as a manual
//     move); a row whose 与户主关系 is 户主 (02) becomes its household's head (through
//     survivorship, so a worker's choice stands); a row naming only a household that does not
//     exist lands without one (problem `unplaced`); one whose place cannot be resolved is
//     rejected with the reason;
//   - persons whose 居住状态 is 死亡 (4) or who have a 死亡日期 get status deceased, 迁出 (3)
//     moved_away, so that `alive` ends for them;
//   - household imports find the household by 户号 else normalized address; a new household goes
//     into the building named by building.building_code / building.address (else one at the
//     household's own address), created under the spec's `place` grid when missing;
//   - building imports find the building by code else normalized address; new ones go under the
//     `place` grid.
// Addresses of rows ingest creates are stored normalized (see address.h).
//
// Thread-safety: one per import, used from one thread.
#ifndef ONETABLE_INGEST_RECORD_APPLIER_H_
#define ONETABLE_INGEST_RECORD_APPLIER_H_

#include <map>
#include <string>
#include <vector>

#include "ingest/connector_spec.h"
#include "ingest/identity.h"
#include "ingest/placement.h"
#include "ingest/record_mapper.h"
#include "ingest/survivorship.h"
#include "store/store.h"

namespace onetable {

enum class Outcome { kNew, kUpdated, kUnchanged, kRejected };

// Named problems (the run report's names, runtime.h) of rows that apply.
inline constexpr char kProblemUnplaced[] = "unplaced";
inline constexpr char kProblemPlaceUnresolved[] = "place_unresolved";
// The household found by 户号 lies elsewhere than the row's grid, building or room say
// (placement.h); the person goes into that household.
inline constexpr char kProblemPlaceMismatch[] = "place_mismatch";
inline constexpr char kProblemMissingRequired[] = "missing_required";
// A known person the row places in another household, kept where the register has them because
// the household there was set by a worker or a more trusted source (survivorship.h).
inline constexpr char kProblemMoveKept[] = "move_kept";

struct AppliedRecord {
  Outcome outcome = Outcome::kUnchanged;
  std::vector<std::string> problems;  // named problems of a row that applied (e.g. unplaced)
  std::string reject_kind;            // for kRejected: the named problem
  bool linked = false;                // attached to an existing golden record for the first time
  int reviews = 0;                    // review items opened
  std::string reject_reason;          // for kRejected (the record could not be taken as a whole)
};

class RecordApplier {
 public:
  // `grid_id`: the spec's place (0 for person imports). `divisions` (may be null) lets placement
  // create communities the register lacks. All must outlive the applier.
  RecordApplier(Store* store, const Catalog& catalog, const ConnectorSpec& spec, int64_t grid_id,
                const Divisions* divisions = nullptr);

  // Applies `mapped` (issue-free) for the source record `key` with content `hash` and `payload`.
  // `existing` is the kept source record with that key (id 0 when first seen).
  Result<AppliedRecord> Apply(const MappedRecord& mapped, const std::string& key,
                              const std::string& hash, const std::string& payload,
                              const SourceRecord& existing);

  // Reads ahead, in one query per key kind, what the records of one batch attempt will look up
  // (the persons of their ID numbers). Call it at the start of every attempt, inside its
  // transaction, with the records Apply will then see.
  Status BeginBatch(const std::vector<const MappedRecord*>& records);

 private:
  Result<int> TrustOf(const std::string& source);
  // Whether a known person in `row` moves to `household` as the row says: survivorship over who
  // set the current household (its open membership: a source, or a worker). A disagreement
  // between trusted sources goes into `disagreements` when review_fields names household.
  Result<bool> DecideMove(const Row& row, int64_t household, int64_t source_record_id,
                          std::vector<Disagreement>* disagreements);
  Result<AppliedRecord> ApplyPerson(const MappedRecord& mapped, SourceRecord* record,
                                    const SourceRecord& existing);
  Result<AppliedRecord> ApplyPlace(const MappedRecord& mapped, SourceRecord* record,
                                   const SourceRecord& existing);
  Status ApplyTags(int64_t person_id, const MappedRecord& mapped);
  // The status a person's values imply: deceased with a death date or 居住状态 死亡,
  // moved_away with 迁出; "" when they imply nothing (the row keeps its status).
  std::string ImpliedStatus(const std::map<std::string, std::string>& values) const;
  // Makes `person_id` the head of `household` when the row says 户主.
  Status ApplyHead(int64_t household, int64_t person_id, const MappedRecord& mapped,
                   const Claim& claim);
  Claim MakeClaim(int64_t source_record_id) const;
  // Missing required fields of a row about to be created, as a Chinese reason; "" when none.
  std::string MissingRequired(EntityKind kind, const std::map<std::string, std::string>& values);

  Store* store_;
  const Catalog& catalog_;
  const ConnectorSpec& spec_;
  int64_t grid_id_;
  PersonResolver resolver_;
  Placer placer_;
  std::string residence_dead_, residence_moved_out_;  // 居住状态 codes of 死亡, 迁出
  std::string now_;
  std::map<std::string, int> trust_cache_;
};

}  // namespace onetable

#endif  // ONETABLE_INGEST_RECORD_APPLIER_H_
