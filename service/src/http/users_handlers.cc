#include "http/users_handlers.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "auth/password.h"
#include "auth/users.h"
#include "http/json_body.h"
#include "http/json_writer.h"
#include "http/register_handlers.h"
#include "http/register_json.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "onetable/text.h"
#include "store/store.h"

namespace onetable {
namespace {

HttpResponse BadField(const std::string& field, const Status& status) {
  return StatusToHttp(status, {ErrorDetail{field, "invalid", status.message()}});
}

void WriteStrings(JsonWriter& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key).StartArray();
  for (const std::string& v : values) w.String(v);
  w.EndArray();
}

void WriteTimeOrNull(JsonWriter& w, const char* key, int64_t unix_seconds) {
  w.Key(key);
  if (unix_seconds > 0) {
    w.String(IsoTime(unix_seconds));
  } else {
    w.Null();
  }
}

void WriteUserFields(JsonWriter& w, const User& user) {
  w.Key("id").Int(user.id);
  w.Key("name").String(user.name);
  w.Key("role").String(user.role);
  w.Key("display_name").String(user.display_name);
  WriteStrings(w, "scopes", user.scopes);
  WriteStrings(w, "grants", user.grants);
  w.Key("disabled").Bool(user.disabled);
  w.Key("version").Int(user.version);
}

// The user with its tokens, as GET/POST/PUT answer it.
HttpResponse UserResponse(Store& store, const User& user, int status) {
  Result<std::vector<ApiToken>> tokens = store.ListApiTokens(user.id);
  if (!tokens.ok()) return StatusToHttp(tokens.status());
  JsonWriter w;
  w.StartObject();
  WriteUserFields(w, user);
  w.Key("tokens").StartArray();
  for (const ApiToken& t : *tokens) {
    w.StartObject();
    w.Key("id").Int(t.id);
    w.Key("label").String(t.label);
    w.Key("created_by").String(t.created_by);
    WriteTimeOrNull(w, "created_at", t.created_at);
    WriteTimeOrNull(w, "last_used_at", t.last_used_at);
    WriteTimeOrNull(w, "revoked_at", t.revoked_at);
    WriteTimeOrNull(w, "expires_at", t.expires_at);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.status = status;
  response.headers["ETag"] = ETagOf(user.version);
  return response;
}

// The user named by the path, or the 404.
Result<User> PathUser(const RequestContext& ctx) {
  auto it = ctx.params.find("name");
  if (it == ctx.params.end()) return Status::Invalid("缺少路径参数 name");
  Result<User> user = ctx.store->GetUser(it->second);
  if (!user.ok() && user.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("用户 " + it->second.substr(0, 64) + " 不存在");
  }
  return user;
}

HttpResponse HandleList(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageUsers);
  if (!who.ok()) return StatusToHttp(who.status());
  TextPage page;
  HttpResponse error;
  if (!ReadTextPage(ctx.request, &page, &error)) return error;
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<std::vector<User>> users = ctx.store->ListUsers();  // ordered by name
  if (!users.ok()) return StatusToHttp(users.status());

  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  int written = 0;
  std::string last;
  bool more = false;
  for (const User& u : *users) {
    if (!page.after.empty() && u.name <= page.after) continue;
    if (written == page.limit) {
      more = true;
      break;
    }
    w.StartObject();
    WriteUserFields(w, u);
    w.EndObject();
    last = u.name;
    ++written;
  }
  w.EndArray();
  WriteNextAfter(w, last, more);
  w.EndObject();
  return JsonResponse(w.Take());
}

HttpResponse HandleGet(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageUsers);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<User> user = PathUser(ctx);
  if (!user.ok()) return StatusToHttp(user.status());
  return UserResponse(*ctx.store, *user, 200);
}

// Fields a create or update may carry, read and checked for type.
struct UserInput {
  std::optional<std::string> name;
  UserChange change;
};

