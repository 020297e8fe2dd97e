// The audit log: one append-only record (Store::AppendAudit) per security-relevant event —
// every login (success and failure), logout, write, read of a person, search, "show in full",
// table preview and download, delivery, connector run, mapping change, user or grant change,
// audit export and purge, and every denied request — whether it comes through the API or the
// CLI. Records are sealed into a keyed hash chain (store/audit_store.h, audit/audit_chain.h).
// Both adapters use this one vocabulary, so a table run is the same action from either. A record
// holds time, user, role, source address, action, object, result and the request id; never the
// value of a personal or sensitive field, never a password or a token.
//
// What to pass: `object` names the thing acted on by kind and id ("person/42",
// "table/minzheng/gaoling-jintie", "user/zhang"); `detail` says what was done without values
// ("fields: name,phone", "format=xlsx scope=420581001001 rows=120"). As a second line of defence
// both are scrubbed: digit runs shaped like a phone number (11 digits starting with 1) or an ID
// number (15 or 18 characters) and anything shaped like an onetable token are replaced by
// "[redacted]" before they are stored.
//
// Append after the use case's transaction has committed or rolled back (a record written inside
// a transaction that rolls back would be lost), or inside it when the record must stand or fall
// with the change (a new user and its record). A failed append is returned and also reported on
// stderr with the request id; writes should fail then.
//
// Who acts (Actor): an API caller (http/request_audit.h builds it from the request) or the
// operator at a terminal (CliActor: user "cli:<login>", role "operator", address "local").
//
// Thread-safety: stateless; uses the store passed in.
#ifndef ONETABLE_AUDIT_AUDIT_LOG_H_
#define ONETABLE_AUDIT_AUDIT_LOG_H_

#include <string>
#include <string_view>

#include "onetable/status.h"
#include "store/audit_store.h"

namespace onetable {

// Actions (AuditEntry::action), stable English words: what GET /api/v1/audit?action= filters on.
inline constexpr char kAuditLogin[] = "login";
inline constexpr char kAuditLogout[] = "logout";
inline constexpr char kAuditWrite[] = "write";        // register rows, tags, review
inline constexpr char kAuditDownload[] = "download";  // a generated table (API or CLI)
inline constexpr char kAuditPreview[] = "preview";    // the first rows of a table or draft
inline constexpr char kAuditConnectorRun[] = "connector_run";
inline constexpr char kAuditMappingChange[] = "mapping_change";
inline constexpr char kAuditUserChange[] = "user_change";  // users, roles, scopes, grants
inline constexpr char kAuditTokenIssue[] = "token_issue";  // a department API token
inline constexpr char kAuditTokenRevoke[] = "token_revoke";
inline constexpr char kAuditDenied[] = "denied";  // a 401 or 403 answer
// Table requests (service/src/requests/): a department files one; an admin reviews the draft,
// then approves (publishes, and grants when it may) or declines it; a security_admin confirms
// the grant of an approval that waits for it. Object "request/<id>".
inline constexpr char kAuditRequestFile[] = "request_file";
inline constexpr char kAuditRequestReview[] = "request_review";  // review started, draft saved
inline constexpr char kAuditRequestApprove[] = "request_approve";
inline constexpr char kAuditRequestDecline[] = "request_decline";
inline constexpr char kAuditRequestGrant[] = "request_grant";  // security_admin gave the grant
inline constexpr char kAuditRequestDelivery[] = "request_delivery";  // delivery saved from it
// Transfer requests (http/transfer_handlers.h): a worker asks to move a person in from another
// grid; that grid's worker or community admin approves (the person moves) or declines it.
// Object "transfer/<id>".
inline constexpr char kAuditTransferRequest[] = "transfer_request";
inline constexpr char kAuditTransferApprove[] = "transfer_approve";
inline constexpr char kAuditTransferDecline[] = "transfer_decline";
inline constexpr char kAuditDeliveryRun[] = "delivery_run";        // a delivery run (push)
inline constexpr char kAuditDeliveryChange[] = "delivery_change";  // pause, resume, retry
inline constexpr char kAuditRead[] = "read";      // a person's page (or another row) was read
inline constexpr char kAuditSearch[] = "search";  // a list or search of persons
inline constexpr char kAuditReveal[] = "reveal";  // "show in full": a masked ID number or phone
inline constexpr char kAuditExport[] = "audit_export";  // the audit log exported
inline constexpr char kAuditVerify[] = "audit_verify";  // the chain checked
inline constexpr char kAuditPurge[] = "audit_purge";    // retention: old records removed
inline constexpr char kAuditKeyRotate[] = "key_rotate";  // data keys: values re-encrypted

// Results (AuditEntry::result).
inline constexpr char kAuditOk[] = "ok";
inline constexpr char kAuditFailed[] = "failed";   // tried and did not happen (bad password...)
inline constexpr char kAuditRefused[] = "denied";  // not allowed

// The role recorded for the operator at a terminal (the CLI has the store's full rights).
inline constexpr char kAuditRoleOperator[] = "operator";
// CLI users are recorded as "cli:<login name>".
inline constexpr char kCliUserPrefix[] = "cli:";

// Who performs an audited action.
struct Actor {
  std::string user;         // account name; "" when unknown (a failed login of no account)
  std::string role;         // the account's role, or kAuditRoleOperator
  std::string source_addr;  // client address; "local" for the CLI
  std::string request_id;   // ties the record to a log line
};

// The operator running this process at a terminal.
Actor CliActor();

// The record as it will be stored: object and detail scrubbed (see above).
AuditEntry AuditRecord(const Actor& actor, std::string_view action, std::string_view object,
                       std::string_view result, std::string_view detail = {});

// Appends AuditRecord(...) to `store`.
Status AppendAudit(AuditStore& store, const Actor& actor, std::string_view action,
                   std::string_view object, std::string_view result, std::string_view detail = {});

// `text` with phone-shaped and ID-number-shaped digit runs and onetable tokens replaced by
// "[redacted]" (see above); control characters become spaces.
std::string ScrubAuditText(std::string_view text);

}  // namespace onetable

#endif  // ONETABLE_AUDIT_AUDIT_LOG_H_
