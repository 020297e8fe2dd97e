#include "http/tree_handlers.h"

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "access/access.h"
#include "http/json_writer.h"
#include "http/register_json.h"
#include "model/catalog_keys.h"
#include "model/entity.h"
#include "store/store.h"

namespace onetable {
namespace {

// Page size used when walking all children of a row internally.
constexpr int kWalkPage = 500;
// Largest `after` accepted: ids are positive int64, and 18 digits is what IntQueryParam reads.
constexpr int64_t kMaxAfter = 999999999999999999;

struct Counts {
  int64_t buildings = 0;
  int64_t households = 0;
  int64_t persons = 0;

  Counts& operator+=(const Counts& other) {
    buildings += other.buildings;
    households += other.households;
    persons += other.persons;
    return *this;
  }
};

// One node of the tree view: a district, street, community or grid.
struct Node {
  int64_t id = 0;
  std::map<std::string, std::string> values;  // only the fields the view may show
  Counts counts;
  std::vector<Node> children;
};

// Writes "key": value (null when NULL) when the catalog marks `key` of `kind` public; nothing
// otherwise, so a field reclassified as personal disappears from these unauthenticated views.
void WritePublicField(JsonWriter& w, const Catalog& catalog, EntityKind kind,
                      const std::map<std::string, std::string>& values, const std::string& key) {
  const FieldDef* field = catalog.Find(kind, key);
  if (field == nullptr || field->sensitivity != Sensitivity::kPublic) return;
  auto it = values.find(key);
  w.Key(key).StringOrNull(it == values.end() ? nullptr : &it->second);
}

// Descriptive fields the views may show, by kind (each only if public in the catalog).
const std::vector<std::string>& ShownFields(EntityKind kind) {
  static const auto* const kPlace = new std::vector<std::string>{keys::kCode, keys::kName};
  static const auto* const kBuilding = new std::vector<std::string>{keys::kName, keys::kAddress};
  static const auto* const kHousehold =
      new std::vector<std::string>{keys::kHouseholdNumber, keys::kRoom};
  static const auto* const kNone = new std::vector<std::string>();
  switch (kind) {
    case EntityKind::kDistrict:
    case EntityKind::kStreet:
    case EntityKind::kCommunity:
    case EntityKind::kGrid:
      return *kPlace;
    case EntityKind::kBuilding:
      return *kBuilding;
    case EntityKind::kHousehold:
      return *kHousehold;
    default:
      return *kNone;
  }
}

void WriteShownFields(JsonWriter& w, const Catalog& catalog, EntityKind kind,
                      const std::map<std::string, std::string>& values) {
  for (const std::string& key : ShownFields(kind)) {
    WritePublicField(w, catalog, kind, values, key);
  }
}

// Calls `fn` for every active child of `parent_id` of `kind`, in id order, a page at a time.
Status ForEachChild(Store& store, EntityKind kind, int64_t parent_id,
                    const std::function<Status(const Row&)>& fn) {
  ListQuery query;
  query.parent_id = parent_id;
  query.status = kStatusActive;
  query.limit = kWalkPage;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<Row> rows, store.List(kind, query));
    for (const Row& row : rows) RETURN_IF_ERROR(fn(row));
    if (static_cast<int>(rows.size()) < kWalkPage) return Status::Ok();
    query.after_id = rows.back().id;
  }
}

Result<int64_t> CountActive(Store& store, EntityKind kind, int64_t parent_id) {
  ListQuery query;
  query.parent_id = parent_id;
  query.status = kStatusActive;
  return store.Count(kind, query);
}

// Households and persons of one building.
Status CountBuilding(Store& store, int64_t building_id, Counts* counts) {
  return ForEachChild(store, EntityKind::kHousehold, building_id, [&](const Row& household) {
    ++counts->households;
    ASSIGN_OR_RETURN(int64_t persons, CountActive(store, EntityKind::kPerson, household.id));
    counts->persons += persons;
    return Status::Ok();
  });
}

