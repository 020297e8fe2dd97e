// How a browser or client presents its session or API token over HTTP: "Authorization: Bearer
// <token>", or for sessions the cookie onetable_session (set at login: HttpOnly,
// SameSite=Strict, Path=/, and Secure when AuthOptions::secure_cookie says the service is
// behind HTTPS). The tokens themselves are the authenticator's (auth/authenticator.h).
//
// CSRF: a browser attaches the cookie to requests that other sites' pages make, and
// SameSite=Strict does not cover another port or a sibling host (both are "same site"). So a
// state-changing request (any method but GET, HEAD, OPTIONS) that carries the cookie and no
// Authorization header must show that it comes from the service's own pages:
//   - its body, when it has one, has a Content-Type that a cross-origin page cannot send without
//     a CORS preflight (which the service never grants): application/json, or the YAML and
//     octet-stream types of the mapping and file-upload routes; never text/plain, a form type
//     (application/x-www-form-urlencoded, multipart/form-data) or none;
//   - and Sec-Fetch-Site is "same-origin", or, from a browser that does not send it, Origin
//     names the host the request was sent to (the Host header: a reverse proxy must pass it on).
// Bearer-token requests are not affected: no browser attaches those by itself.
//
// Thread-safety: plain functions.
#ifndef ONETABLE_HTTP_SESSION_COOKIE_H_
#define ONETABLE_HTTP_SESSION_COOKIE_H_

#include <string>

#include "auth/authenticator.h"
#include "http/router.h"
#include "onetable/status.h"

namespace onetable {

inline constexpr char kSessionCookie[] = "onetable_session";

// The token a request presents: the bearer token, else the session cookie; "" when none.
std::string RequestToken(const HttpRequest& request);

// OK, or kPermissionDenied with a Chinese message when `request` fails the CSRF rules above.
Status CheckCookieWrite(const HttpRequest& request);

// Login CSRF (signing a victim's browser into the attacker's account with a cross-site form,
// whose text/plain body can be made to read as JSON): OK unless the request says it comes from
// another site — Sec-Fetch-Site other than "same-origin" or "none", or an Origin (including
// "null") that is not this host. Scripts and API clients send neither header and are unaffected.
Status CheckNotCrossSite(const HttpRequest& request);

// Set-Cookie values that store a session token and that clear it.
std::string SessionCookie(const AuthOptions& options, const std::string& token);
std::string ClearedCookie(const AuthOptions& options);

}  // namespace onetable

#endif  // ONETABLE_HTTP_SESSION_COOKIE_H_
