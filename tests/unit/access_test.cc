// The access policy as case tables over a real SQLite register: who may do what (role ×
// permission), which rows are in whose scope (own, another grid or community, above the scope,
// outside the tree, missing), what lists may show, which tables a department may run, and which
// sensitive fields and tags are unmasked.
#include "access/access.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/catalog.h"
#include "store/store.h"

namespace onetable {
namespace {

class AccessPolicyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Catalog> catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = new Catalog(std::move(*catalog));
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }

  void SetUp() override {
    char dir[] = "/tmp/onetable-access-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    Result<std::unique_ptr<Store>> store = OpenStore("sqlite:" + dir_ + "/r.db", *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    policy_ = std::make_unique<AccessPolicy>(*catalog_);

    district_ = Add(EntityKind::kDistrict, 0, {{"code", "420581"}, {"name", "宜都市"}});
    street_ = Add(EntityKind::kStreet, district_, {{"code", "420581001"}, {"name", "陆城街道"}});
    c1_ = Add(EntityKind::kCommunity, street_, {{"code", "420581001001"}, {"name", "一社区"}});
    c2_ = Add(EntityKind::kCommunity, street_, {{"code", "420581001002"}, {"name", "二社区"}});
    // "01" exists in both communities: a bare "01" is ambiguous.
    g11_ = Add(EntityKind::kGrid, c1_, {{"code", "01"}, {"name", "一社区一网格"}});
    g12_ = Add(EntityKind::kGrid, c1_, {{"code", "02"}, {"name", "一社区二网格"}});
    g21_ = Add(EntityKind::kGrid, c2_, {{"code", "01"}, {"name", "二社区一网格"}});
    g22_ = Add(EntityKind::kGrid, c2_, {{"code", "42058100100203"}, {"name", "二社区三网格"}});
    b11_ = Add(EntityKind::kBuilding, g11_, {{"name", "1栋"}});
    b21_ = Add(EntityKind::kBuilding, g21_, {{"name", "2栋"}});
    b22_ = Add(EntityKind::kBuilding, g22_, {{"name", "3栋"}});
    h11_ = Add(EntityKind::kHousehold, b11_, {{"room", "101"}});
    h21_ = Add(EntityKind::kHousehold, b21_, {{"room", "201"}});
    p11_ = Add(EntityKind::kPerson, h11_, {{"name", "甲"}});
    p21_ = Add(EntityKind::kPerson, h21_, {{"name", "乙"}});
    p0_ = Add(EntityKind::kPerson, 0, {{"name", "丙"}});  // in no household
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  int64_t Add(EntityKind kind, int64_t parent, std::map<std::string, std::string> values) {
    Row row;
    row.parent_id = parent;
    row.values = std::move(values);
    Result<int64_t> id = store_->Insert(kind, row);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  static Principal Who(const std::string& role, std::vector<std::string> scopes = {},
                       std::vector<std::string> grants = {}) {
    Principal p;
    p.user = role + "-user";
    p.role = *ParseRole(role);
    p.scopes = std::move(scopes);
    p.grants = std::move(grants);
    return p;
  }

  static Catalog* catalog_;
  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AccessPolicy> policy_;
  int64_t district_ = 0, street_ = 0, c1_ = 0, c2_ = 0, g11_ = 0, g12_ = 0, g21_ = 0, g22_ = 0,
          b11_ = 0, b21_ = 0, b22_ = 0, h11_ = 0, h21_ = 0, p11_ = 0, p21_ = 0, p0_ = 0;
};

Catalog* AccessPolicyTest::catalog_ = nullptr;

TEST_F(AccessPolicyTest, PermissionsByRole) {
  const std::vector<Permission> all = {Permission::kReadRegister,     Permission::kWriteRegister,
                                       Permission::kReviewQueue,      Permission::kRunTables,
                                       Permission::kManageConnectors, Permission::kManageMappings,
                                       Permission::kManageUsers,      Permission::kReadAudit};
  // Which of `all` each role has, in that order.
  const std::map<std::string, std::vector<bool>> table = {
      // Separated duties (三权分立): configuration, accounts and the audit log apart.
      {"admin", {true, true, true, true, true, true, false, false}},
      {"security_admin", {false, false, false, false, false, false, true, false}},
      {"auditor", {false, false, false, false, false, false, false, true}},
      {"community_admin", {true, true, true, true, false, false, false, false}},
      {"grid_worker", {true, true, true, true, false, false, false, false}},
      {"department", {false, false, false, true, false, false, false, false}},
  };
  // An account whose stored role is none of these never becomes a Principal: authentication
  // refuses it (AuthSession.AnAccountWithAnUnknownRoleCannotSignIn).
  for (const auto& [role, expected] : table) {
    std::vector<Permission> held;
    for (size_t i = 0; i < all.size(); ++i) {
      SCOPED_TRACE(role + " permission #" + std::to_string(i));
      Status st = policy_->Require(Who(role), all[i]);
      EXPECT_EQ(st.ok(), expected[i]) << st.message();
      if (st.ok()) held.push_back(all[i]);
      if (!st.ok()) {
        EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
        EXPECT_NE(st.message().find("无权"), std::string::npos) << st.message();
      }
    }
    // What GET /me tells the web UI is exactly what Require enforces.
    EXPECT_EQ(PermissionsOf(Who(role)), held) << role;
  }
}

TEST(PermissionName, EachPermissionHasItsStableApiName) {
  const std::vector<std::pair<Permission, std::string>> names = {
      {Permission::kReadRegister, "read_register"},
      {Permission::kWriteRegister, "write_register"},
      {Permission::kReviewQueue, "review_queue"},
      {Permission::kRunTables, "run_tables"},
      {Permission::kManageConnectors, "manage_connectors"},
      {Permission::kManageMappings, "manage_mappings"},
      {Permission::kManageUsers, "manage_users"},
      {Permission::kReadAudit, "read_audit"},
  };
  for (const auto& [permission, name] : names) EXPECT_EQ(PermissionName(permission), name);
}

// The stored role names are a contract with every store and API client; labels are what people
// read, in the one place the web UI takes them from (GET /me).
TEST(Role, NamesRoundTripAndLabelsAreChinese) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"admin", "系统管理员"},
      {"security_admin", "安全管理员"},
      {"auditor", "审计员"},
      {"community_admin", "社区管理员"},
      {"grid_worker", "网格员"},
      {"department", "部门账号"}};
  ASSERT_EQ(AllRoles().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const Role role = AllRoles()[i];
    EXPECT_EQ(RoleName(role), expected[i].first);
    EXPECT_EQ(RoleLabel(role), expected[i].second);
    EXPECT_EQ(ParseRole(expected[i].first), role);
  }
  for (const char* bad : {"", "Admin", "root", "grid_worker ", "operator"}) {
    EXPECT_FALSE(ParseRole(bad).has_value()) << bad;
  }
}

