#include "audit/audit_key.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace onetable {
namespace fs = std::filesystem;
namespace {

constexpr size_t kKeyBytes = 32;

const char* DigestOf(std::string_view algorithm) {
  if (algorithm == "hmac-sm3") return "SM3";
  if (algorithm == "hmac-sha256") return "SHA256";
  return nullptr;
}

bool HasDigest(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) return false;
  EVP_MD_free(md);
  return true;
}

std::string Hex(const unsigned char* bytes, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 15]);
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void Field(std::string* out, std::string_view value) {
  *out += std::to_string(value.size());
  out->push_back(':');
  out->append(value.data(), value.size());
  out->push_back(',');
}

}  // namespace

std::string DefaultAuditAlgorithm() { return HasDigest("SM3") ? "hmac-sm3" : "hmac-sha256"; }

std::string AuditKey::Mac(std::string_view message) const {
  const char* digest = DigestOf(algorithm_);
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr || digest == nullptr) {
    EVP_MAC_free(mac);
    return "";
  }
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t out_len = 0;
  const bool ok = ctx != nullptr &&
                  EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key_.data()),
                               key_.size(), params) == 1 &&
                  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(message.data()),
                                 message.size()) == 1 &&
                  EVP_MAC_final(ctx, out, &out_len, sizeof out) == 1;
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  // An empty MAC never verifies, so a failure here shows up as a broken chain, not a silent one.
  return ok ? Hex(out, out_len) : "";
}

std::string AuditKey::SealEntry(const AuditEntry& e, std::string_view prev_mac) const {
  std::string m = "onetable-audit-v1,";
  Field(&m, std::to_string(e.seq));
  for (const std::string* f : {&e.at, &e.user, &e.role, &e.source_addr, &e.action, &e.object,
                               &e.result, &e.request_id, &e.detail}) {
    Field(&m, *f);
  }
  Field(&m, prev_mac);
  return Mac(m);
}

std::string AuditKey::SealMark(std::string_view name, int64_t seq, std::string_view mac) const {
  std::string m = "onetable-audit-mark-v1,";
  Field(&m, name);
  Field(&m, std::to_string(seq));
  Field(&m, mac);
  return Mac(m);
}

Result<std::unique_ptr<AuditKey>> LoadAuditKey(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return Status::NotFound("审计密钥文件 " + path +
                            " 不存在：请运行 onetable init 生成，或在 onetable.yaml 的 "
                            "audit_key_file 中指定");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::Invalid("无法读取审计密钥文件 " + path);
  std::string algorithm, hex;
  text >> algorithm >> hex;
  const Status bad =
      Status::Invalid("审计密钥文件 " + path + " 格式无效：应为一行“hmac-sm3 <64 位十六进制>”");
  const char* digest = DigestOf(algorithm);
  if (digest == nullptr || hex.size() != kKeyBytes * 2) return bad;
  if (!HasDigest(digest)) {
    return Status::Invalid("审计密钥文件 " + path + " 使用 " + algorithm +
                           "，而本机的 OpenSSL 不支持该算法");
  }
  std::string key;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return bad;
    key.push_back(static_cast<char>(hi * 16 + lo));
  }
  return std::make_unique<AuditKey>(algorithm, key);
}

Status CreateAuditKey(const std::string& path) {
  unsigned char bytes[kKeyBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Status::Internal("无法获取随机数");
  std::error_code ec;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Exists("审计密钥文件 " + path + " 已存在");
    return Status::Invalid("无法创建审计密钥文件 " + path);
  }
  const std::string line = DefaultAuditAlgorithm() + " " + Hex(bytes, sizeof bytes) + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    fs::remove(path, ec);
    return Status::Invalid("无法写入审计密钥文件 " + path);
  }
  return Status::Ok();
}

Result<std::unique_ptr<AuditKey>> OpenAuditKey(const std::string& path, AuditStore& store) {
  Result<std::unique_ptr<AuditKey>> key = LoadAuditKey(path);
  if (key.ok() || key.status().code() != StatusCode::kNotFound) return key;
  ASSIGN_OR_RETURN(AuditChainState chain, store.GetAuditChain());
  if (!chain.head.seal.empty() || !chain.anchor.seal.empty()) {
    return Status::Precondition("审计密钥文件 " + path +
                                " 不存在，而登记库中已有加封的审计记录：请恢复原密钥文件"
                                "（新密钥会使全部已有记录校验失败）");
  }
  Status created = CreateAuditKey(path);
  if (!created.ok() && created.code() != StatusCode::kAlreadyExists) return created;
  return LoadAuditKey(path);
}

}  // namespace onetable
