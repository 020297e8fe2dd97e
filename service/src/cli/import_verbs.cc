#include "cli/import_verbs.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "access/access.h"
#include "app/context.h"
#include "app/store_open.h"
#include "audit/audit_log.h"
#include "cli/verbs.h"
#include "ingest/connector_runs.h"
#include "ingest/linkage/chinese_names.h"
#include "ingest/runtime.h"
#include "model/catalog.h"
#include "model/divisions.h"
#include "store/store.h"

namespace onetable {
namespace fs = std::filesystem;

namespace {

// The schema version that has the ingest tables (schema/sql/*/0002_ingest.sql).
constexpr int kIngestSchemaVersion = 2;

struct Flags {
  std::string plugin_dir;
  size_t batch = 0;
  std::vector<std::string> positional;
};

Result<Flags> ParseFlags(const std::vector<std::string>& args) {
  Flags f;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--plugins" && i + 1 < args.size()) {
      f.plugin_dir = args[++i];
    } else if (args[i] == "--batch" && i + 1 < args.size()) {
      long n = std::atol(args[++i].c_str());
      if (n < 1 || n > 100000) return Status::Invalid("--batch 应为 1–100000 的整数");
      f.batch = static_cast<size_t>(n);
    } else if (args[i].rfind("--", 0) == 0) {
      return Status::Invalid("不认识的参数 " + args[i]);
    } else {
      f.positional.push_back(args[i]);
    }
  }
  return f;
}

int ExitCodeOf(const Status& st) {
  switch (st.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
      return kExitUsage;
    case StatusCode::kUnavailable:
    case StatusCode::kAborted:  // a deadlock rolled the batch back: running again may succeed
      return kExitUnavailable;
    case StatusCode::kBusy:
      return kExitBusy;
    default:
      return kExitInvalid;
  }
}

const char* StatusWord(int exit_code) {
  switch (exit_code) {
    case kExitOk:
      return "done";
    case kExitUsage:
      return "invalid";
    case kExitUnavailable:
      return "unreachable";
    case kExitBusy:
      return "busy";
    default:
      return "failed";
  }
}

// A progress bar on stderr, drawn only when stdout is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  ~ProgressBar() { Finish(); }
  void Update(int64_t done, int64_t total) {
    if (!enabled_) return;
    done_ = done;
    total_ = total;
    Draw();
  }
  void Rows(int64_t rows) {
    if (!enabled_) return;
    rows_ = rows;
    Draw();
  }
  void Finish() {
    if (enabled_ && drawn_) std::cerr << "\n";
    drawn_ = false;
  }

 private:
  void Draw() {
    constexpr int kWidth = 30;
    std::string bar;
    if (total_ > 0) {
      int filled = static_cast<int>(kWidth * std::min<int64_t>(done_, total_) / total_);
      bar = "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] " +
            std::to_string(100 * std::min<int64_t>(done_, total_) / total_) + "% ";
    }
    std::cerr << "\r" << bar << "已处理 " << rows_ << " 行" << std::flush;
    drawn_ = true;
  }
  bool enabled_;
  bool drawn_ = false;
  int64_t done_ = 0, total_ = 0, rows_ = 0;
};

// What every run shares: the catalog, the access policy, the division codes and the store.
struct Context {
  std::optional<Catalog> catalog;
  std::optional<Divisions> divisions;
  std::unique_ptr<AccessPolicy> policy;
  std::unique_ptr<AppContext> app;
  std::unique_ptr<Store> store;
};

Status OpenContext(const Config& config, Context* ctx) {
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return Status::Internal(catalog.status().message());
  ctx->catalog.emplace(std::move(*catalog));
  auto divisions = Divisions::Load(config.schema_dir + "/divisions");
  if (divisions.ok()) ctx->divisions.emplace(std::move(*divisions));
  ctx->policy = std::make_unique<AccessPolicy>(*ctx->catalog);
  if (std::string w = linkage::MissingConverterWarning(); !w.empty()) std::cerr << w << "\n";
  ctx->app =
      std::make_unique<AppContext>(AppContext{*ctx->catalog, *ctx->policy, SettingsOf(config),
                                              ctx->divisions ? &*ctx->divisions : nullptr});
  ASSIGN_OR_RETURN(ctx->store,
                   OpenReadyStore(config.store_url, *ctx->catalog, kIngestSchemaVersion,
                                   AuditKeyFileOf(config)));
  return Status::Ok();
}

struct Outcome {
  int exit_code = kExitOk;
  ImportRun run;
};

