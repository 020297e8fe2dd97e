#include "http/connector_handlers.h"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "app/background_jobs.h"
#include "http/metrics.h"
#include "http/register_handlers.h"
#include "http/register_json.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "ingest/connector_runs.h"
#include "ingest/connector_spec.h"
#include "ingest/plugin_loader.h"
#include "ingest/runtime.h"
#include "onetable/text.h"
#include "store/store.h"

namespace onetable {
namespace {
namespace fs = std::filesystem;

// The non-empty lines of a multi-line message (one "file:line:col: ..." problem each).
std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view line : Split(text, '\n')) {
    if (!line.empty()) out.emplace_back(line);
  }
  return out;
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
  w.Key("problems").StartObject();
  for (const auto& [kind, n] : run.problems) {
    if (n != 0) w.Key(kind).Int(n);
  }
  w.EndObject();
  w.Key("message").String(run.message);
  w.EndObject();
}

// Why a connector whose file checks cannot run now — its plugin is missing, or an option does
// not resolve (a ${NAME} whose environment variable is unset, a wrong type): one line each.
// Empty when it can run.
std::vector<std::string> NotRunnableReasons(const ServiceContext& service,
                                            const ConnectorSpec& spec) {
  std::string plugin_dir = service.settings.plugins_dir;
  if (plugin_dir.empty()) plugin_dir = DefaultPluginDir();
  Result<std::unique_ptr<ConnectorPlugin>> plugin = LoadConnector(spec.type, plugin_dir);
  if (!plugin.ok()) return Lines(plugin.status().message());
  auto options = ResolveConnectorOptions(spec, (*plugin)->api());
  if (!options.ok()) return Lines(options.status().message());
  return {};
}

