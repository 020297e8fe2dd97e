#include "http/table_handlers.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
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

// Generates the table into `body`. Reports the rows written in *rows.
Result<mapping::TableResult> Build(const ServiceContext& service, const Principal& who,
                                   Store& store, const mapping::MappingSpec& spec,
                                   const TableParams& params, mapping::TableFormat format,
                                   std::string* body) {
  if (format == mapping::TableFormat::kXlsx) {
    TempPath temp;
    if (temp.path().empty()) return Status::Internal("cannot create a temporary file for XLSX");
    Result<mapping::TableResult> result = Status::Internal("not run");
    {
      Result<std::unique_ptr<mapping::XlsxSink>> sink = mapping::XlsxSink::Open(temp.path());
      if (!sink.ok()) return sink.status();
      result = GenerateFor(service, who, store, spec, params, 0, sink->get());
    }
    if (!result.ok()) return result;
    std::ifstream in(temp.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in.good() && !in.eof()) return Status::Internal("cannot read back " + temp.path());
    *body = bytes.str();
    return result;
  }
  std::ostringstream out;
  std::unique_ptr<mapping::TableSink> sink;
  if (format == mapping::TableFormat::kCsv) {
    sink = std::make_unique<mapping::CsvSink>(out);
  } else {
    sink = std::make_unique<mapping::JsonSink>(out);
  }
  ASSIGN_OR_RETURN(mapping::TableResult result,
                   GenerateFor(service, who, store, spec, params, 0, sink.get()));
  *body = out.str();
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
  std::string detail = "format=" + format_name.substr(0, 8) +
                       " scope=" + (params.scope.empty() ? "all" : params.scope.substr(0, 64)) +
                       " as_of=" + (params.as_of.empty() ? "default" : params.as_of.substr(0, 16));
  // Every answer past authentication is audited here, refusals included.
  auto finish = [&](HttpResponse response, bool ok, const std::string& extra) {
    Status st = Audit(ctx, kAuditDownload, object,
                      ok ? kAuditOk : (response.status == 403 ? kAuditRefused : kAuditFailed),
                      detail + extra);
    if (!st.ok()) return StatusToHttp(st);
    response.audited = true;
    return response;
  };
  Status allowed = service.policy.RequireTable(**who, id);
  if (!allowed.ok()) return finish(StatusToHttp(allowed), false, "");
  std::optional<mapping::TableFormat> format = mapping::ParseTableFormat(format_name);
  if (!format.has_value()) {
    return finish(BadParameter("format", "format 应为 xlsx、csv 或 json"), false, "");
  }
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<mapping::MappingSpec> spec = LoadMappingById(service, id);
  if (!spec.ok()) return finish(StatusToHttp(spec.status()), false, "");
  std::string body;
  Result<mapping::TableResult> result =
      Build(service, **who, *ctx.store, *spec, params, *format, &body);
  if (!result.ok()) return finish(StatusToHttp(result.status()), false, "");

  HttpResponse response;
  response.body = std::move(body);
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
  return finish(std::move(response), true,
                " as_of_used=" + result->as_of.ToString() +
                    " rows=" + std::to_string(result->counts.data_rows));
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
