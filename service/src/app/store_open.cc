#include "app/store_open.h"

#include <utility>

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

}  // namespace onetable
