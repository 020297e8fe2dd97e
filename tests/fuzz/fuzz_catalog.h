// The shipped catalog (schema/), loaded once per fuzzing process for the targets that check
// expressions and specs against it. Aborts when it does not load: a target without its catalog
// would fuzz nothing. Not thread-safe before the first call (libFuzzer runs one thread).
#ifndef ONETABLE_TESTS_FUZZ_FUZZ_CATALOG_H_
#define ONETABLE_TESTS_FUZZ_FUZZ_CATALOG_H_

#include <cstdio>
#include <cstdlib>

#include "model/catalog.h"

namespace onetable::fuzz {

inline const Catalog& ShippedCatalog() {
  // Never freed: it lives as long as the process (reachable, so not a leak).
  static const Catalog* catalog = [] {
    auto loaded = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    if (!loaded.ok()) {
      std::fprintf(stderr, "fuzz: the catalog does not load: %s\n",
                   loaded.status().message().c_str());
      std::abort();
    }
    return new Catalog(std::move(*loaded));
  }();
  return *catalog;
}

}  // namespace onetable::fuzz

#endif  // ONETABLE_TESTS_FUZZ_FUZZ_CATALOG_H_
