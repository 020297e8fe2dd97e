// Change rosters: the rows of a mapping's table that were added (新增), changed (变更) or removed
// (减少) between an earlier date and the table's reference date — the monthly lists 高龄津贴, 低保
// and 残疾人补贴 are filed as (`onetable table … --changes-since DATE`, the API's changes_since).
//
// The table is generated as of each date (TableGenerator, which reads the register as it stood
// then: table_generator.h), and rows are matched by the grain row's id (the person, household …),
// so a row whose key column is masked or corrected still matches itself. A row is 变更 when any
// cell other than a row number differs; the 变动项 column names those columns (、-joined).
// Because both tables come from the register's history, the list for a past period is the same
// whenever it is asked for.
//
// Output: the columns 变动类型 and 变动项, then the mapping's columns (a row_number() column is
// numbered over the change list). 新增 and 变更 rows come in the table's order at the reference
// date, then the 减少 rows (with their cells as of the earlier date) in that table's order.
// Subtotal and total rows are left out. Masked columns (the caller's masks) are masked before
// comparing, so a change in a column the caller may not see does not show.
//
// Memory: one 64-bit hash per cell of the earlier table, held while the later one streams past
// (the earlier table is generated twice — once to hash, once to write the removed rows — so no
// row's text is held). Thread-safety: one thread; the store as TableGenerator uses it.
#ifndef ONETABLE_MAPPING_CHANGE_ROSTER_H_
#define ONETABLE_MAPPING_CHANGE_ROSTER_H_

#include <string>
#include <vector>

#include "mapping/mapping_spec.h"
#include "mapping/table_generator.h"
#include "mapping/table_sink.h"
#include "model/catalog.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable::mapping {

inline constexpr char kChangeKindHeader[] = "变动类型";
inline constexpr char kChangedColumnsHeader[] = "变动项";
inline constexpr char kChangeAdded[] = "新增";
inline constexpr char kChangeChanged[] = "变更";
inline constexpr char kChangeRemoved[] = "减少";

// Checks a change roster's request before anything runs: `since` is a date before the reference
// date `as_of_override` (or the spec's) gives. kInvalidArgument naming changes_since otherwise.
Status CheckChangesSince(const MappingSpec& spec, const std::string& as_of_override,
                         const std::string& since, const Date& today);

// Writes the change roster of `spec` from `since` (YYYY-MM-DD, before the reference date) to the
// reference date of `request` into `sink` (Begin … End). `masked` (per spec column, may be
// empty) masks cells before comparing. `request.max_rows` > 0 limits the rows written.
// Errors: as TableGenerator::Generate, and kInvalidArgument naming changes_since for a bad date
// or one not before the reference date. TableResult::as_of is the reference date and
// counts.data_rows the rows written.
Result<TableResult> GenerateChanges(const Catalog& catalog, Store* store, const MappingSpec& spec,
                                    const TableRequest& request, const std::string& since,
                                    const std::vector<bool>& masked, TableSink* sink);

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_CHANGE_ROSTER_H_
