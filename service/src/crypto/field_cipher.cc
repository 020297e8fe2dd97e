#include "crypto/field_cipher.h"

#include <unistd.h>

#include <algorithm>
#include <optional>

#include "crypto/key_file.h"
#include "crypto/sm_crypto.h"
#include "model/base64.h"

namespace onetable {
namespace {

constexpr size_t kNonceBytes = kSm4BlockBytes;
constexpr size_t kTagBytes = 16;
constexpr size_t kPrefixBytes = sizeof kEnvelopePrefix - 1;

}  // namespace

// One SM4-CTR and one HMAC-SM3 context per key (in keys_'s order) and one HMAC-SM3 context for
// the blind index, each keyed once; a call restarts the ones it uses.
//
// Nonces come from a block of CSPRNG output drawn 256 nonces at a time: each RAND_bytes call
// costs about as much as the rest of sealing a short value (OpenSSL 3.0's CTR-DRBG sets up a new
// AES key on every call), and a nonce drawn ahead is as unpredictable and as unique as one drawn
// on demand (it is stored in clear; it needs only never to repeat). A block is never used after a
// fork (the pid is checked), so that parent and child never seal with the same nonces.
struct FieldCipher::Contexts {
  static constexpr size_t kNoncesPerDraw = 256;
  std::vector<std::unique_ptr<Sm4Ctr>> ctr;
  std::vector<std::unique_ptr<HmacSm3>> mac;
  std::unique_ptr<HmacSm3> index;
  char nonces[kNoncesPerDraw * kNonceBytes];
  size_t nonces_left = 0;
  pid_t drawn_by = 0;

  // The next unused nonce into `out`; false when OpenSSL has no randomness.
  bool NextNonce(char* out) {
    const pid_t pid = getpid();
    if (nonces_left == 0 || drawn_by != pid) {
      if (!FillRandom(nonces, sizeof nonces)) {
        nonces_left = 0;
        return false;
      }
      nonces_left = kNoncesPerDraw;
      drawn_by = pid;
    }
    char* next = nonces + (kNoncesPerDraw - nonces_left) * kNonceBytes;
    std::copy(next, next + kNonceBytes, out);
    --nonces_left;
    return true;
  }
};

class FieldCipher::Borrowed {
 public:
  explicit Borrowed(const FieldCipher& owner) : owner_(owner), contexts_(owner.Take()) {}
  ~Borrowed() { owner_.Give(std::move(contexts_)); }
  Borrowed(const Borrowed&) = delete;
  Borrowed& operator=(const Borrowed&) = delete;
  Contexts* operator->() const { return contexts_.get(); }

 private:
  const FieldCipher& owner_;
  std::unique_ptr<Contexts> contexts_;
};

FieldCipher::FieldCipher(const std::vector<DataKey>& keys, std::string index_secret) {
  for (const DataKey& k : keys) {
    keys_.push_back({k.kid, DeriveKey(k.secret, "field sm4-ctr", kSm4KeyBytes),
                     DeriveKey(k.secret, "field hmac-sm3", kSm3Bytes)});
  }
  current_ = keys_.empty() ? 0 : keys_.size() - 1;
  index_key_ = DeriveKey(index_secret, "blind index hmac-sm3", kSm3Bytes);
}

FieldCipher::~FieldCipher() = default;

const FieldCipher::Key* FieldCipher::Find(std::string_view kid) const {
  // The last of equal ids, as a map filled in file order would hold (ids are distinct anyway).
  for (size_t i = keys_.size(); i-- > 0;) {
    if (keys_[i].kid == kid) return &keys_[i];
  }
  return nullptr;
}

std::unique_ptr<FieldCipher::Contexts> FieldCipher::Take() const {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (!pool_.empty()) {
      std::unique_ptr<Contexts> c = std::move(pool_.back());
      pool_.pop_back();
      return c;
    }
  }
  // A new set for a call running alongside the others (one set per concurrent caller at most).
  auto c = std::make_unique<Contexts>();
  for (const Key& k : keys_) {
    c->ctr.push_back(std::make_unique<Sm4Ctr>(k.enc));
    c->mac.push_back(std::make_unique<HmacSm3>(k.mac));
  }
  c->index = std::make_unique<HmacSm3>(index_key_);
  return c;
}

void FieldCipher::Give(std::unique_ptr<Contexts> contexts) const {
  std::lock_guard<std::mutex> lock(pool_mu_);
  pool_.push_back(std::move(contexts));
}

namespace {

// tag = HMAC-SM3(mac key, "enc1:" kid ":" nonce ciphertext), cut to 16 bytes, into `tag`.
bool Tag(HmacSm3& mac, std::string_view kid, std::string_view nonce_ct,
         unsigned char (&tag)[kSm3Bytes]) {
  if (!mac.Restart()) return false;
  mac.Update(std::string_view(kEnvelopePrefix, kPrefixBytes));
  mac.Update(kid);
  mac.Update(":");
  mac.Update(nonce_ct);
  return mac.FinalTo(tag);
}

}  // namespace

