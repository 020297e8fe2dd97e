// The audit key: the secret that seals the audit log's hash chain (store/audit_store.h). It lives
// in a file of its own (onetable.yaml `audit_key_file`, default var/audit.key), never in the
// store, so whoever can write the database still cannot forge, alter or remove a record without
// `onetable audit verify` noticing. The file holds one line, "<algorithm> <64 hex digits>":
// "hmac-sm3" (GB/T 32905, through OpenSSL 3's EVP_MAC; the default) or "hmac-sha256" (where
// the OpenSSL build has no SM3). `onetable init` creates it (mode 0600) when it is missing.
//
// MAC input: a version tag and each field of the record as "<byte length>:<bytes>," (seq, at,
// user, role, source_addr, action, object, result, request_id, detail, then the previous MAC),
// so no two different records encode alike.
//
// Thread-safety: an AuditKey is immutable; its methods are safe from any thread.
#ifndef ONETABLE_AUDIT_AUDIT_KEY_H_
#define ONETABLE_AUDIT_AUDIT_KEY_H_

#include <memory>
#include <string>
#include <string_view>

#include "onetable/status.h"
#include "store/audit_store.h"

namespace onetable {

class AuditKey : public AuditSealer {
 public:
  // `algorithm` "hmac-sm3" or "hmac-sha256"; `key` the raw secret (32 bytes from a file).
  AuditKey(std::string algorithm, std::string key)
      : algorithm_(std::move(algorithm)), key_(std::move(key)) {}

  std::string SealEntry(const AuditEntry& entry, std::string_view prev_mac) const override;
  std::string SealMark(std::string_view name, int64_t seq, std::string_view mac) const override;

  const std::string& algorithm() const { return algorithm_; }

 private:
  std::string Mac(std::string_view message) const;
  std::string algorithm_;
  std::string key_;
};

// "hmac-sm3" when this OpenSSL has SM3, else "hmac-sha256".
std::string DefaultAuditAlgorithm();

// Reads the key file (crypto/key_file.h ReadSecretFile, as for the data and backup keys).
// kNotFound "审计密钥文件 … 不存在…" when missing; kInvalidArgument naming the file when others
// than its owner may read it, when it is not "<algorithm> <64 hex digits>", or when it names an
// algorithm this OpenSSL lacks.
Result<std::unique_ptr<AuditKey>> LoadAuditKey(const std::string& path);

// Creates a new random key file at `path` (missing parents 0700, the file 0600); refuses
// (kAlreadyExists) to replace an existing one.
Status CreateAuditKey(const std::string& path);

// The key for `store`: LoadAuditKey(path); when the file is missing and the store has never
// sealed a record (a fresh store, or one from before the chain), a new one is created first.
// When it is missing but records were sealed, kFailedPrecondition: a new key would make every
// earlier record look forged, so the old file must be restored.
Result<std::unique_ptr<AuditKey>> OpenAuditKey(const std::string& path, AuditStore& store);

}  // namespace onetable

#endif  // ONETABLE_AUDIT_AUDIT_KEY_H_
