// The rules an account must follow, shared by the users API (users_handlers.h) and
// `onetable user add` (cli/user_verbs.h), so both refuse the same things with the same Chinese
// messages:
//   name    2–64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit
//   role    a RoleName (access.h): admin | security_admin | auditor | community_admin |
//           grid_worker | department
//   scopes  community_admin: at least one, each a community code in the register;
//           grid_worker: at least one, each naming exactly one grid (access.h);
//           department: optional community codes; admin, security_admin, auditor: none
//   grants  a mapping id (a file <mappings_dir>/<id>.yaml, checked when that directory holds
//           mappings), a column grant "<mapping id>:<header>[,<header>...]" (ID numbers and
//           phones of those columns unmasked: access.h), "sensitive" (every sensitive field and
//           tag), "sensitive:<key>" (one sensitive catalog field or tag) or "sensitive:minor"
//           (children under 14 shown in full)
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

Status ValidateUserName(const std::string& name);
Status ValidateRole(const std::string& role);
Status ValidateScopes(const AccessPolicy& policy, Store& store, const std::string& role,
                      const std::vector<std::string>& scopes);
Status ValidateGrants(const Catalog& catalog, const std::string& mappings_dir,
                      const std::vector<std::string>& grants);

}  // namespace onetable

#endif  // ONETABLE_AUTH_USER_RULES_H_
