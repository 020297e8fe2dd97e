// Managing users over real HTTP (security_admin only): creating with the account rules, updating with
// If-Match, keeping one admin, and the scoped tree each role then sees.
#include <string>

#include "auth_harness.h"

namespace onetable::authtest {
namespace {

class AuthUsers : public AuthHarness {};

TEST_F(AuthUsers, CreateFollowsTheAccountRules) {
  const std::string admin = TokenOf("secadmin");  // accounts: the security administrator
  struct Case {
    std::string body;
    int status;
    std::string field;  // the detail's field for 400s
  } cases[] = {
      {R"({"name":"gw_b1","role":"grid_worker","password":"Good-password-1",
           "scopes":["420581001002/01"],"display_name":"西湖网格员"})",
       201, ""},
      {R"({"name":"ca_b","role":"community_admin","password":"Good-password-1",
           "scopes":["420581001002"]})",
       201, ""},
      {R"({"name":"mz","role":"department","password":"Good-password-1",
           "grants":["minzheng/dibao","sensitive:dibao"]})",
       201, ""},
      {R"({"name":"gw_b1","role":"grid_worker","password":"Good-password-1",
           "scopes":["420581001002/01"]})",
       409, ""},
      {R"({"name":"weak","role":"grid_worker","password":"short1","scopes":["420581001001/02"]})",
       400, "password"},
      {R"({"name":"letters","role":"admin","password":"onlyletters-here"})", 400, "password"},
      {R"({"name":"x y","role":"admin","password":"Good-password-1"})", 400, "name"},
      {R"({"name":"boss","role":"superuser","password":"Good-password-1"})", 400, "role"},
      {R"({"name":"amb","role":"grid_worker","password":"Good-password-1","scopes":["01"]})", 400,
       "scopes"},
      {R"({"name":"none","role":"grid_worker","password":"Good-password-1"})", 400, "scopes"},
      {R"({"name":"nowhere","role":"community_admin","password":"Good-password-1",
           "scopes":["999999999999"]})",
       400, "scopes"},
      {R"({"name":"adm2","role":"admin","password":"Good-password-1","scopes":["420581001001"]})",
       400, "scopes"},
      {R"({"name":"mz2","role":"department","password":"Good-password-1",
           "grants":["minzheng/no-such-table"]})",
       400, "grants"},
      {R"({"name":"mz3","role":"department","password":"Good-password-1",
           "grants":["../../etc/passwd"]})",
       400, "grants"},
      {R"({"name":"mz4","role":"department","password":"Good-password-1",
           "grants":["sensitive:name"]})",
       400, "grants"},
      {R"({"name":"typo","role":"admin","password":"Good-password-1","scope":[]})", 400, ""},
      {R"({"name":"t","role":"admin","password":"Good-password-1","disabled":"no"})", 400,
       "disabled"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    Answer a = Call(admin, "POST", "/api/v1/users", c.body);
    EXPECT_EQ(a.status, c.status) << a.body;
    if (c.status == 201) {
      EXPECT_EQ(a.Header("etag"), "\"1\"");
      EXPECT_EQ(a.body.find("password"), std::string::npos) << a.body;
      EXPECT_EQ(a.body.find("pbkdf2"), std::string::npos) << a.body;
    }
    if (!c.field.empty()) {
      rapidjson::Document doc = a.Json();
      ASSERT_EQ(doc["error"]["details"].Size(), 1u) << a.body;
      EXPECT_EQ(std::string(doc["error"]["details"][0]["field"].GetString()), c.field);
    }
  }
  // The new accounts sign in and see their own scope.
  Answer login = Login("gw_b1", "Good-password-1");
  ASSERT_EQ(login.status, 200) << login.body;
  Answer tree = Call(login.Json()["token"].GetString(), "GET", "/api/v1/tree");
  ASSERT_EQ(tree.status, 200) << tree.body;
  EXPECT_NE(tree.body.find("西湖第一网格"), std::string::npos);
  EXPECT_EQ(tree.body.find("东风"), std::string::npos) << tree.body;
}

