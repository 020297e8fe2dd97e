// Whether a password a person chooses is strong enough (issue 16, item 7): at least 10
// characters with letters and digits, at least 5 different characters, not made of the account
// name (the name, reversed or repeated, plus fewer than 6 other characters), and accepted by
// cracklib (Debian's libcrack2 with the cracklib-runtime dictionary), which refuses dictionary
// words and their usual variations, keyboard runs and other systematic passwords.
//
// Thread-safety: safe from any thread (cracklib's calls are serialised).
#ifndef ONETABLE_AUTH_PASSWORD_STRENGTH_H_
#define ONETABLE_AUTH_PASSWORD_STRENGTH_H_

#include <string>

#include "onetable/status.h"

namespace onetable {

// The shortest password accepted, and the whole rule in one Chinese sentence (forms show it, so
// they cannot disagree with PasswordWeakness).
inline constexpr int kMinPasswordLength = 10;
std::string PasswordRuleText();

// A Chinese message saying what is wrong, or "" when acceptable. `user_name` "" skips the
// account-name checks. When the cracklib dictionary is missing every password is refused with a
// message naming the package, rather than passed unchecked.
std::string PasswordWeakness(const std::string& password, const std::string& user_name = "");

// A random 16-character password (RandomPassword) that PasswordWeakness accepts for
// `user_name`: a random draw is, rarely, one cracklib finds systematic, and a password init
// generates must pass the rule it prints.
Result<std::string> AcceptedRandomPassword(const std::string& user_name);

}  // namespace onetable

#endif  // ONETABLE_AUTH_PASSWORD_STRENGTH_H_
