// The service configuration: onetable.yaml (or --config FILE). Relative paths in the file are
// resolved against the file's directory; when the file does not exist the defaults are used
// relative to the working directory, with schema/ and mappings/ from the source tree.
//
//   store: sqlite:var/onetable.db          # or mysql://user:pass@host:port/db[?socket=...]
//   schema: schema                         # fields.yaml, codes/, divisions/
//   mappings: mappings
//   connectors: ops/examples/connectors    # connector YAML files for `sync`
//   web: service/web                       # the web UI's static files, served at /
//   listen: 127.0.0.1:8080
//   threads: 8
//   secure_cookie: false                   # true when users reach onetable over HTTPS (a TLS
//                                          # proxy in front): the session cookie gets Secure
//   audit_key_file: /etc/onetable/audit.key  # the key sealing the audit chain (audit/audit_key.h);
//                                          # default: audit.key beside a SQLite store, else
//                                          # var/audit.key. Keep it off the database host's
//                                          # backups of the store, readable by the service only.
//   audit_retention_days: 180              # `onetable audit purge` keeps at least this many
//                                          # days (180 or more: 网络安全法 Art. 21)
#ifndef ONETABLE_APP_CONFIG_H_
#define ONETABLE_APP_CONFIG_H_

#include <string>

#include "app/context.h"
#include "onetable/status.h"

namespace onetable {

struct Config {
  std::string path;  // the file read, or "" for defaults
  std::string store_url = "sqlite:var/onetable.db";
  std::string schema_dir;
  std::string mappings_dir;
  std::string connectors_dir;
  std::string web_dir;
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  int threads = 8;
  bool secure_cookie = false;
  std::string audit_key_file;  // resolved; see AuditKeyFileOf for the default
  int audit_retention_days = 180;
};

// The audit key file of `config`: audit_key_file when set, else audit.key in the directory of a
// SQLite store, else var/audit.key.
std::string AuditKeyFileOf(const Config& config);

// The least audit_retention_days accepted.
inline constexpr int kMinAuditRetentionDays = 180;

// Loads `path`. When `explicit_path` is false and the file does not exist, returns defaults.
// Unknown keys and bad values are errors naming file:line:col.
Result<Config> LoadConfig(const std::string& path, bool explicit_path);

// The directories the use cases read (app/context.h).
AppSettings SettingsOf(const Config& config);

// Parses "host:port" (or ":port", or "port").
Status ParseListen(const std::string& text, std::string* host, int* port);

}  // namespace onetable

#endif  // ONETABLE_APP_CONFIG_H_
