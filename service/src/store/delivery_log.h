// DeliveryLog: what deliveries (service/src/delivery/) keep in the store — per delivery, the
// batches it planned with their exact content and receipts, the state the target last
// acknowledged (one row hash per key, by key hash), and its control row (paused, last run, last
// success). One of the interfaces Store is made of (store/store.h, which lists the status codes).
//
// At-least-once: a batch is written (AddDeliveryBatch) before it is sent, so a crash leaves it
// 'pending' and the next run sends the same body again under the same seq; AckDeliveryBatch
// marks it 'acked' and applies the state it carries in ONE transaction, so an acknowledged batch
// is never planned or sent again.
//
// Thread-safety: one connection; use it from one thread at a time.
#ifndef ONETABLE_STORE_DELIVERY_LOG_H_
#define ONETABLE_STORE_DELIVERY_LOG_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "onetable/status.h"

namespace onetable {

inline constexpr char kBatchPending[] = "pending";  // planned, not acknowledged (yet)
inline constexpr char kBatchAcked[] = "acked";      // the target acknowledged it
inline constexpr char kBatchFailed[] = "failed";    // the target refused it for good (4xx)

// One planned batch of changes and its receipt.
struct DeliveryBatch {
  int64_t id = 0;
  std::string delivery;  // delivery id
  int64_t seq = 0;       // 1, 2, ... per delivery, never reused (the idempotency key's part)
  std::string status = kBatchPending;
  int64_t upserts = 0;
  int64_t deletes = 0;
  int64_t attempts = 0;     // every attempt to send it, over all runs
  std::string last_status;  // what the last attempt came to (no personal values)
  int response_code = 0;    // the last HTTP status (0: none, or not HTTP)
  std::string created_at;   // "YYYY-MM-DD HH:MM:SS" UTC
  std::string acked_at;     // "" until acknowledged
  std::string body;         // the exact content sent, JSON (empty when listed without it)
  std::string state;        // the key state it brings once acked (delivery/batch_state.h)
};

// What the target holds for one key, as far as onetable knows.
struct DeliveryKeyState {
  std::string key_hash;  // hex digest of the key (the primary key)
  std::string row_hash;  // hex digest of the row last acknowledged
  std::string key;       // the key itself (for a later delete)
  int64_t row_id = 0;    // the grain row (person …) the key's row came from; 0: not known
};

// What a delivery's last completed plan was computed from (delivery/change_scope.h).
struct DeliveryBasis {
  std::string fingerprint;   // mapping, catalog, principal, scope and reference date
  std::string changes_from;  // "YYYY-MM-DD HH:MM:SS" UTC: the next run reads changes from here
  int64_t full_at = 0;       // Unix seconds: the last full recompute
};

// A delivery's control row; a delivery never run has the defaults.
struct DeliveryControl {
  std::string delivery;
  bool paused = false;
  int64_t last_run_at = 0;      // Unix seconds: the last run's end (ok or not); 0: never
  int64_t last_success_at = 0;  // Unix seconds: the last run that ended with nothing pending
  std::string last_error;       // "" after a good run
};

class DeliveryLog {
 public:
  DeliveryLog() = default;
  DeliveryLog(const DeliveryLog&) = delete;
  DeliveryLog& operator=(const DeliveryLog&) = delete;
  virtual ~DeliveryLog() = default;

  // Inserts `batch` with its seq; fills id and created_at. kAlreadyExists when the seq is taken.
  virtual Status AddDeliveryBatch(DeliveryBatch* batch) = 0;
  // The highest seq the delivery has used; 0 when none.
  virtual Result<int64_t> LastDeliverySeq(const std::string& delivery) = 0;
  // The delivery's batches with seq > after_seq in seq order, at most `limit`; `status` ""
  // for every status. `with_body` false leaves body and state empty (receipts lists).
  virtual Result<std::vector<DeliveryBatch>> ListDeliveryBatches(const std::string& delivery,
                                                                 const std::string& status,
                                                                 int64_t after_seq, int limit,
                                                                 bool with_body) = 0;
  // Counts and change totals of the delivery's batches in `status`.
  virtual Result<int64_t> CountDeliveryBatches(const std::string& delivery,
                                               const std::string& status, int64_t* changes) = 0;
  // Records an attempt that was not an acknowledgement: status stays or becomes `status`
  // (pending or failed). kNotFound for an unknown id; kFailedPrecondition when it is acked.
  virtual Status RecordDeliveryAttempt(int64_t batch_id, const std::string& status,
                                       int64_t attempts, const std::string& last_status,
                                       int response_code) = 0;
  // In one transaction: marks the batch acked (acked_at = now) and applies its state — each of
  // `upserts` replaces or adds its key's row, each of `delete_hashes` removes its key. A batch
  // already acked changes nothing (OK).
  virtual Status AckDeliveryBatch(int64_t batch_id, int64_t attempts,
                                  const std::string& last_status, int response_code,
                                  const std::vector<DeliveryKeyState>& upserts,
                                  const std::vector<std::string>& delete_hashes) = 0;
  // Moves the delivery's failed batches back to pending; returns how many.
  virtual Result<int64_t> RetryDeliveryBatches(const std::string& delivery) = 0;

  // Every acknowledged key of the delivery, by row_id and then key_hash (the order receipts are
  // stored in; read in pages, so `visit` may use the store).
  virtual Status ScanDeliveryState(const std::string& delivery,
                                   const std::function<Status(const DeliveryKeyState&)>& visit) = 0;

  // The acknowledged keys of the delivery whose row_id is one of `row_ids` or whose key_hash is
  // one of `key_hashes` (each once), in no particular order. `visit` may use the store.
  virtual Status ScanDeliveryStateFor(const std::string& delivery,
                                      const std::vector<int64_t>& row_ids,
                                      const std::vector<std::string>& key_hashes,
                                      const std::function<Status(const DeliveryKeyState&)>& visit) = 0;
  // How many acknowledged keys of the delivery have no row_id (written before it was kept).
  virtual Result<int64_t> CountDeliveryStateWithoutRow(const std::string& delivery) = 0;
  // The delivery's basis; kNotFound when no plan has completed yet.
  virtual Result<DeliveryBasis> GetDeliveryBasis(const std::string& delivery) = 0;
  virtual Status SetDeliveryBasis(const std::string& delivery, const DeliveryBasis& basis) = 0;

  // The control row (defaults when there is none).
  virtual Result<DeliveryControl> GetDeliveryControl(const std::string& delivery) = 0;
  virtual Status SetDeliveryPaused(const std::string& delivery, bool paused) = 0;
  // Records a run's end: last_run_at = run_at; last_success_at = run_at too when `error` is "".
  virtual Status RecordDeliveryRun(const std::string& delivery, int64_t run_at,
                                   const std::string& error) = 0;
};

}  // namespace onetable

#endif  // ONETABLE_STORE_DELIVERY_LOG_H_
