#include "cli/deliver_verbs.h"

#include <ctime>
#include <iostream>
#include <optional>

#include "access/access.h"
#include "app/context.h"
#include "app/exit_codes.h"
#include "app/store_open.h"
#include "audit/audit_log.h"
#include "delivery/delivery_admin.h"
#include "delivery/delivery_entries.h"
#include "delivery/delivery_run.h"
#include "delivery/delivery_schedule.h"
#include "model/catalog.h"
#include "store/sql_store.h"

namespace onetable {
namespace {

// Deliveries need their tables (0011), the change tracking of incremental runs (0017), the batch
// contents' own table (0021) and the receipts stored by row (0022).
constexpr int kDeliverySchemaVersion = 22;

const char kDeliverUsage[] =
    "用法：onetable deliver [推送ID] [--full]  立即运行该推送（不带 ID：运行全部到期的推送；\n"
    "                                          --full：整表重算比对，不只看变动过的人员）\n"
    "      onetable deliver --list              查看各推送的状态\n"
    "      onetable deliver --pause|--resume|--retry 推送ID   暂停、恢复、重发被拒收的批次\n";

int ExitFor(const DeliveryOutcome& o) {
  if (o.status.ok()) return kExitOk;
  if (o.paused) return kExitUsage;
  switch (o.status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kPermissionDenied:
      return kExitUsage;
    case StatusCode::kUnavailable:
    case StatusCode::kAborted:
      return kExitUnavailable;
    case StatusCode::kBusy:
      return kExitBusy;
    default:
      return kExitInvalid;
  }
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void Report(const DeliveryOutcome& o) {
  if (o.status.ok()) {
    std::cerr << "推送 " << o.delivery << "：表内 " << o.rows << " 行，未变 " << o.unchanged
              << " 行；送达 " << o.batches << " 批（其中重发 " << o.resent << " 批），新增或变更 "
              << o.upserts << " 行，删除 " << o.deletes << " 行";
    if (o.blank_keys) std::cerr << "；" << o.blank_keys << " 行的 key 为空或被遮蔽，未推送";
    std::cerr << (o.incremental ? "（只重算了变动过的人员）" : "（整表重算）");
    std::cerr << "\n";
  } else {
    std::cerr << o.status.message() << "\n";
  }
  std::cout << "{\"delivery\":\"" << JsonEscape(o.delivery) << "\",\"status\":\""
            << (o.status.ok() ? "done" : "failed") << "\",\"batches\":" << o.batches
            << ",\"resent\":" << o.resent << ",\"upserts\":" << o.upserts
            << ",\"deletes\":" << o.deletes << ",\"rows\":" << o.rows
            << ",\"attempts\":" << o.attempts;
  if (o.ran && o.status.ok()) {
    std::cout << ",\"mode\":\"" << (o.incremental ? "incremental" : "full") << "\"";
    if (!o.incremental) std::cout << ",\"full_reason\":\"" << JsonEscape(o.full_reason) << "\"";
  }
  if (!o.status.ok()) std::cout << ",\"error\":\"" << JsonEscape(o.status.message()) << "\"";
  std::cout << "}" << std::endl;
}

int Rank(int code) {
  return code == kExitUsage         ? 4
         : code == kExitUnavailable ? 3
         : code == kExitBusy        ? 2
         : code                     ? 1
                                    : 0;
}

// Each attempt that did not get through is said on stderr, with the wait before the next.
DeliveryRunOptions RunOptions(bool full) {
  DeliveryRunOptions options;
  options.full = full;
  options.on_retry = [](const DeliveryBatch& batch, const std::string& message, int64_t delay) {
    std::cerr << "第 " << batch.seq << " 批第 " << batch.attempts << " 次发送未成功：" << message
              << "；" << delay << " 毫秒后重试\n";
  };
  return options;
}

std::string When(int64_t t) { return t ? UtcTimestamp(t) + " UTC" : "从未"; }

}  // namespace

int CheckDeliveryDir(const Config& config, const Catalog& catalog, std::ostream& out,
                     int* checked) {
  const AccessPolicy policy(catalog);
  const AppContext app{catalog, policy, SettingsOf(config)};
  std::vector<std::string> bad = CheckDeliveries(app, checked);
  for (const std::string& line : bad) out << line << "\n";
  return static_cast<int>(bad.size());
}

int RunDeliver(const Config& config, const std::vector<std::string>& args) {
  std::string id, action;
  bool full = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--full") {
      full = true;
    } else if (a == "--list") {
      action = a;
    } else if ((a == "--pause" || a == "--resume" || a == "--retry") && i + 1 < args.size() &&
               action.empty()) {
      action = a;
      id = args[++i];
    } else if (a.rfind("-", 0) != 0 && id.empty()) {
      id = a;
    } else {
      std::cerr << "deliver 不认识参数 " << a << "\n\n" << kDeliverUsage;
      return kExitUsage;
    }
  }
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) {
    std::cerr << catalog.status().message() << "\n";
    return kExitInvalid;
  }
  auto store = OpenReadyStore(config.store_url, *catalog, kDeliverySchemaVersion);
  if (!store.ok()) {
    std::cerr << store.status().message() << "\n";
    return store.status().code() == StatusCode::kUnavailable ? kExitUnavailable : kExitUsage;
  }
  const AccessPolicy policy(*catalog);
  const AppContext app{*catalog, policy, SettingsOf(config)};
  const Actor actor = CliActor();

  if (action == "--list") {
    Result<std::vector<DeliveryEntry>> all = ListDeliveries(app);
    if (!all.ok()) {
      std::cerr << all.status().message() << "\n";
      return kExitUsage;
    }
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    for (const DeliveryEntry& e : *all) {
      Result<DeliveryState> s = ReadDeliveryState(**store, e.id, now);
      if (!s.ok()) {
        std::cerr << s.status().message() << "\n";
        return kExitUnavailable;
      }
      std::cout << e.id << "\t" << (e.spec ? e.spec->title : "（配置有误）") << "\t"
                << (s->control.paused ? "已暂停"
                    : s->running      ? "运行中"
                                      : "正常")
                << "\t上次成功：" << When(s->control.last_success_at) << "\t待确认："
                << s->pending_batches << " 批 " << s->pending_changes << " 行\t被拒收："
                << s->failed_batches << " 批";
      if (!s->control.last_error.empty()) std::cout << "\t上次错误：" << s->control.last_error;
      std::cout << "\n";
    }
    return kExitOk;
  }
  if (!action.empty()) {
    const DeliveryAction what = action == "--pause"    ? DeliveryAction::kPause
                                : action == "--resume" ? DeliveryAction::kResume
                                                       : DeliveryAction::kRetry;
    Result<int64_t> moved = ChangeDelivery(**store, app, actor, id, what);
    if (!moved.ok()) {
      std::cerr << moved.status().message() << "\n";
      return moved.status().code() == StatusCode::kNotFound ? kExitUsage : kExitInvalid;
    }
    std::cerr << "推送 " << id
              << (what == DeliveryAction::kPause ? " 已暂停"
                  : what == DeliveryAction::kResume
                      ? " 已恢复"
                      : " 的 " + std::to_string(*moved) + " 批被拒收的批次将在下次运行时重发")
              << "\n";
    return kExitOk;
  }

  if (!id.empty()) {
    Result<DeliveryEntry> entry = FindDelivery(app, id);
    if (!entry.ok()) {
      std::cerr << entry.status().message() << "\n";
      return kExitUsage;
    }
    DeliveryOutcome o = RunDelivery(**store, app, actor, *entry, RunOptions(full));
    Report(o);
    return ExitFor(o);
  }
  Result<std::vector<DeliveryOutcome>> runs = RunDueDeliveries(**store, app, actor, RunOptions(full));
  if (!runs.ok()) {
    std::cerr << runs.status().message() << "\n";
    return kExitUsage;
  }
  int worst = kExitOk;
  int ran = 0;
  for (const DeliveryOutcome& o : *runs) {
    if (!o.ran && o.status.ok()) continue;
    ++ran;
    Report(o);
    if (Rank(ExitFor(o)) > Rank(worst)) worst = ExitFor(o);
  }
  if (ran == 0) std::cerr << "没有到期的推送\n";
  return worst;
}

}  // namespace onetable
