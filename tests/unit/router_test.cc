// The HTTP layer without sockets: routing, parameters, the Status → HTTP table, the error body
// shape, JSON writing, and Server::Serve's store checkout.
#include "http/router.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "access/access.h"
#include "http/json_writer.h"
#include "http/server.h"
#include "http/service_context.h"
#include "http/tree_handlers.h"
#include "store/store.h"

namespace onetable {
namespace {

HttpRequest Req(const std::string& method, const std::string& path) {
  HttpRequest r;
  r.method = method;
  r.path = path;
  return r;
}

rapidjson::Document Parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  EXPECT_FALSE(doc.HasParseError()) << body;
  return doc;
}

// Checks the one error shape and returns the document for further checks.
rapidjson::Document ExpectErrorBody(const HttpResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  rapidjson::Document doc = Parse(r.body);
  EXPECT_TRUE(doc.IsObject() && doc.HasMember("error") && doc["error"].IsObject()) << r.body;
  if (!doc.IsObject() || !doc.HasMember("error")) return doc;
  const auto& e = doc["error"];
  EXPECT_TRUE(e.HasMember("code") && e["code"].IsString()) << r.body;
  EXPECT_TRUE(e.HasMember("message") && e["message"].IsString()) << r.body;
  EXPECT_TRUE(e.HasMember("details") && e["details"].IsArray()) << r.body;
  if (e.HasMember("code") && e["code"].IsString()) {
    EXPECT_EQ(e["code"].GetString(), code);
  }
  return doc;
}

std::string Message(const rapidjson::Document& doc) { return doc["error"]["message"].GetString(); }

// A handler that answers with its name and the params it got, to see which route ran.
Handler Echo(const std::string& name) {
  return [name](const RequestContext& ctx) {
    JsonWriter w;
    w.StartObject().Key("route").String(name);
    for (const auto& [k, v] : ctx.params) w.Key(k).String(v);
    w.EndObject();
    return JsonResponse(w.Take());
  };
}

Router TestRouter() {
  Router r;
  EXPECT_TRUE(r.Add("GET", "/healthz", Echo("healthz")).ok());
  EXPECT_TRUE(r.Add("GET", "/api/v1/grids/{id}/buildings", Echo("grid_buildings")).ok());
  EXPECT_TRUE(r.Add("POST", "/api/v1/grids/{id}/buildings", Echo("add_building")).ok());
  EXPECT_TRUE(r.Add("GET", "/api/v1/grids/{id}", Echo("grid")).ok());
  EXPECT_TRUE(r.Add("GET", "/api/v1/grids/search", Echo("search")).ok());
  EXPECT_TRUE(r.Add("GET", "/a/{x}/b/{y}", Echo("two")).ok());
  return r;
}

TEST(Router, RoutesByMethodAndPath) {
  const Router router = TestRouter();
  struct Case {
    std::string method, path;
    int status;
    std::string route;  // for 200
    std::string param;  // "name=value" expected in the params, or empty
  } cases[] = {
      {"GET", "/healthz", 200, "healthz", ""},
      {"GET", "/api/v1/grids/17/buildings", 200, "grid_buildings", "id=17"},
      {"POST", "/api/v1/grids/17/buildings", 200, "add_building", "id=17"},
      {"GET", "/api/v1/grids/17", 200, "grid", "id=17"},
      {"GET", "/api/v1/grids/search", 200, "search", ""},  // literal beats {id}
      {"GET", "/a/1/b/2", 200, "two", "y=2"},
      {"GET", "/a/%E4%B8%AD/b/2", 200, "two", "x=%E4%B8%AD"},  // the router sees paths as given
      {"GET", "/api/v1/grids//buildings", 404, "", ""},        // {id} needs a non-empty segment
      {"GET", "/healthz/", 404, "", ""},
      {"GET", "/HEALTHZ", 404, "", ""},
      {"GET", "/api/v1/grids/17/buildings/9", 404, "", ""},
      {"GET", "", 404, "", ""},
      {"GET", "healthz", 404, "", ""},
      {"DELETE", "/api/v1/grids/17/buildings", 405, "", ""},
      {"POST", "/healthz", 405, "", ""},
      {"get", "/healthz", 405, "", ""},  // methods are case-sensitive (RFC 9110 9.1)
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path);
    HttpResponse r = router.Handle(Req(c.method, c.path), nullptr);
    ASSERT_EQ(r.status, c.status) << r.body;
    if (c.status != 200) continue;
    rapidjson::Document doc = Parse(r.body);
    EXPECT_EQ(doc["route"].GetString(), c.route);
    if (!c.param.empty()) {
      const std::string name = c.param.substr(0, c.param.find('='));
      ASSERT_TRUE(doc.HasMember(name.c_str()));
      EXPECT_EQ(doc[name.c_str()].GetString(), c.param.substr(c.param.find('=') + 1));
    }
  }
}

