// The identity data files shipped in schema/identity/, embedded at build time
// (embed_data.cmake), as their raw text. Thread-safe: constant data.
//   PinyinTable:          "字<TAB>reading[,reading...]" per line, toneless, ü as v;
//   SurnameVariantTable:  surnames written for one another, tab-separated, one group a line.
// Lines starting with '#' are comments.
#ifndef ONETABLE_INGEST_LINKAGE_LINKAGE_DATA_H_
#define ONETABLE_INGEST_LINKAGE_LINKAGE_DATA_H_

#include <string_view>

namespace onetable::linkage {

std::string_view PinyinTable();
std::string_view SurnameVariantTable();

}  // namespace onetable::linkage

#endif  // ONETABLE_INGEST_LINKAGE_LINKAGE_DATA_H_
