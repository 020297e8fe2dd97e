#include "http/delivery_handlers.h"

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "app/background_jobs.h"
#include "delivery/delivery_admin.h"
#include "delivery/delivery_entries.h"
#include "delivery/delivery_run.h"
#include "http/json_writer.h"
#include "http/metrics.h"
#include "http/register_handlers.h"
#include "http/register_json.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "onetable/text.h"
#include "store/sql_store.h"

namespace onetable {
namespace {
namespace fs = std::filesystem;

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

void Time(JsonWriter& w, const char* key, int64_t t) {
  w.Key(key);
  if (t) {
    w.String(UtcTimestamp(t));
  } else {
    w.Null();
  }
}

void WriteState(JsonWriter& w, const DeliveryState& s) {
  w.Key("paused").Bool(s.control.paused);
  w.Key("running").Bool(s.running);
  Time(w, "last_run_at", s.control.last_run_at);
  Time(w, "last_success_at", s.control.last_success_at);
  w.Key("last_error").String(s.control.last_error);
  w.Key("pending_batches").Int(s.pending_batches);
  w.Key("pending_changes").Int(s.pending_changes);
  w.Key("failed_batches").Int(s.failed_batches);
  w.Key("failed_changes").Int(s.failed_changes);
  w.Key("acked_batches").Int(s.acked_batches);
}

void WriteEntry(JsonWriter& w, const DeliveryEntry& e, const DeliveryState& s) {
  w.StartObject();
  w.Key("id").String(e.id);
  w.Key("file").String(fs::path(e.path).filename().string());
  w.Key("valid").Bool(e.spec.has_value());
  if (e.spec) {
    w.Key("title").String(e.spec->title);
    w.Key("mapping").String(e.spec->mapping);
    w.Key("scope").String(e.spec->scope);
    w.Key("account").String(e.spec->account);
    w.Key("target").String(e.spec->target.type);
    w.Key("schedule").String(e.spec->schedule);
  }
  w.Key("problems").StartArray();
  for (std::string_view line : Split(e.problem.message(), '\n')) {
    if (!line.empty()) w.String(std::string(line));
  }
  w.EndArray();
  WriteState(w, s);
  w.EndObject();
}

HttpResponse HandleList(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<std::vector<DeliveryEntry>> all = ListDeliveries(service);
  if (!all.ok()) return StatusToHttp(all.status());
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  for (const DeliveryEntry& e : *all) {
    Result<DeliveryState> s = ReadDeliveryState(*ctx.store, e.id, Now());
    if (!s.ok()) return StatusToHttp(s.status());
    WriteEntry(w, e, *s);
  }
  w.EndArray().EndObject();
  return JsonResponse(w.Take());
}

HttpResponse HandleBatches(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  Page page;
  HttpResponse error;
  if (!ReadPage(ctx.request, &page, &error)) return error;
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<DeliveryEntry> entry = FindDelivery(service, ctx.params.at("id"));
  if (!entry.ok()) return StatusToHttp(entry.status());
  Result<std::vector<DeliveryBatch>> batches =
      ctx.store->ListDeliveryBatches(entry->id, "", page.after, page.limit + 1, false);
  if (!batches.ok()) return StatusToHttp(batches.status());
  const bool more = static_cast<int>(batches->size()) > page.limit;
  if (more) batches->resize(page.limit);
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  for (const DeliveryBatch& b : *batches) {
    w.StartObject();
    w.Key("seq").Int(b.seq);
    w.Key("idempotency_key").String(entry->id + ":" + std::to_string(b.seq));
    w.Key("status").String(b.status);
    w.Key("upserts").Int(b.upserts);
    w.Key("deletes").Int(b.deletes);
    w.Key("attempts").Int(b.attempts);
    w.Key("last_status").String(b.last_status);
    w.Key("response_code").Int(b.response_code);
    w.Key("created_at").String(b.created_at);
    w.Key("acked_at");
    if (b.acked_at.empty()) {
      w.Null();
    } else {
      w.String(b.acked_at);
    }
    w.EndObject();
  }
  w.EndArray();
  WriteNextAfter(w, batches->empty() ? 0 : batches->back().seq, more);
  w.EndObject();
  return JsonResponse(w.Take());
}

// Starts a run on a background job with a store of its own; its outcome goes to the store
// (receipts, control row, audit) and to /metrics.
Status StartRun(const RequestContext& ctx, const ServiceContext& service,
                const DeliveryEntry& entry) {
  if (service.jobs == nullptr || !service.open_store) {
    return Status::Unavailable("后台任务不可用，无法运行推送");
  }
  ASSIGN_OR_RETURN(std::optional<Lease> lease, ctx.store->GetLease(DeliveryLeaseName(entry.id)));
  if (lease && Now() < lease->expires_at) {
    return Status::Busy("推送 " + entry.id + " 正由 " + lease->holder + " 运行，请稍后再试");
  }
  const Actor actor = ActorOf(ctx);
  const ServiceContext* s = &service;
  service.jobs->Start([s, actor, entry]() {
    Result<std::unique_ptr<Store>> store = s->open_store();
    DeliveryOutcome o;
    o.delivery = entry.id;
    if (store.ok()) {
      o = RunDelivery(**store, *s, actor, entry, DeliveryRunOptions{});
    } else {
      o.status = store.status();
    }
    if (s->metrics != nullptr && o.ran) {
      s->metrics->CountDelivery(o.delivery, o.status.ok() ? "done" : "failed", o.batches, o.upserts,
                                o.deletes, o.attempts, o.failed_batches);
    }
  });
  return Status::Ok();
}

HttpResponse HandleRun(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<DeliveryEntry> entry = FindDelivery(service, ctx.params.at("id"));
  if (!entry.ok()) return StatusToHttp(entry.status());
  if (!entry->spec) {
    return ErrorResponse(422, "validation_failed", "推送配置有误，未运行");
  }
  Result<DeliveryControl> control = ctx.store->GetDeliveryControl(entry->id);
  if (!control.ok()) return StatusToHttp(control.status());
  if (control->paused) {
    return StatusToHttp(Status::Precondition("推送 " + entry->id + " 已暂停：请先恢复再运行"));
  }
  Status st = StartRun(ctx, service, *entry);
  if (!st.ok()) return StatusToHttp(st);
  JsonWriter w;
  w.StartObject().Key("delivery").String(entry->id).Key("status").String("started").EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.status = 202;
  return response;
}

HttpResponse HandleChange(const RequestContext& ctx, const ServiceContext& service,
                          DeliveryAction action) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageConnectors);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<DeliveryEntry> entry = FindDelivery(service, ctx.params.at("id"));
  if (!entry.ok()) return StatusToHttp(entry.status());
  Result<int64_t> moved = ChangeDelivery(*ctx.store, service, ActorOf(ctx), entry->id, action);
  if (!moved.ok()) return StatusToHttp(moved.status());
  // A retry sends the batches again now (when no run is under way; else that run or the next).
  if (action == DeliveryAction::kRetry && *moved > 0 && entry->spec) {
    StartRun(ctx, service, *entry).IgnoreError();
  }
  Result<DeliveryState> s = ReadDeliveryState(*ctx.store, entry->id, Now());
  if (!s.ok()) return StatusToHttp(s.status());
  JsonWriter w;
  WriteEntry(w, *entry, *s);
  return JsonResponse(w.Take());
}

}  // namespace

