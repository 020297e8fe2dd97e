#include "http/auth_handlers.h"

#include "auth/authenticator.h"
#include "auth/password.h"
#include "auth/password_strength.h"
#include "auth/users.h"
#include "http/json_body.h"
#include "http/json_writer.h"
#include "http/request_audit.h"
#include "http/service_context.h"
#include "http/session_cookie.h"
#include "store/store.h"

namespace onetable {
namespace {

HttpResponse NoStore() { return StatusToHttp(Status::Internal("handler called without a store")); }

void WriteTimeOrNull(JsonWriter& w, const char* key, int64_t unix_seconds) {
  w.Key(key);
  if (unix_seconds > 0) {
    w.String(IsoTime(unix_seconds));
  } else {
    w.Null();
  }
}

void WriteUser(JsonWriter& w, const User& user) {
  w.Key("user").StartObject();
  w.Key("name").String(user.name);
  w.Key("role").String(user.role);
  w.Key("display_name").String(user.display_name);
  w.EndObject();
}

HttpResponse HandleLogin(const RequestContext& ctx, const ServiceContext& service) {
  Status st = CheckNotCrossSite(ctx.request);
  if (!st.ok()) return StatusToHttp(st);
  rapidjson::Document body;
  st = ParseJsonBody(ctx.request, &body);
  if (st.ok()) st = CheckKeys(body, {"name", "password"});
  if (!st.ok()) return StatusToHttp(st);
  Result<std::optional<std::string>> name = OptionalString(body, "name");
  if (!name.ok()) return StatusToHttp(name.status());
  Result<std::optional<std::string>> password = OptionalString(body, "password");
  if (!password.ok()) return StatusToHttp(password.status());
  if (ctx.store == nullptr) return NoStore();

  const Authenticator& auth = *service.auth;
  LoginOutcome outcome =
      auth.Login(*ctx.store, name->value_or(""), password->value_or(""), ctx.request.remote_addr);
  if (!outcome.status.ok() && outcome.failure == LoginFailure::kNone) {
    return StatusToHttp(outcome.status);  // the store failed: no login happened
  }
  if (outcome.failure == LoginFailure::kBusy) {
    // No password was checked: not a failure of this account, not audited one by one.
    HttpResponse response = ErrorResponse(503, "unavailable", outcome.status.message());
    response.headers["Retry-After"] = std::to_string(outcome.retry_after);
    return response;
  }
  if (outcome.failure == LoginFailure::kThrottled) {
    // Refused unheard: not audited one by one (a flood would fill the log); the server merges
    // repeated refusals from one client into one record with a count (server.h).
    HttpResponse response = ErrorResponse(429, "too_many_requests", outcome.status.message());
    response.headers["Retry-After"] = std::to_string(outcome.retry_after);
    return response;
  }
  // Unknown names are not recorded: a password typed into the name box must not be kept.
  const std::string account = outcome.account ? outcome.account->name : "";
  const std::string role = outcome.account ? outcome.account->role : "";
  const std::string object = outcome.account ? "user/" + account : "user/(unknown)";
  if (!outcome.status.ok()) {
    Status audited = AuditAs(ctx, account, role, kAuditLogin, object, kAuditFailed,
                             LoginFailureName(outcome.failure));
    if (!audited.ok()) return StatusToHttp(audited);
    HttpResponse response = StatusToHttp(outcome.status);
    if (outcome.retry_after > 0) {
      response.headers["Retry-After"] = std::to_string(outcome.retry_after);
    }
    response.audited = true;
    return response;
  }
  Status audited = AuditAs(ctx, account, role, kAuditLogin, object, kAuditOk, "session");
  if (!audited.ok()) {
    // No session without its audit record. If the delete fails too, the row left behind is
    // harmless: its token is never sent to the client, and it expires.
    ctx.store->DeleteSession(outcome.session.id).IgnoreError();
    return StatusToHttp(audited);
  }

  JsonWriter w;
  w.StartObject();
  w.Key("token").String(outcome.token);
  w.Key("expires_at").String(IsoTime(outcome.session.expires_at));
  w.Key("idle_expires_at")
      .String(IsoTime(outcome.session.last_seen_at + auth.options().idle_seconds));
  w.Key("idle_timeout_seconds").Int(auth.options().idle_seconds);
  WriteUser(w, *outcome.account);
  w.EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.headers["Set-Cookie"] = SessionCookie(auth.options(), outcome.token);
  response.headers["Cache-Control"] = "no-store";
  response.audited = true;
  return response;
}

HttpResponse HandleLogout(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Caller(ctx);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStore();
  Status st = service.auth->Logout(RequestToken(ctx.request), *ctx.store);
  if (!st.ok()) return StatusToHttp(st);
  st = Audit(ctx, kAuditLogout, "user/" + (*who)->user, kAuditOk, (*who)->via);
  if (!st.ok()) return StatusToHttp(st);
  HttpResponse response = JsonResponse(R"({"status":"ok"})");
  response.headers["Set-Cookie"] = ClearedCookie(service.auth->options());
  response.headers["Cache-Control"] = "no-store";
  return response;
}

HttpResponse HandleMe(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Caller(ctx);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStore();
  // The session's times (the principal alone does not carry them); passive, like this route.
  Result<Authenticated> session =
      service.auth->Authenticate(RequestToken(ctx.request), *ctx.store, false);
  if (!session.ok()) return StatusToHttp(session.status());
  Result<User> user = ctx.store->GetUserById((*who)->user_id);
  if (!user.ok()) return StatusToHttp(user.status());

  JsonWriter w;
  w.StartObject();
  WriteUser(w, *user);
  w.Key("scopes").StartArray();
  for (const std::string& s : user->scopes) w.String(s);
  w.EndArray();
  w.Key("grants").StartArray();
  for (const std::string& g : user->grants) w.String(g);
  w.EndArray();
  w.Key("via").String((*who)->via);
  w.Key("role_label").String(RoleLabel((*who)->role));
  w.Key("permissions").StartArray();
  for (Permission p : PermissionsOf(**who)) w.String(PermissionName(p));
  w.EndArray();
  // Every role with its label, in display order: the users page offers these.
  w.Key("roles").StartArray();
  for (Role role : AllRoles()) {
    w.StartObject().Key("key").String(RoleName(role)).Key("label").String(RoleLabel(role));
    w.EndObject();
  }
  w.EndArray();
  // The password rule as PasswordWeakness enforces it: every password form shows this one.
  w.Key("password_rule").StartObject();
  w.Key("min_length").Int(kMinPasswordLength);
  w.Key("text").String(PasswordRuleText());
  w.EndObject();
  w.Key("now").String(IsoTime(service.auth->Now()));
  WriteTimeOrNull(w, "expires_at", session->expires_at);
  WriteTimeOrNull(w, "idle_expires_at", session->idle_expires_at);
  w.Key("idle_timeout_seconds").Int(service.auth->options().idle_seconds);
  w.EndObject();
  HttpResponse response = JsonResponse(w.Take());
  response.headers["Cache-Control"] = "no-store";
  return response;
}

// POST /api/v1/me/password {old_password, new_password}: a signed-in person changes their own
// password. The old one is checked (a wrong one counts against the login throttle, so a stolen
// session cannot guess it), the new one must pass the strength check; every session of the
// account ends, this one included. Sessions only: an API token cannot change a password.
HttpResponse HandleChangePassword(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Caller(ctx);
  if (!who.ok()) return StatusToHttp(who.status());
  if ((*who)->via != "session") {
    return StatusToHttp(Status::Denied("接口令牌不能修改密码，请登录后修改"));
  }
  if (ctx.store == nullptr) return NoStore();
  rapidjson::Document body;
  Status st = ParseJsonBody(ctx.request, &body);
  if (st.ok()) st = CheckKeys(body, {"old_password", "new_password"});
  if (!st.ok()) return StatusToHttp(st);
  Result<std::optional<std::string>> old_password = OptionalString(body, "old_password");
  if (!old_password.ok()) return StatusToHttp(old_password.status());
  Result<std::optional<std::string>> new_password = OptionalString(body, "new_password");
  if (!new_password.ok()) return StatusToHttp(new_password.status());
  if (!old_password->has_value() || !new_password->has_value()) {
    return StatusToHttp(Status::Invalid("需要当前密码（old_password）和新密码（new_password）"));
  }
  const Authenticator& auth = *service.auth;
  const int64_t now = auth.Now();
  const std::string& name = (*who)->user;
  Result<int64_t> wait =
      auth.throttle().WaitSeconds(*ctx.store, name, ctx.request.remote_addr, now);
  if (!wait.ok()) return StatusToHttp(wait.status());
  if (*wait > 0) {
    HttpResponse response = ErrorResponse(
        429, "too_many_requests", "尝试过于频繁，请 " + std::to_string(*wait) + " 秒后再试");
    response.headers["Retry-After"] = std::to_string(*wait);
    return response;
  }
  Result<User> user = ctx.store->GetUserById((*who)->user_id);
  if (!user.ok()) return StatusToHttp(user.status());
  PasswordSlots::Slot slot = auth.password_slots().Acquire();
  if (!slot) {
    HttpResponse response = ErrorResponse(503, "unavailable", "系统繁忙，请稍后再试");
    response.headers["Retry-After"] = "1";
    return response;
  }
  const bool old_ok = VerifyPassword(**old_password, user->password_hash);
  slot.Release();
  if (!old_ok) {
    Result<int64_t> after =
        auth.throttle().RecordFailure(*ctx.store, name, ctx.request.remote_addr, now);
    if (!after.ok()) return StatusToHttp(after.status());
    st = Audit(ctx, kAuditUserChange, "user/" + name, kAuditFailed,
               "own password: old password wrong");
    if (!st.ok()) return StatusToHttp(st);
    return ErrorResponse(400, "invalid_argument", "当前密码不正确",
                         {ErrorDetail{"old_password", "wrong_password", "当前密码不正确"}});
  }
  if (**old_password == **new_password) {
    return ErrorResponse(400, "invalid_argument", "新密码不能与当前密码相同",
                         {ErrorDetail{"new_password", "unchanged", "新密码不能与当前密码相同"}});
  }
  UserChange change;
  change.password = **new_password;
  const UserAccounts accounts(service, auth.options().password_iterations);
  UserOutcome updated = accounts.Update(*ctx.store, ActorOf(ctx), name, user->version, change);
  if (!updated.status.ok()) {
    if (updated.field == "password") {
      return ErrorResponse(
          400, "invalid_argument", updated.status.message(),
          {ErrorDetail{"new_password", "weak_password", updated.status.message()}});
    }
    return StatusToHttp(updated.status);
  }
  HttpResponse response = JsonResponse(R"({"status":"ok","signed_out":true})");
  response.headers["Set-Cookie"] = ClearedCookie(auth.options());
  return response;
}

// POST /api/v1/login-throttle/unlock {name?, address?}: an account manager ends the login wait
// of an account name and/or a client address (auth/login_throttle.h); audited.
HttpResponse HandleUnlock(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kManageUsers);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return NoStore();
  rapidjson::Document body;
  Status st = ParseJsonBody(ctx.request, &body);
  if (st.ok()) st = CheckKeys(body, {"name", "address"});
  if (!st.ok()) return StatusToHttp(st);
  Result<std::optional<std::string>> name = OptionalString(body, "name");
  if (!name.ok()) return StatusToHttp(name.status());
  Result<std::optional<std::string>> address = OptionalString(body, "address");
  if (!address.ok()) return StatusToHttp(address.status());
  if (name->value_or("").empty() && address->value_or("").empty()) {
    return StatusToHttp(Status::Invalid("需要用户名（name）或客户端地址（address）"));
  }
  const LoginThrottler& throttle = service.auth->throttle();
  if (!name->value_or("").empty()) {
    st = throttle.UnlockAccount(*ctx.store, **name);
    if (st.ok()) {
      st = Audit(ctx, kAuditUserChange, "user/" + **name, kAuditOk, "login throttle cleared");
    }
    if (!st.ok()) return StatusToHttp(st);
  }
  if (!address->value_or("").empty()) {
    st = throttle.UnlockAddress(*ctx.store, **address);
    if (st.ok()) {
      st = Audit(ctx, kAuditUserChange, "address/" + **address, kAuditOk, "login throttle cleared");
    }
    if (!st.ok()) return StatusToHttp(st);
  }
  return JsonResponse(R"({"status":"ok"})");
}

}  // namespace

