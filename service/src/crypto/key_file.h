// Secret files: keys kept outside the store (and outside the backups of it), mode 0600. The
// backup key (backup/backup_file.h) is one line "<algorithm> <64 hex digits>" holding a 32-byte
// master key (LoadKeyFile, CreateKeyFile); the data keys of encryption at rest
// (crypto/data_keys.h) and the audit key (audit/audit_key.h) are written and read through the same
// ReadSecretFile and WriteSecretFile, so all refuse a file others can read and all create
// theirs 0600 in a 0700 directory.
//
// Thread-safety: plain functions. A new file is created with O_EXCL, so two processes creating
// one at once cannot both win; a replaced file is written beside and renamed over.
#ifndef ONETABLE_CRYPTO_KEY_FILE_H_
#define ONETABLE_CRYPTO_KEY_FILE_H_

#include <string>
#include <string_view>

#include "onetable/status.h"

namespace onetable {

inline constexpr size_t kMasterKeyBytes = 32;

// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);
// The bytes of `hex` (either case); false on an odd length or a non-hex digit.
bool HexDecode(std::string_view hex, std::string* out);

// The text of the secret file `path`; `what` names it in messages ("数据密钥"). kNotFound when
// it is missing; kInvalidArgument naming the file when others than its owner may read it (mode
// wider than 0600) or it cannot be read.
Result<std::string> ReadSecretFile(const std::string& path, const std::string& what);

// Writes `text` to `path`, mode 0600, fsync'd (missing parent directories made 0700).
// `replace` false: kAlreadyExists when the file exists; true: the file is replaced atomically.
Status WriteSecretFile(const std::string& path, const std::string& text, const std::string& what,
                       bool replace);

// The raw key in `path`. `what` names the key in messages ("备份密钥"). As ReadSecretFile, and
// kInvalidArgument naming the file when it is not "<algorithm> <64 hex>" with that algorithm.
Result<std::string> LoadKeyFile(const std::string& path, const std::string& algorithm,
                                const std::string& what);

// Writes a new random key to `path` (as WriteSecretFile). kAlreadyExists when the file exists.
Status CreateKeyFile(const std::string& path, const std::string& algorithm,
                     const std::string& what);

}  // namespace onetable

#endif  // ONETABLE_CRYPTO_KEY_FILE_H_
