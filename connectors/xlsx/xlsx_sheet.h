// ReadSheetRows: the rows of one worksheet part (xl/worksheets/sheetN.xml), streamed.
//
// Cells are placed by their reference (r="C5"), so cells a writer left out come back as empty
// strings; rows without cells are left out (like blank CSV lines). Values become the text a
// worker sees: shared and inline strings, numbers in Excel's General form, dates and times from
// serials by the cell's number format, booleans as TRUE/FALSE, formula results as cached.
//
// Thread-safety: thread-safe; the context is only read.
#ifndef ONETABLE_CONNECTORS_XLSX_XLSX_SHEET_H_
#define ONETABLE_CONNECTORS_XLSX_XLSX_SHEET_H_

#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "common/row.h"
#include "onetable/status.h"
#include "xlsx/excel_values.h"

namespace onetable::connectors {

struct SheetContext {
  // Names the sheet in messages, e.g. "dibao.xlsx 工作表 Sheet1"; cells add " 单元格 C5".
  std::string where;
  const std::vector<std::string>* shared_strings = nullptr;  // null: the workbook has none
  const std::vector<NumberKind>* styles = nullptr;           // null: every number is a number
  bool date1904 = false;
  size_t max_columns = 1000;
  size_t max_cell_bytes = 1 << 20;
};

// Reads the worksheet XML from `in` and hands each row to `on_row` in file order. A cell that
// cannot be read (shared string index out of range, a date serial out of range, a column past
// max_columns, text over max_cell_bytes) sets the row's error, naming the cell; the row still
// comes out. A non-OK status from `on_row` stops the read and is returned; XML errors (and any
// DOCTYPE) fail the read.
Status ReadSheetRows(std::istream& in, const SheetContext& context,
                     const std::function<Status(Row)>& on_row);

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_XLSX_XLSX_SHEET_H_
