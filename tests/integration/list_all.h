// Every row of one kind in a store, read through the Store API a page at a time. Header-only:
// for integration tests that check a whole register.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "store/store.h"

namespace onetable::testing {

inline std::vector<Row> ListAll(Store* store, EntityKind kind) {
  std::vector<Row> out;
  ListQuery q;
  q.limit = 1000;
  while (true) {
    auto page = store->List(kind, q);
    EXPECT_TRUE(page.ok()) << page.status().message();
    if (!page.ok() || page->empty()) break;
    q.after_id = page->back().id;
    for (Row& r : *page) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace onetable::testing