Outcome ImportOne(Context* ctx, const ConnectorEntry& entry, const Flags& flags) {
  Outcome out;
  const std::string& path = entry.path;
  ProgressBar bar(isatty(STDOUT_FILENO) != 0);
  ConnectorRunOptions options;
  options.batch_size = flags.batch;
  options.plugin_dir = flags.plugin_dir;
  options.on_progress = [&](int64_t done, int64_t total) { bar.Update(done, total); };
  options.on_batch = [&](const ImportRun& run) { bar.Rows(run.read); };
  ConnectorRunOutcome run = RunConnector(*ctx->store, *ctx->app, CliActor(), entry, options);
  bar.Finish();
  out.run = std::move(run.run);
  const std::vector<std::string>& warnings = run.warnings;
  const Status& st = run.status;
  out.exit_code = ExitCodeOf(st);
  if (!st.ok()) {
    out.run.status = StatusWord(out.exit_code);
    std::cerr << st.message() << "\n";
  }
  for (const auto& w : warnings) std::cerr << path << ": 警告：" << w << "\n";
  if (st.ok()) {
    const ImportRun& r = out.run;
    std::cout << "导入 " << r.source << "：读取 " << r.read << " 行，新增 " << r.created
              << "，更新 " << r.updated << "，未变 " << r.unchanged << "，关联已有 " << r.linked
              << "，待核实 " << r.review << "，隔离 " << r.rejected << "\n";
  }
  std::cout << ImportReportJson(out.run, warnings, st.message()) << std::endl;
  return out;
}

int FailBeforeRun(const std::string& source, const Status& st) {
  int code = ExitCodeOf(st);
  if (st.code() == StatusCode::kInternal) code = kExitInvalid;
  std::cerr << st.message() << "\n";
  ImportRun run;
  run.source = source;
  run.status = StatusWord(code);
  std::cout << ImportReportJson(run, {}, st.message()) << std::endl;
  return code;
}

}  // namespace

int RunImport(const Config& config, const std::vector<std::string>& args) {
  auto flags = ParseFlags(args);
  if (!flags.ok() || flags->positional.size() != 1) {
    std::cerr << (flags.ok() ? "" : flags.status().message() + "\n")
              << "用法：onetable import 连接器配置.yaml [--plugins 目录] [--batch 条数]\n";
    return kExitUsage;
  }
  const std::string& path = flags->positional[0];
  Context ctx;
  Status st = OpenContext(config, &ctx);
  if (!st.ok()) return FailBeforeRun(fs::path(path).stem().string(), st);
  return ImportOne(&ctx, LoadConnectorEntry(path, *ctx.catalog), *flags).exit_code;
}

int RunSync(const Config& config, const std::vector<std::string>& args) {
  auto flags = ParseFlags(args);
  if (!flags.ok() || !flags->positional.empty()) {
    std::cerr << (flags.ok() ? "" : flags.status().message() + "\n")
              << "用法：onetable sync [--plugins 目录] [--batch 条数]\n";
    return kExitUsage;
  }
  std::error_code ec;
  if (!fs::is_directory(config.connectors_dir, ec)) {
    return FailBeforeRun("sync", Status::Invalid("无法读取连接器目录 " + config.connectors_dir +
                                                 "：" + (ec ? ec.message() : "不是目录")));
  }
  Context ctx;
  Status st = OpenContext(config, &ctx);
  if (!st.ok()) return FailBeforeRun("sync", st);
  Result<std::vector<ConnectorEntry>> entries = ListConnectors(*ctx.app);
  if (!entries.ok()) return FailBeforeRun("sync", entries.status());
  ImportRun total;
  total.source = "sync";
  int failed = 0, worst = kExitOk;
  for (const ConnectorEntry& entry : *entries) {
    Outcome o = ImportOne(&ctx, entry, *flags);
    total.read += o.run.read;
    total.created += o.run.created;
    total.updated += o.run.updated;
    total.unchanged += o.run.unchanged;
    total.linked += o.run.linked;
    total.review += o.run.review;
    total.rejected += o.run.rejected;
    for (const auto& [kind, n] : o.run.problems) total.problems[kind] += n;
    if (o.exit_code != kExitOk) {
      ++failed;
      // Bad config outranks an unreachable source, then a busy one, then other failures.
      auto rank = [](int c) {
        return c == kExitUsage ? 4 : c == kExitUnavailable ? 3 : c == kExitBusy ? 2 : 1;
      };
      if (worst == kExitOk || rank(o.exit_code) > rank(worst)) worst = o.exit_code;
    }
  }
  total.status = failed ? "failed" : "done";
  std::string error;
  if (failed) error = std::to_string(failed) + " 个连接器未成功";
  if (entries->empty())
    std::cerr << "连接器目录 " << config.connectors_dir << " 中没有 .yaml 文件\n";
  std::cout << ImportReportJson(total, {}, error) << std::endl;
  return worst;
}

}  // namespace onetable
