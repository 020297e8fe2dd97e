// The register's rows over REST: communities, grids, buildings, households and persons, each
// with the same five routes (PLURAL = communities | grids | buildings | households | persons):
//
//   GET    /api/v1/PLURAL?parent_id=&status=&after=&limit=
//          the rows the caller may see, by id; parent_id: only children of that row (which the
//          caller must see); status: active (default) | moved_away | deceased | all
//          → {"items": [row...], "next_after": id | null}
//          households?parent_id=BUILDING&summary=1: each with its head, members and tags, a
//          total and paging by position (household_summary.h)
//   POST   /api/v1/PLURAL      {"parent_id": ID, "status": "...", "fields": {key: value}}
//          → 201 row, Location and ETag; 422 with one detail per bad field. A household with
//          no value at all is 422. For persons: one 户主 per household (household_head.h);
//          an ID number already registered is 409 saying where (person_duplicates.h), and a
//          new person with a registered one's name and birth date opens a review item
//   GET    /api/v1/PLURAL/{id} → row with ETag
//   PUT    /api/v1/PLURAL/{id} If-Match: "<version>"   {"fields": {...}, "status": "..."}
//          fields named are set (null clears), others keep their values; the parent is changed
//          by the move route (person_handlers.h), not here. → row with the new ETag;
//          412 (with "current") when stale; 428 without If-Match
//   DELETE /api/v1/PLURAL/{id} If-Match
//          persons are never deleted: ?status=moved_away|deceased marks them (→ 200 row);
//          other rows are deleted (→ 204) unless rows below them remain (409)
//
// The row shape and masking: register_json.h. Validation and provenance: register_write.h.
// Access: kReadRegister to read, kWriteRegister to write, and AccessPolicy::RequireRow /
// RequireParent for the rows themselves (out of scope answers 404, like a missing row). Writes
// are audited (action "write", object "person/42", detail naming the fields, never values).
//
// Thread-safety: the handlers keep no state.
#ifndef ONETABLE_HTTP_REGISTER_HANDLERS_H_
#define ONETABLE_HTTP_REGISTER_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterRegisterRoutes(Router* router, const ServiceContext& service);

// The plural used in paths for the five kinds above ("persons"); nullptr for others.
const char* PluralOf(EntityKind kind);

// For the person routes that reuse them.
HttpResponse NoStoreResponse();

// How every If-Match write to one row by its {id} starts: the caller (kWriteRegister), the id
// and the expected version, checked in that order. False with `*error` set when one fails.
struct RowWrite {
  const Principal* who = nullptr;
  int64_t id = 0;
  int64_t expected = 0;
};
bool StartRowWrite(const RequestContext& ctx, const ServiceContext& service, RowWrite* out,
                   HttpResponse* error);
// Audits a write by the caller; on failure to audit, the error response to send instead.
bool AuditWrite(const RequestContext& ctx, EntityKind kind, int64_t id, const std::string& detail,
                bool ok, HttpResponse* error);

}  // namespace onetable

#endif  // ONETABLE_HTTP_REGISTER_HANDLERS_H_