HttpResponse HandleList(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  TextPage page;
  HttpResponse error;
  if (!ReadTextPage(ctx.request, &page, &error)) return error;
  Result<std::vector<ConnectorEntry>> all = ListConnectors(service);
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
    w.Key("file").String(fs::path(e.path).filename().string());
    w.Key("valid").Bool(e.spec.has_value());
    if (e.spec) {
      const std::vector<std::string> reasons = NotRunnableReasons(service, *e.spec);
      w.Key("runnable").Bool(reasons.empty());
      w.Key("not_runnable").StartArray();
      for (const std::string& r : reasons) w.String(r);
      w.EndArray();
      w.Key("title").String(e.spec->title);
      w.Key("type").String(e.spec->type);
      w.Key("trust").Int(e.spec->trust);
      w.Key("entity").String(EntityName(e.spec->entity));
    }
    w.Key("problems").StartArray();
    for (const std::string& p : Lines(e.problem.message())) w.String(p);
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

// The answer to a run that wrote nothing: 422 for a bad spec or plugin (one detail per problem
// line), 409 busy, 503 unreachable, or the status's own code.
HttpResponse NotStartedResponse(const std::string& path, bool spec_loaded, const Status& st) {
  if (st.code() != StatusCode::kInvalidArgument) return StatusToHttp(st);
  const std::string file = fs::path(path).filename().string();
  std::vector<ErrorDetail> details;
  for (const std::string& line : Lines(st.message())) {
    details.push_back({file, spec_loaded ? "invalid_options" : "invalid_spec", line});
  }
  return ErrorResponse(422, "validation_failed", "连接器配置有误，未运行", details);
}

// The runs this server is running, by (service, run id), each with the flag that cancels it
// after its current batch (POST /api/v1/runs/{id}/cancel). Keyed by service too: tests run
// several servers, each over its own store, in one process.
class RunningRuns {
 public:
  static RunningRuns& Get() {
    static RunningRuns* runs = new RunningRuns();
    return *runs;
  }
  void Add(const ServiceContext* s, int64_t run_id, std::shared_ptr<std::atomic<bool>> flag) {
    std::lock_guard<std::mutex> lock(mu_);
    flags_[{s, run_id}] = std::move(flag);
  }
  void Remove(const ServiceContext* s, int64_t run_id) {
    std::lock_guard<std::mutex> lock(mu_);
    flags_.erase({s, run_id});
  }
  // Sets the run's flag; false when the run is not running here.
  bool Cancel(const ServiceContext* s, int64_t run_id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = flags_.find({s, run_id});
    if (it == flags_.end()) return false;
    it->second->store(true);
    return true;
  }

 private:
  std::mutex mu_;
  std::map<std::pair<const ServiceContext*, int64_t>, std::shared_ptr<std::atomic<bool>>> flags_;
};

// What the request thread and the run's thread share until the run has started or ended.
struct RunStart {
  std::mutex mu;
  std::condition_variable changed;
  bool started = false;  // the first batch is committed: the run has an id
  bool ended = false;
  ConnectorRunOutcome outcome;
  int64_t run_id = 0;
};

// Starts the connector on a background job and answers 202 with the run's URL once its first
// batch is committed (GET /api/v1/runs/{id} then gives its progress), or the failure when it
// ends without having written anything.
HttpResponse HandleRun(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  const std::string id = ctx.params.at("id");
  if (ctx.store == nullptr) return NoStoreResponse();
  if (service.jobs == nullptr || !service.open_store) {
    return StatusToHttp(Status::Unavailable("后台任务不可用，无法运行连接器"));
  }
  Result<ConnectorEntry> entry = FindConnector(service, id);
  if (!entry.ok()) return StatusToHttp(entry.status());

  const std::string path = entry->path;
  const bool spec_loaded = entry->spec.has_value();
  auto start = std::make_shared<RunStart>();
  const Actor actor = ActorOf(ctx);
  const ServiceContext* s = &service;
  service.jobs->Start([s, start, actor, entry = std::move(*entry)]() {
    ConnectorRunOptions options;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    options.cancelled = [cancel]() { return cancel->load(); };
    options.on_batch = [s, start, cancel](const ImportRun& run) {
      std::lock_guard<std::mutex> lock(start->mu);
      if (start->started) return;
      RunningRuns::Get().Add(s, run.id, cancel);
      start->started = true;
      start->run_id = run.id;
      start->changed.notify_all();
    };
    ConnectorRunOutcome outcome;
    Result<std::unique_ptr<Store>> store = s->open_store();
    if (store.ok()) {
      outcome = RunConnector(**store, *s, actor, entry, options);
    } else {
      outcome.status = store.status();
      outcome.run.source = entry.id;
    }
    if (s->metrics != nullptr && outcome.run.id != 0) s->metrics->CountImport(outcome.run);
    std::lock_guard<std::mutex> lock(start->mu);
    if (start->started) RunningRuns::Get().Remove(s, start->run_id);
    start->ended = true;
    start->outcome = std::move(outcome);
    start->changed.notify_all();
  });

  std::unique_lock<std::mutex> lock(start->mu);
  start->changed.wait(lock, [&] { return start->started || start->ended; });
  const int64_t run_id = start->started ? start->run_id : start->outcome.run.id;
  if (run_id == 0) return NotStartedResponse(path, spec_loaded, start->outcome.status);
  JsonWriter w;
  w.StartObject();
  w.Key("run_id").Int(run_id);
  w.Key("source").String(id);
  w.Key("url").String("/api/v1/runs/" + std::to_string(run_id));
  w.EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.status = 202;
  response.headers["Location"] = "/api/v1/runs/" + std::to_string(run_id);
  return response;
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

// POST /api/v1/runs/{id}/cancel: stops a run of this server after its current batch. 202 when
// asked (the run then ends failed, "运行已取消"); 409 when the run is not running here.
HttpResponse HandleCancelRun(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  Result<int64_t> id = IdParam(ctx.params, "run_id");
  if (!id.ok()) return BadParameter("run_id", id.status().message());
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<ImportRun> run = ctx.store->GetImportRun(*id);
  if (!run.ok()) return StatusToHttp(run.status());
  const bool asked = RunningRuns::Get().Cancel(&service, *id);
  const Status audited = Audit(ctx, kAuditConnectorRun, "connector/" + run->source,
                               asked ? kAuditOk : kAuditFailed,
                               "cancel run=" + std::to_string(*id));
  if (!audited.ok()) return StatusToHttp(audited);
  if (!asked) {
    return StatusToHttp(Status::Precondition("第 " + std::to_string(*id) +
                                             " 次运行不在进行中（已结束，或不是本服务启动的），无法取消"));
  }
  HttpResponse response = JsonResponse(R"({"status":"cancelling"})");
  response.status = 202;
  return response;
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
                              RouteDoc("在后台运行连接器：首批数据提交后返回 202 "
                                       "与运行地址，运行进度与报告见 /api/v1/runs/{run_id}"),
                              [s](const RequestContext& ctx) { return HandleRun(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/connectors/{id}/runs",
                              RouteDoc("连接器的运行记录（由早到晚）", page),
                              [s](const RequestContext& ctx) { return HandleRuns(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/runs/{run_id}",
                              RouteDoc("一次导入运行的进度与报告（status 为 running 时仍在运行）"),
                              [s](const RequestContext& ctx) { return HandleRun1(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("POST", "/api/v1/runs/{run_id}/cancel",
                              RouteDoc("取消进行中的导入运行（当前批次提交后停止）"),
                              [s](const RequestContext& ctx) { return HandleCancelRun(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "GET", "/api/v1/runs/{run_id}/quarantine", RouteDoc("一次导入中被隔离的行及原因", page),
      [s](const RequestContext& ctx) { return HandleQuarantine(ctx, *s); }));
  return Status::Ok();
}

}  // namespace onetable
