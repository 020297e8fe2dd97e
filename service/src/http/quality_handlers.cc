#include "http/quality_handlers.h"

#include <string>
#include <vector>

#include "http/json_writer.h"
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
