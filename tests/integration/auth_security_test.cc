// Issue 16 over real HTTP: login throttling with growing waits instead of a lock a stranger can
// hold (M4), admin unlock, throttle keys hashed, repeated denials merged into one audit record
// (M3), CSRF rules for cookie-carried writes (H2), API token expiry, self-service password
// change and the strength check (L). The server believes X-Forwarded-For from loopback here,
// so one test speaks for several client addresses.
#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth_harness.h"

namespace onetable::authtest {
namespace {

class AuthSecurity : public AuthHarness {
 protected:
  AuthSecurity() { trusted_proxies_ = {"127.0.0.1"}; }

  Answer LoginFrom(const std::string& address, const std::string& name,
                   const std::string& password) {
    return Call("", "POST", "/api/v1/login",
                "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}",
                {{"X-Forwarded-For", address}});
  }

  std::vector<AuditEntry> AuditOf(const std::string& action) {
    AuditQuery query;
    query.action = action;
    query.limit = 1000;
    Result<std::vector<AuditEntry>> rows = store_->ListAudit(query);
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    return rows.ok() ? *rows : std::vector<AuditEntry>{};
  }

  // A signed-in session, for cookie requests.
  std::string SessionOf(const std::string& name, const std::string& password) {
    Answer a = Login(name, password);
    EXPECT_EQ(a.status, 200) << a.body;
    return a.status == 200 ? std::string(a.Json()["token"].GetString()) : "";
  }
};

TEST_F(AuthSecurity, FailuresMakeTheAccountWaitLongerEachTimeButNeverLockIt) {
  const std::string from = "198.51.100.7";
  for (int i = 1; i <= 5; ++i) {
    Answer a = LoginFrom(from, "gw_a1", "Wrong-password-1");
    ASSERT_EQ(a.status, 401) << a.body;
    EXPECT_EQ(a.ErrorMessage(), "用户名或密码错误") << i;
  }
  // The sixth failure in a row starts a wait of 2 s, then 4 s, then 8 s.
  int64_t expected = 2;
  for (int i = 6; i <= 8; ++i) {
    Answer a = LoginFrom(from, "gw_a1", "Wrong-password-1");
    ASSERT_EQ(a.status, 401) << a.body;
    EXPECT_EQ(a.Header("retry-after"), std::to_string(expected)) << i;
    EXPECT_NE(a.ErrorMessage().find("请 " + std::to_string(expected) + " 秒后再试"),
              std::string::npos)
        << a.body;
    // While it waits, even the right password is not checked, and the attempt does not count.
    Answer early = LoginFrom(from, "gw_a1", kPassword);
    EXPECT_EQ(early.status, 429) << early.body;
    EXPECT_EQ(early.Header("retry-after"), std::to_string(expected));
    Advance(expected);
    expected *= 2;
  }
  // The owner, once the wait is over, signs in as usual: no lock.
  EXPECT_EQ(LoginFrom("203.0.113.20", "gw_a1", kPassword).status, 200);
  // And the count starts again.
  EXPECT_EQ(LoginFrom("203.0.113.20", "gw_a1", "Wrong-password-1").ErrorMessage(),
            "用户名或密码错误");
}

// M4 "8 clients posting logins pin both cores": at most password_check_slots PBKDF2 checks run
// at once. With every slot held (here by the test itself, standing in for slow checks), logins
// wait — at most password_check_waiters of them — and the next is answered 503 with Retry-After
// at once, unheard and uncounted; /healthz and signed-in requests answer meanwhile; once slots
// come free the waiting logins go through. No timing: the test waits on the slots' own count.
TEST_F(AuthSecurity, PasswordChecksAreCappedSoLoginsCannotStarveTheService) {
  const std::string session = SessionOf("gw_a1", kPassword);
  PasswordSlots& slots = auth_->password_slots();
  ASSERT_EQ(slots.capacity(), 2);
  ASSERT_EQ(slots.max_waiting(), 3);
  std::vector<PasswordSlots::Slot> held;
  for (int i = 0; i < slots.capacity(); ++i) {
    held.push_back(slots.Acquire());
    ASSERT_TRUE(held.back());
  }
  std::vector<std::future<Answer>> waiting;
  for (int i = 0; i < slots.max_waiting(); ++i) {
    waiting.push_back(std::async(std::launch::async, [this] { return Login("gw_a1", kPassword); }));
  }
  ASSERT_TRUE(slots.AwaitWaiting(slots.max_waiting(), std::chrono::minutes(2)));

  Answer refused = Login("gw_a1", kPassword);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.Header("retry-after"), "1");
  EXPECT_EQ(Call("", "GET", "/healthz").status, 200);
  EXPECT_EQ(Call(session, "GET", "/api/v1/me").status, 200);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Login("nobody", "Wrong-password-1").status, 503) << "an unknown name waits too";
  }
  EXPECT_TRUE(AuditOf(kAuditLogin).size() == 1) << "refused unheard: only the first login";

  held.clear();
  for (std::future<Answer>& login : waiting) {
    Answer a = login.get();
    EXPECT_EQ(a.status, 200) << a.body;
  }
  // Nothing was counted against the account or the address while refused.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Login("gw_a1", "Wrong-password-1").status, 401);
  EXPECT_EQ(Login("gw_a1", kPassword).status, 200);
}

