// Transfer requests over real HTTP on both stores (issue 19 item 4, transfer_handlers.h): a
// worker meets an ID number registered in another grid, files a request to move that person
// into their household, and the holding grid's worker (or community admin) approves — the
// person moves, once, whoever approves twice or at the same time — or declines with a reason.
// The requester never reads more of the person than the 409 said; who may do what is checked;
// every step is audited.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "api_harness.h"
#include "audit/audit_log.h"

namespace onetable::testing {
namespace {

std::string S(int64_t id) { return std::to_string(id); }

class ApiTransfer : public ApiHarness {
 protected:
  std::string IdOf(int64_t person) {
    Result<Row> row = store_->Get(EntityKind::kPerson, person);
    EXPECT_TRUE(row.ok());
    return row.ok() ? *row->Get("id_number") : "";
  }
  Reply File(const std::string& user, int64_t person, int64_t household,
             const std::string& reason = "已在本网格购房居住") {
    return As(user)->Post("/api/v1/transfers", "{\"id_number\": " + Quote(IdOf(person)) +
                                                   ", \"to_household_id\": " + S(household) +
                                                   ", \"reason\": " + Quote(reason) + "}");
  }
  // The item `id` of `user`'s list (null object when absent).
  rapidjson::Document ItemOf(const std::string& user, int64_t id, const std::string& state = "all") {
    Reply list = As(user)->Get("/api/v1/transfers?state=" + state);
    EXPECT_EQ(list.status, 200) << list.body;
    rapidjson::Document doc = list.Json();
    rapidjson::Document out;
    out.SetNull();
    for (const auto& item : doc["items"].GetArray()) {
      if (item["id"].GetInt64() == id) out.CopyFrom(item, out.GetAllocator());
    }
    return out;
  }
  std::vector<AuditEntry> AuditOf(const std::string& action) {
    AuditQuery q;
    q.action = action;
    q.limit = 500;
    Result<std::vector<AuditEntry>> entries = store_->ListAudit(q);
    EXPECT_TRUE(entries.ok());
    return entries.ok() ? *entries : std::vector<AuditEntry>{};
  }
  int MovesInto(int64_t person, int64_t household) {
    Result<std::vector<Membership>> history = store_->MembershipHistory(EntityKind::kPerson, person);
    EXPECT_TRUE(history.ok());
    int n = 0;
    for (const Membership& m : *history) n += m.parent_id == household ? 1 : 0;
    return n;
  }
};

TEST_F(ApiTransfer, ARequestFiledFromTheDuplicateIsApprovedOnceAndMovesThePerson) {
  const std::string wang_id = IdOf(ids_.wang);
  // The 409 names the grid, not the person.
  Reply duplicate = As("gw_a1")->Post(
      "/api/v1/persons", "{\"parent_id\": " + S(ids_.household_a1) +
                             ", \"fields\": {\"name\": \"王某\", \"id_number\": " + Quote(wang_id) + "}}");
  ASSERT_EQ(duplicate.status, 409) << duplicate.body;
  EXPECT_NE(duplicate.body.find("第二网格"), std::string::npos) << duplicate.body;

  Reply filed = File("gw_a1", ids_.wang, ids_.household_a1);
  ASSERT_EQ(filed.status, 201) << filed.body;
  rapidjson::Document t = filed.Json();
  const int64_t id = t["id"].GetInt64();
  EXPECT_EQ(t["state"].GetString(), std::string("pending"));
  EXPECT_EQ(t["state_label"].GetString(), std::string("待审批"));
  EXPECT_EQ(t["from"]["grid"].GetString(), std::string("第二网格"));
  EXPECT_EQ(t["from"]["community"].GetString(), std::string("东风社区"));
  EXPECT_EQ(t["person"]["id_number_masked"].GetString(),
            wang_id.substr(0, 3) + std::string(11, '*') + wang_id.substr(14));
  // Nothing of the person beyond the 409: no name, no id, no full number, no phone.
  EXPECT_FALSE(t["person"].HasMember("name")) << filed.body;
  EXPECT_FALSE(t["person"].HasMember("id")) << filed.body;
  for (const std::string& secret : {std::string("王五"), wang_id, std::string("13800000003")}) {
    EXPECT_EQ(filed.body.find(secret), std::string::npos) << secret;
    EXPECT_EQ(As("gw_a1")->Get("/api/v1/transfers").body.find(secret), std::string::npos) << secret;
  }
  EXPECT_TRUE(ItemOf("gw_a1", id)["mine"].GetBool());
  EXPECT_FALSE(ItemOf("gw_a1", id)["can_decide"].GetBool());

  // The holding grid's worker and community admin see it to decide; another community does not.
  rapidjson::Document inbox = ItemOf("gw_a2", id, "pending");
  ASSERT_TRUE(inbox.IsObject());
  EXPECT_TRUE(inbox["can_decide"].GetBool());
  EXPECT_EQ(inbox["person"]["name"].GetString(), std::string("王五"));
  EXPECT_TRUE(ItemOf("ca_a", id)["can_decide"].GetBool());
  EXPECT_TRUE(ItemOf("gw_b1", id).IsNull());
  EXPECT_TRUE(ItemOf("ca_b", id).IsNull());

  const std::string approve = "/api/v1/transfers/" + S(id) + "/approve";
  const std::string etag = "\"" + S(t["version"].GetInt64()) + "\"";
  EXPECT_EQ(As("gw_a1")->Post(approve, "{}", etag).status, 403);  // one's own request
  EXPECT_EQ(As("gw_b1")->Post(approve, "{}", etag).status, 404);  // not their person
  EXPECT_EQ(As("dept")->Post(approve, "{}", etag).status, 403);
  EXPECT_EQ(As("gw_a2")->Post(approve, "{}").status, 428);
  EXPECT_EQ(As("gw_a2")->Post(approve, "{}", "\"99\"").status, 412);
  EXPECT_EQ(As("gw_a2")->Post("/api/v1/transfers/999999/approve", "{}", etag).status, 404);

  // Two approvals at once (the grid worker and the community admin): one move.
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> approvers;
  for (const char* user : {"gw_a2", "ca_a"}) {
    approvers.emplace_back([&, user]() {
      Reply r = As(user)->Post(approve, "{\"reason\": \"核实属实\"}", etag);
      // The loser is refused as decided already (409/412) — or, for the grid worker of A2 when
      // the community admin's move committed first, as no longer theirs to decide (404).
      const bool gone = r.status == 404 && std::string(user) == "gw_a2";
      if (r.status == 200) {
        ++ok;
      } else if (r.status == 409 || r.status == 412 || gone) {
        ++refused;
      } else {
        ADD_FAILURE() << user << " " << r.status << " " << r.body;
      }
    });
  }
  for (std::thread& a : approvers) a.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(refused.load(), 1);
  // Approving again: decided already (the community admin still sees the person, now in A1);
  // the grid worker of A2 no longer does.
  EXPECT_EQ(As("ca_a")->Post(approve, "{}", etag).status, 409);
  EXPECT_EQ(As("gw_a2")->Post(approve, "{}", etag).status, 404);

  Result<Row> wang = store_->Get(EntityKind::kPerson, ids_.wang);
  ASSERT_TRUE(wang.ok());
  EXPECT_EQ(wang->parent_id, ids_.household_a1);
  EXPECT_EQ(MovesInto(ids_.wang, ids_.household_a1), 1);
  // Now the requester's: they open the person, and see the request approved.
  EXPECT_EQ(As("gw_a1")->Get("/api/v1/persons/" + S(ids_.wang)).status, 200);
  EXPECT_EQ(As("gw_a2")->Get("/api/v1/persons/" + S(ids_.wang)).status, 404);
  rapidjson::Document done = ItemOf("gw_a1", id);
  EXPECT_EQ(done["state_label"].GetString(), std::string("已通过"));
  EXPECT_EQ(done["decision_reason"].GetString(), std::string("核实属实"));
  // The approver still sees what they decided (filed while the person was theirs).
  EXPECT_FALSE(ItemOf("gw_a2", id)["can_decide"].GetBool());

  EXPECT_EQ(AuditOf(kAuditTransferRequest).size(), 1u);
  std::vector<AuditEntry> approvals = AuditOf(kAuditTransferApprove);
  int approved = 0, failed = 0;
  for (const AuditEntry& e : approvals) {
    EXPECT_EQ(e.object, "transfer/" + S(id));
    approved += e.result == kAuditOk ? 1 : 0;
    failed += e.result == kAuditFailed ? 1 : 0;
    EXPECT_EQ(e.detail.find(wang_id), std::string::npos);
  }
  EXPECT_EQ(approved, 1);
  EXPECT_GE(failed, 2);  // the stale one, and the one that lost the race (or was late)
}

TEST_F(ApiTransfer, ADeclineKeepsThePersonAndTellsTheRequesterWhy) {
  Reply filed = File("gw_a1", ids_.zhao, ids_.household_a1);
  ASSERT_EQ(filed.status, 201) << filed.body;
  const int64_t id = filed.Json()["id"].GetInt64();
  const std::string etag = filed.Header("ETag");
  // One pending request per person.
  Reply again = File("gw_a1", ids_.zhao, ids_.household_a1);
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("pending_exists"), std::string::npos) << again.body;