TEST_F(AccessPolicyTest, RowsInAndOutOfScope) {
  const Principal admin = Who("admin");
  const Principal ca1 = Who("community_admin", {"420581001001"});
  const Principal gw11 = Who("grid_worker", {"420581001001/01"});
  const Principal gw_ambiguous = Who("grid_worker", {"01"});
  const Principal gw22 = Who("grid_worker", {"42058100100203"});
  const Principal gw_unknown = Who("grid_worker", {"99"});
  const Principal dept = Who("department", {}, {"minzheng/dibao"});
  const int64_t missing = 987654;
  struct Case {
    const Principal* who;
    EntityKind kind;
    int64_t id;
    bool ok;
  } cases[] = {
      {&admin, EntityKind::kPerson, p11_, true},
      {&admin, EntityKind::kPerson, p21_, true},
      {&admin, EntityKind::kPerson, p0_, true},
      {&admin, EntityKind::kDistrict, district_, true},
      {&admin, EntityKind::kPerson, missing, false},
      {&ca1, EntityKind::kPerson, p11_, true},
      {&ca1, EntityKind::kHousehold, h11_, true},
      {&ca1, EntityKind::kBuilding, b11_, true},
      {&ca1, EntityKind::kGrid, g11_, true},
      {&ca1, EntityKind::kGrid, g12_, true},
      {&ca1, EntityKind::kCommunity, c1_, true},
      {&ca1, EntityKind::kPerson, p21_, false},  // another community
      {&ca1, EntityKind::kGrid, g21_, false},    // same grid code, another community
      {&ca1, EntityKind::kCommunity, c2_, false},
      {&ca1, EntityKind::kStreet, street_, false},  // above the scope
      {&ca1, EntityKind::kDistrict, district_, false},
      {&ca1, EntityKind::kPerson, p0_, false},  // outside the tree
      {&ca1, EntityKind::kPerson, missing, false},
      {&gw11, EntityKind::kPerson, p11_, true},
      {&gw11, EntityKind::kHousehold, h11_, true},
      {&gw11, EntityKind::kGrid, g11_, true},
      {&gw11, EntityKind::kGrid, g12_, false},      // another grid, same community
      {&gw11, EntityKind::kGrid, g21_, false},      // same code, another community
      {&gw11, EntityKind::kCommunity, c1_, false},  // above the scope
      {&gw11, EntityKind::kPerson, p21_, false},
      {&gw11, EntityKind::kPerson, missing, false},
      {&gw_ambiguous, EntityKind::kPerson, p11_, false},
      {&gw_ambiguous, EntityKind::kPerson, p21_, false},
      {&gw22, EntityKind::kBuilding, b22_, true},
      {&gw22, EntityKind::kBuilding, b21_, false},
      {&gw_unknown, EntityKind::kPerson, p11_, false},
      {&dept, EntityKind::kPerson, p11_, false},  // no row API
      {&dept, EntityKind::kGrid, g11_, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(RoleName(c.who->role)) + " " +
                 (c.who->scopes.empty() ? "" : c.who->scopes[0]) + " " + EntityName(c.kind) + "/" +
                 std::to_string(c.id));
    Status st = policy_->RequireRow(*c.who, *store_, c.kind, c.id);
    EXPECT_EQ(st.ok(), c.ok) << st.message();
    if (!c.ok) {
      // Out of scope reads exactly like missing: the same code and the same words.
      EXPECT_EQ(st.code(), StatusCode::kNotFound);
      EXPECT_EQ(st.message(), "未找到 id 为 " + std::to_string(c.id) + " 的" + EntityLabel(c.kind));
    }
  }
}

