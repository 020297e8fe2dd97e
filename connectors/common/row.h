// Row: one record read from a departmental file (a CSV record or a spreadsheet row).
//
// Readers yield rows one at a time; a row that cannot be used as is (wrong column count, a field
// over a limit, a cell that cannot be decoded) still comes out, with `error` set, so the runtime
// can quarantine it under its file and row number instead of sinking the whole batch.
//
// Thread-safety: a value; safe to copy and move between threads.
#ifndef ONETABLE_CONNECTORS_COMMON_ROW_H_
#define ONETABLE_CONNECTORS_COMMON_ROW_H_

#include <cstdint>
#include <string>
#include <vector>

namespace onetable::connectors {

struct Row {
  // 1-based. For CSV the physical line where the record starts (a quoted field may span several
  // lines); for XLSX the spreadsheet row number. Quarantine says "file:number".
  int64_t number = 0;
  std::vector<std::string> cells;  // UTF-8
  // Empty when the row is fine. Otherwise a Chinese message that names the file and row (and the
  // column or cell when known), ready to show a worker.
  std::string error;
};

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_COMMON_ROW_H_
