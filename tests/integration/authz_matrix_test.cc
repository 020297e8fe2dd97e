// Runs tests/integration/authz_matrix.yaml (its header says how it is written) against the whole
// API over real HTTP: every role × route × scope cell must answer exactly the status the matrix
// says, and every route the server registers must be in the matrix (or listed as pending).
#include <Poco/Exception.h>
#include <Poco/StreamCopier.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <limits>
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
    v["street.own"] = id(street_);
    v["tag.own"] = id(tag_own_);
    v["tag.sibling"] = id(tag_sibling_);
    v["tag.other"] = id(tag_other_);
    v["tag.dibao.own"] = id(dibao_own_);
    v["review.own"] = id(review_own_);
    v["review.other"] = id(review_other_);
    v["connector.own"] = "matrix";
    v["run.own"] = id(run_);
    v["request.own"] = id(AddRequest("dept"));
    v["request.other"] = id(AddRequest("ca_a"));
    return v;
  }

  // A table request filed by account `name` (requests/table_requests.h), without a draft.
  int64_t AddRequest(const std::string& name) {
    Result<User> user = store_->GetUser(name);
    EXPECT_TRUE(user.ok()) << name;
    TableRequestRecord r;
    r.requester_id = user.ok() ? user->id : 0;
    r.requester = name;
    r.status = "drafted";
    r.title = "矩阵测试申请";
    r.frequency = "once";
    r.template_name = "t.csv";
    Result<int64_t> id = store_->AddTableRequest(r);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  // Rows that a successful write uses up (a settled review item, a deleted tag), one for each
  // role that may act on them, so that every such role has something left to act on: the
  // matrix names them by scope and role, e.g. review.link.own.ca (see its header).
  void SeedConsumables(std::map<std::string, std::string>* vars) {
    struct Scope {
      const char* name;
      int64_t person, household, partner;
      const char* person_name;
      const char* phone;
      std::vector<const char*> roles;  // who may act there, least privileged first
    };
    const Scope scopes[] = {
        {"own", zhang_, household_a1_, li_, "张三丰", "13800000001", {"gw", "ca", "admin"}},
        {"sibling", wang_, household_a2_, zhang_, "王五洋", "13800000003", {"ca", "admin"}},
        {"other", zhao_, household_b1_, zhang_, "赵六华", "15012348888", {"admin"}},
    };
    for (const Scope& scope : scopes) {
      for (const char* role : scope.roles) {
        const std::string suffix = std::string(scope.name) + "." + role;
        // A second record of the same person, as identity resolution would propose it:
        // linking merges it into the seeded one, so the register ends as it was seeded.
        const int64_t twin = Add(EntityKind::kPerson, scope.household,
                                 {{"name", scope.person_name}, {"population_type", "01"}});
        (*vars)["review.link." + suffix] = std::to_string(AddReview(scope.person, twin, ""));
        (*vars)["review.keep." + suffix] =
            std::to_string(AddReview(scope.person, scope.partner, ""));
        // Choosing the value the person already has leaves the register as it was.
        (*vars)["review.choose." + suffix] = std::to_string(AddReview(scope.person, 0, "phone"));
        (*vars)["tag.del." + suffix] =
            std::to_string(AddTag(scope.person, "volunteer", {{"hours", "1"}}));
      }
      (*vars)[std::string("phone.") + scope.name] = scope.phone;
    }
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

// A value that may differ by role: a scalar for every role, or a map role → scalar with
// `others` for the roles not named. "" when neither names the role.
std::string ForRole(const YAML::Node& node, const std::string& role) {
  if (!node.IsMap()) return node.as<std::string>();
  if (node[role]) return node[role].as<std::string>();
  return node["others"] ? node["others"].as<std::string>() : "";
}

// The text of an XLSX workbook that a person opening it would read: the XML of its shared
// strings and of every worksheet (libxlsxwriter writes inline strings in constant-memory mode,
// as the service's XlsxSink does, and shared strings otherwise; both are read). Sets `problem`
// when the bytes are not a readable workbook.
std::string XlsxText(const std::string& bytes, std::string* problem) {
  std::string text;
  try {
    std::istringstream in(bytes);
    Poco::Zip::ZipArchive archive(in);
    for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) {
      const std::string& name = it->first;
      const bool sheet = name.rfind("xl/worksheets/sheet", 0) == 0 && name.size() > 4 &&
                         name.compare(name.size() - 4, 4, ".xml") == 0;
      if (!sheet && name != "xl/sharedStrings.xml") continue;
      in.clear();
      Poco::Zip::ZipInputStream entry(in, it->second, true);
      std::string xml;
      Poco::StreamCopier::copyToString(entry, xml);
      text += xml;
    }
  } catch (const Poco::Exception& e) {
    *problem = "not a readable XLSX: " + e.displayText();
    return "";
  }
  if (text.empty()) *problem = "an XLSX without worksheets";
  return text;
}

bool IsXlsx(const Answer& a) {
  return a.Header("content-type").rfind("application/vnd.openxmlformats", 0) == 0;
}

TEST_F(AuthzMatrix, EveryRoleRouteAndScopeAnswersAsTheMatrixSays) {
  YAML::Node matrix;
  try {
    matrix = YAML::LoadFile(kMatrixPath);
  } catch (const YAML::Exception& e) {
    FAIL() << kMatrixPath << ": " << e.what();
  }
  std::map<std::string, std::string> vars = Vars();
  SeedConsumables(&vars);
  // A department API token for the revoke rows (and the matrix's {token.dept}).
  {
    Result<User> dept = store_->GetUser("dept");
    ASSERT_TRUE(dept.ok());
    auto token = auth_->IssueApiToken(*store_, *dept, "matrix", "admin");
    ASSERT_TRUE(token.ok()) << token.status().message();
    vars["token.dept"] = std::to_string(token->second.id);
  }
  const std::map<std::string, std::string> users = {
      {"department", "dept"},   {"auditor", "auditor"},      {"security_admin", "secadmin"},
      {"grid_worker", "gw_a1"}, {"community_admin", "ca_a"}, {"admin", "admin"}};
  std::vector<std::string> roles;
  for (const auto& r : matrix["roles"]) roles.push_back(r.as<std::string>());
  ASSERT_EQ(roles.size(), 7u);
  std::map<std::string, std::string> tokens;
  for (const auto& [role, user] : users) tokens[role] = TokenOf(user);
  const std::string admin_token = TokenOf("admin");
  // Accounts are the security administrator's, not the system administrator's (access.h).
  const std::string secadmin_token = TokenOf("secadmin");
  const auto reader_of = [&](const std::string& path) {
    return path.rfind("/api/v1/users", 0) == 0 ? secadmin_token : admin_token;
  };

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
      const YAML::Node expect = c["expect"];
      if (!expect) {
        mismatches.push_back(route + " [" + scope + "]: no expect");
        continue;
      }
      std::string body = Fill(Scalar(c, "body"), vars);
      if (c["body_file"]) {
        // As it is: a mapping's YAML may hold braces that are not placeholders.
        body = testing::ReadFile(std::string(ONETABLE_SOURCE_DIR "/") +
                                 c["body_file"].as<std::string>());
      }
      for (const std::string& role : roles) {
        const std::string cell = route + " [" + scope + "] " + role;
        const YAML::Node want = expect[role] ? expect[role] : expect["others"];
        if (!want) {
          mismatches.push_back(cell + ": no expectation");
          continue;
        }
        // This role's request: its parameters, then the rest, which may name them ({id}).
        std::map<std::string, std::string> local = vars;
        std::string path = pattern;
        bool filled = true;
        if (c["params"]) {
          for (const auto& p : c["params"]) {
            const std::string name = p.first.as<std::string>();
            const std::string raw = ForRole(p.second, role);
            const std::string value = vars.count(raw) ? vars.at(raw) : raw;
            const std::string key = "{" + name + "}";
            const size_t pos = path.find(key);
            if (pos == std::string::npos) {
              mismatches.push_back(cell + ": no {" + name + "} in the pattern");
              filled = false;
              continue;
            }
            path.replace(pos, key.size(), value);
            local[name] = value;
          }
        }
        if (path.find('{') != std::string::npos) {
          mismatches.push_back(cell + ": unfilled parameter in " + path);
          filled = false;
        }
        if (!filled) continue;
        if (c["query"]) path += "?" + Fill(c["query"].as<std::string>(), vars);
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
          const std::string source = Fill(c["if_match"].as<std::string>(), local);
          headers["If-Match"] = Call(reader_of(source), "GET", source).Header("etag");
        }
        if (c["if_match_item"]) {
          // A list without ETags (a person's tags): the version of the item with this id.
          const std::string list = Fill(c["if_match_item"]["list"].as<std::string>(), local);
          const std::string id = Fill(c["if_match_item"]["id"].as<std::string>(), local);
          rapidjson::Document doc = Call(admin_token, "GET", list).Json();
          std::string version;
          if (doc.IsObject() && doc.HasMember("items") && doc["items"].IsArray()) {
            for (const auto& item : doc["items"].GetArray()) {
              if (std::to_string(item["id"].GetInt64()) == id) {
                version = std::to_string(item["version"].GetInt64());
              }
            }
          }
          if (version.empty()) {
            mismatches.push_back(cell + ": no item " + id + " in " + list + " for If-Match");
            continue;
          }
          headers["If-Match"] = "\"" + version + "\"";
        }
        // Each cell starts without the failed logins of the cells before it (every role's
        // wrong password counts against one address): the matrix says who may call a route;
        // the throttle has tests of its own (auth_security_test.cc, scaleout_test.cc).
        ASSERT_TRUE(store_->PruneLoginThrottle(std::numeric_limits<int32_t>::max(), 0).ok());
        Answer a = Call(token, method, path, body, headers);
        ++cells;
        const int expected = want.as<int>();
        if (a.status != expected) {
          const std::string shown = IsXlsx(a)
                                        ? "(an XLSX of " + std::to_string(a.body.size()) + " bytes)"
                                        : a.body.substr(0, 200);
          mismatches.push_back(cell + ": " + method + " " + path + " → " +
                               std::to_string(a.status) + ", matrix says " +
                               std::to_string(expected) + " " + shown);
        }
        const bool success = a.status >= 200 && a.status < 300;
        std::string problem;
        const std::string text = IsXlsx(a) ? XlsxText(a.body, &problem) : a.body;
        if (!problem.empty()) mismatches.push_back(cell + ": " + problem);
        for (const char* kind : {"contains", "excludes"}) {
          if (!c[kind]) continue;
          // An error body cannot hold rows: `contains` speaks of successful answers only.
          if (std::string(kind) == "contains" && !success) continue;
          const YAML::Node texts = c[kind][role] ? c[kind][role] : c[kind]["others"];
          if (!texts) continue;
          for (const auto& t : texts) {
            const std::string wanted = Fill(t.as<std::string>(), vars);
            const bool found = text.find(wanted) != std::string::npos;
            if (found != (std::string(kind) == "contains")) {
              mismatches.push_back(cell + ": body " + (found ? "holds " : "lacks ") + wanted);
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
