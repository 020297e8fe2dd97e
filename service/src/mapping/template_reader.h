// A department's blank template (XLSX or CSV, told apart by the file name's extension): its
// first rows, where the header is, for drafting a mapping (template_draft.h). The one reader
// for `onetable mapping draft` and the mapping editor's upload.
//
// Errors: kInvalidArgument naming the file for an unknown extension or a file that does not
// parse; kNotFound for a missing file. Pure apart from reading the file; thread-safe.
#ifndef ONETABLE_MAPPING_TEMPLATE_READER_H_
#define ONETABLE_MAPPING_TEMPLATE_READER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "onetable/status.h"

namespace onetable::mapping {

// A header sits near the top; a blank template is short.
inline constexpr size_t kTemplateRows = 60;

// The first kTemplateRows rows of the template `name` whose content is `bytes`.
Result<std::vector<std::vector<std::string>>> ReadTemplateRows(const std::string& bytes,
                                                               const std::string& name);

// The same for the file at `path`.
Result<std::vector<std::vector<std::string>>> ReadTemplateFile(const std::string& path);

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_TEMPLATE_READER_H_
