// Settling the review queue (DESIGN.md §5): the operations a worker performs on the items that
// identity resolution (kind "duplicate") and survivorship (kind "conflict") open.
//
//   LinkDuplicate  the two persons are one: the older id survives, the other is merged into it
//                  (Store::MergePersons: its id becomes an alias) and the item is "linked";
//   KeepApart      they are two people: recorded so they are not proposed again; "kept_apart";
//   ChooseValue    for a conflict, the worker's choice becomes the golden value as a manual
//                  entry by that worker (so connectors no longer overturn it); "resolved".
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
#include <string>

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
// `value` is validated and normalized for the item's field with `validator`.
Status ChooseValue(Store* store, const Validator& validator, const Catalog& catalog,
                   int64_t review_id, int64_t expected_version, const std::string& value,
                   const std::string& actor);

enum class ReviewAction { kLink, kKeepApart, kChoose };

// "link", "keep-apart", "choose".
const char* ReviewActionName(ReviewAction action);

struct SettleOutcome {
  Status status;         // as the operations above, or the audit's failure
  int64_t survivor = 0;  // kLink: the surviving person
};

// Settles item `review_id` (at `expected_version`) as `actor`; `value` is the chosen value for
// kChoose ("" clears the field) and ignored otherwise.
SettleOutcome SettleReview(Store& store, const AppContext& app, const Actor& actor,
                           int64_t review_id, int64_t expected_version, ReviewAction action,
                           const std::string& value);

}  // namespace onetable

#endif  // ONETABLE_INGEST_REVIEW_QUEUE_H_
