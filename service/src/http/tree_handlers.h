// Read-only views of the register's tree, and the health check. The views are aggregate: ids,
// counts, and of the descriptive fields below only those the catalog marks `sensitivity:
// public` (a field marked personal or sensitive is left out of the item, not sent as null).
// Never a person's value (name, ID number, phone), and never a grid worker's or a landlord's.
// With today's schema/fields.yaml that means places' code and name and buildings' name and
// address are shown; households' household_number and room are personal and are withheld
// (the person and household resources show them to those who may see them).
//
// Every view but /healthz needs a caller with Permission::kReadRegister (401/403 otherwise) and
// shows only the caller's scope (AccessPolicy::Visible / RequireRow): a grid worker's tree holds
// its grids and the community, street and district above them, with counts of those grids only;
// a grid or building outside the scope is 404 like a missing one.
//
//   GET /healthz                       {"status":"ok"} when the store answers SchemaVersion;
//                                      503 with an error body otherwise.
//   GET /api/v1/tree                   {"districts":[{id, code, name, counts, "streets":[{...,
//                                      "communities":[{..., "grids":[{id, code, name,
//                                      counts}]}]}]}]} counts = {buildings, households, persons} (a
//                                      parent's are the sums of its grids').
//   GET /api/v1/grids/{id}/buildings   ?after=ID&limit=N (default 50, at most 500)
//                                      {"items":[{id, name, address, households, persons}],
//                                       "next_after": ID or null}
//   GET /api/v1/buildings/{id}/households
//                                      same paging; items {id, household_number, room, members}
// Invalid ids or paging parameters are 400 with a detail naming the parameter; an unknown grid
// or building is 404.
//
// Counts and lists include only rows with status "active" (a person who moved away or died is
// not counted). Paging is keyset on id: pass the previous page's next_after as `after`; null
// means there is no further page. Counting persons costs one Count per household (and a List of
// each building's households); no person row is loaded.
//
// Thread-safety: the handlers keep no state; each call uses only the store in its context.
#ifndef ONETABLE_HTTP_TREE_HANDLERS_H_
#define ONETABLE_HTTP_TREE_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "model/catalog.h"
#include "onetable/status.h"

namespace onetable {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// Adds the routes above to `router`. `service` must outlive it.
Status RegisterTreeRoutes(Router* router, const ServiceContext& service);

HttpResponse HandleHealthz(const RequestContext& context);
HttpResponse HandleTree(const RequestContext& context, const ServiceContext& service);
HttpResponse HandleGridBuildings(const RequestContext& context, const ServiceContext& service);
HttpResponse HandleBuildingHouseholds(const RequestContext& context, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_TREE_HANDLERS_H_