bool ReadUserInput(const RequestContext& ctx, bool create, UserInput* in, HttpResponse* error) {
  rapidjson::Document body;
  Status st = ParseJsonBody(ctx.request, &body);
  if (st.ok()) {
    st = create ? CheckKeys(body, {"name", "role", "display_name", "password", "scopes", "grants",
                                   "disabled"})
                : CheckKeys(body,
                            {"role", "display_name", "password", "scopes", "grants", "disabled"});
  }
  if (!st.ok()) {
    *error = StatusToHttp(st);
    return false;
  }
  const auto fail = [&](const char* field, const Status& status) {
    *error = BadField(field, status);
    return false;
  };
  for (auto [key, target] : {std::pair<const char*, std::optional<std::string>*>{"name", &in->name},
                             {"role", &in->change.role},
                             {"display_name", &in->change.display_name},
                             {"password", &in->change.password}}) {
    Result<std::optional<std::string>> v = OptionalString(body, key);
    if (!v.ok()) return fail(key, v.status());
    *target = std::move(*v);
  }
  Result<std::optional<std::vector<std::string>>> scopes = OptionalStrings(body, "scopes");
  if (!scopes.ok()) return fail("scopes", scopes.status());
  in->change.scopes = std::move(*scopes);
  Result<std::optional<std::vector<std::string>>> grants = OptionalStrings(body, "grants");
  if (!grants.ok()) return fail("grants", grants.status());
  in->change.grants = std::move(*grants);
  Result<std::optional<bool>> disabled = OptionalBool(body, "disabled");
  if (!disabled.ok()) return fail("disabled", disabled.status());
  in->change.disabled = *disabled;
  return true;
}

// The answer to a failed account change: 400 naming the field, 412 with the current version,
// or the status's own code.
HttpResponse UserChangeFailed(const UserOutcome& outcome) {
  if (!outcome.field.empty()) return BadField(outcome.field, outcome.status);
  HttpResponse response = StatusToHttp(outcome.status);
  if (outcome.status.code() == StatusCode::kConflict) {
    response.headers["ETag"] = ETagOf(outcome.user.version);
  }
  return response;
}

UserAccounts AccountsOf(const ServiceContext& service) {
  return UserAccounts(service, service.auth->options().password_iterations);
}

HttpResponse HandleCreate(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageUsers);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStoreResponse();
  UserInput in;
  HttpResponse error;
  if (!ReadUserInput(ctx, true, &in, &error)) return error;
  if (!in.name) return BadField("name", Status::Invalid("缺少字段 name"));
  if (!in.change.role) return BadField("role", Status::Invalid("缺少字段 role"));
  if (!in.change.password) return BadField("password", Status::Invalid("缺少字段 password"));
  UserOutcome created = AccountsOf(service).Create(*ctx.store, ActorOf(ctx), *in.name, in.change);
  if (!created.status.ok()) return UserChangeFailed(created);
  HttpResponse response = UserResponse(*ctx.store, created.user, 201);
  response.headers["Location"] = "/api/v1/users/" + created.user.name;
  return response;
}

HttpResponse HandleUpdate(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageUsers);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStoreResponse();
  int64_t version = 0;
  HttpResponse error;
  if (!ReadIfMatch(ctx.request, &version, &error)) return error;
  UserInput in;
  if (!ReadUserInput(ctx, false, &in, &error)) return error;
  Result<User> current = PathUser(ctx);
  if (!current.ok()) return StatusToHttp(current.status());
  UserOutcome updated =
      AccountsOf(service).Update(*ctx.store, ActorOf(ctx), current->name, version, in.change);
  if (!updated.status.ok()) return UserChangeFailed(updated);
  return UserResponse(*ctx.store, updated.user, 200);
}

HttpResponse HandleIssueToken(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageUsers);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStoreResponse();
  rapidjson::Document body;
  Status st = ParseJsonBody(ctx.request, &body);
  if (st.ok()) st = CheckKeys(body, {"label", "expires_in_days"});
  if (!st.ok()) return StatusToHttp(st);
  Result<std::optional<std::string>> label = OptionalString(body, "label");
  if (!label.ok()) return BadField("label", label.status());
  // A token ends: by default a year after issue, at most ten years.
  int64_t lifetime = 0;
  if (body.HasMember("expires_in_days")) {
    const rapidjson::Value& days = body["expires_in_days"];
    if (!days.IsInt64() || days.GetInt64() < 1 || days.GetInt64() > 3650) {
      return BadField("expires_in_days",
                      Status::Invalid("expires_in_days 应为 1–3650 的整数（天）"));
    }
    lifetime = days.GetInt64() * 24 * 60 * 60;
  }
  if (label->value_or("").size() > 200) {
    return BadField("label", Status::Invalid("令牌说明不能超过 200 个字节"));
  }
  Result<User> user = PathUser(ctx);
  if (!user.ok()) return StatusToHttp(user.status());
  if (user->role != RoleName(Role::kDepartment)) {
    return StatusToHttp(Status::Precondition("只有部门账号可以使用接口令牌"));
  }
  Result<std::pair<std::string, ApiToken>> issued =
      service.auth->IssueApiToken(*ctx.store, *user, label->value_or(""), (*who)->user, lifetime);
  if (!issued.ok()) return StatusToHttp(issued.status());
  const ApiToken& token = issued->second;
  st = Audit(ctx, kAuditTokenIssue, "user/" + user->name, kAuditOk,
             "token/" + std::to_string(token.id));
  if (!st.ok()) {
    // No token without its audit record. If the revoke fails too, the token is still unusable:
    // its secret is never sent to anyone.
    ctx.store->RevokeApiToken(user->id, token.id, token.created_at).IgnoreError();
    return StatusToHttp(st);
  }
  JsonWriter w;
  w.StartObject();
  w.Key("id").Int(token.id);
  w.Key("token").String(issued->first);
  w.Key("label").String(token.label);
  w.Key("created_at").String(IsoTime(token.created_at));
  w.Key("expires_at").String(IsoTime(token.expires_at));
  w.EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.status = 201;
  response.headers["Cache-Control"] = "no-store";
  return response;
}

