// ExpandGlob: the files a connector reads, from a pattern such as "exports/dibao-*.csv".
//
// Thread-safety: thread-safe (glob(3) keeps no shared state).
#ifndef ONETABLE_CONNECTORS_COMMON_FILE_GLOB_H_
#define ONETABLE_CONNECTORS_COMMON_FILE_GLOB_H_

#include <string>
#include <vector>

#include "onetable/status.h"

namespace onetable::connectors {

// Expands `pattern` (glob(3) syntax: *, ?, [...]) relative to `base_dir` (ignored when the
// pattern is absolute). Returns the matching regular files, sorted bytewise so the read order
// does not depend on the locale. No match is an empty list, not an error: the caller decides
// whether an empty export directory is a problem. Fails when a directory cannot be read.
Result<std::vector<std::string>> ExpandGlob(const std::string& base_dir,
                                            const std::string& pattern);

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_COMMON_FILE_GLOB_H_
