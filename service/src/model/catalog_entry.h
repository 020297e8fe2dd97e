// The vocabulary the catalog loader (catalog_loader.cc) reads schema/fields.yaml with: problems
// collected as file:line:col lines, map entries checked for unknown and repeated keys (with a
// "did you mean" hint), and the parsers of the catalog's enumerations. Internal to model/.
//
// Thread-safety: Problems and Entry are used by one thread; the functions are pure.
#ifndef ONETABLE_MODEL_CATALOG_ENTRY_H_
#define ONETABLE_MODEL_CATALOG_ENTRY_H_

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/catalog.h"
#include "model/yaml_location.h"
#include "onetable/text.h"

namespace onetable::catalog_internal {

inline constexpr const char* kModules[] = {"基本信息", "户与房屋", "专项信息"};
inline constexpr FieldType kAllFieldTypes[] = {
    FieldType::kString,   FieldType::kCode,     FieldType::kDate,     FieldType::kInteger,
    FieldType::kDecimal,  FieldType::kBoolean,  FieldType::kIdNumber, FieldType::kPhone,
    FieldType::kDivision, FieldType::kReference};
inline constexpr Sensitivity kAllSensitivities[] = {Sensitivity::kPublic, Sensitivity::kPersonal,
                                                    Sensitivity::kSensitive};

template <typename Range, typename Name>
std::string Choices(const Range& values, Name name) {
  std::vector<std::string> names;
  for (const auto& v : values) names.push_back(name(v));
  return Join(names, ", ");
}

std::optional<FieldType> ParseFieldType(const std::string& name);
std::optional<Sensitivity> ParseSensitivity(const std::string& name);
bool IsKnownModule(const std::string& module);
// Keys become SQL column names and JSON attribute names, so they stay plain.
bool IsValidKey(const std::string& key);

// Collects "file:line:col: message" lines.
class Problems {
 public:
  // `text` is what yaml-cpp parses (positions are counted in it); it must outlive this.
  Problems(std::string file, std::string_view text) : file_(std::move(file)), text_(text) {}

  SourceLocation Where(const YAML::Mark& mark) const { return YamlLocation(file_, text_, mark); }

  void Add(const YAML::Node& node, const std::string& message) { Add(node.Mark(), message); }
  void Add(const YAML::Mark& mark, const std::string& message) { Add(Where(mark), message); }
  void Add(const SourceLocation& where, const std::string& message) {
    found_.push_back({where, message});
  }

  // In file order, so that a reader can walk down the file fixing them.
  std::vector<std::string> Lines() const {
    std::vector<Found> sorted = found_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Found& a, const Found& b) {
      return std::make_pair(a.where.line, a.where.column) <
             std::make_pair(b.where.line, b.where.column);
    });
    std::vector<std::string> lines;
    for (const Found& f : sorted) lines.push_back(f.where.ToString() + ": " + f.message);
    return lines;
  }

 private:
  struct Found {
    SourceLocation where;
    std::string message;
  };
  std::string file_;
  std::string_view text_;
  std::vector<Found> found_;
};

// The entries of a YAML map, keyed by name, after reporting unknown and repeated keys.
class Entry {
 public:
  // `what` names the kind of entry in messages: 字段, 标签, 标签属性.
  Entry(const YAML::Node& node, const std::vector<std::string>& allowed, const char* what,
        Problems* problems);

  // The value of `name`, or an undefined node when absent or null.
  YAML::Node Get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
    return it->second;
  }

  // A scalar value; reports a problem when present but not a scalar.
  std::optional<std::string> Scalar(const std::string& name) const {
    YAML::Node value = Get(name);
    if (!value.IsDefined()) return std::nullopt;
    if (!value.IsScalar()) {
      problems_->Add(value, name + " 应为单个值");
      return std::nullopt;
    }
    return value.Scalar();
  }

  std::optional<bool> Bool(const std::string& name) const {
    YAML::Node value = Get(name);
    if (!value.IsDefined()) return std::nullopt;
    bool out = false;
    if (!value.IsScalar() || !YAML::convert<bool>::decode(value, out)) {
      problems_->Add(value, name + " 应为 true 或 false");
      return std::nullopt;
    }
    return out;
  }

  // A scalar that must be present and non-empty; reports "<what>缺少 <name><hint>" otherwise.
  std::optional<std::string> Need(const std::string& name, const std::string& hint = "") const {
    std::optional<std::string> value = Scalar(name);
    if (!value || value->empty()) {
      problems_->Add(node_, what_ + "缺少 " + name + hint);
      return std::nullopt;
    }
    return value;
  }

  // The snake_case key (it becomes a column or JSON name); false when missing or malformed.
  bool Key(std::string* out) const {
    std::optional<std::string> key = Need("key");
    if (!key) return false;
    if (!IsValidKey(*key)) {
      problems_->Add(Get("key"), what_ + " key “" + *key +
                                     "” 只能由小写英文字母、数字和下划线组成，且以字母开头");
      return false;
    }
    *out = *key;
    return true;
  }

  // An optional sensitivity; false when present but unknown.
  bool ReadSensitivity(Sensitivity* out) const {
    std::optional<std::string> name = Scalar("sensitivity");
    if (!name) return true;
    if (std::optional<Sensitivity> parsed = ParseSensitivity(*name)) {
      *out = *parsed;
      return true;
    }
    problems_->Add(Get("sensitivity"), "未知的敏感级别“" + *name + "”；可用的级别：" +
                                           Choices(kAllSensitivities, SensitivityName));
    return false;
  }

  // The module; false when missing (and `required`) or unknown.
  bool ReadModule(bool required, std::string* out) const {
    std::optional<std::string> module =
        required ? Need("module", "（基本信息、户与房屋 或 专项信息）") : Scalar("module");
    if (!module) return !required;
    if (!IsKnownModule(*module)) {
      problems_->Add(Get("module"), "未知的模块“" + *module + "”；可用的模块：" +
                                        Choices(kModules, [](auto m) { return std::string(m); }));
      return false;
    }
    *out = *module;
    return true;
  }

  const YAML::Node& node() const { return node_; }

 private:
  YAML::Node node_;
  std::string what_;
  Problems* problems_;
  std::map<std::string, YAML::Node> values_;
};

}  // namespace onetable::catalog_internal

#endif  // ONETABLE_MODEL_CATALOG_ENTRY_H_
