// Masked by default (issue 16 item 6) and place codes (M1), over real HTTP on both stores:
// ID numbers and phones are masked in person lists and pages until "show in full" (audited), in
// tables unless the account holds a grant for that column of that table, and a child's only with
// the minor grant; a grid or community code is changed by the system administrator only, to a
// code that fits its parent and is free.
#include <filesystem>
#include <fstream>
#include <string>

#include "auth_harness.h"

namespace onetable::authtest {
namespace {

class Masking : public AuthHarness {
 protected:
  void Grant(const std::string& name, std::vector<std::string> grants) {
    Result<User> user = store_->GetUser(name);
    ASSERT_TRUE(user.ok());
    user->grants = std::move(grants);
    ASSERT_TRUE(store_->UpdateUser(&*user).ok());
  }
  int64_t AuditCount(const std::string& action, const std::string& result) {
    AuditQuery q;
    q.action = action;
    q.limit = 1000;
    // The result must outlive the loop (a range-for over *temporary would dangle).
    Result<std::vector<AuditEntry>> entries = store_->ListAudit(q);
    EXPECT_TRUE(entries.ok()) << entries.status().message();
    int64_t n = 0;
    if (entries.ok()) {
      for (const AuditEntry& e : *entries) n += e.result == result;
    }
    return n;
  }
};

TEST_F(Masking, PersonListsAndPagesMaskIdNumbersAndPhonesUntilShownInFull) {
  const std::string id = IdNumberFor("19400101", 11);  // 张三丰
  const std::string worker = TokenOf("gw_a1");
  Answer list = Call(worker, "GET", "/api/v1/persons?parent_id=" + std::to_string(household_a1_));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.body.find(id), std::string::npos) << list.body;
  EXPECT_EQ(list.body.find("13800000001"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find(id.substr(id.size() - 4)), std::string::npos) << "last four kept";
  Answer search = Call(worker, "GET", "/api/v1/persons/search?id_last4=" + id.substr(14));
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_EQ(search.body.find(id), std::string::npos) << search.body;

  const std::string person = "/api/v1/persons/" + std::to_string(zhang_);
  Answer page = Call(worker, "GET", person);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find(id), std::string::npos);
  EXPECT_NE(page.body.find("\"concealed\":[\"id_number\""), std::string::npos) << page.body;
  Answer provenance = Call(worker, "GET", person + "/provenance");
  EXPECT_EQ(provenance.body.find(id), std::string::npos) << provenance.body;

  const int64_t reveals = AuditCount("reveal", "ok");
  Answer full = Call(worker, "GET", person + "?reveal=1");
  ASSERT_EQ(full.status, 200) << full.body;
  EXPECT_NE(full.body.find(id), std::string::npos);
  EXPECT_NE(full.body.find("13800000001"), std::string::npos);
  EXPECT_EQ(AuditCount("reveal", "ok"), reveals + 1) << "show in full is audited";
}

TEST_F(Masking, AChildsIdentifiersNeedTheMinorGrant) {
  const int64_t child = AddPerson(household_a1_, "张小明", "20180101", 55, "13800000055");
  const std::string id = IdNumberFor("20180101", 55);
  const std::string path = "/api/v1/persons/" + std::to_string(child) + "?reveal=1";
  Answer refused = Call(TokenOf("gw_a1"), "GET", path);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.body.find(id), std::string::npos);
  EXPECT_EQ(AuditCount("reveal", "denied"), 1);
  Grant("gw_a1", {"sensitive:minor"});
  Answer shown = Call(TokenOf("gw_a1"), "GET", path);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_NE(shown.body.find(id), std::string::npos);
}

TEST_F(Masking, TablesMaskIdNumbersUnlessTheColumnIsGranted) {
  const std::string id = IdNumberFor("19400101", 11);  // 86 in 2026: on the 高龄津贴 roster
  const std::string table = "/api/v1/tables/minzheng/gaoling-jintie?format=csv&as_of=2026-06-30";
  Answer masked = Call(TokenOf("dept"), "GET", table);
  ASSERT_EQ(masked.status, 200) << masked.body;
  EXPECT_NE(masked.body.find("张三丰"), std::string::npos) << masked.body;
  EXPECT_EQ(masked.body.find(id), std::string::npos) << masked.body;
  // A grid worker's own table is masked the same way.
  Answer worker = Call(TokenOf("gw_a1"), "GET", table);
  ASSERT_EQ(worker.status, 200);
  EXPECT_EQ(worker.body.find(id), std::string::npos);

  // The column grant alone lets a department run the table and see that column in full.
  Grant("dept", {"minzheng/gaoling-jintie:公民身份号码"});
  Answer granted = Call(TokenOf("dept"), "GET", table);
  ASSERT_EQ(granted.status, 200) << granted.body;
  EXPECT_NE(granted.body.find(id), std::string::npos) << granted.body;
  EXPECT_EQ(granted.body.find("13800000001"), std::string::npos) << "the phone is not granted";
}

