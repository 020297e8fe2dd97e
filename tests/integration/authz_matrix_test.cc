// Runs tests/integration/authz_matrix.yaml (its header says how it is written) against the whole
// API over real HTTP: every role × route × scope cell must answer exactly the status the matrix
// says, and every route the server registers must be in the matrix (or listed as pending).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "auth_harness.h"

namespace onetable::authtest {
namespace {

const char kMatrixPath[] = ONETABLE_SOURCE_DIR "/tests/integration/authz_matrix.yaml";

class AuthzMatrix : public AuthHarness {
 protected:
  // Placeholder values (the matrix's header lists them).
  std::map<std::string, std::string> Vars() {
    std::map<std::string, std::string> v;
    const auto id = [](int64_t n) { return std::to_string(n); };
    v["community.own"] = id(community_a_);
    v["community.other"] = id(community_b_);
    v["grid.own"] = id(grid_a1_);
    v["grid.sibling"] = id(grid_a2_);
    v["grid.other"] = id(grid_b1_);
    v["building.own"] = id(building_a1_);
    v["building.sibling"] = id(building_a2_);
    v["building.other"] = id(building_b1_);
    v["household.own"] = id(household_a1_);
    v["household.sibling"] = id(household_a2_);
    v["household.other"] = id(household_b1_);
    v["person.own"] = id(zhang_);
    v["person.own2"] = id(li_);
    v["person.sibling"] = id(wang_);
    v["person.other"] = id(zhao_);
    v["code.community.own"] = "420581001001";
    v["code.community.other"] = "420581001002";
    v["missing"] = "999999999";
    v["user.admin"] = "admin";
    v["user.ca"] = "ca_a";
    v["user.gw"] = "gw_a1";
    v["user.dept"] = "dept";
    v["user.off"] = "off";
    v["password"] = kPassword;
    return v;
  }

