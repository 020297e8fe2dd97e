// Table requests over the real API on both stores (issue 20): a department files a request
// with a real XLSX template made here with python3-openpyxl; the draft says which columns the
// register fills, which need a sensitive-data grant and which stay blank; an admin approves with
// one column removed and the department's download has exactly the approved columns; a declined
// request grants nothing; one department never sees another's requests.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "auth_harness.h"
#include "model/base64.h"
#include "onetable/text.h"

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

  std::string admin_, mz_, cl_, gw_, xlsx_;
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
  for (const char* h : {"姓名", "性别", "公民身份号码", "联系电话", "所属网格"}) {
    EXPECT_EQ(FillOf(doc, h), "register") << h;
  }
  EXPECT_EQ(FillOf(doc, "低保类别"), "sensitive");
  EXPECT_EQ(FillOf(doc, "慰问金额"), "blank");
  EXPECT_EQ(FillOf(doc, "签字"), "blank");
  EXPECT_EQ(doc["counts"]["columns"].GetInt(), 9);
  EXPECT_EQ(doc["counts"]["blank"].GetInt(), 2);
  EXPECT_EQ(Strings(doc["sensitive_columns"]), std::vector<std::string>{"低保类别"});
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
  EXPECT_EQ(Strings(list["items"][1]["sensitive_columns"]), std::vector<std::string>{"低保类别"});
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
  rapidjson::Document done = approved.Json();
  EXPECT_STREQ(done["status_label"].GetString(), "已通过");
  const std::string mapping_id = done["mapping_id"].GetString();
  EXPECT_EQ(mapping_id, "mz/request-" + std::to_string(id));
  EXPECT_EQ(done["approved_columns"].Size(), kHeaders.size() - 1);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/mappings/" + mapping_id + ".yaml"));
  // Decided: no second approval.
  EXPECT_EQ(Call(admin_, "POST", Path(id, "/approve"), "{}", {{"If-Match", ETag(id)}}).status, 409);

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
        "mapping_change mapping/" + mapping_id, std::string("user_change user/mz")}) {
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

}  // namespace
}  // namespace onetable::authtest
