// Table requests (issue 20): the one way for a department to ask for a new table by sending its
// blank template, and for an admin to review, approve or decline it. The API (http/
// request_handlers.h) and the web UI go through here; nothing else writes a request.
//
//   File        a department account files: the form is checked (request_form.h), the template
//               read by the one template reader (hostile files are its business: size-limited
//               here, zip limits there), the draft mapping made at once (request_draft.h) and
//               the entry-savings figure computed on the register for that account → drafted.
//               The row, its draft and the audit record are one transaction: never a request
//               left at submitted without its draft.
//   SaveDraft   an admin saves the draft edited in the mapping editor; it must check exactly as
//               a saved mapping does → in_review.
//   StartReview an admin takes the request up → in_review.
//   Approve     an admin approves (Approval): the columns to keep, which of them — the ones
//               masked by default: ID numbers, phones, sensitive data — the department gets in
//               full, and the scope (community codes; never wider than the requesting account's
//               own scope, and each a community of the register). The draft narrowed to those
//               columns and that scope (its where clause) is checked, published atomically as
//               <mappings_dir>/<id>.yaml (never over an existing file) and read back. The grants
//               it implies (request_draft.h GrantsFor: the table, with column grants for the
//               approved identifier columns, sensitive:<key> for approved sensitive data and for
//               sensitive data the rows are chosen, ordered or grouped by) are recorded on the
//               request.
//   Grant       separated duties (三权分立): grants are a security administrator's. When the
//               approver holds kManageUsers the grants are given in Approve, in the same
//               transaction as the new status → approved. Otherwise (an admin: the usual case)
//               Approve leaves the request awaiting_grant, and Grant — by a holder of
//               kManageUsers — gives exactly the recorded grants (UserAccounts, the one way to
//               change grants), in one transaction with → approved. Until then the published
//               table exists but the department cannot run it.
//   Decline     an admin declines a request under review with a reason, or a security
//               administrator one awaiting its grant → declined; nothing is granted (a table
//               already published stays, ungranted).
//   DeliveryDraft / SaveDelivery  a monthly or on-change request, once approved (or awaiting
//               its grant), offers a delivery (service/src/delivery/) of its table for the
//               requesting account (request_delivery.h); an admin (kManageConnectors) saves it
//               into the deliveries directory after the same check as `onetable check`.
// Every step is audited (request_file, request_review, request_approve, request_grant,
// request_decline, request_delivery; object "request/<id>"; publishing also as mapping_change,
// the grant as user_change, a saved delivery as delivery_change), never with the content of
// the request's texts; a step's record is written in the transaction of its new state, which is
// what lets request_steps.h derive the step history the department reads from them.
//
// Who: File is for department accounts only; List and Get show a department its own requests,
// and an admin or security_admin all of them; another department's request is kNotFound,
// exactly like a missing one. Review steps need kManageMappings (admin); Grant kManageUsers.
// Other roles: kPermissionDenied.
//
// Errors: kInvalidArgument (a field of the form, or the draft's "file:line:col: message" lines;
// `field` names the field when there is one), kNotFound, kPermissionDenied, kConflict (stale
// version), kFailedPrecondition (the request is not in the state the step needs), kAlreadyExists
// (a mapping or delivery with that id exists), store errors as they are.
//
// Thread-safety: stateless over the Store given, apart from a process-wide lock that keeps two
// approvals from publishing the same file at once.
#ifndef ONETABLE_REQUESTS_TABLE_REQUESTS_H_
#define ONETABLE_REQUESTS_TABLE_REQUESTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "access/access.h"
#include "app/context.h"
#include "audit/audit_log.h"
#include "onetable/status.h"
#include "requests/request_draft.h"
#include "requests/request_form.h"
#include "requests/request_steps.h"
#include "store/store.h"

namespace onetable::requests {

// A request as shown: the record, who asked, and how its draft fills for them.
struct RequestView {
  TableRequestRecord record;
  std::string requester_label;  // the account's display name (or name)
  DraftPlan plan;               // empty when the draft does not check
  std::string problems;         // the draft's problems ("file:line:col: …" lines), if any
  std::vector<std::string> grant_labels;  // GrantLabels of the approved grants, if any
  std::vector<RequestStep> steps;  // the step history (request_steps.h); View leaves it empty
};

// What an admin approves (see the top of this file).
struct Approval {
  std::vector<std::string> columns;   // headers to keep (empty: every column of the draft)
  std::vector<std::string> unmasked;  // of those, the masked-by-default ones granted in full
  std::vector<std::string> scope;     // community codes (empty: the account's own scope)
  std::string note;
};

class TableRequests {
 public:
  // `app` must outlive this.
  explicit TableRequests(const AppContext& app) : app_(app) {}

  Result<TableRequestRecord> File(Store& store, const Actor& actor, const Principal& who,
                                  RequestForm form, std::string* field) const;
  // Newest first, id < before_id (0: from the newest), at most `limit`.
  Result<std::vector<TableRequestRecord>> List(Store& store, const Principal& who,
                                               int64_t before_id, int limit) const;
  Result<TableRequestRecord> Get(Store& store, const Principal& who, int64_t id) const;
  // The view of `record` (it must come from List or Get).
  Result<RequestView> View(Store& store, const TableRequestRecord& record) const;

  Result<TableRequestRecord> StartReview(Store& store, const Actor& actor, const Principal& who,
                                         int64_t id, int64_t version) const;
  Result<TableRequestRecord> SaveDraft(Store& store, const Actor& actor, const Principal& who,
                                       int64_t id, int64_t version, const std::string& yaml) const;
  // `field` (when not null) names the part of `approval` at fault on kInvalidArgument
  // (columns, unmasked, scope, note; empty for the draft's own problems).
  Result<TableRequestRecord> Approve(Store& store, const Actor& actor, const Principal& who,
                                     int64_t id, int64_t version, Approval approval,
                                     std::string* field) const;
  Result<TableRequestRecord> Grant(Store& store, const Actor& actor, const Principal& who,
                                   int64_t id, int64_t version) const;
  Result<TableRequestRecord> Decline(Store& store, const Actor& actor, const Principal& who,
                                     int64_t id, int64_t version, const std::string& reason) const;

 private:
  Status RequireReviewer(const Principal& who) const;
  // The record, under review, at `version`.
  Result<TableRequestRecord> ForReview(Store& store, int64_t id, int64_t version) const;
  // Sets the draft's savings figure for the requesting account (zeros when it cannot run).
  void ComputeSavings(Store& store, const Principal& requester, const mapping::MappingSpec& spec,
                      TableRequestRecord* record) const;
  Result<Principal> RequesterOf(Store& store, const TableRequestRecord& record) const;
  // Gives `record`'s approved grants to its requester and stores it as approved, in one
  // transaction; `record` is updated.
  Status GiveGrants(Store& store, const Actor& actor, const Principal& who,
                    TableRequestRecord* record) const;

  const AppContext& app_;
};

}  // namespace onetable::requests

#endif  // ONETABLE_REQUESTS_TABLE_REQUESTS_H_
