#include "store/store_url.h"

#include <optional>
#include <string>
#include <utility>

#include "onetable/mysql_url.h"

namespace onetable {
namespace {

constexpr char kExpectedForms[] =
    "应为 sqlite:文件路径（如 sqlite:var/onetable.db）或 "
    "mysql://用户:密码@主机:端口/数据库[?socket=套接字路径]";

Status Bad(const std::string& url, const std::string& what) {
  return Status::Invalid("存储 URL “" + RedactUrlPassword(url) + "” 无效：" + what + "。" +
                         kExpectedForms);
}

Result<StoreUrl> ParseSqlite(const std::string& url) {
  StoreUrl parsed;
  parsed.scheme = "sqlite";
  parsed.redacted = url;
  parsed.sqlite_path = url.substr(std::string("sqlite:").size());
  if (parsed.sqlite_path.empty()) return Bad(url, "缺少数据库文件路径");
  // "sqlite://x.db" would silently mean the absolute path "//x.db".
  if (parsed.sqlite_path.compare(0, 2, "//") == 0) {
    return Bad(url, "sqlite: 后直接写文件路径，不要写 //");
  }
  return parsed;
}

Result<StoreUrl> ParseMysql(const std::string& url) {
  MysqlUrl u;
  if (std::optional<std::string> why = ParseMysqlUrl(url, &u)) return Bad(url, *why);
  StoreUrl parsed;
  parsed.scheme = "mysql";
  parsed.redacted = RedactUrlPassword(url);
  parsed.mysql = std::move(u);
  return parsed;
}

}  // namespace

Result<StoreUrl> ParseStoreUrl(const std::string& url) {
  if (url.compare(0, 7, "sqlite:") == 0) return ParseSqlite(url);
  if (url.compare(0, 8, "mysql://") == 0) return ParseMysql(url);
  if (url.empty()) return Bad(url, "URL 为空");
  return Bad(url, "不支持的存储类型");
}

}  // namespace onetable
