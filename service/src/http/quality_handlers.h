// The data-quality view: per grid the caller may see, how complete the key fields of its active
// persons are, how many ID numbers are invalid or contradict the stored birth date or sex, and
// how many review items are still open.
//
//   GET /api/v1/quality?fields=name,id_number,phone   (signed in, kReadRegister)
//   {"fields": [{"key", "label"}],
//    "grids": [{"id", "code", "name", "community", "persons",
//               "filled": {"<key>": count, ...},      // persons with a value in the field
//               "invalid_ids": n,                     // present but failing GB 11643
//               "id_conflicts": n,                    // valid, but birth date or sex disagree
//               "open_reviews": n}],                  // open review items about its persons
//    "totals": {same counts over every grid listed}}
//
// `fields` are person fields of the catalog (default: the person fields the catalog marks
// required, plus its ID-number field); an unknown key, a derived field or one the caller may not
// see unmasked is 400 naming it. Grids come in the order of their ids; a grid without active
// persons is not listed. Counts only: no personal value leaves the server.
//
// Cost: one streaming Store::Scan over the caller's persons plus one pass over the open review
// items; nothing is held per person but its id (to place review items in their grid).
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
