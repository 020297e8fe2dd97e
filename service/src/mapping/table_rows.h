// TableRows: the body of a generated table as it goes to a TableSink — data rows numbered for
// row_number(), subtotal rows when the spec's subtotal_by value changes, a total row at the end,
// a row limit (for previews), and the entry-savings count.
//
// Entry savings (what `--savings` reports): the body is every cell of every data, subtotal and
// total row (not the title or the header). A body cell "came from the register" when it is not
// empty and its value was computed from register data: in data rows, a column whose expression
// reads a field, a tag, `alive`, age or an aggregate; in subtotal and total rows, the summed
// cells and the group's value. Everything else — row_number(), constants, 小计/合计 labels,
// empty cells — would be typed (or left blank) by hand anyway, so it does not count.
//
// Thread-safety: one thread.
#ifndef ONETABLE_MAPPING_TABLE_ROWS_H_
#define ONETABLE_MAPPING_TABLE_ROWS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "expr/eval.h"
#include "mapping/expr_names.h"
#include "mapping/mapping_spec.h"
#include "mapping/scan_row_context.h"
#include "mapping/table_sink.h"

namespace onetable::mapping {

struct TableCounts {
  int64_t data_rows = 0;
  int64_t subtotal_rows = 0;
  int64_t total_rows = 0;
  int64_t cells = 0;           // body cells
  int64_t register_cells = 0;  // body cells that came from the register (see above)
  bool truncated = false;      // stopped at the row limit
};

class TableRows {
 public:
  // `spec` and `sink` must outlive this. `max_rows` > 0 stops after that many body rows.
  TableRows(const MappingSpec& spec, TableSink* sink, int64_t max_rows);

  // Writes the data row `ctx` stands for (its row number is set here). Once the row limit is
  // reached returns a status for which IsStop is true: the caller stops reading, calls Finish.
  Status Add(const Evaluator& eval, ScanRowContext& ctx);

  // The last subtotal and the total row, unless the limit was reached.
  Status Finish();

  const TableCounts& counts() const { return counts_; }

  // The status Add returns at the row limit; not an error for callers that asked for a limit.
  static bool IsStop(const Status& st);

 private:
  struct Sum {
    int64_t i = 0;
    double d = 0;
    bool decimal = false;
    bool any = false;
    void Add(const Value& v);
    std::string Cell() const;
    void Clear() { *this = Sum(); }
  };

  Status Write(const std::vector<std::string>& cells, bool total_style,
               const std::vector<bool>& from_register);
  Status WriteSums(std::vector<Sum>* sums, const std::string& label, const Value* group);
  bool Full() const { return max_rows_ > 0 && written_ >= max_rows_; }

  const MappingSpec& spec_;
  TableSink* sink_;
  int64_t max_rows_;
  int64_t written_ = 0;
  std::vector<bool> reads_register_;  // per column
  std::vector<bool> group_column_;    // per column: shows the subtotal_by value
  std::vector<Sum> subtotal_;
  std::vector<Sum> total_;
  Value group_;
  bool has_group_ = false;
  TableCounts counts_;
};

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_TABLE_ROWS_H_
