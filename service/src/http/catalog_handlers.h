// The field catalog as the web UI needs it to build entry forms: every field with its label,
// type, code table, limits and whether the caller sees it unmasked, the special-population tags
// with their attributes, and the code tables the fields and attributes use.
//
//   GET /api/v1/catalog   (signed in, kReadRegister: not for departments, which have no row API)
//   {"entities": [{"key": "person", "label": "人员"}, ...],
//    "fields": [{entity, key, label, module, aliases, type, codes, max_length, pattern,
//                sensitivity, required, derived, doc, visible}],
//    "tags": [{key, label, department, module, sensitivity, visible,
//              "attributes": [{key, label, type, codes, max_length, pattern, required, doc}]}],
//    "codes": {"gb2261.1-gender": [{"code": "1", "label": "男性", "short": "男"}, ...], ...}}
//    ("short" only where the table gives the form's short name)
//
// `visible` is AccessPolicy::SeesField/SeesTag for the caller: a form shows a field the caller
// may not see as masked and read-only. Only code tables referenced by a field or an attribute
// are sent. The catalog holds no personal data, so the answer is the same for every caller of a
// role and grant set.
//
// Thread-safety: stateless; the catalog and policy are immutable.
#ifndef ONETABLE_HTTP_CATALOG_HANDLERS_H_
#define ONETABLE_HTTP_CATALOG_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterCatalogRoutes(Router* router, const ServiceContext& service);

HttpResponse HandleCatalog(const RequestContext& context, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_CATALOG_HANDLERS_H_