TEST(Router, SpecificRouteWinsWhateverTheOrderOfRegistration) {
  Router r;
  ASSERT_TRUE(r.Add("GET", "/grids/{id}", Echo("grid")).ok());
  ASSERT_TRUE(r.Add("GET", "/grids/search", Echo("search")).ok());
  EXPECT_EQ(Parse(r.Handle(Req("GET", "/grids/search"), nullptr).body)["route"].GetString(),
            std::string("search"));
  EXPECT_EQ(Parse(r.Handle(Req("GET", "/grids/5"), nullptr).body)["route"].GetString(),
            std::string("grid"));
}

TEST(Router, UnknownPathIs404JsonError) {
  const Router router = TestRouter();
  HttpResponse r = router.Handle(Req("GET", "/nope"), nullptr);
  rapidjson::Document doc = ExpectErrorBody(r, 404, "not_found");
  EXPECT_EQ(Message(doc).rfind("未找到该地址", 0), 0u) << Message(doc);
}

TEST(Router, WrongMethodIs405WithAllow) {
  const Router router = TestRouter();
  HttpResponse r = router.Handle(Req("PUT", "/api/v1/grids/3/buildings"), nullptr);
  rapidjson::Document doc = ExpectErrorBody(r, 405, "method_not_allowed");
  EXPECT_EQ(r.headers["Allow"], "GET, POST");
  EXPECT_NE(Message(doc).find("PUT"), std::string::npos);
}

TEST(Router, RejectsMalformedAndDuplicatePatterns) {
  Router r;
  ASSERT_TRUE(r.Add("GET", "/grids/{id}", Echo("a")).ok());
  const char* bad[] = {"",           "grids",    "/grids/{", "/grids/{}", "/grids/x{id}",
                       "/a/{x}/{x}", "/a/{x{y}}"};
  for (const char* pattern : bad) {
    Status s = r.Add("GET", pattern, Echo("bad"));
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << pattern;
  }
  // The same shape with another parameter name is the same route.
  EXPECT_EQ(r.Add("GET", "/grids/{other}", Echo("dup")).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(r.Add("POST", "/grids/{id}", Echo("post")).ok());
  EXPECT_EQ(r.Add("", "/x", Echo("no method")).code(), StatusCode::kInvalidArgument);
}

TEST(Router, HandlerExceptionBecomes500WithoutItsText) {
  Router r;
  ASSERT_TRUE(r.Add("GET", "/boom", [](const RequestContext&) -> HttpResponse {
                 throw std::runtime_error("secret SQL detail");
               }).ok());
  HttpResponse resp = r.Handle(Req("GET", "/boom"), nullptr);
  rapidjson::Document doc = ExpectErrorBody(resp, 500, "internal");
  EXPECT_EQ(resp.body.find("secret"), std::string::npos);
  EXPECT_NE(resp.log_note.find("secret SQL detail"), std::string::npos);
}

TEST(StatusToHttp, MapsEveryCode) {
  struct Case {
    Status status;
    int http;
    std::string code;
    bool message_passed;  // the Status message reaches the client
  } cases[] = {
      {Status::Invalid("参数 limit 错误"), 400, "invalid_argument", true},
      {Status::Unauthenticated("请先登录"), 401, "unauthenticated", true},
      {Status::Denied("无权访问"), 403, "permission_denied", true},
      {Status::NotFound("未找到该网格"), 404, "not_found", true},
      {Status::Exists("公民身份号码已存在"), 409, "already_exists", true},
      {Status::Precondition("上级不存在"), 409, "failed_precondition", true},
      {Status::Conflict("已被他人修改"), 412, "conflict", true},
      {Status::Busy("连接器 dibao 正由 host:42 运行（自 2026-12-01 08:00:00 起），请稍后再试"), 409,
       "busy", true},
      {Status::Internal("sqlite: disk I/O error"), 500, "internal", false},
      {Status::Unavailable("mysql://u@db:3306/x unreachable"), 503, "unavailable", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.code);
    EXPECT_EQ(HttpStatusFor(c.status.code()), c.http);
    EXPECT_EQ(ErrorCodeFor(c.status.code()), c.code);
    HttpResponse r = StatusToHttp(c.status);
    rapidjson::Document doc = ExpectErrorBody(r, c.http, c.code);
    if (c.message_passed) {
      EXPECT_EQ(Message(doc), c.status.message());
    } else {
      EXPECT_EQ(r.body.find(c.status.message()), std::string::npos) << r.body;
      EXPECT_EQ(r.log_note, c.status.message());
      EXPECT_FALSE(Message(doc).empty());
    }
  }
  // OK is a caller's bug: never a 200 with an error body.
  EXPECT_EQ(StatusToHttp(Status::Ok()).status, 500);
}

TEST(ErrorBody, HasCodeMessageAndDetails) {
  const std::string body =
      ErrorBody("invalid_argument", "查询参数 limit 错误",
                {ErrorDetail{"limit", "invalid_parameter", "必须是整数"}, ErrorDetail{}});
  rapidjson::Document doc = Parse(body);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc.MemberCount(), 1u);
  const auto& e = doc["error"];
  EXPECT_EQ(e["code"].GetString(), std::string("invalid_argument"));
  EXPECT_EQ(e["message"].GetString(), std::string("查询参数 limit 错误"));
  ASSERT_EQ(e["details"].Size(), 2u);
  EXPECT_EQ(e["details"][0]["field"].GetString(), std::string("limit"));
  EXPECT_EQ(e["details"][0]["code"].GetString(), std::string("invalid_parameter"));
  EXPECT_EQ(e["details"][0]["message"].GetString(), std::string("必须是整数"));
  EXPECT_EQ(Parse(ErrorBody("x", "y"))["error"]["details"].Size(), 0u);
}

