#include "ingest/connector_runs.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <utility>

#include "ingest/plugin_loader.h"
#include "ingest/runtime.h"
#include "model/validation.h"

namespace onetable {
namespace fs = std::filesystem;

namespace {

// The audit detail of a run that wrote nothing: a stable word for why.
std::string NotStarted(const Status& st) {
  switch (st.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
      return "not started: invalid_spec";
    case StatusCode::kUnavailable:
      return "not started: unavailable";
    case StatusCode::kBusy:
      return "not started: busy";
    default:
      return "not started: store";
  }
}

}  // namespace

ConnectorEntry LoadConnectorEntry(const std::string& path, const Catalog& catalog) {
  ConnectorEntry entry;
  entry.path = path;
  Result<ConnectorSpec> spec = LoadConnectorSpec(path, catalog);
  if (spec.ok()) {
    entry.id = spec->id;
    entry.spec.emplace(std::move(*spec));
  } else {
    entry.id = fs::path(path).stem().string();
    entry.problem = spec.status();
  }
  return entry;
}

Result<std::vector<ConnectorEntry>> ListConnectors(const AppContext& app) {
  const std::string& dir = app.settings.connectors_dir;
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
    return Status::Invalid("无法读取连接器目录 " + dir + "：" + ec.message());
  }
  for (const std::string& file : files) out.push_back(LoadConnectorEntry(file, app.catalog));
  std::sort(out.begin(), out.end(), [](const ConnectorEntry& a, const ConnectorEntry& b) {
    return a.id != b.id ? a.id < b.id : a.path < b.path;
  });
  return out;
}

Result<ConnectorEntry> FindConnector(const AppContext& app, const std::string& id) {
  ASSIGN_OR_RETURN(std::vector<ConnectorEntry> all, ListConnectors(app));
  for (ConnectorEntry& entry : all) {
    if (entry.id == id) return std::move(entry);
  }
  return Status::NotFound("未找到连接器 " + id.substr(0, 64));
}

ConnectorRunOutcome RunConnector(Store& store, const AppContext& app, const Actor& actor,
                                 const ConnectorEntry& entry, const ConnectorRunOptions& options) {
  ConnectorRunOutcome out;
  out.run.source = entry.id;
  const std::string object = "connector/" + entry.id;
  // Records what happened; an audit failure is the outcome when the run itself went well.
  auto audited = [&](std::string_view result, const std::string& detail) {
    Status st = AppendAudit(store, actor, kAuditConnectorRun, object, result, detail);
    if (out.status.ok() && !st.ok()) out.status = st;
    return std::move(out);
  };
  if (!entry.spec) {
    out.status =
        entry.problem.ok() ? Status::Invalid(entry.path + ": 连接器配置有误") : entry.problem;
    return audited(kAuditFailed, NotStarted(out.status));
  }
  std::string plugin_dir = options.plugin_dir;
  if (plugin_dir.empty()) plugin_dir = app.settings.plugins_dir;
  if (plugin_dir.empty()) plugin_dir = DefaultPluginDir();
  Result<std::unique_ptr<ConnectorPlugin>> plugin = LoadConnector(entry.spec->type, plugin_dir);
  if (!plugin.ok()) {
    out.status = Status::Invalid(entry.path + ": " + plugin.status().message());
    return audited(kAuditFailed, "not started: plugin");
  }
  // The deployment's review_fields stand for a connector that names none.
  const ConnectorSpec* spec = &*entry.spec;
  ConnectorSpec with_deployment_fields;
  if (app.settings.review_fields && !spec->review_fields_set) {
    Status st =
        CheckReviewFields(*app.settings.review_fields, app.catalog, app.settings.review_fields_where);
    if (!st.ok()) {
      out.status = st;
      return audited(kAuditFailed, NotStarted(out.status));
    }
    with_deployment_fields = *spec;
    with_deployment_fields.review_fields = *app.settings.review_fields;
    spec = &with_deployment_fields;
  }
  const Validator validator(app.catalog, app.divisions);
  Importer importer(&store, app.catalog, validator);
  ImportOptions import_options;
  import_options.batch_size = options.batch_size;
  import_options.on_batch = options.on_batch;
  import_options.cancelled = options.cancelled;
  import_options.on_progress = options.on_progress;
  ImportRun partial;
  Result<ImportResult> result = importer.Run(*spec, **plugin, import_options, &partial);
  if (result.ok()) {
    out.run = std::move(result->run);
    out.warnings = std::move(result->warnings);
  } else {
    out.status = result.status();
    if (partial.id != 0) out.run = partial;
    out.run.source = entry.id;
  }
  if (out.run.id == 0) return audited(kAuditFailed, NotStarted(out.status));
  return audited(out.status.ok() ? kAuditOk : kAuditFailed,
                 "run=" + std::to_string(out.run.id) + " read=" + std::to_string(out.run.read) +
                     " rejected=" + std::to_string(out.run.rejected));
}

}  // namespace onetable
