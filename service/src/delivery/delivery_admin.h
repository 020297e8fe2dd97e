// What an admin sees of and does to deliveries, for the CLI and the API alike: each delivery's
// state (paused, last run, last success, last error, pending batches and their changes, refused
// batches, acknowledged keys), its receipts, and pause / resume / retry — each change audited as
// delivery_change on "delivery/<id>" (detail "pause", "resume", "retry batches=N").
//
// Thread-safety: functions over the Store given (one thread).
#ifndef ONETABLE_DELIVERY_DELIVERY_ADMIN_H_
#define ONETABLE_DELIVERY_DELIVERY_ADMIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "app/context.h"
#include "audit/audit_log.h"
#include "delivery/delivery_entries.h"
#include "store/store.h"

namespace onetable {

struct DeliveryState {
  DeliveryControl control;
  int64_t pending_batches = 0;
  int64_t pending_changes = 0;  // upserts + deletes planned and not yet acknowledged
  int64_t failed_batches = 0;
  int64_t failed_changes = 0;
  int64_t acked_batches = 0;
  bool running = false;  // a run holds the lease now
  std::string running_holder;
};

Result<DeliveryState> ReadDeliveryState(Store& store, const std::string& id, int64_t now);

enum class DeliveryAction { kPause, kResume, kRetry };

// Pauses, resumes, or moves refused batches back to pending (they are sent by the next run);
// returns how many batches a retry moved (0 otherwise). kNotFound for an unknown delivery.
Result<int64_t> ChangeDelivery(Store& store, const AppContext& app, const Actor& actor,
                               const std::string& id, DeliveryAction action);

}  // namespace onetable

#endif  // ONETABLE_DELIVERY_DELIVERY_ADMIN_H_