Status RegisterDeliveryRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  RETURN_IF_ERROR(
      router->Add("GET", "/api/v1/deliveries",
                  RouteDoc("推送列表：各推送的配置、状态、上次成功时间、待确认与被拒收的批次"),
                  [s](const RequestContext& ctx) { return HandleList(ctx, *s); }));
  RETURN_IF_ERROR(
      router->Add("GET", "/api/v1/deliveries/{id}/batches",
                  RouteDoc("推送的批次回执（由早到晚）：行数、尝试次数、最近状态、响应码、确认时间",
                           {{"after", "integer", "翻页：上一页的 next_after（批次号）", false},
                            {"limit", "integer", "每页条数，1–500，默认 50", false}}),
                  [s](const RequestContext& ctx) { return HandleBatches(ctx, *s); }));
  RETURN_IF_ERROR(router->Add("POST", "/api/v1/deliveries/{id}/run",
                              RouteDoc("在后台立即运行推送：返回 202；另一运行持有租约时 409"),
                              [s](const RequestContext& ctx) { return HandleRun(ctx, *s); }));
  RETURN_IF_ERROR(router->Add(
      "POST", "/api/v1/deliveries/{id}/pause",
      RouteDoc("暂停推送（定时与手动运行都不再推送，直到恢复）"),
      [s](const RequestContext& ctx) { return HandleChange(ctx, *s, DeliveryAction::kPause); }));
  RETURN_IF_ERROR(router->Add(
      "POST", "/api/v1/deliveries/{id}/resume", RouteDoc("恢复推送"),
      [s](const RequestContext& ctx) { return HandleChange(ctx, *s, DeliveryAction::kResume); }));
  RETURN_IF_ERROR(router->Add(
      "POST", "/api/v1/deliveries/{id}/retry",
      RouteDoc("重发被拒收的批次（同一内容与幂等键），并在后台开始运行"),
      [s](const RequestContext& ctx) { return HandleChange(ctx, *s, DeliveryAction::kRetry); }));
  return Status::Ok();
}

}  // namespace onetable
