#include "cli/audit_verbs.h"

#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "app/exit_codes.h"
#include "app/store_open.h"
#include "audit/audit_chain.h"
#include "audit/audit_export.h"
#include "audit/audit_key.h"
#include "audit/audit_log.h"
#include "model/catalog.h"
#include "store/store.h"

namespace onetable {
namespace {

constexpr char kAuditUsage[] =
    "用法：onetable audit verify\n"
    "      onetable audit export [--since 日期] [--until 日期] [-o 文件]\n"
    "      onetable audit purge --before 日期 -o 存档文件\n";

// The chain needs migration 0009.
constexpr int kAuditChainSchemaVersion = 9;

int Fail(int code, const std::string& message) {
  std::cerr << message << "\n";
  return code;
}

int ExitFor(const Status& st) {
  return st.code() == StatusCode::kUnavailable ? kExitUnavailable : kExitInvalid;
}

std::string UtcDaysAgo(int days) {
  const std::time_t t = std::time(nullptr) - static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

struct Opened {
  std::optional<Catalog> catalog;
  std::unique_ptr<Store> store;
  std::unique_ptr<AuditKey> key;  // a second handle on the store's key, for verify
};

Status Open(const Config& config, Opened* out) {
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return catalog.status();
  out->catalog.emplace(std::move(*catalog));
  ASSIGN_OR_RETURN(out->store, OpenReadyStore(config.store_url, *out->catalog,
                                              kAuditChainSchemaVersion, AuditKeyFileOf(config)));
  ASSIGN_OR_RETURN(out->key, LoadAuditKey(AuditKeyFileOf(config)));
  return Status::Ok();
}

int Verify(const Config& config, const std::vector<std::string>& args) {
  if (!args.empty()) return Fail(kExitUsage, kAuditUsage);
  Opened o;
  Status st = Open(config, &o);
  if (!st.ok()) return Fail(ExitFor(st), st.message());
  Result<AuditVerifyReport> report = VerifyAuditChain(*o.store, *o.key);
  if (!report.ok()) return Fail(ExitFor(report.status()), report.status().message());
  const std::string detail = "records=" + std::to_string(report->records) +
                             " problems=" + std::to_string(report->problems.size());
  AppendAudit(*o.store, CliActor(), kAuditVerify, "audit_log",
              report->ok() ? kAuditOk : kAuditFailed, detail)
      .IgnoreError();
  if (!report->ok()) {
    for (const std::string& p : report->problems) std::cout << p << "\n";
    std::cout << "审计日志校验未通过：" << report->problems.size() << " 处问题\n";
    return kExitInvalid;
  }
  std::cout << "审计日志完整：" << report->records << " 条记录（seq " << report->first_seq << "–"
            << report->head_seq << "），链头校验码 " << report->head_mac << "\n";
  return kExitOk;
}

int Export(const Config& config, const std::vector<std::string>& args) {
  std::string since, until, path;
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "--since" || args[i] == "--until" || args[i] == "-o") && i + 1 < args.size()) {
      const std::string& flag = args[i];
      const std::string& value = args[++i];
      if (flag == "-o") {
        path = value;
        continue;
      }
      Result<std::string> t = AuditTimeOf(value, flag);
      if (!t.ok()) return Fail(kExitUsage, t.status().message());
      (flag == "--since" ? since : until) = *t;
    } else {
      return Fail(kExitUsage, "audit export 不认识参数 " + args[i] + "\n\n" + kAuditUsage);
    }
  }
  Opened o;
  Status st = Open(config, &o);
  if (!st.ok()) return Fail(ExitFor(st), st.message());
  std::ofstream file;
  if (!path.empty()) {
    file.open(path, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(kExitInvalid, "无法写入 " + path);
  }
  std::ostream& out = path.empty() ? std::cout : file;
  Result<int64_t> n = ExportAudit(*o.store, since, until, 0, [&](const std::string& line) {
    out << line;
    return static_cast<bool>(out);
  });
  if (n.ok()) out.flush();
  const bool written = n.ok() && static_cast<bool>(out);
  AppendAudit(*o.store, CliActor(), kAuditExport, "audit_log", written ? kAuditOk : kAuditFailed,
              "since=" + since + " until=" + until + " records=" + std::to_string(n.ok() ? *n : 0))
      .IgnoreError();
  if (!n.ok()) return Fail(ExitFor(n.status()), n.status().message());
  if (!written) return Fail(kExitInvalid, "写出审计日志失败：" + path);
  std::cerr << "已导出 " << *n << " 条审计记录\n";
  return kExitOk;
}

int Purge(const Config& config, const std::vector<std::string>& args) {
  std::string before, path;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--before" && i + 1 < args.size()) {
      Result<std::string> t = AuditTimeOf(args[++i], "--before");
      if (!t.ok()) return Fail(kExitUsage, t.status().message());
      before = *t;
    } else if (args[i] == "-o" && i + 1 < args.size()) {
      path = args[++i];
    } else {
      return Fail(kExitUsage, "audit purge 不认识参数 " + args[i] + "\n\n" + kAuditUsage);
    }
  }
  if (before.empty() || path.empty()) {
    return Fail(kExitUsage, "audit purge 需要 --before 日期 和 -o 存档文件（先存档，后清理）\n\n" +
                                std::string(kAuditUsage));
  }
  const std::string oldest_allowed = UtcDaysAgo(config.audit_retention_days);
  if (before > oldest_allowed) {
    return Fail(kExitInvalid, "审计日志至少保留 " + std::to_string(config.audit_retention_days) +
                                  " 天：--before 不能晚于 " + oldest_allowed.substr(0, 10));
  }
  Opened o;
  Status st = Open(config, &o);
  if (!st.ok()) return Fail(ExitFor(st), st.message());
  // Only an intact chain may be cut: a purge must not hide a deletion.
  Result<AuditVerifyReport> report = VerifyAuditChain(*o.store, *o.key);
  if (!report.ok()) return Fail(ExitFor(report.status()), report.status().message());
  if (!report->ok()) {
    for (const std::string& p : report->problems) std::cout << p << "\n";
    return Fail(kExitInvalid, "审计日志校验未通过，不能清理（请先查明上述问题）");
  }
  // The last chained record older than `before`: the chain is in time order.
  int64_t through = 0;
  for (int64_t after = report->first_seq - 1;;) {
    Result<std::vector<AuditEntry>> page = o.store->ListAuditChain(after, 1000);
    if (!page.ok()) return Fail(ExitFor(page.status()), page.status().message());
    bool past = false;
    for (const AuditEntry& e : *page) {
      if (e.at >= before) {
        past = true;
        break;
      }
      through = e.seq;
    }
    if (past || page->size() < 1000) break;
    after = page->back().seq;
  }
  if (through == 0) {
    std::cerr << "没有早于 " << before << " 的审计记录，无需清理\n";
    return kExitOk;
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return Fail(kExitInvalid, "无法写入存档文件 " + path);
  Result<int64_t> archived = ExportAudit(*o.store, "", before, through, [&](const std::string& l) {
    file << l;
    return static_cast<bool>(file);
  });
  file.close();
  if (!archived.ok()) return Fail(ExitFor(archived.status()), archived.status().message());
  if (!file) return Fail(kExitInvalid, "写入存档文件失败：" + path + "（未清理任何记录）");
  Result<int64_t> removed = o.store->PurgeAudit(through);
  if (!removed.ok()) return Fail(ExitFor(removed.status()), removed.status().message());
  Status audited = AppendAudit(*o.store, CliActor(), kAuditPurge, "audit_log", kAuditOk,
                               "before=" + before + " through_seq=" + std::to_string(through) +
                                   " removed=" + std::to_string(*removed));
  if (!audited.ok()) return Fail(ExitFor(audited), audited.message());
  std::cerr << "已存档并清理 " << *removed << " 条审计记录（至 seq " << through << "），存档："
            << path << "\n";
  return kExitOk;
}

}  // namespace

int RunAudit(const Config& config, const std::vector<std::string>& args) {
  if (args.empty()) return Fail(kExitUsage, kAuditUsage);
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "verify") return Verify(config, rest);
  if (args[0] == "export") return Export(config, rest);
  if (args[0] == "purge") return Purge(config, rest);
  return Fail(kExitUsage, "audit 不认识子命令 " + args[0] + "\n\n" + kAuditUsage);
}

}  // namespace onetable
