#include "mapping/table_run.h"

#include <optional>
#include <utility>

#include "mapping/change_roster.h"

namespace onetable {
namespace {

std::string RequestDetail(const TableRunRequest& request) {
  const TableParams& p = request.params;
  const std::string format =
      request.max_rows > 0 ? std::string("preview") : request.format_name.substr(0, 8);
  return "format=" + format + " scope=" + (p.scope.empty() ? "all" : p.scope.substr(0, 64)) +
         " as_of=" + (p.as_of.empty() ? "default" : p.as_of.substr(0, 16)) +
         (p.changes_since.empty() ? "" : " changes_since=" + p.changes_since.substr(0, 16));
}

const char* ActionOf(const TableRunRequest& request) {
  return request.max_rows > 0 ? kAuditPreview : kAuditDownload;
}

const char* ResultOf(const Status& outcome) {
  if (outcome.ok()) return kAuditOk;
  return outcome.code() == StatusCode::kPermissionDenied ? kAuditRefused : kAuditFailed;
}

}  // namespace

std::string TableAuditObject(const std::string& mapping_id) {
  return "table/" + (ValidMappingId(mapping_id) ? mapping_id : std::string("invalid"));
}

TableRun::TableRun(const AppContext& app, Actor actor, Principal who, TableRunRequest request,
                   mapping::MappingSpec spec, mapping::TableFormat format)
    : app_(&app),
      actor_(std::move(actor)),
      who_(std::move(who)),
      request_(std::move(request)),
      spec_(std::move(spec)),
      format_(format) {}

Result<TableRun> TableRun::Start(Store& store, const AppContext& app, const Actor& actor,
                                 const Principal& who, TableRunRequest request) {
  const auto refuse = [&](const Status& why) -> Status {
    RETURN_IF_ERROR(AppendAudit(store, actor, ActionOf(request),
                                TableAuditObject(request.mapping_id), ResultOf(why),
                                RequestDetail(request)));
    return why;
  };
  Status allowed = app.policy.RequireTable(who, request.mapping_id);
  if (!allowed.ok()) return refuse(allowed);
  std::optional<mapping::TableFormat> format = mapping::TableFormat::kCsv;
  if (request.max_rows == 0) {
    format = mapping::ParseTableFormat(request.format_name);
    if (!format) return refuse(Status::Invalid("格式应为 xlsx、csv 或 json"));
  }
  Result<mapping::MappingSpec> spec = LoadMappingById(app, request.mapping_id);
  if (!spec.ok()) return refuse(spec.status());
  Status seen = RequireRowSelectorsSeen(app, who, *spec);
  if (!seen.ok()) return refuse(seen);
  if (!request.params.changes_since.empty()) {
    Status since = mapping::CheckChangesSince(*spec, request.params.as_of,
                                              request.params.changes_since, Today());
    if (!since.ok()) return refuse(since);
  }
  return TableRun(app, actor, who, std::move(request), std::move(*spec), *format);
}

Result<mapping::TableResult> TableRun::Generate(Store& store, mapping::TableSink* sink) {
  Result<mapping::TableResult> result =
      GenerateFor(*app_, who_, store, spec_, request_.params, request_.max_rows, sink);
  std::string detail = RequestDetail(request_);
  if (result.ok()) {
    detail += " as_of_used=" + result->as_of.ToString() +
              " rows=" + std::to_string(result->counts.data_rows);
  }
  RETURN_IF_ERROR(AppendAudit(store, actor_, ActionOf(request_),
                              TableAuditObject(request_.mapping_id), ResultOf(result.status()),
                              detail));
  return result;
}

Status TableRun::Fail(Store& store, const Status& why) {
  RETURN_IF_ERROR(AppendAudit(store, actor_, ActionOf(request_),
                              TableAuditObject(request_.mapping_id), ResultOf(why),
                              RequestDetail(request_)));
  return why;
}

}  // namespace onetable
