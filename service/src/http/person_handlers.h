// Person search, household membership, and per-field provenance and history.
//
//   GET  /api/v1/persons/search   finding a person: see person_search.h
//   POST /api/v1/persons/{id}/move        If-Match: the person's ETag
//        {"household_id": ID | null, "relationship": "<GB/T 4761 code>"}
//        joins a household (a person in none), moves to another, or (null) leaves it; closes the
//        current membership and opens the next (history below). A person who headed the
//        household left has it cleared as its head. → the person with the new ETag
//   POST /api/v1/households/{id}/head     If-Match: the household's ETag
//        {"person_id": ID, "previous_head_relationship": "<code>"?}
//        makes an active member the head (户主): household.head_person_id, and the person's
//        relationship becomes 02 (户主) through a membership change; the previous head (the one
//        the household named, and any other member recorded as 02) gets
//        previous_head_relationship, or none. → the household with the new ETag
//   GET  /api/v1/persons/{id}/memberships  the person's stays in households, oldest first
//   GET  /api/v1/persons/{id}/provenance   where each current value came from
//   GET  /api/v1/persons/{id}/history?field=KEY   every observation of one field, oldest first
// The last three page by position: after=N skips N items.
//
// The move and head routes are implemented in membership_handlers.h.
//
// Masked fields (AccessPolicy::SeesField) stay masked in provenance and history values, and may
// not be searched by; ID numbers and phones are masked there for everyone (access.h: only the
// person's current values can be shown in full, GET /persons/{id}?reveal=1). Writes are audited
// like register_handlers.h; every search is audited (action "search": criterion and row count,
// never the text searched for), as is every read of a person (action "read") and every "show in
// full" (action "reveal").
//
// Thread-safety: the handlers keep no state.
#ifndef ONETABLE_HTTP_PERSON_HANDLERS_H_
#define ONETABLE_HTTP_PERSON_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterPersonRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_PERSON_HANDLERS_H_
