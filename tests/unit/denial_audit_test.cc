// DenialAudit (issue 16, M3): the first of alike denials in a window is recorded, the rest are
// counted and recorded once as a count when the window is over.
#include "http/denial_audit.h"

#include <gtest/gtest.h>

namespace onetable {
namespace {

DenialAudit::Kind K(const std::string& address, int status, const std::string& user = "",
                    const std::string& route = "GET /api/v1/tree") {
  DenialAudit::Kind kind;
  kind.address = address;
  kind.user = user;
  kind.route = route;
  kind.status = status;
  return kind;
}

TEST(DenialAuditTest, RepeatedDenialsOfOneClientBecomeOneCount) {
  DenialAudit denials(60);
  const int64_t t0 = 1'700'000'000;
  EXPECT_TRUE(denials.Note(K("10.0.0.1", 401), t0).record_this);
  for (int i = 1; i <= 9635; ++i) {
    DenialAudit::Decision d = denials.Note(K("10.0.0.1", 401), t0 + (i * 4) / 9635);
    EXPECT_FALSE(d.record_this);
    EXPECT_TRUE(d.summaries.empty());
  }
  // Another client, status, user or route is another kind.
  EXPECT_TRUE(denials.Note(K("10.0.0.2", 401), t0 + 1).record_this);
  EXPECT_TRUE(denials.Note(K("10.0.0.1", 403), t0 + 1).record_this);
  EXPECT_TRUE(denials.Note(K("10.0.0.1", 403, "gw_a1"), t0 + 1).record_this);
  EXPECT_TRUE(denials.Note(K("10.0.0.1", 401, "", "GET /api/v1/users"), t0 + 1).record_this);
  EXPECT_TRUE(denials.TakeExpired(t0 + 30).empty());

  // After the window: the count first, then this denial is recorded again.
  DenialAudit::Decision later = denials.Note(K("10.0.0.1", 401), t0 + 61);
  EXPECT_TRUE(later.record_this);
  ASSERT_EQ(later.summaries.size(), 1u);
  EXPECT_EQ(later.summaries[0].kind.address, "10.0.0.1");
  EXPECT_EQ(later.summaries[0].kind.status, 401);
  EXPECT_EQ(later.summaries[0].count, 9635);
  EXPECT_EQ(DenialAudit::Detail(later.summaries[0]),
            "repeated count=9635 status=401 from=2023-11-14T22:13:20Z to=2023-11-14T22:13:24Z");
}

TEST(DenialAuditTest, OpenCountsAreTakenWhenTheirWindowEndsOrAtShutdown) {
  DenialAudit denials(60);
  const int64_t t0 = 1'700'000'000;
  denials.Note(K("a", 401), t0);
  denials.Note(K("a", 401), t0 + 1);
  denials.Note(K("b", 401), t0 + 50);
  denials.Note(K("b", 401), t0 + 51);
  std::vector<DenialAudit::Summary> expired = denials.TakeExpired(t0 + 70);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].kind.address, "a");
  EXPECT_EQ(expired[0].count, 1);
  std::vector<DenialAudit::Summary> rest = denials.TakeAll();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].kind.address, "b");
  EXPECT_TRUE(denials.TakeAll().empty());
}

TEST(DenialAuditTest, BeyondItsCapacityEveryDenialIsRecorded) {
  DenialAudit denials(60, 2);
  denials.Note(K("a", 401), 100);
  denials.Note(K("b", 401), 100);
  EXPECT_TRUE(denials.Note(K("c", 401), 100).record_this);
  EXPECT_TRUE(denials.Note(K("c", 401), 100).record_this);
}

}  // namespace
}  // namespace onetable
