// The audit log, read-only; admin only (Permission::kReadAudit).
//
//   GET /api/v1/audit   ?user=NAME&action=ACTION&since=TIME&until=TIME&after=ID&limit=N
//                       &order=oldest|newest&before=ID
//                       → {"items": [{id, at, user, role, source_addr, action, object, result,
//                          request_id, detail}], "next_after": ID or null}
// `since` is a UTC date (2026-05-01) or time (2026-05-01T08:00:00Z or "2026-05-01 08:00:00");
// `until` (exclusive) likewise; `at` is answered as ISO 8601 UTC. Oldest first, paged with
// after=next_after; with order=newest the latest first, paged with before=next_after.
//
// Thread-safety: handlers keep no state.
#ifndef ONETABLE_HTTP_AUDIT_HANDLERS_H_
#define ONETABLE_HTTP_AUDIT_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterAuditRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_AUDIT_HANDLERS_H_
