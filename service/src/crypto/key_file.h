// Key files: one line "<algorithm> <64 hex digits>" holding a 32-byte master key, mode 0600,
// kept outside the store (and outside the backups of it). The backup key (backup/backup_file.h)
// is one; the algorithm names what the key is for, e.g. "sm4-hmac-sm3".
//
// Thread-safety: plain functions. CreateKeyFile refuses to replace a file (O_EXCL), so two
// processes creating one at once cannot both win.
#ifndef ONETABLE_CRYPTO_KEY_FILE_H_
#define ONETABLE_CRYPTO_KEY_FILE_H_

#include <string>

#include "onetable/status.h"

namespace onetable {

inline constexpr size_t kMasterKeyBytes = 32;

// The raw key in `path`. `what` names the key in messages ("备份密钥"). kNotFound when the file
// is missing; kInvalidArgument naming the file when it is not "<algorithm> <64 hex>" with that
// algorithm, or when it can be read by others than its owner (mode wider than 0600).
Result<std::string> LoadKeyFile(const std::string& path, const std::string& algorithm,
                                const std::string& what);

// Writes a new random key to `path` (parent directories made 0700, the file 0600).
// kAlreadyExists when the file exists.
Status CreateKeyFile(const std::string& path, const std::string& algorithm,
                     const std::string& what);

}  // namespace onetable

#endif  // ONETABLE_CRYPTO_KEY_FILE_H_
