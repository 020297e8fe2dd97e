// Audit records for API requests: the audit log (audit/audit_log.h) with the actor taken from
// the request — its authenticated caller, remote address and request id. The Server writes the
// records of 401/403 answers by itself; handlers write the others.
//
// Call Audit after the handler's transaction has committed or rolled back.
//
// Thread-safety: stateless; uses the store of the request's context.
#ifndef ONETABLE_HTTP_REQUEST_AUDIT_H_
#define ONETABLE_HTTP_REQUEST_AUDIT_H_

#include <string>
#include <string_view>

#include "audit/audit_log.h"
#include "http/router.h"
#include "onetable/status.h"

namespace onetable {

// The caller of this request as an audit actor ("" user and role when none).
Actor ActorOf(const RequestContext& ctx);

// Appends a record for this request as its caller (ctx.principal; "" when none), from
// ctx.request.remote_addr, with ctx.request_id.
Status Audit(const RequestContext& ctx, std::string_view action, std::string_view object,
             std::string_view result, std::string_view detail = {});

// The same, for a record whose user is not ctx.principal (a login names the account signed
// into, or "" for an unknown one).
Status AuditAs(const RequestContext& ctx, std::string_view user, std::string_view role,
               std::string_view action, std::string_view object, std::string_view result,
               std::string_view detail = {});

// The object of an automatic record: "METHOD pattern" with each {param} replaced by its value
// when that value is a plain number (ids), kept as {param} otherwise, so nothing a client typed
// in a path reaches the audit log except ids. Outside a route: "METHOD" alone.
std::string AuditObjectOf(const RequestContext& ctx);

}  // namespace onetable

#endif  // ONETABLE_HTTP_REQUEST_AUDIT_H_
