// Running one delivery — the one way for `onetable deliver`, `serve`'s schedule and
// POST /api/v1/deliveries/{id}/run. A run:
//
//   1. takes the store run lease "delivery:<id>" (IngestLog::AcquireLease), so one run of a
//      delivery goes at a time across processes and instances; held by another live run:
//      nothing happens and the run is kBusy naming the holder. The lease is renewed between
//      attempts and during waits, and released at the end. With only_if_due (the schedule) the
//      due check is made again inside the lease, from the control row in the store, so two
//      instances that both saw it due run it once;
//   2. refuses to go on while a batch is 'failed' (the target refused it: fix, then retry) or
//      the delivery is paused;
//   3. sends again every 'pending' batch (planned by an earlier run that crashed, was killed or
//      gave up), in seq order, with its stored body and the same Idempotency-Key;
//   4. generates the mapping's table — as `account` (its grants, scope and masks) when the
//      delivery names one, else as the operator, exactly as `onetable table` would (TableRun:
//      audited as a download) — compares it with the acknowledged state and plans the changes
//      (change_planner.h). After a completed plan, only the rows of the persons whose inputs
//      changed since are generated, when the change tracking can tell (change_scope.h); the
//      plan is the same as a full one's. Each batch is stored (pending) BEFORE it is sent, then sent with
//      retries: exponential backoff with jitter, Retry-After honoured, up to retry.attempts; an
//      acknowledged batch is marked acked and its state applied in one transaction;
//   5. records the run's end in the control row and audits it as delivery_run on
//      "delivery/<id>" (result ok or failed, detail counts; "not started: …" when nothing ran).
//
// Outcome status: OK; kInvalidArgument / kNotFound (bad config: spec, target, account, mapping;
// CLI exit 2); kPermissionDenied (the account may not run the table: exit 2); kUnavailable (the
// target could not be reached after the retries: exit 3); kBusy (exit 4); kFailedPrecondition (a
// batch the target refused blocks the delivery: exit 1); or the store's error.
//
// Thread-safety: one run per Store (a Store is one connection); any thread.
#ifndef ONETABLE_DELIVERY_DELIVERY_RUN_H_
#define ONETABLE_DELIVERY_DELIVERY_RUN_H_

#include <cstdint>
#include <functional>
#include <string>

#include "app/context.h"
#include "audit/audit_log.h"
#include "delivery/delivery_entries.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

struct DeliveryRunOptions {
  bool only_if_due = false;  // the schedule: run only when due (checked inside the lease)
  int64_t lease_ttl_seconds = 60;
  std::string lease_holder;        // "": "<host>:<pid>:<random>"
  std::function<int64_t()> clock;  // Unix seconds; empty: the system clock
  // Waits between attempts; empty: sleeps (renewing the lease). Tests record the delays.
  std::function<void(int64_t ms)> sleep;
  // After an attempt that is not an acknowledgement, before the wait (`delay_ms`, -1: no retry).
  std::function<void(const DeliveryBatch& batch, const std::string& message, int64_t delay_ms)>
      on_retry;
  // Polled during waits: true stops the run before its next attempt (`serve` shutting down).
  std::function<bool()> stopping;
  // After a batch is stored and before it is first sent in this run.
  std::function<void(const DeliveryBatch& batch)> on_stored;
  // Recompute the whole table even when the change tracking could answer (`deliver --full`).
  bool full = false;
  // At most this many persons regenerated incrementally; more: a full recompute.
  // (Bound as one IN list in the scan: under SQLite's 32766 parameters.)
  size_t incremental_limit = 20000;
};

struct DeliveryOutcome {
  Status status;
  std::string delivery;
  bool ran = false;  // false: not due, paused, busy, or bad config before anything ran
  bool paused = false;
  bool incremental = false;  // only the changed persons' rows were generated (change_scope.h)
  std::string full_reason;   // why not, when a plan was made
  int64_t rows = 0;       // rows of the generated table (incremental: of the changed persons)
  int64_t unchanged = 0;  // rows the target already has
  int64_t upserts = 0;    // changes acknowledged in this run (resent batches included)
  int64_t deletes = 0;
  int64_t batches = 0;         // batches acknowledged in this run
  int64_t resent = 0;          // of them, batches planned by an earlier run
  int64_t attempts = 0;        // sends in this run
  int64_t blank_keys = 0;      // rows skipped for an empty or masked key
  int64_t failed_batches = 0;  // refused by the target (now or before)
};

std::string DeliveryLeaseName(const std::string& id);    // "delivery:<id>"
std::string DeliveryAuditObject(const std::string& id);  // "delivery/<id>"

DeliveryOutcome RunDelivery(Store& store, const AppContext& app, const Actor& actor,
                            const DeliveryEntry& entry, const DeliveryRunOptions& options);

// Whether a delivery with `spec` and `control` is due at `now` (scheduled, not paused, and its
// interval has passed since the last run).
bool DeliveryDue(const DeliverySpec& spec, const DeliveryControl& control, int64_t now);

}  // namespace onetable

#endif  // ONETABLE_DELIVERY_DELIVERY_RUN_H_
