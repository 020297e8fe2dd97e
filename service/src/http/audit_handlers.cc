#include "http/audit_handlers.h"

#include <string>

#include "audit/audit_chain.h"
#include "audit/audit_export.h"
#include "audit/audit_log.h"
#include "http/json_writer.h"
#include "http/register_json.h"
#include "http/request_audit.h"
#include "store/store.h"

namespace onetable {
namespace {

constexpr int64_t kMaxAfter = 999999999999999999;

Result<std::string> StoreTime(const std::string& text) {
  return AuditTimeOf(text, "查询参数 since");
}

// The store's "YYYY-MM-DD HH:MM:SS" as ISO 8601 UTC.
std::string IsoOf(const std::string& at) {
  if (at.size() != 19 || at[10] != ' ') return at;
  return at.substr(0, 10) + "T" + at.substr(11) + "Z";
}

HttpResponse BadParameter(const std::string& name, const Status& status) {
  return StatusToHttp(status, {ErrorDetail{name, "invalid_parameter", status.message()}});
}

HttpResponse HandleAudit(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kReadAudit);
  if (!who.ok()) return StatusToHttp(who.status());
  AuditQuery query;
  Result<int64_t> after = IntQueryParam(ctx.request, "after", 0, 0, kMaxAfter);
  if (!after.ok()) return BadParameter("after", after.status());
  Result<int64_t> limit = IntQueryParam(ctx.request, "limit", 50, 1, 500);
  if (!limit.ok()) return BadParameter("limit", limit.status());
  query.after_id = *after;
  // order=newest: the latest first, paged downwards with before=<the previous next_after>.
  if (auto it = ctx.request.query.find("order"); it != ctx.request.query.end()) {
    if (it->second != "newest" && it->second != "oldest") {
      return BadParameter("order", Status::Invalid("order 应为 newest 或 oldest"));
    }
    query.newest_first = it->second == "newest";
  }
  Result<int64_t> before = IntQueryParam(ctx.request, "before", 0, 0, kMaxAfter);
  if (!before.ok()) return BadParameter("before", before.status());
  query.before_id = *before;
  query.limit = static_cast<int>(*limit) + 1;  // one more: is there a next page?
  const auto text = [&](const char* key) {
    auto it = ctx.request.query.find(key);
    return it == ctx.request.query.end() ? std::string() : it->second;
  };
  query.user = text("user");
  query.action = text("action");
  if (!text("since").empty()) {
    Result<std::string> since = StoreTime(text("since"));
    if (!since.ok()) return BadParameter("since", since.status());
    query.since = *since;
  }
  if (!text("until").empty()) {
    Result<std::string> until = AuditTimeOf(text("until"), "查询参数 until");
    if (!until.ok()) return BadParameter("until", until.status());
    query.until = *until;
  }
  if (ctx.store == nullptr) {
    return StatusToHttp(Status::Internal("handler called without a store"));
  }
  Result<std::vector<AuditEntry>> entries = ctx.store->ListAudit(query);
  if (!entries.ok()) return StatusToHttp(entries.status());
  const bool more = static_cast<int64_t>(entries->size()) > *limit;
  if (more) entries->resize(static_cast<size_t>(*limit));

  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  for (const AuditEntry& e : *entries) {
    w.StartObject();
    w.Key("id").Int(e.id);
    w.Key("at").String(IsoOf(e.at));
    w.Key("user").String(e.user);
    w.Key("role").String(e.role);
    w.Key("source_addr").String(e.source_addr);
    w.Key("action").String(e.action);
    w.Key("object").String(e.object);
    w.Key("result").String(e.result);
    w.Key("request_id").String(e.request_id);
    w.Key("detail").String(e.detail);
    w.EndObject();
  }
  w.EndArray();
  WriteNextAfter(w, more ? entries->back().id : 0, more);  // limit >= 1: never empty then
  w.EndObject();
  return JsonResponse(w.Take());
}

// GET /api/v1/audit/export?since=&until=: the log as JSON Lines (audit/audit_export.h),
// streamed; the export itself is audited.
HttpResponse HandleExport(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kReadAudit);
  if (!who.ok()) return StatusToHttp(who.status());
  std::string bounds[2];
  const char* names[2] = {"since", "until"};
  for (int i = 0; i < 2; ++i) {
    auto it = ctx.request.query.find(names[i]);
    if (it == ctx.request.query.end() || it->second.empty()) continue;
    Result<std::string> t = AuditTimeOf(it->second, std::string("查询参数 ") + names[i]);
    if (!t.ok()) return BadParameter(names[i], t.status());
    bounds[i] = *t;
  }
  if (ctx.store == nullptr) {
    return StatusToHttp(Status::Internal("handler called without a store"));
  }
  const std::string detail = "since=" + bounds[0] + " until=" + bounds[1];
  Status audited = Audit(ctx, kAuditExport, "audit_log", kAuditOk, detail);
  if (!audited.ok()) return StatusToHttp(audited);
  HttpResponse response;
  response.content_type = "application/x-ndjson; charset=utf-8";
  response.headers["Content-Disposition"] = "attachment; filename=\"audit-log.jsonl\"";
  const std::string since = bounds[0], until = bounds[1];
  response.stream = [&ctx, since, until](std::ostream& out) -> Status {
    Result<int64_t> n = ExportAudit(*ctx.store, since, until, 0, [&](const std::string& line) {
      out << line;
      return static_cast<bool>(out);
    });
    return n.status();
  };
  return response;
}

