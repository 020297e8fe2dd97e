// Loads tests/golden/register.yaml — the small register the golden cases run on — into a store
// through the Store API (Insert, Update for household heads, AddTag), as a worker or a connector
// would fill it.
#ifndef ONETABLE_TESTS_GOLDEN_REGISTER_FIXTURE_H_
#define ONETABLE_TESTS_GOLDEN_REGISTER_FIXTURE_H_

#include <string>

#include "onetable/status.h"
#include "store/store.h"

namespace onetable::testing {

// Inserts every row of the fixture at `path` into `store` (migrated, empty). Errors name the
// fixture's line.
Status LoadRegisterFixture(const std::string& path, Store* store);

}  // namespace onetable::testing

#endif  // ONETABLE_TESTS_GOLDEN_REGISTER_FIXTURE_H_
