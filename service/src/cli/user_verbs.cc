#include "cli/user_verbs.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <optional>
#include <string>

#include "access/access.h"
#include "app/context.h"
#include "app/store_open.h"
#include "audit/audit_log.h"
#include "auth/login_throttle.h"
#include "auth/secret_key.h"
#include "auth/user_rules.h"
#include "auth/users.h"
#include "cli/verbs.h"
#include "model/catalog.h"
#include "onetable/text.h"
#include "store/store.h"

namespace onetable {
namespace {

// The first migration that has the auth tables (schema/sql/*/0003_auth.sql).
constexpr int kAuthSchemaVersion = 3;
// The first migration with the throttle keyed by hash (0008_login_delay_token_expiry.sql).
constexpr int kThrottleSchemaVersion = 8;

const char kUserUsage[] =
    "用法：onetable user add 用户名 --role 角色 [--scope 代码 ...] [--grant 映射ID ...]\n"
    "                        [--display-name 显示名称] [--password-stdin]\n"
    "角色：admin（管理员）、community_admin（社区管理员，--scope 社区代码）、\n"
    "      grid_worker（网格员，--scope 网格代码 或 社区代码/网格代码）、\n"
    "      department（部门账号，--grant 可用的报表映射）\n"
    "      onetable user unlock [用户名] [--address 客户端地址]\n"
    "      （解除登录失败造成的等待：按账号、按客户端地址，或两者）\n";

int Fail(int code, const std::string& message) {
  std::cerr << message << "\n";
  return code;
}

int ExitFor(const Status& st) {
  return st.code() == StatusCode::kUnavailable ? kExitUnavailable : kExitInvalid;
}

struct AddArgs {
  std::string name;
  std::string role;
  std::string display_name;
  std::vector<std::string> scopes;
  std::vector<std::string> grants;
  bool password_stdin = false;
};

// Parses the arguments after "add"; a usage error is returned as its message.
Result<AddArgs> ParseAdd(const std::vector<std::string>& args) {
  AddArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto values = [&](std::vector<std::string>* list) -> Status {
      size_t taken = 0;
      while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
        list->push_back(args[++i]);
        ++taken;
      }
      if (taken == 0) return Status::Invalid(a + " 需要至少一个值");
      return Status::Ok();
    };
    if (a == "--role" && i + 1 < args.size()) {
      out.role = args[++i];
    } else if (a == "--display-name" && i + 1 < args.size()) {
      out.display_name = args[++i];
    } else if (a == "--scope") {
      RETURN_IF_ERROR(values(&out.scopes));
    } else if (a == "--grant") {
      RETURN_IF_ERROR(values(&out.grants));
    } else if (a == "--password-stdin") {
      out.password_stdin = true;
    } else if (a.rfind("--", 0) == 0 || !out.name.empty()) {
      return Status::Invalid("user add 不认识参数 " + a);
    } else {
      out.name = a;
    }
  }
  if (out.name.empty()) return Status::Invalid("缺少用户名");
  if (out.role.empty()) return Status::Invalid("缺少 --role 角色");
  return out;
}

std::string StripNewline(std::string line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// One line typed on the terminal with echo off. Echo goes off before the prompt shows, and
// without flushing (TCSANOW), so a fast typist's password is neither echoed nor thrown away.
Result<std::string> PromptHidden(const std::string& prompt) {
  termios old_mode{};
  if (tcgetattr(STDIN_FILENO, &old_mode) != 0) return Status::Invalid("无法读取终端设置");
  termios quiet = old_mode;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  if (tcsetattr(STDIN_FILENO, TCSANOW, &quiet) != 0) return Status::Invalid("无法关闭终端回显");
  std::cerr << prompt << std::flush;
  std::string line;
  const bool read = static_cast<bool>(std::getline(std::cin, line));
  // Best effort: the password has been read either way.
  (void)tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
  std::cerr << "\n";
  if (!read) return Status::Invalid("未读到密码");
  return StripNewline(line);
}

Result<std::string> ReadPassword(bool from_stdin) {
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line)) return Status::Invalid("标准输入中没有密码");
    return StripNewline(line);
  }
  if (!isatty(STDIN_FILENO)) {
    return Status::Invalid("标准输入不是终端：脚本中请加 --password-stdin 并从标准输入传入密码");
  }
  ASSIGN_OR_RETURN(std::string first, PromptHidden("密码："));
  ASSIGN_OR_RETURN(std::string second, PromptHidden("再次输入密码："));
  if (first != second) return Status::Invalid("两次输入的密码不一致");
  return first;
}

