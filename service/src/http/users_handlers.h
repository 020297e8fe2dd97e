// Users, their grants and department API tokens; admin only (Permission::kManageUsers). Account
// rules (names, roles, scopes, grants, passwords) are those of user_rules.h.
//
//   GET    /api/v1/users                  ?after=NAME&limit=N → {"items": [user], "next_after"}
//   POST   /api/v1/users                  {name, role, password, display_name?, scopes?,
//                                         grants?, disabled?} → 201 user, ETag
//   GET    /api/v1/users/{name}           user with "tokens": [{id, label, created_by,
//                                         created_at, last_used_at, revoked_at}], ETag
//   PUT    /api/v1/users/{name}           If-Match required (428 without, 412 stale);
//                                         {role?, display_name?, scopes?, grants?, disabled?,
//                                         password?} — a new password or disabling ends the
//                                         user's sessions; the last enabled admin cannot be
//                                         disabled or demoted (409)
//   POST   /api/v1/users/{name}/tokens    {label} → 201 {id, token, label, created_at}: the token
//                                         is shown this once; department accounts only (409)
//   DELETE /api/v1/users/{name}/tokens/{id}  revokes → {id, revoked_at}
//
// user = {id, name, role, display_name, scopes, grants, disabled, version}; never the password
// hash. ETag is "<version>". Every change is audited (user_change, token_issue, token_revoke)
// naming what changed, never a password or token.
//
// Thread-safety: handlers keep no state.
#ifndef ONETABLE_HTTP_USERS_HANDLERS_H_
#define ONETABLE_HTTP_USERS_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

// Needs service.auth (token issue). `service` must outlive the router.
Status RegisterUserRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_USERS_HANDLERS_H_
