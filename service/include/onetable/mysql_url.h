// mysql://user:password@host:port/database[?socket=PATH]: the one parser of MySQL addresses,
// shared by the MySQL store (service/src/store/store_url.cc) and the mysql connector
// (connectors/mysql). Header-only, so a plugin that includes it links nothing of the service.
//
// User, password and socket may be %-escaped; the password may also hold a raw '@', '/' or ':'
// (the last '@' before "?socket=" ends it). The host may be an IPv6 address in brackets; with a
// socket it may be left out ("mysql://u:p@/db?socket=/run/mysqld/mysqld.sock").
//
// Thread-safety: pure functions.
#ifndef ONETABLE_MYSQL_URL_H_
#define ONETABLE_MYSQL_URL_H_

#include <optional>
#include <string>

namespace onetable {

struct MysqlUrl {
  std::string user, password, host = "127.0.0.1", database, socket;
  int port = 3306;
};

namespace mysql_url_internal {

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in` into `out`; false on a malformed escape.
inline bool PercentDecode(const std::string& in, std::string* out) {
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

}  // namespace mysql_url_internal

// `url` with the password of a scheme://user:password@... address replaced by "***", even when
// the address is too malformed to parse: for every message that shows an address.
inline std::string RedactUrlPassword(const std::string& url) {
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

// Parses `url` into *out. On failure returns what is wrong, in Chinese and without the address
// (the caller shows it, redacted, with the forms it expects).
inline std::optional<std::string> ParseMysqlUrl(const std::string& url, MysqlUrl* out) {
  using mysql_url_internal::PercentDecode;
  const std::string scheme = "mysql://";
  if (url.compare(0, scheme.size(), scheme) != 0) return std::string("不是 mysql:// 地址");
  MysqlUrl p;
  const std::string rest = url.substr(scheme.size());
  const size_t at = rest.rfind('@', rest.find("?socket="));
  if (at == std::string::npos) return std::string("缺少用户名（用户:密码@）");
  const std::string userinfo = rest.substr(0, at);
  std::string location = rest.substr(at + 1);
  std::string query;
  if (const size_t question = location.find('?'); question != std::string::npos) {
    query = location.substr(question + 1);
    location.resize(question);
  }

  const size_t colon = userinfo.find(':');
  if (!PercentDecode(userinfo.substr(0, colon), &p.user)) {
    return std::string("用户名中的 % 转义不完整");
  }
  if (colon != std::string::npos && !PercentDecode(userinfo.substr(colon + 1), &p.password)) {
    return std::string("密码中的 % 转义不完整");
  }
  if (p.user.empty()) return std::string("缺少用户名");

  const size_t slash = location.find('/');
  if (slash == std::string::npos || slash + 1 == location.size()) {
    return std::string("缺少数据库名（…/数据库）");
  }
  p.database = location.substr(slash + 1);
  if (p.database.find('/') != std::string::npos) return std::string("数据库名中不能有 /");
  const std::string hostport = location.substr(0, slash);

  if (!query.empty()) {
    const std::string key = "socket=";
    if (query.compare(0, key.size(), key) != 0) {
      return "不认识的参数“" + query + "”，只支持 ?socket=套接字路径";
    }
    if (!PercentDecode(query.substr(key.size()), &p.socket) || p.socket.empty()) {
      return std::string("socket 参数缺少套接字路径");
    }
  }

  std::string port_text;
  if (!hostport.empty() && hostport[0] == '[') {  // [::1]:3306
    const size_t close = hostport.find(']');
    if (close == std::string::npos) return std::string("IPv6 地址缺少 ]");
    p.host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':') return std::string("主机后应为 :端口");
      port_text = hostport.substr(close + 2);
      if (port_text.empty()) return std::string("端口为空");
    }
  } else {
    const size_t port_colon = hostport.rfind(':');
    p.host = hostport.substr(0, port_colon);
    if (port_colon != std::string::npos) {
      port_text = hostport.substr(port_colon + 1);
      if (port_text.empty()) return std::string("端口为空");
    }
  }
  if (p.host.empty()) {
    if (p.socket.empty()) return std::string("缺少主机名");
    p.host = "localhost";
  }
  if (!port_text.empty()) {
    int port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port > 65535) {
        return "端口“" + port_text + "”不是 1–65535 的数字";
      }
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return "端口“" + port_text + "”不是 1–65535 的数字";
    p.port = port;
  }
  *out = std::move(p);
  return std::nullopt;
}

}  // namespace onetable

#endif  // ONETABLE_MYSQL_URL_H_
