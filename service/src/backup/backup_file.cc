#include "backup/backup_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace onetable {
namespace {

constexpr char kMagic[] = "ONETABLE-BACKUP\n";  // 16 bytes without the NUL
constexpr size_t kMagicBytes = 16;
constexpr char kVersion = 1;
constexpr size_t kCheckBytes = 16;
constexpr size_t kHeaderBytes = kMagicBytes + 1 + kCheckBytes + kSm4BlockBytes;
constexpr size_t kChunk = 1 << 16;

std::string EncKey(const std::string& key) { return DeriveKey(key, "backup-enc", kSm4KeyBytes); }
std::string MacKey(const std::string& key) { return DeriveKey(key, "backup-mac", kSm3Bytes); }
std::string KeyCheck(const std::string& key) {
  return DeriveKey(key, "backup-check", kCheckBytes);
}

std::string Errno() { return std::strerror(errno); }

Status Damaged(const std::string& path, const std::string& why) {
  return Status::Invalid("备份文件 " + path + " 已损坏或被截断（" + why +
                         "）：请换用另一份备份");
}

}  // namespace

BackupFileWriter::BackupFileWriter(std::string path, std::string temp, std::FILE* file,
                                   const std::string& key, const std::string& iv)
    : path_(std::move(path)),
      temp_(std::move(temp)),
      file_(file),
      cipher_(EncKey(key), iv),
      mac_(MacKey(key)) {}

Result<std::unique_ptr<BackupFileWriter>> BackupFileWriter::Create(const std::string& path,
                                                                   const std::string& key) {
  if (!HasSmAlgorithms()) return Status::Internal("本机的 OpenSSL 不支持 SM4/SM3，无法加密备份");
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty()) return Status::Invalid("备份路径不是文件：" + path);
  std::string pattern = dir + "." + name + ".tmp-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  const int fd = ::mkstemp(buf.data());  // mode 0600
  if (fd < 0) return Status::Invalid("无法在备份目录创建文件 " + path + "：" + Errno());
  std::FILE* file = ::fdopen(fd, "wb");
  if (file == nullptr) {
    ::close(fd);
    ::unlink(buf.data());
    return Status::Invalid("无法写入备份文件 " + path);
  }
  ASSIGN_OR_RETURN(std::string iv, RandomBytes(kSm4BlockBytes));
  std::unique_ptr<BackupFileWriter> w(
      new BackupFileWriter(path, std::string(buf.data()), file, key, iv));
  if (!w->cipher_.ok() || !w->mac_.ok()) return Status::Internal("无法初始化 SM4/SM3");
  std::string header(kMagic, kMagicBytes);
  header.push_back(kVersion);
  header += KeyCheck(key);
  header += iv;
  RETURN_IF_ERROR(w->Put(header));
  return w;
}

BackupFileWriter::~BackupFileWriter() {
  if (file_ != nullptr) std::fclose(file_);
  if (!finished_) ::unlink(temp_.c_str());
}

Status BackupFileWriter::Put(std::string_view bytes) {
  mac_.Update(bytes);
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return Status::Internal("写入备份文件 " + path_ + " 失败：" + Errno());
  }
  return Status::Ok();
}

Status BackupFileWriter::Write(std::string_view plaintext) {
  buffer_.clear();
  cipher_.Update(plaintext, &buffer_);
  if (!cipher_.ok()) return Status::Internal("SM4 加密失败");
  return Put(buffer_);
}

Status BackupFileWriter::Finish() {
  const std::string mac = mac_.Final();
  if (mac.empty()) return Status::Internal("HMAC-SM3 计算失败");
  if (std::fwrite(mac.data(), 1, mac.size(), file_) != mac.size() || std::fflush(file_) != 0 ||
      ::fsync(::fileno(file_)) != 0) {
    return Status::Internal("写入备份文件 " + path_ + " 失败：" + Errno());
  }
  std::fclose(file_);
  file_ = nullptr;
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    return Status::Internal("无法写入备份文件 " + path_ + "：" + Errno());
  }
  finished_ = true;
  const size_t slash = path_.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

