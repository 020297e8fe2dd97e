// Deliveries' store (DeliveryLog) on both backends: batches keep their exact bytes and unique
// seqs, an acknowledgement applies its state once and in one transaction, the state reads back
// in pages, refused batches go back to pending, and the control row starts from defaults.
#include <gtest/gtest.h>

#include <set>

#include "store_fixture.h"

namespace onetable::testing {
namespace {

class DeliveryContract : public StoreContract {
 protected:
  DeliveryBatch Add(int64_t seq, const std::string& body) {
    DeliveryBatch b;
    b.delivery = "d";
    b.seq = seq;
    b.upserts = 2;
    b.deletes = 1;
    b.body = body;
    b.state = "[]";
    Status st = store_->AddDeliveryBatch(&b);
    EXPECT_TRUE(st.ok()) << st.message();
    return b;
  }
};

TEST_F(DeliveryContract, BatchesKeepTheirBytesAndSeq) {
  const std::string body = "{\"changes\":[{\"key\":\"𠈌\\u0001\"}]}" + std::string(70000, 'x');
  DeliveryBatch a = Add(1, body);
  EXPECT_GT(a.id, 0);
  EXPECT_FALSE(a.created_at.empty());
  DeliveryBatch dup = a;
  EXPECT_EQ(store_->AddDeliveryBatch(&dup).code(), StatusCode::kAlreadyExists);
  Add(2, "{}");
  EXPECT_EQ(*store_->LastDeliverySeq("d"), 2);
  EXPECT_EQ(*store_->LastDeliverySeq("other"), 0);
  auto all = store_->ListDeliveryBatches("d", kBatchPending, 0, 10, true);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].body, body);
  auto lean = store_->ListDeliveryBatches("d", "", 1, 10, false);
  ASSERT_EQ(lean->size(), 1u);
  EXPECT_EQ((*lean)[0].seq, 2);
  EXPECT_TRUE((*lean)[0].body.empty());
  int64_t changes = 0;
  EXPECT_EQ(*store_->CountDeliveryBatches("d", kBatchPending, &changes), 2);
  EXPECT_EQ(changes, 6);
}

TEST_F(DeliveryContract, AckAppliesStateOnce) {
  DeliveryBatch a = Add(1, "{}");
  ASSERT_TRUE(store_->RecordDeliveryAttempt(a.id, kBatchPending, 1, "HTTP 503", 503).ok());
  ASSERT_TRUE(
      store_->AckDeliveryBatch(a.id, 2, "ok", 200, {{"k1", "r1", "甲"}, {"k2", "r2", "乙"}}, {})
          .ok());
  DeliveryBatch b = Add(2, "{}");
  ASSERT_TRUE(store_->AckDeliveryBatch(b.id, 1, "ok", 200, {{"k1", "r9", "甲"}}, {"k2"}).ok());
  // A second acknowledgement of the same batch changes nothing.
  ASSERT_TRUE(store_->AckDeliveryBatch(b.id, 5, "again", 201, {{"k3", "r3", "丙"}}, {"k1"}).ok());
  std::vector<DeliveryKeyState> state;
  ASSERT_TRUE(store_
                  ->ScanDeliveryState("d",
                                      [&](const DeliveryKeyState& k) {
                                        state.push_back(k);
                                        return Status::Ok();
                                      })
                  .ok());
  ASSERT_EQ(state.size(), 1u);
  EXPECT_EQ(state[0].key_hash, "k1");
  EXPECT_EQ(state[0].row_hash, "r9");
  EXPECT_EQ(state[0].key, "甲");
  auto listed = store_->ListDeliveryBatches("d", "", 0, 10, false);
  EXPECT_EQ((*listed)[1].attempts, 1);
  EXPECT_EQ((*listed)[1].response_code, 200);
  EXPECT_FALSE((*listed)[1].acked_at.empty());
  EXPECT_EQ(store_->RecordDeliveryAttempt(b.id, kBatchFailed, 9, "x", 400).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->RecordDeliveryAttempt(999999, kBatchFailed, 9, "x", 400).code(),
            StatusCode::kNotFound);
}

TEST_F(DeliveryContract, StateReadsInPagesAndRetryMovesRefused) {
  DeliveryBatch a = Add(1, "{}");
  std::vector<DeliveryKeyState> many;
  for (int i = 0; i < 12000; ++i) {
    char h[40];
    std::snprintf(h, sizeof h, "%032x", i * 7919);
    many.push_back({h, "r", std::to_string(i)});
  }
  ASSERT_TRUE(store_->AckDeliveryBatch(a.id, 1, "ok", 200, many, {}).ok());
  std::set<std::string> seen;
  ASSERT_TRUE(store_
                  ->ScanDeliveryState("d",
                                      [&](const DeliveryKeyState& k) {
                                        seen.insert(k.key_hash);
                                        return Status::Ok();
                                      })
                  .ok());
  EXPECT_EQ(seen.size(), 12000u);

  DeliveryBatch b = Add(2, "{}");
  ASSERT_TRUE(store_->RecordDeliveryAttempt(b.id, kBatchFailed, 1, "HTTP 422", 422).ok());
  EXPECT_EQ(*store_->CountDeliveryBatches("d", kBatchFailed, nullptr), 1);
  EXPECT_EQ(*store_->RetryDeliveryBatches("d"), 1);
  EXPECT_EQ(*store_->CountDeliveryBatches("d", kBatchPending, nullptr), 1);
}

TEST_F(DeliveryContract, ControlRow) {
  auto c = store_->GetDeliveryControl("d");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->paused);
  EXPECT_EQ(c->last_run_at, 0);
  ASSERT_TRUE(store_->SetDeliveryPaused("d", true).ok());
  ASSERT_TRUE(store_->RecordDeliveryRun("d", 100, "").ok());
  ASSERT_TRUE(store_->RecordDeliveryRun("d", 200, "目标不可达").ok());
  c = store_->GetDeliveryControl("d");
  EXPECT_TRUE(c->paused);
  EXPECT_EQ(c->last_run_at, 200);
  EXPECT_EQ(c->last_success_at, 100);
  EXPECT_EQ(c->last_error, "目标不可达");
  ASSERT_TRUE(store_->RecordDeliveryRun("d", 300, "").ok());
  ASSERT_TRUE(store_->SetDeliveryPaused("d", false).ok());
  c = store_->GetDeliveryControl("d");
  EXPECT_FALSE(c->paused);
  EXPECT_EQ(c->last_success_at, 300);
  EXPECT_TRUE(c->last_error.empty());
}

}  // namespace
}  // namespace onetable::testing
