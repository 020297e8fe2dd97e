#include "crypto/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/sm_crypto.h"

namespace onetable {
namespace fs = std::filesystem;
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Creates `path` (O_EXCL, 0600) holding `text`, fsync'd; removes it again when writing fails.
Status WriteNew(const std::string& path, const std::string& text, const std::string& what) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Exists(what + "文件 " + path + " 已存在");
    return Status::Invalid("无法创建" + what + "文件 " + path);
  }
  const bool ok = ::fchmod(fd, 0600) == 0 &&
                  ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    std::error_code ec;
    fs::remove(path, ec);
    return Status::Invalid("无法写入" + what + "文件 " + path);
  }
  return Status::Ok();
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 15]);
  }
  return hex;
}

bool HexDecode(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes.push_back(static_cast<char>(hi * 16 + lo));
  }
  *out = std::move(bytes);
  return true;
}

Result<std::string> ReadSecretFile(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::NotFound(what + "文件 " + path + " 不存在");
  }
  if ((st.st_mode & 077) != 0) {
    return Status::Invalid(what + "文件 " + path + " 的权限过宽（其他用户可读）：请执行 chmod 600 " +
                           path);
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::Invalid("无法读取" + what + "文件 " + path);
  return text.str();
}

Status WriteSecretFile(const std::string& path, const std::string& text, const std::string& what,
                       bool replace) {
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::exists(parent)) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    fs::permissions(parent, fs::perms::owner_all, ec);
  }
  if (!replace) return WriteNew(path, text, what);
  const std::string tmp = path + ".new";
  std::error_code ec;
  fs::remove(tmp, ec);  // left by a run that died between writing and renaming
  RETURN_IF_ERROR(WriteNew(tmp, text, what));
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::Invalid("无法替换" + what + "文件 " + path);
  }
  return Status::Ok();
}

Result<std::string> LoadKeyFile(const std::string& path, const std::string& algorithm,
                                const std::string& what) {
  ASSIGN_OR_RETURN(std::string content, ReadSecretFile(path, what));
  std::istringstream text(content);
  std::string name, hex;
  text >> name >> hex;
  const Status bad = Status::Invalid(what + "文件 " + path + " 格式无效：应为一行“" + algorithm +
                                     " <64 位十六进制>”");
  std::string key;
  if (name != algorithm || hex.size() != kMasterKeyBytes * 2 || !HexDecode(hex, &key)) return bad;
  return key;
}

Status CreateKeyFile(const std::string& path, const std::string& algorithm,
                     const std::string& what) {
  ASSIGN_OR_RETURN(std::string bytes, RandomBytes(kMasterKeyBytes));
  return WriteSecretFile(path, algorithm + " " + HexEncode(bytes) + "\n", what, false);
}

}  // namespace onetable
