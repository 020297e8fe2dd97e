#include "delivery/delivery_schedule.h"

#include <ctime>
#include <iostream>

namespace onetable {

Actor ScheduleActor() { return Actor{"system:schedule", kAuditRoleOperator, "local", ""}; }

Result<std::vector<DeliveryOutcome>> RunDueDeliveries(Store& store, const AppContext& app,
                                                      const Actor& actor,
                                                      DeliveryRunOptions options) {
  options.only_if_due = true;
  ASSIGN_OR_RETURN(std::vector<DeliveryEntry> all, ListDeliveries(app));
  std::vector<DeliveryOutcome> out;
  const int64_t now = options.clock ? options.clock() : static_cast<int64_t>(std::time(nullptr));
  for (const DeliveryEntry& entry : all) {
    if (!entry.spec || entry.spec->every_seconds <= 0) continue;
    // A first look outside the lease spares taking it for what is plainly not due.
    Result<DeliveryControl> control = store.GetDeliveryControl(entry.id);
    if (control.ok() && !DeliveryDue(*entry.spec, *control, now)) continue;
    out.push_back(RunDelivery(store, app, actor, entry, options));
  }
  return out;
}

DeliveryScheduler::DeliveryScheduler(const AppContext& app, StoreFactory open_store,
                                     std::chrono::milliseconds period,
                                     std::function<void(const DeliveryOutcome&)> on_outcome,
                                     std::function<void()> on_tick)
    : app_(app),
      open_store_(std::move(open_store)),
      period_(period),
      on_outcome_(std::move(on_outcome)),
      on_tick_(std::move(on_tick)),
      thread_([this] { Loop(); }) {}

DeliveryScheduler::~DeliveryScheduler() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int64_t DeliveryScheduler::ticks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ticks_;
}

void DeliveryScheduler::Loop() {
  std::unique_ptr<Store> store;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (wake_.wait_for(lock, period_, [this] { return stop_; })) return;
    }
    if (!store) {
      Result<std::unique_ptr<Store>> opened = open_store_();
      if (opened.ok()) {
        store = std::move(*opened);
      } else {
        std::cerr << "定时推送：无法打开登记库：" << opened.status().message() << "\n";
      }
    }
    if (store) {
      DeliveryRunOptions options;
      options.stopping = [this] {
        std::lock_guard<std::mutex> lock(mu_);
        return stop_;
      };
      Result<std::vector<DeliveryOutcome>> runs =
          RunDueDeliveries(*store, app_, ScheduleActor(), options);
      if (!runs.ok()) {
        std::cerr << "定时推送：" << runs.status().message() << "\n";
        if (runs.status().code() == StatusCode::kUnavailable) store.reset();  // reconnect
      } else {
        for (const DeliveryOutcome& o : *runs) {
          if (!o.ran) continue;
          if (!o.status.ok())
            std::cerr << "定时推送 " << o.delivery << "：" << o.status.message() << "\n";
          if (on_outcome_) on_outcome_(o);
        }
      }
    }
    if (on_tick_) on_tick_();
    std::lock_guard<std::mutex> lock(mu_);
    ++ticks_;
  }
}

}  // namespace onetable
