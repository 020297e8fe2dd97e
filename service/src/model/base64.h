// Base64 (RFC 4648) through Poco: the URL-safe form without padding for tokens, and the standard
// padded form that stored password hashes use. Pure; thread-safe.
#ifndef ONETABLE_MODEL_BASE64_H_
#define ONETABLE_MODEL_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace onetable {

// `bytes` in the URL and file name safe alphabet (- and _), without '=' padding: 32 bytes give
// 43 characters.
std::string Base64UrlEncode(std::string_view bytes);

// `bytes` in the standard alphabet (+ and /) with '=' padding, on one line.
std::string Base64Encode(std::string_view bytes);

// The bytes of standard, padded base64 `text`; nullopt when it is empty, not a multiple of four
// characters long, or has a character outside the alphabet (line breaks included).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace onetable

#endif  // ONETABLE_MODEL_BASE64_H_
