// The service configuration: onetable.yaml (or --config FILE). Relative paths in the file are
// resolved against the file's directory; when the file does not exist the defaults are used
// relative to the working directory, with schema/ and mappings/ from the source tree.
//
//   store: sqlite:var/onetable.db          # or mysql://user:pass@host:port/db[?socket=...]
//   schema: schema                         # fields.yaml, codes/, divisions/
//   mappings: mappings
//   connectors: ops/examples/connectors    # connector YAML files for `sync`
//   deliveries: ops/examples/deliveries    # delivery YAML files for `deliver` and `serve`
//                                          # (none when not set)
//   web: service/web                       # the web UI's static files, served at /
//   listen: 127.0.0.1:8080
//   threads: 8
//   secure_cookie: false                   # true when users reach onetable over HTTPS (a TLS
//                                          # proxy in front): the session cookie gets Secure
//   trusted_proxies: [127.0.0.1]           # reverse proxies whose X-Forwarded-For is believed
//                                          # (exact IPs; default none: the peer is the client)
//   connections_per_address: 256           # open connections one client address may hold
//   secret_key: var/secret.key             # the service's secret for keyed hashes (login
//                                          # throttle keys); made (mode 0600) when missing;
//                                          # default: secret.key beside a SQLite database,
//                                          # else var/secret.key
//   throwaway_store: false                 # true only for a test database that may lose data:
//                                          # init and serve then accept unsafe MySQL settings
//   audit_key_file: /etc/onetable/audit.key  # the key sealing the audit chain (audit/audit_key.h);
//                                          # default: audit.key beside a SQLite store, else
//                                          # var/audit.key. Keep it off the database host's
//                                          # backups of the store, readable by the service only.
//   encryption: true                       # false stores every value in clear (a benchmark's
//                                          # baseline only): see crypto/data_keys.h
//   data_key_file: /etc/onetable/data.key  # the SM4 data keys (crypto/data_keys.h); default:
//                                          # data.key beside the audit key file
//   data_key_env: ONETABLE_DATA_KEYS       # or: the keys in this environment variable instead
//                                          # of a file (same text as the file)
//   encryption: true                       # false stores every value in clear (a benchmark's
//                                          # baseline only): see crypto/data_keys.h
//   data_key_file: /etc/onetable/data.key  # the SM4 data keys (crypto/data_keys.h); default:
//                                          # data.key beside the audit key file
//   data_key_env: ONETABLE_DATA_KEYS       # or: the keys in this environment variable instead
//                                          # of a file (same text as the file)
//   audit_retention_days: 180              # `onetable audit purge` keeps at least this many
//                                          # days (180 or more: 网络安全法 Art. 21)
//   backup_key_file: /etc/onetable/backup.key  # the key of `onetable backup`/`restore`
//                                          # (backup/backup.h); default $ONETABLE_BACKUP_KEY_FILE,
//                                          # else backup.key beside a SQLite store, else
//                                          # var/backup.key. Keep it apart from the backups.
//   retention_days: 180                    # raw source rows and quarantined rows' raw text are
//                                          # kept this long, then purged (retention/retention.h)
//   review_fields: [id_number, name, birth_date, gender, household]  # fields whose
//                                          # disagreement between trusted sources needs a
//                                          # person (ingest/survivorship.h): the default of
//                                          # every connector that names none (that default)
#ifndef ONETABLE_APP_CONFIG_H_
#define ONETABLE_APP_CONFIG_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/context.h"
#include "onetable/status.h"

namespace onetable {

struct Config {
  std::string path;  // the file read, or "" for defaults
  std::string store_url = "sqlite:var/onetable.db";
  std::string schema_dir;
  std::string mappings_dir;
  std::string connectors_dir;
  std::string deliveries_dir;
  std::string web_dir;
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  int threads = 8;
  bool secure_cookie = false;
  std::vector<std::string> trusted_proxies;
  int connections_per_address = 256;
  std::string secret_key_file;  // "": SecretKeyPathOf's default
  // The store may lose acknowledged writes (a test database): init and serve skip the durability
  // guard (store/durability.h). Also set by --throwaway-store or ONETABLE_THROWAWAY_STORE=1.
  bool throwaway_store = false;
  std::string audit_key_file;  // resolved; see AuditKeyFileOf for the default
  int audit_retention_days = 180;
  bool encryption = true;
  std::string data_key_file;    // resolved; see DataKeyFileOf for the default
  std::string data_key_env;     // the name of an environment variable holding the keys
  std::string backup_key_file;  // resolved; see BackupKeyFileOf for the default
  int retention_days = 180;
  // Unset: connectors keep their built-in default. Checked against the catalog by `check` and
  // by each connector run (CheckReviewFields); `review_fields_where` is its file:line:col.
  std::optional<std::set<std::string>> review_fields;
  std::string review_fields_where;
};

// The data key file of `config`: data_key_file when set, else $ONETABLE_DATA_KEY_FILE, else
// data.key in the directory of AuditKeyFileOf(config).
std::string DataKeyFileOf(const Config& config);

// The backup key file of `config` (see above).
std::string BackupKeyFileOf(const Config& config);

// The secret key file of `config` (see above).
std::string SecretKeyPathOf(const Config& config);

// The audit key file of `config`: audit_key_file when set, else audit.key in the directory of a
// SQLite store, else $ONETABLE_AUDIT_KEY_FILE, else var/audit.key.
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
