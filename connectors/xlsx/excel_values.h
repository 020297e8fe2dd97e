// How SpreadsheetML stores cell values, turned into the text a worker sees: cell references,
// number formats that make a number a date or time, date serials (1900 and 1904 systems), the
// _xHHHH_ escapes of control characters.
//
// Thread-safety: pure functions; thread-safe.
#ifndef ONETABLE_CONNECTORS_XLSX_EXCEL_VALUES_H_
#define ONETABLE_CONNECTORS_XLSX_EXCEL_VALUES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "onetable/status.h"

namespace onetable::connectors {

// Parses a cell reference such as "C5" or "$AB$12": `*column` 0-based, `*row` 1-based. False when
// it is not a reference (or beyond XFD1048576).
bool ParseCellRef(std::string_view ref, int* column, int64_t* row);

// 0 -> "A", 27 -> "AB".
std::string ColumnName(int column);

// What a number in a cell means, from its number format.
enum class NumberKind { kNumber, kDate, kTime, kDateTime };

// Built-in format ids: 14-17 dates, 18-21 times, 22 date-time, 45-47 times, and the zh-CN
// built-ins (27-31, 36, 50-54, 57, 58 dates; 32-35, 55, 56 times).
NumberKind BuiltinNumberKind(int format_id);

// A custom format code: a date when it has y or d (or m without h or s) outside quotes,
// escapes and [brackets]; a time when it has h or s or AM/PM; both makes a date-time.
NumberKind ClassifyFormatCode(std::string_view code);

// Turns a serial into "YYYY-MM-DD" (kDate), "HH:MM:SS" (kTime) or "YYYY-MM-DD HH:MM:SS"
// (kDateTime; the date alone when the time is midnight). Follows Excel: in the 1900 system
// serial 60 is the fictitious 1900-02-29, and day 1 is 1900-01-01; in the 1904 system day 0 is
// 1904-01-01. Fails (message without location) for negative or out-of-range serials.
Result<std::string> FormatSerial(double serial, NumberKind kind, bool date1904);

// The text of a plain number as Excel's General format shows it: at most 15 significant digits,
// integers without a decimal point or exponent ("12345.0" -> "12345", "1.10101199001011E+17" ->
// "110101199001011000"). Text that is not a number comes back unchanged.
std::string FormatNumber(std::string_view stored);

// Replaces the _xHHHH_ escapes Excel writes for control characters (and _x005F_ for "_").
std::string DecodeOoxmlEscapes(std::string_view text);

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_XLSX_EXCEL_VALUES_H_
