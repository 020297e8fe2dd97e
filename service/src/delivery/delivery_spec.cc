#include "delivery/delivery_spec.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "model/yaml_error.h"
#include "model/yaml_location.h"
#include "onetable/text.h"

namespace onetable {
namespace fs = std::filesystem;
namespace {

class Parser {
 public:
  Parser(const std::string& file, const std::string& text) : file_(file), text_(text) {}

  Result<DeliverySpec> Parse() {
    spec_.file = file_;
    YAML::Node root;
    try {
      root = YAML::Load(text_);
    } catch (const YAML::Exception& e) {
      const YamlError error = DescribeYamlError(text_, e);
      return Status::Invalid(Where(error.mark) + ": YAML 格式错误：" + error.message);
    }
    if (!root.IsMap()) return Status::Invalid(file_ + ":1:1: 推送配置应为键值对（YAML 映射）");
    for (const auto& kv : root) Top(kv.first, kv.second);
    Require(root, "id", spec_.id);
    Require(root, "title", spec_.title);
    Require(root, "mapping", spec_.mapping);
    Require(root, "key", spec_.key);
    if (!root["target"]) Error(root, "缺少 target（推送目标：http、mysql 或 file）");
    static const std::regex kId("^[a-z0-9][a-z0-9_.-]{0,99}$");
    if (!spec_.id.empty() && !std::regex_match(spec_.id, kId)) {
      Error(root["id"],
            "id 只能由小写字母、数字和 _ . - 组成（以字母或数字开头，至多 100 个字符）");
    }
    if (!errors_.empty()) return Status::Invalid(Join(errors_, "\n"));
    return spec_;
  }

 private:
  std::string Where(const YAML::Mark& m) const { return YamlLocation(file_, text_, m).ToString(); }
  void Error(const YAML::Node& at, const std::string& message) {
    errors_.push_back(Where(at.Mark()) + ": " + message);
  }
  void Require(const YAML::Node& root, const char* key, const std::string& value) {
    if (root[key] && value.empty() && errors_.empty())
      Error(root[key], std::string(key) + " 不能为空");
    if (!root[key]) Error(root, std::string("缺少 ") + key);
  }
  bool Scalar(const YAML::Node& n, const std::string& what, std::string* out) {
    if (!n.IsScalar()) {
      Error(n, what + " 应为单个值");
      return false;
    }
    *out = n.as<std::string>();
    return true;
  }
  bool Int(const YAML::Node& n, const std::string& what, int64_t lo, int64_t hi, int64_t* out) {
    std::string s;
    if (!Scalar(n, what, &s)) return false;
    static const std::regex kInt("^[0-9]{1,12}$");
    if (!std::regex_match(s, kInt) || std::stoll(s) < lo || std::stoll(s) > hi) {
      Error(n, what + " 应为 " + std::to_string(lo) + "–" + std::to_string(hi) +
                   " 的整数，实际是 “" + s + "”");
      return false;
    }
    *out = std::stoll(s);
    return true;
  }
  void Unknown(const YAML::Node& key, const std::string& name, const char* allowed) {
    Error(key, "未知的配置项 " + name + "（可用：" + allowed + "）");
  }

  void Top(const YAML::Node& k, const YAML::Node& v) {
    const std::string key = k.as<std::string>();
    if (key == "id") {
      Scalar(v, "id", &spec_.id);
    } else if (key == "title") {
      Scalar(v, "title", &spec_.title);
    } else if (key == "mapping") {
      Scalar(v, "mapping", &spec_.mapping);
    } else if (key == "scope") {
      Scalar(v, "scope", &spec_.scope);
    } else if (key == "as_of") {
      Scalar(v, "as_of", &spec_.as_of);
    } else if (key == "key") {
      if (Scalar(v, "key", &spec_.key)) spec_.key_where = Where(v.Mark());
    } else if (key == "account") {
      Scalar(v, "account", &spec_.account);
    } else if (key == "schedule") {
      if (Scalar(v, "schedule", &spec_.schedule)) {
        Result<int64_t> every = ParseSchedule(spec_.schedule);
        if (every.ok()) {
          spec_.every_seconds = *every;
        } else {
          Error(v, every.status().message());
        }
      }
    } else if (key == "target") {
      Target(v);
    } else {
      Unknown(k, key, "id, title, mapping, scope, as_of, key, account, schedule, target");
    }
  }

  void Text(const YAML::Node& v, const std::string& name, std::string* out) {
    if (Scalar(v, "target." + name, out)) spec_.target.where[name] = Where(v.Mark());
  }

