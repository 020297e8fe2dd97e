#include "crypto/data_keys.h"

#include <cstdlib>
#include <set>
#include <sstream>
#include <vector>

#include "crypto/key_file.h"
#include "crypto/sm_crypto.h"

namespace onetable {
namespace {

constexpr size_t kSecretBytes = 32;
const char kWhat[] = "数据密钥";

bool FromHex(const std::string& hex, std::string* out) {
  return hex.size() == kSecretBytes * 2 && HexDecode(hex, out);
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
  ASSIGN_OR_RETURN(std::string bytes, RandomBytes(kSecretBytes));
  return HexEncode(bytes);
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
  ASSIGN_OR_RETURN(std::string text, ReadSecretFile(path, kWhat));
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
  return WriteSecretFile(
      path, std::string(kHeader) + "index " + index + "\nkey " + kid.substr(0, 8) + " " + key + "\n",
      kWhat, false);
}

Result<std::string> AppendDataKey(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadSecretFile(path, kWhat));
  ASSIGN_OR_RETURN(std::unique_ptr<FieldCipher> parsed, ParseDataKeys(text, "数据密钥文件 " + path));
  ASSIGN_OR_RETURN(std::string random, RandomHex());
  std::string kid = random.substr(0, 8);
  if (parsed->HasKey(kid)) kid = random.substr(8, 8);
  ASSIGN_OR_RETURN(std::string key, RandomHex());
  if (!text.empty() && text.back() != '\n') text.push_back('\n');
  text += "key " + kid + " " + key + "\n";
  RETURN_IF_ERROR(WriteSecretFile(path, text, kWhat, true));
  return kid;
}

}  // namespace onetable
