#include "model/catalog_entry.h"

#include <regex>

#include "model/text.h"

namespace onetable::catalog_internal {

std::optional<FieldType> ParseFieldType(const std::string& name) {
  for (FieldType type : kAllFieldTypes) {
    if (name == FieldTypeName(type)) return type;
  }
  return std::nullopt;
}

std::optional<Sensitivity> ParseSensitivity(const std::string& name) {
  for (Sensitivity s : kAllSensitivities) {
    if (name == SensitivityName(s)) return s;
  }
  return std::nullopt;
}

bool IsKnownModule(const std::string& module) {
  for (const char* m : kModules) {
    if (module == m) return true;
  }
  return false;
}

// Keys become SQL column names and JSON attribute names, so they stay plain.
bool IsValidKey(const std::string& key) {
  static const std::regex kKey("^[a-z][a-z0-9_]*$");
  return key.size() <= 64 && std::regex_match(key, kKey);
}

Entry::Entry(const YAML::Node& node, const std::vector<std::string>& allowed, const char* what,
             Problems* problems)
    : node_(node), what_(what), problems_(problems) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    YAML::Node key = it->first;
    std::string name = key.IsScalar() ? key.Scalar() : std::string();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string message = std::string(what) + "中有未知的属性“" + name + "”";
      for (const std::string& candidate : allowed) {
        if (EditDistance(name, candidate) <= 2) {
          message += "（是否想写 " + candidate + "？）";
          break;
        }
      }
      message += "；可用的属性：" + Join(allowed, ", ");
      problems->Add(key, message);
      continue;
    }
    if (values_.count(name) > 0) {
      problems->Add(key, "属性“" + name + "”重复");
      continue;
    }
    values_.emplace(name, it->second);
  }
}

}  // namespace onetable::catalog_internal