TEST(JsonWriter, WritesUtf8EscapesAndReplacesInvalidBytes) {
  JsonWriter w;
  w.StartObject();
  w.Key("name").String("𠈌社区");  // outside the BMP: must round-trip as-is
  w.Key("ctl").String(std::string("a\"b\n\x01", 5));
  w.Key("gbk").String("\xD5\xC5");  // 张 in GBK: not UTF-8
  w.Key("cut").String("\xE4\xB8");  // truncated 中
  w.Key("null").StringOrNull(nullptr);
  w.Key("n").Int(-9007199254740993LL);
  w.Key("b").Bool(true);
  w.Key("empty").String("");
  w.EndObject();
  const std::string body = w.Take();
  rapidjson::Document doc = Parse(body);
  EXPECT_EQ(doc["name"].GetString(), std::string("𠈌社区"));
  EXPECT_EQ(doc["ctl"].GetString(), std::string("a\"b\n\x01", 5));
  EXPECT_EQ(doc["gbk"].GetString(), std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));
  EXPECT_EQ(doc["cut"].GetString(), std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));
  EXPECT_TRUE(doc["null"].IsNull());
  EXPECT_EQ(doc["n"].GetInt64(), -9007199254740993LL);
  EXPECT_TRUE(doc["b"].GetBool());
  EXPECT_EQ(doc["empty"].GetString(), std::string(""));
}

TEST(RequestParams, IdParam) {
  struct Case {
    std::string value;
    bool ok;
    int64_t id;
  } cases[] = {
      {"1", true, 1},    {"0042", true, 42}, {"999999999999999999", true, 999999999999999999},
      {"0", false, 0},   {"-1", false, 0},   {"+1", false, 0},
      {"1.5", false, 0}, {"abc", false, 0},  {"1e3", false, 0},
      {" 1", false, 0},  {"", false, 0},     {"9999999999999999999", false, 0},
  };
  for (const Case& c : cases) {
    Result<int64_t> r = IdParam({{"id", c.value}}, "id");
    EXPECT_EQ(r.ok(), c.ok) << c.value;
    if (c.ok) {
      EXPECT_EQ(*r, c.id);
    } else {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(r.status().message().find("id"), std::string::npos);
    }
  }
  EXPECT_FALSE(IdParam({}, "id").ok());
}

