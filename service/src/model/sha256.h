// SHA-256 as lower-case hex: the one digest of onetable (content hashes of source records,
// connector fingerprints, API token hashes, mapping ETags). OpenSSL underneath. Pure;
// thread-safe.
#ifndef ONETABLE_MODEL_SHA256_H_
#define ONETABLE_MODEL_SHA256_H_

#include <string>
#include <string_view>

namespace onetable {

// The SHA-256 of `bytes` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace onetable

#endif  // ONETABLE_MODEL_SHA256_H_