TEST_F(AccessPolicyTest, NewRowsUnderAParent) {
  const Principal admin = Who("admin");
  const Principal ca1 = Who("community_admin", {"420581001001"});
  const Principal gw11 = Who("grid_worker", {"420581001001/01"});
  struct Case {
    const Principal* who;
    EntityKind kind;
    int64_t parent;
    StatusCode code;
  } cases[] = {
      {&admin, EntityKind::kDistrict, 0, StatusCode::kOk},
      {&admin, EntityKind::kPerson, 0, StatusCode::kOk},
      {&admin, EntityKind::kGrid, c2_, StatusCode::kOk},
      {&ca1, EntityKind::kDistrict, 0, StatusCode::kPermissionDenied},
      {&ca1, EntityKind::kCommunity, street_, StatusCode::kNotFound},
      {&ca1, EntityKind::kGrid, c1_, StatusCode::kOk},
      {&ca1, EntityKind::kGrid, c2_, StatusCode::kNotFound},
      {&ca1, EntityKind::kPerson, h11_, StatusCode::kOk},
      {&ca1, EntityKind::kPerson, 0, StatusCode::kNotFound},
      {&gw11, EntityKind::kBuilding, g11_, StatusCode::kOk},
      {&gw11, EntityKind::kBuilding, g12_, StatusCode::kNotFound},
      {&gw11, EntityKind::kGrid, c1_, StatusCode::kNotFound},
      {&gw11, EntityKind::kPerson, h11_, StatusCode::kOk},
      {&gw11, EntityKind::kPerson, h21_, StatusCode::kNotFound},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(RoleName(c.who->role)) + " new " + EntityName(c.kind) + " under " +
                 std::to_string(c.parent));
    EXPECT_EQ(policy_->RequireParent(*c.who, *store_, c.kind, c.parent).code(), c.code);
  }
}

TEST_F(AccessPolicyTest, VisibleRowsForLists) {
  using Ids = std::optional<std::set<int64_t>>;
  struct Case {
    Principal who;
    Ids communities, grids;
  } cases[] = {
      {Who("admin"), std::nullopt, std::nullopt},
      {Who("community_admin", {"420581001001"}), std::set<int64_t>{c1_}, std::nullopt},
      {Who("community_admin", {"420581001001", "420581001002", "999"}), std::set<int64_t>{c1_, c2_},
       std::nullopt},
      {Who("grid_worker", {"420581001001/01"}), std::set<int64_t>{c1_}, std::set<int64_t>{g11_}},
      {Who("grid_worker", {"420581001002/01", "42058100100203"}), std::set<int64_t>{c2_},
       std::set<int64_t>{g21_, g22_}},
      {Who("grid_worker", {"01"}), std::set<int64_t>{}, std::set<int64_t>{}},
      {Who("department"), std::nullopt, std::nullopt},
      {Who("department", {"420581001002"}), std::set<int64_t>{c2_}, std::nullopt},
      // Accounts and the audit log are duties apart from the register: no row at all.
      {Who("auditor", {"420581001001"}), std::set<int64_t>{}, std::set<int64_t>{}},
      {Who("security_admin"), std::set<int64_t>{}, std::set<int64_t>{}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(RoleName(c.who.role)) + " " + std::to_string(c.who.scopes.size()));
    Result<RowScope> scope = policy_->Visible(c.who, *store_);
    ASSERT_TRUE(scope.ok()) << scope.status().message();
    EXPECT_EQ(scope->community_ids, c.communities);
    EXPECT_EQ(scope->grid_ids, c.grids);
  }
}

