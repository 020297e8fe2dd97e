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

#include "http/router.h"
#include "http/service_context.h"

namespace onetable {

HttpResponse HandleMove(const RequestContext& ctx, const ServiceContext& service);
HttpResponse HandleSetHead(const RequestContext& ctx, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_MEMBERSHIP_HANDLERS_H_