Status CountGrid(Store& store, int64_t grid_id, Counts* counts) {
  return ForEachChild(store, EntityKind::kBuilding, grid_id, [&](const Row& building) {
    ++counts->buildings;
    return CountBuilding(store, building.id, counts);
  });
}

// Whether a row of `kind` lies in `scope` as far as its own level tells (communities and grids
// are filtered; districts and streets are kept while they hold a visible community).
bool InScope(const RowScope& scope, EntityKind kind, int64_t id) {
  if (kind == EntityKind::kCommunity && scope.community_ids) return scope.community_ids->count(id);
  if (kind == EntityKind::kGrid && scope.grid_ids) return scope.grid_ids->count(id);
  return true;
}

bool Restricted(const RowScope& scope) { return scope.community_ids || scope.grid_ids; }

// Children of `parent` of `kind` down to grids, with counts summed upwards; only what `scope`
// shows, and for a restricted scope no place left without visible children.
Status LoadLevel(Store& store, const RowScope& scope, EntityKind kind, int64_t parent_id,
                 std::vector<Node>* out) {
  return ForEachChild(store, kind, parent_id, [&](const Row& row) {
    if (!InScope(scope, kind, row.id)) return Status::Ok();
    Node node;
    node.id = row.id;
    for (const std::string& key : ShownFields(kind)) {
      if (const std::string* value = row.Get(key)) node.values[key] = *value;
    }
    if (kind == EntityKind::kGrid) {
      RETURN_IF_ERROR(CountGrid(store, row.id, &node.counts));
    } else {
      const EntityKind child = static_cast<EntityKind>(static_cast<int>(kind) + 1);
      RETURN_IF_ERROR(LoadLevel(store, scope, child, row.id, &node.children));
      for (const Node& c : node.children) node.counts += c.counts;
      if (node.children.empty() && Restricted(scope)) return Status::Ok();
    }
    out->push_back(std::move(node));
    return Status::Ok();
  });
}

const char* ChildrenKey(EntityKind kind) {
  switch (kind) {
    case EntityKind::kDistrict:
      return "streets";
    case EntityKind::kStreet:
      return "communities";
    case EntityKind::kCommunity:
      return "grids";
    default:
      return nullptr;
  }
}

void WriteNode(JsonWriter& w, const Catalog& catalog, const Node& node, EntityKind kind) {
  w.StartObject();
  w.Key("id").Int(node.id);
  WriteShownFields(w, catalog, kind, node.values);
  w.Key("counts").StartObject();
  w.Key("buildings").Int(node.counts.buildings);
  w.Key("households").Int(node.counts.households);
  w.Key("persons").Int(node.counts.persons);
  w.EndObject();
  if (const char* key = ChildrenKey(kind)) {
    const EntityKind child = static_cast<EntityKind>(static_cast<int>(kind) + 1);
    w.Key(key).StartArray();
    for (const Node& c : node.children) WriteNode(w, catalog, c, child);
    w.EndArray();
  }
  w.EndObject();
}

HttpResponse NoStore() { return StatusToHttp(Status::Internal("handler called without a store")); }

// A 400 naming the request parameter at fault.
HttpResponse BadParameter(const std::string& name, const Status& status) {
  return StatusToHttp(status, {ErrorDetail{name, "invalid_parameter", status.message()}});
}

// 404 with a message naming the row, or the store's error.
HttpResponse MissingOr(const Status& status, EntityKind kind, int64_t id) {
  if (status.code() == StatusCode::kNotFound) {
    return StatusToHttp(
        Status::NotFound("未找到 id 为 " + std::to_string(id) + " 的" + EntityLabel(kind)));
  }
  return StatusToHttp(status);
}

struct PageParams {
  int64_t after = 0;
  int limit = kDefaultPageSize;
};

