// Table requests on the API (requests/table_requests.h is the use case; these only parse,
// call it and render). A request's JSON is its id, status and status_label (已提交 / 草稿已生成 /
// 审核中 / 待授权 / 已通过 / 已退回), requester, requester_label, title, purpose, legal_basis, as_of,
// scope, frequency (+ frequency_label), contact, template {name, size, sha256}, mapping_id,
// savings {data_rows, cells, register_cells}, counts {columns, register, identifier, sensitive,
// blank, number}, sensitive_columns (masked by default: identifier and sensitive columns),
// row_selectors, approved_columns, approved_scope, approved_grants (and approved_grant_labels,
// one each), reviewer, granter, reason,
// created_at, updated_at, version; one request also has steps [{status, label, at, role,
// role_label, by, reason}] (its step history, oldest first: requests/request_steps.h), columns
// [{header, value, fill (register | identifier | sensitive | blank | number), needs}], and for
// admins the draft's yaml and its problems.
// Answers for one request carry ETag: "<version>"; review steps need If-Match with it.
//
//   POST /api/v1/requests                     department accounts. Body {title, purpose,
//        legal_basis, as_of, scope, frequency, contact, template_name, template_base64}
//        → 201 with the request, its draft made at once (status drafted). 400 naming the field.
//   GET  /api/v1/requests?before=ID&limit=    newest first: a department's own, or (admin,
//        security_admin) all
//        → {"items": [...], "next_before"}
//   GET  /api/v1/requests/{id}                404 for another department's request
//   POST /api/v1/requests/{id}/review         admin: take it up → in_review
//   PUT  /api/v1/requests/{id}/draft          admin: body the edited draft YAML; 422 with one
//        detail per problem ("draft.yaml:line:col: message") when it does not check
//   POST /api/v1/requests/{id}/approve        admin: body {columns: [headers to keep],
//        unmasked: [masked-by-default headers granted in full], scope: [community codes], note}
//        → publishes the mapping narrowed to those columns and scope; awaiting_grant (or, when
//        the approver holds manage_users, approved with the grants given); 400 naming columns,
//        unmasked or scope; 409 when a mapping with the draft's id exists or the request is
//        already decided
//   POST /api/v1/requests/{id}/grant          security_admin: gives the recorded grants →
//        approved; 409 unless awaiting_grant
//   POST /api/v1/requests/{id}/decline        body {reason}: admin while under review,
//        security_admin while awaiting_grant
//   GET  /api/v1/requests/{id}/delivery       admin: the delivery draft of a monthly / on-change
//        request once approved → {id, path, saved, yaml, notes}; 409 otherwise
//   POST /api/v1/requests/{id}/delivery       admin: body {yaml} → 201 {path}; 422 with the
//        "file:line:col" problems of the same check as `onetable check`; 409 when it exists
//
// Thread-safety: the handlers keep no state.
#ifndef ONETABLE_HTTP_REQUEST_HANDLERS_H_
#define ONETABLE_HTTP_REQUEST_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterRequestRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_REQUEST_HANDLERS_H_
