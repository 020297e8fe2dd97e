#include "store/store_url.h"

#include <cctype>
#include <string>

namespace onetable {
namespace {

constexpr char kExpectedForms[] =
    "应为 sqlite:文件路径（如 sqlite:var/onetable.db）或 "
    "mysql://用户:密码@主机:端口/数据库[?socket=套接字路径]";

// Hides the password of a scheme://user:password@... URL, even one too malformed to parse or of
// a scheme we do not support.
std::string Redact(const std::string& url) {
  const size_t authority = url.find("://");
  if (authority == std::string::npos) return url;
  const size_t start = authority + 3;
  const size_t query = url.find("?socket=");
  const size_t at = url.rfind('@', query);
  if (at == std::string::npos || at < start) return url;
  const size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Status Bad(const std::string& url, const std::string& what) {
  return Status::Invalid("存储 URL “" + Redact(url) + "” 无效：" + what + "。" + kExpectedForms);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in` into `out`; false on a malformed escape.
bool PercentDecode(const std::string& in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
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
  StoreUrl parsed;
  parsed.scheme = "mysql";
  parsed.redacted = Redact(url);
  MysqlParams& p = parsed.mysql;
  std::string rest = url.substr(std::string("mysql://").size());

  // The password may hold a raw '@', '/' or ':'; the last '@' before the query ends it.
  std::string query;
  const size_t query_at = rest.find("?socket=");
  const size_t at = rest.rfind('@', query_at);
  if (at == std::string::npos) return Bad(url, "缺少用户名（user:密码@）");
  const std::string userinfo = rest.substr(0, at);
  std::string location = rest.substr(at + 1);
  const size_t question = location.find('?');
  if (question != std::string::npos) {
    query = location.substr(question + 1);
    location.resize(question);
  }

  const size_t colon = userinfo.find(':');
  if (!PercentDecode(userinfo.substr(0, colon), &p.user)) {
    return Bad(url, "用户名中的 % 转义不完整");
  }
  if (colon != std::string::npos && !PercentDecode(userinfo.substr(colon + 1), &p.password)) {
    return Bad(url, "密码中的 % 转义不完整");
  }
  if (p.user.empty()) return Bad(url, "缺少用户名");

  const size_t slash = location.find('/');
  if (slash == std::string::npos || slash + 1 == location.size()) {
    return Bad(url, "缺少数据库名（…/数据库）");
  }
  p.database = location.substr(slash + 1);
  if (p.database.find('/') != std::string::npos) return Bad(url, "数据库名中不能有 /");
  std::string hostport = location.substr(0, slash);

  if (!query.empty()) {
    const std::string key = "socket=";
    if (query.compare(0, key.size(), key) != 0) {
      return Bad(url, "不认识的参数“" + query + "”，只支持 ?socket=套接字路径");
    }
    if (!PercentDecode(query.substr(key.size()), &p.socket) || p.socket.empty()) {
      return Bad(url, "socket 参数缺少套接字路径");
    }
  }

  std::string port_text;
  if (!hostport.empty() && hostport[0] == '[') {  // [::1]:3306
    const size_t close = hostport.find(']');
    if (close == std::string::npos) return Bad(url, "IPv6 地址缺少 ]");
    p.host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':') return Bad(url, "主机后应为 :端口");
      port_text = hostport.substr(close + 2);
      if (port_text.empty()) return Bad(url, "端口为空");
    }
  } else {
    const size_t port_colon = hostport.rfind(':');
    p.host = hostport.substr(0, port_colon);
    if (port_colon != std::string::npos) {
      port_text = hostport.substr(port_colon + 1);
      if (port_text.empty()) return Bad(url, "端口为空");
    }
  }
  if (p.host.empty()) {
    if (p.socket.empty()) return Bad(url, "缺少主机名");
    p.host = "localhost";
  }
  if (!port_text.empty()) {
    if (port_text.size() > 5) return Bad(url, "端口“" + port_text + "”不是 1–65535 的数字");
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        return Bad(url, "端口“" + port_text + "”不是 1–65535 的数字");
      }
    }
    p.port = std::stoi(port_text);
    if (p.port < 1 || p.port > 65535) {
      return Bad(url, "端口“" + port_text + "”不是 1–65535 的数字");
    }
  }
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
