#include "crypto/data_keys.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace onetable {
namespace fs = std::filesystem;
namespace {

constexpr size_t kSecretBytes = 32;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool FromHex(const std::string& hex, std::string* out) {
  if (hex.size() != kSecretBytes * 2) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

bool ValidKid(const std::string& kid) {
  if (kid.empty() || kid.size() > 16) return false;
  for (char c : kid) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> RandomHex() {
  unsigned char bytes[kSecretBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Status::Internal("无法获取随机数");
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : bytes) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 15]);
  }
  return hex;
}

Result<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::NotFound("数据密钥文件 " + path + " 不存在");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::Invalid("无法读取数据密钥文件 " + path);
  return text.str();
}

// Writes `text` to a new file `path` (mode 0600, fsync'd); `exclusive`: refuse an existing one.
Status WriteKeyFile(const std::string& path, const std::string& text, bool exclusive) {
  std::error_code ec;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC);
  const int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Exists("数据密钥文件 " + path + " 已存在");
    return Status::Invalid("无法创建数据密钥文件 " + path);
  }
  const bool ok = ::fchmod(fd, 0600) == 0 &&
                  ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    fs::remove(path, ec);
    return Status::Invalid("无法写入数据密钥文件 " + path);
  }
  return Status::Ok();
}

const char kHeader[] =
    "# onetable 数据密钥（SM4 加密、HMAC-SM3 校验与盲索引）。与登记库分开备份；丢失则已加密的数据"
    "无法读取。\n"
    "# index：盲索引密钥（不轮换）；key <编号>：数据密钥，最后一行用于加密，全部用于解密。\n";

}  // namespace

Result<std::unique_ptr<FieldCipher>> ParseDataKeys(const std::string& text,
                                                   const std::string& where) {
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  std::vector<DataKey> keys;
  std::set<std::string> kids;
  std::string index;
  bool has_index = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream words(line);
    std::string kind;
    if (!(words >> kind) || kind[0] == '#') continue;
    const std::string at = where + " 第 " + std::to_string(line_no) + " 行";
    if (kind == "index") {
      std::string hex, extra;
      if (!(words >> hex) || (words >> extra) || !FromHex(hex, &index)) {
        return Status::Invalid(at + " 格式无效：应为“index <64 位十六进制>”");
      }
      if (has_index) return Status::Invalid(at + "：index 只能有一行");
      has_index = true;
    } else if (kind == "key") {
      DataKey k;
      std::string hex, extra;
      if (!(words >> k.kid >> hex) || (words >> extra) || !ValidKid(k.kid) ||
          !FromHex(hex, &k.secret)) {
        return Status::Invalid(at + " 格式无效：应为“key <编号> <64 位十六进制>”");
      }
      if (!kids.insert(k.kid).second) return Status::Invalid(at + "：密钥编号 " + k.kid + " 重复");
      keys.push_back(std::move(k));
    } else {
      return Status::Invalid(at + "：不认识的“" + kind + "”（应为 index 或 key）");
    }
  }
  if (!has_index || keys.empty()) {
    return Status::Invalid(where + " 不完整：需要一行 index 和至少一行 key");
  }
  return std::make_unique<FieldCipher>(keys, index);
}

Result<std::unique_ptr<FieldCipher>> LoadDataKeyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseDataKeys(text, "数据密钥文件 " + path);
}

Result<std::unique_ptr<FieldCipher>> LoadDataKeyEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') {
    return Status::NotFound("环境变量 " + name + "（配置项 data_key_env）未设置数据密钥");
  }
  return ParseDataKeys(value, "环境变量 " + name);
}

Status CreateDataKeyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string index, RandomHex());
  ASSIGN_OR_RETURN(std::string key, RandomHex());
  // A random id: values sealed under another file's key are refused as "key not in the file",
  // not as damaged data.
  ASSIGN_OR_RETURN(std::string kid, RandomHex());
  return WriteKeyFile(
      path, std::string(kHeader) + "index " + index + "\nkey " + kid.substr(0, 8) + " " + key + "\n",
      true);
}

Result<std::string> AppendDataKey(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ASSIGN_OR_RETURN(std::unique_ptr<FieldCipher> parsed, ParseDataKeys(text, "数据密钥文件 " + path));
  ASSIGN_OR_RETURN(std::string random, RandomHex());
  std::string kid = random.substr(0, 8);
  if (parsed->HasKey(kid)) kid = random.substr(8, 8);
  ASSIGN_OR_RETURN(std::string key, RandomHex());
  if (!text.empty() && text.back() != '\n') text.push_back('\n');
  text += "key " + kid + " " + key + "\n";
  const std::string tmp = path + ".new";
  RETURN_IF_ERROR(WriteKeyFile(tmp, text, false));
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::Invalid("无法替换数据密钥文件 " + path + "：" + ec.message());
  return kid;
}

}  // namespace onetable
