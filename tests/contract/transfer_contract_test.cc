// Transfer requests and table-download progress in the store (schema/sql/*/0020_transfers_progress
// .sql), on both backends: a request round-trips, lists newest first by its filters, and is
// decided once (compare-and-set on version and state); a progress row is replaced by a new start
// of the same token, reports its rows, carries a cancel to whoever reports next, and old rows are
// forgotten.
#include "store_fixture.h"

namespace onetable::testing {
namespace {

TransferRecord MakeTransfer(int64_t person, int64_t requester) {
  TransferRecord t;
  t.person_id = person;
  t.from_grid_id = 7;
  t.to_household_id = 9;
  t.to_grid_id = 8;
  t.requester_id = requester;
  t.requester = "gw";
  t.reason = "已在本网格购房居住，𠈌";
  return t;
}

TEST_F(StoreContract, TransferRequestsAreListedByFilterAndDecidedOnce) {
  Result<int64_t> a = store_->AddTransfer(MakeTransfer(41, 1));
  Result<int64_t> b = store_->AddTransfer(MakeTransfer(42, 2));
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().message();
  Result<TransferRecord> got = store_->GetTransfer(*a);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->state, kTransferPending);
  EXPECT_EQ(got->reason, "已在本网格购房居住，𠈌");
  EXPECT_EQ(got->to_household_id, 9);
  EXPECT_EQ(got->version, 1);
  EXPECT_FALSE(got->created_at.empty());
  EXPECT_TRUE(got->decided_at.empty());
  EXPECT_EQ(store_->GetTransfer(*b + 100).status().code(), StatusCode::kNotFound);

  TransferQuery all;
  Result<std::vector<TransferRecord>> listed = store_->ListTransfers(all);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, *b);  // newest first
  TransferQuery by_person;
  by_person.person_id = 41;
  ASSERT_EQ(store_->ListTransfers(by_person)->size(), 1u);
  TransferQuery by_requester;
  by_requester.requester_id = 2;
  ASSERT_EQ(store_->ListTransfers(by_requester)->size(), 1u);

  TransferRecord decide = *got;
  decide.state = kTransferApproved;
  decide.decider = "gw2";
  decide.decision_reason = "属实";
  ASSERT_TRUE(store_->DecideTransfer(&decide).ok());
  EXPECT_EQ(decide.version, 2);
  // The same decision again, at the old version or at the new one: refused.
  TransferRecord stale = *got;
  stale.state = kTransferDeclined;
  EXPECT_EQ(store_->DecideTransfer(&stale).code(), StatusCode::kConflict);
  TransferRecord again = decide;
  again.state = kTransferDeclined;
  EXPECT_EQ(store_->DecideTransfer(&again).code(), StatusCode::kConflict);
  TransferRecord missing = decide;
  missing.id = *b + 100;
  EXPECT_EQ(store_->DecideTransfer(&missing).code(), StatusCode::kNotFound);
  Result<TransferRecord> now = store_->GetTransfer(*a);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->state, kTransferApproved);
  EXPECT_EQ(now->decider, "gw2");
  EXPECT_FALSE(now->decided_at.empty());
  TransferQuery pending;
  pending.state = kTransferPending;
  ASSERT_EQ(store_->ListTransfers(pending)->size(), 1u);
}

TEST_F(StoreContract, ProgressRowsReportRowsCarryACancelAndAreForgotten) {
  ProgressRecord r;
  r.owner = "admin";
  r.token = "token-0001";
  r.started_ms = 1000;
  r.updated_ms = 1000;
  ASSERT_TRUE(store_->StartProgress(r, 0).ok());
  Result<bool> cancelled = store_->ReportProgress("admin", "token-0001", 500, 2000, 0);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().message();
  EXPECT_FALSE(*cancelled);
  Result<std::optional<ProgressRecord>> got = store_->GetProgress("admin", "token-0001");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->rows, 500);
  EXPECT_EQ((*got)->ended_ms, 0);
  // Tokens are per owner.
  EXPECT_FALSE(store_->GetProgress("other", "token-0001")->has_value());
  EXPECT_FALSE(*store_->CancelProgress("other", "token-0001"));

  EXPECT_TRUE(*store_->CancelProgress("admin", "token-0001"));
  cancelled = store_->ReportProgress("admin", "token-0001", 900, 3000, 3500);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_TRUE(*cancelled);
  got = store_->GetProgress("admin", "token-0001");
  EXPECT_EQ((*got)->rows, 900);
  EXPECT_EQ((*got)->ended_ms, 3500);

  // A new start of the token replaces it; rows last written before the cutoff go.
  ProgressRecord again = r;
  again.started_ms = again.updated_ms = 5000;
  ASSERT_TRUE(store_->StartProgress(again, 0).ok());
  got = store_->GetProgress("admin", "token-0001");
  EXPECT_EQ((*got)->rows, 0);
  EXPECT_FALSE((*got)->cancelled);
  ProgressRecord later = r;
  later.token = "token-0002";
  later.started_ms = later.updated_ms = 9000;
  ASSERT_TRUE(store_->StartProgress(later, 6000).ok());
  EXPECT_FALSE(store_->GetProgress("admin", "token-0001")->has_value());
  EXPECT_TRUE(store_->GetProgress("admin", "token-0002")->has_value());
  EXPECT_EQ(store_->ReportProgress("admin", "token-0001", 1, 1, 0).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace onetable::testing
