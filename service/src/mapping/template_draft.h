// Template to mapping: turns the rows of a department's blank template (an XLSX or CSV it sends
// the community) into a draft mapping YAML, by matching its column headers against the catalog's
// labels and aliases. Pure: the caller reads the file (connectors' readers) and writes the draft.
//
// The header row is the row, among the first 30, whose cells match the most catalog names (title
// rows, dates and notes above it match none); a merged header cell shows in its first column
// only, so empty header cells are skipped. A title row above it (one non-empty cell) becomes the
// draft's title unless one is given. Each header becomes a column:
//   序号 / 编号                → row_number()
//   a person field            → the field (code fields through label(), e.g. label(gender))
//   a field up the tree       → household.address, grid.name, community.name, …
//   户主 + a person field      → household.head.<field> (户主姓名 → household.head.name)
//   a tag attribute           → tag(<tag>).<attr> (codes through label())
// Headers are compared after removing blanks and line breaks inside them and folding full-width
// characters. A header that matches nothing is listed in `unmatched` and left in the draft as a
// commented placeholder.
//
// Thread-safety: pure; thread-safe.
#ifndef ONETABLE_MAPPING_TEMPLATE_DRAFT_H_
#define ONETABLE_MAPPING_TEMPLATE_DRAFT_H_

#include <string>
#include <vector>

#include "model/catalog.h"
#include "onetable/status.h"

namespace onetable::mapping {

struct DraftColumn {
  std::string header;  // as found (trimmed)
  int column = 0;      // 1-based position in the template
  std::string value;   // the expression; empty when unmatched
};

struct MappingDraft {
  std::string title;
  int header_row = 0;  // 1-based index into the rows given
  std::vector<DraftColumn> columns;
  std::vector<DraftColumn> unmatched;
  std::string yaml;
};

// `rows`: the template's rows from the top (cells as text). `source` names the template in the
// draft's comment and in errors; `title` overrides the detected title. Fails (kInvalidArgument)
// when no row looks like a header.
Result<MappingDraft> DraftMapping(const Catalog& catalog,
                                  const std::vector<std::vector<std::string>>& rows,
                                  const std::string& source, const std::string& title);

// The value expression for one header, or "" when it matches nothing.
std::string MatchColumn(const Catalog& catalog, const std::string& header);

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_TEMPLATE_DRAFT_H_
