#include "auth/login_throttle.h"

#include <algorithm>
#include <utility>

#include "auth/secret_key.h"
#include "onetable/text.h"

namespace onetable {

LoginThrottler::LoginThrottler(std::string secret, ThrottleOptions options)
    : secret_(std::move(secret)), options_(options) {}

std::string LoginThrottler::AccountKey(const std::string& name) const {
  return "account:" + HmacSha256Hex(secret_, "account\n" + AsciiLower(name));
}

std::string LoginThrottler::AddressKey(const std::string& address) const {
  return "address:" + HmacSha256Hex(secret_, "address\n" + address);
}

Result<int64_t> LoginThrottler::WaitSeconds(Store& store, const std::string& name,
                                            const std::string& address, int64_t now) const {
  ASSIGN_OR_RETURN(LoginThrottle account, store.GetLoginThrottle(AccountKey(name)));
  int64_t until = account.next_allowed_at;
  if (!address.empty()) {
    ASSIGN_OR_RETURN(LoginThrottle from, store.GetLoginThrottle(AddressKey(address)));
    until = std::max(until, from.next_allowed_at);
  }
  return std::max<int64_t>(0, until - now);
}

Result<int64_t> LoginThrottler::RecordFailure(Store& store, const std::string& name,
                                              const std::string& address, int64_t now) const {
  ASSIGN_OR_RETURN(
      LoginThrottle account,
      store.RecordLoginFailure(AccountKey(name), now, options_.window_seconds, options_.account));
  int64_t until = account.next_allowed_at;
  bool fresh = account.failures == 1;
  if (!address.empty()) {
    ASSIGN_OR_RETURN(LoginThrottle from,
                     store.RecordLoginFailure(AddressKey(address), now, options_.window_seconds,
                                              options_.address));
    until = std::max(until, from.next_allowed_at);
    fresh = fresh || from.failures == 1;
  }
  // New keys are what makes the table grow: that is when the old ones go.
  if (fresh) RETURN_IF_ERROR(store.PruneLoginThrottle(now, options_.window_seconds).status());
  return std::max<int64_t>(0, until - now);
}

Status LoginThrottler::RecordSuccess(Store& store, const std::string& name, int64_t now) const {
  RETURN_IF_ERROR(store.ClearLoginThrottle(AccountKey(name)));
  return store.PruneLoginThrottle(now, options_.window_seconds).status();
}

Status LoginThrottler::UnlockAccount(Store& store, const std::string& name) const {
  return store.ClearLoginThrottle(AccountKey(name));
}

Status LoginThrottler::UnlockAddress(Store& store, const std::string& address) const {
  return store.ClearLoginThrottle(AddressKey(address));
}

}  // namespace onetable
