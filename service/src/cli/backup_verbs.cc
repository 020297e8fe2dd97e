#include "cli/backup_verbs.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/exit_codes.h"
#include "app/store_open.h"
#include "audit/audit_chain.h"
#include "audit/audit_key.h"
#include "audit/audit_log.h"
#include "backup/backup.h"
#include "crypto/key_file.h"
#include "model/catalog.h"
#include "retention/retention_run.h"

namespace onetable {
namespace fs = std::filesystem;
namespace {

constexpr char kAuditBackup[] = "backup";
constexpr char kAuditRestore[] = "restore";
constexpr char kBackupKeyWhat[] = "备份密钥";
// Retention reads the delivery change log (0017).
constexpr int kRetentionSchemaVersion = 17;

int Fail(int code, const std::string& message) {
  std::cerr << message << "\n";
  return code;
}

int ExitFor(const Status& st) {
  if (st.code() == StatusCode::kUnavailable) return kExitUnavailable;
  if (st.code() == StatusCode::kBusy) return kExitBusy;
  return kExitInvalid;
}

int64_t TotalRows(const DumpSummary& s) {
  int64_t n = 0;
  for (const auto& [table, rows] : s.rows) n += rows;
  return n;
}

std::string Detail(const DumpSummary& s) {
  return "tables=" + std::to_string(s.rows.size()) + " rows=" + std::to_string(TotalRows(s)) +
         " schema=" + std::to_string(s.schema_version) + " from=" + s.dialect;
}

}  // namespace

int RunBackup(const Config& config, const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0].rfind("-", 0) == 0) {
    return Fail(kExitUsage, "用法：onetable backup 备份文件");
  }
  const std::string& file = args[0];
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return Fail(kExitInvalid, catalog.status().message());
  auto store = OpenReadyStore(config.store_url, *catalog, 1, AuditKeyFileOf(config));
  if (!store.ok()) return Fail(ExitFor(store.status()), store.status().message());
  const std::string key_file = BackupKeyFileOf(config);
  Result<std::string> key = LoadKeyFile(key_file, kBackupKeyAlgorithm, kBackupKeyWhat);
  if (!key.ok() && key.status().code() == StatusCode::kNotFound) {
    Status made = CreateKeyFile(key_file, kBackupKeyAlgorithm, kBackupKeyWhat);
    if (!made.ok()) return Fail(kExitInvalid, made.message());
    std::cerr << "备份密钥：" << key_file
              << "（新建；请与备份文件分开保存，丢失后备份无法恢复）\n";
    key = LoadKeyFile(key_file, kBackupKeyAlgorithm, kBackupKeyWhat);
  }
  if (!key.ok()) return Fail(kExitInvalid, key.status().message());
  Result<DumpSummary> done = BackupStore(config.store_url, file, *key);
  if (!done.ok()) {
    AppendAudit(**store, CliActor(), kAuditBackup, "store", kAuditFailed).IgnoreError();
    return Fail(ExitFor(done.status()), "备份失败：" + done.status().message());
  }
  Status audited = AppendAudit(**store, CliActor(), kAuditBackup, "store", kAuditOk, Detail(*done));
  if (!audited.ok()) return Fail(ExitFor(audited), audited.message());
  std::cout << "已备份到 " << file << "：" << done->rows.size() << " 张表，" << TotalRows(*done)
            << " 行（结构版本 " << done->schema_version << "，SM4 加密，HMAC-SM3 校验）\n";
  return kExitOk;
}

int RunRestore(const Config& config, const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0].rfind("-", 0) == 0) {
    return Fail(kExitUsage, "用法：onetable restore 备份文件（恢复到配置的空登记库）");
  }
  const std::string& file = args[0];
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return Fail(kExitInvalid, catalog.status().message());
  Result<std::string> key =
      LoadKeyFile(BackupKeyFileOf(config), kBackupKeyAlgorithm, kBackupKeyWhat);
  if (!key.ok()) {
    return Fail(kExitInvalid, key.status().message() +
                                  "（恢复需要备份时使用的备份密钥文件，见配置 backup_key_file）");
  }
  Result<DumpSummary> done = RestoreStore(config.store_url, file, *key);
  if (!done.ok()) return Fail(ExitFor(done.status()), "恢复失败：" + done.status().message());
  std::cout << "已从 " << file << " 恢复：" << done->rows.size() << " 张表，" << TotalRows(*done)
            << " 行（备份于 " << done->created_at << "，来自 " << done->dialect << "）\n";

  // The audit chain came with the data; it verifies only with the key that sealed it.
  auto store = OpenReadyStore(config.store_url, *catalog, 1);
  if (!store.ok()) return Fail(ExitFor(store.status()), store.status().message());
  auto audit_key = LoadAuditKey(AuditKeyFileOf(config));
  if (!audit_key.ok()) {
    return Fail(kExitInvalid, "数据已恢复，但无法校验审计日志：" + audit_key.status().message() +
                                  "（请放回原审计密钥文件后运行 onetable audit verify）");
  }
  (*store)->SetAuditSealer(audit_key->get());
  Result<AuditVerifyReport> report = VerifyAuditChain(**store, **audit_key);
  if (!report.ok()) return Fail(ExitFor(report.status()), report.status().message());
  if (!report->ok()) {
    for (const std::string& p : report->problems) std::cout << p << "\n";
    return Fail(kExitInvalid, "数据已恢复，但审计日志校验未通过（" +
                                  std::to_string(report->problems.size()) +
                                  " 处问题）：请确认 audit_key_file 是原登记库的审计密钥");
  }
  Status audited =
      AppendAudit(**store, CliActor(), kAuditRestore, "store", kAuditOk, Detail(*done));
  if (!audited.ok()) return Fail(ExitFor(audited), audited.message());
  std::cout << "审计日志完整：" << report->records << " 条记录\n";
  return kExitOk;
}

int RunPurge(const Config& config, const std::vector<std::string>& args) {
  RetentionRequest request;
  request.store_url = config.store_url;
  request.days = config.retention_days;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--dry-run") {
      request.dry_run = true;
    } else if (args[i] == "--days" && i + 1 < args.size()) {
      request.days = std::atoi(args[++i].c_str());
      if (request.days < 1 || request.days > 36500) {
        return Fail(kExitUsage, "--days 应为 1–36500 的整数");
      }
    } else {
      return Fail(kExitUsage, "purge 不认识参数 " + args[i] +
                                  "\n用法：onetable purge [--dry-run] [--days 天数]");
    }
  }
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return Fail(kExitInvalid, catalog.status().message());
  auto store = OpenReadyStore(config.store_url, *catalog, kRetentionSchemaVersion,
                              AuditKeyFileOf(config));
  if (!store.ok()) return Fail(ExitFor(store.status()), store.status().message());
  Result<RetentionCounts> counts = RunRetention(**store, CliActor(), request);
  if (!counts.ok()) return Fail(ExitFor(counts.status()), counts.status().message());
  std::cout << (request.dry_run ? "将清除" : "已清除") << "超过 " << request.days << " 天的"
            << DescribeCounts(*counts) << "\n";
  return kExitOk;
}

}  // namespace onetable
