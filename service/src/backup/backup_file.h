// The backup file: an encrypted, checksummed container for the bytes of a store dump
// (backup/store_dump.h). Layout:
//
//   "ONETABLE-BACKUP\n" (16)  version (1 byte, = 1)  key check (16)  IV (16)
//   SM4-CTR ciphertext ...    HMAC-SM3 (32) over everything before it
//
// under subkeys of the 32-byte backup key (crypto/sm_crypto.h DeriveKey: "backup-enc",
// "backup-mac", "backup-check"). The key check tells a wrong key ("备份密钥不符") apart from a
// damaged or truncated file ("已损坏或被截断"); the MAC is checked over the whole file before a
// single byte is decrypted for use, so a restore never acts on altered data.
//
// The writer writes a temporary file (mode 0600) beside the target and renames it in on Finish;
// a writer dropped before Finish leaves nothing. Thread-safety: one thread per object.
#ifndef ONETABLE_BACKUP_BACKUP_FILE_H_
#define ONETABLE_BACKUP_BACKUP_FILE_H_

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/sm_crypto.h"
#include "onetable/status.h"

namespace onetable {

class BackupFileWriter {
 public:
  // Starts `path` under `key` (32 bytes). Fails when the directory cannot be written.
  static Result<std::unique_ptr<BackupFileWriter>> Create(const std::string& path,
                                                          const std::string& key);
  ~BackupFileWriter();
  BackupFileWriter(const BackupFileWriter&) = delete;
  BackupFileWriter& operator=(const BackupFileWriter&) = delete;

  Status Write(std::string_view plaintext);
  // Appends the MAC, syncs, renames the file into place, syncs the directory.
  Status Finish();

 private:
  BackupFileWriter(std::string path, std::string temp, std::FILE* file, const std::string& key,
                   const std::string& iv);
  Status Put(std::string_view bytes);  // to the file and the MAC

  std::string path_, temp_;
  std::FILE* file_;
  Sm4Ctr cipher_;
  HmacSm3 mac_;
  std::string buffer_;
  bool finished_ = false;
};

class BackupFileReader {
 public:
  // Opens `path` and checks it whole: kInvalidArgument "…不是 onetable 备份文件" (bad magic or
  // version), "备份密钥不符…" (the key check), "…已损坏或被截断…" (MAC or length). `key` 32 bytes.
  static Result<std::unique_ptr<BackupFileReader>> Open(const std::string& path,
                                                        const std::string& key);
  ~BackupFileReader();
  BackupFileReader(const BackupFileReader&) = delete;
  BackupFileReader& operator=(const BackupFileReader&) = delete;

  // Exactly `n` plaintext bytes into `out`; kInvalidArgument when the file ends first.
  Status Read(size_t n, std::string* out);
  // Whether every plaintext byte has been read.
  bool AtEnd() const { return remaining_ == 0 && pending_.size() == pending_at_; }

 private:
  BackupFileReader(std::string path, std::FILE* file, const std::string& key,
                   const std::string& iv, uint64_t ciphertext_bytes);

  std::string path_;
  std::FILE* file_;
  Sm4Ctr cipher_;
  uint64_t remaining_;  // ciphertext bytes not yet read from the file
  std::string pending_;
  size_t pending_at_ = 0;
};

}  // namespace onetable

#endif  // ONETABLE_BACKUP_BACKUP_FILE_H_
