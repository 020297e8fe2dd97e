// AuthStore: accounts and what signing in keeps (see service/src/http/auth.h): users with their
// scopes and grants, browser sessions, department API tokens, login throttling. One of the
// interfaces Store is made of (store/store.h, which lists the status codes).
//
// Times are Unix seconds (UTC) from the authenticator's clock, so tests can move it. Tokens are
// never stored: only the hex SHA-256 of a token, which is what lookups take.
//
// Thread-safety: one connection; use it from one thread at a time.
#ifndef ONETABLE_STORE_AUTH_STORE_H_
#define ONETABLE_STORE_AUTH_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "onetable/status.h"

namespace onetable {

struct User {
  int64_t id = 0;
  std::string name;
  std::string role;           // admin | community_admin | grid_worker | department
  std::string display_name;
  std::string password_hash;  // encoded hash, never the password
  std::vector<std::string> scopes;  // division / grid codes the user may see
  std::vector<std::string> grants;  // mapping ids a department may run
  bool disabled = false;
  int64_t version = 0;
};

// A signed-in browser or client: 30-minute idle and 12-hour absolute expiry are decided by the
// authenticator from these times.
struct AuthSession {
  int64_t id = 0;
  std::string token_hash;  // 64 lower-case hex digits
  int64_t user_id = 0;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;  // absolute end
};

// A department's API token: ends at expires_at (0: never, for tokens issued before expiry
// existed and not migrated), revocable, remembers when it was last used.
struct ApiToken {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string token_hash;
  std::string label;       // what the admin called it ("民政局报表系统")
  std::string created_by;  // admin user name
  int64_t created_at = 0;
  int64_t last_used_at = 0;  // 0: never
  int64_t revoked_at = 0;    // 0: valid
  int64_t expires_at = 0;    // refused from this time on; 0: no end
};

// Failed logins under one throttle key: a keyed hash of an account name or of a client address
// (auth/login_throttle.h), never the name or the address itself.
struct LoginThrottle {
  std::string key;
  int failures = 0;  // failures in a row, each within the window of the one before
  int64_t last_failure_at = 0;
  int64_t next_allowed_at = 0;  // attempts before this are refused without checking a password
};

// How long a key waits after its n-th failure in a row: nothing for the first free_failures,
// then first_delay seconds, doubling each time, at most max_delay.
struct LoginDelay {
  int free_failures = 5;
  int64_t first_delay = 2;
  int64_t max_delay = 300;

  int64_t After(int failures) const {
    if (failures <= free_failures) return 0;
    int64_t delay = first_delay;
    for (int i = free_failures + 1; i < failures && delay < max_delay; ++i) delay *= 2;
    return delay < max_delay ? delay : max_delay;
  }
};

class AuthStore {
 public:
  AuthStore() = default;
  AuthStore(const AuthStore&) = delete;
  AuthStore& operator=(const AuthStore&) = delete;
  virtual ~AuthStore() = default;

  // --- users --------------------------------------------------------------------------------
  virtual Result<int64_t> AddUser(const User& user) = 0;
  virtual Result<User> GetUser(const std::string& name) = 0;
  virtual Result<User> GetUserById(int64_t id) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  virtual Status UpdateUser(User* user) = 0;  // compare-and-set; replaces scopes and grants

  // --- sessions -----------------------------------------------------------------------------
  // FindSession is kNotFound for an unknown hash.
  virtual Result<int64_t> AddSession(const AuthSession& session) = 0;
  virtual Result<AuthSession> FindSession(const std::string& token_hash) = 0;
  // Sets last_seen_at to `seen_at` unless it is already later.
  virtual Status TouchSession(int64_t id, int64_t seen_at) = 0;
  virtual Status DeleteSession(int64_t id) = 0;
  // Ends every session of a user (password reset, disabling, role change); returns how many.
  virtual Result<int64_t> DeleteUserSessions(int64_t user_id) = 0;
  // Deletes sessions past expires_at at `now` or last seen before `idle_before`.
  virtual Result<int64_t> PurgeSessions(int64_t now, int64_t idle_before) = 0;

  // --- login throttling, per keyed hash (auth/login_throttle.h) ----------------------------
  // GetLoginThrottle returns a zero record for a key with no failures. RecordLoginFailure
  // counts one failure atomically: a key whose last failure is more than `window_seconds`
  // before `now` starts again at 1; then next_allowed_at becomes now + delay.After(failures).
  // Returns the record after. PruneLoginThrottle deletes the keys whose last failure is more
  // than `window_seconds` before `now` and whose delay has passed; returns how many.
  virtual Result<LoginThrottle> GetLoginThrottle(const std::string& key) = 0;
  virtual Result<LoginThrottle> RecordLoginFailure(const std::string& key, int64_t now,
                                                   int64_t window_seconds,
                                                   const LoginDelay& delay) = 0;
  virtual Status ClearLoginThrottle(const std::string& key) = 0;
  virtual Result<int64_t> PruneLoginThrottle(int64_t now, int64_t window_seconds) = 0;

  // --- API tokens ---------------------------------------------------------------------------
  // FindApiToken is kNotFound for an unknown hash. RevokeApiToken is kNotFound unless token `id`
  // belongs to `user_id`; revoking a revoked token keeps its first revocation time.
  // ListApiTokens: oldest first, revoked too.
  virtual Result<int64_t> AddApiToken(const ApiToken& token) = 0;
  virtual Result<ApiToken> FindApiToken(const std::string& token_hash) = 0;
  virtual Result<std::vector<ApiToken>> ListApiTokens(int64_t user_id) = 0;
  virtual Status TouchApiToken(int64_t id, int64_t used_at) = 0;
  virtual Status RevokeApiToken(int64_t user_id, int64_t id, int64_t revoked_at) = 0;
};

}  // namespace onetable

#endif  // ONETABLE_STORE_AUTH_STORE_H_
