// The demo city behind `onetable init --demo`: one real street of a real county-level city (by
// default 陆城街道 of 宜都市, 湖北) with its real communities from the division data, made-up
// grids, buildings and households, and about 5,000 synthetic persons who look like the people of
// a Chinese county town: valid ID numbers (GB 11643), ages, relationships, names, phones,
// education, a few 流动人口, and special-population tags (低保, 残疾人, 退役军人, ...).
//
// Every value is synthetic; no real person is described. The output is a pure function of the
// options (seed and `today` included): the same options give the same rows on every platform,
// because all randomness comes from the generator's own PRNG (demo/demo_random.h).
//
// Thread-safety: GenerateDemo uses the store it is given (one thread at a time, as Store).
#ifndef ONETABLE_DEMO_DEMO_CITY_H_
#define ONETABLE_DEMO_DEMO_CITY_H_

#include <cstdint>
#include <functional>
#include <string>

#include "model/catalog.h"
#include "model/divisions.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

struct DemoOptions {
  int persons = 5000;
  uint64_t seed = 20261123;
  std::string street_code = "420581001";  // 陆城街道, 宜都市
  int communities = 3;  // the street's first N 社区居委会 (fewer if it has fewer)
  int grids_per_community = 4;
  std::string today;  // YYYY-MM-DD: ages and dates are relative to it; empty = real today
};

struct DemoSummary {
  int districts = 0;
  int streets = 0;
  int communities = 0;
  int grids = 0;
  int buildings = 0;
  int households = 0;
  int persons = 0;  // exactly options.persons (deceased persons included)
  int tags = 0;
};

// Fills an empty, migrated store with the demo city. Fails with kFailedPrecondition when the
// store already holds a district, kInvalidArgument for bad options or a street code that the
// division data does not know (or that has no 社区), and with the store's Status when a write
// fails (each grid is written in one transaction, so a failure leaves whole grids only).
// `progress`, if not null, receives one line per grid in Chinese for the person running init.
Result<DemoSummary> GenerateDemo(Store* store, const Catalog& catalog, const Divisions& divisions,
                                 const DemoOptions& options,
                                 const std::function<void(const std::string&)>& progress);

}  // namespace onetable

#endif  // ONETABLE_DEMO_DEMO_CITY_H_
