#include "crypto/sm_crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

namespace onetable {
namespace {

// Fetched once and kept: EVP_*_fetch costs far more than the work on one short value (a field
// sealed at rest), and a fetched algorithm may be shared by any number of threads.
EVP_CIPHER* Sm4CtrAlgorithm() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "SM4-CTR", nullptr);
  return cipher;
}
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

}  // namespace

Sm4Ctr::Sm4Ctr(std::string_view key) {
  if (key.size() != kSm4KeyBytes) return;
  EVP_CIPHER* cipher = Sm4CtrAlgorithm();
  ctx_ = EVP_CIPHER_CTX_new();
  const unsigned char zero[kSm4BlockBytes] = {};
  keyed_ = ok_ =
      cipher != nullptr && ctx_ != nullptr &&
      EVP_EncryptInit_ex2(ctx_, cipher, reinterpret_cast<const unsigned char*>(key.data()), zero,
                          nullptr) == 1;
}

Sm4Ctr::Sm4Ctr(std::string_view key, std::string_view iv) : Sm4Ctr(key) { Restart(iv); }

Sm4Ctr::~Sm4Ctr() { EVP_CIPHER_CTX_free(ctx_); }

bool Sm4Ctr::Restart(std::string_view iv) {
  // No cipher and no key: OpenSSL keeps the key schedule and resets the counter and the unused
  // keystream of the previous message (the provider's init with a null key).
  ok_ = keyed_ && iv.size() == kSm4BlockBytes &&
        EVP_EncryptInit_ex2(ctx_, nullptr, nullptr,
                            reinterpret_cast<const unsigned char*>(iv.data()), nullptr) == 1;
  return ok_;
}

bool Sm4Ctr::Transform(std::string_view in, char* out) {
  if (!ok_) return false;
  if (in.empty()) return true;
  int written = 0;
  if (EVP_EncryptUpdate(ctx_, reinterpret_cast<unsigned char*>(out), &written,
                        reinterpret_cast<const unsigned char*>(in.data()),
                        static_cast<int>(in.size())) != 1 ||
      static_cast<size_t>(written) != in.size()) {
    ok_ = false;
  }
  return ok_;
}

void Sm4Ctr::Update(std::string_view in, std::string* out) {
  if (!ok_ || in.empty()) return;
  const size_t at = out->size();
  out->resize(at + in.size() + kSm4BlockBytes);
  int written = 0;
  if (EVP_EncryptUpdate(ctx_, reinterpret_cast<unsigned char*>(&(*out)[at]), &written,
                        reinterpret_cast<const unsigned char*>(in.data()),
                        static_cast<int>(in.size())) != 1) {
    ok_ = false;
    written = 0;
  }
  out->resize(at + static_cast<size_t>(written));
}

HmacSm3::HmacSm3(std::string_view key) {
  EVP_MAC* mac = HmacAlgorithm();
  if (mac == nullptr) return;
  ctx_ = EVP_MAC_CTX_new(mac);
  char digest[] = "SM3";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  keyed_ = ok_ =
      ctx_ != nullptr && EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key.data()),
                                      key.size(), params) == 1;
}

HmacSm3::~HmacSm3() { EVP_MAC_CTX_free(ctx_); }

bool HmacSm3::Restart() {
  // A null key re-initialises with the key already set (OpenSSL 3.0.3 and later: HMAC starts
  // again from the stored inner and outer states).
  ok_ = keyed_ && EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1;
  return ok_;
}

void HmacSm3::Update(std::string_view data) {
  if (!ok_ || data.empty()) return;
  ok_ = EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

bool HmacSm3::FinalTo(unsigned char (&out)[kSm3Bytes]) {
  if (!ok_) return false;
  size_t n = 0;
  ok_ = EVP_MAC_final(ctx_, out, &n, sizeof out) == 1 && n == kSm3Bytes;
  return ok_;
}

std::string HmacSm3::Final() {
  unsigned char out[kSm3Bytes];
  if (!FinalTo(out)) return "";
  return std::string(reinterpret_cast<char*>(out), kSm3Bytes);
}

std::string HmacSm3Of(std::string_view key, std::string_view data) {
  HmacSm3 mac(key);
  mac.Update(data);
  return mac.Final();
}

std::string DeriveKey(std::string_view master, std::string_view purpose, size_t bytes) {
  std::string k = HmacSm3Of(master, "onetable-kdf-v1," + std::string(purpose));
  if (k.size() < bytes) return "";
  return k.substr(0, bytes);
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool FillRandom(char* out, size_t n) {
  return n == 0 || RAND_bytes(reinterpret_cast<unsigned char*>(out), static_cast<int>(n)) == 1;
}

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (!FillRandom(out.data(), n)) return Status::Internal("无法获取随机数");
  return out;
}

bool HasSmAlgorithms() {
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "SM4-CTR", nullptr);
  EVP_MD* md = EVP_MD_fetch(nullptr, "SM3", nullptr);
  const bool ok = cipher != nullptr && md != nullptr;
  EVP_CIPHER_free(cipher);
  EVP_MD_free(md);
  return ok;
}

}  // namespace onetable