  void Target(const YAML::Node& node) {
    if (!node.IsMap()) {
      Error(node, "target 应为键值对，如 {type: http, url: ...}");
      return;
    }
    DeliveryTargetSpec& t = spec_.target;
    if (!node["type"] || !Scalar(node["type"], "target.type", &t.type)) {
      if (!node["type"]) Error(node, "target 缺少 type（http、mysql 或 file）");
      return;
    }
    if (t.type != "http" && t.type != "mysql" && t.type != "file") {
      Error(node["type"], "target.type 应为 http、mysql 或 file，实际是 “" + t.type + "”");
      return;
    }
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      int64_t n = 0;
      if (key == "type") continue;
      if (key == "batch") {
        if (Int(v, "target.batch", 1, 100000, &n)) t.batch = static_cast<size_t>(n);
      } else if (key == "retry") {
        Retry(v);
      } else if (key == "url" && t.type != "file") {
        Text(v, "url", &t.url);
      } else if (key == "auth" && t.type == "http") {
        Auth(v);
      } else if (key == "timeout" && t.type == "http") {
        if (Int(v, "target.timeout", 1, 600, &n)) t.timeout_seconds = static_cast<int>(n);
      } else if (key == "ca_file" && t.type == "http") {
        Text(v, "ca_file", &t.ca_file);
      } else if (key == "table" && t.type == "mysql") {
        if (Scalar(v, "target.table", &t.table) && !Identifier(t.table)) {
          Error(v, "target.table 应为表名（字母、数字、下划线，至多 64 个字符）");
        }
      } else if (key == "columns" && t.type == "mysql") {
        Columns(v);
      } else if (key == "dir" && t.type == "file") {
        Text(v, "dir", &t.dir);
      } else if (key == "format" && t.type == "file") {
        if (Scalar(v, "target.format", &t.format) && t.format != "json" && t.format != "csv" &&
            t.format != "xlsx") {
          Error(v, "target.format 应为 json、csv 或 xlsx");
        }
      } else {
        const char* allowed = t.type == "http" ? "type, url, auth, batch, timeout, retry, ca_file"
                              : t.type == "mysql" ? "type, url, table, columns, batch, retry"
                                                  : "type, dir, format, batch, retry";
        Unknown(kv.first, "target." + key, allowed);
      }
    }
    auto need = [&](const char* key, const std::string& value) {
      if (value.empty() && !node[key]) {
        Error(node, std::string("target（") + t.type + "）缺少 " + key);
      }
    };
    if (t.type == "http" || t.type == "mysql") need("url", t.url);
    if (t.type == "mysql") need("table", t.table);
    if (t.type == "file") need("dir", t.dir);
    if (t.type == "http" && !t.url.empty() && !StartsWith(t.url, "http://") &&
        !StartsWith(t.url, "https://") && !StartsWith(t.url, "${")) {
      Error(node["url"], "target.url 应以 http:// 或 https:// 开头");
    }
    if (t.type == "http" && t.url.find('@') != std::string::npos && !StartsWith(t.url, "${")) {
      Error(node["url"], "target.url 不能含用户名或密码：请用 auth");
    }
  }

  static bool Identifier(const std::string& s) {
    static const std::regex kIdent("^[A-Za-z_][A-Za-z0-9_]{0,63}$");
    return std::regex_match(s, kIdent);
  }

  void Retry(const YAML::Node& v) {
    if (!v.IsMap()) {
      Error(v, "target.retry 应为键值对，如 {attempts: 6, delay_ms: 1000}");
      return;
    }
    RetrySpec& r = spec_.target.retry;
    for (const auto& kv : v) {
      const std::string key = kv.first.as<std::string>();
      int64_t n = 0;
      if (key == "attempts") {
        if (Int(kv.second, "target.retry.attempts", 1, 100, &n)) r.attempts = static_cast<int>(n);
      } else if (key == "delay_ms") {
        if (Int(kv.second, "target.retry.delay_ms", 0, 3600000, &n)) r.delay_ms = n;
      } else if (key == "max_delay_ms") {
        if (Int(kv.second, "target.retry.max_delay_ms", 0, 3600000, &n)) r.max_delay_ms = n;
      } else {
        Unknown(kv.first, "target.retry." + key, "attempts, delay_ms, max_delay_ms");
      }
    }
  }

  void Auth(const YAML::Node& v) {
    DeliveryTargetSpec& t = spec_.target;
    if (!v.IsMap()) {
      Error(v, "target.auth 应为 {bearer: 令牌} 或 {basic: {user: 用户, password: 密码}}");
      return;
    }
    for (const auto& kv : v) {
      const std::string key = kv.first.as<std::string>();
      if (key == "bearer") {
        Text(kv.second, "bearer", &t.bearer);
      } else if (key == "basic" && kv.second.IsMap()) {
        for (const auto& b : kv.second) {
          const std::string bk = b.first.as<std::string>();
          if (bk == "user") {
            Text(b.second, "basic.user", &t.basic_user);
          } else if (bk == "password") {
            Text(b.second, "basic.password", &t.basic_password);
          } else {
            Unknown(b.first, "target.auth.basic." + bk, "user, password");
          }
        }
      } else {
        Unknown(kv.first, "target.auth." + key, "bearer, basic: {user, password}");
      }
    }
  }

