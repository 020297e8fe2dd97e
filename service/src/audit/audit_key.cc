#include "audit/audit_key.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <sstream>

#include "crypto/key_file.h"
#include "crypto/sm_crypto.h"

namespace onetable {
namespace {

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

const char kWhat[] = "审计密钥";

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
  return ok ? HexEncode(std::string_view(reinterpret_cast<const char*>(out), out_len)) : "";
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
  Result<std::string> content = ReadSecretFile(path, kWhat);
  if (content.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("审计密钥文件 " + path +
                            " 不存在：请运行 onetable init 生成，或在 onetable.yaml 的 "
                            "audit_key_file 中指定");
  }
  if (!content.ok()) return content.status();
  std::istringstream text(*content);
  std::string algorithm, hex, key;
  text >> algorithm >> hex;
  const char* digest = DigestOf(algorithm);
  if (digest == nullptr || hex.size() != kMasterKeyBytes * 2 || !HexDecode(hex, &key)) {
    return Status::Invalid("审计密钥文件 " + path + " 格式无效：应为一行“hmac-sm3 <64 位十六进制>”");
  }
  if (!HasDigest(digest)) {
    return Status::Invalid("审计密钥文件 " + path + " 使用 " + algorithm +
                           "，而本机的 OpenSSL 不支持该算法");
  }
  return std::make_unique<AuditKey>(algorithm, key);
}

Status CreateAuditKey(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, RandomBytes(kMasterKeyBytes));
  return WriteSecretFile(path, DefaultAuditAlgorithm() + " " + HexEncode(bytes) + "\n", kWhat,
                         /*replace=*/false);
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
