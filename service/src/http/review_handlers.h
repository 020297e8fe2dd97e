// The review queue (DESIGN.md §5): possible duplicates from identity resolution and conflicting
// values from survivorship, settled by a worker.
//
//   GET  /api/v1/review?status=open|linked|kept_apart|resolved|all&kind=duplicate|conflict
//                      &after=&limit=         (status default open)
//   GET  /api/v1/review/{id}                  → item with ETag
//   POST /api/v1/review/{id}/link             If-Match: the two persons are one; the older id
//                                             survives → {"survivor_id", "item"}
//   POST /api/v1/review/{id}/keep-apart       If-Match: they are two people → {"item"}
//   POST /api/v1/review/{id}/choose           If-Match, {"value": "..." | null} for an item about
//                                             one field, or {"values": {field: "..." | null}} for
//                                             any (a conflict names its fields in "field",
//                                             comma-separated): the chosen values become golden
//                                             values as the worker's manual entries; fields not
//                                             chosen keep survivorship's; a value one of the
//                                             item's sources gave keeps that source as its
//                                             provenance, pinned (422 naming the field
//                                             when invalid, 400 for a field the item lacks)
//                                             → {"item"}
// An item: {"id", "kind", "status", "entity", "entity_id", "other_id", "field", "detail" (the
// ingest's JSON text: scores, sources, competing values), "created_at", "resolved_by",
// "resolution", "version", "person_name", "other_name" (the persons' names, "" when the caller
// may not see names), "source_titles" ({source id: title}; in the single item only, {} in the
// list)}.
//
// The operations are ingest/review_queue.h (one transaction each, compare-and-set on the item's
// version: 412 with the current item when someone settled it first).
//
// Access: kReviewQueue; an item is shown and may be settled only when the caller sees every
// person it names (AccessPolicy::RequireRow, else 404) and, for a conflict, every field it
// names (SeesField: its detail holds the competing values). Settling is audited (action "write",
// object "review/<id>").
//
// Thread-safety: the handlers keep no state.
#ifndef ONETABLE_HTTP_REVIEW_HANDLERS_H_
#define ONETABLE_HTTP_REVIEW_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterReviewRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_REVIEW_HANDLERS_H_
