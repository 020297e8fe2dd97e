// XlsxWorkbook: reads the sheets of an .xlsx file (Excel, WPS, LibreOffice, openpyxl, ...).
//
// The file is untrusted: zip limits are checked from the central directory before anything is
// inflated and again while inflating (see zip_guard.h), and XML with a DOCTYPE is refused (see
// xml_sax.h). Messages are Chinese and name the file, sheet and cell, e.g.
// "dibao.xlsx 工作表 Sheet1 单元格 C5: 共享字符串索引 99 超出范围（共有 10 个）".
//
// Thread-safety: not thread-safe; one instance per thread.
#ifndef ONETABLE_CONNECTORS_XLSX_XLSX_READER_H_
#define ONETABLE_CONNECTORS_XLSX_XLSX_READER_H_

#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/row.h"
#include "onetable/status.h"
#include "xlsx/excel_values.h"
#include "xlsx/zip_guard.h"

namespace onetable::connectors {

struct XlsxOptions {
  ZipLimits zip;
  size_t max_columns = 1000;
  size_t max_cell_bytes = 1 << 20;
};

// Which sheet to read: by name, or by 1-based position in tab order. Neither: the first sheet.
struct SheetSelector {
  std::string name;
  int index = 0;

  static SheetSelector First() { return {}; }
  static SheetSelector ByName(std::string n) { return {std::move(n), 0}; }
  static SheetSelector ByIndex(int i) { return {"", i}; }
};

class XlsxWorkbook {
 public:
  struct Sheet {
    std::string name;
    std::string part;       // zip entry of its XML; empty when the workbook does not say
    bool worksheet = true;  // false for a chart sheet, which has no cells
    bool hidden = false;
  };

  // Opens `path`; messages name it by base name. Fails when the file is missing, not an .xlsx,
  // over the limits, or its workbook part cannot be read.
  static Result<std::unique_ptr<XlsxWorkbook>> OpenFile(const std::string& path,
                                                        const XlsxOptions& options = {});
  // Opens an .xlsx read from `in` (seekable; owned). `file_name` names it in messages.
  static Result<std::unique_ptr<XlsxWorkbook>> Open(std::unique_ptr<std::istream> in,
                                                    std::string file_name,
                                                    const XlsxOptions& options = {});
  XlsxWorkbook(const XlsxWorkbook&) = delete;
  XlsxWorkbook& operator=(const XlsxWorkbook&) = delete;

  const std::vector<Sheet>& sheets() const { return sheets_; }
  bool date1904() const { return date1904_; }

  // Hands the rows of the chosen sheet to `on_row` in file order (see xlsx_sheet.h for how
  // cells read). A row with an unreadable cell comes out with Row::error set. Fails when the
  // sheet does not exist (the message lists the sheets there are), the file is damaged or over
  // a limit, or `on_row` returns an error (returned as is).
  Status ReadSheet(const SheetSelector& which, const std::function<Status(Row)>& on_row);
  // All rows of the chosen sheet (bounded by the zip limits).
  Result<std::vector<Row>> ReadAllRows(const SheetSelector& which);

 private:
  XlsxWorkbook(std::unique_ptr<GuardedZip> zip, XlsxOptions options);
  Status Load();
  Status LoadSharedData();
  Result<const Sheet*> Select(const SheetSelector& which) const;
  std::string Where(const std::string& part) const;

  std::unique_ptr<GuardedZip> zip_;
  XlsxOptions options_;
  std::string workbook_part_;
  std::string shared_strings_part_;
  std::string styles_part_;
  std::vector<Sheet> sheets_;
  bool date1904_ = false;
  bool shared_loaded_ = false;
  std::vector<std::string> shared_strings_;
  std::vector<NumberKind> styles_;
};

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_XLSX_XLSX_READER_H_
