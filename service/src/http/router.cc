#include "http/router.h"

#include <exception>
#include <set>
#include <sstream>
#include <string>
#include <utility>

namespace onetable {
namespace {

// "/a/b/" -> {"a", "b", ""}; empty segments are kept so "/a//b" does not match "/a/b".
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  while (true) {
    const size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(start));
      return out;
    }
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Whether `segments` (a pattern) matches `path`; fills `params` when it does.
bool MatchSegments(const std::vector<std::string>& segments,
                   const std::vector<std::string_view>& path, PathParams* params) {
  if (segments.size() != path.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (IsParam(segments[i])) {
      if (path[i].empty()) return false;
    } else if (segments[i] != path[i]) {
      return false;
    }
  }
  if (params != nullptr) {
    params->clear();
    for (size_t i = 0; i < segments.size(); ++i) {
      if (IsParam(segments[i])) {
        (*params)[segments[i].substr(1, segments[i].size() - 2)] = std::string(path[i]);
      }
    }
  }
  return true;
}

// True when `a` is more specific than `b`: at the first segment where one is literal and the
// other a parameter, `a` is the literal.
bool MoreSpecific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const bool pa = IsParam(a[i]), pb = IsParam(b[i]);
    if (pa != pb) return !pa;
  }
  return false;
}

// Parses an unsigned decimal of 1..18 digits (fits in int64_t without overflow checks).
bool ParseDigits(std::string_view text, int64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

}  // namespace

HttpResponse JsonResponse(std::string body) {
  HttpResponse response;
  response.body = std::move(body);
  return response;
}

HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message,
                           const std::vector<ErrorDetail>& details) {
  HttpResponse response;
  response.status = http_status;
  response.body = ErrorBody(code, message, details);
  return response;
}

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kConflict:
      return 412;
    case StatusCode::kAborted:
    case StatusCode::kBusy:
      return 409;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

const char* ErrorCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kUnauthenticated:
      return "unauthenticated";
    case StatusCode::kPermissionDenied:
      return "permission_denied";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kAlreadyExists:
      return "already_exists";
    case StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case StatusCode::kConflict:
      return "conflict";
    case StatusCode::kAborted:
      return "aborted";
    case StatusCode::kBusy:
      return "busy";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kInternal:
      return "internal";
  }
  return "internal";
}

HttpResponse StatusToHttp(const Status& status, const std::vector<ErrorDetail>& details) {
  if (status.ok()) {
    // A caller's bug: say so in the log rather than send an error body with 200.
    HttpResponse response = ErrorResponse(500, "internal", "服务器内部错误", details);
    response.log_note = "StatusToHttp called with an OK status";
    return response;
  }
  const int http_status = HttpStatusFor(status.code());
  const char* code = ErrorCodeFor(status.code());
  if (http_status >= 500) {
    HttpResponse response = ErrorResponse(
        http_status, code,
        status.code() == StatusCode::kUnavailable ? "服务暂时不可用，请稍后重试" : "服务器内部错误",
        details);
    response.log_note = status.message();
    return response;
  }
  std::string_view message = status.message();
  if (message.empty()) message = "请求无法完成";
  HttpResponse response = ErrorResponse(http_status, code, message, details);
  // RFC 9110 15.5.2: a 401 names the scheme to use (Bearer: no browser password dialog).
  if (http_status == 401) response.headers["WWW-Authenticate"] = "Bearer realm=\"onetable\"";
  return response;
}

Result<int64_t> IdParam(const PathParams& params, const std::string& name) {
  auto it = params.find(name);
  int64_t id = 0;
  if (it == params.end() || !ParseDigits(it->second, &id) || id <= 0) {
    return Status::Invalid("路径参数 " + name + " 必须是正整数");
  }
  return id;
}

Result<int64_t> IntQueryParam(const HttpRequest& request, const std::string& name, int64_t fallback,
                              int64_t min, int64_t max) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return fallback;
  int64_t value = 0;
  if (!ParseDigits(it->second, &value) || value < min || value > max) {
    return Status::Invalid("查询参数 " + name + " 必须是 " + std::to_string(min) + " 到 " +
                           std::to_string(max) + " 之间的整数");
  }
  return value;
}

Status Router::Add(const std::string& method, const std::string& pattern, Handler handler) {
  return Add(method, pattern, RouteDoc{}, std::move(handler));
}

std::vector<Router::RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& route : routes_) out.push_back({route.method, route.pattern, route.doc});
  return out;
}

