// Accounts: creating and changing users — the one way for `onetable init` (the first admin),
// `onetable user add` and the users API. Each change checks the account rules (user_rules.h) on
// the account as it would be afterwards, hashes a new password, and writes the account together
// with its audit record (action user_change) in ONE transaction, so an account never exists
// without the record of who made it.
//
// Errors: kInvalidArgument with UserOutcome::field naming the field at fault (name, role, scopes,
// grants, password) and a Chinese message; kAlreadyExists for a taken name; kNotFound for an
// unknown account; kConflict when expected_version is stale (UserOutcome::user is then the
// current account); kFailedPrecondition for the last admin; store errors as they are.
//
// Thread-safety: stateless over the Store given (one thread).
#ifndef ONETABLE_AUTH_USERS_H_
#define ONETABLE_AUTH_USERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "audit/audit_log.h"
#include "auth/password.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

// What to set on an account; nullopt keeps the current value (on create: the default).
struct UserChange {
  std::optional<std::string> role;
  std::optional<std::string> display_name;
  std::optional<std::string> password;  // plain text; only its hash is stored
  std::optional<std::vector<std::string>> scopes;
  std::optional<std::vector<std::string>> grants;
  std::optional<bool> disabled;
};

struct UserOutcome {
  Status status;
  std::string field;  // with kInvalidArgument: the field at fault, when one is
  User user;          // the account as stored (on kConflict: the current one)
};

class UserAccounts {
 public:
  // `app` must outlive this. `password_iterations`: the PBKDF2 cost (lower only in tests).
  explicit UserAccounts(const AppContext& app, int password_iterations = kPasswordIterations)
      : app_(app), password_iterations_(password_iterations) {}

  // Checks a new account `name` with `change` as Create would, without writing and without
  // a password (so a terminal can refuse before asking for one).
  UserOutcome CheckCreate(Store& store, const std::string& name, const UserChange& change) const;

  // Creates account `name`; `change` must have role and password.
  UserOutcome Create(Store& store, const Actor& actor, const std::string& name,
                     const UserChange& change) const;

  // Changes account `name` if its version is `expected_version`. A new password or disabling
  // the account ends its sessions. The last enabled admin, and the last enabled
  // security_admin, cannot be disabled or demoted.
  UserOutcome Update(Store& store, const Actor& actor, const std::string& name,
                     int64_t expected_version, const UserChange& change) const;

 private:
  UserOutcome Apply(Store& store, const UserChange& change, bool need_password, User* user) const;

  const AppContext& app_;
  int password_iterations_;
};

}  // namespace onetable

#endif  // ONETABLE_AUTH_USERS_H_
