// BackgroundJobs: work a request starts that outlives the request — a connector run started
// from the API answers 202 at once and goes on here. Each job runs on a thread of its own; the
// destructor waits for every job to end, so `serve` stops only after the runs it started have
// finished or failed (a killed process leaves its run to the run lease: ingest/runtime.h).
//
// Thread-safety: Start and running() may be called from any thread.
#ifndef ONETABLE_APP_BACKGROUND_JOBS_H_
#define ONETABLE_APP_BACKGROUND_JOBS_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace onetable {

class BackgroundJobs {
 public:
  BackgroundJobs() = default;
  BackgroundJobs(const BackgroundJobs&) = delete;
  BackgroundJobs& operator=(const BackgroundJobs&) = delete;
  ~BackgroundJobs();  // waits for every job

  // Runs `job` on a new thread. `job` must not throw.
  void Start(std::function<void()> job);

  // Jobs started and not yet ended.
  size_t running() const;

  // Blocks until no job is running.
  void WaitIdle();

 private:
  struct Job {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  void ReapLocked();  // joins the jobs that have ended

  mutable std::mutex mu_;
  std::condition_variable ended_;
  std::list<Job> jobs_;
};

}  // namespace onetable

#endif  // ONETABLE_APP_BACKGROUND_JOBS_H_
