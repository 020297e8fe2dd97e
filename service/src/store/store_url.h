// Parsing of store URLs: "sqlite:PATH" and "mysql://user:pass@host:port/db[?socket=PATH]".
#ifndef ONETABLE_STORE_STORE_URL_H_
#define ONETABLE_STORE_STORE_URL_H_

#include <string>

#include "onetable/status.h"
#include "store/sql_connection.h"

namespace onetable {

struct StoreUrl {
  std::string scheme;  // "sqlite" | "mysql"
  std::string sqlite_path;
  MysqlParams mysql;
  // The URL with any password replaced by "***", for messages and logs.
  std::string redacted;
};

Result<StoreUrl> ParseStoreUrl(const std::string& url);

}  // namespace onetable

#endif  // ONETABLE_STORE_STORE_URL_H_
