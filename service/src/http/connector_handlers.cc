#include "http/connector_handlers.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "http/audit.h"
#include "http/metrics.h"
#include "http/register_handlers.h"
#include "http/register_json.h"
#include "http/register_request.h"
#include "ingest/connector_spec.h"
#include "ingest/plugin_loader.h"
#include "ingest/runtime.h"
#include "model/validation.h"
#include "onetable/utf8.h"
#include "store/store.h"

namespace onetable {
namespace {
namespace fs = std::filesystem;

// One connector file of the configured directory.
struct ConnectorEntry {
  std::string id;  // the spec's id, or the file's stem when the file does not parse
  std::string file;
  std::optional<ConnectorSpec> spec;
  std::vector<std::string> problems;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Every *.yaml of the directory, parsed, by id. An unreadable directory is an error.
Result<std::vector<ConnectorEntry>> LoadConnectors(const ServiceContext& service) {
  const std::string& dir = service.settings.connectors_dir;
  std::vector<ConnectorEntry> out;
  if (dir.empty()) return out;
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".yaml") {
      files.push_back(it->path().string());
    }
  }
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return out;
    return Status::Internal("cannot read connectors dir " + dir + ": " + ec.message());
  }
  for (const std::string& file : files) {
    ConnectorEntry entry;
    entry.file = fs::path(file).filename().string();
    Result<ConnectorSpec> spec = LoadConnectorSpec(file, service.catalog);
    if (spec.ok()) {
      entry.id = spec->id;
      entry.spec.emplace(std::move(*spec));
    } else {
      entry.id = fs::path(file).stem().string();
      entry.problems = Lines(spec.status().message());
    }
    out.push_back(std::move(entry));
  }
  std::sort(out.begin(), out.end(),
            [](const ConnectorEntry& a, const ConnectorEntry& b) { return a.id < b.id; });
  return out;
}

Result<ConnectorEntry> FindConnector(const ServiceContext& service, const std::string& id) {
  ASSIGN_OR_RETURN(std::vector<ConnectorEntry> all, LoadConnectors(service));
  for (ConnectorEntry& entry : all) {
    if (entry.id == id) return std::move(entry);
  }
  return Status::NotFound("未找到连接器 " + id.substr(0, 64));
}

// Sources being run by this server, so one connector does not run twice at once.
class RunningSet {
 public:
  bool Claim(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    return ids_.insert(id).second;
  }
  void Release(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    ids_.erase(id);
  }

 private:
  std::mutex mu_;
  std::set<std::string> ids_;
};

RunningSet& Running() {
  static RunningSet* const running = new RunningSet();
  return *running;
}

void WriteRun(JsonWriter& w, const ImportRun& run) {
  w.StartObject();
  w.Key("id").Int(run.id);
  w.Key("source").String(run.source);
  w.Key("title").String(run.title);
  w.Key("type").String(run.connector_type);
  w.Key("spec_file").String(fs::path(run.spec_file).filename().string());
  w.Key("status").String(run.status);
  w.Key("started_at").String(run.started_at);
  w.Key("finished_at").String(run.finished_at);
  w.Key("read").Int(run.read);
  w.Key("new").Int(run.created);
  w.Key("updated").Int(run.updated);
  w.Key("unchanged").Int(run.unchanged);
  w.Key("linked").Int(run.linked);
  w.Key("review").Int(run.review);
  w.Key("rejected").Int(run.rejected);
  w.Key("message").String(run.message);
  w.EndObject();
}

