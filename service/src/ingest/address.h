// Normalized addresses: the key households and buildings are matched on when no 户号 or
// building code is known. Departments write the same place many ways ("清江大道８８号３栋",
// "清江大道 88号 3幢", "清江大道88号三栋"); the normal form folds these together:
//   - full-width ASCII (０-９, Ａ-Ｚ, －, ＃) to half-width, letters upper-cased
//   - blanks removed (ASCII, full-width U+3000, no-break)
//   - 幢, 号楼, 栋楼, and 座 / # after a number, to 栋; traditional 單 棟 號 to simplified
//   - Chinese numerals up to 99 before 栋 / 单元 / 号 / 层 / 室 to digits (三栋 → 3栋)
//   - "-" between numbers kept, trailing 室 dropped (501室 = 501)
// Pure; thread-safe.
#ifndef ONETABLE_INGEST_ADDRESS_H_
#define ONETABLE_INGEST_ADDRESS_H_

#include <string>
#include <string_view>

namespace onetable {

std::string NormalizeAddress(std::string_view address);

}  // namespace onetable

#endif  // ONETABLE_INGEST_ADDRESS_H_