// Reads after/limit; on failure fills `error` and returns false.
bool ReadPage(const HttpRequest& request, PageParams* page, HttpResponse* error) {
  Result<int64_t> after = IntQueryParam(request, "after", 0, 0, kMaxAfter);
  if (!after.ok()) {
    *error = BadParameter("after", after.status());
    return false;
  }
  Result<int64_t> limit = IntQueryParam(request, "limit", kDefaultPageSize, 1, kMaxPageSize);
  if (!limit.ok()) {
    *error = BadParameter("limit", limit.status());
    return false;
  }
  page->after = *after;
  page->limit = static_cast<int>(*limit);
  return true;
}

// One page of active children of `parent_id`: fetches one row more than asked to learn whether
// a next page exists, so next_after is null exactly on the last page.
Result<std::vector<Row>> ListPage(Store& store, EntityKind kind, int64_t parent_id,
                                  const PageParams& page, bool* more) {
  ListQuery query;
  query.parent_id = parent_id;
  query.status = kStatusActive;
  query.after_id = page.after;
  query.limit = page.limit + 1;
  ASSIGN_OR_RETURN(std::vector<Row> rows, store.List(kind, query));
  *more = static_cast<int>(rows.size()) > page.limit;
  if (*more) rows.resize(page.limit);
  return rows;
}

// The active children of `parent_id` at positions [offset, offset + limit) in id order (the
// list's page N of a numbered pager), read by keyset in chunks.
Result<std::vector<Row>> RowsAt(Store& store, EntityKind kind, int64_t parent_id, int64_t offset,
                                int limit, bool* more) {
  std::vector<Row> out;
  ListQuery query;
  query.parent_id = parent_id;
  query.status = kStatusActive;
  query.limit = 500;
  int64_t seen = 0;
  *more = false;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<Row> chunk, store.List(kind, query));
    for (Row& row : chunk) {
      if (seen++ < offset) continue;
      if (static_cast<int>(out.size()) == limit) {
        *more = true;
        return out;
      }
      out.push_back(std::move(row));
    }
    if (static_cast<int>(chunk.size()) < query.limit) return out;
    query.after_id = chunk.back().id;
  }
}

}  // namespace

HttpResponse HandleHealthz(const RequestContext& context) {
  if (context.store == nullptr) return NoStore();
  Result<int> version = context.store->SchemaVersion();
  if (!version.ok()) {
    return StatusToHttp(Status::Unavailable("healthz: " + version.status().message()));
  }
  return JsonResponse(R"({"status":"ok"})");
}

