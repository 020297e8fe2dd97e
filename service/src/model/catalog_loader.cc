// Loading schema/fields.yaml and schema/codes/*.csv into a Catalog. The loader keeps going after
// a problem so that an admin who edits the catalog sees every mistake in one run, each named by
// file:line:col.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "model/catalog.h"
#include "model/catalog_entry.h"
#include "model/catalog_keys.h"
#include "model/yaml_error.h"

namespace onetable {

namespace internal {
// Defined in catalog.cc.
std::string NormalizeHeader(std::string_view text);
bool ReadFile(const std::string& path, std::string* out);
void ParseCodeTableText(const std::string& path, const std::string& text, CodeTableText* out,
                        std::vector<std::string>* problems);
}  // namespace internal

namespace {

using catalog_internal::Choices;
using catalog_internal::Entry;
using catalog_internal::kAllFieldTypes;
using catalog_internal::ParseFieldType;
using catalog_internal::Problems;

constexpr const char* kTagModule = "专项信息";
// Columns every register table has; the catalog describes the others.
constexpr const char* kStructuralColumns[] = {"id", "parent_id", "version", "status"};

const std::vector<std::string> kFieldKeys = {
    "key",        "entity",  "module",      "label",    "aliases", "type", "codes",
    "max_length", "pattern", "sensitivity", "required", "derived", "encrypted", "doc"};
const std::vector<std::string> kAttributeKeys = {"key",      "label",      "aliases", "type",
                                                 "codes",    "max_length", "pattern", "sensitivity",
                                                 "required", "doc"};
const std::vector<std::string> kTagKeys = {"key",         "label",      "department", "module",
                                           "sensitivity", "attributes", "doc"};
const std::vector<std::string> kTopKeys = {"fields", "tags"};

struct LoadContext {
  Problems* problems;
  const std::set<std::string>* code_table_ids;
};

// Parses the part a catalog field and a tag attribute share. Returns false when the entry is
// unusable (problems reported).
bool ParseFieldBody(const Entry& entry, const LoadContext& ctx, FieldDef* field) {
  Problems* problems = ctx.problems;
  bool ok = true;
  field->where = problems->Where(entry.node().Mark());

  ok = entry.Key(&field->key) && ok;
  if (std::optional<std::string> label = entry.Need("label", "（中文名称）")) {
    field->label = *label;
  } else {
    ok = false;
  }

  YAML::Node aliases = entry.Get("aliases");
  if (aliases.IsDefined()) {
    if (!aliases.IsSequence()) {
      problems->Add(aliases, "aliases 应为字符串列表，如 [身份证号, 身份证号码]");
    } else {
      for (const YAML::Node& alias : aliases) {
        if (!alias.IsScalar() || alias.Scalar().empty()) {
          problems->Add(alias, "aliases 中的每一项应为非空字符串");
        } else {
          field->aliases.push_back(alias.Scalar());
        }
      }
    }
  }

  std::optional<std::string> type = entry.Need("type");
  if (!type) {
    ok = false;
  } else if (std::optional<FieldType> parsed = ParseFieldType(*type)) {
    field->type = *parsed;
  } else {
    problems->Add(entry.Get("type"), "未知的类型“" + *type + "”；可用的类型：" +
                                         Choices(kAllFieldTypes, FieldTypeName));
    ok = false;
  }

  std::optional<std::string> codes = entry.Scalar("codes");
  if (codes && !codes->empty()) {
    if (type && ParseFieldType(*type) && field->type != FieldType::kCode) {
      problems->Add(entry.Get("codes"), "只有 type 为 code 的字段可以指定 codes");
    } else if (ctx.code_table_ids->count(*codes) == 0) {
      problems->Add(entry.Get("codes"),
                    "未知的代码表“" + *codes + "”：codes/ 目录下没有 " + *codes + ".csv");
      ok = false;
    } else {
      field->code_table = *codes;
    }
  } else if (field->type == FieldType::kCode && type && ParseFieldType(*type)) {
    problems->Add(entry.Get("type"), "type 为 code 的字段必须用 codes 指定代码表");
    ok = false;
  }

  YAML::Node max_length = entry.Get("max_length");
  if (max_length.IsDefined()) {
    int n = 0;
    if (!max_length.IsScalar() || !YAML::convert<int>::decode(max_length, n) || n <= 0) {
      problems->Add(max_length, "max_length 应为正整数（按字符计）");
    } else {
      field->max_length = n;
    }
  }

  if (std::optional<std::string> pattern = entry.Scalar("pattern")) {
    try {
      std::regex compiled(*pattern, std::regex::ECMAScript);
      field->pattern = *pattern;
    } catch (const std::regex_error& e) {
      problems->Add(entry.Get("pattern"),
                    "pattern 不是有效的正则表达式（ECMAScript）：" + std::string(e.what()));
      ok = false;
    }
  }

  ok = entry.ReadSensitivity(&field->sensitivity) && ok;
  if (std::optional<bool> required = entry.Bool("required")) field->required = *required;
  if (std::optional<std::string> doc = entry.Scalar("doc")) field->doc = *doc;
  return ok;
}

// Parses one entry of `fields`. Returns false when it is unusable; `*entity_known` says whether
// field->entity was read (so that a broken entry still takes part in the duplicate-key check).
bool ParseField(const YAML::Node& node, const LoadContext& ctx, FieldDef* out, bool* entity_known) {
  *entity_known = false;
  if (!node.IsMap()) {
    ctx.problems->Add(node, "fields 中的每一项应为映射（key: 值）");
    return false;
  }
  Entry entry(node, kFieldKeys, "字段", ctx.problems);
  FieldDef& field = *out;
  bool ok = ParseFieldBody(entry, ctx, &field);

  std::optional<std::string> entity = entry.Need("entity");
  if (!entity) {
    ok = false;
  } else if (std::optional<EntityKind> kind = ParseEntityKind(*entity)) {
    field.entity = *kind;
    *entity_known = true;
  } else {
    ctx.problems->Add(entry.Get("entity"), "未知的实体“" + *entity + "”；可用的实体：" +
                                               Choices(kAllEntityKinds, EntityName));
    ok = false;
  }

  ok = entry.ReadModule(/*required=*/true, &field.module) && ok;

  if (std::optional<bool> derived = entry.Bool("derived")) field.derived = *derived;
  if (std::optional<bool> encrypted = entry.Bool("encrypted")) {
    if (*encrypted && (field.derived || field.type != FieldType::kString)) {
      ctx.problems->Add(entry.Get("encrypted"),
                        "encrypted: true 只用于存储的 string 字段（证件号码一类的文本）；"
                        "身份证号、电话和敏感字段本来就加密存储，日期和数值要在查询中比较，不能加密");
    } else {
      field.encrypted = *encrypted;
    }
  }
  if (!field.derived) {
    for (const char* structural : kStructuralColumns) {
      if (field.key == structural) {
        ctx.problems->Add(entry.Get("key"),
                          "key “" + field.key + "” 是每张表都有的结构列，不能作为字段");
        ok = false;
      }
    }
  }
  return ok;
}

// Parses one entry of `tags`. Returns false when it is unusable (tag->key is still set when it
// was readable).
bool ParseTag(const YAML::Node& node, const LoadContext& ctx, TagDef* out) {
  Problems* problems = ctx.problems;
  if (!node.IsMap()) {
    problems->Add(node, "tags 中的每一项应为映射（key: 值）");
    return false;
  }
  Entry entry(node, kTagKeys, "标签", problems);
  TagDef& tag = *out;
  bool ok = true;
  tag.where = problems->Where(node.Mark());
  tag.module = kTagModule;

  ok = entry.Key(&tag.key) && ok;
  std::optional<std::string> label = entry.Need("label", "（中文名称）");
  std::optional<std::string> department = entry.Need("department", "（主管部门）");
  ok = label && department && ok;
  tag.label = label.value_or("");
  tag.department = department.value_or("");
  ok = entry.ReadModule(/*required=*/false, &tag.module) && ok;
  ok = entry.ReadSensitivity(&tag.sensitivity) && ok;

  YAML::Node attributes = entry.Get("attributes");
  if (attributes.IsDefined() && !attributes.IsSequence()) {
    problems->Add(attributes, "attributes 应为列表");
    ok = false;
  } else if (attributes.IsDefined()) {
    std::map<std::string, int> seen;  // key -> line
    for (const YAML::Node& item : attributes) {
      if (!item.IsMap()) {
        problems->Add(item, "attributes 中的每一项应为映射（key: 值）");
        ok = false;
        continue;
      }
      Entry attribute_entry(item, kAttributeKeys, "标签属性", problems);
      FieldDef attribute;
      // Attributes inherit the tag's sensitivity unless they say otherwise.
      attribute.sensitivity = tag.sensitivity;
      bool attribute_ok = ParseFieldBody(attribute_entry, ctx, &attribute);
      attribute.entity = EntityKind::kPerson;
      attribute.module = tag.module;
      if (!attribute.key.empty()) {
        auto [it, inserted] = seen.emplace(attribute.key, attribute.where.line);
        if (!inserted) {
          problems->Add(attribute_entry.Get("key"), "标签属性 key “" + attribute.key +
                                                        "” 重复（第 " + std::to_string(it->second) +
                                                        " 行已定义）");
          attribute_ok = false;
        }
      }
      if (attribute_ok) {
        tag.attributes.push_back(std::move(attribute));
      } else {
        ok = false;
      }
    }
  }
  return ok;
}

// Reports a header (label or alias) that two fields of one entity both claim: a department column
// must map to one field only.
void CheckHeaders(const std::vector<FieldDef>& fields, Problems* problems) {
  std::map<std::pair<EntityKind, std::string>, const FieldDef*> owner;
  for (const FieldDef& field : fields) {
    std::vector<std::string> headers = {field.label};
    headers.insert(headers.end(), field.aliases.begin(), field.aliases.end());
    std::set<std::string> own;
    for (const std::string& header : headers) {
      std::string normalized = internal::NormalizeHeader(header);
      if (!own.insert(normalized).second) continue;
      auto [it, inserted] = owner.emplace(std::make_pair(field.entity, normalized), &field);
      if (!inserted) {
        problems->Add(field.where, std::string("表头“") + header + "”已用于" +
                                       EntityLabel(field.entity) + "字段 " + it->second->key +
                                       "（" + it->second->where.ToString() + "），不能再用于 " +
                                       field.key);
      }
    }
  }
}

// Reads every codes_dir/*.csv. A table with bad lines still counts as existing (in `ids`): its
// own lines are reported, not every field that uses it.
void LoadCodeTables(const std::string& codes_dir,
                    std::map<std::string, CodeTable, std::less<>>* out, std::set<std::string>* ids,
                    std::vector<std::string>* problems) {
  std::error_code error;
  if (!std::filesystem::is_directory(codes_dir, error)) {
    problems->push_back(codes_dir + ": 代码表目录不存在");
    return;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& item : std::filesystem::directory_iterator(codes_dir, error)) {
    if (item.path().extension() == ".csv") files.push_back(item.path());
  }
  std::sort(files.begin(), files.end());
  for (const std::filesystem::path& file : files) {
    std::string id = file.stem().string();
    std::string path = codes_dir + "/" + file.filename().string();
    ids->insert(id);
    std::string text;
    if (!internal::ReadFile(path, &text)) {
      problems->push_back(path + ": 无法读取代码表文件");
      continue;
    }
    CodeTableText table;
    size_t before = problems->size();
    internal::ParseCodeTableText(path, text, &table, problems);
    if (problems->size() == before) out->emplace(id, CodeTable(id, std::move(table)));
  }
}

void ParseFields(const YAML::Node& fields, const LoadContext& ctx, std::vector<FieldDef>* out) {
  std::map<std::pair<EntityKind, std::string>, int> seen;  // -> line
  for (const YAML::Node& node : fields) {
    FieldDef field;
    bool entity_known = false;
    bool ok = ParseField(node, ctx, &field, &entity_known);
    if (entity_known && !field.key.empty()) {
      auto [it, inserted] = seen.emplace(std::make_pair(field.entity, field.key), field.where.line);
      if (!inserted) {
        ctx.problems->Add(node["key"], std::string(EntityLabel(field.entity)) + "（" +
                                           EntityName(field.entity) + "）的字段 key “" + field.key +
                                           "” 重复（第 " + std::to_string(it->second) +
                                           " 行已定义）");
        ok = false;
      }
    }
    if (ok) out->push_back(std::move(field));
  }
  CheckHeaders(*out, ctx.problems);
}

void ParseTags(const YAML::Node& tags, const LoadContext& ctx, std::vector<TagDef>* out) {
  std::map<std::string, int> seen;  // -> line
  for (const YAML::Node& node : tags) {
    TagDef tag;
    bool ok = ParseTag(node, ctx, &tag);
    if (!tag.key.empty()) {
      auto [it, inserted] = seen.emplace(tag.key, tag.where.line);
      if (!inserted) {
        ctx.problems->Add(node["key"], "标签 key “" + tag.key + "” 重复（第 " +
                                           std::to_string(it->second) + " 行已定义）");
        ok = false;
      }
    }
    if (ok) out->push_back(std::move(tag));
  }
}

}  // namespace

Result<Catalog> Catalog::Load(const std::string& schema_dir) {
  const std::string fields_path = schema_dir + "/fields.yaml";
  Catalog catalog;
  std::string text;
  const bool readable = internal::ReadFile(fields_path, &text);
  Problems problems(fields_path, text);
  std::vector<std::string> file_problems;  // whole files and code tables, after fields.yaml's

  // Code tables first, so fields can be checked against them.
  std::set<std::string> code_table_ids;
  LoadCodeTables(schema_dir + "/codes", &catalog.codes_, &code_table_ids, &file_problems);

  if (!readable) {
    file_problems.insert(file_problems.begin(), fields_path + ": 无法读取字段目录文件");
  } else {
    try {
      YAML::Node root = YAML::Load(text);
      LoadContext ctx{&problems, &code_table_ids};
      if (!root.IsMap()) {
        problems.Add(root, "顶层应为映射，包含 fields 和 tags");
      } else {
        Entry top(root, kTopKeys, "顶层", &problems);
        YAML::Node fields = top.Get("fields");
        if (!fields.IsDefined()) {
          problems.Add(root, "缺少 fields");
        } else if (!fields.IsSequence()) {
          problems.Add(fields, "fields 应为列表");
        } else {
          ParseFields(fields, ctx, &catalog.fields_);
        }
        YAML::Node tags = top.Get("tags");
        if (tags.IsDefined() && !tags.IsSequence()) {
          problems.Add(tags, "tags 应为列表");
        } else if (tags.IsDefined()) {
          ParseTags(tags, ctx, &catalog.tags_);
        }
      }
    } catch (const YAML::ParserException& e) {
      problems.Add(e.mark, "YAML 语法错误：" + YamlMessageChinese(e.msg));
    } catch (const YAML::Exception& e) {
      problems.Add(e.mark, "无法解析 YAML：" + YamlMessageChinese(e.msg));
    }
  }

  std::vector<std::string> all = problems.Lines();
  all.insert(all.end(), file_problems.begin(), file_problems.end());
  if (!all.empty()) return Status::Invalid(Join(all, "\n"));
  // Only a catalog that loaded is checked for the keys the code names (model/catalog_keys.h):
  // a broken one would report its own mistakes twice.
  for (const keys::RequiredKey& required : keys::kRequiredKeys) {
    if (catalog.Find(required.entity, required.key) == nullptr) {
      all.push_back(fields_path + ": 缺少字段 " + EntityName(required.entity) + "." + required.key +
                    "（程序依赖这个字段，字段目录必须定义它）");
    }
  }
  if (!all.empty()) return Status::Invalid(Join(all, "\n"));
  return catalog;
}

}  // namespace onetable
