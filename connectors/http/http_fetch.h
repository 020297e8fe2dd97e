// One GET of a JSON page for the `http` connector, over Poco::Net: timeouts, bounded retries
// with exponential backoff on 5xx, 429, timeouts and dropped connections, a response size limit,
// bearer or basic authentication, and https through Poco NetSSL when the build has it.
//
// Outcomes: kOk with the body for 2xx; kUnreachable when the server cannot be reached (refused,
// unknown host, timed out, or 502/503/504 after the retries); kError for any other status (401,
// 404, 500 after the retries...) or a response over the limit. Messages are Chinese and name the
// URL (never credentials: they travel in headers, and a URL with user:password@ is refused by
// the plugin) and the HTTP status.
//
// Thread-safety: FetchJson may be called from several threads; it shares no state except the
// one-time TLS initialisation.
#ifndef ONETABLE_CONNECTORS_HTTP_HTTP_FETCH_H_
#define ONETABLE_CONNECTORS_HTTP_HTTP_FETCH_H_

#include <cstdint>
#include <string>

namespace onetable::connectors {

struct FetchOptions {
  int timeout_seconds = 30;
  int retries = 3;           // extra attempts after the first
  int retry_delay_ms = 500;  // before the first retry; doubled for each next, at most 30 s
  int64_t max_bytes = 16 << 20;
  std::string auth = "none";       // none | bearer | basic
  std::string token;               // bearer
  std::string username, password;  // basic
  std::string ca_file;             // https: extra CA certificates (PEM); system CAs are always used
};

struct FetchResult {
  enum Kind { kOk, kError, kUnreachable };
  Kind kind = kError;
  int status = 0;  // HTTP status, 0 when there was no response
  std::string body;
  std::string message;  // Chinese, for kError and kUnreachable
  int attempts = 0;
};

FetchResult FetchJson(const std::string& url, const FetchOptions& options);

// Whether this build can fetch https:// URLs.
bool HttpsSupported();

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_HTTP_HTTP_FETCH_H_
