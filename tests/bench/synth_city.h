// The benchmark's synthetic city (tests/bench/run): a real district's real streets and
// communities from the division data (default 江岸区, 武汉, 420102: 17 streets, 141 communities),
// invented grids, compounds and buildings, and N persons drawn household by household with the
// demo generator's building blocks (demo/demo_household.h), so both share one idea of who lives
// together, how old they are and what a valid ID number is.
//
// SynthesizeCity walks the tree in order and hands each level to a CitySink as it is made:
// nothing is kept but the current building, so a million persons stream through in seconds and
// a few hundred megabytes (the ID-number and phone uniqueness sets are the bulk).
//
// Deterministic: the same options give the same city, byte for byte, on every platform (all
// randomness comes from DemoRandom; sinks that need randomness of their own seed their own).
// Not thread-safe: one run at a time per sink.
#ifndef ONETABLE_TESTS_BENCH_SYNTH_CITY_H_
#define ONETABLE_TESTS_BENCH_SYNTH_CITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "demo/demo_household.h"
#include "model/catalog.h"
#include "model/date.h"
#include "model/divisions.h"
#include "onetable/status.h"

namespace onetable::bench {

struct SynthOptions {
  int persons = 1000000;
  uint64_t seed = 20261123;
  std::string district = "420102";   // 江岸区, 武汉市
  std::string today = "2026-11-23";  // ages and dates are relative to it
  int persons_per_grid = 900;        // about 330 households, as city grids are drawn
};

struct CommunityOut {
  const Division* street = nullptr;
  const Division* community = nullptr;
  std::string short_name;  // 百步亭社区 (without 居委会)
};

struct GridOut {
  const CommunityOut* community = nullptr;
  std::string code;  // community code + 2 digits
  std::string name;  // 百步亭社区第3网格
  std::string worker_name;
  std::string worker_phone;
};

struct BuildingOut {
  const GridOut* grid = nullptr;
  std::string name;     // 怡康苑3栋
  std::string address;  // 武汉市江岸区后湖大道111号怡康苑3栋
  std::vector<demo::HouseholdDraft> households;
};

// Receives the city top-down: Begin, then for each community its grids, for each grid its
// buildings (with their households and persons), then Finish. A failed Status stops the run.
class CitySink {
 public:
  virtual ~CitySink() = default;
  virtual Status Begin(const Division& district) { return Status::Ok(); }
  virtual Status Community(const CommunityOut& community) { return Status::Ok(); }
  virtual Status Grid(const GridOut& grid) { return Status::Ok(); }
  virtual Status Building(const BuildingOut& building) = 0;
  virtual Status Finish() { return Status::Ok(); }
};

// What the city came out as, for the summary the generator prints.
struct CityStats {
  int64_t persons = 0, households = 0, buildings = 0, grids = 0, communities = 0, streets = 0;
  int64_t aged_60 = 0, aged_80 = 0, floating = 0, deceased = 0, male = 0, minority = 0;
  int64_t rare_names = 0;
  std::vector<std::pair<std::string, int64_t>> tags;  // tag key -> persons
  std::vector<int64_t> household_sizes;               // [size] -> households
};

// Makes the city and streams it to every sink in order. kInvalidArgument when the district is
// unknown or has no communities in the division data.
Result<CityStats> SynthesizeCity(const SynthOptions& options, const Divisions& divisions,
                                 const std::vector<CitySink*>& sinks);

// The ID number as a department that never upgraded its records would hold it: the 15-digit
// first-generation form (no century, no check character). Only for persons born 1900–1999.
std::string FifteenDigitId(const std::string& id18);

// A code's label from the catalog's code table for `field` of persons ("男" for gender "1");
// the code itself when the catalog has no label for it.
std::string PersonLabel(const Catalog& catalog, const std::string& field, const std::string& code);

// Writes `value` as one CSV field (RFC 4180 quoting when needed) to `out`.
void AppendCsvField(std::string* out, const std::string& value);

}  // namespace onetable::bench

#endif  // ONETABLE_TESTS_BENCH_SYNTH_CITY_H_
