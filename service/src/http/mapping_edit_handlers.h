// What the web UI's mapping editor and table page need beyond mapping_handlers.h: reading a
// mapping's file with a version, saving an edited mapping, drafting one from a department's
// blank template, and the entry-savings figure of a table.
//
//   GET  /api/v1/mappings/{department}/{table}/source          (kManageMappings)
//        → {"id", "exists", "yaml"} with ETag: "<hash of the file>" (yaml "" when absent)
//   PUT  /api/v1/mappings/{department}/{table}                 (kManageMappings)
//        body: the mapping's YAML text. If-Match with the source's ETag is required when the
//        file exists (428 without it, 412 with the current ETag when someone saved since);
//        none is needed to create a new one. The text is checked exactly as POST
//        /mappings/validate checks a draft, and its id must be the one in the path: 422 with
//        one detail per problem ("<id>.yaml:line:col: message") otherwise, and nothing is
//        written. The file is replaced atomically. → {"id", "created"} with the new ETag.
//        Audited (mapping_change, "mapping/<id>").
//   POST /api/v1/mappings/draft?name=FILE.xlsx|FILE.csv&title=   (kManageMappings)
//        body: the template file's bytes. → {"title", "header_row", "columns": [{"header",
//        "column", "value"}], "unmatched": [{"header", "column"}], "yaml"}; 422 when no row
//        looks like a header, 400 for another file type or a damaged file.
//   GET  /api/v1/savings/{department}/{table}?scope=&as_of=     (kRunTables, RequireTable)
//        → {"id", "data_rows", "cells", "register_cells"}: of the table's body cells, how many
//        the register filled (mapping/table_rows.h), for the caller's scope.
//
// Thread-safety: saves are serialised by a process-wide lock so that the version check and the
// write of one mapping cannot interleave with another save; the rest keeps no state.
#ifndef ONETABLE_HTTP_MAPPING_EDIT_HANDLERS_H_
#define ONETABLE_HTTP_MAPPING_EDIT_HANDLERS_H_

#include <string>

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterMappingEditRoutes(Router* router, const ServiceContext& service);

// The ETag of a mapping file's content: a quoted hex digest.
std::string MappingETag(const std::string& content);

}  // namespace onetable

#endif  // ONETABLE_HTTP_MAPPING_EDIT_HANDLERS_H_
