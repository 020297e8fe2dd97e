#include "app/config.h"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/yaml_error.h"
#include "model/yaml_location.h"

namespace onetable {
namespace fs = std::filesystem;

namespace {

// Counts columns in characters: yaml-cpp counts bytes.
std::string Where(const std::string& path, const std::string& text, const YAML::Mark& m) {
  return YamlLocation(path, text, m).ToString();
}

std::string Resolve(const fs::path& base, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

bool IsIpAddress(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

}  // namespace

Status ParseListen(const std::string& text, std::string* host, int* port) {
  std::string h = *host, p = text;
  size_t colon = text.rfind(':');
  if (colon != std::string::npos) {
    h = text.substr(0, colon);
    p = text.substr(colon + 1);
  }
  int n = 0;
  for (char c : p) {
    if (c < '0' || c > '9' || n > 65535) return Status::Invalid("监听地址端口无效：" + text);
    n = n * 10 + (c - '0');
  }
  if (p.empty() || n > 65535) return Status::Invalid("监听地址端口无效：" + text);
  if (!h.empty()) *host = h;
  *port = n;
  return Status::Ok();
}

Result<Config> LoadConfig(const std::string& path, bool explicit_path) {
  Config c;
  c.schema_dir = ONETABLE_SOURCE_DIR "/schema";
  c.mappings_dir = ONETABLE_SOURCE_DIR "/mappings";
  c.connectors_dir = ONETABLE_SOURCE_DIR "/ops/examples/connectors";
  // No deliveries unless configured: a push reaches another department's system.
  c.web_dir = ONETABLE_SOURCE_DIR "/service/web";
  // A checkout's own schema/ wins over the compiled-in source tree.
  if (fs::exists("schema/fields.yaml")) c.schema_dir = fs::absolute("schema").string();
  if (fs::exists("service/web/index.html")) c.web_dir = fs::absolute("service/web").string();
  if (!fs::exists(path)) {
    if (explicit_path) return Status::Invalid("配置文件不存在：" + path);
    return c;
  }
  c.path = path;
  fs::path base = fs::absolute(path).parent_path();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Invalid("无法读取配置文件：" + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    const YamlError error = DescribeYamlError(text, e);
    return Status::Invalid(Where(path, text, error.mark) + ": 配置文件格式错误：" + error.message);
  }
  if (root.IsNull()) return c;
  if (!root.IsMap()) return Status::Invalid(path + ":1:1: 配置文件应为键值对（YAML 映射）");
  std::string errors;
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    std::string where = Where(path, text, kv.second.Mark());
    if (key == "trusted_proxies") {
      c.trusted_proxies.clear();
      std::vector<std::string> items;
      if (v.IsSequence()) {
        for (const auto& item : v) items.push_back(item.IsScalar() ? item.as<std::string>() : "");
      } else if (v.IsScalar()) {
        std::stringstream list(v.as<std::string>());
        for (std::string item; std::getline(list, item, ',');) {
          item.erase(0, item.find_first_not_of(' '));
          item.erase(item.find_last_not_of(' ') + 1);
          if (!item.empty()) items.push_back(item);
        }
      }
      for (const std::string& item : items) {
        if (IsIpAddress(item)) {
          c.trusted_proxies.push_back(item);
        } else {
          errors += where + ": trusted_proxies 的每一项应为 IP 地址（" + item + " 不是）\n";
        }
      }
      continue;
    }
    if (key == "review_fields") {
      c.review_fields_where = where;
      if (!v.IsSequence()) {
        errors += where + ": review_fields 应为字段列表，如 [id_number, name, birth_date, gender, "
                          "household]\n";
        continue;
      }
      std::set<std::string> fields;
      for (const auto& item : v) {
        std::string field = item.IsScalar() ? item.as<std::string>() : "";
        if (field.empty()) {
          errors += Where(path, text, item.Mark()) + ": review_fields 的每一项应为字段名\n";
          continue;
        }
        fields.insert(field);
      }
      c.review_fields = std::move(fields);
      continue;
    }
    if (!v.IsScalar()) {
      errors += where + ": " + key + " 应为单个值\n";
      continue;
    }
    std::string s = v.as<std::string>();
    if (key == "store") {
      c.store_url = s;
      if (s.rfind("sqlite:", 0) == 0) c.store_url = "sqlite:" + Resolve(base, s.substr(7));
    } else if (key == "schema") {
      c.schema_dir = Resolve(base, s);
    } else if (key == "mappings") {
      c.mappings_dir = Resolve(base, s);
    } else if (key == "connectors") {
      c.connectors_dir = Resolve(base, s);
    } else if (key == "deliveries") {
      c.deliveries_dir = Resolve(base, s);
    } else if (key == "web") {
      c.web_dir = Resolve(base, s);
    } else if (key == "listen") {
      Status st = ParseListen(s, &c.listen_host, &c.listen_port);
      if (!st.ok()) errors += where + ": " + st.message() + "\n";
    } else if (key == "threads") {
      try {
        c.threads = v.as<int>();
      } catch (const YAML::Exception&) {
        c.threads = 0;
      }
      if (c.threads < 1 || c.threads > 256) errors += where + ": threads 应为 1–256 的整数\n";
    } else if (key == "secure_cookie") {
      if (s == "true") {
        c.secure_cookie = true;
      } else if (s == "false") {
        c.secure_cookie = false;
      } else {
        errors += where + ": secure_cookie 应为 true 或 false\n";
      }
    } else if (key == "connections_per_address") {
      try {
        c.connections_per_address = v.as<int>();
      } catch (const YAML::Exception&) {
        c.connections_per_address = 0;
      }
      if (c.connections_per_address < 1 || c.connections_per_address > 100000) {
        errors += where + ": connections_per_address 应为 1–100000 的整数\n";
      }
    } else if (key == "secret_key") {
      c.secret_key_file = Resolve(base, s);
    } else if (key == "throwaway_store") {
      if (s == "true") {
        c.throwaway_store = true;
      } else if (s == "false") {
        c.throwaway_store = false;
      } else {
        errors += where + ": throwaway_store 应为 true 或 false\n";
      }
    } else if (key == "audit_key_file") {
      c.audit_key_file = Resolve(base, s);
    } else if (key == "data_key_file") {
      c.data_key_file = Resolve(base, s);
    } else if (key == "data_key_env") {
      c.data_key_env = s;
    } else if (key == "encryption") {
      if (s == "true") {
        c.encryption = true;
      } else if (s == "false") {
        c.encryption = false;
      } else {
        errors += where + ": encryption 应为 true 或 false\n";
      }
    } else if (key == "audit_retention_days") {
      try {
        c.audit_retention_days = v.as<int>();
      } catch (const YAML::Exception&) {
        c.audit_retention_days = 0;
      }
      if (c.audit_retention_days < kMinAuditRetentionDays || c.audit_retention_days > 36500) {
        errors += where + ": audit_retention_days 应为 " + std::to_string(kMinAuditRetentionDays) +
                  "–36500 的整数（审计日志至少保留六个月）\n";
      }
    } else if (key == "backup_key_file") {
      c.backup_key_file = Resolve(base, s);
    } else if (key == "retention_days") {
      try {
        c.retention_days = v.as<int>();
      } catch (const YAML::Exception&) {
        c.retention_days = 0;
      }
      if (c.retention_days < 1 || c.retention_days > 36500) {
        errors += where + ": retention_days 应为 1–36500 的整数（原始行的保留天数）\n";
      }
    } else {
      errors += Where(path, text, kv.first.Mark()) + ": 未知的配置项 " + key +
                "（可用：store, schema, mappings, connectors, deliveries, web, listen, threads, "
                "secure_cookie, trusted_proxies, connections_per_address, secret_key, "
                "throwaway_store, audit_key_file, audit_retention_days, backup_key_file, "
                "retention_days, review_fields, data_key_file, data_key_env, encryption）\n";
    }
  }
  if (!errors.empty()) {
    errors.pop_back();
    return Status::Invalid(errors);
  }
  return c;
}

std::string SecretKeyPathOf(const Config& config) {
  if (!config.secret_key_file.empty()) return config.secret_key_file;
  if (config.store_url.rfind("sqlite:", 0) == 0) {
    const fs::path db(config.store_url.substr(7));
    return (db.parent_path() / "secret.key").string();
  }
  return "var/secret.key";
}

std::string BackupKeyFileOf(const Config& config) {
  if (!config.backup_key_file.empty()) return config.backup_key_file;
  if (const char* env = std::getenv("ONETABLE_BACKUP_KEY_FILE"); env && *env) return env;
  if (config.store_url.rfind("sqlite:", 0) == 0) {
    const fs::path db(config.store_url.substr(7));
    return (db.parent_path() / "backup.key").string();
  }
  return "var/backup.key";
}

std::string AuditKeyFileOf(const Config& config) {
  if (!config.audit_key_file.empty()) return config.audit_key_file;
  if (config.store_url.rfind("sqlite:", 0) == 0) {
    const fs::path db(config.store_url.substr(7));
    return (db.parent_path() / "audit.key").string();
  }
  // A MySQL store is shared by every instance and verb, whatever their working directory.
  if (const char* env = std::getenv("ONETABLE_AUDIT_KEY_FILE"); env && *env) {
    return env;
  }
  return "var/audit.key";
}

std::string DataKeyFileOf(const Config& config) {
  if (!config.data_key_file.empty()) return config.data_key_file;
  if (const char* env = std::getenv("ONETABLE_DATA_KEY_FILE"); env && *env) return env;
  // Beside the audit key: the same directory a deployment already keeps apart from the data.
  return (fs::path(AuditKeyFileOf(config)).parent_path() / "data.key").string();
}

AppSettings SettingsOf(const Config& config) {
  AppSettings settings;
  settings.schema_dir = config.schema_dir;
  settings.mappings_dir = config.mappings_dir;
  settings.connectors_dir = config.connectors_dir;
  settings.deliveries_dir = config.deliveries_dir;
  settings.review_fields = config.review_fields;
  settings.review_fields_where = config.review_fields_where;
  return settings;
}

}  // namespace onetable
