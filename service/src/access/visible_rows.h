// Lists and searches over the register limited to what the caller may see.
//
// Candidates come from one Store::Scan of the kind, scoped to the caller's grids or communities
// (AccessPolicy::Visible) or to one parent row, with the filter's predicates pushed down to SQL;
// then every candidate is checked again with AccessPolicy::RequireRow before it is returned, so
// the policy alone decides what is shown and the scan only makes the common case cheap.
//
// Paging is keyset on id: rows with id > page.after, in id order, at most page.limit; `more`
// says whether a further page exists.
//
// Thread-safety: functions over the Store given (one thread).
#ifndef ONETABLE_ACCESS_VISIBLE_ROWS_H_
#define ONETABLE_ACCESS_VISIBLE_ROWS_H_

#include <functional>
#include <string>
#include <vector>

#include "access/access.h"
#include "store/store.h"

namespace onetable {

inline constexpr int kPageDefault = 50;
inline constexpr int kPageMax = 500;

// One page of a list: the rows with id > after, at most limit of them.
struct Page {
  int64_t after = 0;
  int limit = kPageDefault;
};

struct RowFilter {
  int64_t parent_id = 0;  // > 0: only children of this row (of ParentKind(kind)), which the
                          // caller must see (else kNotFound)
  std::string status;     // "": any status
  // Pushed down to the scan; paths are "<kind>.<key>" of the listed kind.
  std::vector<ScanPredicate> predicates;
  // Read for `keep` (paths as above), in this order.
  std::vector<std::string> fields;
  // A test the SQL cannot make (e.g. the last four characters of the ID number); null: keep all.
  std::function<bool(const ScanRow&)> keep;
};

Result<std::vector<Row>> ListVisible(const AccessPolicy& policy, const Principal& who, Store& store,
                                     EntityKind kind, const RowFilter& filter, const Page& page,
                                     bool* more);

// Every row of `kind` the caller may see that `filter` keeps, as ids in id order (one scan; the
// rows themselves are not read). For searches that show a total and jump to a page: the caller
// reads the page's rows with Store::Get and checks each with AccessPolicy::RequireRow again.
Result<std::vector<int64_t>> MatchVisibleIds(const AccessPolicy& policy, const Principal& who,
                                             Store& store, EntityKind kind,
                                             const RowFilter& filter);

}  // namespace onetable

#endif  // ONETABLE_ACCESS_VISIBLE_ROWS_H_
