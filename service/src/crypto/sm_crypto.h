// 国密 primitives for data at rest, over OpenSSL 3's EVP interface: SM4 in CTR mode (GB/T 32907)
// and HMAC-SM3 (GB/T 32905). Debian's OpenSSL 3.0 has no SM4-GCM, so authenticated encryption
// is built as encrypt-then-MAC: SM4-CTR under one key, HMAC-SM3 over the ciphertext (and any
// header) under another, both derived from one 32-byte master key (DeriveKey). The one
// implementation of these primitives: the backup file (backup/backup_file.h) and the values
// sealed in the store (crypto/field_cipher.h) both use it.
//
// Both classes stream: feed any number of Update calls, then read the result. A failure inside
// OpenSSL (an SM4- or SM3-less build) shows as ok() == false, never as wrong output.
//
// An object keeps its key set up across messages (Restart): a caller that seals many short
// values under one key (crypto/field_cipher.h) keys an object once and restarts it per value.
//
// Thread-safety: an object belongs to one thread at a time; the free functions are safe from any
// thread.
#ifndef ONETABLE_CRYPTO_SM_CRYPTO_H_
#define ONETABLE_CRYPTO_SM_CRYPTO_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "onetable/status.h"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct evp_mac_ctx_st EVP_MAC_CTX;

namespace onetable {

inline constexpr size_t kSm4KeyBytes = 16;
inline constexpr size_t kSm4BlockBytes = 16;  // also the CTR nonce (initial counter) length
inline constexpr size_t kSm3Bytes = 32;

// SM4-CTR keystream: Update encrypts and decrypts alike. `key` and `iv` must be 16 bytes; an IV
// must never be used twice under one key (RandomBytes gives a fresh one).
class Sm4Ctr {
 public:
  Sm4Ctr(std::string_view key, std::string_view iv);
  // The key alone (its schedule computed once): Restart sets the counter before each message.
  explicit Sm4Ctr(std::string_view key);
  ~Sm4Ctr();
  Sm4Ctr(const Sm4Ctr&) = delete;
  Sm4Ctr& operator=(const Sm4Ctr&) = delete;
  bool ok() const { return ok_; }
  // Starts a new keystream at counter block `iv` (16 bytes) under the same key, as a fresh
  // Sm4Ctr(key, iv) would, without redoing the key schedule. False (and ok() false) when `iv`
  // has the wrong length or OpenSSL failed.
  bool Restart(std::string_view iv);
  // Appends the transformed `in` to `out`.
  void Update(std::string_view in, std::string* out);
  // Writes the transformed `in` to out[0, in.size()); `out` may be `in.data()` itself.
  bool Transform(std::string_view in, char* out);

 private:
  EVP_CIPHER_CTX* ctx_ = nullptr;
  bool keyed_ = false;  // the key was set: Restart may recover from a failed message
  bool ok_ = false;
};

// HMAC-SM3, streaming.
class HmacSm3 {
 public:
  explicit HmacSm3(std::string_view key);
  ~HmacSm3();
  HmacSm3(const HmacSm3&) = delete;
  HmacSm3& operator=(const HmacSm3&) = delete;
  bool ok() const { return ok_; }
  // Starts a new MAC under the same key (after Final, or dropping what was fed), without
  // hashing the key again.
  bool Restart();
  void Update(std::string_view data);
  // The 32-byte MAC (raw bytes); "" when OpenSSL failed. Call once per message.
  std::string Final();
  // The same into `out`; false when OpenSSL failed.
  bool FinalTo(unsigned char (&out)[kSm3Bytes]);

 private:
  EVP_MAC_CTX* ctx_ = nullptr;
  bool keyed_ = false;
  bool ok_ = false;
};

// One-shot HMAC-SM3 of `data` (raw 32 bytes; "" on failure).
std::string HmacSm3Of(std::string_view key, std::string_view data);

// A subkey for one purpose: HMAC-SM3(master, "onetable-kdf-v1," + purpose), cut to `bytes`
// (<= 32). Distinct purposes give independent keys.
std::string DeriveKey(std::string_view master, std::string_view purpose, size_t bytes);

// Comparison whose time does not depend on where the inputs differ.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// `n` bytes from OpenSSL's CSPRNG; kInternal when it fails.
Result<std::string> RandomBytes(size_t n);
// The same into out[0, n); false when it fails.
bool FillRandom(char* out, size_t n);

// Whether this OpenSSL has SM4-CTR and SM3 (the tests and `check` ask).
bool HasSmAlgorithms();

}  // namespace onetable

#endif  // ONETABLE_CRYPTO_SM_CRYPTO_H_
