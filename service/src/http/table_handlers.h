// Downloading a generated department table (DESIGN.md §6, §7).
//
//   GET /api/v1/tables/{department}/{table}?format=xlsx|csv|json&scope=CODE&as_of=DATE
//       the whole table as an attachment (format default xlsx): XLSX with title row and frozen
//       header, CSV in UTF-8 with BOM, or a JSON array of objects keyed by header. Errors in the
//       request (format, scope, as_of) come before any byte of the table: 400 / 403 / 404
//       naming the parameter.
//
// Access: kRunTables and RequireTable (departments: only granted mappings); rows limited to the
// caller's scope and columns masked as in table_access.h. Every download, refused or not past
// authentication, is audited (action "download", object "table/<id>", detail "format= scope=
// as_of= rows=").
//
// CSV and JSON are written to the client as rows are generated (HttpResponse::stream): memory
// stays flat however large the table. XLSX is built in a temporary file (libxlsxwriter in
// constant-memory mode writes a file, not a stream) and then copied out. The audit record is
// written once the table is complete and before its last byte is sent; if that fails, or the
// store fails mid-table, the connection is cut so the client sees an incomplete download. A
// table refused for its sensitive row filter (table_access.h) is a 403, audited as refused.
//
// Thread-safety: the handlers keep no state.
#ifndef ONETABLE_HTTP_TABLE_HANDLERS_H_
#define ONETABLE_HTTP_TABLE_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterTableRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_TABLE_HANDLERS_H_
