#include "http/table_handlers.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/register_handlers.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "http/table_progress.h"
#include "mapping/table_access.h"
#include "mapping/table_run.h"
#include "mapping/table_sink.h"
#include "store/store.h"

namespace onetable {
namespace {

const char* ContentType(mapping::TableFormat format) {
  switch (format) {
    case mapping::TableFormat::kXlsx:
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    case mapping::TableFormat::kCsv:
      return "text/csv; charset=utf-8";
    case mapping::TableFormat::kJson:
      return "application/json; charset=utf-8";
  }
  return "application/octet-stream";
}

// RFC 5987 percent-encoding for filename*.
std::string PercentEncode(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

HttpResponse HandleDownload(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kRunTables);
  if (!who.ok()) return StatusToHttp(who.status());
  TableRunRequest request;
  request.mapping_id = ctx.params.at("department") + "/" + ctx.params.at("table");
  request.params = ReadTableParams(ctx.request);
  request.format_name = "xlsx";
  if (auto it = ctx.request.query.find("format"); it != ctx.request.query.end()) {
    request.format_name = it->second;
  }
  // A page that waits for the table names a token to follow its progress by (table_progress.h).
  std::string token;
  if (auto it = ctx.request.query.find("progress"); it != ctx.request.query.end()) {
    token = it->second;
    if (!IsProgressToken(token)) {
      return BadParameter("progress", "进度令牌应为 8–64 个字母、数字、- 或 _");
    }
  }
  if (ctx.store == nullptr) return NoStoreResponse();
  // Every answer past authentication is audited by the table run, refusals included.
  Result<TableRun> started =
      TableRun::Start(*ctx.store, service, ActorOf(ctx), **who, std::move(request));
  if (!started.ok()) {
    const std::string format_name =
        ctx.request.query.count("format") ? ctx.request.query.at("format") : std::string("xlsx");
    HttpResponse refused = mapping::ParseTableFormat(format_name)
                               ? StatusToHttp(started.status())
                               : BadParameter("format", "format 应为 xlsx、csv 或 json");
    refused.audited = true;
    return refused;
  }
  auto run = std::make_shared<TableRun>(std::move(*started));
  std::shared_ptr<TableProgress> progress =
      token.empty() ? nullptr : StartTableProgress(service, (*who)->user, token);

  HttpResponse response;
  response.content_type = ContentType(run->format());
  const std::string ext = mapping::TableFormatName(run->format());
  std::string ascii = run->spec().id;
  for (char& c : ascii) {
    if (c == '/') c = '-';
  }
  response.headers["Content-Disposition"] = "attachment; filename=\"" + ascii + "." + ext +
                                            "\"; filename*=UTF-8''" +
                                            PercentEncode(run->spec().title) + "." + ext;
  response.headers["Cache-Control"] = "no-store";
  // The table is written while the answer is sent (router.h HttpResponse::stream); the run
  // audits it when the table is complete, before its last byte goes out (XLSX: before any), so
  // no download finishes without its record.
  response.audited = true;
  response.stream = [&ctx, run, progress](std::ostream& out) -> Status {
    Result<std::unique_ptr<mapping::TableSink>> sink = mapping::OpenTableSink(run->format(), out);
    if (!sink.ok()) return run->Fail(*ctx.store, sink.status());
    if (progress == nullptr) return run->Generate(*ctx.store, sink->get()).status();
    std::unique_ptr<mapping::TableSink> counted = CountingSink(sink->get(), progress);
    return run->Generate(*ctx.store, counted.get()).status();
  };
  return response;
}

}  // namespace

Status RegisterTableRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  RouteDoc doc;
  doc.summary = "生成并下载部门报表（XLSX、CSV 或 JSON）";
  doc.query = {{"format", "string", "xlsx（默认）、csv 或 json", false},
               {"scope", "string", "区划或网格代码（默认：本人可见的全部）", false},
               {"as_of", "string", "基准日 YYYY-MM-DD 或年份（默认按映射）", false},
               {"changes_since", "string",
                "YYYY-MM-DD：只返回该日至基准日之间新增、变更、减少的行（变动名单，首两列为"
                "变动类型与变动项）",
                false}};
  doc.query.push_back({"progress", "string",
                       "进度令牌（8–64 位字母、数字、- 或 _）：下载时可用 /api/v1/table-progress/{令牌} "
                       "查询已生成行数或取消",
                       false});
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/tables/{department}/{table}", doc,
                              [s](const RequestContext& ctx) { return HandleDownload(ctx, *s); }));
  return RegisterTableProgressRoutes(router, service);
}

}  // namespace onetable
