#include "auth/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <optional>
#include <vector>

#include "model/base64.h"
#include "onetable/text.h"

namespace onetable {
namespace {

std::string_view AsBytes(const unsigned char* data, size_t n) {
  return std::string_view(reinterpret_cast<const char*>(data), n);
}

bool Derive(const std::string& password, const unsigned char* salt, size_t salt_len, int iterations,
            unsigned char* out, size_t out_len) {
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt,
                           static_cast<int>(salt_len), iterations, EVP_sha256(),
                           static_cast<int>(out_len), out) == 1;
}

}  // namespace

Result<std::string> HashPassword(const std::string& password, int iterations) {
  unsigned char salt[16];
  unsigned char hash[32];
  if (RAND_bytes(salt, sizeof salt) != 1) return Status::Internal("无法获取随机数");
  if (!Derive(password, salt, sizeof salt, iterations, hash, sizeof hash)) {
    return Status::Internal("密码散列计算失败");
  }
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" +
         Base64Encode(AsBytes(salt, sizeof salt)) + "$" + Base64Encode(AsBytes(hash, sizeof hash));
}

bool VerifyPassword(const std::string& password, const std::string& encoded) {
  const std::vector<std::string_view> parts = Split(encoded, '$');
  if (parts.size() != 4 || parts[0] != "pbkdf2-sha256") return false;
  int iterations = 0;
  for (char c : parts[1]) {
    if (c < '0' || c > '9' || iterations > 100000000) return false;
    iterations = iterations * 10 + (c - '0');
  }
  const std::optional<std::string> salt = Base64Decode(parts[2]);
  const std::optional<std::string> expected = Base64Decode(parts[3]);
  if (iterations <= 0 || !salt || !expected || expected->empty()) return false;
  std::vector<unsigned char> actual(expected->size());
  if (!Derive(password, reinterpret_cast<const unsigned char*>(salt->data()), salt->size(),
              iterations, actual.data(), actual.size())) {
    return false;
  }
  return CRYPTO_memcmp(actual.data(), expected->data(), expected->size()) == 0;
}

Result<std::string> RandomPassword(int length) {
  static const char kAlphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  constexpr size_t kSize = sizeof(kAlphabet) - 1;
  std::string out;
  while (static_cast<int>(out.size()) < length) {
    unsigned char b;
    if (RAND_bytes(&b, 1) != 1) return Status::Internal("无法获取随机数");
    if (b >= 256 - 256 % kSize) continue;  // reject to keep the choice uniform
    out.push_back(kAlphabet[b % kSize]);
  }
  // Guarantee the mix PasswordWeakness asks for.
  out[0] = kAlphabet[out[0] % 24];      // a lower-case letter
  out[1] = kAlphabet[48 + out[1] % 8];  // a digit
  return out;
}

}  // namespace onetable