HttpResponse HandleList(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  TextPage page;
  HttpResponse error;
  if (!ReadTextPage(ctx.request, &page, &error)) return error;
  Result<std::vector<ConnectorEntry>> all = LoadConnectors(service);
  if (!all.ok()) return StatusToHttp(all.status());
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  int written = 0;
  bool more = false;
  std::string last;
  for (const ConnectorEntry& e : *all) {
    if (!page.after.empty() && e.id <= page.after) continue;
    if (written == page.limit) {
      more = true;
      break;
    }
    w.StartObject();
    w.Key("id").String(e.id);
    w.Key("file").String(e.file);
    w.Key("valid").Bool(e.spec.has_value());
    if (e.spec) {
      w.Key("title").String(e.spec->title);
      w.Key("type").String(e.spec->type);
      w.Key("trust").Int(e.spec->trust);
      w.Key("entity").String(EntityName(e.spec->entity));
    }
    w.Key("problems").StartArray();
    for (const std::string& p : e.problems) w.String(p);
    w.EndArray();
    w.EndObject();
    last = e.id;
    ++written;
  }
  w.EndArray();
  WriteNextAfter(w, last, more);
  w.EndObject();
  return JsonResponse(w.Take());
}

HttpResponse HandleRun(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  const std::string id = ctx.params.at("id");
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<ConnectorEntry> entry = FindConnector(service, id);
  if (!entry.ok()) return StatusToHttp(entry.status());
  const std::string object = "connector/" + entry->id;
  auto audit_failed = [&](const HttpResponse& failure) {
    Status st = Audit(ctx, kAuditConnectorRun, object, kAuditFailed,
                      "not started: " + std::to_string(failure.status));
    return st.ok() ? failure : StatusToHttp(st);
  };
  if (!entry->spec) {
    std::vector<ErrorDetail> details;
    for (const std::string& p : entry->problems)
      details.push_back({entry->file, "invalid_spec", p});
    return audit_failed(ErrorResponse(422, "validation_failed", "连接器配置有误，未运行", details));
  }
  const std::string plugin_dir =
      service.settings.plugins_dir.empty() ? DefaultPluginDir() : service.settings.plugins_dir;
  Result<std::unique_ptr<ConnectorPlugin>> plugin = LoadConnector(entry->spec->type, plugin_dir);
  if (!plugin.ok()) {
    return audit_failed(
        ErrorResponse(422, "validation_failed", "连接器插件无法加载，未运行",
                      {ErrorDetail{entry->file, "plugin", plugin.status().message()}}));
  }
  if (!Running().Claim(entry->id)) {
    return audit_failed(
        StatusToHttp(Status::Precondition("连接器 " + entry->id + " 正在运行，请稍后再试")));
  }
  const Validator validator(service.catalog, service.divisions);
  Importer importer(ctx.store, service.catalog, validator);
  ImportRun partial;
  Result<ImportResult> result = importer.Run(*entry->spec, **plugin, ImportOptions{}, &partial);
  Running().Release(entry->id);

  if (!result.ok() && partial.id == 0) {
    // Nothing was written: a bad option, an unreachable source.
    const Status& st = result.status();
    HttpResponse failure =
        st.code() == StatusCode::kInvalidArgument
            ? ErrorResponse(422, "validation_failed", "连接器配置有误，未运行",
                            {ErrorDetail{entry->file, "invalid_spec", st.message()}})
            : StatusToHttp(st);
    return audit_failed(failure);
  }
  const ImportRun& run = result.ok() ? result->run : partial;
  if (service.metrics != nullptr) service.metrics->CountImport(run);
  static const std::vector<std::string> kNone;
  const std::string report = ImportReportJson(run, result.ok() ? result->warnings : kNone,
                                              result.ok() ? "" : result.status().message());
  Status audited = Audit(ctx, kAuditConnectorRun, object, result.ok() ? kAuditOk : kAuditFailed,
                         "run=" + std::to_string(run.id) + " read=" + std::to_string(run.read) +
                             " rejected=" + std::to_string(run.rejected));
  if (!audited.ok()) return StatusToHttp(audited);
  return JsonResponse(utf8::Sanitize(report));
}

HttpResponse HandleRuns(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  Page page;
  HttpResponse error;
  if (!ReadPage(ctx.request, &page, &error)) return error;
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<ConnectorEntry> entry = FindConnector(service, ctx.params.at("id"));
  if (!entry.ok()) return StatusToHttp(entry.status());
  Result<std::vector<ImportRun>> runs =
      ctx.store->ListImportRuns(entry->id, page.after, page.limit + 1);
  if (!runs.ok()) return StatusToHttp(runs.status());
  const bool more = static_cast<int>(runs->size()) > page.limit;
  if (more) runs->resize(page.limit);
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  for (const ImportRun& run : *runs) WriteRun(w, run);
  w.EndArray();
  WriteNextAfter(w, runs->empty() ? 0 : runs->back().id, more);
  w.EndObject();
  return JsonResponse(w.Take());
}