TEST(RequestParams, IntQueryParam) {
  struct Case {
    const char* value;  // nullptr: absent
    bool ok;
    int64_t result;
  } cases[] = {
      {nullptr, true, 50}, {"1", true, 1},     {"500", true, 500}, {"0", false, 0},
      {"501", false, 0},   {"abc", false, 0},  {"", false, 0},     {"-5", false, 0},
      {"10 ", false, 0},   {"0x10", false, 0},
  };
  for (const Case& c : cases) {
    HttpRequest req;
    if (c.value != nullptr) req.query["limit"] = c.value;
    Result<int64_t> r = IntQueryParam(req, "limit", 50, 1, 500);
    EXPECT_EQ(r.ok(), c.ok) << (c.value ? c.value : "(absent)");
    if (c.ok) {
      EXPECT_EQ(*r, c.result);
    } else {
      EXPECT_NE(r.status().message().find("limit"), std::string::npos);
      EXPECT_NE(r.status().message().find("500"), std::string::npos);
    }
  }
}

// Parameters are checked before the store is touched, so these need no store; a routed request
// that does need one and has none is a 500, not a crash.
TEST(TreeHandlers, RejectBadParametersNamingThem) {
  const Catalog catalog;
  const AccessPolicy policy(catalog);
  const ServiceContext service{catalog, policy, {}};
  Router router;
  ASSERT_TRUE(RegisterTreeRoutes(&router, service).ok());
  struct Case {
    std::string path;
    std::map<std::string, std::string> query;
    std::string param;
  } cases[] = {
      {"/api/v1/grids/abc/buildings", {}, "id"},
      {"/api/v1/grids/0/buildings", {}, "id"},
      {"/api/v1/grids/-3/buildings", {}, "id"},
      {"/api/v1/grids/1/buildings", {{"limit", "abc"}}, "limit"},
      {"/api/v1/grids/1/buildings", {{"limit", "0"}}, "limit"},
      {"/api/v1/grids/1/buildings", {{"limit", "501"}}, "limit"},
      {"/api/v1/grids/1/buildings", {{"after", "x"}}, "after"},
      {"/api/v1/buildings/1.0/households", {}, "id"},
      {"/api/v1/buildings/1/households", {{"limit", ""}}, "limit"},
      {"/api/v1/buildings/1/households", {{"after", "-1"}}, "after"},
  };
  for (const Case& c : cases) {
    HttpRequest req = Req("GET", c.path);
    req.query = c.query;
    SCOPED_TRACE(c.path + " " + c.param);
    HttpResponse r = router.Handle(req, nullptr);
    rapidjson::Document doc = ExpectErrorBody(r, 400, "invalid_argument");
    EXPECT_NE(Message(doc).find(c.param), std::string::npos) << Message(doc);
    ASSERT_EQ(doc["error"]["details"].Size(), 1u);
    EXPECT_EQ(doc["error"]["details"][0]["field"].GetString(), c.param);
  }
  // Without a caller the register views are 401 (a server authenticates before routing).
  ExpectErrorBody(router.Handle(Req("GET", "/api/v1/tree"), nullptr), 401, "unauthenticated");
  ExpectErrorBody(router.Handle(Req("GET", "/healthz"), nullptr), 500, "internal");
  ExpectErrorBody(router.Handle(Req("GET", "/api/v1/grids/1/buildings"), nullptr), 401,
                  "unauthenticated");
}

// Server::Serve is the whole pipeline minus sockets: unknown paths never touch the store pool,
// and a store that cannot be opened is a 503 error body, retried on the next request.
TEST(ServerServe, ChecksOutStoresOnlyForRoutedRequests) {
  int opened = 0;
  Router router;
  ASSERT_TRUE(router.Add("GET", "/x", Echo("x")).ok());
  Server server(
      std::move(router),
      [&opened]() -> Result<std::unique_ptr<Store>> {
        ++opened;
        return Status::Unavailable("db down at sqlite:/nonexistent");
      },
      ServerOptions{});
  ExpectErrorBody(server.Serve(Req("GET", "/nope")), 404, "not_found");
  EXPECT_EQ(opened, 0);
  HttpResponse r = server.Serve(Req("GET", "/x"));
  ExpectErrorBody(r, 503, "unavailable");
  EXPECT_EQ(r.body.find("sqlite:"), std::string::npos);
  EXPECT_NE(r.log_note.find("db down"), std::string::npos);
  ExpectErrorBody(server.Serve(Req("GET", "/x")), 503, "unavailable");
  EXPECT_EQ(opened, 2);
}

}  // namespace
}  // namespace onetable
