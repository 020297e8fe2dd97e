#include "http/mapping_handlers.h"

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "http/register_handlers.h"
#include "http/register_json.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "mapping/table_access.h"
#include "mapping/table_run.h"
#include "store/store.h"

namespace onetable {
namespace {

constexpr char kDraftFile[] = "draft.yaml";
constexpr int kPreviewDefault = 20;
constexpr int kPreviewMax = 200;

std::string IdOf(const RequestContext& ctx) {
  return ctx.params.at("department") + "/" + ctx.params.at("table");
}

bool Manages(const ServiceContext& service, const Principal& who) {
  return service.policy.Require(who, Permission::kManageMappings).ok();
}

void WriteProblems(JsonWriter& w, const std::vector<MappingProblem>& problems) {
  w.Key("problems").StartArray();
  for (const MappingProblem& p : problems) {
    w.StartObject();
    w.Key("file").String(p.file);
    w.Key("line").Int(p.line);
    w.Key("column").Int(p.column);
    w.Key("message").String(p.message);
    w.Key("text").String(p.text);
    w.EndObject();
  }
  w.EndArray();
}

// "restricted_by": the sensitive labels that keep the caller from running the table (table_access.h
// UnseenRowSelectors); empty when it may.
void WriteRestrictedBy(JsonWriter& w, const ServiceContext& service, const Principal& who,
                       const mapping::MappingSpec& spec) {
  w.Key("restricted_by").StartArray();
  for (const std::string& label : UnseenRowSelectors(service, who, spec)) w.String(label);
  w.EndArray();
}

HttpResponse HandleList(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kRunTables);
  if (!who.ok()) return StatusToHttp(who.status());
  TextPage page;
  HttpResponse error;
  if (!ReadTextPage(ctx.request, &page, &error)) return error;
  Result<std::vector<std::string>> ids = ListMappingIds(service);
  if (!ids.ok()) return StatusToHttp(ids.status());
  const bool manager = Manages(service, **who);
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  int written = 0;
  bool more = false;
  std::string last;
  for (const std::string& id : *ids) {
    if (!page.after.empty() && id <= page.after) continue;
    if (!service.policy.RequireTable(**who, id).ok()) continue;
    Result<mapping::MappingSpec> spec = LoadMappingById(service, id);
    if (!spec.ok() && !manager) continue;
    if (written == page.limit) {
      more = true;
      break;
    }
    w.StartObject();
    w.Key("id").String(id);
    w.Key("valid").Bool(spec.ok());
    if (spec.ok()) {
      w.Key("title").String(spec->title);
      w.Key("department").String(spec->department);
      w.Key("purpose").String(spec->purpose);
      w.Key("grain").String(EntityName(spec->grain));
      w.Key("columns").StartArray();
      for (const std::string& h : spec->Headers()) w.String(h);
      w.EndArray();
      WriteRestrictedBy(w, service, **who, *spec);
    } else {
      WriteProblems(w, SplitProblems(spec.status().message()));
    }
    w.EndObject();
    last = id;
    ++written;
  }
  w.EndArray();
  WriteNextAfter(w, last, more);
  w.EndObject();
  return JsonResponse(w.Take());
}

HttpResponse HandleGet(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kRunTables);
  if (!who.ok()) return StatusToHttp(who.status());
  const std::string id = IdOf(ctx);
  Status allowed = service.policy.RequireTable(**who, id);
  if (!allowed.ok()) return StatusToHttp(allowed);
  Result<mapping::MappingSpec> spec = LoadMappingById(service, id);
  if (!spec.ok()) {
    if (spec.status().code() != StatusCode::kInvalidArgument) return StatusToHttp(spec.status());
    std::vector<ErrorDetail> details;
    for (const MappingProblem& p : SplitProblems(spec.status().message())) {
      details.push_back({p.file, "invalid_mapping", p.text});
    }
    return ErrorResponse(422, "validation_failed", "报表映射 " + id + " 有错误", details);
  }
  const std::vector<bool> masked = MaskedColumns(service, **who, *spec);
  JsonWriter w;
  w.StartObject();
  w.Key("id").String(spec->id);
  w.Key("title").String(spec->title);
  w.Key("department").String(spec->department);
  w.Key("purpose").String(spec->purpose);
  w.Key("legal_basis").String(spec->legal_basis);
  w.Key("grain").String(EntityName(spec->grain));
  w.Key("as_of").String(spec->as_of);
  WriteRestrictedBy(w, service, **who, *spec);
  w.Key("where").String(spec->where_text);
  w.Key("order_by").StartArray();
  for (const mapping::OrderSpec& o : spec->order_by) w.String(o.text);
  w.EndArray();
  w.Key("subtotal_by").String(spec->subtotal_text);
  w.Key("total").Bool(spec->total);
  w.Key("columns").StartArray();
  for (size_t i = 0; i < spec->columns.size(); ++i) {
    w.StartObject();
    w.Key("header").String(spec->columns[i].header);
    w.Key("value").String(spec->columns[i].value_text);
    w.Key("masked").Bool(masked[i]);
    w.EndObject();
  }
  w.EndArray();
  if (Manages(service, **who)) {
    std::ifstream in(spec->file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    w.Key("yaml").String(text.str());
  }
  w.EndObject();
  return JsonResponse(w.Take());
}

HttpResponse PreviewResponse(const mapping::MappingSpec& spec, const CollectingSink& sink,
                             const mapping::TableResult& result, const std::vector<bool>& masked) {
  JsonWriter w;
  w.StartObject();
  w.Key("id").String(spec.id);
  w.Key("title").String(sink.meta().title);
  w.Key("scope").String(sink.meta().scope);
  w.Key("as_of").String(sink.meta().as_of);
  w.Key("headers").StartArray();
  for (const std::string& h : sink.meta().headers) w.String(h);
  w.EndArray();
  w.Key("masked").StartArray();
  // A change roster puts its two columns (变动类型, 变动项) before the spec's.
  const size_t shift = sink.meta().headers.size() > spec.columns.size()
                           ? sink.meta().headers.size() - spec.columns.size()
                           : 0;
  for (size_t i = 0; i < masked.size() && i + shift < sink.meta().headers.size(); ++i) {
    if (masked[i]) w.String(sink.meta().headers[i + shift]);
  }
  w.EndArray();
  w.Key("rows").StartArray();
  for (const CollectingSink::Line& line : sink.lines()) {
    w.StartObject();
    w.Key("cells").StartArray();
    for (const std::string& c : line.cells) w.String(c);
    w.EndArray();
    w.Key("total").Bool(line.total);
    w.EndObject();
  }
  w.EndArray();
  w.Key("data_rows").Int(result.counts.data_rows);
  w.Key("truncated").Bool(result.counts.truncated);
  w.EndObject();
  return JsonResponse(w.Take());
}

// A preview shows register rows like a small download, so it is audited like one (object
// "table/<id>" or "draft/<id>"); refusals are left to the server's "denied" record.
HttpResponse Preview(const RequestContext& ctx, const ServiceContext& service, const Principal& who,
                     const mapping::MappingSpec& spec, const std::string& object) {
  Result<int64_t> limit = IntQueryParam(ctx.request, "limit", kPreviewDefault, 1, kPreviewMax);
  if (!limit.ok()) return BadParameter("limit", limit.status().message());
  if (ctx.store == nullptr) return NoStoreResponse();
  const TableParams params = ReadTableParams(ctx.request);
  CollectingSink sink;
  Result<mapping::TableResult> result =
      GenerateFor(service, who, *ctx.store, spec, params, *limit, &sink);
  if (!result.ok() && result.status().code() == StatusCode::kPermissionDenied) {
    return StatusToHttp(result.status());
  }
  const std::string detail =
      "scope=" + (params.scope.empty() ? "all" : params.scope.substr(0, 64)) +
      " as_of=" + (params.as_of.empty() ? "default" : params.as_of.substr(0, 16)) +
      (result.ok() ? " rows=" + std::to_string(result->counts.data_rows) : "");
  Status audited = Audit(ctx, kAuditPreview, object, result.ok() ? kAuditOk : kAuditFailed, detail);
  if (!audited.ok()) return StatusToHttp(audited);
  if (!result.ok()) return StatusToHttp(result.status());
  return PreviewResponse(spec, sink, *result, MaskedColumns(service, who, spec));
}

// A saved table's first rows: a table run like a download (mapping/table_run.h), audited as a
// preview whether it is refused, fails or succeeds.
HttpResponse HandlePreviewSaved(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kRunTables);
  if (!who.ok()) return StatusToHttp(who.status());
  Result<int64_t> limit = IntQueryParam(ctx.request, "limit", kPreviewDefault, 1, kPreviewMax);
  if (!limit.ok()) return BadParameter("limit", limit.status().message());
  if (ctx.store == nullptr) return NoStoreResponse();
  TableRunRequest request;
  request.mapping_id = IdOf(ctx);
  request.params = ReadTableParams(ctx.request);
  request.max_rows = *limit;
  Result<TableRun> run = TableRun::Start(*ctx.store, service, ActorOf(ctx), **who, request);
  if (!run.ok()) {
    HttpResponse refused = StatusToHttp(run.status());
    refused.audited = true;
    return refused;
  }
  CollectingSink sink;
  Result<mapping::TableResult> result = run->Generate(*ctx.store, &sink);
  if (!result.ok()) {
    HttpResponse failed = StatusToHttp(result.status());
    failed.audited = true;
    return failed;
  }
  return PreviewResponse(run->spec(), sink, *result, MaskedColumns(service, **who, run->spec()));
}

