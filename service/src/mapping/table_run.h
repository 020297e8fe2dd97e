// Running a department table for someone — the one way for `onetable table` and
// GET /api/v1/tables/{department}/{table}. The caller must be allowed the table
// (AccessPolicy::RequireTable) and the data that chooses its rows (table_access.h); its scope
// and masking apply; and the run is audited in one vocabulary whichever adapter asked: action
// download (preview when only the first rows are asked for), object "table/<id>", detail
// "format=… scope=… as_of=…[ changes_since=…]" and, once complete, " as_of_used=… rows=N"; result ok, denied (a
// refusal) or failed. A refusal is audited when Start finds it; a run when Generate has the
// table complete (or failed) — before the caller sends its last byte, so no download finishes
// without its record.
//
// Thread-safety: one TableRun per request, used by one thread.
#ifndef ONETABLE_MAPPING_TABLE_RUN_H_
#define ONETABLE_MAPPING_TABLE_RUN_H_

#include <cstdint>
#include <string>

#include "access/access.h"
#include "app/context.h"
#include "audit/audit_log.h"
#include "mapping/mapping_spec.h"
#include "mapping/table_access.h"
#include "mapping/table_generator.h"
#include "mapping/table_sink.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

struct TableRunRequest {
  std::string mapping_id;   // "minzheng/gaoling-jintie"
  TableParams params;       // scope and reference date, both optional
  std::string format_name;  // as asked: "xlsx", "csv", "json"; "" for a preview
  int64_t max_rows = 0;     // > 0: a preview of at most that many rows
};

class TableRun {
 public:
  // Checks that `who` may run the table and loads its mapping. A refusal (kPermissionDenied),
  // an unknown table (kNotFound) or a mapping that does not check (kInvalidArgument) is audited
  // and returned; so is an unknown format_name (kInvalidArgument). `app` must outlive the run.
  static Result<TableRun> Start(Store& store, const AppContext& app, const Actor& actor,
                                const Principal& who, TableRunRequest request);

  const mapping::MappingSpec& spec() const { return spec_; }
  // The parameters Generate passes on (a delivery sets only_ids and row_key: table_access.h).
  TableParams& mutable_params() { return request_.params; }
  // The format asked for (CSV for previews).
  mapping::TableFormat format() const { return format_; }

  // Generates the table into `sink` (End included) and audits the outcome.
  Result<mapping::TableResult> Generate(Store& store, mapping::TableSink* sink);

  // Audits a failure before generation began (the sink could not be opened); returns `why`, or
  // the audit's own failure.
  Status Fail(Store& store, const Status& why);

 private:
  TableRun(const AppContext& app, Actor actor, Principal who, TableRunRequest request,
           mapping::MappingSpec spec, mapping::TableFormat format);

  const AppContext* app_;
  Actor actor_;
  Principal who_;
  TableRunRequest request_;
  mapping::MappingSpec spec_;
  mapping::TableFormat format_;
};

// The audit object of a table run: "table/<id>", or "table/invalid" for an id that is not one.
std::string TableAuditObject(const std::string& mapping_id);

}  // namespace onetable

#endif  // ONETABLE_MAPPING_TABLE_RUN_H_
