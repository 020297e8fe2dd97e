// Table requests over the real API on both stores (issue 20): a department files a request
// with a real XLSX template made here with python3-openpyxl; the draft says which columns the
// register fills, which are masked by default (ID numbers, phones, sensitive data) and which
// stay blank; an admin approves with one column removed, a security administrator confirms the
// grant (separated duties), and the department's download has exactly the approved columns;
// the approved scope narrows the rows and can never be wider than the account's own; approved
// sensitive columns arrive in full and the others masked; a declined request grants nothing;
// one department never sees another's requests; a monthly request offers a delivery draft that
// is saved only after the same check as `onetable check`; the department reads the request's
// step history (who, when, why); filing is one unit (a failed write leaves no request behind);
// a table that chooses its people by sensitive data gets that grant with the approval.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "auth_harness.h"
#include "fakes/faulty_store.h"
#include "model/base64.h"
#include "onetable/text.h"
#include "requests/table_requests.h"

namespace onetable::authtest {
namespace {

// An XLSX blank template: a title row, then the header row.
std::string MakeXlsx(const std::string& dir, const std::vector<std::string>& headers) {
  const std::string path = dir + "/template.xlsx";
  std::string list = "[";
  for (const std::string& h : headers) list += (list.size() > 1 ? "," : "") + ("'" + h + "'");
  list += "]";
  const std::string script = dir + "/make_template.py";
  testing::WriteFile(script,
                     "import openpyxl, sys\n"
                     "wb = openpyxl.Workbook()\n"
                     "ws = wb.active\n"
                     "ws.append(['困难群众慰问名册'])\n"
                     "ws.append(" +
                         list +
                         ")\n"
                         "wb.save(sys.argv[1])\n");
  const std::string command = "/usr/bin/python3 " + script + " " + path;
  EXPECT_EQ(std::system(command.c_str()), 0) << "python3-openpyxl is needed (ops/setup)";
  return testing::ReadFile(path);
}

const std::vector<std::string> kHeaders = {
    "序号", "姓名", "性别", "公民身份号码", "联系电话", "所属网格", "低保类别", "慰问金额", "签字"};

class RequestsApi : public AuthHarness {
 protected:
  void SetUp() override {
    AuthHarness::SetUp();
    if (HasFatalFailure()) return;
    AddUser("mz", "department", {}, {});
    AddUser("cl", "department", {}, {});
    admin_ = TokenOf("admin");
    sec_ = TokenOf("secadmin");
    mz_ = TokenOf("mz");
    cl_ = TokenOf("cl");
    gw_ = TokenOf("gw_a1");
    xlsx_ = MakeXlsx(dir_, kHeaders);
  }

  std::string Form(const std::string& title, const std::string& name, const std::string& bytes,
                   const std::string& frequency = "monthly") {
    return "{\"title\":" + Q(title) +
           ",\"purpose\":\"春节走访慰问困难群众，核对名单\",\"legal_basis\":"
           "\"《社会救助暂行办法》第十一条\",\"as_of\":\"{year}-01-31\",\"scope\":"
           "\"陆城街道全部社区\",\"frequency\":" +
           Q(frequency) + ",\"contact\":\"民政科 王科长\",\"template_name\":" + Q(name) +
           ",\"template_base64\":" + Q(Base64Encode(bytes)) + "}";
  }
  // A JSON string literal.
  static std::string Q(const std::string& s) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
    return buffer.GetString();
  }

  // Files as `token`; returns the answer.
  Answer File(const std::string& token, const std::string& body) {
    return Call(token, "POST", "/api/v1/requests", body);
  }
  int64_t FileOk(const std::string& token) {
    Answer a = File(token, Form("困难群众慰问名册", "慰问名册.xlsx", xlsx_));
    EXPECT_EQ(a.status, 201) << a.body;
    rapidjson::Document doc = a.Json();
    return a.status == 201 ? doc["id"].GetInt64() : 0;
  }
  std::string Path(int64_t id, const std::string& tail = "") {
    return "/api/v1/requests/" + std::to_string(id) + tail;
  }
  std::string ETag(int64_t id) { return Call(admin_, "GET", Path(id)).Header("etag"); }

  std::set<std::string> AuditActions() {
    AuditQuery q;
    q.limit = 1000;
    Result<std::vector<AuditEntry>> list = store_->ListAudit(q);
    EXPECT_TRUE(list.ok());
    std::set<std::string> out;
    if (list.ok()) {
      for (const AuditEntry& e : *list) out.insert(e.action + " " + e.object);
    }
    return out;
  }

  // Approves `id` keeping `columns` (every column when empty) with `extra` JSON members
  // (",\"scope\":[...]"), then has the security administrator confirm the grant.
  rapidjson::Document ApproveAndGrant(int64_t id, const std::string& extra = "") {
    Answer approved = Call(admin_, "POST", Path(id, "/approve"), "{\"note\":\"同意\"" + extra + "}",
                           {{"If-Match", ETag(id)}});
    EXPECT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(approved.Json()["status"].GetString(), std::string("awaiting_grant"))
        << approved.body;
    Answer granted = Call(sec_, "POST", Path(id, "/grant"), "", {{"If-Match", ETag(id)}});
    EXPECT_EQ(granted.status, 200) << granted.body;
    return granted.Json();
  }