TEST_F(AuthSecurity, AStrangerCannotKeepTheOwnerOut) {
  // A stranger tries hard, always as soon as they are heard.
  const std::string stranger = "198.51.100.66";
  int64_t waited = 0;
  for (int i = 0; i < 40; ++i) {
    Answer a = LoginFrom(stranger, "ca_a", "Wrong-password-1");
    const std::string retry = a.Header("retry-after");
    if (!retry.empty()) {
      Advance(std::stoll(retry));
      waited += std::stoll(retry);
    }
  }
  // The account's wait never exceeds 5 minutes: the owner, from their own address, gets in
  // within that, whatever the stranger does; the stranger's own address waits far longer.
  Answer owner = LoginFrom("203.0.113.5", "ca_a", kPassword);
  if (owner.status == 429) {
    EXPECT_LE(std::stoll(owner.Header("retry-after")), 300) << owner.body;
    Advance(std::stoll(owner.Header("retry-after")));
    owner = LoginFrom("203.0.113.5", "ca_a", kPassword);
  }
  EXPECT_EQ(owner.status, 200) << owner.body;
  Answer again = LoginFrom(stranger, "ca_a", "Wrong-password-1");
  if (again.status == 429) EXPECT_GT(std::stoll(again.Header("retry-after")), 0);
  EXPECT_GT(waited, 300) << "the stranger was slowed down";
}

TEST_F(AuthSecurity, PasswordSprayingFromOneAddressIsSlowedDown) {
  // One address, a different account name each time: the address itself is throttled.
  const std::string sprayer = "198.51.100.99";
  int throttled = 0;
  for (int i = 0; i < 14; ++i) {
    Answer a = LoginFrom(sprayer, "name" + std::to_string(i), "Wrong-password-1");
    if (a.status == 429 || !a.Header("retry-after").empty()) ++throttled;
  }
  EXPECT_GE(throttled, 4);
  // Another address is not affected.
  EXPECT_EQ(LoginFrom("203.0.113.9", "ca_a", kPassword).status, 200);
}

