// DeliveryTarget: where a delivery's batches go — one Send per attempt of one stored batch.
//
//   http   POST the body (the HTTP target contract, README) with Idempotency-Key
//          "<delivery id>:<seq>"; 2xx acknowledges; 408, 429, 5xx, timeouts and dropped
//          connections may be retried (Retry-After read); any other answer refuses the batch.
//   mysql  the department's table: upserts (INSERT … ON DUPLICATE KEY UPDATE on the key column,
//          which must be the table's primary or a unique key) and deletes by key, in one
//          transaction per batch; its commit acknowledges. Unreachable: retried.
//   file   one file per batch, <delivery>-<seq 6 digits>.<json|csv|xlsx>, written to a
//          temporary name and renamed into the drop directory, then manifest.json (also by
//          rename) listing every batch file with its counts and SHA-256; the manifest's rename
//          acknowledges. A receiver reads only files the manifest lists.
//
// Thread-safety: a target is used by one thread (one run).
#ifndef ONETABLE_DELIVERY_DELIVERY_TARGET_H_
#define ONETABLE_DELIVERY_DELIVERY_TARGET_H_

#include <cstdint>
#include <memory>
#include <string>

#include "delivery/delivery_spec.h"
#include "onetable/status.h"
#include "store/delivery_log.h"

namespace onetable {

struct SendResult {
  enum Kind { kAcked, kRetry, kRefused };
  Kind kind = kRetry;
  int code = 0;                 // HTTP status; 0 when there was none
  std::string message;          // Chinese, for the receipt and the operator; no personal values
  int64_t retry_after_ms = -1;  // the server's Retry-After, when it sent one
};

class DeliveryTarget {
 public:
  DeliveryTarget() = default;
  DeliveryTarget(const DeliveryTarget&) = delete;
  DeliveryTarget& operator=(const DeliveryTarget&) = delete;
  virtual ~DeliveryTarget() = default;

  // One attempt to deliver `batch` (its stored body, unchanged). Never throws.
  virtual SendResult Send(const std::string& delivery_id, const DeliveryBatch& batch) = 0;
};

// The target for a resolved spec (delivery_spec.h ResolveTarget); `key` is the key column's
// header. kInvalidArgument for a bad option (a mysql URL that does not parse, an https URL
// without TLS support).
Result<std::unique_ptr<DeliveryTarget>> OpenDeliveryTarget(const DeliveryTargetSpec& target,
                                                           const std::string& key);

// Retry-After as milliseconds from `now` (Unix seconds): delta-seconds or an HTTP date; -1 when
// absent or unreadable.
int64_t ParseRetryAfter(const std::string& value, int64_t now);

// The wait before retry number `retry` (1 for the first): delay_ms * 2^(retry-1), capped at
// max_delay_ms, with "equal jitter" (a random point in its upper half, from `random01` in
// [0, 1)); a Retry-After longer than that wins, capped at max_delay_ms too.
int64_t RetryDelayMs(const RetrySpec& retry, int attempt, int64_t retry_after_ms, double random01);

}  // namespace onetable

#endif  // ONETABLE_DELIVERY_DELIVERY_TARGET_H_
