// Run leases (IngestLog::AcquireLease and friends) on both backends: each rule of the contract,
// and races of several connections for one lease, of which exactly one wins.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "store_fixture.h"

namespace onetable::testing {
namespace {

class LeaseContract : public StoreContract {
 protected:
  // Opens `n` more stores on the database, starts them all claiming `name` at `now` at once,
  // and returns their claims (holder "h<i>").
  std::vector<Result<LeaseClaim>> Race(int n, const std::string& name, int64_t now) {
    std::vector<std::unique_ptr<Store>> stores;
    for (int i = 0; i < n; ++i) {
      stores.push_back(OpenAnother());
      if (!stores.back()) return {};
    }
    std::vector<Result<LeaseClaim>> claims(n, Status::Internal("not run"));
    std::mutex mu;
    std::condition_variable cv;
    int ready = 0;
    bool go = false;
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        {
          std::unique_lock<std::mutex> lock(mu);
          ++ready;
          cv.notify_all();
          cv.wait(lock, [&] { return go; });
        }
        claims[i] = stores[i]->AcquireLease(name, "h" + std::to_string(i), now, 60);
      });
    }
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return ready == n; });
      go = true;
      cv.notify_all();
    }
    for (auto& t : threads) t.join();
    return claims;
  }
};

constexpr char kName[] = "connector:dibao";

TEST_F(LeaseContract, AFreeLeaseIsGrantedAndReadBack) {
  EXPECT_FALSE(store_->GetLease(kName)->has_value());
  auto claim = store_->AcquireLease(kName, "a:1:x", 1000, 60);
  ASSERT_TRUE(claim.ok()) << claim.status().message();
  EXPECT_TRUE(claim->granted);
  EXPECT_EQ(claim->current.name, kName);
  EXPECT_EQ(claim->current.holder, "a:1:x");
  EXPECT_EQ(claim->current.acquired_at, 1000);
  EXPECT_EQ(claim->current.expires_at, 1060);
  EXPECT_FALSE(claim->expired.has_value());
  auto lease = store_->GetLease(kName);
  ASSERT_TRUE(lease.ok() && lease->has_value());
  EXPECT_EQ((*lease)->holder, "a:1:x");
  EXPECT_EQ((*lease)->acquired_at, 1000);
  EXPECT_EQ((*lease)->expires_at, 1060);
  // Leases are per name.
  EXPECT_TRUE(store_->AcquireLease("connector:canjian", "b:2:y", 1000, 60)->granted);
}

TEST_F(LeaseContract, ALiveLeaseOfAnotherHolderIsRefusedWithItsHolder) {
  ASSERT_TRUE(store_->AcquireLease(kName, "a:1:x", 1000, 60)->granted);
  auto other = OpenAnother();
  auto claim = other->AcquireLease(kName, "b:2:y", 1059, 60);  // one second before expiry
  ASSERT_TRUE(claim.ok()) << claim.status().message();
  EXPECT_FALSE(claim->granted);
  EXPECT_EQ(claim->current.holder, "a:1:x");
  EXPECT_EQ(claim->current.acquired_at, 1000);
  EXPECT_EQ(claim->current.expires_at, 1060);
  EXPECT_FALSE(claim->expired.has_value());
  EXPECT_EQ((*store_->GetLease(kName))->holder, "a:1:x");
}

TEST_F(LeaseContract, TheHolderRenewsByAcquiringAgainAndKeepsItsStart) {
  ASSERT_TRUE(store_->AcquireLease(kName, "a:1:x", 1000, 60)->granted);
  auto again = store_->AcquireLease(kName, "a:1:x", 1030, 60);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->granted);
  EXPECT_EQ(again->current.acquired_at, 1000);
  EXPECT_EQ(again->current.expires_at, 1090);
  EXPECT_FALSE(again->expired.has_value());
}

