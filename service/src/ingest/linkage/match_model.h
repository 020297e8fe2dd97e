// The Fellegi–Sunter match model for persons without an ID number (the model Splink
// implements). For each compared field and level, m = P(level | same person) and
// u = P(level | two different persons); a pair's match weight is the sum over fields of
// log2(m/u) (a blank side adds 0), plus the prior log2(λ/(1−λ)) with λ = 1/population (one
// register person in `population` is the one a record is about). The match probability is
// 2^w / (1 + 2^w).
//
// Term frequency (Splink's tf adjustment): an exact name match takes u = (persons with that
// name)/population instead of a fixed u, so 王伟 among 300 namesakes is weak evidence and a
// name nobody else has is strong.
//
// The m and u below are set for registers and departmental exports as community workers meet
// them (phones change, one birth date in twenty has a slip, names cross 繁简 and variant
// surnames); they are documented in the README next to the benchmark that measures them.
//
// Pure; thread-safe.
#ifndef ONETABLE_INGEST_LINKAGE_MATCH_MODEL_H_
#define ONETABLE_INGEST_LINKAGE_MATCH_MODEL_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ingest/linkage/comparisons.h"
#include "store/store.h"

namespace onetable::linkage {

struct Evidence {
  std::string field;  // catalog key: name, birth_date, phone, current_address, gender
  std::string level;  // LevelKey: "surname_variant"
  std::string label;  // Chinese, for the worker: "姓名：姓氏异写"
  double weight = 0;  // log2(m/u)
};

struct PairScore {
  NameLevel name = NameLevel::kMissing;
  DateLevel birth_date = DateLevel::kMissing;
  PhoneLevel phone = PhoneLevel::kMissing;
  AddressLevel address = AddressLevel::kMissing;
  GenderLevel gender = GenderLevel::kMissing;
  double weight = 0;               // prior + evidence
  double probability = 0;          // 2^weight / (1 + 2^weight)
  std::vector<Evidence> evidence;  // the compared fields with a value on both sides

  // "姓名姓氏异写、出生日期相同、电话不同" — the levels that were compared, for a review item.
  std::string Reason() const;
};

// The prior weight log2(λ/(1−λ)) for a register of `population` persons (at least 1000 is
// assumed, so a nearly empty register does not make every pair likely).
double PriorWeight(int64_t population);

// Compares `incoming` (canonical values by catalog key) with `candidate`. `name_count`: how many
// register persons have the candidate's exact name (for the tf adjustment; 0 when unknown: a
// fixed u is used).
PairScore ScorePair(const std::map<std::string, std::string>& incoming, const Row& candidate,
                    int64_t name_count, int64_t population);

}  // namespace onetable::linkage

#endif  // ONETABLE_INGEST_LINKAGE_MATCH_MODEL_H_
