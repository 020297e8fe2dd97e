#include "app/store_open.h"

#include <utility>

#include <filesystem>

#include "crypto/data_keys.h"
#include "crypto/process_cipher.h"
#include "store/durability.h"
#include "audit/audit_key.h"
#include "store/store_wrapper.h"

namespace onetable {
namespace {

// A store that owns the key it seals audit records with (the key outlives the connection).
class KeyedStore : public StoreWrapper {
 public:
  KeyedStore(std::unique_ptr<Store> inner, std::unique_ptr<AuditKey> key)
      : StoreWrapper(*inner), inner_(std::move(inner)), key_(std::move(key)) {
    inner_->SetAuditSealer(key_.get());
  }
  ~KeyedStore() override { inner_->SetAuditSealer(nullptr); }

 private:
  std::unique_ptr<Store> inner_;
  std::unique_ptr<AuditKey> key_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenReadyStore(const std::string& url, const Catalog& catalog,
                                              int min_version) {
  ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(url, catalog));
  ASSIGN_OR_RETURN(int version, store->SchemaVersion());
  if (version == 0) return Status::Invalid("登记库尚未初始化：请先运行 onetable init");
  if (version < min_version) {
    return Status::Invalid("登记库结构版本过旧：请先运行 onetable init 升级");
  }
  RETURN_IF_ERROR(store->CheckDataKeys());
  return store;
}

Status GuardStoreDurability(const std::string& url, bool throwaway) {
  if (throwaway) return Status::Ok();
  return CheckStoreDurability(url);
}

Result<std::unique_ptr<Store>> OpenReadyStore(const std::string& url, const Catalog& catalog,
                                              int min_version, const std::string& audit_key_file) {
  ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenReadyStore(url, catalog, min_version));
  ASSIGN_OR_RETURN(std::unique_ptr<AuditKey> key, OpenAuditKey(audit_key_file, *store));
  return std::unique_ptr<Store>(new KeyedStore(std::move(store), std::move(key)));
}

Status InstallDataKeys(const Config& config, bool create, bool* created) {
  if (created) *created = false;
  if (!config.encryption) {
    InstallProcessCipher(nullptr);
    return Status::Ok();
  }
  if (!config.data_key_env.empty()) {
    ASSIGN_OR_RETURN(std::unique_ptr<FieldCipher> cipher, LoadDataKeyEnv(config.data_key_env));
    InstallProcessCipher(std::move(cipher));
    return Status::Ok();
  }
  const std::string path = DataKeyFileOf(config);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (!create) {
      return Status::NotFound("数据密钥文件 " + path +
                              " 不存在：新登记库请先运行 onetable init 生成；已有登记库请恢复备份的"
                              "密钥文件（没有它，加密的数据无法读取）");
    }
    Status made = CreateDataKeyFile(path);
    if (!made.ok() && made.code() != StatusCode::kAlreadyExists) return made;
    if (created) *created = made.ok();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<FieldCipher> cipher, LoadDataKeyFile(path));
  InstallProcessCipher(std::move(cipher));
  return Status::Ok();
}

}  // namespace onetable
