#include "auth/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <vector>

namespace onetable {
namespace {

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

bool Unbase64(const std::string& in, std::vector<unsigned char>* out) {
  if (in.empty() || in.size() % 4 != 0) return false;
  out->assign(3 * in.size() / 4 + 1, 0);
  int len = EVP_DecodeBlock(out->data(), reinterpret_cast<const unsigned char*>(in.data()),
                            static_cast<int>(in.size()));
  if (len < 0) return false;
  size_t pad = 0;
  if (in.size() >= 1 && in[in.size() - 1] == '=') ++pad;
  if (in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
  out->resize(static_cast<size_t>(len) - pad);
  return true;
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
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + Base64(salt, sizeof salt) + "$" +
         Base64(hash, sizeof hash);
}

bool VerifyPassword(const std::string& password, const std::string& encoded) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t pos = encoded.find('$', start);
    parts.push_back(encoded.substr(start, pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  if (parts.size() != 4 || parts[0] != "pbkdf2-sha256") return false;
  int iterations = 0;
  for (char c : parts[1]) {
    if (c < '0' || c > '9' || iterations > 100000000) return false;
    iterations = iterations * 10 + (c - '0');
  }
  std::vector<unsigned char> salt, expected;
  if (iterations <= 0 || !Unbase64(parts[2], &salt) || !Unbase64(parts[3], &expected) ||
      expected.empty()) {
    return false;
  }
  std::vector<unsigned char> actual(expected.size());
  if (!Derive(password, salt.data(), salt.size(), iterations, actual.data(), actual.size())) {
    return false;
  }
  return CRYPTO_memcmp(actual.data(), expected.data(), expected.size()) == 0;
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

std::string PasswordWeakness(const std::string& password) {
  bool letter = false, digit = false;
  for (char c : password) {
    letter = letter || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    digit = digit || (c >= '0' && c <= '9');
  }
  if (password.size() < 10) return "密码至少需要 10 个字符";
  if (!letter || !digit) return "密码需要同时包含字母和数字";
  return "";
}

}  // namespace onetable
