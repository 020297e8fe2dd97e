#include "crypto/field_cipher.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "model/base64.h"

namespace onetable {
namespace {

constexpr size_t kNonceBytes = 16;
constexpr size_t kTagBytes = 16;

// Fetched once: EVP_*_fetch is far slower than the work on one short value.
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}
EVP_CIPHER* Sm4Ctr() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "SM4-CTR", nullptr);
  return cipher;
}

// CTR is its own inverse: the same call encrypts and decrypts.
bool Sm4CtrXor(std::string_view key, std::string_view nonce, std::string_view in,
               std::string* out) {
  EVP_CIPHER* cipher = Sm4Ctr();
  if (cipher == nullptr) return false;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return false;
  out->resize(in.size());
  int len = 0, tail = 0;
  const bool ok =
      EVP_EncryptInit_ex2(ctx, cipher, reinterpret_cast<const unsigned char*>(key.data()),
                          reinterpret_cast<const unsigned char*>(nonce.data()), nullptr) == 1 &&
      EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(out->data()), &len,
                        reinterpret_cast<const unsigned char*>(in.data()),
                        static_cast<int>(in.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out->data()) + len, &tail) == 1;
  EVP_CIPHER_CTX_free(ctx);
  return ok && static_cast<size_t>(len + tail) == in.size();
}

const char kHex[] = "0123456789abcdef";

}  // namespace

std::string HmacSm3(std::string_view key, std::string_view message) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(HmacAlgorithm());
  char digest[] = "SM3";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t out_len = 0;
  const bool ok = ctx != nullptr &&
                  EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()),
                               key.size(), params) == 1 &&
                  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(message.data()),
                                 message.size()) == 1 &&
                  EVP_MAC_final(ctx, out, &out_len, sizeof out) == 1;
  EVP_MAC_CTX_free(ctx);
  // An empty MAC never matches a stored tag, so a failure here is refused, never silent.
  return ok ? std::string(reinterpret_cast<char*>(out), out_len) : std::string();
}

FieldCipher::FieldCipher(const std::vector<DataKey>& keys, std::string index_secret) {
  for (const DataKey& k : keys) {
    Derived d;
    d.enc = HmacSm3(k.secret, "onetable sm4").substr(0, 16);
    d.mac = HmacSm3(k.secret, "onetable mac");
    keys_[k.kid] = std::move(d);
    current_ = k.kid;
  }
  index_key_ = HmacSm3(index_secret, "onetable blind index");
}

std::string FieldCipher::Tag(const Derived& key, std::string_view kid,
                             std::string_view nonce_ct) const {
  std::string m = kEnvelopePrefix;
  m.append(kid.data(), kid.size());
  m.push_back(':');
  m.append(nonce_ct.data(), nonce_ct.size());
  return HmacSm3(key.mac, m).substr(0, kTagBytes);
}

Result<std::string> FieldCipher::Encrypt(std::string_view plain) const {
  const Derived& key = keys_.at(current_);
  std::string body(kNonceBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(body.data()), kNonceBytes) != 1) {
    return Status::Internal("无法获取随机数，拒绝写入加密数据");  // never reuse a nonce
  }
  std::string ct;
  if (!Sm4CtrXor(key.enc, body, plain, &ct)) return Status::Internal("SM4 加密失败（OpenSSL）");
  body += ct;
  body += Tag(key, current_, body);
  return std::string(kEnvelopePrefix) + current_ + ":" + Base64Encode(body);
}

std::string FieldCipher::KidOf(std::string_view text) {
  if (!IsEnvelope(text)) return "";
  text.remove_prefix(sizeof kEnvelopePrefix - 1);
  const size_t colon = text.find(':');
  return colon == std::string_view::npos ? "" : std::string(text.substr(0, colon));
}

Result<std::string> FieldCipher::Decrypt(std::string_view envelope) const {
  const Status damaged = Status::Internal("加密数据校验失败：该值已被篡改或损坏，拒绝读取");
  if (!IsEnvelope(envelope)) return damaged;
  const std::string kid = KidOf(envelope);
  auto it = keys_.find(kid);
  if (it == keys_.end()) {
    return Status::Precondition("数据由密钥 “" + kid +
                                "” 加密，而密钥文件中没有该密钥：请检查 data_key_file 或 "
                                "data_key_env 是否指向本登记库的密钥文件");
  }
  std::optional<std::string> body =
      Base64Decode(envelope.substr(sizeof kEnvelopePrefix - 1 + kid.size() + 1));
  if (!body || body->size() < kNonceBytes + kTagBytes) return damaged;
  const std::string_view all(*body);
  const std::string_view nonce_ct = all.substr(0, all.size() - kTagBytes);
  const std::string expected = Tag(it->second, kid, nonce_ct);
  if (expected.size() != kTagBytes ||
      CRYPTO_memcmp(expected.data(), all.data() + nonce_ct.size(), kTagBytes) != 0) {
    return damaged;
  }
  std::string plain;
  if (!Sm4CtrXor(it->second.enc, nonce_ct.substr(0, kNonceBytes), nonce_ct.substr(kNonceBytes),
                 &plain)) {
    return Status::Internal("SM4 解密失败（OpenSSL）");
  }
  return plain;
}

std::string FieldCipher::BlindIndex(std::string_view column, std::string_view value) const {
  std::string m(column);
  m.push_back('\0');
  m.append(value.data(), value.size());
  const std::string mac = HmacSm3(index_key_, m);
  std::string hex;
  for (size_t i = 0; i < 16 && i < mac.size(); ++i) {
    hex.push_back(kHex[static_cast<unsigned char>(mac[i]) >> 4]);
    hex.push_back(kHex[static_cast<unsigned char>(mac[i]) & 15]);
  }
  return hex;
}

}  // namespace onetable
