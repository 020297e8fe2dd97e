// HeaderedTable: finds the header row in a stream of rows and shapes the data rows after it.
//
// Departments put titles ("XX社区低保花名册"), dates and blank lines above the real header, so
// the header is either named by its row number or found as the first row in which at least
// `min_matches` cells are known column names (or a caller's predicate says yes). Rows before the
// header are skipped; rows after it are checked against the header's width. CSV and XLSX share
// this so both count and report rows the same way.
//
// Thread-safety: not thread-safe; one instance per file being read.
#ifndef ONETABLE_CONNECTORS_COMMON_HEADER_ROW_H_
#define ONETABLE_CONNECTORS_COMMON_HEADER_ROW_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/row.h"
#include "onetable/status.h"

namespace onetable::connectors {

struct HeaderSpec {
  // > 0: the header is the row with this number (CSV: physical line; XLSX: row number).
  int64_t row_number = 0;
  // Otherwise: the first row with at least `min_matches` cells equal to one of these (compared
  // after NormalizeHeaderCell), or for which `predicate` returns true when it is set.
  std::vector<std::string> known_names;
  size_t min_matches = 2;
  std::function<bool(const std::vector<std::string>& cells)> predicate;
  // How many non-blank rows to look at before giving up (a header is near the top).
  size_t max_scan_rows = 100;
};

// Trims ASCII whitespace, full-width spaces (U+3000), no-break spaces (U+00A0) and a stray BOM
// from both ends. Header cells typed by hand often carry them.
std::string NormalizeHeaderCell(std::string_view cell);

// A plausible header row for departmental exports: at least two filled cells and none that reads
// as a number or a date (data rows carry ID numbers, dates, amounts; titles fill one cell).
bool LooksLikeHeader(const std::vector<std::string>& cells);

// Counts the cells of `cells` that are (after normalizing) one of `known_names`.
size_t CountKnownHeaderCells(const std::vector<std::string>& cells,
                             const std::vector<std::string>& known_names);

// True when every cell is empty or whitespace.
bool IsBlankRow(const std::vector<std::string>& cells);

class HeaderedTable {
 public:
  enum class RowKind {
    kSkipped,  // blank, or above the header: not data
    kHeader,   // the header row; header() is now set
    kData,     // a data row, shaped to the header's width (or with row.error set)
  };

  // `source_name` names the file in messages. `pad_short_rows`: a row shorter than the header is
  // padded with empty cells (XLSX leaves trailing empty cells out) instead of being an error (a
  // CSV record with too few fields is ragged).
  HeaderedTable(HeaderSpec spec, std::string source_name, bool pad_short_rows);

  // Classifies the next row (in file order). For data rows, trailing empty cells past the header
  // are dropped, and a row with the wrong number of cells gets `row->error` (unless it already
  // has one). Fails when the header was not found within the allowed rows, or a fixed header row
  // number was passed without seeing it.
  Result<RowKind> Accept(Row* row);

  // Call at end of input: fails when no header was found.
  Status Finish() const;

  bool header_found() const { return header_found_; }
  int64_t header_row_number() const { return header_row_number_; }
  // Normalized header cells; empty until the header is found.
  const std::vector<std::string>& header() const { return header_; }

 private:
  Status NotFound() const;

  HeaderSpec spec_;
  std::string source_name_;
  bool pad_short_rows_;
  bool header_found_ = false;
  int64_t header_row_number_ = 0;
  size_t scanned_ = 0;
  std::vector<std::string> header_;
};

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_COMMON_HEADER_ROW_H_
