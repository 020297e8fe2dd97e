// Issue 16 M2 and item 4: every audited read of personal data — a person's page, a search, a
// "show in full", a table preview and download, a delivery run, an audit export — and the
// logins around them name the client's address. Behind a trusted reverse proxy that is the
// address the proxy forwards (X-Forwarded-For); from anyone else the header is ignored, so a
// client cannot write another address into the log.
#include <set>
#include <string>
#include <vector>

#include "auth_harness.h"

namespace onetable::authtest {
namespace {

constexpr char kClient[] = "203.0.113.9";

class AuditSource : public AuthHarness {
 protected:
  AuditSource() { with_delivery_ = true; }

  // Signs in and runs each audited read once, every request saying it comes from kClient.
  void RunScript() {
    const std::map<std::string, std::string> from = {{"X-Forwarded-For", kClient}};
    const auto login = [&](const std::string& name) {
      Answer a = Call("", "POST", "/api/v1/login",
                      "{\"name\":\"" + name + "\",\"password\":\"" + kPassword + "\"}", from);
      EXPECT_EQ(a.status, 200) << a.body;
      return a.status == 200 ? std::string(a.Json()["token"].GetString()) : "";
    };
    const std::string worker = login("gw_a1");
    const std::string zhang = std::to_string(zhang_);
    EXPECT_EQ(Call(worker, "GET", "/api/v1/persons/" + zhang, "", from).status, 200);
    EXPECT_EQ(Call(worker, "GET", "/api/v1/persons/search?name=%E5%BC%A0", "", from).status, 200);
    EXPECT_EQ(Call(worker, "GET", "/api/v1/persons/" + zhang + "?reveal=1", "", from).status, 200);
    EXPECT_EQ(
        Call(worker, "GET", "/api/v1/mappings/minzheng/gaoling-jintie/preview", "", from).status,
        200);
    EXPECT_EQ(
        Call(worker, "GET", "/api/v1/tables/minzheng/gaoling-jintie?format=csv", "", from).status,
        200);
    const std::string admin = login("admin");
    Answer run = Call(admin, "POST", "/api/v1/deliveries/audit-push/run", "{}", from);
    EXPECT_EQ(run.status, 202) << run.body;
    jobs_->WaitIdle();  // the run is a background job: its record is written when it ends
    const std::string auditor = login("auditor");
    EXPECT_EQ(Call(auditor, "GET", "/api/v1/audit/export", "", from).status, 200);
  }

  // The source address of each action's records.
  std::map<std::string, std::set<std::string>> SourcesByAction() {
    AuditQuery query;
    query.limit = 1000;
    Result<std::vector<AuditEntry>> rows = store_->ListAudit(query);
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    std::map<std::string, std::set<std::string>> out;
    if (rows.ok()) {
      for (const AuditEntry& e : *rows) out[e.action].insert(e.source_addr);
    }
    return out;
  }

  static constexpr const char* kActions[] = {"login",   "read",     "search",       "reveal",
                                             "preview", "download", "delivery_run", "audit_export"};
};

class AuditSourceBehindProxy : public AuditSource {
 protected:
  AuditSourceBehindProxy() { trusted_proxies_ = {"127.0.0.1"}; }
};

TEST_F(AuditSourceBehindProxy, EveryAuditedReadNamesTheForwardedClient) {
  RunScript();
  const auto sources = SourcesByAction();
  for (const char* action : kActions) {
    ASSERT_EQ(sources.count(action), 1u) << action << " was not audited";
    EXPECT_EQ(sources.at(action), std::set<std::string>{kClient}) << action;
  }
}

TEST_F(AuditSource, AForwardedForFromAnUntrustedPeerIsIgnored) {
  RunScript();
  const auto sources = SourcesByAction();
  for (const char* action : kActions) {
    ASSERT_EQ(sources.count(action), 1u) << action << " was not audited";
    EXPECT_EQ(sources.at(action), std::set<std::string>{"127.0.0.1"}) << action;
  }
}

}  // namespace
}  // namespace onetable::authtest