TEST_F(AuthSecurity, AnAdminCanEndAWaitThroughTheApi) {
  for (int i = 0; i < 6; ++i) LoginFrom("198.51.100.7", "gw_a1", "Wrong-password-1");
  ASSERT_EQ(LoginFrom("203.0.113.1", "gw_a1", kPassword).status, 429);
  const std::string admin = TokenOf("secadmin");
  // Not for everyone.
  EXPECT_EQ(
      Call(TokenOf("ca_a"), "POST", "/api/v1/login-throttle/unlock", R"({"name":"gw_a1"})").status,
      403);
  Answer unlocked = Call(admin, "POST", "/api/v1/login-throttle/unlock", R"({"name":"gw_a1"})");
  ASSERT_EQ(unlocked.status, 200) << unlocked.body;
  EXPECT_EQ(LoginFrom("203.0.113.1", "gw_a1", kPassword).status, 200);
  bool audited = false;
  for (const AuditEntry& e : AuditOf("user_change")) {
    audited = audited || (e.object == "user/gw_a1" && e.detail == "login throttle cleared" &&
                          e.user == "secadmin");
  }
  EXPECT_TRUE(audited);
  EXPECT_EQ(Call(admin, "POST", "/api/v1/login-throttle/unlock", "{}").status, 400);
}

TEST_F(AuthSecurity, ThrottleKeysAreKeyedHashesNotTheTypedText) {
  const LoginThrottler& throttle = auth_->throttle();
  const std::string key = throttle.AccountKey("Secret-typed-in-name");
  EXPECT_EQ(key.rfind("account:", 0), 0u);
  EXPECT_EQ(key.size(), 8u + 64u);
  EXPECT_EQ(key.find("Secret"), std::string::npos);
  // Another process's key (another secret) gives other hashes: they cannot be precomputed.
  AuthOptions other;
  other.throttle_secret = "another secret";
  EXPECT_NE(Authenticator(other).throttle().AccountKey("Secret-typed-in-name"), key);

  ASSERT_EQ(Login("Secret-typed-in-name", "x1").status, 401);
  Result<LoginThrottle> counted = store_->GetLoginThrottle(key);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(counted->failures, 1);
  if (url_.rfind("sqlite:", 0) == 0) {
    // Nothing of the typed name reaches the database file.
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(url_.substr(7) + suffix, std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      bytes += buffer.str();
    }
    ASSERT_FALSE(bytes.empty());
    EXPECT_EQ(bytes.find("Secret-typed-in-name"), std::string::npos);
  }
  // Quiet keys are pruned when a new key is counted.
  Advance(16 * 60);
  ASSERT_EQ(Login("someone-else", "x1").status, 401);
  EXPECT_EQ(store_->GetLoginThrottle(key)->failures, 0);
}

TEST_F(AuthSecurity, RepeatedDenialsOfOneClientAreOneRecordWithACount) {
  const size_t before = AuditOf("denied").size();
  for (int i = 0; i < 50; ++i) ASSERT_EQ(Call("", "GET", "/api/v1/tree").status, 401);
  std::vector<AuditEntry> rows = AuditOf("denied");
  EXPECT_EQ(rows.size(), before + 1) << "50 denials, one record so far";
  // Once the window is over, the next request records the count.
  Advance(61);
  ASSERT_EQ(Call("", "GET", "/api/v1/tree").status, 401);
  rows = AuditOf("denied");
  ASSERT_EQ(rows.size(), before + 3);
  bool counted = false;
  for (const AuditEntry& e : rows) {
    counted = counted || (e.object == "GET /api/v1/tree" &&
                          e.detail.rfind("repeated count=49 status=401", 0) == 0);
  }
  EXPECT_TRUE(counted);
  // Throttled logins are merged the same way (they are refused unheard).
  for (int i = 0; i < 6; ++i) LoginFrom("198.51.100.7", "gw_a1", "Wrong-password-1");
  const size_t logins = AuditOf("login").size();
  const size_t denials = AuditOf("denied").size();
  for (int i = 0; i < 30; ++i) ASSERT_EQ(LoginFrom("198.51.100.7", "gw_a1", "x").status, 429);
  EXPECT_EQ(AuditOf("login").size(), logins);
  EXPECT_EQ(AuditOf("denied").size(), denials + 1);
}

