// Settling the review queue (DESIGN.md §5): the operations a worker performs on the items that
// identity resolution (kind "duplicate") and survivorship (kind "conflict") open.
//
//   LinkDuplicate  the two persons are one: the older id survives, the other is merged into it
//                  (Store::MergePersons: its id becomes an alias) and the item is "linked";
//   KeepApart      they are two people: recorded so they are not proposed again; "kept_apart";
//   ChooseValue    for a conflict, the worker's choices become the golden values, recorded
//                  with the worker as actor: a value one of the item's sources gave keeps that
//                  source (and its record) as provenance and is pinned; any other value is a
//                  manual entry. Either way connectors no longer overturn it; "resolved".
//                  A conflict item may name several fields ("name,birth_date": one item per
//                  person and run); the worker chooses for any of them, and a field not chosen
//                  keeps the value survivorship gave it.
// Each runs in one transaction and is compare-and-set on the item's version (kConflict when
// someone else settled it first). Listing is Store::ListReview.
//
// SettleReview is how a worker settles an item (the API's review routes use it): the operation,
// retried while it is a deadlock's victim, then its audit record (action write, object
// "review/<id>", detail the operation and its outcome).
//
// Thread-safety: functions over a Store, used from one thread.
#ifndef ONETABLE_INGEST_REVIEW_QUEUE_H_
#define ONETABLE_INGEST_REVIEW_QUEUE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/context.h"
#include "audit/audit_log.h"
#include "model/validation.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

// Returns the surviving person's id.
Result<int64_t> LinkDuplicate(Store* store, int64_t review_id, int64_t expected_version,
                              const std::string& actor);
Status KeepApart(Store* store, int64_t review_id, int64_t expected_version,
                 const std::string& actor);
// `choices`: field -> value ("" clears it), each field one the item names; validated and
// normalized with `validator`. kInvalidArgument naming the field otherwise, or when empty.
Status ChooseValue(Store* store, const Validator& validator, const Catalog& catalog,
                   int64_t review_id, int64_t expected_version,
                   const std::map<std::string, std::string>& choices, const std::string& actor);

// The fields a conflict item names (its `field`, split at commas).
std::vector<std::string> ConflictFields(const ReviewItem& item);

enum class ReviewAction { kLink, kKeepApart, kChoose };

// "link", "keep-apart", "choose".
const char* ReviewActionName(ReviewAction action);

struct SettleOutcome {
  Status status;         // as the operations above, or the audit's failure
  int64_t survivor = 0;  // kLink: the surviving person
};

// Settles item `review_id` (at `expected_version`) as `actor`; `choices` are the chosen values
// for kChoose (see ChooseValue) and ignored otherwise.
SettleOutcome SettleReview(Store& store, const AppContext& app, const Actor& actor,
                           int64_t review_id, int64_t expected_version, ReviewAction action,
                           const std::map<std::string, std::string>& choices);

}  // namespace onetable

#endif  // ONETABLE_INGEST_REVIEW_QUEUE_H_
