#include "auth/users.h"

#include <utility>

#include "auth/user_rules.h"
#include "onetable/text.h"

namespace onetable {
namespace {

UserOutcome Failed(Status status, std::string field = {}) {
  UserOutcome out;
  out.status = std::move(status);
  out.field = std::move(field);
  return out;
}

Result<bool> OtherEnabledExists(Store& store, int64_t except, Role role) {
  ASSIGN_OR_RETURN(std::vector<User> users, store.ListUsers());
  for (const User& u : users) {
    if (u.id != except && u.role == RoleName(role) && !u.disabled) return true;
  }
  return false;
}

}  // namespace

UserOutcome UserAccounts::Apply(Store& store, const UserChange& change, bool need_password,
                                User* user) const {
  if (change.role) user->role = *change.role;
  if (change.display_name) user->display_name = *change.display_name;
  if (change.scopes) user->scopes = *change.scopes;
  if (change.grants) user->grants = *change.grants;
  if (change.disabled) user->disabled = *change.disabled;
  if (user->role.empty()) return Failed(Status::Invalid("缺少角色（role）"), "role");
  Status st = ValidateRole(user->role);
  if (!st.ok()) return Failed(st, "role");
  if (user->display_name.size() > 100) {
    return Failed(Status::Invalid("显示名称不能超过 100 个字节"), "display_name");
  }
  for (char c : user->display_name) {
    // A CR or LF would forge lines where the name is shown or logged; NUL cuts it.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return Failed(Status::Invalid("显示名称不能包含控制字符（如换行、NUL）"), "display_name");
    }
  }
  st = ValidateScopes(app_.policy, store, user->role, user->scopes);
  if (!st.ok()) return Failed(st, st.code() == StatusCode::kInvalidArgument ? "scopes" : "");
  st = ValidateGrants(app_.catalog, app_.settings.mappings_dir, user->grants);
  if (!st.ok()) return Failed(st, "grants");
  if (change.password) {
    const std::string weak = PasswordWeakness(*change.password, user->name);
    if (!weak.empty()) return Failed(Status::Invalid("密码不符合要求：" + weak), "password");
    Result<std::string> hash = HashPassword(*change.password, password_iterations_);
    if (!hash.ok()) return Failed(hash.status());
    user->password_hash = *hash;
  } else if (need_password) {
    return Failed(Status::Invalid("缺少密码（password）"), "password");
  }
  UserOutcome out;
  out.user = *user;
  return out;
}

UserOutcome UserAccounts::CheckCreate(Store& store, const std::string& name,
                                      const UserChange& change) const {
  Status st = ValidateUserName(name);
  if (!st.ok()) return Failed(st, "name");
  User user;
  user.name = name;
  UserChange without_password = change;
  without_password.password.reset();
  UserOutcome out = Apply(store, without_password, false, &user);
  if (!out.status.ok()) return out;
  Result<User> existing = store.GetUser(name);
  if (existing.ok()) return Failed(Status::Exists("用户名 " + name + " 已存在"), "name");
  if (existing.status().code() != StatusCode::kNotFound) return Failed(existing.status());
  return out;
}

UserOutcome UserAccounts::Create(Store& store, const Actor& actor, const std::string& name,
                                 const UserChange& change) const {
  Status st = ValidateUserName(name);
  if (!st.ok()) return Failed(st, "name");
  User user;
  user.name = name;
  UserOutcome out = Apply(store, change, true, &user);
  if (!out.status.ok()) return out;
  const std::string detail = "create role=" + user.role + " scopes=" + Join(user.scopes, ",") +
                             " grants=" + Join(user.grants, ",");
  st = store.InTransaction([&]() -> Status {
    Result<int64_t> id = store.AddUser(user);
    if (!id.ok()) {
      return id.status().code() == StatusCode::kAlreadyExists
                 ? Status::Exists("用户名 " + name + " 已存在")
                 : id.status();
    }
    return AppendAudit(store, actor, kAuditUserChange, "user/" + name, kAuditOk, detail);
  });
  if (!st.ok()) return Failed(st, st.code() == StatusCode::kAlreadyExists ? "name" : "");
  Result<User> stored = store.GetUser(name);
  if (!stored.ok()) return Failed(stored.status());
  out.user = std::move(*stored);
  return out;
}

UserOutcome UserAccounts::Update(Store& store, const Actor& actor, const std::string& name,
                                 int64_t expected_version, const UserChange& change) const {
  Result<User> current = store.GetUser(name);
  if (!current.ok()) return Failed(current.status());
  User user = *current;
  user.version = expected_version;
  UserOutcome out = Apply(store, change, false, &user);
  if (!out.status.ok()) return out;

  // The last system administrator and the last security administrator stay: without them no
  // one could configure the system, or manage accounts, from the web.
  for (Role kept : {Role::kAdmin, Role::kSecurityAdmin}) {
    const bool was = current->role == RoleName(kept) && !current->disabled;
    const bool still = user.role == RoleName(kept) && !user.disabled;
    if (!was || still) continue;
    Result<bool> other = OtherEnabledExists(store, user.id, kept);
    if (!other.ok()) return Failed(other.status());
    if (!*other) {
      return Failed(
          Status::Precondition(std::string("不能停用或降级最后一个") + RoleLabel(kept) + "账号"));
    }
  }
  std::vector<std::string> changed;
  if (user.role != current->role) changed.push_back("role=" + user.role);
  if (user.display_name != current->display_name) changed.push_back("display_name");
  if (user.scopes != current->scopes) changed.push_back("scopes=" + Join(user.scopes, ","));
  if (user.grants != current->grants) changed.push_back("grants=" + Join(user.grants, ","));
  if (user.disabled != current->disabled) {
    changed.push_back(user.disabled ? "disabled" : "enabled");
  }
  if (change.password) changed.push_back("password");

  Status st = store.InTransaction([&]() -> Status {
    RETURN_IF_ERROR(store.UpdateUser(&user));
    if (change.password || user.disabled) {
      RETURN_IF_ERROR(store.DeleteUserSessions(user.id).status());
    }
    return AppendAudit(store, actor, kAuditUserChange, "user/" + name, kAuditOk,
                       "update " + Join(changed, ","));
  });
  if (!st.ok()) {
    UserOutcome failed = Failed(st);
    if (st.code() == StatusCode::kConflict) {
      failed.status = Status::Conflict("该用户已被他人修改，请刷新后重试");
      failed.user = *current;
    }
    return failed;
  }
  Result<User> stored = store.GetUser(name);
  if (!stored.ok()) return Failed(stored.status());
  out.user = std::move(*stored);
  return out;
}

}  // namespace onetable
