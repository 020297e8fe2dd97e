// The audit writer: one append-only record (Store::AppendAudit) per security-relevant event —
// every login (success and failure), logout, write, table download, connector run, mapping
// change, user or grant change, and every denied request (the Server writes the 401/403 ones by
// itself). A record holds time, user, role, source address, action, object, result and the
// request id; never the value of a personal or sensitive field, never a password or a token.
//
// What to pass: `object` names the thing acted on by kind and id ("person/42",
// "table/minzheng/gaoling-jintie", "user/zhang"); `detail` says what was done without values
// ("fields: name,phone", "format=xlsx scope=420581001001 rows=120"). As a second line of defence
// both are scrubbed: digit runs shaped like a phone number (11 digits starting with 1) or an ID
// number (15 or 18 characters) and anything shaped like an onetable token are replaced by
// "[redacted]" before they are stored.
//
// Call Audit after the handler's transaction has committed or rolled back (a record written
// inside a transaction that rolls back would be lost). A failed append is returned and also
// reported on stderr with the request id; handlers of writes should fail the request then.
//
// Thread-safety: stateless; uses the store of the request's context.
#ifndef ONETABLE_HTTP_AUDIT_H_
#define ONETABLE_HTTP_AUDIT_H_

#include <string>
#include <string_view>

#include "http/router.h"
#include "onetable/status.h"

namespace onetable {

// Actions (AuditEntry::action), stable English words: what GET /api/v1/audit?action= filters on.
inline constexpr char kAuditLogin[] = "login";
inline constexpr char kAuditLogout[] = "logout";
inline constexpr char kAuditWrite[] = "write";        // register rows, tags, review
inline constexpr char kAuditDownload[] = "download";  // a generated table
inline constexpr char kAuditPreview[] = "preview";    // the first rows of a table or draft
inline constexpr char kAuditConnectorRun[] = "connector_run";
inline constexpr char kAuditMappingChange[] = "mapping_change";
inline constexpr char kAuditUserChange[] = "user_change";  // users, roles, scopes, grants
inline constexpr char kAuditTokenIssue[] = "token_issue";  // a department API token
inline constexpr char kAuditTokenRevoke[] = "token_revoke";
inline constexpr char kAuditDenied[] = "denied";  // a 401 or 403 answer

// Results (AuditEntry::result).
inline constexpr char kAuditOk[] = "ok";
inline constexpr char kAuditFailed[] = "failed";   // tried and did not happen (bad password...)
inline constexpr char kAuditRefused[] = "denied";  // not allowed

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

// `text` with phone-shaped and ID-number-shaped digit runs and onetable tokens replaced by
// "[redacted]" (see above); control characters become spaces.
std::string ScrubAuditText(std::string_view text);

}  // namespace onetable

#endif  // ONETABLE_HTTP_AUDIT_H_
