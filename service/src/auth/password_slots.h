// PasswordSlots: a cap on how many password checks (PBKDF2, 600,000 iterations: a few hundred
// milliseconds of one core each) run at once, so that clients posting logins cannot pin every
// core and starve the rest of the service (issue 16, M4: "8 clients posting logins pin both
// cores").
//
// A check takes a slot before hashing and gives it back after. When every slot is busy a caller
// waits up to a bounded time for one, but only while fewer than `max_waiting` callers already
// wait: beyond that it is refused at once, so waiting logins never hold every worker thread
// either. A refused caller answers 503 with Retry-After (http/auth_handlers.cc); nothing is
// counted against the throttle, since no password was checked.
//
// Thread-safety: safe from any thread.
#ifndef ONETABLE_AUTH_PASSWORD_SLOTS_H_
#define ONETABLE_AUTH_PASSWORD_SLOTS_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace onetable {

class PasswordSlots {
 public:
  // `slots` checks at once (at least 1); at most `max_waiting` callers (at least 0) wait for one,
  // each at most `wait`.
  PasswordSlots(int slots, int max_waiting, std::chrono::milliseconds wait);
  PasswordSlots(const PasswordSlots&) = delete;
  PasswordSlots& operator=(const PasswordSlots&) = delete;

  // A held slot, given back when destroyed. Empty (false) when none was had.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(PasswordSlots* owner) : owner_(owner) {}
    Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { Release(); }
    explicit operator bool() const { return owner_ != nullptr; }
    void Release();

   private:
    PasswordSlots* owner_ = nullptr;
  };

  // A free slot, waiting for one as described above; an empty Slot when refused.
  Slot Acquire();

  int capacity() const { return slots_; }
  int max_waiting() const { return max_waiting_; }
  // How many callers wait for a slot now (metrics, tests).
  int waiting() const;
  // Blocks until exactly `n` callers wait or `limit` passes; whether they did (tests wait on
  // this condition instead of sleeping).
  bool AwaitWaiting(int n, std::chrono::milliseconds limit) const;

 private:
  void Give();

  const int slots_;
  const int max_waiting_;
  const std::chrono::milliseconds wait_;
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  int in_use_ = 0;
  int waiting_ = 0;
};

}  // namespace onetable

#endif  // ONETABLE_AUTH_PASSWORD_SLOTS_H_