// GET /api/v1/audit/verify: walks the chain with the service's key (audit/audit_chain.h).
HttpResponse HandleVerify(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kReadAudit);
  if (!who.ok()) return StatusToHttp(who.status());
  if (service.audit_key == nullptr) {
    return StatusToHttp(Status::Unavailable("服务未加载审计密钥，无法校验审计日志"));
  }
  if (ctx.store == nullptr) {
    return StatusToHttp(Status::Internal("handler called without a store"));
  }
  Result<AuditVerifyReport> report = VerifyAuditChain(*ctx.store, *service.audit_key);
  if (!report.ok()) return StatusToHttp(report.status());
  Status audited = Audit(ctx, kAuditVerify, "audit_log", report->ok() ? kAuditOk : kAuditFailed,
                         "records=" + std::to_string(report->records) +
                             " problems=" + std::to_string(report->problems.size()));
  if (!audited.ok()) return StatusToHttp(audited);
  JsonWriter w;
  w.StartObject();
  w.Key("ok").Bool(report->ok());
  w.Key("records").Int(report->records);
  w.Key("first_seq").Int(report->first_seq);
  w.Key("head_seq").Int(report->head_seq);
  w.Key("head_mac").String(report->head_mac);
  w.Key("problems").StartArray();
  for (const std::string& p : report->problems) w.String(p);
  w.EndArray();
  w.EndObject();
  return JsonResponse(w.Take());
}

}  // namespace

Status RegisterAuditRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  RouteDoc doc{"审计日志（审计员）：按用户、操作、起始时间筛选，分页"};
  doc.query = {{"user", "string", "用户名"},
               {"action", "string", "操作：login、logout、write、download、denied 等"},
               {"since", "string", "起始时间（UTC），如 2026-05-01 或 2026-05-01T08:00:00Z"},
               {"until", "string", "截止时间（UTC，不含）"},
               {"after", "integer", "上一页的 next_after"},
               {"order", "string", "oldest（默认，最早的在前）或 newest（最新的在前）"},
               {"before", "integer", "order=newest 时翻页：上一页的 next_after"},
               {"limit", "integer", "每页条数，1–500，默认 50"}};
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/audit", doc,
                              [s](const RequestContext& ctx) { return HandleAudit(ctx, *s); }));
  RouteDoc export_doc{
      "导出审计日志（审计员）：JSON Lines，每条记录一行（含序号与校验码），末行为链头"};
  export_doc.query = {{"since", "string", "起始时间（UTC，含）"},
                      {"until", "string", "截止时间（UTC，不含）"}};
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/audit/export", export_doc,
                              [s](const RequestContext& ctx) { return HandleExport(ctx, *s); }));
  RouteDoc verify_doc{
      "校验审计日志的完整性（审计员）：逐条核对带密钥的哈希链，列出被删除、修改或伪造的记录"};
  return router->Add("GET", "/api/v1/audit/verify", verify_doc,
                     [s](const RequestContext& ctx) { return HandleVerify(ctx, *s); });
}

}  // namespace onetable
