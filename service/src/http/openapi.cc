#include "http/openapi.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "http/json_writer.h"
#include "http/session_cookie.h"

namespace onetable {
namespace {

constexpr char kOpenApiPath[] = "/api/v1/openapi.json";

std::vector<std::string> PathParams(const std::string& pattern) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = pattern.find('{', pos)) != std::string::npos) {
    const size_t close = pattern.find('}', pos);
    if (close == std::string::npos) break;
    out.push_back(pattern.substr(pos + 1, close - pos - 1));
    pos = close + 1;
  }
  return out;
}

bool IsIdName(const std::string& name) {
  return name == "id" || (name.size() > 3 && name.compare(name.size() - 3, 3, "_id") == 0);
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "GET /api/v1/users/{name}" -> "get_api_v1_users_name".
std::string OperationId(const std::string& method, const std::string& pattern) {
  std::string out = Lower(method);
  for (char c : pattern) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(c);
    } else if (c == '/' || c == '-' || c == '.' || c == '_') {
      if (out.back() != '_') out.push_back('_');
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

void WriteParameter(JsonWriter& w, const std::string& name, const char* in, const std::string& type,
                    const std::string& description, bool required) {
  w.StartObject();
  w.Key("name").String(name);
  w.Key("in").String(in);
  w.Key("required").Bool(required);
  if (!description.empty()) w.Key("description").String(description);
  w.Key("schema").StartObject().Key("type").String(type).EndObject();
  w.EndObject();
}

void WriteOperation(JsonWriter& w, const Router::RouteInfo& route) {
  w.Key(Lower(route.method)).StartObject();
  w.Key("operationId").String(OperationId(route.method, route.pattern));
  w.Key("summary").String(route.doc.summary.empty() ? route.method + " " + route.pattern
                                                    : route.doc.summary);
  const std::vector<std::string> path_params = PathParams(route.pattern);
  if (!path_params.empty() || !route.doc.query.empty()) {
    w.Key("parameters").StartArray();
    for (const std::string& name : path_params) {
      WriteParameter(w, name, "path", IsIdName(name) ? "integer" : "string", "", true);
    }
    for (const ParamDoc& p : route.doc.query) {
      WriteParameter(w, p.name, "query", p.type, p.description, p.required);
    }
    w.EndArray();
  }
  if (!route.doc.body.empty()) {
    w.Key("requestBody").StartObject();
    w.Key("required").Bool(true);
    w.Key("description").String(route.doc.body);
    w.Key("content").StartObject().Key("application/json").StartObject();
    w.Key("schema").StartObject().Key("type").String("object").EndObject();
    w.EndObject().EndObject();
    w.EndObject();
  }
  if (route.doc.is_public) w.Key("security").StartArray().EndArray();
  w.Key("responses").StartObject();
  w.Key("2XX").StartObject().Key("description").String("成功").EndObject();
  w.Key("default").StartObject();
  w.Key("description").String("错误（统一的错误结构）");
  w.Key("content").StartObject().Key("application/json").StartObject();
  w.Key("schema").StartObject().Key("$ref").String("#/components/schemas/Error").EndObject();
  w.EndObject().EndObject();
  w.EndObject();
  w.EndObject();
  w.EndObject();
}

void WriteComponents(JsonWriter& w) {
  w.Key("components").StartObject();
  w.Key("securitySchemes").StartObject();
  w.Key("bearer").StartObject().Key("type").String("http").Key("scheme").String("bearer");
  w.Key("description").String("登录返回的会话令牌，或部门接口令牌").EndObject();
  w.Key("session").StartObject().Key("type").String("apiKey").Key("in").String("cookie");
  w.Key("name").String(kSessionCookie).EndObject();
  w.EndObject();
  w.Key("schemas").StartObject();
  w.Key("Error").StartObject().Key("type").String("object");
  w.Key("required").StartArray().String("error").EndArray();
  w.Key("properties").StartObject().Key("error").StartObject().Key("type").String("object");
  w.Key("required").StartArray().String("code").String("message").String("details").EndArray();
  w.Key("properties").StartObject();
  w.Key("code").StartObject().Key("type").String("string").EndObject();
  w.Key("message").StartObject().Key("type").String("string").EndObject();
  w.Key("details").StartObject().Key("type").String("array");
  w.Key("items").StartObject().Key("type").String("object").Key("properties").StartObject();
  for (const char* key : {"field", "code", "message"}) {
    w.Key(key).StartObject().Key("type").String("string").EndObject();
  }
  w.EndObject().EndObject().EndObject();
  w.EndObject().EndObject().EndObject().EndObject();
  w.EndObject();
  w.EndObject();
}

}  // namespace

std::string OpenApiDocument(const std::vector<Router::RouteInfo>& routes) {
  // Paths in the order first registered; methods of one path together.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Router::RouteInfo*>> by_path;
  for (const Router::RouteInfo& route : routes) {
    auto& list = by_path[route.pattern];
    if (list.empty()) order.push_back(route.pattern);
    list.push_back(&route);
  }
  JsonWriter w;
  w.StartObject();
  w.Key("openapi").String("3.0.3");
  w.Key("info").StartObject();
  w.Key("title").String("onetable（一张表）API");
  w.Key("version").String("1");
  w.Key("description").String("社区一张表：登记库、部门报表、数据接入、用户与审计");
  w.EndObject();
  WriteComponents(w);
  w.Key("security").StartArray();
  w.StartObject().Key("bearer").StartArray().EndArray().EndObject();
  w.StartObject().Key("session").StartArray().EndArray().EndObject();
  w.EndArray();
  w.Key("paths").StartObject();
  for (const std::string& path : order) {
    w.Key(path).StartObject();
    for (const Router::RouteInfo* route : by_path[path]) WriteOperation(w, *route);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return w.Take();
}

Status RegisterOpenApiRoute(Router* router) {
  RouteDoc doc;
  doc.summary = "本接口的 OpenAPI 3 文档";
  doc.is_public = true;
  std::vector<Router::RouteInfo> routes = router->Routes();
  routes.push_back({"GET", kOpenApiPath, doc});
  const std::string body = OpenApiDocument(routes);
  return router->Add("GET", kOpenApiPath, doc,
                     [body](const RequestContext&) { return JsonResponse(body); });
}

}  // namespace onetable
