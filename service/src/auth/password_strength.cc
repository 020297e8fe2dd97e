#include "auth/password_strength.h"

// clang-format off
#include <cstddef>  // crack.h uses size_t without including it
#include <crack.h>
// clang-format on

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>

#include "auth/password.h"
#include "onetable/text.h"

namespace onetable {
namespace {

// Characters of `password` left once every occurrence of `name` and of its reverse is taken
// out (case-insensitively).
std::string WithoutName(std::string password, const std::string& name) {
  if (name.size() < 3) return password;
  std::string reversed(name.rbegin(), name.rend());
  for (const std::string& part : {name, reversed}) {
    for (size_t at = password.find(part); at != std::string::npos; at = password.find(part)) {
      password.erase(at, part.size());
    }
  }
  return password;
}

std::string CracklibMessage(const char* reason) {
  const std::string r = reason;
  if (r.find("dictionary word") != std::string::npos) return "密码基于常见单词，容易被猜到";
  if (r.find("username") != std::string::npos || r.find("gecos") != std::string::npos) {
    return "密码由用户名变化而来";
  }
  if (r.find("DIFFERENT") != std::string::npos) return "密码包含的不同字符太少";
  if (r.find("simplistic") != std::string::npos)
    return "密码过于简单或有规律（如键盘顺序、连续字符）";
  if (r.find("short") != std::string::npos) return "密码太短";
  return "密码过于常见，容易被猜到";
}

}  // namespace

std::string PasswordRuleText() {
  return "至少 " + std::to_string(kMinPasswordLength) +
         " 个字符，同时包含字母和数字，至少 5 个不同的字符；不能由用户名构成，"
         "不能是常见单词、键盘顺序或连续字符等容易猜到的组合";
}

std::string PasswordWeakness(const std::string& password, const std::string& user_name) {
  bool letter = false, digit = false;
  for (char c : password) {
    letter = letter || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    digit = digit || (c >= '0' && c <= '9');
  }
  if (password.size() < static_cast<size_t>(kMinPasswordLength)) {
    return "密码至少需要 " + std::to_string(kMinPasswordLength) + " 个字符";
  }
  if (!letter || !digit) return "密码需要同时包含字母和数字";
  const std::set<char> distinct(password.begin(), password.end());
  if (distinct.size() < 5) return "密码包含的不同字符太少";
  const std::string lower = AsciiLower(password);
  const std::string name = AsciiLower(user_name);
  if (!name.empty() && WithoutName(lower, name).size() < 6) return "密码不能由用户名构成";

  static std::mutex cracklib_mutex;
  const char* dictionary = GetDefaultCracklibDict();
  std::error_code ec;
  if (!std::filesystem::exists(std::string(dictionary) + ".pwd", ec)) {
    return "服务器缺少密码字典（请安装 cracklib-runtime），暂时无法设置密码";
  }
  std::lock_guard<std::mutex> lock(cracklib_mutex);
  const char* reason = FascistCheckUser(password.c_str(), dictionary,
                                        user_name.empty() ? nullptr : user_name.c_str(), nullptr);
  if (reason != nullptr) return CracklibMessage(reason);
  return "";
}

Result<std::string> AcceptedRandomPassword(const std::string& user_name) {
  constexpr int kDraws = 100;
  std::string weakness;
  for (int draw = 0; draw < kDraws; ++draw) {
    ASSIGN_OR_RETURN(std::string password, RandomPassword(16));
    weakness = PasswordWeakness(password, user_name);
    if (weakness.empty()) return password;
  }
  // Only when the rule refuses everything (the cracklib dictionary missing, say).
  return Status::Internal("无法生成符合要求的随机密码：" + weakness);
}

}  // namespace onetable
