// The session endpoints (auth.h does the work; these are its HTTP face):
//
//   POST /api/v1/login   public. {"name", "password"} → 200 {"token", "expires_at",
//                        "idle_expires_at", "idle_timeout_seconds", "user": {name, role,
//                        display_name}} and Set-Cookie onetable_session (HttpOnly,
//                        SameSite=Strict). Wrong name or password, lockout, a disabled account:
//                        401 unauthenticated (one message for name and password). Audited
//                        (action login, result ok/failed, detail the reason) either way.
//   POST /api/v1/logout  ends the presented session, clears the cookie; audited. 200.
//   GET  /api/v1/me      passive (does not extend the session): {"user": {name, role,
//                        display_name}, "role_label", "scopes", "grants", "via",
//                        "permissions": [read_register, ...] (PermissionsOf, by PermissionName),
//                        "roles": [{"key", "label"}] (every role, in display order),
//                        "password_rule": {"min_length", "text"} (password_strength.h), "now",
//                        "expires_at", "idle_expires_at", "idle_timeout_seconds"} — times ISO
//                        8601 UTC, null for API tokens — so the UI can warn before the idle end
//                        and show only what the caller may do.
// Responses carrying a token are sent with Cache-Control: no-store.
//
// Thread-safety: handlers keep no state.
#ifndef ONETABLE_HTTP_AUTH_HANDLERS_H_
#define ONETABLE_HTTP_AUTH_HANDLERS_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

// Needs service.auth; `service` must outlive the router.
Status RegisterAuthRoutes(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_AUTH_HANDLERS_H_
