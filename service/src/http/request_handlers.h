// Table requests on the API (requests/table_requests.h is the use case; these only parse,
// call it and render). A request's JSON is its id, status and status_label (已提交 / 草稿已生成 /
// 审核中 / 已通过 / 已退回), requester, requester_label, title, purpose, legal_basis, as_of,
// scope, frequency (+ frequency_label), contact, template {name, size, sha256}, mapping_id,
// savings {data_rows, cells, register_cells}, counts {columns, register, sensitive, blank,
// number}, sensitive_columns, row_selectors, approved_columns, reviewer, reason, created_at,
// updated_at, version; one request also has columns [{header, value, fill (register |
// sensitive | blank | number), needs}], and for admins the draft's yaml and its problems.
// Answers for one request carry ETag: "<version>"; review steps need If-Match with it.
//
//   POST /api/v1/requests                     department accounts. Body {title, purpose,
//        legal_basis, as_of, scope, frequency, contact, template_name, template_base64}
//        → 201 with the request, its draft made at once (status drafted). 400 naming the field.
//   GET  /api/v1/requests?before=ID&limit=    newest first: a department's own, or (admin) all
//        → {"items": [...], "next_before"}
//   GET  /api/v1/requests/{id}                404 for another department's request
//   POST /api/v1/requests/{id}/review         admin: take it up → in_review
//   PUT  /api/v1/requests/{id}/draft          admin: body the edited draft YAML; 422 with one
//        detail per problem ("draft.yaml:line:col: message") when it does not check
//   POST /api/v1/requests/{id}/approve        admin: body {columns: [headers to keep], note}
//        → publishes the mapping and grants it to the requester; 409 when a mapping with the
//        draft's id exists or the request is already decided
//   POST /api/v1/requests/{id}/decline        admin: body {reason}
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
