// The retention purge as a use case: `onetable purge` and `serve`'s retention job. Takes the
// "retention" run lease in the store (so instances sharing one store do not purge at once),
// purges with a connection of its own (retention/retention.h), and appends one audit record
// (action "retention_purge", object "retention") whenever it removed anything or was asked by an
// operator. RetentionScheduler is `serve`'s loop: a purge when it starts, then every `period`.
//
// Thread-safety: RunRetention as its store; the scheduler's methods from any thread.
#ifndef ONETABLE_RETENTION_RETENTION_RUN_H_
#define ONETABLE_RETENTION_RETENTION_RUN_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "app/context.h"
#include "audit/audit_log.h"
#include "retention/retention.h"
#include "store/store.h"

namespace onetable {

inline constexpr char kAuditRetentionPurge[] = "retention_purge";

struct RetentionRequest {
  std::string store_url;  // for the purge's own connection
  int days = 180;
  bool dry_run = false;
  bool audit_nothing = true;  // audit even a purge that removed nothing (the CLI)
  int64_t now = 0;            // Unix seconds; 0: the clock
};

// kBusy naming the holder when another instance is purging.
Result<RetentionCounts> RunRetention(Store& store, const Actor& actor, const RetentionRequest& r);

class RetentionScheduler {
 public:
  RetentionScheduler(StoreFactory open_store, RetentionRequest request,
                     std::chrono::milliseconds period);
  RetentionScheduler(const RetentionScheduler&) = delete;
  RetentionScheduler& operator=(const RetentionScheduler&) = delete;
  ~RetentionScheduler();  // stops and joins (a purge under way ends after its batch)

  int64_t ticks() const;

 private:
  void Loop();
  StoreFactory open_store_;
  RetentionRequest request_;
  std::chrono::milliseconds period_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  int64_t ticks_ = 0;
  std::thread thread_;
};

}  // namespace onetable

#endif  // ONETABLE_RETENTION_RETENTION_RUN_H_
