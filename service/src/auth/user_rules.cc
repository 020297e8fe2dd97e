#include "auth/user_rules.h"

#include <filesystem>
#include <set>
#include <system_error>

#include "store/store.h"

namespace onetable {
namespace fs = std::filesystem;
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// "minzheng/gaoling-jintie": lower-case segments of letters, digits, '-' and '_', so that an id
// can never climb out of the mappings directory.
bool WellFormedMappingId(const std::string& id) {
  if (id.empty() || id.size() > 200) return false;
  bool segment_start = true;
  for (char c : id) {
    if (c == '/') {
      if (segment_start) return false;
      segment_start = true;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || (segment_start && (c == '-' || c == '_'))) return false;
    segment_start = false;
  }
  return !segment_start;
}

bool HasMappings(const std::string& dir) {
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return false;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".yaml") return true;
  }
  return false;
}

bool SensitiveKey(const Catalog& catalog, const std::string& key) {
  for (const FieldDef& field : catalog.fields()) {
    if (field.key == key && field.sensitivity == Sensitivity::kSensitive) return true;
  }
  const TagDef* tag = catalog.FindTag(key);
  return tag != nullptr && tag->sensitivity == Sensitivity::kSensitive;
}

}  // namespace

Status ValidateUserName(const std::string& name) {
  if (name.size() < 2 || name.size() > 64) return Status::Invalid("用户名长度应为 2 到 64 个字符");
  if (!IsAlnum(name[0])) return Status::Invalid("用户名必须以字母或数字开头");
  for (char c : name) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != '-') {
      return Status::Invalid("用户名只能包含字母、数字和 . _ -");
    }
  }
  return Status::Ok();
}

Status ValidateRole(const std::string& role) {
  if (ParseRole(role)) return Status::Ok();
  std::string names;
  for (Role r : AllRoles()) names += std::string(names.empty() ? "" : "、") + RoleName(r);
  return Status::Invalid("角色 " + role.substr(0, 64) + " 无效：应为 " + names + " 之一");
}

Status ValidateScopes(const AccessPolicy& policy, Store& store, const std::string& role_name,
                      const std::vector<std::string>& scopes) {
  RETURN_IF_ERROR(ValidateRole(role_name));
  const Role role = *ParseRole(role_name);
  if (role == Role::kAdmin || role == Role::kSecurityAdmin || role == Role::kAuditor) {
    if (!scopes.empty()) {
      return Status::Invalid(std::string(RoleLabel(role)) + "账号不设管辖范围");
    }
    return Status::Ok();
  }
  if (scopes.empty() && (role == Role::kCommunityAdmin || role == Role::kGridWorker)) {
    return Status::Invalid(std::string(RoleLabel(role)) + "至少需要一个管辖范围（" +
                           (role == Role::kGridWorker ? "网格代码" : "社区代码") + "）");
  }
  std::set<std::string> seen;
  for (const std::string& code : scopes) {
    if (!seen.insert(code).second) return Status::Invalid("管辖范围 " + code + " 重复");
    Principal probe;
    probe.role = role;
    probe.scopes = {code};
    ASSIGN_OR_RETURN(RowScope visible, policy.Visible(probe, store));
    if (role == Role::kGridWorker) {
      if (!visible.grid_ids || visible.grid_ids->size() != 1) {
        return Status::Invalid("网格代码 " + code +
                               " 在登记库中不存在或不唯一（可写成 社区代码/网格代码）");
      }
    } else if (!visible.community_ids || visible.community_ids->size() != 1) {
      return Status::Invalid("社区代码 " + code + " 在登记库中不存在");
    }
  }
  return Status::Ok();
}

Status ValidateGrants(const Catalog& catalog, const std::string& mappings_dir,
                      const std::vector<std::string>& grants) {
  const bool check_files = HasMappings(mappings_dir);
  std::set<std::string> seen;
  for (const std::string& grant : grants) {
    if (!seen.insert(grant).second) return Status::Invalid("授权 " + grant + " 重复");
    if (grant == "sensitive") continue;
    if (grant == kMinorGrant) continue;
    if (grant.rfind("sensitive:", 0) == 0) {
      const std::string key = grant.substr(10);
      if (!SensitiveKey(catalog, key)) {
        return Status::Invalid("授权 " + grant + " 无效：字段目录中没有名为 " + key +
                               " 的敏感字段或标签");
      }
      continue;
    }
    // A column grant: "<mapping id>:<header>[,<header>...]" (identifiers unmasked there).
    std::string mapping = grant;
    const size_t colon = grant.find(':');
    if (colon != std::string::npos) {
      mapping = grant.substr(0, colon);
      const std::string columns = grant.substr(colon + 1);
      std::set<std::string> headers;
      size_t start = 0;
      while (start <= columns.size()) {
        size_t comma = columns.find(',', start);
        if (comma == std::string::npos) comma = columns.size();
        const std::string header = columns.substr(start, comma - start);
        if (header.empty() || header.size() > 100 || !headers.insert(header).second) {
          return Status::Invalid("授权 " + grant.substr(0, 100) +
                                 " 无效：应为 报表映射ID:列名[,列名]，如 "
                                 "minzheng/gaoling-jintie:公民身份号码，列名不能为空或重复");
        }
        start = comma + 1;
      }
    }
    if (!WellFormedMappingId(mapping)) {
      return Status::Invalid("授权 " + grant.substr(0, 100) +
                             " 无效：应为报表映射 ID（如 minzheng/dibao）或 sensitive[:字段]");
    }
    std::error_code ec;
    if (check_files && !fs::is_regular_file(fs::path(mappings_dir) / (mapping + ".yaml"), ec)) {
      return Status::Invalid("授权的报表映射 " + mapping + " 不存在（" + mappings_dir + " 中没有 " +
                             mapping + ".yaml）");
    }
  }
  return Status::Ok();
}

}  // namespace onetable
