// The text functions of the mapping language that shape what a department sees in a cell:
// mask() and format_date(). Pure; thread-safe.
#ifndef ONETABLE_EXPR_CELL_FUNCTIONS_H_
#define ONETABLE_EXPR_CELL_FUNCTIONS_H_

#include <string>

#include "model/catalog.h"
#include "model/date.h"

namespace onetable::expr {

// Hides the middle of a personal value.
//   ID numbers and phones (by catalog type `hint`, or by shape: 8+ ASCII digits, X allowed):
//     keep the first 3 and last 4 characters: 110101194912310021 → 110***********0021,
//     13812345678 → 138****5678.
//   Anything else (names, addresses): keep the first character: 张三丰 → 张**.
// Empty stays empty.
std::string MaskText(const std::string& text, FieldType hint);

// Formats `date` by `pattern`: YYYY year, YY two-digit year, MM / DD zero-padded month / day,
// M / D unpadded; every other character is copied. 'YYYY年MM月DD日' → 2024年06月30日.
std::string FormatDatePattern(const Date& date, const std::string& pattern);

}  // namespace onetable::expr

#endif  // ONETABLE_EXPR_CELL_FUNCTIONS_H_
