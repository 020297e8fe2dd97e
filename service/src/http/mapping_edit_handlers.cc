#include "http/mapping_edit_handlers.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <sstream>
#include <vector>

#include "http/json_writer.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "mapping/atomic_file.h"
#include "mapping/mapping_spec.h"
#include "mapping/table_access.h"
#include "mapping/template_draft.h"
#include "mapping/template_reader.h"
#include "model/sha256.h"
#include "onetable/text.h"

namespace onetable {
namespace fs = std::filesystem;

namespace {

std::mutex& SaveMutex() {
  static std::mutex* const m = new std::mutex;
  return *m;
}

std::string IdOf(const RequestContext& ctx) {
  return ctx.params.at("department") + "/" + ctx.params.at("table");
}

std::string PathOf(const ServiceContext& service, const std::string& id) {
  return service.settings.mappings_dir + "/" + id + ".yaml";
}

// The file's content; false when it does not exist (or cannot be read).
bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

HttpResponse NoSuchMapping(const std::string& id) {
  return ErrorResponse(404, "not_found", "未找到报表映射 " + id.substr(0, 64));
}

HttpResponse HandleSource(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageMappings);
  if (!who.ok()) return StatusToHttp(who.status());
  const std::string id = IdOf(ctx);
  if (!ValidMappingId(id)) return NoSuchMapping(id);
  std::string text;
  const bool exists = ReadFile(PathOf(service, id), &text);
  JsonWriter w;
  w.StartObject().Key("id").String(id).Key("exists").Bool(exists).Key("yaml").String(text);
  w.EndObject();
  HttpResponse response = JsonResponse(w.Take());
  if (exists) response.headers["ETag"] = MappingETag(text);
  return response;
}

HttpResponse HandleSave(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageMappings);
  if (!who.ok()) return StatusToHttp(who.status());
  const std::string id = IdOf(ctx);
  if (!ValidMappingId(id)) {
    return ErrorResponse(
        400, "invalid_argument",
        "映射编号 " + id.substr(0, 64) + " 无效：应为“部门/报表”，只含小写字母、数字、- 和 _");
  }
  const std::string& text = ctx.request.body;
  if (text.empty()) {
    return ErrorResponse(400, "invalid_argument", "请求体为空：应为映射的 YAML 文本",
                         {{"body", "empty", "请求体为空"}});
  }
  const std::string file = fs::path(id).filename().string() + ".yaml";
  Result<mapping::MappingSpec> spec = mapping::ParseMappingSpec(text, file, service.catalog);
  Status st = spec.ok() ? mapping::CheckOrderBy(*spec) : spec.status();
  if (st.ok() && spec->id != id) {
    st =
        Status::Invalid(file + ":1:1: 映射中的 id “" + spec->id + "” 与保存位置 " + id + " 不一致");
  }
  if (!st.ok()) {
    std::vector<ErrorDetail> details;
    for (const MappingProblem& p : SplitProblems(st.message())) {
      details.push_back({"yaml", "invalid_mapping", p.text});
    }
    return ErrorResponse(422, "validation_failed", "映射有错误，未保存", details);
  }

  const std::string path = PathOf(service, id);
  bool created = false;
  std::string new_tag = MappingETag(text);
  {
    std::lock_guard<std::mutex> lock(SaveMutex());
    std::string current;
    created = !ReadFile(path, &current);
    if (!created) {
      auto match = ctx.request.headers.find("if-match");
      if (match == ctx.request.headers.end() || match->second.empty() || match->second == "*") {
        return ErrorResponse(428, "precondition_required",
                             "修改已有映射需要 If-Match 请求头（映射的 ETag），以免覆盖他人的修改");
      }
      const std::string tag = MappingETag(current);
      if (match->second != tag) {
        HttpResponse stale = ErrorResponse(412, "conflict", "映射已被他人修改，请重新载入后再保存");
        stale.headers["ETag"] = tag;
        return stale;
      }
    }
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    Result<std::unique_ptr<mapping::AtomicFile>> out = mapping::AtomicFile::Create(path);
    if (!out.ok()) return StatusToHttp(Status::Internal(out.status().message()));
    (*out)->stream() << text;
    Status written = (*out)->Commit();
    if (!written.ok()) return StatusToHttp(Status::Internal(written.message()));
  }
  Status audited =
      Audit(ctx, kAuditMappingChange, "mapping/" + id, kAuditOk, created ? "created" : "updated");
  if (!audited.ok()) return StatusToHttp(audited);
  JsonWriter w;
  w.StartObject().Key("id").String(id).Key("created").Bool(created).EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.headers["ETag"] = new_tag;
  if (created) response.status = 201;
  return response;
}

