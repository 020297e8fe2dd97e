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
// Thread-safety: an object belongs to one thread; the free functions are safe from any thread.
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
  ~Sm4Ctr();
  Sm4Ctr(const Sm4Ctr&) = delete;
  Sm4Ctr& operator=(const Sm4Ctr&) = delete;
  bool ok() const { return ok_; }
  // Appends the transformed `in` to `out`.
  void Update(std::string_view in, std::string* out);

 private:
  EVP_CIPHER_CTX* ctx_ = nullptr;
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
  void Update(std::string_view data);
  // The 32-byte MAC (raw bytes); "" when OpenSSL failed. Call once.
  std::string Final();

 private:
  EVP_MAC_CTX* ctx_ = nullptr;
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

// Whether this OpenSSL has SM4-CTR and SM3 (the tests and `check` ask).
bool HasSmAlgorithms();

}  // namespace onetable

#endif  // ONETABLE_CRYPTO_SM_CRYPTO_H_
