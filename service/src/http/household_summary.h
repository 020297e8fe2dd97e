// GET /api/v1/households?parent_id=BUILDING&summary=1: a building's households as a worker looks
// for a family — each row (register_json.h, masked as for the caller) with its summary: active
// members, the head's id and name (the name only when the caller sees names), and the special-
// population tags its members hold today among those the caller may see (AccessPolicy::SeesTag),
// each with how many members hold it.
//
//   → {"items": [row...], "summaries": {"<id>": {members, head_id?, head_name?, tags: [{tag,
//      label, members}]}}, "next_after": N | null, "total": N}
//
// Paging is by position (after=N skips N households, so a page can be jumped to); `total`
// counts the building's households of the status asked for (active by default). The building
// must be in the caller's scope (else 404 like a missing one).
//
// Thread-safety: the handler keeps no state.
#ifndef ONETABLE_HTTP_HOUSEHOLD_SUMMARY_H_
#define ONETABLE_HTTP_HOUSEHOLD_SUMMARY_H_

#include <string>

#include "access/visible_rows.h"
#include "http/router.h"
#include "http/service_context.h"

namespace onetable {

HttpResponse HouseholdSummaryList(const RequestContext& ctx, const ServiceContext& service,
                                  const Principal& who, const RowFilter& filter, const Page& page);

}  // namespace onetable

#endif  // ONETABLE_HTTP_HOUSEHOLD_SUMMARY_H_
