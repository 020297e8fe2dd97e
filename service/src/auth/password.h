// Password hashing for user accounts: PBKDF2-HMAC-SHA256 with 600,000 iterations and a random
// 16-byte salt, encoded as "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>".
// Thread-safe.
#ifndef ONETABLE_AUTH_PASSWORD_H_
#define ONETABLE_AUTH_PASSWORD_H_

#include <string>

#include "auth/password_strength.h"
#include "onetable/status.h"

namespace onetable {

inline constexpr int kPasswordIterations = 600000;

// Hashes `password` with a fresh salt. Fails only if the system's random source does.
Result<std::string> HashPassword(const std::string& password, int iterations = kPasswordIterations);

// True when `password` matches `encoded` (constant-time comparison). False for a malformed hash.
bool VerifyPassword(const std::string& password, const std::string& encoded);

// A random password of `length` characters from an alphabet without look-alikes (no 0/O, 1/l).
Result<std::string> RandomPassword(int length = 16);

// PasswordWeakness, the strength check of a password a person chooses: auth/password_strength.h.

}  // namespace onetable

#endif  // ONETABLE_AUTH_PASSWORD_H_
