// Transfer requests (申请迁入): a worker meets an ID number already registered in a grid outside
// their scope (the 409 of person_duplicates.h) and asks for the person to be moved into one of
// their households; the holding grid's worker or that community's admin approves (the person
// moves, as POST /persons/{id}/move moves them, membership history included) or declines it with
// a reason. Store: store/transfer_store.h.
//
//   POST /api/v1/transfers   {"id_number": "...", or "person_id": N,
//                             "to_household_id": N, "to_grid_id": N (optional, must be the
//                             household's grid), "reason": "..."}
//        → 201 the request. 404 for a household out of the caller's scope or an unknown
//        person; 409 when the person is in the caller's scope already (code in_scope: move them
//        directly), lives in no household (no_place) or has a pending request (pending_exists);
//        422 for a missing reason or a malformed ID number.
//   GET  /api/v1/transfers?state=pending|approved|declined|all (default all)
//        → {"items": [...]}: the caller's own requests, and those about persons in the caller's
//        scope (or filed while the person was in a grid of it), newest first.
//   POST /api/v1/transfers/{id}/approve   If-Match: "<version>"  {"reason": "..." (optional)}
//   POST /api/v1/transfers/{id}/decline   If-Match: "<version>"  {"reason": "..."} (required)
//        → the request decided. One transaction: the decision is compare-and-set on the
//        request (pending, at that version) and the move is made in it, so approving twice
//        moves once (the second answers 409 already decided, or 412 stale). 403 for one's own
//        request; 404 when the person is not in the caller's scope.
//
// Who: kWriteRegister (grid workers, community admins, admin; never a department). The requester
// must see the target household; the decider must see the person where they are now. What the
// requester reads of a person out of their scope is what the 409 said: the holding grid and
// community by name and the ID number masked (420***********1234) — no name, no id.
// Audited: transfer_request, transfer_approve, transfer_decline (object "transfer/<id>",
// results ok / failed), and the move as a write of the person; 401/403/404 answers are audited
// by the server (denial_audit.h).
//
// Thread-safety: the handlers keep no state.
#ifndef ONETABLE_HTTP_TRANSFER_HANDLERS_H_
#define ONETABLE_HTTP_TRANSFER_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterTransferRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_TRANSFER_HANDLERS_H_
