#include "auth/password_slots.h"

#include <algorithm>

namespace onetable {

PasswordSlots::PasswordSlots(int slots, int max_waiting, std::chrono::milliseconds wait)
    : slots_(std::max(1, slots)), max_waiting_(std::max(0, max_waiting)), wait_(wait) {}

PasswordSlots::Slot& PasswordSlots::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

void PasswordSlots::Slot::Release() {
  if (owner_ != nullptr) owner_->Give();
  owner_ = nullptr;
}

PasswordSlots::Slot PasswordSlots::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  if (in_use_ < slots_) {
    ++in_use_;
    return Slot(this);
  }
  if (waiting_ >= max_waiting_) return Slot();
  ++waiting_;
  changed_.notify_all();
  const bool got = changed_.wait_for(lock, wait_, [this] { return in_use_ < slots_; });
  --waiting_;
  if (got) ++in_use_;
  changed_.notify_all();
  return got ? Slot(this) : Slot();
}

void PasswordSlots::Give() {
  std::lock_guard<std::mutex> lock(mu_);
  --in_use_;
  changed_.notify_all();
}

int PasswordSlots::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_;
}

bool PasswordSlots::AwaitWaiting(int n, std::chrono::milliseconds limit) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, limit, [&] { return waiting_ == n; });
}

}  // namespace onetable
