// How the register's rows, tags, provenance and memberships look in API answers, with the access
// policy's masking applied in one place.
//
// A row of any kind:
//   {"id": 42, "type": "person", "parent_id": 7 | null, "version": 3, "status": "active",
//    "fields": {"name": "张三", "religion": "***", "id_number": "420***********1234", ...},
//    "masked": ["religion"], "concealed": ["id_number"]}
// `fields` holds the stored catalog fields that have a value, in catalog order. A field the
// caller may not see (AccessPolicy::SeesField) is always written as "***" — whether or not it
// has a value, so masking does not tell NULL from a value — and listed in `masked`. An ID
// number or phone the caller may see (access.h IsIdentifier) is still masked partially and
// listed in `concealed` unless the answer is a "show in full" (`reveal`, audited by the caller).
// Single-row answers carry ETag: "<version>".
//
// Tags the caller may not see (AccessPolicy::SeesTag) are left out entirely: for a special
// population the tag's presence is itself the sensitive fact (being 低保对象), so showing the
// key with masked attributes would leak it.
//
// Thread-safety: plain functions.
#ifndef ONETABLE_HTTP_REGISTER_JSON_H_
#define ONETABLE_HTTP_REGISTER_JSON_H_

#include <string>
#include <vector>

#include "access/access.h"
#include "http/json_writer.h"
#include "http/register_request.h"
#include "http/router.h"
#include "http/service_context.h"
#include "store/store.h"

namespace onetable {

void WriteRow(JsonWriter& w, const ServiceContext& service, const Principal& who, EntityKind kind,
              const Row& row, bool reveal = false);

// False (with a 403 naming each field in `error`) when `input` sets or clears a field the caller
// may not see: a masked value is read-only for them, or they could overwrite what they cannot
// read.
bool CheckWritableFields(const ServiceContext& service, const Principal& who, EntityKind kind,
                         const FieldInput& input, HttpResponse* error);

// One row as the whole answer, with its ETag; `http_status` 200 or 201.
HttpResponse RowResponse(const ServiceContext& service, const Principal& who, EntityKind kind,
                         const Row& row, int http_status = 200, bool reveal = false);

// {"items": [rows...], "next_after": id | null}.
HttpResponse RowListResponse(const ServiceContext& service, const Principal& who, EntityKind kind,
                             const std::vector<Row>& rows, bool more);

// 412 conflict for a stale If-Match: the error body plus "current" (the row as it is now) and
// the current ETag, so a client can show both versions and retry.
HttpResponse StaleResponse(const ServiceContext& service, const Principal& who, EntityKind kind,
                           const Row& current);

// {"id", "tag", "label", "attrs": {...}, "valid_from", "valid_to", "source", "version"}.
// Attributes are written in the tag definition's order; the caller has checked SeesTag.
void WriteTag(JsonWriter& w, const TagAssignment& tag, const TagDef* def);
HttpResponse TagResponse(const TagAssignment& tag, const TagDef* def, int http_status = 200);

// {"field", "label", "value" (masked when `visible` is false), "source", "actor",
//  "observed_at", "pinned"}.
void WriteObservation(JsonWriter& w, const FieldObservation& obs, const FieldDef* field,
                      bool visible);

// {"parent_id", "relationship", "valid_from", "valid_to" | null, "actor"}.
void WriteMembership(JsonWriter& w, const Membership& m);

// "next_after": the last id when there is a further page, else null.
void WriteNextAfter(JsonWriter& w, int64_t last_id, bool more);
// The same for lists keyed by a text id (connectors, mappings, users).
void WriteNextAfter(JsonWriter& w, const std::string& last_id, bool more);

}  // namespace onetable

#endif  // ONETABLE_HTTP_REGISTER_JSON_H_
