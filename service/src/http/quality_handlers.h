// GET /api/v1/quality (signed in, kReadRegister): the data-quality report of
// register/quality_report.h for the caller, as JSON:
//   {"fields": [{"key", "label"}],
//    "grids": [{"id", "code", "name", "community", "persons", "filled": {"<key>": count, ...},
//               "invalid_ids", "id_conflicts", "open_reviews"}],
//    "totals": {same counts over every grid listed}}
// ?fields=name,id_number,phone chooses the fields; a bad one is 400 naming it.
//
// Thread-safety: stateless; uses the store of the request's context.
#ifndef ONETABLE_HTTP_QUALITY_HANDLERS_H_
#define ONETABLE_HTTP_QUALITY_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterQualityRoutes(Router* router, const ServiceContext& service);

HttpResponse HandleQuality(const RequestContext& context, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_QUALITY_HANDLERS_H_