  std::string admin_, sec_, mz_, cl_, gw_, xlsx_;
};

std::string FillOf(const rapidjson::Document& doc, const std::string& header) {
  for (const auto& c : doc["columns"].GetArray()) {
    if (header == c["header"].GetString()) return c["fill"].GetString();
  }
  return "(absent)";
}

std::vector<std::string> Strings(const rapidjson::Value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.GetArray()) out.push_back(v.GetString());
  return out;
}

TEST_F(RequestsApi, FiledDraftApprovedWithOneColumnLessIsWhatTheDepartmentDownloads) {
  Answer filed = File(mz_, Form("困难群众慰问名册", "慰问名册.xlsx", xlsx_));
  ASSERT_EQ(filed.status, 201) << filed.body;
  rapidjson::Document doc = filed.Json();
  const int64_t id = doc["id"].GetInt64();
  EXPECT_STREQ(doc["status"].GetString(), "drafted");
  EXPECT_STREQ(doc["status_label"].GetString(), "草稿已生成");
  // The draft, at once: matched columns the register fills, the sensitive one, and the blanks.
  EXPECT_EQ(FillOf(doc, "序号"), "number");
  for (const char* h : {"姓名", "性别", "所属网格"}) EXPECT_EQ(FillOf(doc, h), "register") << h;
  // ID numbers and phones: the register fills them, masked unless the column is granted.
  EXPECT_EQ(FillOf(doc, "公民身份号码"), "identifier");
  EXPECT_EQ(FillOf(doc, "联系电话"), "identifier");
  EXPECT_EQ(FillOf(doc, "低保类别"), "sensitive");
  EXPECT_EQ(FillOf(doc, "慰问金额"), "blank");
  EXPECT_EQ(FillOf(doc, "签字"), "blank");
  EXPECT_EQ(doc["counts"]["columns"].GetInt(), 9);
  EXPECT_EQ(doc["counts"]["blank"].GetInt(), 2);
  const std::vector<std::string> masked_by_default = {"公民身份号码", "联系电话", "低保类别"};
  EXPECT_EQ(Strings(doc["sensitive_columns"]), masked_by_default);
  // The savings figure over the seeded register: four living persons, 9 cells each; the
  // register fills the six register-read columns (the sensitive one counts: it is the
  // register's, masked until granted).
  EXPECT_EQ(doc["savings"]["data_rows"].GetInt(), 4);
  EXPECT_EQ(doc["savings"]["cells"].GetInt(), 36);
  EXPECT_GT(doc["savings"]["register_cells"].GetInt(), 0);
  EXPECT_FALSE(doc.HasMember("yaml")) << "the draft's YAML is for reviewers";

  // The inbox: newest first, with the figure and the sensitive columns asked for.
  const int64_t second = FileOk(mz_);
  Answer inbox = Call(admin_, "GET", "/api/v1/requests");
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  rapidjson::Document list = inbox.Json();
  ASSERT_EQ(list["items"].Size(), 2u);
  EXPECT_EQ(list["items"][0]["id"].GetInt64(), second);
  EXPECT_EQ(list["items"][1]["id"].GetInt64(), id);
  EXPECT_EQ(Strings(list["items"][1]["sensitive_columns"]), masked_by_default);
  EXPECT_EQ(list["items"][1]["savings"]["cells"].GetInt(), 36);

  // Only an admin reviews.
  Answer own = Call(mz_, "GET", Path(id));
  ASSERT_EQ(own.status, 200);
  EXPECT_EQ(
      Call(mz_, "POST", Path(id, "/approve"), "{}", {{"If-Match", own.Header("etag")}}).status,
      403);
  EXPECT_EQ(Call(admin_, "POST", Path(id, "/approve"), "{}").status, 428);
  Answer review = Call(admin_, "POST", Path(id, "/review"), "", {{"If-Match", ETag(id)}});
  ASSERT_EQ(review.status, 200) << review.body;
  EXPECT_STREQ(review.Json()["status_label"].GetString(), "审核中");
  EXPECT_EQ(Call(mz_, "GET", Path(id)).Json()["status"].GetString(), std::string("in_review"));
  // A stale version is refused.
  EXPECT_EQ(Call(admin_, "POST", Path(id, "/approve"), "{}", {{"If-Match", "\"1\""}}).status, 412);

  // Approve without 联系电话: the purpose does not need it.
  std::string keep = "[";
  for (const std::string& h : kHeaders) {
    if (h != "联系电话") keep += (keep.size() > 1 ? "," : "") + Q(h);
  }
  keep += "]";
  Answer approved =
      Call(admin_, "POST", Path(id, "/approve"),
           "{\"columns\":" + keep + ",\"note\":\"联系电话不需要\"}", {{"If-Match", ETag(id)}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  rapidjson::Document waiting = approved.Json();
  // Separated duties: the admin published the table; the grant waits for the security admin.
  EXPECT_STREQ(waiting["status"].GetString(), "awaiting_grant");
  EXPECT_STREQ(waiting["status_label"].GetString(), "待授权");
  const std::string mapping_id = waiting["mapping_id"].GetString();
  EXPECT_EQ(mapping_id, "mz/request-" + std::to_string(id));
  EXPECT_EQ(Strings(waiting["approved_grants"]), std::vector<std::string>{mapping_id});
  EXPECT_EQ(waiting["approved_columns"].Size(), kHeaders.size() - 1);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/mappings/" + mapping_id + ".yaml"));
  EXPECT_EQ(Call(mz_, "GET", "/api/v1/tables/" + mapping_id + "?format=csv").status, 403)
      << "not granted yet";
  // Decided by the admin: no second approval; the grant is not the admin's nor the department's.
  EXPECT_EQ(Call(admin_, "POST", Path(id, "/approve"), "{}", {{"If-Match", ETag(id)}}).status, 409);
  EXPECT_EQ(Call(admin_, "POST", Path(id, "/grant"), "", {{"If-Match", ETag(id)}}).status, 403);
  EXPECT_EQ(Call(mz_, "POST", Path(id, "/grant"), "", {{"If-Match", ETag(id)}}).status, 403);
  EXPECT_EQ(Call(sec_, "POST", Path(id, "/grant"), "", {{"If-Match", "\"1\""}}).status, 412);
  Answer granted = Call(sec_, "POST", Path(id, "/grant"), "", {{"If-Match", ETag(id)}});
  ASSERT_EQ(granted.status, 200) << granted.body;
  rapidjson::Document done = granted.Json();
  EXPECT_STREQ(done["status_label"].GetString(), "已通过");
  EXPECT_STREQ(done["granter"].GetString(), "secadmin");
  EXPECT_EQ(Call(sec_, "POST", Path(id, "/grant"), "", {{"If-Match", ETag(id)}}).status, 409);

  // The department now holds the table, and its download has exactly the approved columns.
  Result<User> mz = store_->GetUser("mz");
  ASSERT_TRUE(mz.ok());
  EXPECT_EQ(mz->grants, std::vector<std::string>{mapping_id});
  Answer table = Call(mz_, "GET", "/api/v1/tables/" + mapping_id + "?format=csv");
  ASSERT_EQ(table.status, 200) << table.body;
  std::string header_line;
  for (std::string_view line : Split(table.body, '\n')) {
    if (line.find("序号") != std::string_view::npos) {
      header_line = std::string(TrimHeaderBlank(line));
      break;
    }
  }
  EXPECT_EQ(header_line, "序号,姓名,性别,公民身份号码,所属网格,低保类别,慰问金额,签字");
  for (const char* phone : {"13800000001", "13912345678", "13800000003", "15012348888"}) {
    EXPECT_EQ(table.body.find(phone), std::string::npos) << "the removed column leaked";
  }
  EXPECT_NE(table.body.find("张三丰"), std::string::npos);
  EXPECT_NE(table.body.find("***"), std::string::npos) << "低保类别 stays masked without a grant";
  // The other department was not granted anything.
  EXPECT_EQ(Call(cl_, "GET", "/api/v1/tables/" + mapping_id + "?format=csv").status, 403);

  const std::set<std::string> actions = AuditActions();
  const std::string object = "request/" + std::to_string(id);
  for (const std::string& a :
       {"request_file " + object, "request_review " + object, "request_approve " + object,
        "request_grant " + object, "mapping_change mapping/" + mapping_id,
        std::string("user_change user/mz")}) {
    EXPECT_EQ(actions.count(a), 1u) << a;
  }
}

TEST_F(RequestsApi, ADeclinedRequestGrantsNothing) {
  const int64_t id = FileOk(mz_);
  ASSERT_GT(id, 0);
  EXPECT_EQ(
      Call(admin_, "POST", Path(id, "/decline"), "{\"reason\":\"\"}", {{"If-Match", ETag(id)}})
          .status,
      400);
  Answer declined = Call(admin_, "POST", Path(id, "/decline"),
                         "{\"reason\":\"用途不需要公民身份号码，请修改模板后重新申请\"}",
                         {{"If-Match", ETag(id)}});
  ASSERT_EQ(declined.status, 200) << declined.body;
  rapidjson::Document doc = declined.Json();
  EXPECT_STREQ(doc["status_label"].GetString(), "已退回");
  // The department reads why.
  Answer seen = Call(mz_, "GET", Path(id));
  EXPECT_EQ(seen.Json()["reason"].GetString(),
            std::string("用途不需要公民身份号码，请修改模板后重新申请"));
  Result<User> mz = store_->GetUser("mz");
  ASSERT_TRUE(mz.ok());
  EXPECT_TRUE(mz->grants.empty());
  const std::string mapping_id = doc["mapping_id"].GetString();
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/mappings/" + mapping_id + ".yaml"));
  // Not granted (and not published): refused like any table the account does not hold.
  EXPECT_EQ(Call(mz_, "GET", "/api/v1/tables/" + mapping_id + "?format=csv").status, 403);
  EXPECT_EQ(Call(admin_, "POST", Path(id, "/approve"), "{}", {{"If-Match", ETag(id)}}).status, 409);
  EXPECT_EQ(AuditActions().count("request_decline request/" + std::to_string(id)), 1u);
}

TEST_F(RequestsApi, ADepartmentSeesOnlyItsOwnRequests) {
  const int64_t mine = FileOk(mz_);
  const int64_t theirs = FileOk(cl_);
  ASSERT_GT(mine, 0);
  ASSERT_GT(theirs, 0);
  Answer list = Call(mz_, "GET", "/api/v1/requests");
  ASSERT_EQ(list.status, 200);
  rapidjson::Document doc = list.Json();
  ASSERT_EQ(doc["items"].Size(), 1u);
  EXPECT_EQ(doc["items"][0]["id"].GetInt64(), mine);
  // Another department's request answers exactly as a missing one.
  Answer other = Call(mz_, "GET", Path(theirs));
  Answer missing = Call(mz_, "GET", Path(999999));
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(other.ErrorCode(), missing.ErrorCode());
  EXPECT_EQ(other.ErrorMessage().find(std::to_string(theirs)) != std::string::npos,
            missing.ErrorMessage().find("999999") != std::string::npos);
  // The security administrator reads every request (it confirms their grants).
  Answer all = Call(sec_, "GET", "/api/v1/requests");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Json()["items"].Size(), 2u);
  EXPECT_EQ(Call(sec_, "GET", Path(theirs)).status, 200);
  // Workers neither file nor read requests; admins review but do not file.
  EXPECT_EQ(Call(gw_, "GET", "/api/v1/requests").status, 403);
  EXPECT_EQ(File(gw_, Form("x表", "t.xlsx", xlsx_)).status, 403);
  EXPECT_EQ(File(admin_, Form("x表", "t.xlsx", xlsx_)).status, 403);
}

TEST_F(RequestsApi, BadFormsAndHostileTemplatesAreRefusedNamingTheField) {
  struct Case {
    std::string body;
    std::string field;
  };
  std::string huge(600 * 1024, 'a');
  const std::vector<Case> cases = {
      {Form("", "t.xlsx", xlsx_), "title"},
      {Form("慰问名册", "t.pdf", xlsx_), "template"},
      {Form("慰问名册", "t.xlsx", xlsx_, "weekly"), "frequency"},
      {Form("慰问名册", "t.xlsx", "PK\x03\x04 not really a zip"), "template"},
      {Form("慰问名册", "t.xlsx", huge), "template"},
      {Form("慰问名册", "t.csv", "only one cell\n"), "template"},
  };
  for (const Case& c : cases) {
    Answer a = File(mz_, c.body);
    EXPECT_EQ(a.status, 400) << c.field << ": " << a.body;
    rapidjson::Document doc = a.Json();
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("error")) << a.body;
    ASSERT_GT(doc["error"]["details"].Size(), 0u) << a.body;
    EXPECT_EQ(doc["error"]["details"][0]["field"].GetString(), c.field) << a.body;
  }
  Answer not_base64 = File(mz_,
                           "{\"title\":\"x\",\"template_name\":\"t.csv\","
                           "\"template_base64\":\"%%%\"}");
  EXPECT_EQ(not_base64.status, 400);
  EXPECT_EQ(File(mz_, "{\"titel\":\"x\"}").status, 400);
  // A CSV template works as well as an XLSX one.
  Answer csv = File(mz_, Form("慰问名册", "t.csv", "序号,姓名,公民身份号码,备注\n"));
  EXPECT_EQ(csv.status, 201) << csv.body;
  // Nothing was stored by the refusals.
  Answer list = Call(mz_, "GET", "/api/v1/requests");
  EXPECT_EQ(list.Json()["items"].Size(), 1u);
}