int RunUserAdd(const Config& config, const std::vector<std::string>& args) {
  Result<AddArgs> parsed = ParseAdd(args);
  if (!parsed.ok()) return Fail(kExitUsage, parsed.status().message() + "\n\n" + kUserUsage);
  const AddArgs& a = *parsed;
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return Fail(kExitInvalid, catalog.status().message());
  auto store = OpenReadyStore(config.store_url, *catalog, kAuthSchemaVersion, AuditKeyFileOf(config));
  if (!store.ok()) {
    // A store not initialised is a usage mistake here (run init first), as for import.
    const Status& st = store.status();
    return Fail(st.code() == StatusCode::kInvalidArgument ? kExitUsage : ExitFor(st), st.message());
  }
  AccessPolicy policy(*catalog);
  const AppContext app{*catalog, policy, SettingsOf(config)};
  const UserAccounts accounts(app);
  UserChange change;
  change.role = a.role;
  change.display_name = a.display_name;
  change.scopes = a.scopes;
  change.grants = a.grants;
  // Refuse a bad account before asking for its password.
  UserOutcome checked = accounts.CheckCreate(**store, a.name, change);
  if (!checked.status.ok()) return Fail(ExitFor(checked.status), checked.status.message());

  Result<std::string> password = ReadPassword(a.password_stdin);
  if (!password.ok()) return Fail(kExitInvalid, password.status().message());
  change.password = *password;
  UserOutcome created = accounts.Create(**store, CliActor(), a.name, change);
  if (!created.status.ok()) return Fail(ExitFor(created.status), created.status.message());
  std::cout << "已创建用户 " << created.user.name << "（"
            << RoleLabel(*ParseRole(created.user.role)) << "）\n";
  return kExitOk;
}

// `user unlock [NAME] [--address ADDR]`: clears the login throttle of an account name and/or a
// client address (auth/login_throttle.h), with an audit record.
int RunUserUnlock(const Config& config, const std::vector<std::string>& args) {
  std::string name, address;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--address" && i + 1 < args.size()) {
      address = args[++i];
    } else if (args[i].rfind("--", 0) == 0 || !name.empty()) {
      return Fail(kExitUsage, "user unlock 不认识参数 " + args[i] + "\n\n" + kUserUsage);
    } else {
      name = args[i];
    }
  }
  if (name.empty() && address.empty()) {
    return Fail(kExitUsage,
                "user unlock 需要用户名或 --address 客户端地址\n\n" + std::string(kUserUsage));
  }
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return Fail(kExitInvalid, catalog.status().message());
  auto store = OpenReadyStore(config.store_url, *catalog, kThrottleSchemaVersion);
  if (!store.ok()) {
    const Status& st = store.status();
    return Fail(st.code() == StatusCode::kInvalidArgument ? kExitUsage : ExitFor(st), st.message());
  }
  Result<std::string> secret = LoadOrCreateSecretKey(SecretKeyPathOf(config));
  if (!secret.ok()) return Fail(ExitFor(secret.status()), secret.status().message());
  const LoginThrottler throttle(*secret);
  if (!name.empty()) {
    Status st = throttle.UnlockAccount(**store, name);
    if (st.ok()) {
      st = AppendAudit(**store, CliActor(), kAuditUserChange, "user/" + name, kAuditOk,
                       "login throttle cleared");
    }
    if (!st.ok()) return Fail(ExitFor(st), st.message());
    std::cout << "已解除账号 " << name << " 的登录等待\n";
  }
  if (!address.empty()) {
    Status st = throttle.UnlockAddress(**store, address);
    if (st.ok()) {
      st = AppendAudit(**store, CliActor(), kAuditUserChange, "address/" + address, kAuditOk,
                       "login throttle cleared");
    }
    if (!st.ok()) return Fail(ExitFor(st), st.message());
    std::cout << "已解除地址 " << address << " 的登录等待\n";
  }
  return kExitOk;
}

}  // namespace

int RunUser(const Config& config, const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    return Fail(args.empty() ? kExitUsage : kExitOk, kUserUsage);
  }
  if (args[0] == "add") {
    return RunUserAdd(config, std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (args[0] == "unlock") {
    return RunUserUnlock(config, std::vector<std::string>(args.begin() + 1, args.end()));
  }
  return Fail(kExitUsage, "user 不认识子命令 " + args[0] + "\n\n" + kUserUsage);
}

}  // namespace onetable