TEST_F(AuthUsers, ListAndGetNeverShowHashes) {
  const std::string admin = TokenOf("secadmin");  // accounts: the security administrator
  Answer list = Call(admin, "GET", "/api/v1/users?limit=2");
  ASSERT_EQ(list.status, 200) << list.body;
  rapidjson::Document doc = list.Json();
  ASSERT_EQ(doc["items"].Size(), 2u);
  EXPECT_EQ(std::string(doc["items"][0]["name"].GetString()), "admin");
  EXPECT_EQ(std::string(doc["next_after"].GetString()), "auditor");
  Answer rest = Call(admin, "GET", "/api/v1/users?after=ca_a");
  rapidjson::Document r = rest.Json();
  ASSERT_EQ(r["items"].Size(), 4u) << rest.body;  // dept, gw_a1, off, secadmin
  EXPECT_TRUE(r["next_after"].IsNull());
  EXPECT_EQ(list.body.find("pbkdf2"), std::string::npos);
  Answer one = Call(admin, "GET", "/api/v1/users/gw_a1");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.body.find("pbkdf2"), std::string::npos);
  EXPECT_EQ(std::string(one.Json()["scopes"][0].GetString()), "420581001001/01");
  EXPECT_EQ(Call(admin, "GET", "/api/v1/users/nobody").status, 404);
  EXPECT_EQ(Call(admin, "GET", "/api/v1/users?limit=0").status, 400);
}

TEST_F(AuthUsers, UpdatesNeedIfMatchAndKeepAnAdmin) {
  const std::string admin = TokenOf("secadmin");  // accounts: the security administrator
  const std::string body = R"({"scopes":["420581001001/02"]})";
  EXPECT_EQ(Call(admin, "PUT", "/api/v1/users/gw_a1", body).status, 428);
  EXPECT_EQ(Call(admin, "PUT", "/api/v1/users/gw_a1", body, {{"If-Match", "\"x\""}}).status, 400);
  Answer ok = Call(admin, "PUT", "/api/v1/users/gw_a1", body, {{"If-Match", "\"1\""}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Header("etag"), "\"2\"");
  Answer stale = Call(admin, "PUT", "/api/v1/users/gw_a1", body, {{"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(stale.Header("etag"), "\"2\"");
  // The worker's tree follows the new scope at once, without signing in again.
  const std::string gw = TokenOf("gw_a1");
  Answer tree = Call(gw, "GET", "/api/v1/tree");
  EXPECT_NE(tree.body.find("东风第二网格"), std::string::npos) << tree.body;
  EXPECT_EQ(tree.body.find("东风第一网格"), std::string::npos) << tree.body;

  // The only admin cannot be demoted or disabled.
  Answer demote = Call(admin, "PUT", "/api/v1/users/admin", R"({"role":"department"})",
                       {{"If-Match", "\"1\""}});
  EXPECT_EQ(demote.status, 409) << demote.body;
  Answer disable =
      Call(admin, "PUT", "/api/v1/users/admin", R"({"disabled":true})", {{"If-Match", "\"1\""}});
  EXPECT_EQ(disable.status, 409) << disable.body;
  // Bad values are refused naming the field.
  Answer bad = Call(admin, "PUT", "/api/v1/users/gw_a1", R"({"role":"grid_worker","scopes":[]})",
                    {{"If-Match", "\"2\""}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(
      Call(admin, "PUT", "/api/v1/users/gw_a1", R"({"name":"renamed"})", {{"If-Match", "\"2\""}})
          .status,
      400);
}

TEST_F(AuthUsers, TheTreeShowsEachRoleItsScope) {
  struct Case {
    std::string user;
    std::vector<std::string> shown, hidden;
  } cases[] = {
      {"admin", {"东风第一网格", "东风第二网格", "西湖第一网格"}, {}},
      {"ca_a", {"东风第一网格", "东风第二网格", "东风社区"}, {"西湖"}},
      {"gw_a1", {"东风第一网格", "东风社区", "陆城街道"}, {"东风第二网格", "西湖"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.user);
    Answer tree = Call(TokenOf(c.user), "GET", "/api/v1/tree");
    ASSERT_EQ(tree.status, 200) << tree.body;
    for (const std::string& s : c.shown) EXPECT_NE(tree.body.find(s), std::string::npos) << s;
    for (const std::string& s : c.hidden) EXPECT_EQ(tree.body.find(s), std::string::npos) << s;
  }
  // The grid worker's counts are of its grid only: one building, one household, two persons.
  rapidjson::Document doc = Call(TokenOf("gw_a1"), "GET", "/api/v1/tree").Json();
  const auto& community = doc["districts"][0]["streets"][0]["communities"][0];
  EXPECT_EQ(community["counts"]["buildings"].GetInt(), 1);
  EXPECT_EQ(community["counts"]["persons"].GetInt(), 2);
  EXPECT_EQ(community["grids"].Size(), 1u);
}

}  // namespace
}  // namespace onetable::authtest
