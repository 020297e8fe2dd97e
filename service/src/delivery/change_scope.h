// Incremental deliveries: which persons a delivery run must regenerate. After a full delivery,
// a run need not generate the whole table: only rows whose inputs changed can differ from what
// the target acknowledged. This file decides, from what the store's change tracking tells
// (RegisterStore::ChangesSince: field and status changes, moves, inserts, tags, merges, and
// changes of households and the rows above), whether a run may be incremental and for which
// persons; change_planner.h then compares just their rows with the receipts and finds deletes
// among the keys those persons held.
//
// A run recomputes the whole table instead (and says why) when the change tracking cannot
// answer: no completed plan yet (the first delivery, or after a failed run that never
// completed one), `deliver --full`, a fingerprint that differs from the last plan's (the
// mapping file, the catalog and code lists, the account's role, scopes and grants, the
// delivery's scope, key and reference date — with a date-relative reference date that is once a
// day), the last full recompute more than a day ago, a table at a grain other than person,
// acknowledged keys whose row is not known (a state from before the row was kept), a building
// or a row above it changed, or more changed persons than `limit`.
//
// Changes are read from `changes_from`, which a completed plan sets to its own start minus a
// margin (kChangeMargin), so a transaction that stamped its changes before the plan began but
// committed after it read the register is read again next time; reading a change twice costs a
// regenerated row, never a wrong one. A write transaction open longer than the margin could be
// missed until the next full recompute (at most a day later: kFullEvery). Right after a bulk
// import, the next plan within the margin sees every imported person as changed and, past the
// limit, recomputes in full.
//
// Thread-safety: functions over the store given.
#ifndef ONETABLE_DELIVERY_CHANGE_SCOPE_H_
#define ONETABLE_DELIVERY_CHANGE_SCOPE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "access/access.h"
#include "app/context.h"
#include "delivery/delivery_spec.h"
#include "mapping/mapping_spec.h"
#include "model/date.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

// Seconds a plan's start is moved back to give the next run's changes_from.
inline constexpr int64_t kChangeMargin = 120;
// A full recompute at least this often, whatever the change tracking says.
inline constexpr int64_t kFullEvery = 86400;

// SHA-256 (hex) of everything a delivery's rows depend on besides the register (see above).
// Errors: kInvalidArgument when the mapping or catalog files cannot be read.
Result<std::string> DeliveryFingerprint(const AppContext& app, const DeliverySpec& spec,
                                        const mapping::MappingSpec& mapping, const Principal& who,
                                        const Date& as_of, const Date& today);

struct ChangeScope {
  bool full = true;
  std::string why;               // for a full run: the reason (English, for logs and --json)
  std::vector<int64_t> persons;  // incremental: the persons to regenerate, sorted, unique
};

// What the run must regenerate, given the last completed plan's basis (found: `basis` non-null)
// and the fingerprint now. `now` is Unix seconds.
Result<ChangeScope> FindChangeScope(Store& store, const AppContext& app, const DeliverySpec& spec,
                                    const mapping::MappingSpec& mapping, const Date& as_of,
                                    const DeliveryBasis* basis, const std::string& fingerprint,
                                    int64_t now, size_t limit);

}  // namespace onetable

#endif  // ONETABLE_DELIVERY_CHANGE_SCOPE_H_
