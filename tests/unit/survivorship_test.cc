// Per-field survivorship as a case table: who wins, and when a conflict is raised.
#include "ingest/survivorship.h"

#include <gtest/gtest.h>

namespace onetable {
namespace {

Claim C(const std::string& value, const std::string& source, int trust, bool pinned = false) {
  Claim c;
  c.value = value;
  c.source = source;
  c.trust = trust;
  c.pinned = pinned;
  return c;
}

struct Case {
  const char* name;
  std::optional<Claim> current;
  Claim incoming;
  FieldDecision::Verdict verdict;
  bool conflict;
};

TEST(Survivorship, DecidesPerField) {
  const int kThreshold = 60;
  const Case cases[] = {
      {"blank golden value takes anything", std::nullopt, C("a", "low", 10), FieldDecision::kTake,
       false},
      {"same value changes nothing", C("a", "s1", 70), C("a", "s2", 50), FieldDecision::kSame,
       false},
      {"same value from a more trusted source takes provenance", C("a", "s1", 50), C("a", "s2", 70),
       FieldDecision::kTake, false},
      {"manual beats any connector", C("a", "manual", 100), C("b", "s1", 99), FieldDecision::kKeep,
       false},
      {"a worker's named manual entry too", C("a", "manual:wang", 100), C("b", "s1", 99),
       FieldDecision::kKeep, false},
      {"pinned never overwritten", C("a", "s1", 10, true), C("b", "s2", 90), FieldDecision::kKeep,
       false},
      {"higher trust wins", C("a", "s1", 50), C("b", "s2", 70), FieldDecision::kTake, false},
      {"lower trust loses", C("a", "s1", 70), C("b", "s2", 50), FieldDecision::kKeep, false},
      {"equal trust: the newer (incoming) wins", C("a", "s1", 40), C("b", "s2", 40),
       FieldDecision::kTake, false},
      {"a source correcting itself", C("a", "s1", 80), C("b", "s1", 80), FieldDecision::kTake,
       false},
      {"two trusted sources disagree: conflict, higher wins", C("a", "s1", 60), C("b", "s2", 80),
       FieldDecision::kTake, true},
      {"conflict also when the incoming loses", C("a", "s1", 90), C("b", "s2", 60),
       FieldDecision::kKeep, true},
      {"below the threshold: no conflict", C("a", "s1", 59), C("b", "s2", 90), FieldDecision::kTake,
       false},
      {"manual vs connector is not a conflict", C("a", "manual", 100), C("b", "s2", 90),
       FieldDecision::kKeep, false},
  };
  for (const Case& c : cases) {
    FieldDecision d = DecideField(c.current, c.incoming, kThreshold);
    EXPECT_EQ(d.verdict, c.verdict) << c.name;
    EXPECT_EQ(d.conflict, c.conflict) << c.name;
  }
}

}  // namespace
}  // namespace onetable
