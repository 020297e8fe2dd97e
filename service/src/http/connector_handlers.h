// Connectors to departmental systems and their import runs (DESIGN.md §5), for admins.
//
//   GET  /api/v1/connectors?after=ID&limit=     the connector YAML files of the configured
//        directory, by id: {"items": [{"id", "title", "type", "trust", "entity", "file",
//        "valid", "problems": ["file:line:col: …"]}], "next_after": id | null}
//   POST /api/v1/connectors/{id}/run            runs the connector now, in this request (like
//        `onetable import`), and answers its report: {"source", "status", "run_id", "read",
//        "new", "updated", "unchanged", "linked", "review", "rejected"[, "error"][,
//        "warnings"]}. 200 when the run finished (even with rejected rows); a run that failed
//        after starting answers 200 with status "failed" and the error. A connector whose file
//        is invalid is 422 with its file:line:col problems; a missing plugin 422; an unreachable
//        source 503; a run of the same connector already in progress in this server 409.
//        Each listed connector whose file checks also says whether it can run now: "runnable",
//        and "not_runnable": the reasons when not (a missing plugin, an option that does not
//        resolve — a ${NAME} whose environment variable is unset).
//   POST /api/v1/runs/{run_id}/cancel           stops a run of this server after its current
//        batch: 202; the run ends failed with "运行已取消" (committed batches stay, the next run
//        goes on from their cursor). 409 when the run is not running here. Audited.
//   GET  /api/v1/connectors/{id}/runs?after=&limit=   its runs, oldest first
//   GET  /api/v1/runs/{run_id}                  one run: {"id", "source", "title", "type",
//        "spec_file", "status", "started_at", "finished_at", counts..., "message"}
//   GET  /api/v1/runs/{run_id}/quarantine?after=&limit=   the run's rejected rows:
//        {"id", "location", "row", "column", "reason", "raw"?, "created_at"}; "raw" (the row as
//        read, which may hold any field) only for callers who see every field unmasked.
//
// Access: kManageConnectors. Runs are audited (action "connector_run", object
// "connector/<id>", the run id and counts as detail).
//
// Thread-safety: handlers share one registry of connectors being run (locked).
#ifndef ONETABLE_HTTP_CONNECTOR_HANDLERS_H_
#define ONETABLE_HTTP_CONNECTOR_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

Status RegisterConnectorRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_CONNECTOR_HANDLERS_H_
