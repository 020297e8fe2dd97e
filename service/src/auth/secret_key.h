// The service's secret key: 32 random bytes kept in a file (config `secret_key`, mode 0600),
// made on first use, shared by `onetable serve` and the CLI verbs that must compute the same
// keyed hashes (login throttle keys, auth/login_throttle.h). Kept out of the store, so that a
// copy of the database alone does not let anyone test guesses against those hashes. Several
// servers over one MySQL store need the same file.
//
// Thread-safety: plain functions; two processes creating the file at once both end up with the
// one that was linked first.
#ifndef ONETABLE_AUTH_SECRET_KEY_H_
#define ONETABLE_AUTH_SECRET_KEY_H_

#include <string>
#include <string_view>

#include "onetable/status.h"

namespace onetable {

// The key in `path` (64 hex digits), creating the file and its directory when missing.
// kInvalidArgument when the file exists but does not hold a key; kUnavailable when it cannot be
// read or made. Messages name the file.
Result<std::string> LoadOrCreateSecretKey(const std::string& path);

// Lower-case hex HMAC-SHA-256 of `message` under `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view message);

}  // namespace onetable

#endif  // ONETABLE_AUTH_SECRET_KEY_H_
