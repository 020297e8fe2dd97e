#include "app/background_jobs.h"

#include <utility>

namespace onetable {

BackgroundJobs::~BackgroundJobs() {
  std::list<Job> jobs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs.splice(jobs.end(), jobs_);
  }
  for (Job& job : jobs) {
    if (job.thread.joinable()) job.thread.join();
  }
}

void BackgroundJobs::ReapLocked() {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->done.load()) {
      it->thread.join();
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

void BackgroundJobs::Start(std::function<void()> job) {
  std::lock_guard<std::mutex> lock(mu_);
  ReapLocked();
  Job& slot = jobs_.emplace_back();
  slot.thread = std::thread([this, &slot, job = std::move(job)]() {
    job();
    std::lock_guard<std::mutex> lock(mu_);
    slot.done.store(true);
    ended_.notify_all();
  });
}

void BackgroundJobs::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  ended_.wait(lock, [this] {
    for (const Job& job : jobs_) {
      if (!job.done.load()) return false;
    }
    return true;
  });
}

size_t BackgroundJobs::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const Job& job : jobs_) n += job.done.load() ? 0 : 1;
  return n;
}

}  // namespace onetable
