// Survivorship: per field, which value a golden record keeps when a source says something.
//
// Rules, in order (DESIGN.md §5):
//   - a blank incoming value says nothing: sources do not erase what they do not know;
//   - a field with no golden value takes the incoming one;
//   - the same value as the golden one changes nothing;
//   - a pinned value is never overwritten;
//   - a worker's manual entry (source "manual", trust 100) beats every connector. A golden value
//     with no provenance at all predates provenance (typed in, or loaded) and counts as manual;
//   - otherwise the higher trust wins, and at equal trust the newer observation (the incoming
//     one) wins — so a source correcting its own value is taken;
//   - the losing value is kept in the field's history, never dropped;
//   - when two different connector sources whose trust is at least the conflict threshold
//     disagree on a field the deployment marks as needing a person (`review_fields`, by default
//     id_number, name, birth_date, gender, household), a "conflict" review item is opened,
//     whatever the outcome, so a worker can choose: ONE item per record applied (so per person
//     and run) naming every such field ("name,birth_date" in `field`, each disagreement under
//     "fields" in the detail), leaving out fields that already have an open item. Any other
//     disagreement is settled by the rules above alone: the loser is history, nobody is asked.
//
// DecideField is pure. ApplyClaims writes the outcome: the row update, provenance for winners,
// history for losers, conflict review items. Values appear in review details (the reviewer
// needs them) and never in logs.
//
// Thread-safety: DecideField is thread-safe; ApplyClaims uses a Store from one thread.
#ifndef ONETABLE_INGEST_SURVIVORSHIP_H_
#define ONETABLE_INGEST_SURVIVORSHIP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

// One source's say about one field.
struct Claim {
  std::string value;
  std::string source;  // connector id, or "manual"
  int trust = 0;
  std::string observed_at;
  int64_t source_record_id = 0;
  bool pinned = false;
};

struct FieldDecision {
  enum Verdict { kTake, kKeep, kSame };
  Verdict verdict = kSame;
  bool conflict = false;
};

// `current`: the golden value's claim (nullopt when the field is blank). The incoming value is
// not blank.
FieldDecision DecideField(const std::optional<Claim>& current, const Claim& incoming,
                          int conflict_threshold);

// Two trusted sources' different say about one field, for a conflict review item.
struct Disagreement {
  std::string field;
  Claim current, incoming;
  bool incoming_won = false;
};

// Trust of a source by id ("manual" and "manual:<user>" are 100; unknown sources 0).
using TrustLookup = std::function<Result<int>(const std::string& source)>;

struct ApplyOutcome {
  bool changed = false;  // at least one golden value changed
  int conflicts = 0;     // review items opened (0 or 1)
  int settled = 0;       // disagreements between trusted sources settled without a person
};

// Applies `incoming` (field -> canonical value, blanks ignored) from one source record to the
// row `row` of `kind` (read just before; updated in place with its new version). All writes go
// through `store`; call it inside the batch's transaction. `decided_elsewhere`: disagreements on
// what is not a field value (the person's household, decided by the caller) that go into the
// same one review item, unless that field already has an open item.
Result<ApplyOutcome> ApplyClaims(Store* store, EntityKind kind, Row* row,
                                 const std::map<std::string, std::string>& incoming,
                                 const Claim& claim_template, int conflict_threshold,
                                 const TrustLookup& trust_of,
                                 const std::set<std::string>& review_fields,
                                 const std::vector<Disagreement>& decided_elsewhere = {});

// Records the provenance of every value of a row just created from one source record.
Status RecordNewRow(Store* store, EntityKind kind, int64_t id,
                    const std::map<std::string, std::string>& values, const Claim& claim);

}  // namespace onetable

#endif  // ONETABLE_INGEST_SURVIVORSHIP_H_