BackupFileReader::BackupFileReader(std::string path, std::FILE* file, const std::string& key,
                                   const std::string& iv, uint64_t ciphertext_bytes)
    : path_(std::move(path)),
      file_(file),
      cipher_(EncKey(key), iv),
      remaining_(ciphertext_bytes) {}

BackupFileReader::~BackupFileReader() {
  if (file_ != nullptr) std::fclose(file_);
}

Result<std::unique_ptr<BackupFileReader>> BackupFileReader::Open(const std::string& path,
                                                                 const std::string& key) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Status::NotFound("无法打开备份文件 " + path + "：" + Errno());
  struct stat st {};
  ::fstat(::fileno(file), &st);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  std::string header(kHeaderBytes, '\0');
  const size_t got = std::fread(header.data(), 1, header.size(), file);
  const auto fail = [&](Status s) -> Result<std::unique_ptr<BackupFileReader>> {
    std::fclose(file);
    return s;
  };
  if (got < kMagicBytes + 1 || header.compare(0, kMagicBytes, kMagic, kMagicBytes) != 0) {
    return fail(Status::Invalid(path + " 不是 onetable 备份文件"));
  }
  if (header[kMagicBytes] != kVersion) {
    return fail(Status::Invalid("备份文件 " + path + " 的格式版本 " +
                                std::to_string(static_cast<int>(header[kMagicBytes])) +
                                " 不受本程序支持"));
  }
  if (got < kHeaderBytes || size < kHeaderBytes + kSm3Bytes) {
    return fail(Damaged(path, "文件过短"));
  }
  if (!ConstantTimeEqual(header.substr(kMagicBytes + 1, kCheckBytes), KeyCheck(key))) {
    return fail(Status::Invalid("备份密钥不符：备份文件 " + path +
                                " 不是用当前配置的备份密钥加密的（请检查 backup_key_file）"));
  }
  // First pass: the MAC over everything, before anything is decrypted for use.
  HmacSm3 mac(MacKey(key));
  mac.Update(header);
  uint64_t left = size - kHeaderBytes - kSm3Bytes;
  std::string chunk(kChunk, '\0');
  while (left > 0) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(left, kChunk));
    if (std::fread(chunk.data(), 1, want, file) != want) return fail(Damaged(path, "读取失败"));
    mac.Update(std::string_view(chunk.data(), want));
    left -= want;
  }
  std::string stored(kSm3Bytes, '\0');
  if (std::fread(stored.data(), 1, kSm3Bytes, file) != kSm3Bytes) {
    return fail(Damaged(path, "读取失败"));
  }
  const std::string computed = mac.Final();
  if (computed.empty()) return fail(Status::Internal("HMAC-SM3 计算失败"));
  if (!ConstantTimeEqual(computed, stored)) return fail(Damaged(path, "校验值不符"));
  if (std::fseek(file, static_cast<long>(kHeaderBytes), SEEK_SET) != 0) {
    return fail(Damaged(path, "读取失败"));
  }
  std::unique_ptr<BackupFileReader> r(new BackupFileReader(
      path, file, key, header.substr(kMagicBytes + 1 + kCheckBytes, kSm4BlockBytes),
      size - kHeaderBytes - kSm3Bytes));
  if (!r->cipher_.ok()) return Status::Internal("无法初始化 SM4");
  return r;
}

Status BackupFileReader::Read(size_t n, std::string* out) {
  out->clear();
  while (out->size() < n) {
    if (pending_at_ == pending_.size()) {
      if (remaining_ == 0) return Damaged(path_, "内容不完整");
      const size_t want = static_cast<size_t>(std::min<uint64_t>(remaining_, kChunk));
      std::string chunk(want, '\0');
      if (std::fread(chunk.data(), 1, want, file_) != want) return Damaged(path_, "读取失败");
      remaining_ -= want;
      pending_.clear();
      pending_at_ = 0;
      cipher_.Update(chunk, &pending_);
      if (!cipher_.ok()) return Status::Internal("SM4 解密失败");
    }
    const size_t take = std::min(n - out->size(), pending_.size() - pending_at_);
    out->append(pending_, pending_at_, take);
    pending_at_ += take;
  }
  return Status::Ok();
}

}  // namespace onetable
