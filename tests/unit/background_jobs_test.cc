// BackgroundJobs: work a request starts outlives it, and serve's shutdown waits for it.
#include "app/background_jobs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace onetable {
namespace {

// A job that runs until the test lets it finish.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  void Open() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return open; });
  }
};

TEST(BackgroundJobs, JobsRunApartAndWaitIdleWaitsForAllOfThem) {
  BackgroundJobs jobs;
  Gate gate;
  std::atomic<int> done{0};
  for (int i = 0; i < 3; ++i) {
    jobs.Start([&] {
      gate.Wait();
      ++done;
    });
  }
  EXPECT_EQ(jobs.running(), 3u);  // none can end before the gate opens
  gate.Open();
  jobs.WaitIdle();
  EXPECT_EQ(done.load(), 3);
  EXPECT_EQ(jobs.running(), 0u);
  // Ended jobs are reaped as new ones start; the set goes on working.
  jobs.Start([&] { ++done; });
  jobs.WaitIdle();
  EXPECT_EQ(done.load(), 4);
}

TEST(BackgroundJobs, TheDestructorWaitsForARunningJob) {
  std::atomic<bool> finished{false};
  Gate started;
  Gate release;
  {
    BackgroundJobs jobs;
    jobs.Start([&] {
      started.Open();
      release.Wait();
      finished = true;
    });
    started.Wait();
    release.Open();
  }  // joins here
  EXPECT_TRUE(finished.load());
}

}  // namespace
}  // namespace onetable
