#include "http/session_cookie.h"

#include <cctype>
#include <string>

namespace onetable {
namespace {

std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    size_t start = pos;
    while (start < end && header[start] == ' ') ++start;
    const size_t eq = header.find('=', start);
    if (eq != std::string::npos && eq < end && header.compare(start, eq - start, name) == 0) {
      return header.substr(eq + 1, end - eq - 1);
    }
    pos = end + 1;
  }
  return "";
}

std::string Header(const HttpRequest& request, const std::string& name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? "" : it->second;
}

// The media type of a Content-Type value, lower case, without parameters.
std::string MediaType(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  type.erase(0, type.find_first_not_of(" \t"));
  type.erase(type.find_last_not_of(" \t") + 1);
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

// "host[:port]" of an origin "scheme://host[:port]"; "" when it is not one ("null" included).
std::string OriginHost(const std::string& origin) {
  const size_t scheme = origin.find("://");
  if (scheme == std::string::npos) return "";
  std::string host = origin.substr(scheme + 3);
  if (host.empty() || host.find('/') != std::string::npos) return "";
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

}  // namespace

Status CheckCookieWrite(const HttpRequest& request) {
  const std::string& method = request.method;
  if (method == "GET" || method == "HEAD" || method == "OPTIONS") return Status::Ok();
  if (request.headers.count("authorization") > 0) return Status::Ok();
  if (CookieValue(Header(request, "cookie"), kSessionCookie).empty()) return Status::Ok();

  const bool has_body = !request.body.empty() || request.headers.count("content-length") > 0 ||
                        request.headers.count("transfer-encoding") > 0;
  if (has_body || request.headers.count("content-type") > 0) {
    const std::string type = MediaType(Header(request, "content-type"));
    const bool preflighted = type == "application/json" || type == "application/yaml" ||
                             type == "application/x-yaml" || type == "text/yaml" ||
                             type == "application/octet-stream";
    if (!preflighted) {
      return Status::Denied(
          "请求被拒绝：通过浏览器会话修改数据时，请求体必须是 JSON（Content-Type: "
          "application/json）");
    }
  }
  const std::string fetch_site = Header(request, "sec-fetch-site");
  if (!fetch_site.empty()) {
    if (fetch_site == "same-origin") return Status::Ok();
    return Status::Denied("请求被拒绝：只接受来自本系统页面的修改请求（跨站请求）");
  }
  std::string host = Header(request, "host");
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string origin = OriginHost(Header(request, "origin"));
  if (origin.empty() || host.empty() || origin != host) {
    return Status::Denied("请求被拒绝：只接受来自本系统页面的修改请求（来源不符）");
  }
  return Status::Ok();
}

Status CheckNotCrossSite(const HttpRequest& request) {
  const std::string fetch_site = Header(request, "sec-fetch-site");
  if (!fetch_site.empty() && fetch_site != "same-origin" && fetch_site != "none") {
    return Status::Denied("请求被拒绝：只接受来自本系统页面的登录请求（跨站请求）");
  }
  if (request.headers.count("origin") == 0) return Status::Ok();
  std::string host = Header(request, "host");
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string origin = OriginHost(Header(request, "origin"));
  if (origin.empty() || host.empty() || origin != host) {
    return Status::Denied("请求被拒绝：只接受来自本系统页面的登录请求（来源不符）");
  }
  return Status::Ok();
}

std::string RequestToken(const HttpRequest& request) {
  auto auth = request.headers.find("authorization");
  if (auth != request.headers.end()) {
    const std::string& value = auth->second;
    if (value.size() > 7 &&
        (value.compare(0, 7, "Bearer ") == 0 || value.compare(0, 7, "bearer ") == 0)) {
      size_t start = 7;
      while (start < value.size() && value[start] == ' ') ++start;
      return value.substr(start);
    }
    return "";
  }
  auto cookie = request.headers.find("cookie");
  if (cookie != request.headers.end()) return CookieValue(cookie->second, kSessionCookie);
  return "";
}

std::string SessionCookie(const AuthOptions& options, const std::string& token) {
  return std::string(kSessionCookie) + "=" + token +
         "; Path=/; Max-Age=" + std::to_string(options.absolute_seconds) +
         "; HttpOnly; SameSite=Strict" + (options.secure_cookie ? "; Secure" : "");
}

std::string ClearedCookie(const AuthOptions& options) {
  return std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
         (options.secure_cookie ? "; Secure" : "");
}

}  // namespace onetable
