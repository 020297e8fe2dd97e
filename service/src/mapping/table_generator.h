// TableGenerator: runs a loaded mapping over the register and streams the table into a
// TableSink — the reason onetable exists (DESIGN.md §6).
//
// One run: the reference date (the request's override, else the spec's as_of, else today), the
// scope (table_scope.h), then one Store::Scan (scan_plan.h). Every person-level status the table
// reads is the one at the reference date: `alive` by expr/alive_rule.h, tags by their validity,
// and for a past date the persons' statuses, fields and households as the register held them at
// the end of that day (ScanRequest::history_at) — so a roster for a past date comes out the same
// whenever it is generated. The where clause's simple parts and
// the scope run in SQL as bound parameters, the rest in the Evaluator. At the person grain each
// streamed row becomes a table row. At summary grains (household … community) the scan joins
// the rows below, ordered so each grain row's rows arrive together; aggregates fold them as they
// pass and the grain row is written when its group ends — unless every aggregate is a count or
// an integer sum the store can compute (scan_plan.h): then the store does it in SQL and streams
// one row per grain row. Either way one row (or one group) is held at a time: memory stays flat
// however many rows. Subtotal and total rows, row numbers and entry savings: table_rows.h.
//
// Everything that can be wrong with the request (as_of, scope) or the spec (an order_by the
// store cannot sort by) is reported before the sink's Begin, so a failed run writes nothing.
// A failure later (the store) leaves the sink unfinished: a file sink then leaves no file.
//
// Thread-safety: a generator uses the store it was given from one thread at a time.
#ifndef ONETABLE_MAPPING_TABLE_GENERATOR_H_
#define ONETABLE_MAPPING_TABLE_GENERATOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mapping/mapping_spec.h"
#include "mapping/table_rows.h"
#include "mapping/table_sink.h"
#include "model/catalog.h"
#include "model/date.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable::mapping {

struct TableRequest {
  std::string scope;                        // a division or grid code; "": all the caller sees
  std::vector<std::string> allowed_scopes;  // the caller's scope codes; empty: no restriction
  std::string as_of;                        // override: a date, or a year for {year} templates
  Date today = Today();                     // fills {year} when there is no override
  int64_t max_rows = 0;                     // > 0: stop after this many body rows (preview)
  int page_size = 0;                        // passed to Store::Scan (0: the store chooses)
  // Optional: told the id of the grain row (person, household …) each data row stands for, just
  // before that row goes to the sink (change rosters key rows by it: change_roster.h).
  std::function<void(int64_t)> row_key;
  // Columns (by index, true = mask) whose cells are replaced by "***" in the rows of persons under
  // 14 at the reference date (PIPL Art. 28: a child's data is sensitive): the ID-number and phone
  // columns the caller sees in full for adults but holds no minor grant for (table_access.h).
  // Person grain only; empty: none.
  std::vector<bool> minor_masked;
  // Non-empty: only the grain rows with these ids (an incremental delivery regenerates the
  // persons whose inputs changed: delivery/change_scope.h). Person grain only.
  std::vector<int64_t> only_ids;
  // Internal (tests): false folds every aggregate in C++ even where the store could compute it
  // (scan_plan.h), so both ways can be compared on the same register.
  bool aggregate_pushdown = true;
};

struct TableResult {
  Date as_of;
  std::string scope_name;
  TableCounts counts;
};

class TableGenerator {
 public:
  // `catalog` and `store` must outlive the generator.
  TableGenerator(const Catalog& catalog, Store* store) : catalog_(catalog), store_(store) {}

  // Generates `spec` for `request` into `sink` (Begin … End). Errors: kInvalidArgument /
  // kNotFound / kPermissionDenied for the request (messages name the parameter), for the spec
  // (file:line:col); store errors as the store reports them.
  Result<TableResult> Generate(const MappingSpec& spec, const TableRequest& request,
                               TableSink* sink);

 private:
  const Catalog& catalog_;
  Store* store_;
};

// The XLSX/CSV title metadata of a spec: title, headers and column widths.
TableMeta MetaOf(const MappingSpec& spec, const std::string& scope_name, const Date& as_of);

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_TABLE_GENERATOR_H_
