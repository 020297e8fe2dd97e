// The write path of manual entry: validation against the catalog, the compare-and-set write, and
// provenance — one transaction per write, shared by every resource that creates or edits rows.
//
// Validation (model/validation.h Validator::NormalizeRecord): every bad value is one issue
// {field, code, message (Chinese, naming the field's label)}; unknown keys are issues too. For
// persons the ID number fills birth date and gender when they are empty and an issue is raised
// when they contradict it. On update the submitted values are merged over the stored row and the
// whole record is checked, but only issues about what the request touched are reported (a
// submitted field, a field it cleared, or birth date / gender against a submitted ID number), so
// an old imported value elsewhere in the row does not block an unrelated correction.
//
// Provenance: every field whose value the write changes (including values filled from the ID
// number) gets an observation with source "manual" and the worker as actor, so survivorship
// keeps hand-entered values over connectors (DESIGN.md §5).
//
// Thread-safety: functions over the Store given (one thread).
#ifndef ONETABLE_REGISTER_REGISTER_WRITE_H_
#define ONETABLE_REGISTER_REGISTER_WRITE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/problem.h"
#include "model/validation.h"
#include "store/store.h"

namespace onetable {

inline constexpr char kManualSourceId[] = "manual";

// The catalog values a write names: text to set, and keys to clear.
struct FieldInput {
  std::map<std::string, std::string> set;
  std::set<std::string> cleared;
  bool empty() const { return set.empty() && cleared.empty(); }
};

struct WriteOutcome {
  // Not OK: the write did not happen. kConflict: the version was stale (`row` is the current
  // row then); kNotFound; kAlreadyExists (a unique key); others from the store.
  Status status;
  // Validation problems; when not empty nothing was written (status is OK then).
  std::vector<ErrorDetail> issues;
  // The row as written (or the current one on kConflict).
  Row row;
  // Keys whose value changed, for the audit detail (never the values).
  std::vector<std::string> changed;
};

// Inserts a row of `kind` under `parent_id` with `status` ("" for active).
WriteOutcome CreateRecord(Store& store, const Validator& validator, EntityKind kind,
                          int64_t parent_id, const std::string& status, const FieldInput& input,
                          const std::string& actor);

// Updates row `id` if its version is `expected_version`: merges `input` over it and sets
// `status` when not empty.
WriteOutcome UpdateRecord(Store& store, const Validator& validator, EntityKind kind, int64_t id,
                          int64_t expected_version, const FieldInput& input,
                          const std::string& status, const std::string& actor);

// Runs `fn` — one write transaction — again, kWriteAttempts times in all, while it fails as the
// victim of a deadlock. MySQL/InnoDB picks one victim per deadlock and rolls its transaction
// back whole, so running it again is safe and the other side has made progress. Such deadlocks
// happen under concurrent writes because Store::RecordObservation updates a provenance row and
// inserts it when missing, and the update of a missing key takes a gap lock. The store reports
// a deadlock as kAborted; a lost connection (kUnavailable) is not retried: a commit may or may
// not have happened.
inline constexpr int kWriteAttempts = 8;
Status RetryDeadlocks(const std::function<Status()>& fn);

// Records a manual observation of `field` = `value` (is_null when value is nullptr).
Status RecordManual(Store& store, EntityKind kind, int64_t id, const std::string& field,
                    const std::string* value, const std::string& actor);

// "fields: a,b,c" for audit details (keys only).
std::string ChangedFieldsDetail(const std::vector<std::string>& keys);

}  // namespace onetable

#endif  // ONETABLE_REGISTER_REGISTER_WRITE_H_
