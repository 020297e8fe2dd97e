// The data keys of encryption at rest (crypto/field_cipher.h): read from a key file or from an
// environment variable the configuration names, never from the store. Text, one item a line:
//   # comments and blank lines are ignored
//   index <64 hex digits>          the blind-index secret (exactly one; never rotated)
//   key <kid> <64 hex digits>      a data key; the last one encrypts, every one decrypts
// `onetable init` creates the file (mode 0600) when the configuration names no key;
// `onetable key rotate` appends a new key and re-encrypts the store to it.
//
// Thread-safety: plain functions; files are written with O_EXCL or replaced atomically.
#ifndef ONETABLE_CRYPTO_DATA_KEYS_H_
#define ONETABLE_CRYPTO_DATA_KEYS_H_

#include <memory>
#include <string>

#include "crypto/field_cipher.h"
#include "onetable/status.h"

namespace onetable {

// Parses key text; `where` names its origin in errors ("密钥文件 /x/data.key").
// kInvalidArgument naming the line when malformed, a kid repeated, or no index/key line.
Result<std::unique_ptr<FieldCipher>> ParseDataKeys(const std::string& text,
                                                   const std::string& where);

// Reads and parses `path` (crypto/key_file.h ReadSecretFile). kNotFound when it does not exist;
// kInvalidArgument when others than its owner may read it.
Result<std::unique_ptr<FieldCipher>> LoadDataKeyFile(const std::string& path);

// The keys in environment variable `name`. kNotFound when it is unset or empty.
Result<std::unique_ptr<FieldCipher>> LoadDataKeyEnv(const std::string& name);

// Creates a new key file (an index line and one key with a random 8-hex-digit id) at `path`,
// parents too, mode 0600; kAlreadyExists when it exists.
Status CreateDataKeyFile(const std::string& path);

// Appends a new random key to the file at `path` (replaced atomically, mode 0600); returns its
// kid ("k<n+1>").
Result<std::string> AppendDataKey(const std::string& path);

}  // namespace onetable

#endif  // ONETABLE_CRYPTO_DATA_KEYS_H_
