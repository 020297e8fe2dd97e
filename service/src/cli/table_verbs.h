// The mapping verbs of `onetable` (exit codes as in verbs.h):
//   table MAPPING_ID [--scope CODE] [--as-of DATE] [--format xlsx|csv|json] [-o FILE]
//         [--preview N] [--savings]
//   mapping draft TEMPLATE.xlsx|.csv [--title T] [-o FILE]
// and the mapping half of `check`.
//
// A mapping id is "department/table" and names mappings/<department>/<table>.yaml. The format
// comes from --format, else from -o's extension, else CSV on stdout. Bad input (the mapping, the
// as_of, the scope) is reported before anything is written, with file:line:col or the parameter
// name, exit 1; a file output appears only when the whole table was written.
#ifndef ONETABLE_CLI_TABLE_VERBS_H_
#define ONETABLE_CLI_TABLE_VERBS_H_

#include <ostream>
#include <string>
#include <vector>

#include "app/config.h"
#include "model/catalog.h"

namespace onetable {

int RunTable(const Config& config, const std::vector<std::string>& args);
int RunMapping(const Config& config, const std::vector<std::string>& args);

// Loads and checks every mapping under `dir` (recursively, *.yaml) against `catalog`: the spec
// itself, that its id matches its path, and that its order_by can be sorted by the store.
// Writes one "file:line:col: message" line per problem to `out`; returns the number of files
// with problems and sets *checked to the number of files read.
int CheckMappings(const Catalog& catalog, const std::string& dir, std::ostream& out, int* checked);

// Usage lines for the mapping verbs, for the main usage text.
extern const char kTableUsage[];

}  // namespace onetable

#endif  // ONETABLE_CLI_TABLE_VERBS_H_
