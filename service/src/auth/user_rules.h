// The rules an account must follow, shared by the users API (users_handlers.h) and
// `onetable user add` (cli/user_verbs.h), so both refuse the same things with the same Chinese
// messages:
//   name    2–64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit
//   role    admin | community_admin | grid_worker | department
//   scopes  community_admin: at least one, each a community code in the register;
//           grid_worker: at least one, each naming exactly one grid (access.h);
//           department: optional community codes; admin: none
//   grants  a mapping id (a file <mappings_dir>/<id>.yaml, checked when that directory holds
//           mappings), "sensitive" (every sensitive field and tag) or "sensitive:<key>" (one
//           sensitive catalog field or tag)
//   password  PasswordWeakness (password.h)
//
// Thread-safety: plain functions over the Store given.
#ifndef ONETABLE_AUTH_USER_RULES_H_
#define ONETABLE_AUTH_USER_RULES_H_

#include <string>
#include <vector>

#include "access/access.h"
#include "model/catalog.h"
#include "onetable/status.h"

namespace onetable {

class Store;

// The roles, in the order shown to people.
const std::vector<std::string>& UserRoles();
// 管理员, 社区管理员, 网格员, 部门账号.
const char* UserRoleLabel(const std::string& role);

Status ValidateUserName(const std::string& name);
Status ValidateRole(const std::string& role);
Status ValidateScopes(const AccessPolicy& policy, Store& store, const std::string& role,
                      const std::vector<std::string>& scopes);
Status ValidateGrants(const Catalog& catalog, const std::string& mappings_dir,
                      const std::vector<std::string>& grants);

}  // namespace onetable

#endif  // ONETABLE_AUTH_USER_RULES_H_
