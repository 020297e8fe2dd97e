// Authentication: password login with lockout, sessions with idle and absolute expiry, logout,
// and department API tokens.
//
// Tokens are 32 random bytes, base64url, prefixed "ots_" (a session) or "otk_" (an API token) so
// each is looked up in its own table. Only a token's SHA-256 (hex) is stored, and lookups are by
// that hash: comparing a guess therefore compares hashes, whose timing tells nothing about the
// token. How a request carries its token is HTTP's business (http/session_cookie.h). Tokens are
// never logged or audited.
//
// Sessions end 30 minutes after the last request (idle) and 12 hours after login (absolute),
// whichever is first, and at logout; an expired session is deleted when next presented. To spare
// a write per request, last_seen_at is written at most every touch_interval_seconds, so the idle
// end can come up to that much early. Routes marked passive (GET /api/v1/me) do not count as
// activity, so a UI polling its idle time does not keep a session alive.
//
// Throttling (auth/login_throttle.h): failed logins make the account name and the client
// address wait, the wait growing with each failure in a row; while either waits, a login is
// refused without checking the password (LoginFailure::kThrottled, with the seconds left). No
// account is ever locked outright, so a stranger cannot keep its owner out. A good login clears
// the account's count. Wrong name and wrong password get one message; an unknown name costs the
// same hashing time as a known one and is throttled the same way.
//
// Password checks at login take a slot of password_slots() first (at most a few at once); when
// none comes free in time the login is refused as kBusy, unheard and uncounted.
//
// API tokens end api_token_seconds (default a year) after they are issued; the last use of each
// is recorded.
//
// The clock is injectable (AuthOptions::clock) so that tests move time instead of sleeping.
//
// Thread-safety: an Authenticator is immutable after construction and safe from any thread;
// each call uses only the Store passed in.
#ifndef ONETABLE_AUTH_AUTHENTICATOR_H_
#define ONETABLE_AUTH_AUTHENTICATOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "access/access.h"
#include "auth/login_throttle.h"
#include "auth/password.h"
#include "auth/password_slots.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

struct AuthOptions {
  int64_t idle_seconds = 30 * 60;
  int64_t absolute_seconds = 12 * 60 * 60;
  ThrottleOptions throttle;
  // The secret of the throttle keys (auth/secret_key.h); "" makes a random one for this
  // process (tests; the CLI's unlock then cannot match it).
  std::string throttle_secret;
  int64_t api_token_seconds = 365 * 24 * 60 * 60;
  int64_t touch_interval_seconds = 30;
  bool secure_cookie = false;  // the HTTP session cookie gets "Secure": set behind HTTPS
  // Unix seconds; empty: the system clock.
  std::function<int64_t()> clock;
  // The PBKDF2 cost of passwords set through the API, and the cost paid for an unknown name at
  // login (to match the accounts' hashes). Lower only in tests.
  int password_iterations = kPasswordIterations;
  // Password checks at once (auth/password_slots.h): 0 is one fewer than the machine's cores
  // (at least 1), so a core stays free for everything else; callers beyond the slots wait up to
  // password_check_wait_ms, at most password_check_waiters of them (0: 4 per slot), and the
  // rest are answered "busy" at once.
  int password_check_slots = 0;
  int password_check_waiters = 0;
  int64_t password_check_wait_ms = 5000;
};

// Why a login failed, for the audit record; the client sees only Status::message().
// kBusy: every password-check slot was taken (PasswordSlots); nothing was checked or counted.
enum class LoginFailure {
  kNone,
  kUnknownUser,
  kBadPassword,
  kThrottled,
  kDisabled,
  kMissing,
  kBusy
};

const char* LoginFailureName(LoginFailure failure);  // "unknown_user", "bad_password", ...

struct LoginOutcome {
  // OK; kUnauthenticated with the message for the client; or a store error (5xx).
  Status status;
  LoginFailure failure = LoginFailure::kNone;
  std::optional<User> account;  // the account named, when it exists (audit: user and role)
  std::string token;            // on success: the session token, shown once
  AuthSession session;          // on success
  int64_t retry_after = 0;      // seconds before the next attempt is heard (0: now)
};

// A request's verified caller.
struct Authenticated {
  Principal principal;
  int64_t session_id = 0;       // 0 for an API token
  int64_t token_id = 0;         // 0 for a session
  int64_t idle_expires_at = 0;  // sessions: when it ends without activity
  int64_t expires_at = 0;       // sessions: the absolute end; 0 for API tokens
};

class Authenticator {
 public:
  explicit Authenticator(AuthOptions options = {});
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  const AuthOptions& options() const { return options_; }
  int64_t Now() const;

  // Checks the throttle, then the password; on success clears the account's failure count and
  // opens a session. `client_address` is the caller's address ("" for none: only the account is
  // throttled). Never throws; see LoginOutcome.
  LoginOutcome Login(Store& store, const std::string& name, const std::string& password,
                     const std::string& client_address = "") const;

  // The throttle logins go through (admin unlock, password change).
  const LoginThrottler& throttle() const { return throttle_; }

  // The slots every check of a typed password takes (login, own password change).
  PasswordSlots& password_slots() const { return *password_slots_; }

  // The caller presenting `token` (a session or API token). kUnauthenticated when there is no
  // token, or it is unknown, expired, revoked, or its user is disabled. `activity` false leaves a
  // session's idle timer running (passive routes).
  Result<Authenticated> Authenticate(const std::string& token, Store& store,
                                     bool activity = true) const;

  // Ends the session of `token`. OK when it is none (logging out twice is fine).
  Status Logout(const std::string& token, Store& store) const;

  // A new API token for `user` (a department): the token, shown once, and its stored record.
  // It ends `lifetime_seconds` after now (0: options().api_token_seconds).
  Result<std::pair<std::string, ApiToken>> IssueApiToken(Store& store, const User& user,
                                                         const std::string& label,
                                                         const std::string& created_by,
                                                         int64_t lifetime_seconds = 0) const;

 private:
  const std::string& DummyHash() const;

  AuthOptions options_;
  LoginThrottler throttle_;
  std::unique_ptr<PasswordSlots> password_slots_;
  mutable std::once_flag dummy_once_;
  mutable std::string dummy_hash_;
};

// Lower-case hex SHA-256 of `token` (what the store keeps).
std::string TokenHash(const std::string& token);
// A new random token with `prefix` ("ots_" / "otk_").
Result<std::string> NewToken(const std::string& prefix);
// "YYYY-MM-DDTHH:MM:SSZ" for Unix seconds (0: "").
std::string IsoTime(int64_t unix_seconds);

}  // namespace onetable

#endif  // ONETABLE_AUTH_AUTHENTICATOR_H_
