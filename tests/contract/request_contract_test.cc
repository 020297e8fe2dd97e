// Table requests in the store (schema/sql/*/0013_table_requests.sql), on both backends: a
// request round-trips with its long texts and 生僻字, lists newest first per account, and changes
// are compare-and-set on its version.
#include "store_fixture.h"

namespace onetable::testing {
namespace {

int64_t AddAccount(Store& store, const std::string& name) {
  User u;
  u.name = name;
  u.role = "department";
  u.password_hash = "pbkdf2-sha256$1$AAAA$AAAA";
  Result<int64_t> id = store.AddUser(u);
  EXPECT_TRUE(id.ok()) << id.status().message();
  return id.ok() ? *id : 0;
}

TableRequestRecord MakeRequest(int64_t account, const std::string& name) {
  TableRequestRecord r;
  r.requester_id = account;
  r.requester = name;
  r.status = "submitted";
  r.title = "𠈌家慰问名册";
  r.purpose = std::string(900, 'p');
  r.legal_basis = "《社会救助暂行办法》第十一条";
  r.as_of_rule = "{year}-06-30";
  r.scope_wanted = "陆城街道";
  r.frequency = "monthly";
  r.contact = "王科长";
  r.template_name = "慰问名册.xlsx";
  r.template_size = 5120;
  r.template_sha256 = std::string(64, 'a');
  r.draft_yaml = "id: x/y\n" + std::string(70000, '#');  // beyond a MySQL TEXT
  return r;
}

TEST_F(StoreContract, TableRequestsRoundTripAndListNewestFirstPerAccount) {
  const int64_t mz = AddAccount(*store_, "mz");
  const int64_t cl = AddAccount(*store_, "cl");
  Result<int64_t> a = store_->AddTableRequest(MakeRequest(mz, "mz"));
  Result<int64_t> b = store_->AddTableRequest(MakeRequest(cl, "cl"));
  Result<int64_t> c = store_->AddTableRequest(MakeRequest(mz, "mz"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.status().message();

  Result<TableRequestRecord> got = store_->GetTableRequest(*a);
  ASSERT_TRUE(got.ok()) << got.status().message();
  const TableRequestRecord want = MakeRequest(mz, "mz");
  EXPECT_EQ(got->title, want.title);
  EXPECT_EQ(got->purpose, want.purpose);
  EXPECT_EQ(got->draft_yaml, want.draft_yaml);
  EXPECT_EQ(got->template_size, 5120);
  EXPECT_EQ(got->version, 1);
  EXPECT_FALSE(got->created_at.empty());
  EXPECT_EQ(store_->GetTableRequest(*c + 100).status().code(), StatusCode::kNotFound);

  Result<std::vector<TableRequestRecord>> mine = store_->ListTableRequests(mz, 0, 10);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].id, *c);
  EXPECT_EQ((*mine)[1].id, *a);
  Result<std::vector<TableRequestRecord>> all = store_->ListTableRequests(0, 0, 10);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  Result<std::vector<TableRequestRecord>> older = store_->ListTableRequests(0, *c, 1);
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->size(), 1u);
  EXPECT_EQ((*older)[0].id, *b);

  EXPECT_EQ(store_->AddTableRequest(MakeRequest(999999, "nobody")).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(StoreContract, TableRequestChangesAreCompareAndSet) {
  const int64_t mz = AddAccount(*store_, "mz");
  Result<int64_t> id = store_->AddTableRequest(MakeRequest(mz, "mz"));
  ASSERT_TRUE(id.ok());
  Result<TableRequestRecord> first = store_->GetTableRequest(*id);
  ASSERT_TRUE(first.ok());
  TableRequestRecord stale = *first;
  TableRequestRecord r = *first;
  r.status = "approved";
  r.approved_columns = {"序号", "姓名"};
  r.reviewer = "admin";
  r.approved_scope = {"420581001001", "420581001002"};
  r.approved_grants = {"mz/request-1:公民身份号码,联系电话", "sensitive:dibao"};
  r.granter = "secadmin";
  ASSERT_TRUE(store_->UpdateTableRequest(&r).ok());
  EXPECT_EQ(r.version, 2);
  Result<TableRequestRecord> again = store_->GetTableRequest(*id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, "approved");
  EXPECT_EQ(again->approved_columns, (std::vector<std::string>{"序号", "姓名"}));
  EXPECT_EQ(again->approved_scope, r.approved_scope);
  EXPECT_EQ(again->approved_grants, r.approved_grants);
  EXPECT_EQ(again->granter, "secadmin");
  stale.status = "declined";
  EXPECT_EQ(store_->UpdateTableRequest(&stale).code(), StatusCode::kConflict);
  stale.id = *id + 100;
  EXPECT_EQ(store_->UpdateTableRequest(&stale).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace onetable::testing
