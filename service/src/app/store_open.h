// Opening the configured store for a verb: every verb but `init` needs a store that `init` has
// created and migrated far enough for what the verb does, and says so in the same words.
//
// Thread-safety: a plain function; the Store returned belongs to the caller's thread.
#ifndef ONETABLE_APP_STORE_OPEN_H_
#define ONETABLE_APP_STORE_OPEN_H_

#include <memory>
#include <string>

#include "app/config.h"
#include "model/catalog.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

// Opens `url` and checks its schema version is at least `min_version` (>= 1). Errors: the
// store's own (kUnavailable when it cannot be reached); kInvalidArgument "登记库尚未初始化：请先
// 运行 onetable init" for an empty store, or "登记库结构版本过旧：请先运行 onetable init 升级".
// `catalog` must outlive the store.
Result<std::unique_ptr<Store>> OpenReadyStore(const std::string& url, const Catalog& catalog,
                                              int min_version);

// The durability guard for `init` and `serve` (store/durability.h): OK for SQLite and for a
// store the configuration calls throwaway; otherwise the server's unsafe settings as
// kFailedPrecondition, or the connection's error.
Status GuardStoreDurability(const std::string& url, bool throwaway);

// The same, with the audit key of `audit_key_file` (audit/audit_key.h OpenAuditKey) loaded and
// set on the store, which owns it: every record the verb appends is sealed into the chain.
Result<std::unique_ptr<Store>> OpenReadyStore(const std::string& url, const Catalog& catalog,
                                              int min_version, const std::string& audit_key_file);

// Encryption at rest (crypto/): loads the data keys `config` names — environment variable
// data_key_env, else the file DataKeyFileOf(config) — and installs them as the process cipher
// every store opened afterwards uses. With `encryption: false` nothing is installed. A missing
// file is created (mode 0600) when `create` (init), and `*created` says so; otherwise it is
// kNotFound "数据密钥文件 … 不存在…".
Status InstallDataKeys(const Config& config, bool create, bool* created);

}  // namespace onetable

#endif  // ONETABLE_APP_STORE_OPEN_H_
