// The audit log's keyed hash chain on both stores: every record sealed in order, a removed,
// altered or smuggled-in row found by VerifyAuditChain, concurrent writers (several stores on one
// database, as several service instances) still forming one unbroken chain, retention moving the
// anchor, and no triggers left on audit_log.
#include <thread>
#include <vector>

#include "audit/audit_chain.h"
#include "audit/audit_key.h"
#include "store_fixture.h"

namespace onetable::testing {
namespace {

AuditKey TestKey() { return AuditKey(DefaultAuditAlgorithm(), std::string(32, '\x5a')); }

AuditEntry Entry(int i) {
  AuditEntry e;
  e.user = "wangge01";
  e.role = "grid_worker";
  e.source_addr = "10.0.0.7";
  e.action = i % 2 ? "read" : "search";
  e.object = "person/" + std::to_string(i);
  e.result = "ok";
  e.request_id = "req-" + std::to_string(i);
  return e;
}

class AuditChain : public StoreContract {
 protected:
  void SetUp() override {
    // A failed base set-up (no store URL, no server) leaves store_ null: stop here.
    ASSERT_NO_FATAL_FAILURE(StoreContract::SetUp());
    store_->SetAuditSealer(&key_);
  }
  void Append(int n) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(store_->AppendAudit(Entry(i)).ok());
  }
  AuditVerifyReport Verify() {
    Result<AuditVerifyReport> report = VerifyAuditChain(*store_, key_);
    EXPECT_TRUE(report.ok()) << report.status().message();
    return report.ok() ? *report : AuditVerifyReport{};
  }
  std::string Problems(const AuditVerifyReport& r) {
    std::string all;
    for (const auto& p : r.problems) all += p + "\n";
    return all;
  }
  AuditKey key_ = TestKey();
};

TEST_F(AuditChain, EveryRecordIsSealedInOrderAndVerifies) {
  Append(5);
  Result<std::vector<AuditEntry>> rows = store_->ListAuditChain(0, 100);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 5u);
  for (size_t i = 0; i < rows->size(); ++i) {
    EXPECT_EQ((*rows)[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ((*rows)[i].mac.size(), 64u);
  }
  AuditVerifyReport r = Verify();
  EXPECT_TRUE(r.ok()) << Problems(r);
  EXPECT_EQ(r.records, 5);
  EXPECT_EQ(r.head_seq, 5);
}

TEST_F(AuditChain, NoTriggerGuardsTheTableAnyMore) {
  std::unique_ptr<SqlConnection> raw = RawConnection();
  const std::string sql = store_->Dialect() == "sqlite"
                              ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'"
                              : "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                                "EVENT_OBJECT_SCHEMA = DATABASE()";
  auto stmt = raw->Prepare(sql);
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*(*stmt)->Step());
  EXPECT_EQ((*stmt)->Int(0), 0);
}

TEST_F(AuditChain, AnAlteredRowIsDetected) {
  Append(4);
  ASSERT_TRUE(RawConnection()->Exec("UPDATE audit_log SET result = 'denied' WHERE seq = 2").ok());
  AuditVerifyReport r = Verify();
  ASSERT_EQ(r.problems.size(), 1u) << Problems(r);
  EXPECT_NE(r.problems[0].find("seq 2"), std::string::npos) << r.problems[0];
}

TEST_F(AuditChain, ADeletedRowIsDetected) {
  Append(4);
  ASSERT_TRUE(RawConnection()->Exec("DELETE FROM audit_log WHERE seq = 3").ok());
  AuditVerifyReport r = Verify();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(Problems(r).find("seq 3 缺失"), std::string::npos) << Problems(r);
}

TEST_F(AuditChain, ACutTailIsDetectedEvenWithTheHeadMovedBack) {
  Append(4);
  auto raw = RawConnection();
  ASSERT_TRUE(raw->Exec("DELETE FROM audit_log WHERE seq = 4").ok());
  EXPECT_FALSE(Verify().ok());
  // Moving the head back onto record 3 needs the key to seal it.
  ASSERT_TRUE(raw->Exec("UPDATE audit_chain SET seq = 3, mac = (SELECT mac FROM (SELECT mac "
                        "FROM audit_log WHERE seq = 3) AS t) WHERE name = 'head'")
                  .ok());
  AuditVerifyReport r = Verify();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(Problems(r).find("链头"), std::string::npos) << Problems(r);
}

TEST_F(AuditChain, ARowWrittenAroundTheServiceIsDetected) {
  Append(2);
  ASSERT_TRUE(RawConnection()
                  ->Exec("INSERT INTO audit_log (logged_at, action, result) VALUES "
                         "('2026-01-01 00:00:00', 'login', 'ok')")
                  .ok());
  AuditVerifyReport r = Verify();
  ASSERT_EQ(r.problems.size(), 1u) << Problems(r);
  EXPECT_NE(r.problems[0].find("不在审计链中"), std::string::npos);
}

TEST_F(AuditChain, AnotherKeyDoesNotVerify) {
  Append(2);
  AuditKey other(DefaultAuditAlgorithm(), std::string(32, '\x01'));
  Result<AuditVerifyReport> r = VerifyAuditChain(*store_, other);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok());
}

// Several stores on one database (as the connections of a service instance) append at once:
// one chain, no gap, no fork, and every append lands without its caller trying again — a lost
// race for the chain's head is the store's to retry, never a request's failure.
TEST_F(AuditChain, ConcurrentWritersFormOneChain) {
  constexpr int kWriters = 4, kEach = 25;
  std::vector<std::unique_ptr<Store>> stores;
  for (int w = 0; w < kWriters; ++w) {
    stores.push_back(OpenAnother());
    stores.back()->SetAuditSealer(&key_);
  }
  std::vector<std::thread> threads;
  std::vector<int> failures(kWriters, 0);
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        if (!stores[w]->AppendAudit(Entry(i)).ok()) ++failures[w];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int w = 0; w < kWriters; ++w) EXPECT_EQ(failures[w], 0);
  AuditVerifyReport r = Verify();
  EXPECT_TRUE(r.ok()) << Problems(r);
  EXPECT_EQ(r.records, kWriters * kEach);
  EXPECT_EQ(r.head_seq, kWriters * kEach);
}

TEST_F(AuditChain, PurgeMovesTheSealedAnchor) {
  Append(6);
  Result<int64_t> removed = store_->PurgeAudit(4);
  ASSERT_TRUE(removed.ok()) << removed.status().message();
  EXPECT_EQ(*removed, 4);
  AuditVerifyReport r = Verify();
  EXPECT_TRUE(r.ok()) << Problems(r);
  EXPECT_EQ(r.records, 2);
  EXPECT_EQ(r.first_seq, 5);
  // Moving the anchor further without the key is detected.
  ASSERT_TRUE(RawConnection()->Exec("DELETE FROM audit_log WHERE seq = 5").ok());
  ASSERT_TRUE(RawConnection()->Exec("UPDATE audit_chain SET seq = 5 WHERE name = 'anchor'").ok());
  EXPECT_FALSE(Verify().ok());
  // Out of range and without a key: refused.
  EXPECT_EQ(store_->PurgeAudit(99).status().code(), StatusCode::kInvalidArgument);
  store_->SetAuditSealer(nullptr);
  EXPECT_EQ(store_->PurgeAudit(6).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace onetable::testing
