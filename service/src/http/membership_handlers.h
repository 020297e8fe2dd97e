// Household membership: a person joining, moving between or leaving households, and the
// household's head (户主), each kept in the membership history (Store::Move). Registered by
// RegisterPersonRoutes (person_handlers.h), whose header documents the routes:
//
//   POST /api/v1/persons/{id}/move        If-Match: the person's ETag
//   POST /api/v1/households/{id}/head     If-Match: the household's ETag
//
// Both are one compare-and-set transaction (retried on a MySQL deadlock, see register_write.h),
// need kWriteRegister and every row they touch in the caller's scope (AccessPolicy::RequireRow),
// record the changed fields' provenance as the worker's manual entry, and are audited.
//
// Thread-safety: the handlers keep no state.
#ifndef ONETABLE_HTTP_MEMBERSHIP_HANDLERS_H_
#define ONETABLE_HTTP_MEMBERSHIP_HANDLERS_H_

#include <cstdint>
#include <string>

#include "http/router.h"
#include "http/service_context.h"
#include "store/store.h"

namespace onetable {

// The move itself, as the move route makes it (and an approved transfer request,
// transfer_handlers.h): person `person_id`, if still at `expected_version`, joins `household_id`
// (0: leaves their household) as `relationship` ("" none) in the membership history; the
// household they leave loses them as its head; the relationship's change is recorded as
// `actor`'s manual entry. `*moved` is the person afterwards. One transaction (joins the
// caller's). kConflict when the person changed since; no check of access or of the 户主 rule.
Status MovePersonTo(Store& store, int64_t person_id, int64_t expected_version,
                    int64_t household_id, const std::string& relationship,
                    const std::string& actor, Row* moved);

HttpResponse HandleMove(const RequestContext& ctx, const ServiceContext& service);
HttpResponse HandleSetHead(const RequestContext& ctx, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_MEMBERSHIP_HANDLERS_H_
