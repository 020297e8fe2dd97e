// The schedule: deliveries with `schedule: every N…` run when due. RunDueDeliveries runs every
// due one once (`onetable deliver` without an id, and each tick of `serve`'s scheduler); the due
// check reads the last run time from the store and is made again inside the delivery's run
// lease (delivery_run.h), so instances sharing one store never both run a delivery, and a
// restart does not forget when it last ran.
//
// DeliveryScheduler is `serve`'s background loop: a thread that ticks every `period` with a
// store of its own, and stops (finishing the run under way) when destroyed.
//
// Thread-safety: RunDueDeliveries as RunDelivery; DeliveryScheduler's methods from any thread.
#ifndef ONETABLE_DELIVERY_DELIVERY_SCHEDULE_H_
#define ONETABLE_DELIVERY_DELIVERY_SCHEDULE_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "app/context.h"
#include "audit/audit_log.h"
#include "delivery/delivery_run.h"
#include "store/store.h"

namespace onetable {

// The actor of scheduled runs in the audit log.
Actor ScheduleActor();

// Runs each valid, scheduled, unpaused delivery that is due (`options.only_if_due` is set).
// Problems of single deliveries are in their outcomes; the error is the directory's.
Result<std::vector<DeliveryOutcome>> RunDueDeliveries(Store& store, const AppContext& app,
                                                      const Actor& actor,
                                                      DeliveryRunOptions options);

class DeliveryScheduler {
 public:
  // `app` must outlive the scheduler; `on_outcome` (may be empty) sees every run that ran,
  // `on_tick` (may be empty) every look for due deliveries once it is over.
  DeliveryScheduler(const AppContext& app, StoreFactory open_store,
                    std::chrono::milliseconds period,
                    std::function<void(const DeliveryOutcome&)> on_outcome,
                    std::function<void()> on_tick = {});
  DeliveryScheduler(const DeliveryScheduler&) = delete;
  DeliveryScheduler& operator=(const DeliveryScheduler&) = delete;
  ~DeliveryScheduler();  // stops and joins

  // Ticks run so far (tests wait on it).
  int64_t ticks() const;

 private:
  void Loop();

  const AppContext& app_;
  StoreFactory open_store_;
  std::chrono::milliseconds period_;
  std::function<void(const DeliveryOutcome&)> on_outcome_;
  std::function<void()> on_tick_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  int64_t ticks_ = 0;
  std::thread thread_;
};

}  // namespace onetable

#endif  // ONETABLE_DELIVERY_DELIVERY_SCHEDULE_H_
