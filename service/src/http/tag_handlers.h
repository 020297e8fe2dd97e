// Special-population tags of a person (低保, 残疾, 高龄 …), each with typed attributes and a
// validity period (DESIGN.md §3).
//
//   GET    /api/v1/persons/{id}/tags                 the person's tags the caller may see
//   POST   /api/v1/persons/{id}/tags                 {"tag": "dibao", "attrs": {...},
//                                                     "valid_from": "YYYY-MM-DD", "valid_to": ...}
//          → 201 tag with ETag
//   PUT    /api/v1/persons/{id}/tags/{tag_id}        If-Match: the tag's ETag
//          {"attrs": {...}, "valid_from", "valid_to"}: attributes named are set (null clears),
//          others keep their values → tag with the new ETag; 412 with "current" when stale
//   DELETE /api/v1/persons/{id}/tags/{tag_id}        If-Match → 204
// A tag: {"id", "person_id", "tag", "label", "attrs", "valid_from", "valid_to", "source",
// "version"}. Attributes are validated against the tag's definition in the catalog
// (Validator::NormalizeField): unknown attributes, bad values and missing required ones are one
// 422 detail each ("attrs.amount"). Manual tags have source "manual:<user>".
//
// Access: the person must be in the caller's scope (RequireRow), kReadRegister / kWriteRegister;
// a tag the caller may not see (AccessPolicy::SeesTag) is left out of lists, answers 404, and
// cannot be added. Writes are audited with object "tag/<id>" and no tag key or values (which
// tag a person has is itself the sensitive fact).
//
// Thread-safety: the handlers keep no state.
#ifndef ONETABLE_HTTP_TAG_HANDLERS_H_
#define ONETABLE_HTTP_TAG_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterTagRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_TAG_HANDLERS_H_
