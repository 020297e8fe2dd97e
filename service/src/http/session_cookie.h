// How a browser or client presents its session or API token over HTTP: "Authorization: Bearer
// <token>", or for sessions the cookie onetable_session (set at login: HttpOnly,
// SameSite=Strict, Path=/, and Secure when AuthOptions::secure_cookie says the service is
// behind HTTPS). The tokens themselves are the authenticator's (auth/authenticator.h).
//
// Thread-safety: plain functions.
#ifndef ONETABLE_HTTP_SESSION_COOKIE_H_
#define ONETABLE_HTTP_SESSION_COOKIE_H_

#include <string>

#include "auth/authenticator.h"
#include "http/router.h"

namespace onetable {

inline constexpr char kSessionCookie[] = "onetable_session";

// The token a request presents: the bearer token, else the session cookie; "" when none.
std::string RequestToken(const HttpRequest& request);

// Set-Cookie values that store a session token and that clear it.
std::string SessionCookie(const AuthOptions& options, const std::string& token);
std::string ClearedCookie(const AuthOptions& options);

}  // namespace onetable

#endif  // ONETABLE_HTTP_SESSION_COOKIE_H_