HttpResponse HandleRevokeToken(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageUsers);
  if (!who.ok()) return StatusToHttp(who.status());
  Result<int64_t> id = IdParam(ctx.params, "id");
  if (!id.ok()) return BadField("id", id.status());
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<User> user = PathUser(ctx);
  if (!user.ok()) return StatusToHttp(user.status());
  const int64_t now = service.auth->Now();
  Status st = ctx.store->RevokeApiToken(user->id, *id, now);
  if (!st.ok()) return StatusToHttp(st);
  st =
      Audit(ctx, kAuditTokenRevoke, "user/" + user->name, kAuditOk, "token/" + std::to_string(*id));
  if (!st.ok()) return StatusToHttp(st);
  Result<std::vector<ApiToken>> tokens = ctx.store->ListApiTokens(user->id);
  if (!tokens.ok()) return StatusToHttp(tokens.status());
  int64_t revoked_at = now;
  for (const ApiToken& t : *tokens) {
    if (t.id == *id) revoked_at = t.revoked_at;
  }
  JsonWriter w;
  w.StartObject();
  w.Key("id").Int(*id);
  w.Key("revoked_at").String(IsoTime(revoked_at));
  w.EndObject();
  return JsonResponse(w.Take());
}

}  // namespace

Status RegisterUserRoutes(Router* router, const ServiceContext& service) {
  if (service.auth == nullptr) return Status::Internal("RegisterUserRoutes needs an Authenticator");
  const ServiceContext* s = &service;
  const auto add = [&](const char* method, const char* pattern, RouteDoc doc,
                       HttpResponse (*fn)(const RequestContext&, const ServiceContext&)) {
    return router->Add(method, pattern, std::move(doc),
                       [s, fn](const RequestContext& ctx) { return fn(ctx, *s); });
  };
  RouteDoc list{"用户列表（管理员）"};
  list.query = {{"after", "string", "上一页最后一个用户名"},
                {"limit", "integer", "每页条数，1–500，默认 50"}};
  RETURN_IF_ERROR(add("GET", "/api/v1/users", list, HandleList));
  RouteDoc create{"新建用户（管理员）"};
  create.body = "{name, role, password, display_name?, scopes?, grants?, disabled?}";
  RETURN_IF_ERROR(add("POST", "/api/v1/users", create, HandleCreate));
  RETURN_IF_ERROR(
      add("GET", "/api/v1/users/{name}", RouteDoc{"查看用户及其接口令牌（管理员）"}, HandleGet));
  RouteDoc update{"修改用户：角色、管辖范围、授权、停用、重置密码（管理员，需 If-Match）"};
  update.body = "{role?, display_name?, scopes?, grants?, disabled?, password?}";
  RETURN_IF_ERROR(add("PUT", "/api/v1/users/{name}", update, HandleUpdate));
  RouteDoc issue{"为部门账号签发接口令牌（只显示一次）"};
  issue.body = "{label, expires_in_days（可选，默认 365）}";
  RETURN_IF_ERROR(add("POST", "/api/v1/users/{name}/tokens", issue, HandleIssueToken));
  return add("DELETE", "/api/v1/users/{name}/tokens/{id}", RouteDoc{"吊销接口令牌（管理员）"},
             HandleRevokeToken);
}

}  // namespace onetable
