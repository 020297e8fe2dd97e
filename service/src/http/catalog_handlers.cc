#include "http/catalog_handlers.h"

#include <set>
#include <string>

#include "http/json_writer.h"
#include "model/entity.h"

namespace onetable {
namespace {

// The attributes of a field shared by catalog fields and tag attributes.
void WriteFieldShape(JsonWriter& w, const FieldDef& f) {
  w.Key("key").String(f.key);
  w.Key("label").String(f.label);
  w.Key("type").String(FieldTypeName(f.type));
  if (!f.code_table.empty()) w.Key("codes").String(f.code_table);
  if (f.max_length > 0) w.Key("max_length").Int(f.max_length);
  if (!f.pattern.empty()) w.Key("pattern").String(f.pattern);
  w.Key("required").Bool(f.required);
  if (!f.doc.empty()) w.Key("doc").String(f.doc);
}

}  // namespace

HttpResponse HandleCatalog(const RequestContext& context, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, context, Permission::kReadRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  const Catalog& catalog = service.catalog;
  std::set<std::string> used_codes;

  JsonWriter w;
  w.StartObject();
  w.Key("entities").StartArray();
  for (EntityKind kind : kAllEntityKinds) {
    w.StartObject().Key("key").String(EntityName(kind)).Key("label").String(EntityLabel(kind));
    w.EndObject();
  }
  w.EndArray();

  w.Key("fields").StartArray();
  for (const FieldDef& f : catalog.fields()) {
    w.StartObject();
    w.Key("entity").String(EntityName(f.entity));
    WriteFieldShape(w, f);
    w.Key("module").String(f.module);
    w.Key("aliases").StartArray();
    for (const std::string& alias : f.aliases) w.String(alias);
    w.EndArray();
    w.Key("sensitivity").String(SensitivityName(f.sensitivity));
    w.Key("derived").Bool(f.derived);
    w.Key("visible").Bool(service.policy.SeesField(**who, f));
    w.EndObject();
    if (!f.code_table.empty()) used_codes.insert(f.code_table);
  }
  w.EndArray();

  w.Key("tags").StartArray();
  for (const TagDef& t : catalog.tags()) {
    w.StartObject();
    w.Key("key").String(t.key);
    w.Key("label").String(t.label);
    w.Key("department").String(t.department);
    w.Key("module").String(t.module);
    w.Key("sensitivity").String(SensitivityName(t.sensitivity));
    w.Key("visible").Bool(service.policy.SeesTag(**who, t));
    w.Key("attributes").StartArray();
    for (const FieldDef& a : t.attributes) {
      w.StartObject();
      WriteFieldShape(w, a);
      w.EndObject();
      if (!a.code_table.empty()) used_codes.insert(a.code_table);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();

  w.Key("codes").StartObject();
  for (const std::string& id : used_codes) {
    const CodeTable* table = catalog.FindCodeTable(id);
    if (table == nullptr) continue;
    w.Key(id).StartArray();
    for (const auto& [code, label] : table->entries()) {
      w.StartObject().Key("code").String(code).Key("label").String(label);
      const std::string* short_name = table->ShortLabel(code);
      if (short_name != nullptr && *short_name != label) w.Key("short").String(*short_name);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.headers["Cache-Control"] = "no-cache";
  return response;
}

Status RegisterCatalogRoutes(Router* router, const ServiceContext& service) {
  RouteDoc doc;
  doc.summary = "字段目录：字段、特殊人群标签及其属性、代码表（用于生成录入表单）";
  const ServiceContext* s = &service;
  return router->Add("GET", "/api/v1/catalog", doc,
                     [s](const RequestContext& ctx) { return HandleCatalog(ctx, *s); });
}

}  // namespace onetable