TEST_F(LeaseContract, AnExpiredLeaseIsTakenOverAndTheOldOneReported) {
  ASSERT_TRUE(store_->AcquireLease(kName, "dead:1:x", 1000, 60)->granted);
  auto other = OpenAnother();
  auto claim = other->AcquireLease(kName, "b:2:y", 1060, 60);  // at expires_at: lapsed
  ASSERT_TRUE(claim.ok()) << claim.status().message();
  EXPECT_TRUE(claim->granted);
  EXPECT_EQ(claim->current.holder, "b:2:y");
  EXPECT_EQ(claim->current.acquired_at, 1060);
  EXPECT_EQ(claim->current.expires_at, 1120);
  ASSERT_TRUE(claim->expired.has_value());
  EXPECT_EQ(claim->expired->holder, "dead:1:x");
  EXPECT_EQ(claim->expired->acquired_at, 1000);
  EXPECT_EQ(claim->expired->expires_at, 1060);
  // The old holder comes back: its lease is gone, so renewing fails and names the new holder.
  Status renew = store_->RenewLease(kName, "dead:1:x", 1061, 60);
  EXPECT_EQ(renew.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(renew.message().find("b:2:y"), std::string::npos) << renew.message();
  // And releasing what is no longer ours is OK and changes nothing.
  EXPECT_TRUE(store_->ReleaseLease(kName, "dead:1:x").ok());
  EXPECT_EQ((*store_->GetLease(kName))->holder, "b:2:y");
}

TEST_F(LeaseContract, RenewMovesTheExpiryOfOurLeaseOnly) {
  ASSERT_TRUE(store_->AcquireLease(kName, "a:1:x", 1000, 60)->granted);
  ASSERT_TRUE(store_->RenewLease(kName, "a:1:x", 1050, 60).ok());
  EXPECT_EQ((*store_->GetLease(kName))->expires_at, 1110);
  EXPECT_EQ((*store_->GetLease(kName))->acquired_at, 1000);
  // The same second twice (no change in the row) is still a renewal.
  EXPECT_TRUE(store_->RenewLease(kName, "a:1:x", 1050, 60).ok());
  EXPECT_EQ(store_->RenewLease(kName, "b:2:y", 1050, 60).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->RenewLease("connector:none", "a:1:x", 1050, 60).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ((*store_->GetLease(kName))->holder, "a:1:x");
}

TEST_F(LeaseContract, ReleaseFreesTheLeaseForTheNextHolder) {
  ASSERT_TRUE(store_->AcquireLease(kName, "a:1:x", 1000, 60)->granted);
  EXPECT_TRUE(store_->ReleaseLease(kName, "b:2:y").ok());  // not ours: nothing happens
  EXPECT_EQ((*store_->GetLease(kName))->holder, "a:1:x");
  ASSERT_TRUE(store_->ReleaseLease(kName, "a:1:x").ok());
  EXPECT_FALSE(store_->GetLease(kName)->has_value());
  EXPECT_EQ(store_->RenewLease(kName, "a:1:x", 1001, 60).code(), StatusCode::kFailedPrecondition);
  auto next = OpenAnother()->AcquireLease(kName, "b:2:y", 1001, 60);
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->granted);
  EXPECT_FALSE(next->expired.has_value());  // released, not lapsed
  EXPECT_TRUE(store_->ReleaseLease("connector:none", "a:1:x").ok());
}

TEST_F(LeaseContract, LeaseCallsRefuseToRunInsideATransaction) {
  Status st = store_->InTransaction(
      [&]() -> Status { return store_->AcquireLease(kName, "a:1:x", 1000, 60).status(); });
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(store_->GetLease(kName)->has_value());
}

TEST_F(LeaseContract, OfManyConnectionsClaimingAFreeLeaseAtOnceExactlyOneWins) {
  const int kClaimers = 8;
  auto claims = Race(kClaimers, kName, 1000);
  ASSERT_EQ(claims.size(), static_cast<size_t>(kClaimers));
  int granted = 0;
  std::string winner;
  for (const auto& c : claims) {
    ASSERT_TRUE(c.ok()) << c.status().message();
    if (c->granted) {
      ++granted;
      winner = c->current.holder;
    }
  }
  ASSERT_EQ(granted, 1);
  for (const auto& c : claims) EXPECT_EQ(c->current.holder, winner);
  EXPECT_EQ((*store_->GetLease(kName))->holder, winner);
}

TEST_F(LeaseContract, OfManyConnectionsTakingOverAnExpiredLeaseExactlyOneWins) {
  ASSERT_TRUE(store_->AcquireLease(kName, "dead:1:x", 1000, 60)->granted);
  const int kClaimers = 8;
  auto claims = Race(kClaimers, kName, 2000);
  ASSERT_EQ(claims.size(), static_cast<size_t>(kClaimers));
  int granted = 0;
  for (const auto& c : claims) {
    ASSERT_TRUE(c.ok()) << c.status().message();
    if (!c->granted) continue;
    ++granted;
    ASSERT_TRUE(c->expired.has_value());
    EXPECT_EQ(c->expired->holder, "dead:1:x");
  }
  EXPECT_EQ(granted, 1);
}

}  // namespace
}  // namespace onetable::testing