HttpResponse HandleTree(const RequestContext& context, const ServiceContext& service) {
  const Catalog& catalog = service.catalog;
  Result<const Principal*> who = Authorize(service, context, Permission::kReadRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  if (context.store == nullptr) return NoStore();
  Result<RowScope> scope = service.policy.Visible(**who, *context.store);
  if (!scope.ok()) return StatusToHttp(scope.status());
  std::vector<Node> districts;
  Status st = LoadLevel(*context.store, *scope, EntityKind::kDistrict, 0, &districts);
  if (!st.ok()) return StatusToHttp(st);

  JsonWriter w;
  w.StartObject().Key("districts").StartArray();
  for (const Node& d : districts) WriteNode(w, catalog, d, EntityKind::kDistrict);
  w.EndArray().EndObject();
  return JsonResponse(w.Take());
}

// One page of the rows directly under `parent` (a grid's buildings, a building's households),
// each written with its id, its shown fields and what `write_counts` adds (the counts below it).
HttpResponse HandleChildPage(
    const RequestContext& context, const ServiceContext& service, EntityKind parent,
    const std::function<Status(Store&, const Row&, JsonWriter&)>& write_counts) {
  const EntityKind child = static_cast<EntityKind>(static_cast<int>(parent) + 1);
  // Parameters first: they need no store, and a bad one is the same 400 for anyone.
  Result<int64_t> parent_id = IdParam(context.params, "id");
  if (!parent_id.ok()) return BadParameter("id", parent_id.status());
  PageParams page;
  HttpResponse error;
  if (!ReadPage(context.request, &page, &error)) return error;
  Result<const Principal*> who = Authorize(service, context, Permission::kReadRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  if (context.store == nullptr) return NoStore();
  Store& store = *context.store;

  Status visible = service.policy.RequireRow(**who, store, parent, *parent_id);
  if (!visible.ok()) return MissingOr(visible, parent, *parent_id);
  ListQuery all;
  all.parent_id = *parent_id;
  all.status = kStatusActive;
  Result<int64_t> total = store.Count(child, all);
  if (!total.ok()) return StatusToHttp(total.status());
  Result<int64_t> offset = IntQueryParam(context.request, "offset", -1, 0, kMaxAfter);
  if (!offset.ok()) return BadParameter("offset", offset.status());
  bool more = false;
  Result<std::vector<Row>> rows = *offset >= 0 ? RowsAt(store, child, *parent_id, *offset, page.limit, &more)
                                               : ListPage(store, child, *parent_id, page, &more);
  if (!rows.ok()) return StatusToHttp(rows.status());

  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  for (const Row& row : *rows) {
    w.StartObject();
    w.Key("id").Int(row.id);
    WriteShownFields(w, service.catalog, child, row.values);
    Status st = write_counts(store, row, w);
    if (!st.ok()) return StatusToHttp(st);
    w.EndObject();
  }
  w.EndArray();
  WriteNextAfter(w, more ? rows->back().id : 0, more);
  w.Key("total").Int(*total);
  w.EndObject();
  return JsonResponse(w.Take());
}

HttpResponse HandleGridBuildings(const RequestContext& context, const ServiceContext& service) {
  return HandleChildPage(context, service, EntityKind::kGrid,
                         [](Store& store, const Row& building, JsonWriter& w) {
                           Counts counts;
                           RETURN_IF_ERROR(CountBuilding(store, building.id, &counts));
                           w.Key("households").Int(counts.households);
                           w.Key("persons").Int(counts.persons);
                           return Status::Ok();
                         });
}

HttpResponse HandleBuildingHouseholds(const RequestContext& context,
                                      const ServiceContext& service) {
  return HandleChildPage(context, service, EntityKind::kBuilding,
                         [](Store& store, const Row& household, JsonWriter& w) {
                           ASSIGN_OR_RETURN(int64_t members,
                                            CountActive(store, EntityKind::kPerson, household.id));
                           w.Key("members").Int(members);
                           return Status::Ok();
                         });
}

Status RegisterTreeRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  RouteDoc health{"健康检查：登记库可用时返回 ok"};
  health.is_public = true;
  RETURN_IF_ERROR(router->Add("GET", "/healthz", health, HandleHealthz));
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/tree",
                              RouteDoc{"辖区树：区县、街道、社区、网格及各级楼栋、户、人数"},
                              [s](const RequestContext& ctx) { return HandleTree(ctx, *s); }));
  RouteDoc page;
  page.query = {{"after", "integer", "上一页的 next_after"},
                {"offset", "integer", "按位置翻页：跳过的条数（与 after 二选一）"},
                {"limit", "integer", "每页条数，1–500，默认 50"}};
  page.summary = "网格内的楼栋（分页）";
  RETURN_IF_ERROR(
      router->Add("GET", "/api/v1/grids/{id}/buildings", page,
                  [s](const RequestContext& ctx) { return HandleGridBuildings(ctx, *s); }));
  page.summary = "楼栋内的户（分页）";
  RETURN_IF_ERROR(
      router->Add("GET", "/api/v1/buildings/{id}/households", page,
                  [s](const RequestContext& ctx) { return HandleBuildingHouseholds(ctx, *s); }));
  return Status::Ok();
}

}  // namespace onetable