HttpResponse HandleRun1(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  Result<int64_t> id = IdParam(ctx.params, "run_id");
  if (!id.ok()) return BadParameter("run_id", id.status().message());
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<ImportRun> run = ctx.store->GetImportRun(*id);
  if (!run.ok()) return StatusToHttp(run.status());
  JsonWriter w;
  WriteRun(w, *run);
  return JsonResponse(w.Take());
}

// Whether the caller sees every catalog field unmasked (a quarantined row may hold any).
bool SeesEverything(const ServiceContext& service, const Principal& who) {
  for (const FieldDef& f : service.catalog.fields()) {
    if (!service.policy.SeesField(who, f)) return false;
  }
  for (const TagDef& t : service.catalog.tags()) {
    if (!service.policy.SeesTag(who, t)) return false;
  }
  return true;
}

HttpResponse HandleQuarantine(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  Result<int64_t> id = IdParam(ctx.params, "run_id");
  if (!id.ok()) return BadParameter("run_id", id.status().message());
  Page page;
  HttpResponse error;
  if (!ReadPage(ctx.request, &page, &error)) return error;
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<ImportRun> run = ctx.store->GetImportRun(*id);
  if (!run.ok()) return StatusToHttp(run.status());
  Result<std::vector<QuarantinedRow>> rows =
      ctx.store->ListQuarantine(*id, page.after, page.limit + 1);
  if (!rows.ok()) return StatusToHttp(rows.status());
  const bool more = static_cast<int>(rows->size()) > page.limit;
  if (more) rows->resize(page.limit);
  const bool raw = SeesEverything(service, **who);
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  for (const QuarantinedRow& q : *rows) {
    w.StartObject();
    w.Key("id").Int(q.id);
    w.Key("location").String(fs::path(q.location).filename().string());
    w.Key("row").Int(q.row);
    w.Key("column").String(q.column);
    w.Key("reason").String(q.reason);
    if (raw) w.Key("raw").String(q.raw);
    w.Key("created_at").String(q.created_at);
    w.EndObject();
  }
  w.EndArray();
  WriteNextAfter(w, rows->empty() ? 0 : rows->back().id, more);
  w.EndObject();
  return JsonResponse(w.Take());
}

}  // namespace

Status RegisterConnectorRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  const std::vector<ParamDoc> page = {{"after", "integer", "翻页：上一页的 next_after", false},
                                      {"limit", "integer", "每页条数，1–500，默认 50", false}};
  RETURN_IF_ERROR(
      router->Add("GET", "/api/v1/connectors",
                  RouteDoc("数据接入连接器列表（配置目录中的 YAML 文件，含配置错误）",
                      {{"after", "string", "翻页：上一页的 next_after（连接器 id）", false},
                       {"limit", "integer", "每页条数，1–500，默认 50", false}}),
                  [s](const RequestContext& ctx) { return HandleList(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("POST", "/api/v1/connectors/{id}/run",
                              RouteDoc("立即运行连接器，返回导入报告"),
                              [s](const RequestContext& ctx) { return HandleRun(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/connectors/{id}/runs",
                              RouteDoc("连接器的运行记录（由早到晚）", page),
                              [s](const RequestContext& ctx) { return HandleRuns(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/runs/{run_id}", RouteDoc("一次导入运行的报告"),
                              [s](const RequestContext& ctx) { return HandleRun1(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "GET", "/api/v1/runs/{run_id}/quarantine", RouteDoc("一次导入中被隔离的行及原因", page),
      [s](const RequestContext& ctx) { return HandleQuarantine(ctx, *s); }));
  return Status::Ok();
}

}  // namespace onetable