HttpResponse HandleValidate(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageMappings);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.request.body.empty()) return BadParameter("body", "请求体为空：应为映射草稿的 YAML 文本");
  Result<mapping::MappingSpec> spec =
      mapping::ParseMappingSpec(ctx.request.body, kDraftFile, service.catalog);
  Status st = spec.ok() ? mapping::CheckOrderBy(*spec) : spec.status();
  JsonWriter w;
  w.StartObject();
  w.Key("valid").Bool(st.ok());
  w.Key("id").String(spec.ok() ? spec->id : "");
  w.Key("title").String(spec.ok() ? spec->title : "");
  WriteProblems(w, st.ok() ? std::vector<MappingProblem>{} : SplitProblems(st.message()));
  w.EndObject();
  return JsonResponse(w.Take());
}

HttpResponse HandlePreviewDraft(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageMappings);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.request.body.empty()) return BadParameter("body", "请求体为空：应为映射草稿的 YAML 文本");
  Result<mapping::MappingSpec> spec =
      mapping::ParseMappingSpec(ctx.request.body, kDraftFile, service.catalog);
  Status st = spec.ok() ? mapping::CheckOrderBy(*spec) : spec.status();
  if (!st.ok()) {
    std::vector<ErrorDetail> details;
    for (const MappingProblem& p : SplitProblems(st.message())) {
      details.push_back({p.file, "invalid_mapping", p.text});
    }
    return ErrorResponse(422, "validation_failed", "映射草稿有错误，无法预览", details);
  }
  return Preview(ctx, service, **who, *spec,
                 "draft/" + (ValidMappingId(spec->id) ? spec->id : std::string("invalid")));
}

}  // namespace

