// The data-quality report: per grid the caller may see, how complete the key fields of its
// active persons are, how many ID numbers are invalid or contradict the stored birth date or
// sex, and how many review items are still open. Counts only: no personal value is in it.
//
// Fields are person fields of the catalog (default: those the catalog marks required, plus its
// ID-number field); an unknown key, a derived field or one the caller may not see unmasked is
// kInvalidArgument naming it. Grids come in the order of their ids; a grid without active
// persons is not listed.
//
// Cost: one streaming Store::Scan over the caller's persons plus one pass over the open review
// items; nothing is held per person but its id (to place review items in their grid).
//
// Thread-safety: functions over the Store given (one thread).
#ifndef ONETABLE_REGISTER_QUALITY_REPORT_H_
#define ONETABLE_REGISTER_QUALITY_REPORT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "access/access.h"
#include "app/context.h"
#include "model/catalog.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

struct GridQuality {
  int64_t id = 0;
  std::string code, name, community;
  int64_t persons = 0;
  std::vector<int64_t> filled;  // per report field: persons with a value in it
  int64_t invalid_ids = 0;      // present but failing GB 11643
  int64_t id_conflicts = 0;     // valid, but birth date or sex disagree
  int64_t open_reviews = 0;     // open review items about its persons
};

struct QualityReport {
  std::vector<const FieldDef*> fields;
  std::vector<GridQuality> grids;
  GridQuality totals;  // the same counts over every grid listed (id 0)
};

// The fields named by the comma-separated `keys` ("" for the default set).
Result<std::vector<const FieldDef*>> QualityFields(const AppContext& app, const Principal& who,
                                                   std::string_view keys);

// The report over the rows `who` may see.
Result<QualityReport> BuildQualityReport(Store& store, const AppContext& app, const Principal& who,
                                         std::vector<const FieldDef*> fields);

}  // namespace onetable

#endif  // ONETABLE_REGISTER_QUALITY_REPORT_H_
