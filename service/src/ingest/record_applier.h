// RecordApplier: takes one mapped source record into the register, inside the caller's batch
// transaction: identity resolution, creating or updating the golden record with per-field
// survivorship and provenance, tags, and the kept source record (with its content hash).
//
// Where new rows go:
//   - person imports never create households: a new person is placed in the household named by
//     household.household_number / household.address when the register has it, else left
//     without a household (parent 0) for a worker to place; an existing person without a
//     household is moved into a known one the same way;
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

#include "ingest/connector_spec.h"
#include "ingest/identity.h"
#include "ingest/record_mapper.h"
#include "ingest/survivorship.h"
#include "store/store.h"

namespace onetable {

enum class Outcome { kNew, kUpdated, kUnchanged, kRejected };

struct AppliedRecord {
  Outcome outcome = Outcome::kUnchanged;
  bool linked = false;        // attached to an existing golden record for the first time
  int reviews = 0;            // review items opened
  std::string reject_reason;  // for kRejected (the record could not be taken as a whole)
};

class RecordApplier {
 public:
  // `grid_id`: the spec's place (0 for person imports). All must outlive the applier.
  RecordApplier(Store* store, const Catalog& catalog, const ConnectorSpec& spec, int64_t grid_id);

  // Applies `mapped` (issue-free) for the source record `key` with content `hash` and `payload`.
  // `existing` is the kept source record with that key (id 0 when first seen).
  Result<AppliedRecord> Apply(const MappedRecord& mapped, const std::string& key,
                              const std::string& hash, const std::string& payload,
                              const SourceRecord& existing);

 private:
  Result<int> TrustOf(const std::string& source);
  Result<AppliedRecord> ApplyPerson(const MappedRecord& mapped, SourceRecord* record,
                                    const SourceRecord& existing);
  Result<AppliedRecord> ApplyPlace(const MappedRecord& mapped, SourceRecord* record,
                                   const SourceRecord& existing);
  Status ApplyTags(int64_t person_id, const MappedRecord& mapped);
  Claim MakeClaim(int64_t source_record_id) const;
  // Missing required fields of a row about to be created, as a Chinese reason; "" when none.
  std::string MissingRequired(EntityKind kind, const std::map<std::string, std::string>& values);

  Store* store_;
  const Catalog& catalog_;
  const ConnectorSpec& spec_;
  int64_t grid_id_;
  std::string now_;
  std::map<std::string, int> trust_cache_;
  PersonResolver resolver_;
};

}  // namespace onetable

#endif  // ONETABLE_INGEST_RECORD_APPLIER_H_
