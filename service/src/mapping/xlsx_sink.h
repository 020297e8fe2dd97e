// XlsxSink: a table as an Excel workbook, written with libxlsxwriter in constant-memory mode
// (each row goes to a temporary file as soon as it is complete, so memory stays flat).
//
// Layout: row 1 is the title "title — scope — 截至 as_of", merged across all columns; row 2 the
// headers, bold and frozen with the title (they stay visible while scrolling); then the rows,
// every cell an inline string except the numbers of numeric columns (TableMeta::numeric: 序号,
// 年龄, 金额), which are numbers so the sheet sums them. ID numbers and phones are strings, never
// numbers, so Excel neither rounds 18 digits nor drops a leading zero; a numeric column's cell
// is a number only when it is plain decimal text of at most 15 digits without a leading zero. Column widths come from TableMeta::widths or are
// estimated from the header and the first 100 rows (East Asian characters count double).
// Subtotal and total rows are bold. Cells are escaped against formula injection.
//
// Thread-safety: one thread.
#ifndef ONETABLE_MAPPING_XLSX_SINK_H_
#define ONETABLE_MAPPING_XLSX_SINK_H_

#include <memory>
#include <string>
#include <vector>

#include "mapping/atomic_file.h"
#include "mapping/table_sink.h"

struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

namespace onetable::mapping {

class XlsxSink : public TableSink {
 public:
  // Prepares to write `path` (atomically: the workbook is built under a temporary name).
  static Result<std::unique_ptr<XlsxSink>> Open(const std::string& path);
  ~XlsxSink() override;

  Status Begin(const TableMeta& meta) override;
  Status Row(const std::vector<std::string>& cells) override;
  Status TotalRow(const std::vector<std::string>& cells) override;
  Status End() override;

  static constexpr int kSampleRows = 100;  // rows looked at for column widths

 private:
  explicit XlsxSink(std::unique_ptr<AtomicFile> file) : file_(std::move(file)) {}
  Status WriteRow(const std::vector<std::string>& cells, lxw_format* format);
  void SetWidths();

  std::unique_ptr<AtomicFile> file_;
  std::string tmpdir_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* bold_ = nullptr;
  size_t columns_ = 0;
  uint32_t next_row_ = 0;
  int64_t rows_written_ = 0;  // header included
  std::vector<double> fixed_widths_;
  std::vector<bool> numeric_;  // per column (TableMeta::numeric)
  std::vector<int> estimated_;  // widest cell seen per column
  bool widths_set_ = false;
};

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_XLSX_SINK_H_
