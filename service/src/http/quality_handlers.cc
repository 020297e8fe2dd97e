#include "http/quality_handlers.h"

#include <string>
#include <vector>

#include "http/json_writer.h"
#include "model/catalog_keys.h"
#include "register/quality_report.h"
#include "store/store.h"

namespace onetable {
namespace {

void WriteCounts(JsonWriter& w, const GridQuality& g, const std::vector<const FieldDef*>& fields) {
  w.Key("persons").Int(g.persons);
  w.Key("filled").StartObject();
  for (size_t i = 0; i < fields.size(); ++i) w.Key(fields[i]->key).Int(g.filled[i]);
  w.EndObject();
  w.Key("invalid_ids").Int(g.invalid_ids);
  w.Key("id_conflicts").Int(g.id_conflicts);
  w.Key("open_reviews").Int(g.open_reviews);
}

constexpr int kUnplacedListed = 50;

// Active persons in no household (an import that could not place them): only a caller whose
// scope is the whole register sees them (they lie under no grid or community). Writes
// "unplaced": {"count", "items": [{id, name?, birth_date?}]} (the first kUnplacedListed), or
// nothing for a scoped caller.
Status WriteUnplaced(Store& store, const ServiceContext& service, const Principal& who,
                     JsonWriter& w) {
  ASSIGN_OR_RETURN(RowScope scope, service.policy.Visible(who, store));
  if (scope.community_ids.has_value() || scope.grid_ids.has_value()) return Status::Ok();
  ScanRequest request;
  request.grain = EntityKind::kPerson;
  request.leaf = EntityKind::kPerson;
  request.predicates.push_back({"household.id", "is null", {}});
  request.predicates.push_back({"person.status", "==", {kStatusActive}});
  std::vector<const FieldDef*> shown;
  for (const char* key : {keys::kName, keys::kBirthDate}) {
    const FieldDef* f = service.catalog.Find(EntityKind::kPerson, key);
    if (f != nullptr && service.policy.SeesField(who, *f)) {
      shown.push_back(f);
      request.fields.push_back(std::string("person.") + key);
    }
  }
  int64_t count = 0;
  std::vector<ScanRow> listed;
  RETURN_IF_ERROR(store.Scan(request, [&](const ScanRow& row) -> Status {
    if (++count <= kUnplacedListed) listed.push_back(row);
    return Status::Ok();
  }));
  w.Key("unplaced").StartObject();
  w.Key("count").Int(count);
  w.Key("items").StartArray();
  for (const ScanRow& row : listed) {
    w.StartObject();
    w.Key("id").Int(row.ids[0]);
    for (size_t i = 0; i < shown.size(); ++i) {
      if (row.values[i].has_value()) w.Key(shown[i]->key).String(*row.values[i]);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Status::Ok();
}

}  // namespace

HttpResponse HandleQuality(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kReadRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return StatusToHttp(Status::Internal("no store"));
  auto it = ctx.request.query.find("fields");
  Result<std::vector<const FieldDef*>> fields =
      QualityFields(service, **who, it == ctx.request.query.end() ? "" : it->second);
  if (!fields.ok()) {
    return ErrorResponse(400, "invalid_argument", "查询参数 fields 中的字段无效",
                         {{"fields", "unknown_field", fields.status().message()}});
  }
  Result<QualityReport> report = BuildQualityReport(*ctx.store, service, **who, *fields);
  if (!report.ok()) return StatusToHttp(report.status());

  JsonWriter w;
  w.StartObject();
  w.Key("fields").StartArray();
  for (const FieldDef* f : report->fields) {
    w.StartObject().Key("key").String(f->key).Key("label").String(f->label).EndObject();
  }
  w.EndArray();
  w.Key("grids").StartArray();
  for (const GridQuality& g : report->grids) {
    w.StartObject();
    w.Key("id").Int(g.id);
    w.Key("code").String(g.code);
    w.Key("name").String(g.name);
    w.Key("community").String(g.community);
    WriteCounts(w, g, report->fields);
    w.EndObject();
  }
  w.EndArray();
  w.Key("totals").StartObject();
  WriteCounts(w, report->totals, report->fields);
  w.EndObject();
  Status unplaced = WriteUnplaced(*ctx.store, service, **who, w);
  if (!unplaced.ok()) return StatusToHttp(unplaced);
  w.EndObject();
  return JsonResponse(w.Take());
}

Status RegisterQualityRoutes(Router* router, const ServiceContext& service) {
  RouteDoc doc;
  doc.summary = "数据质量：各网格关键字段完整度、无效身份证号、待核实事项数";
  doc.query.push_back({"fields", "string", "要统计完整度的人员字段，逗号分隔", false});
  const ServiceContext* s = &service;
  return router->Add("GET", "/api/v1/quality", doc,
                     [s](const RequestContext& ctx) { return HandleQuality(ctx, *s); });
}

}  // namespace onetable
