// The OpenAPI document matches the routes served: every (method, pattern) that `onetable serve`
// registers (RegisterServiceRoutes) is an operation of the document and nothing else is, with its
// path parameters, its documented query parameters and body, and an empty security list exactly for
// public routes. Also the /metrics text format.
#include "http/openapi.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cctype>
#include <set>
#include <string>

#include "access/access.h"
#include "auth/authenticator.h"
#include "http/metrics.h"
#include "http/service_context.h"
#include "http/service_routes.h"
#include "model/catalog.h"

namespace onetable {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApi, EveryRouteIsAnOperationAndNothingElse) {
  const Catalog catalog;
  const AccessPolicy policy(catalog);
  Authenticator auth;
  Metrics metrics;
  ServiceContext service{catalog, policy, {}};
  service.auth = &auth;
  service.metrics = &metrics;
  Router router;
  RouteDoc custom("一个带参数的路由");
  custom.query = {{"q", "string", "搜索词", true}};
  custom.body = "{x}";
  ASSERT_TRUE(router
                  .Add("PATCH", "/api/v1/things/{thing_id}/parts/{name}", custom,
                       [](const RequestContext&) { return JsonResponse("{}"); })
                  .ok());
  // Everything `onetable serve` registers (its web UI files aside), OpenAPI last.
  Status st = RegisterServiceRoutes(&router, service, "");
  ASSERT_TRUE(st.ok()) << st.message();

  HttpRequest request;
  request.method = "GET";
  request.path = "/api/v1/openapi.json";
  HttpResponse response = router.Handle(request, nullptr);
  ASSERT_EQ(response.status, 200);
  rapidjson::Document doc;
  doc.Parse(response.body.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(std::string(doc["openapi"].GetString()).rfind("3.0", 0), 0u);
  ASSERT_TRUE(doc["paths"].IsObject());
  ASSERT_TRUE(doc["components"]["schemas"].HasMember("Error"));

  const std::vector<Router::RouteInfo> routes = router.Routes();
  ASSERT_GE(routes.size(), 15u);
  size_t operations = 0;
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : doc["paths"].GetObject()) {
    for (const auto& [method, op] : item.GetObject()) {
      ++operations;
      EXPECT_TRUE(operation_ids.insert(op["operationId"].GetString()).second)
          << op["operationId"].GetString();
      (void)path;
      (void)method;
    }
  }
  EXPECT_EQ(operations, routes.size());

  for (const Router::RouteInfo& route : routes) {
    SCOPED_TRACE(route.method + " " + route.pattern);
    ASSERT_TRUE(doc["paths"].HasMember(route.pattern.c_str()));
    const rapidjson::Value& item = doc["paths"][route.pattern.c_str()];
    const std::string method = Lower(route.method);
    ASSERT_TRUE(item.HasMember(method.c_str()));
    const rapidjson::Value& op = item[method.c_str()];
    EXPECT_TRUE(op["summary"].IsString());
    EXPECT_TRUE(op["responses"].HasMember("default"));
    // Public routes opt out of the document-wide security; protected ones inherit it.
    EXPECT_EQ(op.HasMember("security") && op["security"].Empty(), route.doc.is_public);
    // Each {param} of the pattern, and each documented query parameter, is declared.
    std::set<std::string> declared;
    if (op.HasMember("parameters")) {
      for (const auto& p : op["parameters"].GetArray()) {
        declared.insert(std::string(p["in"].GetString()) + ":" + p["name"].GetString());
      }
    }
    for (size_t pos = route.pattern.find('{'); pos != std::string::npos;
         pos = route.pattern.find('{', pos + 1)) {
      const std::string name =
          route.pattern.substr(pos + 1, route.pattern.find('}', pos) - pos - 1);
      EXPECT_TRUE(declared.count("path:" + name)) << name;
    }
    for (const ParamDoc& q : route.doc.query) {
      EXPECT_TRUE(declared.count("query:" + q.name)) << q.name;
    }
    EXPECT_EQ(op.HasMember("requestBody"), !route.doc.body.empty());
  }
  const rapidjson::Value& patch = doc["paths"]["/api/v1/things/{thing_id}/parts/{name}"]["patch"];
  EXPECT_EQ(std::string(patch["parameters"][0]["schema"]["type"].GetString()), "integer");
  EXPECT_EQ(std::string(patch["parameters"][1]["schema"]["type"].GetString()), "string");
  EXPECT_TRUE(patch["parameters"][2]["required"].GetBool());
  // The routes every deployment has, by name.
  for (const char* path :
       {"/api/v1/login", "/api/v1/logout", "/api/v1/me", "/api/v1/users", "/api/v1/users/{name}",
        "/api/v1/users/{name}/tokens", "/api/v1/users/{name}/tokens/{id}", "/api/v1/audit",
        "/api/v1/tree", "/healthz", "/metrics", "/api/v1/openapi.json"}) {
    EXPECT_TRUE(doc["paths"].HasMember(path)) << path;
  }
}

TEST(Metrics, PrometheusTextCountsRoutesNotPaths) {
  Metrics metrics;
  metrics.ObserveRequest("GET", "/api/v1/grids/{id}/buildings", 200, 0.003);
  metrics.ObserveRequest("GET", "/api/v1/grids/{id}/buildings", 200, 0.2);
  metrics.ObserveRequest("GET", "/api/v1/grids/{id}/buildings", 404, 20);
  metrics.ObserveRequest("POST", "(unmatched)", 404, 0.001);
  metrics.CountImportRun("minzheng-dibao", "done");
  metrics.CountImportRows("minzheng-dibao", "new", 120);
  metrics.CountImportRows("minzheng-dibao", "new", 5);
  metrics.CountImportRows("a\"b", "rejected", 1);
  const std::string text = metrics.Render();
  const std::string route = "method=\"GET\",route=\"/api/v1/grids/{id}/buildings\"";
  for (const std::string& line : std::vector<std::string>{
           "# TYPE onetable_http_requests_total counter",
           "onetable_http_requests_total{" + route + ",status=\"200\"} 2",
           "onetable_http_requests_total{" + route + ",status=\"404\"} 1",
           "onetable_http_requests_total{method=\"POST\",route=\"(unmatched)\",status=\"404\"} 1",
           "# TYPE onetable_http_request_duration_seconds histogram",
           "onetable_http_request_duration_seconds_bucket{" + route + ",le=\"0.001\"} 0",
           "onetable_http_request_duration_seconds_bucket{" + route + ",le=\"0.005\"} 1",
           "onetable_http_request_duration_seconds_bucket{" + route + ",le=\"0.25\"} 2",
           "onetable_http_request_duration_seconds_bucket{" + route + ",le=\"10\"} 2",
           "onetable_http_request_duration_seconds_bucket{" + route + ",le=\"+Inf\"} 3",
           "onetable_http_request_duration_seconds_count{" + route + "} 3",
           "onetable_import_runs_total{source=\"minzheng-dibao\",status=\"done\"} 1",
           "onetable_import_rows_total{source=\"minzheng-dibao\",outcome=\"new\"} 125",
           "onetable_import_rows_total{source=\"a\\\"b\",outcome=\"rejected\"} 1",
       }) {
    EXPECT_NE(text.find(line + "\n"), std::string::npos) << line << "\n---\n" << text;
  }
}

}  // namespace
}  // namespace onetable
