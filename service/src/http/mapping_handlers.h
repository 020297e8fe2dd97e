// Mappings (department tables, DESIGN.md §6): listing what the caller may run, reading one,
// checking a draft, and previewing on live data.
//
//   GET  /api/v1/mappings?after=ID&limit=        the mappings the caller may run (RequireTable),
//        by id: {"items": [{"id", "title", "department", "purpose", "grain", "columns",
//        "restricted_by"}],
//        "next_after"}; for mapping managers also files that do not check, with "problems"
//   GET  /api/v1/mappings/{department}/{table}   {"id", "title", "department", "purpose",
//        "legal_basis", "grain", "as_of", "restricted_by", "where", "order_by", "subtotal_by",
//        "total", "columns": [{"header", "value", "masked"}]} (+ "yaml", the file, for mapping
//        managers)
//   GET  /api/v1/mappings/{department}/{table}/preview?scope=&as_of=&limit=
//        the first rows (limit 1–200, default 20) as the caller would download them
//   POST /api/v1/mappings/validate               body: a draft's YAML text
//        → {"valid", "id", "title", "problems": [{"file", "line", "column", "message",
//        "text"}]} (200 either way: a draft with problems is a normal answer for an editor)
//   POST /api/v1/mappings/preview?scope=&as_of=&limit=   body: a draft's YAML; 422 with its
//        problems as details when it does not check
// A preview: {"id", "title", "scope", "as_of", "headers", "masked": [headers], "rows":
// [{"cells": [...], "total": bool}], "data_rows", "truncated"}.
//
// Every preview that runs is audited (action "preview", object "table/<id>" or "draft/<id>",
// detail "scope= as_of= rows="), as it shows register rows like a small download.
//
// Access: kRunTables and RequireTable for saved mappings; kManageMappings for drafts. Masking,
// scope and the refusal of tables chosen by sensitive data as in table_access.h; such a table is
// still listed, with "restricted_by" naming the sensitive data the caller lacks (e.g. ["低保"]),
// so the UI can say why it cannot be downloaded.
//
// Thread-safety: the handlers keep no state.
#ifndef ONETABLE_HTTP_MAPPING_HANDLERS_H_
#define ONETABLE_HTTP_MAPPING_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterMappingRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_MAPPING_HANDLERS_H_