TEST_F(AccessPolicyTest, TablesByGrant) {
  struct Case {
    Principal who;
    std::string mapping;
    bool ok;
  } cases[] = {
      {Who("admin"), "minzheng/dibao", true},
      {Who("community_admin", {"420581001001"}), "minzheng/dibao", true},
      {Who("grid_worker", {"01"}), "canlian/canjiren-jiben", true},
      {Who("department", {}, {"minzheng/dibao"}), "minzheng/dibao", true},
      {Who("department", {}, {"minzheng/dibao"}), "minzheng/laonianren", false},
      {Who("department", {}, {"sensitive"}), "minzheng/dibao", false},
      {Who("department"), "minzheng/dibao", false},
      {Who("auditor", {}, {"minzheng/dibao"}), "minzheng/dibao", false},
      {Who("security_admin", {}, {"minzheng/dibao"}), "minzheng/dibao", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(RoleName(c.who.role)) + " " + c.mapping);
    Status st = policy_->RequireTable(c.who, c.mapping);
    EXPECT_EQ(st.ok(), c.ok) << st.message();
    if (!c.ok) {
      EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
    }
  }
}

TEST_F(AccessPolicyTest, SensitiveFieldsAndTagsNeedAGrant) {
  const FieldDef* religion = catalog_->Find(EntityKind::kPerson, "religion");
  const FieldDef* phone = catalog_->Find(EntityKind::kPerson, "phone");
  const TagDef* dibao = catalog_->FindTag("dibao");
  ASSERT_NE(religion, nullptr);
  ASSERT_NE(phone, nullptr);
  ASSERT_NE(dibao, nullptr);
  ASSERT_EQ(religion->sensitivity, Sensitivity::kSensitive);
  ASSERT_NE(phone->sensitivity, Sensitivity::kSensitive);
  ASSERT_EQ(dibao->sensitivity, Sensitivity::kSensitive);
  struct Case {
    std::vector<std::string> grants;
    bool religion, phone, dibao;
  } cases[] = {
      {{}, false, true, false},
      {{"sensitive"}, true, true, true},
      {{"sensitive:religion"}, true, true, false},
      {{"sensitive:dibao"}, false, true, true},
      {{"sensitive:health_status"}, false, true, false},
      {{"religion", "dibao"}, false, true, false},  // a bare key is not a sensitive grant
  };
  for (const std::string role : {"admin", "grid_worker", "department"}) {
    for (const Case& c : cases) {
      SCOPED_TRACE(role + " grants " + std::to_string(c.grants.size()));
      const Principal who = Who(role, {}, c.grants);
      EXPECT_EQ(policy_->SeesField(who, *religion), c.religion);
      EXPECT_EQ(policy_->SeesField(who, *phone), c.phone);
      EXPECT_EQ(policy_->SeesTag(who, *dibao), c.dibao);
    }
  }
}

}  // namespace
}  // namespace onetable

namespace onetable {
namespace {

// Identifiers (ID numbers, phones) are unmasked in a table only by a grant naming that column of
// that table; the operator at a terminal sees every column.
TEST_F(AccessPolicyTest, OnlyAGrantForThatColumnOfThatTableUnmasksAnIdentifier) {
  const AccessPolicy& policy = *policy_;
  Principal dept;
  dept.role = Role::kDepartment;
  dept.grants = {"minzheng/gaoling-jintie", "minzheng/dibao:公民身份号码,联系电话"};
  EXPECT_FALSE(policy.SeesIdentifierColumn(dept, "minzheng/gaoling-jintie", "公民身份号码"));
  EXPECT_TRUE(policy.SeesIdentifierColumn(dept, "minzheng/dibao", "公民身份号码"));
  EXPECT_TRUE(policy.SeesIdentifierColumn(dept, "minzheng/dibao", "联系电话"));
  EXPECT_FALSE(policy.SeesIdentifierColumn(dept, "minzheng/dibao", "联系"));
  EXPECT_FALSE(policy.SeesIdentifierColumn(dept, "minzheng/dibao-x", "公民身份号码"));
  EXPECT_TRUE(policy.RequireTable(dept, "minzheng/dibao").ok()) << "a column grant runs it";
  EXPECT_FALSE(policy.RequireTable(dept, "minzheng/tekun").ok());
  EXPECT_TRUE(policy.SeesIdentifierColumn(OperatorPrincipal("cli:root"), "a/b", "公民身份号码"));
}

TEST(IdentifierColumns, UnderFourteenCountsFromTheBirthday) {
  EXPECT_TRUE(IsUnder14("2012-07-01", "2026-06-30"));
  EXPECT_FALSE(IsUnder14("2012-06-30", "2026-06-30"));
  EXPECT_FALSE(IsUnder14("1940-01-01", "2026-06-30"));
  EXPECT_FALSE(IsUnder14("", "2026-06-30"));
}

}  // namespace
}  // namespace onetable
