#include "http/connector_run_cancel.h"

#include <chrono>
#include <optional>
#include <string>

#include "ingest/runtime.h"

namespace onetable {
namespace {

// Rows nobody has updated for this long are forgotten by the next StartProgress (as for
// downloads); a run reports after every batch, so only a dead run's row gets that old.
constexpr int64_t kForgetRowsAfterMs = 30 * 60 * 1000;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string TokenOf(const ImportRun& run) { return std::to_string(run.id); }

}  // namespace

Status StartRunProgress(Store& store, const ImportRun& run) {
  const int64_t now = WallMs();
  ProgressRecord row;
  row.owner = kRunProgressOwner;
  row.token = TokenOf(run);
  row.rows = run.read;
  row.started_ms = now;
  row.updated_ms = now;
  return store.StartProgress(row, now - kForgetRowsAfterMs);
}

Result<bool> ReportRunProgress(Store& store, const ImportRun& run) {
  return store.ReportProgress(kRunProgressOwner, TokenOf(run), run.read, WallMs(), 0);
}

Status EndRunProgress(Store& store, const ImportRun& run) {
  const int64_t now = WallMs();
  Result<bool> reported = store.ReportProgress(kRunProgressOwner, TokenOf(run), run.read, now, now);
  return reported.status();
}

Result<bool> RequestRunCancel(Store& store, const ImportRun& run) {
  if (run.status != kImportRunning) return false;
  ASSIGN_OR_RETURN(std::optional<ProgressRecord> row,
                   store.GetProgress(kRunProgressOwner, TokenOf(run)));
  if (!row || row->ended_ms != 0) return false;
  // The lease's clock is the runtime's default one: Unix seconds.
  ASSIGN_OR_RETURN(std::optional<Lease> lease, store.GetLease(ConnectorLeaseName(run.source)));
  if (!lease || lease->expires_at <= WallMs() / 1000) return false;
  return store.CancelProgress(kRunProgressOwner, TokenOf(run));
}

}  // namespace onetable
