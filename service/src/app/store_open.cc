#include "app/store_open.h"

#include <utility>

#include "store/durability.h"

namespace onetable {

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

}  // namespace onetable
