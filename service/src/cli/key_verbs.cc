#include "cli/key_verbs.h"

#include <iostream>
#include <memory>

#include "app/exit_codes.h"
#include "app/store_open.h"
#include "audit/audit_log.h"
#include "crypto/data_keys.h"
#include "crypto/process_cipher.h"
#include "model/catalog.h"
#include "store/store.h"

namespace onetable {
namespace {

// Every sealed column key rotate re-seals, the last added: delivery_batch_content (0021).
constexpr int kKeySchemaVersion = 21;

const char kKeyUsage[] =
    "用法：onetable key rotate [--batch 条数]\n"
    "  在数据密钥文件中追加一个新密钥，并把登记库中所有加密的值分批改用新密钥加密；\n"
    "  中途被打断时再次运行即从断点继续。\n";

int KeyFail(int code, const std::string& message) {
  std::cerr << message << "\n";
  return code;
}

int ExitOf(const Status& st) {
  return st.code() == StatusCode::kUnavailable ? kExitUnavailable : kExitInvalid;
}

// Re-encrypts until nothing is stale; `*total` counts the values rewritten.
Status Drain(Store& store, int batch, int64_t* total) {
  while (true) {
    ASSIGN_OR_RETURN(int64_t n, store.ReencryptBatch(batch));
    if (n == 0) return Status::Ok();
    *total += n;
    std::cout << "已重新加密 " << *total << " 个值" << std::endl;
  }
}

}  // namespace

int RunKey(const Config& config, const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "rotate") return KeyFail(kExitUsage, kKeyUsage);
  int batch = 500;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--batch" && i + 1 < args.size()) {
      try {
        batch = std::stoi(args[++i]);
      } catch (const std::exception&) {
        batch = 0;
      }
      if (batch < 1 || batch > 100000) return KeyFail(kExitUsage, "--batch 应为 1–100000 的整数");
    } else {
      return KeyFail(kExitUsage, "key rotate 不认识参数 " + args[i] + "\n\n" + kKeyUsage);
    }
  }
  if (!ProcessCipherError().ok()) {
    return KeyFail(ExitOf(ProcessCipherError()), ProcessCipherError().message());
  }
  if (!config.encryption || ProcessCipher() == nullptr) {
    return KeyFail(kExitInvalid, "配置关闭了加密（encryption: false），没有可轮换的数据密钥");
  }
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return KeyFail(kExitInvalid, catalog.status().message());
  auto open = [&]() {
    return OpenReadyStore(config.store_url, *catalog, kKeySchemaVersion, AuditKeyFileOf(config));
  };
  auto store = open();
  if (!store.ok()) return KeyFail(ExitOf(store.status()), store.status().message());

  // A pass a kill interrupted is finished first, under the key it had started with.
  int64_t total = 0;
  Status st = Drain(**store, batch, &total);
  const bool resumed = st.ok() && total > 0;
  if (st.ok() && !resumed && config.data_key_env.empty()) {
    const std::string path = DataKeyFileOf(config);
    Result<std::string> kid = AppendDataKey(path);
    if (!kid.ok()) return KeyFail(kExitInvalid, kid.status().message());
    std::cout << "已在 " << path << " 中追加新密钥 " << *kid << "\n";
    store->reset();
    st = InstallDataKeys(config, false, nullptr);
    if (st.ok()) {
      store = open();
      st = store.ok() ? Drain(**store, batch, &total) : store.status();
    }
  }
  if (!store.ok()) return KeyFail(ExitOf(store.status()), store.status().message());
  const std::string kid = ProcessCipher() ? ProcessCipher()->current_kid() : "";
  Status audited = AppendAudit(**store, CliActor(), kAuditKeyRotate, "data_key/" + kid,
                               st.ok() ? kAuditOk : kAuditFailed,
                               "values=" + std::to_string(total) + (resumed ? " resumed" : ""));
  if (st.ok() && total > 0) st = (*store)->ScrubFreedSpace();
  if (!st.ok()) return KeyFail(ExitOf(st), "密钥轮换未完成：" + st.message());
  if (!audited.ok()) return KeyFail(ExitOf(audited), audited.message());
  std::cout << "密钥轮换完成：共重新加密 " << total << " 个值，当前密钥 " << kid
            << "。旧密钥仍留在密钥文件中，确认备份已更新后可删去其行。\n";
  return kExitOk;
}

}  // namespace onetable
