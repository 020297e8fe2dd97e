#include "http/account_choices.h"

#include <map>
#include <string>
#include <vector>

#include "access/access.h"
#include "http/json_writer.h"
#include "mapping/table_access.h"
#include "model/catalog_keys.h"
#include "store/store.h"

namespace onetable {
namespace {

// Every row of `kind` under `parent_id`, in id order.
Result<std::vector<Row>> Children(Store& store, EntityKind kind, int64_t parent_id) {
  std::vector<Row> out;
  ListQuery query;
  query.parent_id = parent_id;
  query.limit = 500;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<Row> page, store.List(kind, query));
    for (Row& row : page) out.push_back(std::move(row));
    if (static_cast<int>(page.size()) < query.limit) return out;
    query.after_id = out.back().id;
  }
}

std::string ValueOf(const Row& row, const char* key) {
  const std::string* v = row.Get(key);
  return v ? *v : "";
}

Status WriteCommunities(Store& store, JsonWriter& w) {
  // Grid codes are unique only within a community: count them to know which need qualifying.
  struct Grid {
    std::string code, name;
  };
  struct Community {
    std::string code, name, street, district;
    std::vector<Grid> grids;
  };
  std::vector<Community> communities;
  std::map<std::string, int> grid_codes;
  ASSIGN_OR_RETURN(std::vector<Row> districts, Children(store, EntityKind::kDistrict, 0));
  for (const Row& d : districts) {
    ASSIGN_OR_RETURN(std::vector<Row> streets, Children(store, EntityKind::kStreet, d.id));
    for (const Row& s : streets) {
      ASSIGN_OR_RETURN(std::vector<Row> cs, Children(store, EntityKind::kCommunity, s.id));
      for (const Row& c : cs) {
        Community community;
        community.code = ValueOf(c, keys::kCode);
        community.name = ValueOf(c, keys::kName);
        community.street = ValueOf(s, keys::kName);
        community.district = ValueOf(d, keys::kName);
        ASSIGN_OR_RETURN(std::vector<Row> grids, Children(store, EntityKind::kGrid, c.id));
        for (const Row& g : grids) {
          community.grids.push_back({ValueOf(g, keys::kCode), ValueOf(g, keys::kName)});
          ++grid_codes[community.grids.back().code];
        }
        communities.push_back(std::move(community));
      }
    }
  }
  w.Key("communities").StartArray();
  for (const Community& c : communities) {
    w.StartObject();
    w.Key("code").String(c.code);
    w.Key("name").String(c.name);
    w.Key("street").String(c.street);
    w.Key("district").String(c.district);
    w.Key("grids").StartArray();
    for (const Grid& g : c.grids) {
      w.StartObject();
      w.Key("code").String(g.code);
      w.Key("name").String(g.name);
      w.Key("scope").String(grid_codes[g.code] == 1 ? g.code : c.code + "/" + g.code);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  return Status::Ok();
}

Status WriteTables(const ServiceContext& service, JsonWriter& w) {
  ASSIGN_OR_RETURN(std::vector<std::string> ids, ListMappingIds(service));
  w.Key("tables").StartArray();
  for (const std::string& id : ids) {
    Result<mapping::MappingSpec> spec = LoadMappingById(service, id);
    if (!spec.ok()) continue;  // a file that does not check cannot be run, nor granted
    w.StartObject();
    w.Key("id").String(id);
    w.Key("title").String(spec->title);
    w.Key("department").String(spec->department);
    w.Key("columns").StartArray();
    for (const std::string& header : spec->Headers()) w.String(header);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  return Status::Ok();
}

void WriteSensitive(const Catalog& catalog, JsonWriter& w) {
  const auto one = [&](const std::string& grant, const std::string& label) {
    w.StartObject();
    w.Key("grant").String(grant);
    w.Key("label").String(label);
    w.EndObject();
  };
  w.Key("sensitive").StartArray();
  one("sensitive", "全部敏感信息");
  one(kMinorGrant, "未满14周岁者的完整信息");
  for (const FieldDef& f : catalog.fields()) {
    if (f.sensitivity == Sensitivity::kSensitive) one("sensitive:" + f.key, f.label);
  }
  for (const TagDef& t : catalog.tags()) {
    if (t.sensitivity == Sensitivity::kSensitive) one("sensitive:" + t.key, t.label + "（标签）");
  }
  w.EndArray();
}

HttpResponse HandleChoices(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageUsers);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return StatusToHttp(Status::Internal("handler called without a store"));
  JsonWriter w;
  w.StartObject();
  Status st = WriteCommunities(*ctx.store, w);
  if (st.ok()) st = WriteTables(service, w);
  if (!st.ok()) return StatusToHttp(st);
  WriteSensitive(service.catalog, w);
  w.EndObject();
  return JsonResponse(w.Take());
}

}  // namespace

Status RegisterAccountChoicesRoute(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  return router->Add("GET", "/api/v1/account-choices",
                     RouteDoc{"新建或修改账号时可选的管辖范围、报表及其列、敏感信息授权和密码规则"
                              "（安全管理员）"},
                     [s](const RequestContext& ctx) { return HandleChoices(ctx, *s); });
}

}  // namespace onetable
