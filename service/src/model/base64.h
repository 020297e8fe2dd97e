// Base64 (RFC 4648): the URL-safe form without padding for tokens, and the standard padded form
// that stored password hashes and sealed values (crypto/field_cipher.h) use. Encoding is a table
// lookup (it runs for every value sealed at rest); the lenient decoder goes through Poco. Pure;
// thread-safe.
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
// The same, appended to `out`.
void AppendBase64(std::string_view bytes, std::string* out);

// The bytes of standard, padded base64 `text`; nullopt when it is empty, not a multiple of four
// characters long, or has a character outside the alphabet (line breaks included).
std::optional<std::string> Base64Decode(std::string_view text);

// The bytes of `text` only when `text` is exactly what Base64Encode gives for them: nullopt also
// for a spelling Base64Decode accepts but that is not canonical (non-zero spare bits in the last
// character before '='), so that a changed stored text never decodes to the original bytes.
// Unlike Base64Decode, "" decodes to "".
std::optional<std::string> Base64DecodeCanonical(std::string_view text);

}  // namespace onetable

#endif  // ONETABLE_MODEL_BASE64_H_
