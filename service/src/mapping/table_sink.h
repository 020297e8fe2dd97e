// TableSink: where a generated table goes, one row at a time, so memory stays flat however many
// rows there are. Three formats: XLSX (xlsx_sink.h), CSV (csv_sink.h), JSON (json_sink.h).
//
// Call order: Begin once, Row / TotalRow any number of times, End once. A sink writing to a
// path writes a temporary file next to it and renames it into place in End, so a failure (an
// error Status, or a sink destroyed before End) never leaves a half-written table; an existing
// file at the path is replaced only on success.
//
// Cells are text, except in XLSX a cell of a numeric column (TableMeta::numeric: the column's
// expression is an integer or a decimal, e.g. 序号, 年龄, 金额) whose text is a number is written as
// a number, so the sheet can sum it; anything else in it (*** for a masked value, 合计) stays
// text. Formula injection: in XLSX and CSV a cell that starts with = + - @, a tab
// or a carriage return gets a leading apostrophe (' ), so no spreadsheet evaluates it; the
// apostrophe is visible in CSV and is what spreadsheets themselves use to mark literal text.
// (In a text column this also marks a negative number such as -5 as text.)
// JSON is not escaped this way: it is not opened by spreadsheets and its consumers get the
// exact value.
//
// Thread-safety: a sink is used by one thread.
#ifndef ONETABLE_MAPPING_TABLE_SINK_H_
#define ONETABLE_MAPPING_TABLE_SINK_H_

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "onetable/status.h"

namespace onetable::mapping {

struct TableMeta {
  std::string title;  // 高龄津贴发放花名册
  std::string scope;  // the scope's name, e.g. 幸福社区; may be empty
  std::string as_of;  // the reference date, YYYY-MM-DD
  std::vector<std::string> headers;
  std::vector<double> widths;  // optional, per column; 0 or missing: estimated
  std::vector<bool> numeric;   // optional, per column: its values are numbers (XLSX writes them so)
};

class TableSink {
 public:
  TableSink() = default;
  TableSink(const TableSink&) = delete;
  TableSink& operator=(const TableSink&) = delete;
  virtual ~TableSink() = default;

  virtual Status Begin(const TableMeta& meta) = 0;
  // One data row; `cells` has one entry per header (else kInvalidArgument).
  virtual Status Row(const std::vector<std::string>& cells) = 0;
  // A subtotal or total row; formats that can (XLSX) set it in bold.
  virtual Status TotalRow(const std::vector<std::string>& cells) { return Row(cells); }
  // Finishes the table; for a path, the file appears only now.
  virtual Status End() = 0;
};

enum class TableFormat { kXlsx, kCsv, kJson };

// "xlsx", "csv", "json" (case-insensitive).
std::optional<TableFormat> ParseTableFormat(std::string_view name);
const char* TableFormatName(TableFormat format);

// The sinks, one factory: `format` written to `path` (atomically, see above), or to `out` —
// CSV and JSON as the rows come, XLSX (which libxlsxwriter writes as a file) through a
// temporary workbook copied to `out` at End. `out` must outlive the sink.
Result<std::unique_ptr<TableSink>> OpenTableSink(TableFormat format, const std::string& path);
Result<std::unique_ptr<TableSink>> OpenTableSink(TableFormat format, std::ostream& out);

// The cell as a spreadsheet may safely show it: a leading apostrophe before = + - @ tab CR.
std::string EscapeFormula(std::string cell);

// Width of text in spreadsheet columns: East Asian wide characters count 2, others 1.
int DisplayWidth(std::string_view text);

// "高龄津贴发放花名册 — 幸福社区 — 截至 2024-06-30" (empty parts left out).
std::string TitleLine(const TableMeta& meta);

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_TABLE_SINK_H_