// PIPL Art. 28 in tables: a column grant shows adults' ID numbers and phones in full, but a
// child's (under 14 at the table's reference date) only with the minor grant too; a child who
// has turned 14 by a later reference date is shown like any adult. Previews and downloads alike.
TEST_F(Masking, TablesMaskAChildsIdentifiersWithoutTheMinorGrant) {
  const int64_t child = AddPerson(household_a1_, "张小明", "20180101", 55, "13800000055");
  ASSERT_GT(child, 0);
  const std::string child_id = IdNumberFor("20180101", 55);
  const std::string adult_id = IdNumberFor("19400101", 11);  // 张三丰
  std::filesystem::create_directories(dir_ + "/mappings/test");
  std::ofstream(dir_ + "/mappings/test/huji.yaml")
      << "id: test/huji\ntitle: 户籍人口名册\ndepartment: 测试\npurpose: 测试\n"
         "legal_basis: 测试\ngrain: person\norder_by: [id_number]\ncolumns:\n"
         "  - {header: 姓名, value: name}\n  - {header: 公民身份号码, value: id_number}\n"
         "  - {header: 联系电话, value: phone}\n";
  const std::string path = "/api/v1/tables/test/huji?format=csv&as_of=";
  Grant("dept", {"test/huji:公民身份号码,联系电话"});
  const std::string dept = TokenOf("dept");
  Answer table = Call(dept, "GET", path + "2026-06-30");
  ASSERT_EQ(table.status, 200) << table.body;
  EXPECT_NE(table.body.find(adult_id), std::string::npos) << table.body;
  EXPECT_NE(table.body.find("13800000001"), std::string::npos) << table.body;
  EXPECT_NE(table.body.find("张小明"), std::string::npos) << "the child's row is there";
  EXPECT_EQ(table.body.find(child_id), std::string::npos) << table.body;
  EXPECT_EQ(table.body.find("13800000055"), std::string::npos) << table.body;
  Answer preview = Call(dept, "GET", "/api/v1/mappings/test/huji/preview?as_of=2026-06-30");
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_NE(preview.body.find(adult_id), std::string::npos) << preview.body;
  EXPECT_EQ(preview.body.find(child_id), std::string::npos) << preview.body;

  // Fourteen on 2032-01-01: from then on the column grant is enough.
  Answer later = Call(dept, "GET", path + "2032-06-30");
  ASSERT_EQ(later.status, 200) << later.body;
  EXPECT_NE(later.body.find(child_id), std::string::npos) << later.body;

  Grant("dept", {"test/huji:公民身份号码,联系电话", "sensitive:minor"});
  Answer minor = Call(TokenOf("dept"), "GET", path + "2026-06-30");
  ASSERT_EQ(minor.status, 200) << minor.body;
  EXPECT_NE(minor.body.find(child_id), std::string::npos) << minor.body;
  EXPECT_NE(minor.body.find("13800000055"), std::string::npos) << minor.body;
}

TEST_F(Masking, ColumnGrantsAreCheckedWhenAnAccountIsSaved) {
  const std::string secadmin = TokenOf("secadmin");
  const std::string body =
      R"({"name": "dept2", "role": "department", "password": "Matrix-pass-1", "grants": [)";
  EXPECT_EQ(Call(secadmin, "POST", "/api/v1/users",
                 body + R"("minzheng/gaoling-jintie:公民身份号码,联系电话"]})")
                .status,
            201);
  EXPECT_EQ(Call(secadmin, "POST", "/api/v1/users",
                 R"({"name": "dept3", "role": "department", "password": "Matrix-pass-1",)"
                 R"( "grants": ["minzheng/gaoling-jintie:"]})")
                .status,
            400);
  EXPECT_EQ(Call(secadmin, "POST", "/api/v1/users",
                 R"({"name": "dept4", "role": "department", "password": "Matrix-pass-1",)"
                 R"( "grants": ["minzheng/nothing:公民身份号码"]})")
                .status,
            400);
}

TEST_F(Masking, OnlyTheSystemAdministratorChangesAGridsCodeAndOnlyToAFreeFittingOne) {
  const std::string path = "/api/v1/grids/" + std::to_string(grid_a1_);
  const auto put = [&](const std::string& token, const std::string& code) {
    const std::string etag = Call(TokenOf("admin"), "GET", path).Header("etag");
    return Call(token, "PUT", path, R"({"fields": {"code": ")" + code + R"("}})",
                {{"If-Match", etag}});
  };
  // A grid worker rewriting its own grid's code would lock out every account scoped to it.
  EXPECT_EQ(put(TokenOf("gw_a1"), "09").status, 403);
  EXPECT_EQ(put(TokenOf("ca_a"), "09").status, 403);
  const std::string admin = TokenOf("admin");
  EXPECT_EQ(put(admin, "02").status, 409) << "taken by 东风第二网格";
  EXPECT_EQ(put(admin, "42058100200101").status, 422) << "another community's prefix";
  Answer ok = put(admin, "42058100100101");
  EXPECT_EQ(ok.status, 200) << ok.body;
  // Unchanged code in a save of other fields: anyone who may edit the grid.
  EXPECT_EQ(put(TokenOf("ca_a"), "42058100100101").status, 200);
}

}  // namespace
}  // namespace onetable::authtest
