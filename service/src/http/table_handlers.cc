#include "http/table_handlers.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/audit.h"
#include "http/register_handlers.h"
#include "http/register_request.h"
#include "http/table_access.h"
#include "mapping/csv_sink.h"
#include "mapping/json_sink.h"
#include "mapping/xlsx_sink.h"
#include "store/store.h"

namespace onetable {
namespace {
namespace fs = std::filesystem;

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

// A file name in the temporary directory that no one else has, removed with the object.
class TempPath {
 public:
  TempPath() {
    std::string pattern = (fs::temp_directory_path() / "onetable-table-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd >= 0) {
      close(fd);
      placeholder_ = pattern;
      path_ = pattern + ".xlsx";
    }
  }
  ~TempPath() {
    std::error_code ec;
    if (!placeholder_.empty()) fs::remove(placeholder_, ec);
    if (!path_.empty()) fs::remove(path_, ec);
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string placeholder_;
  std::string path_;
};

// Generates the table straight into `out` (CSV, JSON), or for XLSX into a temporary workbook
// (libxlsxwriter writes a file, in constant memory) that is then copied to `out`. `finish` is
// told the outcome exactly once, when the table is complete or has failed, before an XLSX byte
// is sent; CSV and JSON bytes may have left already (the server holds back only the first
// ones), and a failure of `finish` then cuts the download short.
Result<mapping::TableResult> Generate(
    const ServiceContext& service, const Principal& who, Store& store,
    const mapping::MappingSpec& spec, const TableParams& params, mapping::TableFormat format,
    std::ostream& out, const std::function<Status(const Result<mapping::TableResult>&)>& finish) {
  Result<mapping::TableResult> result = Status::Internal("not run");
  if (format == mapping::TableFormat::kXlsx) {
    TempPath temp;
    result = Status::Internal("cannot create a temporary file for XLSX");
    if (!temp.path().empty()) {
      // Closed (the workbook written) at the end of this block, before it is read back.
      Result<std::unique_ptr<mapping::XlsxSink>> sink = mapping::XlsxSink::Open(temp.path());
      result = sink.ok() ? GenerateFor(service, who, store, spec, params, 0, sink->get())
                         : Result<mapping::TableResult>(sink.status());
    }
    RETURN_IF_ERROR(finish(result));
    if (!result.ok()) return result;
    std::ifstream in(temp.path(), std::ios::binary);
    if (!in) return Status::Internal("cannot read back " + temp.path());
    out << in.rdbuf();
    if (!out) return Status::Internal("sending the XLSX file failed");
    return result;
  }
  std::unique_ptr<mapping::TableSink> sink;
  if (format == mapping::TableFormat::kCsv) {
    sink = std::make_unique<mapping::CsvSink>(out);
  } else {
    sink = std::make_unique<mapping::JsonSink>(out);
  }
  result = GenerateFor(service, who, store, spec, params, 0, sink.get());
  RETURN_IF_ERROR(finish(result));
  return result;
}

HttpResponse HandleDownload(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kRunTables);
  if (!who.ok()) return StatusToHttp(who.status());
  const std::string id = ctx.params.at("department") + "/" + ctx.params.at("table");
  const std::string object = "table/" + (ValidMappingId(id) ? id : std::string("invalid"));
  const TableParams params = ReadTableParams(ctx.request);
  std::string format_name = "xlsx";
  if (auto it = ctx.request.query.find("format"); it != ctx.request.query.end()) {
    format_name = it->second;
  }
  const std::string detail =
      "format=" + format_name.substr(0, 8) +
      " scope=" + (params.scope.empty() ? "all" : params.scope.substr(0, 64)) +
      " as_of=" + (params.as_of.empty() ? "default" : params.as_of.substr(0, 16));
  // Every answer past authentication is audited here, refusals included.
  const auto audit = [&ctx, object, detail](const Status& outcome, const std::string& extra) {
    const char* result = outcome.ok() ? kAuditOk
                         : outcome.code() == StatusCode::kPermissionDenied ? kAuditRefused
                                                                           : kAuditFailed;
    return Audit(ctx, kAuditDownload, object, result, detail + extra);
  };
  const auto refuse = [&](HttpResponse response, const Status& why) {
    Status st = audit(why, "");
    if (!st.ok()) return StatusToHttp(st);
    response.audited = true;
    return response;
  };
  Status allowed = service.policy.RequireTable(**who, id);
  if (!allowed.ok()) return refuse(StatusToHttp(allowed), allowed);
  std::optional<mapping::TableFormat> format = mapping::ParseTableFormat(format_name);
  if (!format.has_value()) {
    return refuse(BadParameter("format", "format 应为 xlsx、csv 或 json"),
                  Status::Invalid("format"));
  }
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<mapping::MappingSpec> loaded = LoadMappingById(service, id);
  if (!loaded.ok()) return refuse(StatusToHttp(loaded.status()), loaded.status());
  auto spec = std::make_shared<const mapping::MappingSpec>(std::move(loaded).value());

  HttpResponse response;
  response.content_type = ContentType(*format);
  const std::string ext = mapping::TableFormatName(*format);
  std::string ascii = id;
  for (char& c : ascii) {
    if (c == '/') c = '-';
  }
  response.headers["Content-Disposition"] = "attachment; filename=\"" + ascii + "." + ext +
                                            "\"; filename*=UTF-8''" + PercentEncode(spec->title) +
                                            "." + ext;
  response.headers["Cache-Control"] = "no-store";
  // The table is written while the answer is sent (router.h HttpResponse::stream); the audit
  // record is written when the table is complete, before its last byte goes out, so no download
  // finishes without one.
  response.audited = true;
  const Principal* caller = *who;
  response.stream = [&ctx, &service, caller, spec, params, format, audit](std::ostream& out) {
    Result<mapping::TableResult> result = Generate(
        service, *caller, *ctx.store, *spec, params, *format, out,
        [&](const Result<mapping::TableResult>& done) {
          if (!done.ok()) return audit(done.status(), "");
          return audit(Status::Ok(), " as_of_used=" + done->as_of.ToString() +
                                         " rows=" + std::to_string(done->counts.data_rows));
        });
    return result.status();
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
               {"as_of", "string", "基准日 YYYY-MM-DD 或年份（默认按映射）", false}};
  return router->Add("GET", "/api/v1/tables/{department}/{table}", doc,
                     [s](const RequestContext& ctx) { return HandleDownload(ctx, *s); });
}

}  // namespace onetable