TEST_F(AuthSecurity, CookieWritesMustComeFromTheServicesOwnPages) {
  const std::string session = SessionOf("secadmin", kPassword);
  const std::string cookie = "onetable_session=" + session;
  const std::string host = "127.0.0.1:" + std::to_string(server_->port());
  const std::string body = R"({"name":"csrf_user","role":"admin","password":"Zq7-csrf-user-2024"})";
  const auto post = [&](std::map<std::string, std::string> headers) {
    headers["Cookie"] = cookie;
    return Call("", "POST", "/api/v1/users", body, headers);
  };
  // A cross-site form: text/plain, another origin.
  Answer form = post({{"Content-Type", "text/plain"}, {"Origin", "http://127.0.0.1:18590"}});
  EXPECT_EQ(form.status, 403) << form.body;
  EXPECT_EQ(post({{"Content-Type", "application/x-www-form-urlencoded"},
                  {"Sec-Fetch-Site", "same-origin"}})
                .status,
            403);
  // JSON, but from another site, or saying nothing about where it comes from.
  EXPECT_EQ(post({{"Sec-Fetch-Site", "same-site"}}).status, 403);
  EXPECT_EQ(post({{"Sec-Fetch-Site", "cross-site"}}).status, 403);
  EXPECT_EQ(post({{"Origin", "http://127.0.0.1:18590"}}).status, 403);
  EXPECT_EQ(post({{"Origin", "null"}}).status, 403);
  EXPECT_EQ(post({}).status, 403);
  EXPECT_EQ(store_->GetUser("csrf_user").status().code(), StatusCode::kNotFound);
  // From the service's own page.
  Answer own = post({{"Sec-Fetch-Site", "same-origin"}});
  EXPECT_EQ(own.status, 201) << own.body;
  // An older browser without Sec-Fetch-Site: Origin names this host.
  Answer older =
      Call("", "PUT", "/api/v1/users/csrf_user", R"({"display_name":"跨站测试"})",
           {{"Cookie", cookie}, {"Origin", "http://" + host}, {"If-Match", own.Header("etag")}});
  EXPECT_EQ(older.status, 200) << older.body;
  // Bearer tokens are not affected (no browser sends them by itself).
  Answer bearer = Call(session, "POST", "/api/v1/logout", "{}", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(bearer.status, 200) << bearer.body;
}

// H2 on every route: each state-changing route of the service (POST, PUT, PATCH, DELETE — DELETE
// without a body too), cookie-carried, as a cross-site form (text/plain from another origin) or a
// cross-site script (JSON without a body but Sec-Fetch-Site: cross-site), is refused before its
// handler runs, whoever's session the cookie holds. Nothing is written.
TEST_F(AuthSecurity, EveryCookieCarriedWriteRouteRefusesCrossSiteRequests) {
  const std::string session = SessionOf("admin", kPassword);
  const std::string cookie = "onetable_session=" + session;
  const size_t writes_before = AuditOf(kAuditWrite).size();
  int checked = 0;
  for (const Router::RouteInfo& route : routes_) {
    if (route.method == "GET" || route.method == "HEAD" || route.method == "OPTIONS") continue;
    std::string path = route.pattern;
    for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{')) {
      path.replace(open, path.find('}', open) - open + 1, std::to_string(zhang_));
    }
    SCOPED_TRACE(route.method + " " + path);
    Answer form = Call("", route.method, path, R"({"x":"=y"})",
                       {{"Cookie", cookie},
                        {"Content-Type", "text/plain"},
                        {"Origin", "http://127.0.0.1:18590"}});
    EXPECT_EQ(form.status, 403) << form.body;
    EXPECT_EQ(form.ErrorMessage().rfind("请求被拒绝", 0), 0u) << form.body;
    // No body, no Content-Type: what a cross-site fetch() of a DELETE sends.
    Poco::Net::HTTPClientSession client("127.0.0.1", server_->port());
    Poco::Net::HTTPRequest bare(route.method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    bare.set("Cookie", cookie);
    bare.set("Sec-Fetch-Site", "cross-site");
    client.sendRequest(bare);
    Poco::Net::HTTPResponse response;
    std::string reply;
    Poco::StreamCopier::copyToString(client.receiveResponse(response), reply);
    EXPECT_EQ(response.getStatus(), 403) << reply;
    EXPECT_NE(reply.find("请求被拒绝"), std::string::npos) << reply;
    ++checked;
  }
  EXPECT_GT(checked, 30) << "every write route of the service";
  EXPECT_EQ(AuditOf(kAuditWrite).size(), writes_before);
  EXPECT_TRUE(store_->Get(EntityKind::kPerson, zhang_).ok()) << "not deleted";
}

// Login CSRF: a cross-site form can post a text/plain body that reads as JSON
// ({"name":"attacker","password":"pw=}" … ) and sign the victim's browser into the attacker's
// account. Logins that say they come from another site are refused; scripts (no Origin, no
// Sec-Fetch-Site) and the service's own page are not.
TEST_F(AuthSecurity, ACrossSiteFormCannotSignABrowserIn) {
  const std::string body = std::string(R"({"name":"gw_a1","password":")") + kPassword + "\"}";
  const std::string host = "127.0.0.1:" + std::to_string(server_->port());
  Answer form = Call("", "POST", "/api/v1/login", body,
                     {{"Content-Type", "text/plain"}, {"Origin", "http://127.0.0.1:18590"}});
  EXPECT_EQ(form.status, 403) << form.body;
  EXPECT_EQ(form.Header("set-cookie"), "");
  EXPECT_EQ(Call("", "POST", "/api/v1/login", body, {{"Sec-Fetch-Site", "cross-site"}}).status,
            403);
  EXPECT_EQ(Call("", "POST", "/api/v1/login", body, {{"Sec-Fetch-Site", "same-site"}}).status,
            403);
  EXPECT_EQ(Call("", "POST", "/api/v1/login", body, {{"Origin", "null"}}).status, 403);
  EXPECT_EQ(Call("", "POST", "/api/v1/login", body,
                 {{"Sec-Fetch-Site", "same-origin"}, {"Origin", "http://" + host}})
                .status,
            200);
  EXPECT_EQ(Call("", "POST", "/api/v1/login", body).status, 200) << "a script";
}

TEST_F(AuthSecurity, ApiTokensEndAfterAYearOrTheirOwnLifetime) {
  const std::string admin = TokenOf("secadmin");
  Answer year = Call(admin, "POST", "/api/v1/users/dept/tokens", R"({"label":"一年"})");
  ASSERT_EQ(year.status, 201) << year.body;
  EXPECT_EQ(std::string(year.Json()["expires_at"].GetString()), "2027-01-01T00:00:00Z");
  Answer day =
      Call(admin, "POST", "/api/v1/users/dept/tokens", R"({"label":"一天","expires_in_days":1})");
  ASSERT_EQ(day.status, 201) << day.body;
  EXPECT_EQ(Call(admin, "POST", "/api/v1/users/dept/tokens", R"({"expires_in_days":0})").status,
            400);
  const std::string year_token = year.Json()["token"].GetString();
  const std::string day_token = day.Json()["token"].GetString();
  tokens_seen_.push_back(year_token);
  tokens_seen_.push_back(day_token);
  EXPECT_EQ(Call(day_token, "GET", "/api/v1/me").status, 200);
  Advance(24 * 3600);
  EXPECT_EQ(Call(day_token, "GET", "/api/v1/me").status, 401);
  EXPECT_EQ(Call(year_token, "GET", "/api/v1/me").status, 200);
  Advance(364 * 24 * 3600 - 1);
  EXPECT_EQ(Call(year_token, "GET", "/api/v1/me").status, 200);
  Advance(1);
  EXPECT_EQ(Call(year_token, "GET", "/api/v1/me").status, 401);
  // The list shows each token's end and last use.
  Answer user = Call(TokenOf("secadmin"), "GET", "/api/v1/users/dept");
  ASSERT_EQ(user.status, 200) << user.body;
  const rapidjson::Value& tokens = user.Json()["tokens"];
  ASSERT_EQ(tokens.Size(), 2u);
  EXPECT_EQ(std::string(tokens[0]["expires_at"].GetString()), "2027-01-01T00:00:00Z");
  EXPECT_EQ(std::string(tokens[0]["last_used_at"].GetString()), "2026-12-31T23:59:59Z");
}

TEST_F(AuthSecurity, PeopleChangeTheirOwnPasswordWithTheOldOne) {
  const std::string token = SessionOf("gw_a1", kPassword);
  const auto change = [&](const std::string& old_password, const std::string& fresh) {
    return Call(token, "POST", "/api/v1/me/password",
                "{\"old_password\":\"" + old_password + "\",\"new_password\":\"" + fresh + "\"}");
  };
  Answer wrong = change("Wrong-password-1", "Kx9-morning-tea-river");
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_NE(wrong.body.find("old_password"), std::string::npos);
  for (const char* weak : {"aaaaaaaaa1", "gw_a1gw_a1gw_a1", "password123", "short1"}) {
    Answer refused = change(kPassword, weak);
    EXPECT_EQ(refused.status, 400) << weak << ": " << refused.body;
    EXPECT_NE(refused.body.find("new_password"), std::string::npos) << refused.body;
  }
  Answer done = change(kPassword, "Kx9-morning-tea-river");
  ASSERT_EQ(done.status, 200) << done.body;
  // Every session of the account ended; the new password works, the old one not.
  EXPECT_EQ(Call(token, "GET", "/api/v1/me").status, 401);
  EXPECT_EQ(Login("gw_a1", kPassword).status, 401);
  EXPECT_EQ(Login("gw_a1", "Kx9-morning-tea-river").status, 200);
  bool audited = false;
  for (const AuditEntry& e : AuditOf("user_change")) {
    audited = audited || (e.object == "user/gw_a1" && e.user == "gw_a1" && e.result == "ok");
  }
  EXPECT_TRUE(audited);
  // An API token cannot change its account's password.
  const std::string admin = TokenOf("secadmin");
  Answer issued = Call(admin, "POST", "/api/v1/users/dept/tokens", R"({"label":"x"})");
  const std::string dept = issued.Json()["token"].GetString();
  tokens_seen_.push_back(dept);
  EXPECT_EQ(Call(dept, "POST", "/api/v1/me/password",
                 "{\"old_password\":\"" + std::string(kPassword) +
                     "\",\"new_password\":\"Kx9-morning-tea-river\"}")
                .status,
            403);
}

TEST_F(AuthSecurity, WeakAndNameDerivedPasswordsAreRefusedForNewAccounts) {
  const std::string admin = TokenOf("secadmin");
  for (const char* weak : {"aaaaaaaaa1", "zhangsanzhangsan", "zhangsan2024", "qwerty12345"}) {
    Answer a =
        Call(admin, "POST", "/api/v1/users",
             std::string(R"({"name":"zhangsan","role":"admin","password":")") + weak + "\"}");
    EXPECT_EQ(a.status, 400) << weak << ": " << a.body;
  }
  Answer ok = Call(admin, "POST", "/api/v1/users",
                   R"({"name":"zhangsan","role":"admin","password":"Kx9-morning-tea-river"})");
  EXPECT_EQ(ok.status, 201) << ok.body;
  // A display name with a line break is refused.
  Answer crlf = Call(admin, "POST", "/api/v1/users",
                     R"({"name":"lisi","role":"admin","password":"Kx9-morning-tea-river",)"
                     R"("display_name":"李四\r\nX-Injected: 1"})");
  EXPECT_EQ(crlf.status, 400) << crlf.body;
}

}  // namespace
}  // namespace onetable::authtest
