// Audit completeness over real HTTP: a scripted session (a failed login, a login, a read of a
// person, a search, a "show in full", a write, a table download and preview, an out-of-scope read, a denied request, logout) leaves
// exactly the expected audit rows, each with the request id the client was given; and neither
// the request log nor the audit table ever holds the fixture's ID numbers, phones or names, a
// password or a token, however hard the client tries to put them there.
#include <string>
#include <vector>

#include "audit/audit_chain.h"
#include "auth_harness.h"

namespace onetable::authtest {
namespace {

class AuditTrail : public AuthHarness {
 protected:
  AuditTrail() { capture_log_ = true; }

  std::vector<AuditEntry> AuditRows() {
    AuditQuery query;
    query.limit = 1000;
    Result<std::vector<AuditEntry>> rows = store_->ListAudit(query);
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    return rows.ok() ? *rows : std::vector<AuditEntry>{};
  }

  static std::string Text(const AuditEntry& e) {
    return e.at + "|" + e.user + "|" + e.role + "|" + e.source_addr + "|" + e.action + "|" +
           e.object + "|" + e.result + "|" + e.request_id + "|" + e.detail;
  }
};

TEST_F(AuditTrail, AScriptedSessionLeavesExactlyTheseRows) {
  const std::string zhang = std::to_string(zhang_);
  std::vector<std::string> ids;  // X-Request-Id of each audited step, in order
  const auto step = [&](const Answer& a, int status) {
    EXPECT_EQ(a.status, status) << a.body;
    ids.push_back(a.Header("x-request-id"));
  };

  step(Login("gw_a1", "Wrong-password-1"), 401);
  Answer login = Login("gw_a1", kPassword);
  step(login, 200);
  const std::string token = login.Json()["token"].GetString();
  tokens_seen_.push_back(token);

  // The tree holds no personal data and is not audited; reading a person and searching are.
  EXPECT_EQ(Call(token, "GET", "/api/v1/tree").status, 200);
  Answer person = Call(token, "GET", "/api/v1/persons/" + zhang);
  step(person, 200);
  const std::string etag = person.Header("etag");
  step(Call(token, "GET", "/api/v1/persons/search?name=" + std::string("%E5%BC%A0")), 200);
  step(Call(token, "GET", "/api/v1/persons/" + zhang + "?reveal=1"), 200);

  step(Call(token, "PUT", "/api/v1/persons/" + zhang, R"({"fields":{"phone":"13700001111"}})",
            {{"If-Match", etag}}),
       200);
  personal_.push_back("13700001111");
  step(Call(token, "GET", "/api/v1/tables/minzheng/gaoling-jintie?format=csv"), 200);
  step(Call(token, "GET", "/api/v1/mappings/minzheng/gaoling-jintie/preview"), 200);
  // Another community's resident: a 404 like a missing id, but audited as a possible refusal.
  const std::string zhao = std::to_string(zhao_);
  step(Call(token, "GET", "/api/v1/persons/" + zhao), 404);
  step(Call(token, "GET", "/api/v1/users"), 403);
  step(Call(token, "POST", "/api/v1/logout"), 200);
  step(Call(token, "GET", "/api/v1/tree"), 401);

  struct Expected {
    std::string user, role, action, object, result;
  } expected[] = {
      {"gw_a1", "grid_worker", "login", "user/gw_a1", "failed"},
      {"gw_a1", "grid_worker", "login", "user/gw_a1", "ok"},
      {"gw_a1", "grid_worker", "read", "person/" + zhang, "ok"},
      {"gw_a1", "grid_worker", "search", "persons", "ok"},
      {"gw_a1", "grid_worker", "reveal", "person/" + zhang, "ok"},
      {"gw_a1", "grid_worker", "write", "person/" + zhang, "ok"},
      {"gw_a1", "grid_worker", "download", "table/minzheng/gaoling-jintie", "ok"},
      {"gw_a1", "grid_worker", "preview", "table/minzheng/gaoling-jintie", "ok"},
      {"gw_a1", "grid_worker", "denied", "GET /api/v1/persons/" + zhao, "denied"},
      {"gw_a1", "grid_worker", "denied", "GET /api/v1/users", "denied"},
      {"gw_a1", "grid_worker", "logout", "user/gw_a1", "ok"},
      {"", "", "denied", "GET /api/v1/tree", "denied"},
  };
  const std::vector<AuditEntry> rows = AuditRows();
  ASSERT_EQ(rows.size(), std::size(expected));
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i) + ": " + Text(rows[i]));
    const Expected& e = expected[i];
    EXPECT_EQ(rows[i].user, e.user);
    EXPECT_EQ(rows[i].role, e.role);
    EXPECT_EQ(rows[i].action, e.action);
    EXPECT_EQ(rows[i].object, e.object);
    EXPECT_EQ(rows[i].result, e.result);
    EXPECT_EQ(rows[i].source_addr, "127.0.0.1");
    EXPECT_EQ(rows[i].request_id, ids[i]);
    EXPECT_EQ(rows[i].at.size(), 19u) << "UTC YYYY-MM-DD HH:MM:SS";
  }
  EXPECT_EQ(rows[0].detail, "bad_password");
  EXPECT_EQ(rows[3].detail, "by=name rows=1") << "the criterion, never the text searched";
  EXPECT_NE(rows[4].detail.find("id_number"), std::string::npos) << "names what was shown";
  EXPECT_EQ(rows[8].detail, "status=404 (not found or outside the caller's scope)");
  EXPECT_EQ(rows[9].detail, "status=403");
  EXPECT_NE(rows[5].detail.find("phone"), std::string::npos) << "names the field written";

  // Every record is in the chain, unbroken.
  Result<AuditVerifyReport> chain = VerifyAuditChain(*store_, audit_key_);
  ASSERT_TRUE(chain.ok()) << chain.status().message();
  EXPECT_TRUE(chain->ok()) << (chain->problems.empty() ? "" : chain->problems[0]);
  EXPECT_EQ(chain->records, static_cast<int64_t>(rows.size()));

  // The audit API shows the same rows to the auditor (and to no one else), filtered and paged.
  EXPECT_EQ(Call(TokenOf("admin"), "GET", "/api/v1/audit").status, 403);
  const std::string admin = TokenOf("auditor");
  Answer page = Call(admin, "GET", "/api/v1/audit?user=gw_a1&limit=2");
  ASSERT_EQ(page.status, 200) << page.body;
  rapidjson::Document doc = page.Json();
  ASSERT_EQ(doc["items"].Size(), 2u);
  EXPECT_EQ(std::string(doc["items"][0]["action"].GetString()), "login");
  EXPECT_EQ(std::string(doc["items"][0]["request_id"].GetString()), ids[0]);
  EXPECT_EQ(std::string(doc["items"][0]["at"].GetString()).back(), 'Z');
  ASSERT_TRUE(doc["next_after"].IsInt64());
  Answer next =
      Call(admin, "GET",
           "/api/v1/audit?user=gw_a1&after=" + std::to_string(doc["next_after"].GetInt64()));
  EXPECT_EQ(next.Json()["items"].Size(), 9u) << next.body;
  Answer denied = Call(admin, "GET", "/api/v1/audit?action=denied");
  EXPECT_EQ(denied.Json()["items"].Size(), 4u) << denied.body;  // + the admin's refusal
  EXPECT_EQ(Call(admin, "GET", "/api/v1/audit?since=2000-01-01").Json()["items"].Size(),
            rows.size() + 3);  // + the admin's login and refusal, the auditor's login
  EXPECT_EQ(Call(admin, "GET", "/api/v1/audit?since=2999-01-01").Json()["items"].Size(), 0u);
  EXPECT_EQ(Call(admin, "GET", "/api/v1/audit?since=yesterday").status, 400);
  EXPECT_EQ(Call(TokenOf("ca_a"), "GET", "/api/v1/audit").status, 403);
}

