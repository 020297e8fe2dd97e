// FieldCipher: encryption at rest of single stored values with the 国密 algorithms (GB/T
// 39786-2021): SM4-CTR for secrecy, HMAC-SM3 over the whole envelope for integrity
// (encrypt-then-MAC; OpenSSL 3.0 in Debian has no SM4-GCM), and a keyed blind index (HMAC-SM3
// under a separate key) so that a value looked up by equality (an ID number, a phone) stays an
// index lookup.
//
// Envelope (text, ASCII, fits any TEXT/VARCHAR column):
//   enc1:<kid>:<base64(nonce[16] | ciphertext | tag[16])>
// where tag = HMAC-SM3(mac key of kid, "enc1:" kid ":" nonce ciphertext) truncated to 16 bytes,
// and nonce is fresh from RAND_bytes for every value (CTR's initial counter block). Each key id
// holds one 32-byte master secret; its SM4 key and MAC key are derived from it (DeriveKey,
// purposes "field sm4-ctr" / "field hmac-sm3"), so the two never coincide; the blind-index key
// is derived from its own secret. The primitives are crypto/sm_crypto.h's, as for backups.
//
// Keys (crypto/data_keys.h reads them) never live in the store. The newest key encrypts; every
// key of the ring decrypts. The blind-index key is separate and is not rotated by `key rotate`.
//
// Cost: the keys are derived and set up in OpenSSL once, at construction; a value then costs one
// SM4-CTR pass and one HMAC-SM3 pass over its bytes (and for Encrypt 16 random bytes), with no
// algorithm fetch, key schedule or HMAC key hashing per value. The OpenSSL contexts that hold the
// set-up keys live in a pool the cipher owns: a call borrows one set for its duration.
//
// Thread-safety: every method is safe from any thread (`serve` shares the process cipher among
// its worker threads). The keys are immutable after construction; the pool is guarded by a mutex
// held only to take or return a set of contexts, and a set is used by one call at a time, so
// concurrent calls never share an OpenSSL context.
#ifndef ONETABLE_CRYPTO_FIELD_CIPHER_H_
#define ONETABLE_CRYPTO_FIELD_CIPHER_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "onetable/status.h"

namespace onetable {

inline constexpr char kEnvelopePrefix[] = "enc1:";

struct DataKey {
  std::string kid;     // [A-Za-z0-9_-]{1,16}
  std::string secret;  // 32 bytes
};

class FieldCipher {
 public:
  // `keys` in the order of the key file: the last one encrypts. `index_secret` (32 bytes) keys
  // the blind index. Preconditions: keys non-empty with distinct ids (data_keys.h checks).
  FieldCipher(const std::vector<DataKey>& keys, std::string index_secret);
  ~FieldCipher();
  FieldCipher(const FieldCipher&) = delete;
  FieldCipher& operator=(const FieldCipher&) = delete;

  // The envelope of `plain` under the newest key; kInternal when OpenSSL fails (no randomness).
  Result<std::string> Encrypt(std::string_view plain) const;
  // The plaintext of an envelope. kInternal "加密数据校验失败…" when the tag does not match (the
  // value was altered, or the key file holds another key under the same id) or the envelope is
  // malformed; kFailedPrecondition when its key id is not in the ring (a wrong key file). The
  // tag is checked before anything is decrypted.
  Result<std::string> Decrypt(std::string_view envelope) const;
  // The key id an envelope names ("" when `text` is not an envelope).
  static std::string KidOf(std::string_view text);
  static bool IsEnvelope(std::string_view text) {
    return text.substr(0, sizeof kEnvelopePrefix - 1) == kEnvelopePrefix;
  }

  // The blind index of `value` in `column` ("person.id_number"): 32 hex digits, equal for equal
  // (column, value) and unrelated across columns.
  std::string BlindIndex(std::string_view column, std::string_view value) const;

  const std::string& current_kid() const { return keys_[current_].kid; }
  bool HasKey(const std::string& kid) const { return Find(kid) != nullptr; }

 private:
  struct Key {
    std::string kid;
    std::string enc;  // 16 bytes
    std::string mac;  // 32 bytes
  };
  struct Contexts;  // OpenSSL contexts keyed with every key of the ring (field_cipher.cc)
  class Borrowed;   // a set of them taken from the pool for one call

  // The key named `kid`, null when the ring has none.
  const Key* Find(std::string_view kid) const;
  std::unique_ptr<Contexts> Take() const;
  void Give(std::unique_ptr<Contexts> contexts) const;

  std::vector<Key> keys_;
  size_t current_ = 0;  // the key that encrypts: the last one
  std::string index_key_;
  mutable std::mutex pool_mu_;
  mutable std::vector<std::unique_ptr<Contexts>> pool_;  // guarded by pool_mu_
};

}  // namespace onetable

#endif  // ONETABLE_CRYPTO_FIELD_CIPHER_H_