Result<std::string> FieldCipher::Encrypt(std::string_view plain) const {
  const Key& key = keys_[current_];
  // nonce | ciphertext | tag, built in place.
  std::string body(kNonceBytes + plain.size() + kTagBytes, '\0');
  Borrowed c(*this);
  // Never a nonce used before: without randomness nothing is written.
  if (!c->NextNonce(body.data())) return Status::Internal("无法获取随机数，拒绝写入加密数据");
  Sm4Ctr& ctr = *c->ctr[current_];
  if (!ctr.Restart(std::string_view(body.data(), kNonceBytes)) ||
      !ctr.Transform(plain, body.data() + kNonceBytes)) {
    return Status::Internal("SM4 加密失败（OpenSSL）");
  }
  unsigned char tag[kSm3Bytes];
  if (!Tag(*c->mac[current_], key.kid, std::string_view(body.data(), kNonceBytes + plain.size()),
           tag)) {
    return Status::Internal("SM3 校验值计算失败（OpenSSL）");
  }
  std::copy(tag, tag + kTagBytes,
            body.begin() + static_cast<ptrdiff_t>(kNonceBytes + plain.size()));
  std::string out;
  out.reserve(kPrefixBytes + key.kid.size() + 1 + (body.size() + 2) / 3 * 4);
  out.append(kEnvelopePrefix, kPrefixBytes);
  out += key.kid;
  out.push_back(':');
  AppendBase64(body, &out);
  return out;
}

std::string FieldCipher::KidOf(std::string_view text) {
  if (!IsEnvelope(text)) return "";
  text.remove_prefix(kPrefixBytes);
  const size_t colon = text.find(':');
  return colon == std::string_view::npos ? "" : std::string(text.substr(0, colon));
}

Result<std::string> FieldCipher::Decrypt(std::string_view envelope) const {
  auto damaged = [] { return Status::Internal("加密数据校验失败：该值已被篡改或损坏，拒绝读取"); };
  if (!IsEnvelope(envelope)) return damaged();
  std::string_view rest = envelope.substr(kPrefixBytes);
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return damaged();
  const std::string_view kid = rest.substr(0, colon);
  const Key* key = Find(kid);
  if (key == nullptr) {
    return Status::Precondition("数据由密钥 “" + std::string(kid) +
                                "” 加密，而密钥文件中没有该密钥：请检查 data_key_file 或 "
                                "data_key_env 是否指向本登记库的密钥文件");
  }
  // Only the canonical spelling: base64's last character before '=' has spare bits a decoder
  // ignores, and a changed stored value must never read as the original.
  std::optional<std::string> body = Base64DecodeCanonical(rest.substr(colon + 1));
  if (!body || body->size() < kNonceBytes + kTagBytes) return damaged();
  const std::string_view all(*body);
  const std::string_view nonce_ct = all.substr(0, all.size() - kTagBytes);
  const size_t slot = static_cast<size_t>(key - keys_.data());
  Borrowed c(*this);
  unsigned char expected[kSm3Bytes];
  // An OpenSSL failure is refused like a wrong tag, never read as a value.
  if (!Tag(*c->mac[slot], kid, nonce_ct, expected) ||
      !ConstantTimeEqual(std::string_view(reinterpret_cast<const char*>(expected), kTagBytes),
                         all.substr(nonce_ct.size()))) {
    return damaged();
  }
  // The tag holds: decrypt the ciphertext in place (OpenSSL allows out == in, not a partial
  // overlap), then drop the nonce before it and the tag after it.
  Sm4Ctr& ctr = *c->ctr[slot];
  const std::string_view ct = nonce_ct.substr(kNonceBytes);
  if (!ctr.Restart(nonce_ct.substr(0, kNonceBytes)) ||
      !ctr.Transform(ct, body->data() + kNonceBytes)) {
    return Status::Internal("SM4 解密失败（OpenSSL）");
  }
  body->resize(kNonceBytes + ct.size());
  body->erase(0, kNonceBytes);
  return std::move(*body);
}

std::string FieldCipher::BlindIndex(std::string_view column, std::string_view value) const {
  Borrowed c(*this);
  HmacSm3& mac = *c->index;
  unsigned char out[kSm3Bytes];
  mac.Restart();
  mac.Update(column);
  mac.Update(std::string_view("\0", 1));
  mac.Update(value);
  // An OpenSSL failure gives "": it matches no stored index and seals nothing findable.
  if (!mac.FinalTo(out)) return "";
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), 16));
}

}  // namespace onetable
