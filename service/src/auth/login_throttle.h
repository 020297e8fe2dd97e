// LoginThrottler: slows down password guessing per account and per client address, without a
// lock that a stranger can hold (issue 16, M4).
//
// Each failed login counts against two keys: the account name typed (known or not, so the
// answer tells nothing about which names exist) and the client address. After a key's free
// failures each further failure in a row makes that key wait, the wait doubling up to a cap:
//   account: 5 free, then 2 s, 4 s, ... at most 5 minutes
//   address: 10 free, then 2 s, 4 s, ... at most 15 minutes
// A failure counts "in a row" when it comes within 15 minutes of the key's last one. While a
// key waits, attempts are refused without checking a password and are not counted, so someone
// who types wrong passwords for another person's account can delay it by minutes at most, and
// only by spending their own address's attempts, while the account's owner, once the wait is
// over, signs in as usual. A good login clears the account's key (not the address's: one good
// account must not reset a sprayer's count). An admin can clear either (Unlock*).
//
// Keys are stored as "account:" or "address:" followed by the hex HMAC-SHA-256 of the
// lower-cased name or the address under the service's secret key (auth/secret_key.h), never the
// text itself: a password typed into the name box is not kept. Keys whose last failure is more
// than a window old are pruned when a new key is counted and at each good login.
//
// Thread-safety: immutable after construction; each call uses only the Store passed in.
#ifndef ONETABLE_AUTH_LOGIN_THROTTLE_H_
#define ONETABLE_AUTH_LOGIN_THROTTLE_H_

#include <cstdint>
#include <string>

#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

struct ThrottleOptions {
  LoginDelay account{5, 2, 5 * 60};
  LoginDelay address{10, 2, 15 * 60};
  int64_t window_seconds = 15 * 60;
};

class LoginThrottler {
 public:
  // `secret`: the key of the keyed hashes; must be the same in every process sharing a store.
  LoginThrottler(std::string secret, ThrottleOptions options = {});

  std::string AccountKey(const std::string& name) const;
  std::string AddressKey(const std::string& address) const;

  // Seconds until `name` may be tried from `address` (0: now). `address` "" is not throttled.
  Result<int64_t> WaitSeconds(Store& store, const std::string& name, const std::string& address,
                              int64_t now) const;
  // Counts a failure; returns the wait it starts (0: none).
  Result<int64_t> RecordFailure(Store& store, const std::string& name, const std::string& address,
                                int64_t now) const;
  // A good login: clears the account's key and prunes old keys.
  Status RecordSuccess(Store& store, const std::string& name, int64_t now) const;

  Status UnlockAccount(Store& store, const std::string& name) const;
  Status UnlockAddress(Store& store, const std::string& address) const;

 private:
  std::string secret_;
  ThrottleOptions options_;
};

}  // namespace onetable

#endif  // ONETABLE_AUTH_LOGIN_THROTTLE_H_