TEST_F(RequestsApi, TheAdminEditsTheDraftWhichMustCheck) {
  const int64_t id = FileOk(mz_);
  ASSERT_GT(id, 0);
  Answer current = Call(admin_, "GET", Path(id));
  ASSERT_EQ(current.status, 200);
  std::string yaml = current.Json()["yaml"].GetString();
  // A broken expression: 422 naming the line, nothing saved.
  std::string broken = yaml;
  broken.replace(broken.find("\"label(gender)\""), 15, "\"label(gendr)\"");
  Answer bad =
      Call(admin_, "PUT", Path(id, "/draft"), broken, {{"If-Match", current.Header("etag")}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("draft.yaml:"), std::string::npos) << bad.body;
  // A good edit: 慰问金额 left blank becomes a constant; the draft moves to 审核中.
  std::string edited = yaml;
  edited.replace(edited.find("value: \"''\"}"), 12, "value: \"'500'\"}");
  Answer good =
      Call(admin_, "PUT", Path(id, "/draft"), edited, {{"If-Match", current.Header("etag")}});
  ASSERT_EQ(good.status, 200) << good.body;
  rapidjson::Document doc = good.Json();
  EXPECT_STREQ(doc["status"].GetString(), "in_review");
  EXPECT_EQ(FillOf(doc, "慰问金额"), "number");
  // The old version is stale now.
  EXPECT_EQ(Call(admin_, "PUT", Path(id, "/draft"), edited, {{"If-Match", current.Header("etag")}})
                .status,
            412);
  // An id that is taken: approval refuses to overwrite the existing table.
  std::string taken = edited;
  const size_t at = taken.find("id: mz/request-");
  taken.replace(at, taken.find('\n', at) - at, "id: minzheng/gaoling-jintie");
  Answer retarget = Call(admin_, "PUT", Path(id, "/draft"), taken, {{"If-Match", ETag(id)}});
  ASSERT_EQ(retarget.status, 200) << retarget.body;
  const std::string before = testing::ReadFile(dir_ + "/mappings/minzheng/gaoling-jintie.yaml");
  Answer clash = Call(admin_, "POST", Path(id, "/approve"), "{}", {{"If-Match", ETag(id)}});
  EXPECT_EQ(clash.status, 409) << clash.body;
  EXPECT_EQ(testing::ReadFile(dir_ + "/mappings/minzheng/gaoling-jintie.yaml"), before);
  Result<User> mz = store_->GetUser("mz");
  ASSERT_TRUE(mz.ok());
  EXPECT_TRUE(mz->grants.empty());
}

// The cells of the CSV table `body`, keyed by header, of the row whose 姓名 is `name` (empty
// when it is absent).
std::map<std::string, std::string> RowOf(const std::string& body, const std::string& name) {
  std::vector<std::string> header;
  for (std::string_view line : Split(body, '\n')) {
    std::vector<std::string> cells;
    for (std::string_view cell : Split(TrimHeaderBlank(line), ',')) cells.emplace_back(cell);
    if (header.empty()) {
      if (std::find(cells.begin(), cells.end(), "姓名") != cells.end()) header = cells;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    if (row["姓名"] == name) return row;
  }
  return {};
}

TEST_F(RequestsApi, TheApprovedScopeNarrowsTheRowsAndIsNeverWiderThanTheAccount) {
  // A department limited to community A (东风社区).
  AddUser("mz_a", "department", {"420581001001"}, {});
  const std::string mz_a = TokenOf("mz_a");
  const int64_t id = FileOk(mz_a);
  ASSERT_GT(id, 0);
  // Wider than the account: community B is outside its scope; an unknown code names nothing.
  Answer wider = Call(admin_, "POST", Path(id, "/approve"), "{\"scope\":[\"420581001002\"]}",
                      {{"If-Match", ETag(id)}});
  EXPECT_EQ(wider.status, 400) << wider.body;
  EXPECT_EQ(wider.Json()["error"]["details"][0]["field"].GetString(), std::string("scope"));
  EXPECT_EQ(Call(admin_, "POST", Path(id, "/approve"), "{\"scope\":[\"999999999999\"]}",
                 {{"If-Match", ETag(id)}})
                .status,
            400);
  EXPECT_FALSE(
      std::filesystem::exists(dir_ + "/mappings/mz_a/request-" + std::to_string(id) + ".yaml"))
      << "a refused approval publishes nothing";
  rapidjson::Document done = ApproveAndGrant(id, ",\"scope\":[\"420581001001\"]");
  EXPECT_EQ(Strings(done["approved_scope"]), std::vector<std::string>{"420581001001"});
  const std::string mapping_id = done["mapping_id"].GetString();
  Answer table = Call(mz_a, "GET", "/api/v1/tables/" + mapping_id + "?format=csv");
  ASSERT_EQ(table.status, 200) << table.body;
  for (const char* name : {"张三丰", "李四海", "王五洋"}) {
    EXPECT_FALSE(RowOf(table.body, name).empty()) << name;
  }
  EXPECT_TRUE(RowOf(table.body, "赵六华").empty()) << "community B is outside the scope";

  // An account of the whole register, approved for community B only: only B's rows, even
  // though the account itself could see every community.
  const int64_t narrow = FileOk(mz_);
  ASSERT_GT(narrow, 0);
  rapidjson::Document b = ApproveAndGrant(narrow, ",\"scope\":[\"420581001002\"]");
  Answer b_table = Call(
      mz_, "GET", "/api/v1/tables/" + std::string(b["mapping_id"].GetString()) + "?format=csv");
  ASSERT_EQ(b_table.status, 200) << b_table.body;
  EXPECT_FALSE(RowOf(b_table.body, "赵六华").empty());
  for (const char* name : {"张三丰", "李四海", "王五洋"}) {
    EXPECT_TRUE(RowOf(b_table.body, name).empty()) << name;
  }
  // The published mapping says so where everyone reads it.
  EXPECT_NE(
      testing::ReadFile(dir_ + "/mappings/" + std::string(b["mapping_id"].GetString()) + ".yaml")
          .find("community.code in (\"420581001002\")"),
      std::string::npos);
}

TEST_F(RequestsApi, ApprovedSensitiveColumnsArriveInFullAndTheOthersMasked) {
  const int64_t id = FileOk(mz_);
  ASSERT_GT(id, 0);
  // Only a column masked by default can be granted in full.
  Answer plain = Call(admin_, "POST", Path(id, "/approve"), "{\"unmasked\":[\"姓名\"]}",
                      {{"If-Match", ETag(id)}});
  EXPECT_EQ(plain.status, 400) << plain.body;
  EXPECT_EQ(plain.Json()["error"]["details"][0]["field"].GetString(), std::string("unmasked"));
  // Granted: the ID number column and the 低保 category; the phone stays masked.
  rapidjson::Document done = ApproveAndGrant(id, ",\"unmasked\":[\"公民身份号码\",\"低保类别\"]");
  const std::string mapping_id = done["mapping_id"].GetString();
  const std::vector<std::string> grants = {mapping_id + ":公民身份号码", "sensitive:dibao"};
  EXPECT_EQ(Strings(done["approved_grants"]), grants);
  Result<User> mz = store_->GetUser("mz");
  ASSERT_TRUE(mz.ok());
  EXPECT_EQ(mz->grants, grants);
  // What the department sees now: the granted columns filled, the phone still masked.
  EXPECT_EQ(FillOf(done, "公民身份号码"), "register");
  EXPECT_EQ(FillOf(done, "低保类别"), "register");
  EXPECT_EQ(FillOf(done, "联系电话"), "identifier");

  Answer table = Call(mz_, "GET", "/api/v1/tables/" + mapping_id + "?format=csv");
  ASSERT_EQ(table.status, 200) << table.body;
  const std::map<std::string, std::string> zhang = RowOf(table.body, "张三丰");
  ASSERT_FALSE(zhang.empty()) << table.body;
  EXPECT_EQ(zhang.at("公民身份号码").size(), 18u) << zhang.at("公民身份号码");
  EXPECT_EQ(zhang.at("公民身份号码").find('*'), std::string::npos);
  EXPECT_EQ(zhang.at("联系电话"), "***");
  EXPECT_NE(zhang.at("低保类别"), "***");
  EXPECT_FALSE(zhang.at("低保类别").empty());
  EXPECT_EQ(table.body.find("13800000001"), std::string::npos) << "the phone leaked";
}

TEST_F(RequestsApi, TheSecurityAdminMayRefuseTheGrantAndNothingIsGranted) {
  const int64_t id = FileOk(mz_);
  ASSERT_GT(id, 0);
  Answer approved = Call(admin_, "POST", Path(id, "/approve"), "{\"unmasked\":[\"公民身份号码\"]}",
                         {{"If-Match", ETag(id)}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  // Awaiting its grant, the request is the security administrator's, not the admin's.
  EXPECT_EQ(Call(admin_, "POST", Path(id, "/decline"), "{\"reason\":\"不再需要\"}",
                 {{"If-Match", ETag(id)}})
                .status,
            403);
  Answer refused = Call(sec_, "POST", Path(id, "/decline"),
                        "{\"reason\":\"用途不需要完整的公民身份号码\"}", {{"If-Match", ETag(id)}});
  ASSERT_EQ(refused.status, 200) << refused.body;
  EXPECT_STREQ(refused.Json()["status_label"].GetString(), "已退回");
  EXPECT_EQ(Call(sec_, "POST", Path(id, "/grant"), "", {{"If-Match", ETag(id)}}).status, 409);
  Result<User> mz = store_->GetUser("mz");
  ASSERT_TRUE(mz.ok());
  EXPECT_TRUE(mz->grants.empty());
  EXPECT_EQ(
      Call(mz_, "GET", "/api/v1/tables/mz/request-" + std::to_string(id) + "?format=csv").status,
      403);
}

TEST_F(RequestsApi, AMonthlyRequestOffersADeliveryTheAdminSavesAfterTheCheck) {
  // Before any request is served: the deliveries directory the check and the save use.
  service_->settings.deliveries_dir = dir_ + "/deliveries";
  const int64_t once = FileOk(mz_);  // filed monthly (Form's default)
  Answer once_filed = File(mz_, Form("一次性名册", "慰问名册.xlsx", xlsx_, "once"));
  ASSERT_EQ(once_filed.status, 201) << once_filed.body;
  const int64_t once_id = once_filed.Json()["id"].GetInt64();
  const int64_t id = once;
  EXPECT_EQ(Call(admin_, "GET", Path(id, "/delivery")).status, 409) << "not approved yet";
  Answer approved = Call(admin_, "POST", Path(id, "/approve"), "{\"unmasked\":[\"公民身份号码\"]}",
                         {{"If-Match", ETag(id)}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  const std::string mapping_id = approved.Json()["mapping_id"].GetString();

  EXPECT_EQ(Call(mz_, "GET", Path(id, "/delivery")).status, 403);
  Answer draft = Call(admin_, "GET", Path(id, "/delivery"));
  ASSERT_EQ(draft.status, 200) << draft.body;
  rapidjson::Document d = draft.Json();
  const std::string yaml = d["yaml"].GetString();
  const std::string delivery_id = d["id"].GetString();
  EXPECT_EQ(delivery_id, "mz-request-" + std::to_string(id));
  for (const std::string& part :
       {"mapping: " + mapping_id, std::string("account: \"mz\""),
        std::string("schedule: every 30d"), std::string("key: \"公民身份号码\""),
        std::string("type: file")}) {
    EXPECT_NE(yaml.find(part), std::string::npos) << part << "\n" << yaml;
  }
  EXPECT_EQ(d["notes"].Size(), 0u) << draft.body;  // the key column is granted in full
  EXPECT_FALSE(d["saved"].GetBool());

  const auto save = [&](const std::string& text) {
    return Call(admin_, "POST", Path(id, "/delivery"), "{\"yaml\":" + Q(text) + "}");
  };
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = yaml;
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  // Only a file target inside the deliveries directory, for this table and this account.
  EXPECT_EQ(save(replaced("target: {type: file, dir: drop/" + delivery_id + "/, format: xlsx}",
                          "target: {type: http, url: \"http://127.0.0.1:9/x\"}"))
                .status,
            422);
  EXPECT_EQ(save(replaced("dir: drop/", "dir: ../../")).status, 422);
  EXPECT_EQ(save(replaced("account: \"mz\"", "account: \"dept\"")).status, 422);
  // The same check as `onetable check`: a key that is no column of the table.
  Answer bad_key = save(replaced("key: \"公民身份号码\"", "key: \"不存在的列\""));
  EXPECT_EQ(bad_key.status, 422) << bad_key.body;
  EXPECT_NE(bad_key.body.find("delivery.yaml"), std::string::npos) << bad_key.body;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/deliveries/" + delivery_id + ".yaml"));

  Answer saved = save(yaml);
  ASSERT_EQ(saved.status, 201) << saved.body;
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/deliveries/" + delivery_id + ".yaml"));
  EXPECT_EQ(save(yaml).status, 409);
  // The deliveries listing (what `deliver` and `check` read) holds it, and it checks.
  Answer list = Call(admin_, "GET", "/api/v1/deliveries");
  ASSERT_EQ(list.status, 200) << list.body;
  rapidjson::Document deliveries = list.Json();
  ASSERT_EQ(deliveries["items"].Size(), 1u) << list.body;
  EXPECT_EQ(deliveries["items"][0]["id"].GetString(), delivery_id);
  EXPECT_EQ(deliveries["items"][0]["problems"].Size(), 0u) << list.body;
  EXPECT_TRUE(Call(admin_, "GET", Path(id, "/delivery")).Json()["saved"].GetBool());
  // A one-off request offers no delivery.
  EXPECT_EQ(Call(admin_, "GET", Path(once_id, "/delivery")).status, 409);

  const std::set<std::string> actions = AuditActions();
  EXPECT_EQ(actions.count("delivery_change delivery/" + delivery_id), 1u);
  EXPECT_EQ(actions.count("request_delivery request/" + std::to_string(id)), 1u);
}

// The step history as the API answers it: "status by role_label reason" per step.
std::vector<std::string> StepsOf(const rapidjson::Document& doc) {
  std::vector<std::string> out;
  for (const auto& step : doc["steps"].GetArray()) {
    // Only these members: nothing else of the audit records (detail, address, request id).
    std::set<std::string> keys;
    for (const auto& m : step.GetObject()) keys.insert(m.name.GetString());
    EXPECT_EQ(keys, (std::set<std::string>{"status", "label", "at", "role", "role_label", "by",
                                           "reason"}));
    EXPECT_FALSE(std::string(step["at"].GetString()).empty());
    out.push_back(std::string(step["label"].GetString()) + " " + step["by"].GetString() + " " +
                  step["role_label"].GetString() + " " + step["reason"].GetString());
  }
  return out;
}

TEST_F(RequestsApi, TheDepartmentReadsEveryStepOfItsRequestWithWhoAndWhy) {
  const int64_t id = FileOk(mz_);
  const int64_t other = FileOk(cl_);
  ASSERT_GT(id, 0);
  ASSERT_GT(other, 0);
  Answer filed = Call(mz_, "GET", Path(id));
  ASSERT_EQ(filed.status, 200) << filed.body;
  // 已提交 is a step of its own, even though the draft follows at once.
  EXPECT_EQ(StepsOf(filed.Json()), (std::vector<std::string>{"已提交 mz 部门账号 ", "草稿已生成 mz 部门账号 "}));
  ASSERT_EQ(Call(admin_, "POST", Path(id, "/review"), "", {{"If-Match", ETag(id)}}).status, 200);
  // A second draft save during review is no new step.
  std::string yaml = Call(admin_, "GET", Path(id)).Json()["yaml"].GetString();
  ASSERT_EQ(Call(admin_, "PUT", Path(id, "/draft"), yaml, {{"If-Match", ETag(id)}}).status, 200);
  ASSERT_EQ(Call(admin_, "POST", Path(id, "/approve"), "{\"note\":\"按最小必要保留全部列\"}",
                 {{"If-Match", ETag(id)}})
                .status,
            200);
  Answer waiting = Call(mz_, "GET", Path(id));
  EXPECT_EQ(StepsOf(waiting.Json()),
            (std::vector<std::string>{"已提交 mz 部门账号 ", "草稿已生成 mz 部门账号 ", "审核中 admin 系统管理员 ",
                                      "待授权 admin 系统管理员 按最小必要保留全部列"}));
  ASSERT_EQ(Call(sec_, "POST", Path(id, "/grant"), "", {{"If-Match", ETag(id)}}).status, 200);
  Answer done = Call(mz_, "GET", Path(id));
  rapidjson::Document doc = done.Json();
  EXPECT_EQ(StepsOf(doc),
            (std::vector<std::string>{"已提交 mz 部门账号 ", "草稿已生成 mz 部门账号 ", "审核中 admin 系统管理员 ",
                                      "待授权 admin 系统管理员 按最小必要保留全部列",
                                      "已通过 secadmin 安全管理员 "}));
  // Oldest first, each at or after the one before.
  const auto& steps = doc["steps"].GetArray();
  for (rapidjson::SizeType i = 1; i < steps.Size(); ++i) {
    EXPECT_LE(std::string(steps[i - 1]["at"].GetString()), std::string(steps[i]["at"].GetString()));
  }
  EXPECT_EQ(steps[0]["at"].GetString(), std::string(doc["created_at"].GetString()));

  // A decline, with its reason on the step that declined.
  Answer declined = Call(admin_, "POST", Path(other, "/decline"), "{\"reason\":\"用途不明确\"}",
                         {{"If-Match", ETag(other)}});
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(StepsOf(Call(cl_, "GET", Path(other)).Json()),
            (std::vector<std::string>{"已提交 cl 部门账号 ", "草稿已生成 cl 部门账号 ",
                                      "已退回 admin 系统管理员 用途不明确"}));
  // Not the other department's to read: the same 404 as before, no steps.
  Answer foreign = Call(mz_, "GET", Path(other));
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.body.find("steps"), std::string::npos);
  // The list carries no step history (one GET per request does).
  rapidjson::Document list = Call(mz_, "GET", "/api/v1/requests").Json();
  EXPECT_FALSE(list["items"][0].HasMember("steps"));
}

// Files through the use case over `store` as account mz.
Result<TableRequestRecord> FileThrough(const ServiceContext& service, Store& store,
                                       const User& mz, const std::string& xlsx) {
  requests::TableRequests uc(service);
  Principal who;
  who.user_id = mz.id;
  who.user = mz.name;
  who.role = Role::kDepartment;
  Actor actor;
  actor.user = mz.name;
  actor.role = "department";
  requests::RequestForm form;
  form.title = "困难群众慰问名册";
  form.purpose = "春节走访慰问困难群众";
  form.legal_basis = "《社会救助暂行办法》";
  form.frequency = "once";
  form.contact = "民政科 王科长";
  form.template_name = "慰问名册.xlsx";
  form.template_bytes = xlsx;
  return uc.File(store, actor, who, form, nullptr);
}

TEST_F(RequestsApi, FilingIsOneUnitAFailedWriteLeavesNoRequestBehind) {
  Result<User> mz = store_->GetUser("mz");
  ASSERT_TRUE(mz.ok());
  // The draft (the second write), then the audit record of the step: each failure undoes all.
  for (const char* method : {"UpdateTableRequest", "AppendAudit"}) {
    testing::FaultyStore faulty(*store_);
    faulty.FailWrite(1, Status::Unavailable("injected failure"), method);
    Result<TableRequestRecord> filed = FileThrough(*service_, faulty, *mz, xlsx_);
    EXPECT_FALSE(filed.ok()) << method;
    EXPECT_EQ(faulty.faults(), 1) << method;
    Result<std::vector<TableRequestRecord>> stored = store_->ListTableRequests(0, 0, 10);
    ASSERT_TRUE(stored.ok());
    EXPECT_TRUE(stored->empty()) << method << ": a request left at " << stored->front().status;
  }
  // Nothing is left half-filed: the next filing works and is drafted.
  testing::FaultyStore faulty(*store_);
  Result<TableRequestRecord> filed = FileThrough(*service_, faulty, *mz, xlsx_);
  ASSERT_TRUE(filed.ok()) << filed.status().message();
  EXPECT_EQ(filed->status, "drafted");
  Result<std::vector<TableRequestRecord>> stored = store_->ListTableRequests(0, 0, 10);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ(stored->front().status, "drafted");
  EXPECT_FALSE(stored->front().draft_yaml.empty());
}

TEST_F(RequestsApi, ATableChoosingPeopleBySensitiveDataGetsThatGrantWithTheApproval) {
  const int64_t id = FileOk(mz_);
  ASSERT_GT(id, 0);
  // The reviewer makes it a roster of 低保 households: the rows are chosen by a sensitive tag.
  std::string yaml = Call(admin_, "GET", Path(id)).Json()["yaml"].GetString();
  const size_t at = yaml.find("where: alive\n");
  ASSERT_NE(at, std::string::npos) << yaml;
  yaml.replace(at, 13, "where: alive and has_tag(dibao)\n");
  Answer saved = Call(admin_, "PUT", Path(id, "/draft"), yaml, {{"If-Match", ETag(id)}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(Strings(saved.Json()["row_selectors"]), std::vector<std::string>{"低保对象"});
  // 低保类别 reads the same data: the grant would show it in full, so it must be chosen too.
  Answer half = Call(admin_, "POST", Path(id, "/approve"), "{}", {{"If-Match", ETag(id)}});
  EXPECT_EQ(half.status, 400) << half.body;
  EXPECT_NE(half.ErrorMessage().find("低保类别"), std::string::npos) << half.body;
  EXPECT_NE(half.ErrorMessage().find("选取人员"), std::string::npos) << half.body;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/mappings/mz/request-" + std::to_string(id) + ".yaml"));

  std::string keep = "[";
  for (const std::string& h : kHeaders) {
    if (h != "低保类别") keep += (keep.size() > 1 ? "," : "") + Q(h);
  }
  keep += "]";
  Answer approved = Call(admin_, "POST", Path(id, "/approve"), "{\"columns\":" + keep + "}",
                         {{"If-Match", ETag(id)}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  rapidjson::Document waiting = approved.Json();
  const std::string mapping_id = waiting["mapping_id"].GetString();
  // What the security administrator confirms: the table and the data its rows are chosen by.
  EXPECT_EQ(Strings(waiting["approved_grants"]),
            (std::vector<std::string>{mapping_id, "sensitive:dibao"}));
  ASSERT_EQ(waiting["approved_grant_labels"].Size(), 2u);
  const std::string label = waiting["approved_grant_labels"][1].GetString();
  EXPECT_NE(label.find("低保"), std::string::npos) << label;
  EXPECT_NE(label.find("选取人员"), std::string::npos) << label;
  EXPECT_EQ(Call(mz_, "GET", "/api/v1/tables/" + mapping_id + "?format=csv").status, 403);
  ASSERT_EQ(Call(sec_, "POST", Path(id, "/grant"), "", {{"If-Match", ETag(id)}}).status, 200);
  Result<User> mz = store_->GetUser("mz");
  ASSERT_TRUE(mz.ok());
  EXPECT_EQ(mz->grants, (std::vector<std::string>{mapping_id, "sensitive:dibao"}));
  // End to end: the department downloads it, and only the 低保 households are in it.
  Answer table = Call(mz_, "GET", "/api/v1/tables/" + mapping_id + "?format=csv");
  ASSERT_EQ(table.status, 200) << table.body;
  EXPECT_FALSE(RowOf(table.body, "张三丰").empty()) << table.body;
  EXPECT_FALSE(RowOf(table.body, "赵六华").empty()) << table.body;
  EXPECT_TRUE(RowOf(table.body, "李四海").empty()) << table.body;
  EXPECT_EQ(table.body.find("低保类别"), std::string::npos) << "the dropped column";
}

}  // namespace
}  // namespace onetable::authtest