  static std::string Fill(std::string text, const std::map<std::string, std::string>& vars) {
    for (const auto& [name, value] : vars) {
      const std::string key = "{" + name + "}";
      for (size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos)) {
        text.replace(pos, key.size(), value);
        pos += value.size();
      }
    }
    return text;
  }
};

std::string Scalar(const YAML::Node& node, const char* key) {
  return node[key] ? node[key].as<std::string>() : "";
}

TEST_F(AuthzMatrix, EveryRoleRouteAndScopeAnswersAsTheMatrixSays) {
  YAML::Node matrix;
  try {
    matrix = YAML::LoadFile(kMatrixPath);
  } catch (const YAML::Exception& e) {
    FAIL() << kMatrixPath << ": " << e.what();
  }
  std::map<std::string, std::string> vars = Vars();
  // A department API token for the revoke rows (and the matrix's {token.dept}).
  {
    Result<User> dept = store_->GetUser("dept");
    ASSERT_TRUE(dept.ok());
    auto token = auth_->IssueApiToken(*store_, *dept, "matrix", "admin");
    ASSERT_TRUE(token.ok()) << token.status().message();
    vars["token.dept"] = std::to_string(token->second.id);
  }
  const std::map<std::string, std::string> users = {{"department", "dept"},
                                                    {"grid_worker", "gw_a1"},
                                                    {"community_admin", "ca_a"},
                                                    {"admin", "admin"}};
  std::vector<std::string> roles;
  for (const auto& r : matrix["roles"]) roles.push_back(r.as<std::string>());
  ASSERT_EQ(roles.size(), 5u);
  std::map<std::string, std::string> tokens;
  for (const auto& [role, user] : users) tokens[role] = TokenOf(user);
  const std::string admin_token = TokenOf("admin");

  std::set<std::string> served;
  for (const Router::RouteInfo& r : routes_) served.insert(r.method + " " + r.pattern);
  std::set<std::string> covered;
  std::vector<std::string> mismatches;
  int cells = 0;

  for (const YAML::Node& entry : matrix["routes"]) {
    const std::string route = entry["route"].as<std::string>();
    if (!served.count(route)) {
      mismatches.push_back(route + ": not a route the server registers");
      continue;
    }
    if (!covered.insert(route).second) mismatches.push_back(route + ": listed twice");
    const std::string method = route.substr(0, route.find(' '));
    const std::string pattern = route.substr(route.find(' ') + 1);
    for (const YAML::Node& c : entry["cases"]) {
      const std::string scope = Scalar(c, "scope");
      std::string path = pattern;
      if (c["params"]) {
        for (const auto& p : c["params"]) {
          const std::string name = p.first.as<std::string>();
          const std::string raw = p.second.as<std::string>();
          const std::string value = vars.count(raw) ? vars.at(raw) : raw;
          const std::string key = "{" + name + "}";
          const size_t pos = path.find(key);
          if (pos == std::string::npos) {
            mismatches.push_back(route + " [" + scope + "]: no {" + name + "} in the pattern");
            continue;
          }
          path.replace(pos, key.size(), value);
        }
      }
      if (path.find('{') != std::string::npos) {
        mismatches.push_back(route + " [" + scope + "]: unfilled parameter in " + path);
        continue;
      }
      if (c["query"]) path += "?" + Fill(c["query"].as<std::string>(), vars);
      const std::string body = Fill(Scalar(c, "body"), vars);
      const YAML::Node expect = c["expect"];
      if (!expect) {
        mismatches.push_back(route + " [" + scope + "]: no expect");
        continue;
      }
      for (const std::string& role : roles) {
        const YAML::Node want = expect[role] ? expect[role] : expect["others"];
        if (!want) {
          mismatches.push_back(route + " [" + scope + "] " + role + ": no expectation");
          continue;
        }
        std::string token = role == "anonymous" ? "" : tokens.at(role);
        if (c["fresh_login"] && c["fresh_login"].as<bool>() && role != "anonymous") {
          token = TokenOf(users.at(role));
        }
        std::map<std::string, std::string> headers;
        if (c["headers"]) {
          for (const auto& h : c["headers"]) {
            headers[h.first.as<std::string>()] = Fill(h.second.as<std::string>(), vars);
          }
        }
        if (c["if_match"]) {
          const std::string source = Fill(c["if_match"].as<std::string>(), vars);
          headers["If-Match"] = Call(admin_token, "GET", source).Header("etag");
        }
        Answer a = Call(token, method, path, body, headers);
        ++cells;
        const int expected = want.as<int>();
        if (a.status != expected) {
          mismatches.push_back(route + " [" + scope + "] " + role + ": " + method + " " + path +
                               " → " + std::to_string(a.status) + ", matrix says " +
                               std::to_string(expected) + " " + a.body.substr(0, 200));
        }
        const bool success = a.status >= 200 && a.status < 300;
        for (const char* kind : {"contains", "excludes"}) {
          if (!c[kind]) continue;
          // An error body cannot hold rows: `contains` speaks of successful answers only.
          if (std::string(kind) == "contains" && !success) continue;
          const YAML::Node texts = c[kind][role] ? c[kind][role] : c[kind]["others"];
          if (!texts) continue;
          for (const auto& t : texts) {
            const std::string text = Fill(t.as<std::string>(), vars);
            const bool found = a.body.find(text) != std::string::npos;
            if (found != (std::string(kind) == "contains")) {
              mismatches.push_back(route + " [" + scope + "] " + role + ": body " +
                                   (found ? "holds " : "lacks ") + text);
            }
          }
        }
      }
    }
  }
  std::set<std::string> pending;
  if (matrix["pending"]) {
    for (const auto& p : matrix["pending"]) pending.insert(p.as<std::string>());
  }
  for (const std::string& route : served) {
    if (!covered.count(route) && !pending.count(route)) {
      mismatches.push_back(route + ": served but in neither routes nor pending");
    }
  }
  for (const std::string& route : pending) {
    if (covered.count(route)) mismatches.push_back(route + ": both in routes and pending");
    if (!served.count(route)) mismatches.push_back(route + ": pending but not served");
  }
  std::ostringstream report;
  for (const std::string& m : mismatches) report << "  " << m << "\n";
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " mismatches in " << cells << " cells:\n"
                                  << report.str();
  EXPECT_GE(cells, 100) << "the matrix ran too few cells";
  RecordProperty("cells", cells);
  RecordProperty("pending_routes", static_cast<int>(pending.size()));
}

}  // namespace
}  // namespace onetable::authtest