Status RegisterMappingRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  const std::vector<ParamDoc> preview = {
      {"scope", "string", "区划或网格代码（默认：本人可见的全部）", false},
      {"as_of", "string", "基准日 YYYY-MM-DD 或年份", false},
      {"changes_since", "string", "YYYY-MM-DD：预览该日至基准日之间的变动名单（新增、变更、减少）",
       false},
      {"limit", "integer", "预览行数，1–200，默认 20", false}};
  RETURN_IF_ERROR(
      router->Add("GET", "/api/v1/mappings",
                  RouteDoc("本人可生成的部门报表映射",
                           {{"after", "string", "翻页：上一页的 next_after（映射 id）", false},
                            {"limit", "integer", "每页条数，1–500，默认 50", false}}),
                  [s](const RequestContext& ctx) { return HandleList(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/mappings/{department}/{table}",
                              RouteDoc("查看一张报表映射的定义"),
                              [s](const RequestContext& ctx) { return HandleGet(ctx, *s); }));
  RETURN_IF_ERROR(
      router->Add("GET", "/api/v1/mappings/{department}/{table}/preview",
                  RouteDoc("用实时数据预览报表前几行", preview),
                  [s](const RequestContext& ctx) { return HandlePreviewSaved(ctx, *s); }));
  RETURN_IF_ERROR(
      router->Add("POST", "/api/v1/mappings/validate",
                  RouteDoc("检查映射草稿（返回 文件:行:列 问题）", {}, "映射草稿的 YAML 文本"),
                  [s](const RequestContext& ctx) { return HandleValidate(ctx, *s); }));
  RETURN_IF_ERROR(
      router->Add("POST", "/api/v1/mappings/preview",
                  RouteDoc("用实时数据预览映射草稿", preview, "映射草稿的 YAML 文本"),
                  [s](const RequestContext& ctx) { return HandlePreviewDraft(ctx, *s); }));
  return Status::Ok();
}

}  // namespace onetable