  const std::string decline = "/api/v1/transfers/" + S(id) + "/decline";
  EXPECT_EQ(As("gw_a2")->Post(decline, "{\"reason\": \"x\"}", etag).status, 404);  // other community
  Reply bare = As("ca_b")->Post(decline, "{}", etag);
  EXPECT_EQ(bare.status, 422) << bare.body;
  Reply declined = As("ca_b")->Post(decline, "{\"reason\": \"经核实此人仍在本社区居住\"}", etag);
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(declined.Json()["state"].GetString(), std::string("declined"));
  // Decided: neither approval nor a second decline goes through.
  const std::string now = declined.Header("ETag");
  EXPECT_EQ(As("gw_b1")->Post("/api/v1/transfers/" + S(id) + "/approve", "{}", now).status, 409);

  Result<Row> zhao = store_->Get(EntityKind::kPerson, ids_.zhao);
  ASSERT_TRUE(zhao.ok());
  EXPECT_EQ(zhao->parent_id, ids_.household_b1);
  rapidjson::Document mine = ItemOf("gw_a1", id);
  EXPECT_EQ(mine["state_label"].GetString(), std::string("已退回"));
  EXPECT_EQ(mine["decision_reason"].GetString(), std::string("经核实此人仍在本社区居住"));
  EXPECT_EQ(mine["decider"].GetString(), std::string("ca_b"));
  EXPECT_FALSE(mine["person"].HasMember("name"));
  // A declined request does not block a new one.
  EXPECT_EQ(File("gw_a1", ids_.zhao, ids_.household_a1).status, 201);
  std::vector<AuditEntry> declines = AuditOf(kAuditTransferDecline);
  ASSERT_FALSE(declines.empty());
  EXPECT_EQ(declines.back().result, kAuditOk);
}

TEST_F(ApiTransfer, WhoMayFileIsChecked) {
  // A household outside the requester's scope; a person already theirs; a department; no reason;
  // a malformed or unknown ID number.
  EXPECT_EQ(File("gw_a1", ids_.zhao, ids_.household_b1).status, 404);
  Reply in_scope = File("gw_a1", ids_.li, ids_.household_a1);
  EXPECT_EQ(in_scope.status, 409);
  EXPECT_NE(in_scope.body.find("in_scope"), std::string::npos) << in_scope.body;
  Reply dept = As("dept")->Post("/api/v1/transfers", "{\"id_number\": " + Quote(IdOf(ids_.zhao)) +
                                                         ", \"to_household_id\": " +
                                                         S(ids_.household_a1) + ", \"reason\": \"x\"}");
  EXPECT_EQ(dept.status, 403);
  EXPECT_EQ(File("gw_a1", ids_.zhao, ids_.household_a1, "  ").status, 422);
  Reply bad = As("gw_a1")->Post("/api/v1/transfers", "{\"id_number\": \"12345\", \"to_household_id\": " +
                                                          S(ids_.household_a1) + ", \"reason\": \"x\"}");
  EXPECT_EQ(bad.status, 422) << bad.body;
  Reply unknown = As("gw_a1")->Post(
      "/api/v1/transfers", "{\"id_number\": " + Quote(MakeIdNumber("19990101", 901)) +
                               ", \"to_household_id\": " + S(ids_.household_a1) + ", \"reason\": \"x\"}");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(As("gw_a1")->Post("/api/v1/transfers", "{\"reason\": \"x\"}").status, 400);
  EXPECT_EQ(As("dept")->Get("/api/v1/transfers").status, 403);
  EXPECT_EQ(As("gw_a1")->Get("/api/v1/transfers?state=bogus").status, 400);
  Result<std::vector<TransferRecord>> stored = store_->ListTransfers({});
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->empty());
  int refusals = 0;
  for (const AuditEntry& e : AuditOf(kAuditTransferRequest)) refusals += e.result == kAuditFailed;
  EXPECT_GE(refusals, 4);
}

}  // namespace
}  // namespace onetable::testing