void WriteColumns(JsonWriter& w, const char* key, const std::vector<mapping::DraftColumn>& list) {
  w.Key(key).StartArray();
  for (const mapping::DraftColumn& c : list) {
    w.StartObject().Key("header").String(c.header).Key("column").Int(c.column);
    w.Key("value").String(c.value).EndObject();
  }
  w.EndArray();
}

HttpResponse HandleDraft(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageMappings);
  if (!who.ok()) return StatusToHttp(who.status());
  auto name_it = ctx.request.query.find("name");
  const std::string name =
      name_it == ctx.request.query.end() ? "" : fs::path(name_it->second).filename().string();
  if (name.empty()) {
    return ErrorResponse(400, "invalid_argument", "缺少查询参数 name（模板文件名）",
                         {{"name", "missing", "缺少模板文件名"}});
  }
  if (ctx.request.body.empty()) {
    return ErrorResponse(400, "invalid_argument", "请求体为空：应为模板文件的内容",
                         {{"body", "empty", "请求体为空"}});
  }
  auto title_it = ctx.request.query.find("title");
  const std::string title = title_it == ctx.request.query.end() ? "" : title_it->second;
  Result<std::vector<std::vector<std::string>>> rows =
      mapping::ReadTemplateRows(ctx.request.body, name);
  if (!rows.ok()) {
    return ErrorResponse(400, "invalid_argument", rows.status().message(),
                         {{"body", "unreadable", rows.status().message()}});
  }
  Result<mapping::MappingDraft> draft = mapping::DraftMapping(service.catalog, *rows, name, title);
  if (!draft.ok()) {
    return ErrorResponse(422, "validation_failed", draft.status().message(),
                         {{"body", "no_header", draft.status().message()}});
  }
  JsonWriter w;
  w.StartObject();
  w.Key("title").String(draft->title);
  w.Key("header_row").Int(draft->header_row);
  WriteColumns(w, "columns", draft->columns);
  WriteColumns(w, "unmatched", draft->unmatched);
  w.Key("yaml").String(draft->yaml);
  w.EndObject();
  return JsonResponse(w.Take());
}

// Counts only: the generator's counters are what the figure is made of.
class DiscardSink : public mapping::TableSink {
 public:
  Status Begin(const mapping::TableMeta&) override { return Status::Ok(); }
  Status Row(const std::vector<std::string>&) override { return Status::Ok(); }
  Status End() override { return Status::Ok(); }
};

HttpResponse HandleSavings(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kRunTables);
  if (!who.ok()) return StatusToHttp(who.status());
  const std::string id = IdOf(ctx);
  Status allowed = service.policy.RequireTable(**who, id);
  if (!allowed.ok()) return StatusToHttp(allowed);
  Result<mapping::MappingSpec> spec = LoadMappingById(service, id);
  if (!spec.ok()) return StatusToHttp(spec.status());
  if (ctx.store == nullptr) return StatusToHttp(Status::Internal("no store"));
  DiscardSink sink;
  Result<mapping::TableResult> result =
      GenerateFor(service, **who, *ctx.store, *spec, ReadTableParams(ctx.request), 0, &sink);
  if (!result.ok()) return StatusToHttp(result.status());
  const mapping::TableCounts& c = result->counts;
  JsonWriter w;
  w.StartObject();
  w.Key("id").String(id);
  w.Key("data_rows").Int(c.data_rows);
  w.Key("cells").Int(c.cells);
  w.Key("register_cells").Int(c.register_cells);
  w.EndObject();
  return JsonResponse(w.Take());
}

}  // namespace

std::string MappingETag(const std::string& content) {
  return "\"" + Sha256Hex(content).substr(0, 32) + "\"";  // the first 16 bytes are plenty
}

Status RegisterMappingEditRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/mappings/{department}/{table}/source",
                              RouteDoc("映射文件原文及其版本（ETag），供编辑器载入"),
                              [s](const RequestContext& ctx) { return HandleSource(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "PUT", "/api/v1/mappings/{department}/{table}",
      RouteDoc("保存映射（校验通过才写入；修改已有映射需 If-Match）", {}, "映射的 YAML 文本"),
      [s](const RequestContext& ctx) { return HandleSave(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("POST", "/api/v1/mappings/draft",
                              RouteDoc("由部门空白模板（XLSX/CSV）生成映射草稿",
                                       {{"name", "string", "模板文件名（.xlsx 或 .csv）", true},
                                        {"title", "string", "报表标题（可选）", false}},
                                       "模板文件的内容"),
                              [s](const RequestContext& ctx) { return HandleDraft(ctx, *s); }));
  return router->Add(
      "GET", "/api/v1/savings/{department}/{table}",
      RouteDoc("报表的录入节省：表体单元格中直接取自登记库的数量",
               {{"scope", "string", "范围代码", false}, {"as_of", "string", "统计时点", false}}),
      [s](const RequestContext& ctx) { return HandleSavings(ctx, *s); });
}

}  // namespace onetable
