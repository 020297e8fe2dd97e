// The connector runtime: runs one connector instance against the register.
//
//   1. checks the spec's options against the plugin's declarations, finds the `place` grid;
//   2. takes the source's run lease "connector:<source id>" (IngestLog::AcquireLease), so one
//      run of a source goes at a time across processes and instances. Held by another live run:
//      nothing is written and Run is kBusy, naming the holder and since when. Once held, a run
//      of the source still 'running' is dead (its holder let the lease expire) and is marked
//      'interrupted' in the first batch. The lease is renewed between batches (before each is
//      written) and during long reads, at most once per clock second, and released at the end,
//      failed or not; a renewal that finds the lease taken over (this run stalled past its
//      expiry) stops the run before it writes another batch: failed, kBusy;
//   3. opens the connector with the cursor saved after the last committed batch;
//   4. reads batches of at most batch_size records; for each batch, in ONE store transaction:
//      rejected rows and records with bad values go to quarantine (file, row, column, reason);
//      a record whose content hash is unchanged is skipped; others go through identity
//      resolution, survivorship, provenance and tags (RecordApplier); then the connector's new
//      cursor and the run's counts are written. A crash or kill between batches loses nothing
//      committed and leaves no half batch; the next run continues from the cursor. A batch the
//      database rolled back to break a deadlock (kAborted) is run again, kBatchAttempts times in
//      all; still kAborted then, the run fails with kAborted (the CLI's exit 3: try again);
//   5. marks the run done (or failed, with the reason).
// A bad config or an unreachable source detected before the first batch aborts with nothing
// written at all: kInvalidArgument (bad config) or kUnavailable (unreachable). A failure after
// batches were committed keeps them and marks the run failed.
//
// The run report counts source rows: read = new + updated + unchanged + rejected; `linked`
// counts the updated rows that attached to an existing golden record for the first time;
// `review` counts the review items the run opened (possible duplicates and conflicts). A row
// whose record key repeats within one run (two rows with the same ID number) is rejected.
//
// Nothing a source sends is dropped without a word: each mapped value lands, or its row is
// quarantined, or the run counts the row under a named problem. `problems` counts rows per kind
// (a row counts once per kind):
//   quarantined (also in `rejected`): invalid_value (an ID number, date, phone … that does not
//     validate), unknown_code (neither in the code map nor the code table), transform_failed (a
//     `value` expression that cannot be evaluated, e.g. a date not in its stated format),
//     inconsistent_value (an ID number against the birth date or gender given), tag_rule_failed,
//     place_unresolved (placement.h), missing_required (a new row lacks a required field),
//     empty_row, duplicate_in_run, unreadable_row (the connector could not read the row);
//   landed, with a value lost: unplaced (the row named a household that does not exist and
//     nothing to create it in: the person has none), place_mismatch (the household found by
//     户号 lies in another grid, building or room than the row says), missing_column (the source lacks a mapped
//     column, or one a transform reads: also a warning naming it).
//
// Thread-safety: one import at a time per Store (a Store is one connection).
#ifndef ONETABLE_INGEST_RUNTIME_H_
#define ONETABLE_INGEST_RUNTIME_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ingest/connector_spec.h"
#include "ingest/plugin_loader.h"
#include "model/validation.h"
#include "store/store.h"

namespace onetable {

inline constexpr int kBatchAttempts = 8;

struct ImportOptions {
  size_t batch_size = 0;  // 0: the spec's batch_size
  // Called after each committed batch with the run so far, and with the plugin's progress.
  std::function<void(const ImportRun& run)> on_batch;
  std::function<void(int64_t done, int64_t total)> on_progress;
  // Asked after each committed batch: true stops the run there (failed, "运行已取消"); the
  // batches committed stay, and the next run goes on from their cursor.
  std::function<bool()> cancelled;
  // The run lease: how long it holds without a renewal, the clock (Unix seconds; empty: the
  // system clock) and the holder id (empty: "<host>:<pid>:<random>", unique to this run).
  int64_t lease_ttl_seconds = 60;
  std::function<int64_t()> clock;
  std::string lease_holder;
};

// The lease a connector run of `source_id` takes.
std::string ConnectorLeaseName(const std::string& source_id);

struct ImportResult {
  ImportRun run;
  std::vector<std::string> warnings;  // e.g. mapped columns the source never had
};

class Importer {
 public:
  // All must outlive the importer.
  Importer(Store* store, const Catalog& catalog, const Validator& validator);

  // Runs `spec` through `plugin`. On failure the Status says why; `*partial` (if given) gets the
  // run as far as it was committed.
  Result<ImportResult> Run(const ConnectorSpec& spec, const ConnectorPlugin& plugin,
                           const ImportOptions& options, ImportRun* partial = nullptr);

 private:
  Store* store_;
  const Catalog& catalog_;
  const Validator& validator_;
};

// Named problems of the run report (see above; the record mapper and applier name theirs).
inline constexpr char kProblemMissingColumn[] = "missing_column";
inline constexpr char kProblemEmptyRow[] = "empty_row";
inline constexpr char kProblemDuplicateInRun[] = "duplicate_in_run";
inline constexpr char kProblemUnreadableRow[] = "unreadable_row";

// The run report as one JSON object: {"source", "status", "run_id", "read", "new", "updated",
// "unchanged", "linked", "review", "rejected", "problems": {kind: rows}[, "error"][, "warnings"]}.
std::string ImportReportJson(const ImportRun& run, const std::vector<std::string>& warnings,
                             const std::string& error);

}  // namespace onetable

#endif  // ONETABLE_INGEST_RUNTIME_H_
