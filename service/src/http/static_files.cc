#include "http/static_files.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>
#include <vector>

#include "onetable/text.h"

namespace onetable {
namespace fs = std::filesystem;

namespace {

// The UI's files are small; anything larger is not part of it.
constexpr std::uintmax_t kMaxFileBytes = 8 * 1024 * 1024;
// Deepest page path the UI uses is 3 segments; the rest is headroom for assets.
constexpr int kMaxSegments = 8;

void AddSecurityHeaders(HttpResponse* response) {
  response->headers["X-Content-Type-Options"] = "nosniff";
  response->headers["X-Frame-Options"] = "DENY";
  response->headers["Referrer-Policy"] = "no-referrer";
  // Everything the UI loads comes from this server; inline scripts are not used.
  response->headers["Content-Security-Policy"] =
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
      "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
      "form-action 'self'";
}

HttpResponse NotFound(const std::string& path) {
  HttpResponse response = ErrorResponse(404, "not_found", "未找到该地址：" + path);
  AddSecurityHeaders(&response);
  return response;
}

// The segments of `path` when every one is a safe file name part; false otherwise.
bool SafeSegments(std::string_view path, std::vector<std::string>* out) {
  if (path.empty() || path.front() != '/') return false;
  if (path == "/") return true;
  const std::vector<std::string_view> segments = Split(path.substr(1), '/');
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string_view segment = segments[i];
    // A trailing slash ("/admin/") leaves one empty last segment: treat it as the directory.
    if (segment.empty() && i + 1 == segments.size() && !out->empty()) break;
    if (segment.empty() || segment.front() == '.') return false;
    for (char c : segment) {
      if (c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20) return false;
    }
    out->emplace_back(segment);
  }
  return true;
}

bool IsUnder(const fs::path& root, const fs::path& candidate) {
  auto r = root.begin(), c = candidate.begin();
  for (; r != root.end(); ++r, ++c) {
    if (c == candidate.end() || *r != *c) return false;
  }
  return true;
}

// Reads a regular file under `root` (a canonical path), or returns false.
bool ReadUnder(const fs::path& root, const fs::path& file, std::string* body, std::string* etag) {
  std::error_code ec;
  const fs::path real = fs::canonical(file, ec);
  if (ec || !IsUnder(root, real)) return false;
  struct stat info;
  if (::stat(real.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
  if (static_cast<std::uintmax_t>(info.st_size) > kMaxFileBytes) return false;
  std::ifstream in(real, std::ios::binary);
  if (!in) return false;
  body->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  char tag[64];
  std::snprintf(tag, sizeof tag, "\"%llx-%llx-%lx\"", static_cast<unsigned long long>(info.st_size),
                static_cast<unsigned long long>(info.st_mtim.tv_sec),
                static_cast<long>(info.st_mtim.tv_nsec));
  *etag = tag;
  return true;
}

bool HasExtension(const std::string& segment) { return segment.find('.') != std::string::npos; }

}  // namespace

const char* ContentTypeFor(const std::string& file_name) {
  static const struct {
    const char* extension;
    const char* type;
  } kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"},
      {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
  };
  const size_t dot = file_name.rfind('.');
  if (dot == std::string::npos) return "application/octet-stream";
  const std::string extension = AsciiLower(std::string_view(file_name).substr(dot));
  for (const auto& entry : kTypes) {
    if (extension == entry.extension) return entry.type;
  }
  return "application/octet-stream";
}

HttpResponse ServeStaticFile(const HttpRequest& request, const std::string& web_dir) {
  const std::string& path = request.path;
  if (path == "/api" || path.rfind("/api/", 0) == 0 || path == "/healthz" || path == "/metrics") {
    return NotFound(path);
  }
  std::vector<std::string> segments;
  if (!SafeSegments(path, &segments)) return NotFound(path);

  std::error_code ec;
  const fs::path root = fs::canonical(web_dir, ec);
  if (ec) {
    HttpResponse response = StatusToHttp(Status::Unavailable("web directory missing: " + web_dir));
    return response;
  }
  fs::path file = root;
  for (const std::string& segment : segments) file /= segment;
  const bool page = segments.empty() || !HasExtension(segments.back());
  std::string body, etag;
  std::string served_name = segments.empty() ? "index.html" : segments.back();
  bool found = false;
  if (!segments.empty()) {
    found = ReadUnder(root, file, &body, &etag);
    // A directory: its index.html, if any.
    if (!found && fs::is_directory(file, ec)) {
      found = ReadUnder(root, file / "index.html", &body, &etag);
      if (found) served_name = "index.html";
    }
  }
  if (!found && page) {
    found = ReadUnder(root, root / "index.html", &body, &etag);
    served_name = "index.html";
  }
  if (!found) return NotFound(path);

  HttpResponse response;
  response.content_type = ContentTypeFor(served_name);
  response.headers["Cache-Control"] = "no-cache";
  response.headers["ETag"] = etag;
  AddSecurityHeaders(&response);
  auto match = request.headers.find("if-none-match");
  if (match != request.headers.end() && match->second == etag) {
    response.status = 304;
    return response;
  }
  response.body = std::move(body);
  return response;
}

Status RegisterStaticRoutes(Router* router, const std::string& web_dir) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(web_dir) / "index.html", ec)) {
    return Status::Invalid("网页目录 " + web_dir + " 中没有 index.html");
  }
  Handler handler = [web_dir](const RequestContext& context) {
    return ServeStaticFile(context.request, web_dir);
  };
  RouteDoc doc;
  doc.summary = "网页界面的静态文件（未知的页面路径返回 index.html）";
  doc.is_public = true;
  doc.passive = true;
  RETURN_IF_ERROR(router->Add("GET", "/", doc, handler));
  std::string pattern;
  for (int i = 0; i < kMaxSegments; ++i) {
    pattern += "/{p" + std::to_string(i) + "}";
    RETURN_IF_ERROR(router->Add("GET", pattern, doc, handler));
  }
  return Status::Ok();
}

}  // namespace onetable