Status Router::Add(const std::string& method, const std::string& pattern, RouteDoc doc,
                   Handler handler) {
  if (method.empty() || pattern.empty() || pattern.front() != '/') {
    return Status::Invalid("路由 " + method + " " + pattern + " 无效：路径必须以 / 开头");
  }
  Route route;
  route.method = method;
  route.pattern = pattern;
  std::set<std::string_view> names;
  for (std::string_view segment : SplitPath(pattern)) {
    const bool has_brace = segment.find_first_of("{}") != std::string_view::npos;
    if (has_brace) {
      const std::string_view name =
          IsParam(segment) ? segment.substr(1, segment.size() - 2) : std::string_view();
      if (name.empty() || name.find_first_of("{}") != std::string_view::npos ||
          !names.insert(name).second) {
        return Status::Invalid("路由 " + pattern + " 无效：参数段 " + std::string(segment) +
                               " 格式错误或重复");
      }
    }
    route.segments.emplace_back(segment);
  }
  for (const Route& existing : routes_) {
    if (existing.method == method && existing.segments.size() == route.segments.size()) {
      bool same = true;
      for (size_t i = 0; i < route.segments.size() && same; ++i) {
        const bool pa = IsParam(existing.segments[i]), pb = IsParam(route.segments[i]);
        same = pa == pb && (pa || existing.segments[i] == route.segments[i]);
      }
      if (same) {
        return Status::Invalid("路由 " + method + " " + pattern + " 与已有路由 " +
                               existing.pattern + " 重复");
      }
    }
  }
  route.doc = std::move(doc);
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
  return Status::Ok();
}

Router::Match Router::Find(const std::string& method, const std::string& path) const {
  Match match;
  if (path.empty() || path.front() != '/') {
    match.error = ErrorResponse(404, "not_found", "未找到该地址：" + path);
    return match;
  }
  const std::vector<std::string_view> parts = SplitPath(path);
  const Route* best = nullptr;
  std::set<std::string> allowed;
  for (const Route& route : routes_) {
    if (!MatchSegments(route.segments, parts, nullptr)) continue;
    if (route.method != method) {
      allowed.insert(route.method);
      continue;
    }
    if (best == nullptr || MoreSpecific(route.segments, best->segments)) best = &route;
  }
  if (best != nullptr) {
    MatchSegments(best->segments, parts, &match.params);
    match.handler = &best->handler;
    match.doc = &best->doc;
    match.pattern = &best->pattern;
    return match;
  }
  if (allowed.empty()) {
    match.error = ErrorResponse(404, "not_found", "未找到该地址：" + path);
    return match;
  }
  std::string allow;
  for (const std::string& m : allowed) {
    if (!allow.empty()) allow += ", ";
    allow += m;
  }
  match.error = ErrorResponse(405, "method_not_allowed",
                              "该地址不支持 " + method + " 方法（支持：" + allow + "）");
  match.error.headers["Allow"] = allow;
  return match;
}

HttpResponse Router::Handle(const HttpRequest& request, Store* store) const {
  Match match = Find(request.method, request.path);
  if (match.handler == nullptr) return std::move(match.error);
  return MaterializeStream(CallHandler(
      *match.handler, RequestContext{request, match.params, store, nullptr, {}, *match.pattern}));
}

Status RunStream(const HttpResponse& response, std::ostream& out) {
  try {
    return response.stream(out);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("stream threw: ") + e.what());
  } catch (...) {
    return Status::Internal("stream threw a non-standard exception");
  }
}

HttpResponse StreamFailed(const HttpResponse& streamed, const Status& status) {
  HttpResponse error = StatusToHttp(status);
  error.audited = streamed.audited;
  return error;
}

HttpResponse MaterializeStream(HttpResponse response) {
  if (!response.stream) return response;
  std::ostringstream body;
  const Status st = RunStream(response, body);
  if (!st.ok()) return StreamFailed(response, st);
  response.stream = nullptr;
  response.body = body.str();
  return response;
}

HttpResponse CallHandler(const Handler& handler, const RequestContext& context) {
  try {
    return handler(context);
  } catch (const std::exception& e) {
    HttpResponse response = StatusToHttp(Status::Internal(e.what()));
    response.log_note = std::string("handler threw: ") + e.what();
    return response;
  } catch (...) {
    HttpResponse response = StatusToHttp(Status::Internal("unknown exception"));
    response.log_note = "handler threw a non-standard exception";
    return response;
  }
}

}  // namespace onetable
