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

}  // namespace

Result<std::string> LoadKeyFile(const std::string& path, const std::string& algorithm,
                                const std::string& what) {
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
  std::string name, hex;
  text >> name >> hex;
  const Status bad = Status::Invalid(what + "文件 " + path + " 格式无效：应为一行“" + algorithm +
                                     " <64 位十六进制>”");
  if (name != algorithm || hex.size() != kMasterKeyBytes * 2) return bad;
  std::string key;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return bad;
    key.push_back(static_cast<char>(hi * 16 + lo));
  }
  return key;
}

Status CreateKeyFile(const std::string& path, const std::string& algorithm,
                     const std::string& what) {
  ASSIGN_OR_RETURN(std::string bytes, RandomBytes(kMasterKeyBytes));
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::exists(parent)) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    fs::permissions(parent, fs::perms::owner_all, ec);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Exists(what + "文件 " + path + " 已存在");
    return Status::Invalid("无法创建" + what + "文件 " + path);
  }
  static const char kDigits[] = "0123456789abcdef";
  std::string line = algorithm + " ";
  for (unsigned char c : bytes) {
    line.push_back(kDigits[c >> 4]);
    line.push_back(kDigits[c & 15]);
  }
  line.push_back('\n');
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    std::error_code ec;
    fs::remove(path, ec);
    return Status::Invalid("无法写入" + what + "文件 " + path);
  }
  return Status::Ok();
}

}  // namespace onetable
