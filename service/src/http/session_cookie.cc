#include "http/session_cookie.h"

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

}  // namespace

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