  void Columns(const YAML::Node& v) {
    if (!v.IsMap()) {
      Error(v, "target.columns 应为 {报表列名: 目标表列名, ...}");
      return;
    }
    for (const auto& kv : v) {
      std::string column;
      if (!Scalar(kv.second, "target.columns", &column)) continue;
      if (!Identifier(column)) {
        Error(kv.second,
              "目标表列名 “" + column + "” 应由字母、数字、下划线组成（至多 64 个字符）");
        continue;
      }
      spec_.target.columns[kv.first.as<std::string>()] = column;
    }
  }

  const std::string& file_;
  const std::string& text_;
  DeliverySpec spec_;
  std::vector<std::string> errors_;
};

}  // namespace

Result<int64_t> ParseSchedule(const std::string& text) {
  static const std::regex kEvery("^every\\s+([0-9]{1,6})\\s*([smhd])$");
  std::smatch m;
  const std::string t(TrimBlank(text));
  if (!std::regex_match(t, m, kEvery) || std::stoll(m[1].str()) == 0) {
    return Status::Invalid(
        "schedule 应为 “every N单位”，单位为 s、m、h、d（如 every 10m），实际是 “" + text + "”");
  }
  const int64_t n = std::stoll(m[1].str());
  const char unit = m[2].str()[0];
  return n * (unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400);
}

Result<DeliverySpec> ParseDeliverySpec(const std::string& text, const std::string& file) {
  return Parser(file, text).Parse();
}

Result<DeliverySpec> LoadDeliverySpec(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Invalid(path + ": 无法读取推送配置文件");
  std::stringstream buffer;
  buffer << in.rdbuf();
  ASSIGN_OR_RETURN(DeliverySpec spec, ParseDeliverySpec(buffer.str(), path));
  if (spec.target.type == "file" && !spec.target.dir.empty() &&
      !StartsWith(spec.target.dir, "${") && fs::path(spec.target.dir).is_relative()) {
    fs::path parent = fs::path(path).parent_path();
    spec.target.dir = (parent.empty() ? fs::path(".") : parent) / spec.target.dir;
  }
  return spec;
}

bool LeftOutColumn(const mapping::ColumnSpec& column) {
  std::string v;
  for (char c : column.value_text) {
    if (!IsAsciiBlank(c)) v.push_back(c);
  }
  return v == "row_number()";
}

Status CheckAgainstMapping(const DeliverySpec& spec, const mapping::MappingSpec& mapping) {
  std::vector<std::string> usable;
  for (const mapping::ColumnSpec& c : mapping.columns) {
    if (LeftOutColumn(c)) continue;
    if (c.header == spec.key) return Status::Ok();
    usable.push_back(c.header);
  }
  return Status::Invalid(spec.key_where + ": key “" + spec.key + "” 不是报表 " + mapping.id +
                         " 的列（可用：" + Join(usable, "、") + "）");
}

namespace {

Result<std::string> Expand(const std::string& value, const std::string& where,
                           const std::string& name) {
  static const std::regex kVar("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\\}");
  std::string out;
  auto begin = value.cbegin();
  std::smatch m;
  while (std::regex_search(begin, value.cend(), m, kVar)) {
    out.append(begin, m[0].first);
    const char* env = std::getenv(m[1].str().c_str());
    if (env && *env) {
      out += env;
    } else if (m[2].matched) {
      out += m[3].str();
    } else {
      return Status::Invalid(where + ": target." + name + " 引用的环境变量 " + m[1].str() +
                             " 未设置");
    }
    begin = m[0].second;
  }
  out.append(begin, value.cend());
  return out;
}

}  // namespace

Result<DeliveryTargetSpec> ResolveTarget(const DeliverySpec& spec) {
  DeliveryTargetSpec t = spec.target;
  std::vector<std::string> errors;
  auto expand = [&](const char* name, std::string* value) {
    auto it = t.where.find(name);
    Result<std::string> r = Expand(*value, it == t.where.end() ? spec.file : it->second, name);
    if (r.ok()) {
      *value = std::move(*r);
    } else {
      errors.push_back(r.status().message());
    }
  };
  expand("url", &t.url);
  expand("bearer", &t.bearer);
  expand("basic.user", &t.basic_user);
  expand("basic.password", &t.basic_password);
  expand("ca_file", &t.ca_file);
  expand("dir", &t.dir);
  if (!errors.empty()) return Status::Invalid(Join(errors, "\n"));
  if (t.type == "http" && !StartsWith(t.url, "http://") && !StartsWith(t.url, "https://")) {
    return Status::Invalid(t.where["url"] + ": target.url 应以 http:// 或 https:// 开头");
  }
  return t;
}

}  // namespace onetable