TEST_F(AuditTrail, NoPersonalValuePasswordOrTokenInTheLogOrTheAuditTable) {
  const std::string admin = TokenOf("admin");
  const std::string secadmin = TokenOf("secadmin");  // accounts and tokens are its duty
  const std::string worker = TokenOf("gw_a1");
  const std::string id_number = IdNumberFor("19400101", 11);  // 张三丰's
  const std::string phone = "13912345678";                    // 李四海's
  const std::vector<std::string> attempts = {
      // Personal values in paths, queries and bodies, valid or not.
      "/api/v1/persons/" + id_number,
      "/api/v1/persons/" + phone,
      "/api/v1/users/" + id_number,
      "/api/v1/persons/search?q=" + id_number,
      "/api/v1/persons/search?phone=" + phone,
      "/api/v1/persons/search?name=%E5%BC%A0%E4%B8%89%E4%B8%B0",
      "/api/v1/" + phone + "/" + id_number,
      "/api/v1/tree?token=" + worker,
  };
  for (const std::string& target : attempts) {
    for (const std::string* token : {&admin, &worker}) Call(*token, "GET", target);
    Call("", "GET", target);
  }
  // A password typed into the name box, a token sent as a password, a phone as a user name.
  Login(kPassword, "whatever-1");
  Login("gw_a1", worker);
  Login(phone, kPassword);
  Login(id_number, kPassword);
  // Writes that carry personal values, accepted and refused.
  Answer person = Call(admin, "GET", "/api/v1/persons/" + std::to_string(li_));
  Call(admin, "PUT", "/api/v1/persons/" + std::to_string(li_),
       R"({"fields":{"phone":"13600002222","id_number":")" + id_number + R"("}})",
       {{"If-Match", person.Header("etag")}});
  Call(worker, "PUT", "/api/v1/persons/" + std::to_string(zhao_),
       R"({"fields":{"phone":"13600002222"}})", {{"If-Match", "\"1\""}});
  personal_.push_back("13600002222");
  // Users and tokens: passwords in bodies, a token issued and revoked.
  Call(secadmin, "POST", "/api/v1/users",
       R"({"name":"new_gw","role":"grid_worker","password":"Secret-pass-789",
           "scopes":["420581001001/02"]})");
  Call(secadmin, "POST", "/api/v1/users",
       R"({"name":"weak_gw","role":"grid_worker","password":"weak-789",
           "scopes":["420581001001/02"]})");
  Answer issued = Call(secadmin, "POST", "/api/v1/users/dept/tokens", R"({"label":"x"})");
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string api_token = issued.Json()["token"].GetString();
  tokens_seen_.push_back(api_token);
  Call(api_token, "GET", "/api/v1/tables/minzheng/gaoling-jintie?format=json");
  Call(admin, "DELETE",
       "/api/v1/users/dept/tokens/" + std::to_string(issued.Json()["id"].GetInt64()));
  Call(api_token, "GET", "/api/v1/me");
  Call(TokenOf("auditor"), "GET", "/api/v1/audit");
  Call(worker, "POST", "/api/v1/logout");

  const std::string log = StopServer();
  std::string audit;
  for (const AuditEntry& e : AuditRows()) audit += Text(e) + "\n";
  ASSERT_NE(log.find("http: GET "), std::string::npos) << "the log was captured";
  ASSERT_GT(audit.size(), 0u);

  std::vector<std::string> secrets = personal();
  for (const std::string& t : tokens_seen_) {
    secrets.push_back(t);
    secrets.push_back(t.substr(4, 20));  // any fragment long enough to matter
  }
  for (const char* password : {kPassword, "whatever-1", "Secret-pass-789", "weak-789"}) {
    secrets.push_back(password);
  }
  // A bare ID number's birth date part is not personal on its own; its full form and the
  // distinctive tail (serial and check digit with the date) are.
  secrets.push_back(id_number.substr(6));
  ASSERT_GE(secrets.size(), 20u);
  for (const std::string& secret : secrets) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "in the request log: " << secret;
    EXPECT_EQ(audit.find(secret), std::string::npos) << "in the audit table: " << secret;
  }
  // Names are checked in their URL-encoded form too (a query is never logged at all).
  EXPECT_EQ(log.find("%E5%BC%A0"), std::string::npos);
  EXPECT_EQ(log.find("?"), std::string::npos) << "no query string in the log";
}

}  // namespace
}  // namespace onetable::authtest
