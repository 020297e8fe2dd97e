#include "crypto/field_cipher.h"

#include "crypto/key_file.h"
#include "crypto/sm_crypto.h"
#include "model/base64.h"

namespace onetable {
namespace {

constexpr size_t kNonceBytes = kSm4BlockBytes;
constexpr size_t kTagBytes = 16;

// CTR is its own inverse: the same call encrypts and decrypts.
bool Sm4CtrXor(std::string_view key, std::string_view nonce, std::string_view in,
               std::string* out) {
  Sm4Ctr ctr(key, nonce);
  out->clear();
  ctr.Update(in, out);
  return ctr.ok() && out->size() == in.size();
}

}  // namespace

FieldCipher::FieldCipher(const std::vector<DataKey>& keys, std::string index_secret) {
  for (const DataKey& k : keys) {
    Derived d;
    d.enc = DeriveKey(k.secret, "field sm4-ctr", kSm4KeyBytes);
    d.mac = DeriveKey(k.secret, "field hmac-sm3", kSm3Bytes);
    keys_[k.kid] = std::move(d);
    current_ = k.kid;
  }
  index_key_ = DeriveKey(index_secret, "blind index hmac-sm3", kSm3Bytes);
}

std::string FieldCipher::Tag(const Derived& key, std::string_view kid,
                             std::string_view nonce_ct) const {
  std::string m = kEnvelopePrefix;
  m.append(kid.data(), kid.size());
  m.push_back(':');
  m.append(nonce_ct.data(), nonce_ct.size());
  // An empty MAC (OpenSSL failed) never matches a stored tag: refused, never silent.
  return HmacSm3Of(key.mac, m).substr(0, kTagBytes);
}

Result<std::string> FieldCipher::Encrypt(std::string_view plain) const {
  const Derived& key = keys_.at(current_);
  Result<std::string> nonce = RandomBytes(kNonceBytes);
  // Never a nonce used before: without randomness nothing is written.
  if (!nonce.ok()) return Status::Internal("无法获取随机数，拒绝写入加密数据");
  std::string body = std::move(*nonce);
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
  if (kid.empty()) return damaged;
  auto it = keys_.find(kid);
  if (it == keys_.end()) {
    return Status::Precondition("数据由密钥 “" + kid +
                                "” 加密，而密钥文件中没有该密钥：请检查 data_key_file 或 "
                                "data_key_env 是否指向本登记库的密钥文件");
  }
  const std::string_view text = envelope.substr(sizeof kEnvelopePrefix - 1 + kid.size() + 1);
  std::optional<std::string> body = Base64Decode(text);
  if (!body || body->size() < kNonceBytes + kTagBytes) return damaged;
  // Only the canonical spelling: base64's last character before '=' has spare bits a decoder
  // ignores, and a changed stored value must never read as the original.
  if (Base64Encode(*body) != text) return damaged;
  const std::string_view all(*body);
  const std::string_view nonce_ct = all.substr(0, all.size() - kTagBytes);
  const std::string expected = Tag(it->second, kid, nonce_ct);
  if (expected.size() != kTagBytes || !ConstantTimeEqual(expected, all.substr(nonce_ct.size()))) {
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
  return HexEncode(HmacSm3Of(index_key_, m).substr(0, 16));
}

}  // namespace onetable