Status RegisterAuthRoutes(Router* router, const ServiceContext& service) {
  if (service.auth == nullptr) return Status::Internal("RegisterAuthRoutes needs an Authenticator");
  const ServiceContext* s = &service;
  RouteDoc login;
  login.summary = "登录：用户名和密码换取会话令牌（同时设置 HttpOnly Cookie）";
  login.is_public = true;
  login.body = "{\"name\": 用户名, \"password\": 密码}";
  RETURN_IF_ERROR(router->Add("POST", "/api/v1/login", login,
                              [s](const RequestContext& ctx) { return HandleLogin(ctx, *s); }));
  RouteDoc logout;
  logout.summary = "退出登录：结束当前会话";
  RETURN_IF_ERROR(router->Add("POST", "/api/v1/logout", logout,
                              [s](const RequestContext& ctx) { return HandleLogout(ctx, *s); }));
  RouteDoc password;
  password.summary = "修改自己的密码：需要当前密码；成功后所有会话结束，需重新登录";
  password.body = "{\"old_password\": 当前密码, \"new_password\": 新密码}";
  RETURN_IF_ERROR(
      router->Add("POST", "/api/v1/me/password", password,
                  [s](const RequestContext& ctx) { return HandleChangePassword(ctx, *s); }));
  RouteDoc unlock;
  unlock.summary = "解除登录失败造成的等待（按账号或客户端地址；管理员）";
  unlock.body = "{\"name\": 用户名, \"address\": 客户端地址}（至少一项）";
  RETURN_IF_ERROR(router->Add("POST", "/api/v1/login-throttle/unlock", unlock,
                              [s](const RequestContext& ctx) { return HandleUnlock(ctx, *s); }));
  RouteDoc me;
  me.summary = "当前用户、角色、权限与会话到期时间（不延长会话）";
  me.passive = true;
  return router->Add("GET", "/api/v1/me", me,
                     [s](const RequestContext& ctx) { return HandleMe(ctx, *s); });
}

}  // namespace onetable
