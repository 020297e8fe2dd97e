// Cancelling a connector run from any instance over one store. The cancel request lives in the
// store, in the same progress rows table downloads use (store/progress_store.h): a run started
// through the API gets a row (owner kRunProgressOwner, token its run id) when its first batch is
// committed; the run reports its rows there after every batch and reads the row's cancel flag
// back, so POST /api/v1/runs/{id}/cancel on any instance reaches the one running the import,
// which stops after its current batch.
//
// A run counts as running while its row has not ended, the run is still 'running' in the store
// and its source's run lease (ingest/runtime.h) is held: a run whose instance died is not
// running once its lease has expired.
//
// Thread-safety: free functions over the Store given (one thread at a time per Store).
#ifndef ONETABLE_HTTP_CONNECTOR_RUN_CANCEL_H_
#define ONETABLE_HTTP_CONNECTOR_RUN_CANCEL_H_

#include <cstdint>

#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

// Not a possible account name (those start with a letter or digit), so no download's owner.
inline constexpr char kRunProgressOwner[] = "#connector-run";

// Writes the row of `run` (run.id != 0), not cancelled. Call on the run's thread once its first
// batch is committed, before anyone is told the run's id.
Status StartRunProgress(Store& store, const ImportRun& run);

// After a committed batch: writes the rows read so far; true when a cancel was requested.
// kNotFound when the row is gone.
Result<bool> ReportRunProgress(Store& store, const ImportRun& run);

// When the run has ended, however it ended: the row says so, and cancels are refused after.
Status EndRunProgress(Store& store, const ImportRun& run);

// Asks the run to stop after its current batch: true when it is running (see above) and now
// marked, false when it is not running on any instance.
Result<bool> RequestRunCancel(Store& store, const ImportRun& run);

}  // namespace onetable

#endif  // ONETABLE_HTTP_CONNECTOR_RUN_CANCEL_H_
