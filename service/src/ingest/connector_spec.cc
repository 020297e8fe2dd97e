#include "ingest/connector_spec.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "expr/yaml_source.h"
#include "ingest/content_hash.h"
#include "model/catalog_keys.h"
#include "model/sha256.h"
#include "model/yaml_error.h"
#include "model/yaml_location.h"
#include "onetable/text.h"
#include "onetable/utf8.h"

namespace onetable {
namespace fs = std::filesystem;

const FieldMapping* ConnectorSpec::FindField(EntityKind e, const std::string& key) const {
  for (const FieldMapping& m : fields) {
    if (m.entity == e && m.field->key == key) return &m;
  }
  return nullptr;
}

namespace {

// Identity keys a spec may name under `match`, per entity.
bool IsMatchKey(EntityKind entity, const std::string& key) {
  switch (entity) {
    case EntityKind::kPerson:
      return key == keys::kIdNumber;
    case EntityKind::kHousehold:
      return key == keys::kHouseholdNumber || key == keys::kAddress;
    case EntityKind::kBuilding:
      return key == keys::kBuildingCode || key == keys::kAddress;
    default:
      return false;
  }
}

// "file:line:col: message" lines of an expression's errors, each marked with `mark`.
void AddExprErrors(const std::string& message, const std::string& mark,
                   std::vector<std::string>* errors) {
  size_t start = 0;
  while (start <= message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    std::string line = message.substr(start, end - start);
    // After "file:line:col: " (the file name may itself hold ':', the position never ': ').
    size_t at = line.find(": ");
    if (at != std::string::npos) line.insert(at + 2, mark);
    errors->push_back(line);
    start = end + 1;
  }
}

class SpecParser {
 public:
  SpecParser(const std::string& path, const Catalog& catalog) : path_(path), catalog_(catalog) {}

  Result<ConnectorSpec> Parse(const std::string& text) {
    text_ = text;
    spec_.path = path_;
    fs::path parent = fs::path(path_).parent_path();
    spec_.base_dir = parent.empty() ? "." : parent.string();
    spec_.fingerprint = Sha256Hex(text);
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      const YamlError error = DescribeYamlError(text, e);
      return Status::Invalid(Where(error.mark) + ": YAML 格式错误：" + error.message);
    }
    if (!root.IsMap()) {
      return Status::Invalid(path_ + ":1:1: 连接器配置应为键值对（YAML 映射）");
    }
    ParseTop(root);
    if (!errors_.empty()) {
      return Status::Invalid(Join(errors_, "\n"));
    }
    return std::move(spec_);
  }

 private:
  // yaml-cpp counts columns in bytes; people count characters.
  SourceLocation At(const YAML::Mark& m) const {
    SourceLocation loc = YamlLocation(path_, text_, m);
    if (loc.line == 0) loc.line = loc.column = 1;
    return loc;
  }
  std::string Where(const YAML::Mark& m) const { return At(m).ToString(); }
  SourceLocation Loc(const YAML::Node& n) const { return At(n.Mark()); }
  void Error(const YAML::Node& at, const std::string& message) {
    errors_.push_back(Where(at.Mark()) + ": " + message);
  }
  bool Scalar(const YAML::Node& n, const std::string& what, std::string* out) {
    if (!n.IsScalar()) {
      Error(n, what + " 应为单个值");
      return false;
    }
    *out = n.Scalar();
    return true;
  }
  bool Int(const YAML::Node& n, const std::string& what, int lo, int hi, int* out) {
    std::string s;
    if (!Scalar(n, what, &s)) return false;
    static const std::regex kInt("^-?[0-9]{1,9}$");
    if (!std::regex_match(s, kInt) || std::stoi(s) < lo || std::stoi(s) > hi) {
      Error(n, what + " 应为 " + std::to_string(lo) + "–" + std::to_string(hi) + " 的整数");
      return false;
    }
    *out = std::stoi(s);
    return true;
  }
  bool Score(const YAML::Node& n, const std::string& what, double* out) {
    std::string s;
    if (!Scalar(n, what, &s)) return false;
    static const std::regex kNum("^(0(\\.[0-9]+)?|1(\\.0+)?|\\.[0-9]+)$");
    if (!std::regex_match(s, kNum)) {
      Error(n, what + " 应为 0 到 1 之间的小数");
      return false;
    }
    *out = std::stod(s);
    return true;
  }

  void ParseTop(const YAML::Node& root) {
    static const char* const kKeys[] = {"id",
                                        "title",
                                        "type",
                                        "trust",
                                        "options",
                                        "entity",
                                        "match",
                                        "fields",
                                        "tags",
                                        "identity",
                                        "conflict_threshold",
                                        "review_fields",
                                        "place",
                                        "placement",
                                        "batch_size"};
    bool has_id = false, has_type = false;
    // The entity decides what `fields` may name, so read it first.
    for (const auto& kv : root) {
      if (kv.first.Scalar() != "entity") continue;
      std::string e;
      if (!Scalar(kv.second, "entity", &e)) continue;
      auto kind = ParseEntityKind(e);
      if (!kind || (*kind != EntityKind::kPerson && *kind != EntityKind::kHousehold &&
                    *kind != EntityKind::kBuilding)) {
        Error(kv.second,
              "entity 应为 person（人员）、household（户）或 building（楼栋），不是 “" + e + "”");
      } else {
        spec_.entity = *kind;
      }
    }
    const YAML::Node* fields = nullptr;
    const YAML::Node* match = nullptr;
    const YAML::Node* tags = nullptr;
    YAML::Node fields_node, match_node, tags_node;
    for (const auto& kv : root) {
      std::string key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      bool known = false;
      for (const char* k : kKeys) known = known || key == k;
      if (!known) {
        Error(kv.first,
              "未知的配置项 “" + key +
                  "”（可用：id, title, type, trust, options, entity, match, fields, tags, "
                  "identity, conflict_threshold, review_fields, place, placement, batch_size）");
        continue;
      }
      if (key == "id") {
        has_id = true;
        static const std::regex kId("^[a-z0-9][a-z0-9_.-]{0,99}$");
        if (Scalar(v, "id", &spec_.id) && !std::regex_match(spec_.id, kId)) {
          Error(v, "id 只能由小写字母、数字、“-”“_”“.” 组成（至多 100 个字符），如 minzheng-dibao");
        } else if (spec_.id == kManualSource) {
          Error(v, "id 不能是 manual：它表示工作人员手工录入");
        }
      } else if (key == "title") {
        Scalar(v, "title", &spec_.title);
      } else if (key == "type") {
        has_type = true;
        static const std::regex kType("^[a-z0-9_]{1,32}$");
        if (Scalar(v, "type", &spec_.type) && !std::regex_match(spec_.type, kType)) {
          Error(v, "type 应为连接器插件名（小写字母、数字、下划线），如 csv、xlsx");
        }
      } else if (key == "trust") {
        Int(v, "trust", 0, 99, &spec_.trust);
      } else if (key == "options") {
        ParseOptions(v);
      } else if (key == "match") {
        match_node = v;
        match = &match_node;
      } else if (key == "fields") {
        fields_node = v;
        fields = &fields_node;
      } else if (key == "tags") {
        tags_node = v;
        tags = &tags_node;
      } else if (key == "identity") {
        ParseIdentity(v);
      } else if (key == "conflict_threshold") {
        Int(v, "conflict_threshold", 0, 100, &spec_.conflict_threshold);
      } else if (key == "review_fields") {
        ParseReviewFields(v);
      } else if (key == "place") {
        ParsePlace(v);
      } else if (key == "placement") {
        ParsePlacement(v);
      } else if (key == "batch_size") {
        Int(v, "batch_size", 1, 100000, &spec_.batch_size);
      }
    }
    if (!has_id) errors_.push_back(path_ + ":1:1: 缺少 id（数据来源标识，如 minzheng-dibao）");
    if (!has_type) errors_.push_back(path_ + ":1:1: 缺少 type（连接器类型，如 csv、xlsx）");
    if (match) ParseMatch(*match);
    if (fields) {
      ParseFields(*fields);
    } else if (!match) {
      errors_.push_back(path_ + ":1:1: 缺少 fields（字段映射：字段目录中的字段 <- 来源列名）");
    }
    if (tags) ParseTags(*tags);
    CheckIdentifiable(root);
    if (spec_.entity != EntityKind::kPerson && spec_.place_community.empty()) {
      errors_.push_back(path_ +
                        ":1:1: 户或楼栋数据源需要 place: {community: 社区12位代码, grid: "
                        "网格编号}，说明新建的户或楼栋归属哪个网格");
    }
    if (spec_.review_score > spec_.link_score) {
      errors_.push_back(path_ + ":1:1: identity.review 不能大于 identity.link");
    }
  }

  void ParseOptions(const YAML::Node& v) {
    spec_.options_where = Loc(v);
    if (!v.IsMap()) {
      Error(v, "options 应为键值对，如 {path: dibao.csv, encoding: gbk}");
      return;
    }
    for (const auto& kv : v) {
      OptionValue o;
      o.key = kv.first.Scalar();
      o.where = Loc(kv.second);
      o.key_where = Loc(kv.first);
      if (!kv.second.IsScalar()) {
        Error(kv.second, "选项 " + o.key + " 应为单个值");
        continue;
      }
      o.value = kv.second.Scalar();
      spec_.options.push_back(std::move(o));
    }
  }

  // The fields whose disagreement between trusted sources needs a person: catalog fields of the
  // spec's entity, or "household" (which household a person belongs to).
  void ParseReviewFields(const YAML::Node& v) {
    if (!v.IsSequence()) {
      Error(v, "review_fields 应为字段列表，如 [id_number, name, birth_date, gender, household]");
      return;
    }
    spec_.review_fields.clear();
    spec_.review_fields_set = true;
    for (const auto& item : v) {
      std::string key;
      if (!Scalar(item, "review_fields", &key)) continue;
      if (key != kReviewHousehold && catalog_.Find(spec_.entity, key) == nullptr) {
        Error(item, "review_fields 中的 “" + key + "” 不是字段目录中" +
                        EntityLabel(spec_.entity) + "的字段（也可写 household）");
        continue;
      }
      spec_.review_fields.insert(key);
    }
  }

  void ParseIdentity(const YAML::Node& v) {
    if (!v.IsMap()) {
      Error(v, "identity 应为 {link: 0.99, review: 0.05}");
      return;
    }
    for (const auto& kv : v) {
      std::string key = kv.first.Scalar();
      if (key == "link") {
        Score(kv.second, "identity.link", &spec_.link_score);
      } else if (key == "review") {
        Score(kv.second, "identity.review", &spec_.review_score);
      } else {
        Error(kv.first, "identity 中未知的配置项 “" + key + "”（可用：link, review）");
      }
    }
  }

  void ParsePlace(const YAML::Node& v) {
    spec_.place_where = Loc(v);
    if (!v.IsMap()) {
      Error(v, "place 应为 {community: 社区12位代码, grid: 网格编号}");
      return;
    }
    for (const auto& kv : v) {
      std::string key = kv.first.Scalar();
      if (key == "community") {
        static const std::regex kCode("^[0-9]{12}$");
        if (Scalar(kv.second, "place.community", &spec_.place_community) &&
            !std::regex_match(spec_.place_community, kCode)) {
          Error(kv.second, "place.community 应为12位社区（村）统计用区划代码");
        }
      } else if (key == "grid") {
        Scalar(kv.second, "place.grid", &spec_.place_grid);
      } else {
        Error(kv.first, "place 中未知的配置项 “" + key + "”（可用：community, grid）");
      }
    }
    if (spec_.place_grid.empty()) Error(v, "place 缺少 grid（网格编号）");
    if (spec_.entity == EntityKind::kPerson) {
      Error(v,
            "place 只用于户或楼栋数据源：人员数据源逐行落户，用 placement 和 "
            "community.code、grid.code 等列");
    }
  }

  void ParsePlacement(const YAML::Node& v) {
    spec_.placement_where = Loc(v);
    if (!v.IsMap()) {
      Error(v, "placement 应为 {create_grids: true|false, community: 社区12位代码}");
      return;
    }
    for (const auto& kv : v) {
      std::string key = kv.first.Scalar();
      std::string value;
      if (key == "create_grids") {
        if (!Scalar(kv.second, "placement.create_grids", &value)) continue;
        if (value == "true" || value == "yes" || value == "是") {
          spec_.create_grids = true;
        } else if (value == "false" || value == "no" || value == "否") {
          spec_.create_grids = false;
        } else {
          Error(kv.second, "placement.create_grids 应为 true 或 false");
        }
      } else if (key == "community") {
        static const std::regex kCode("^[0-9]{12}$");
        if (Scalar(kv.second, "placement.community", &spec_.placement_community) &&
            !std::regex_match(spec_.placement_community, kCode)) {
          Error(kv.second, "placement.community 应为12位社区（村）统计用区划代码");
        }
      } else {
        Error(kv.first, "placement 中未知的配置项 “" + key + "”（可用：create_grids, community）");
      }
    }
    if (spec_.entity != EntityKind::kPerson) {
      Error(v, "placement 只用于人员数据源（户或楼栋数据源用 place）");
    }
  }

  // Reads `column`, {column, codes} or {value, codes} for `field` (which may be null for
  // unknown targets).
  bool ParseColumnRef(const YAML::Node& v, const FieldDef* field, const std::string& what,
                      ColumnRef* out) {
    out->where = Loc(v);
    bool has_value = false;
    if (v.IsScalar()) {
      out->column = v.Scalar();
    } else if (v.IsMap()) {
      for (const auto& kv : v) {
        std::string key = kv.first.Scalar();
        if (key == "column") {
          Scalar(kv.second, what + ".column", &out->column);
          out->where = Loc(kv.second);
        } else if (key == "value") {
          has_value = true;
          std::string text;
          if (!Scalar(kv.second, what + ".value", &text)) continue;
          out->where = Loc(kv.second);
          ParseValueExpr(kv.second, &out->value);
        } else if (key == "codes") {
          ParseCodes(kv.second, field, what, &out->codes);
        } else {
          Error(kv.first, what + " 中未知的配置项 “" + key + "”（可用：column, value, codes）");
        }
      }
    } else {
      Error(v,
            what + " 应为来源列名，或 {column: 列名, codes: {来源值: 代码}}，或 {value: 表达式}");
      return false;
    }
    if (has_value && !out->column.empty()) {
      Error(v, what + " 不能同时有 column 和 value：value 的表达式里直接写列名");
      return false;
    }
    if (has_value) return out->value.has_value();
    if (out->column.empty()) {
      Error(v, what + " 缺少来源列名");
      return false;
    }
    return true;
  }

  // A transform: an expression over the source columns, of any type.
  void ParseValueExpr(const YAML::Node& node, std::optional<expr::RecordExpr>* out) {
    expr::SourceColumns columns;
    expr::YamlSource source(path_, text_);
    std::unique_ptr<expr::ExprLocator> loc = source.ScalarLocator(node);
    auto parsed = expr::RecordExpr::ParseValue(node.Scalar(), *loc, catalog_, columns);
    if (!parsed.ok()) {
      AddExprErrors(parsed.status().message(), "value 表达式有误：", &errors_);
      return;
    }
    *out = std::move(*parsed);
  }

  void ParseCodes(const YAML::Node& v, const FieldDef* field, const std::string& what,
                  std::map<std::string, std::string>* out) {
    if (!v.IsMap()) {
      Error(v, what + ".codes 应为 {来源值: 代码}");
      return;
    }
    if (field && field->type != FieldType::kCode && field->type != FieldType::kBoolean) {
      Error(v, what + "：codes 只能用于代码类或是否类字段（" + field->label + " 是 " +
                   FieldTypeName(field->type) + "）");
      return;
    }
    const CodeTable* table = field && field->type == FieldType::kCode
                                 ? catalog_.FindCodeTable(field->code_table)
                                 : nullptr;
    for (const auto& kv : v) {
      std::string from = kv.first.Scalar();
      std::string to;
      if (!Scalar(kv.second, what + ".codes." + from, &to)) continue;
      if (field && field->type == FieldType::kBoolean) {
        if (to != "1" && to != "0") {
          Error(kv.second, what + ".codes：“" + from + "” 应映射为 \"1\"（是）或 \"0\"（否）");
          continue;
        }
      } else if (table) {
        if (table->Label(to) == nullptr) {
          if (const std::string* code = table->CodeForLabel(to)) {
            to = *code;
          } else {
            Error(kv.second, what + ".codes：“" + to + "” 不是代码表 " + table->id() + " 中的代码");
            continue;
          }
        }
      }
      (*out)[from] = to;
    }
  }

  // Resolves a `fields`/`match` key: "name" (the spec's entity) or "household.x"/"building.x".
  const FieldDef* ResolveTarget(const YAML::Node& key_node, EntityKind* entity) {
    std::string key = key_node.Scalar();
    *entity = spec_.entity;
    size_t dot = key.find('.');
    if (dot != std::string::npos) {
      std::string prefix = key.substr(0, dot);
      std::string rest = key.substr(dot + 1);
      const bool person = spec_.entity == EntityKind::kPerson;
      bool ok =
          (person && prefix == "household" &&
           (rest == keys::kHouseholdNumber || rest == keys::kAddress || rest == keys::kRoom)) ||
          (person && prefix == "building" &&
           (rest == keys::kBuildingCode || rest == keys::kAddress)) ||
          (person && (prefix == "grid" || prefix == "community") &&
           (rest == keys::kCode || rest == keys::kName)) ||
          (spec_.entity == EntityKind::kHousehold && prefix == "building" &&
           (rest == keys::kBuildingCode || rest == keys::kAddress || rest == keys::kName));
      if (!ok) {
        Error(key_node,
              "不支持的上级字段 “" + key +
                  "”：人员数据源可用 community.code、community.name、grid.code、grid.name、"
                  "building.building_code、building.address、household.room、"
                  "household.household_number、household.address；户数据源可用 "
                  "building.building_code、building.address、building.name");
        return nullptr;
      }
      *entity = *ParseEntityKind(prefix);
      return catalog_.Find(*entity, rest);
    }
    const FieldDef* f = catalog_.Find(spec_.entity, key);
    if (f == nullptr) {
      std::string hint;
      if (const FieldDef* by_label = catalog_.MatchHeader(spec_.entity, key)) {
        hint = "（是否指 " + by_label->key + "？）";
      }
      Error(key_node, "字段目录中没有" + std::string(EntityLabel(spec_.entity)) + "字段 “" + key +
                          "”" + hint);
      return nullptr;
    }
    if (f->derived) {
      Error(key_node, "字段 " + key + "（" + f->label + "）由系统计算，不能从来源导入");
      return nullptr;
    }
    return f;
  }

  void ParseMatch(const YAML::Node& v) {
    if (!v.IsMap()) {
      Error(v, "match 应为 {字段: 来源列名}，如 {id_number: 身份证号}");
      return;
    }
    for (const auto& kv : v) {
      std::string key = kv.first.Scalar();
      if (!IsMatchKey(spec_.entity, key)) {
        Error(kv.first, "“" + key + "” 不能作为" + EntityLabel(spec_.entity) +
                            "的识别字段（人员：id_number；户：household_number、address；楼栋："
                            "building_code、address）");
        continue;
      }
      EntityKind e;
      const FieldDef* f = ResolveTarget(kv.first, &e);
      if (!f) continue;
      FieldMapping m;
      m.entity = e;
      m.field = f;
      if (!ParseColumnRef(kv.second, f, "match." + key, &m.source)) continue;
      spec_.match.push_back(m);
      spec_.fields.push_back(m);
    }
  }

  void ParseFields(const YAML::Node& v) {
    if (!v.IsMap()) {
      Error(v, "fields 应为 {字段: 来源列名}");
      return;
    }
    for (const auto& kv : v) {
      std::string key = kv.first.Scalar();
      EntityKind e;
      const FieldDef* f = ResolveTarget(kv.first, &e);
      if (!f) continue;
      FieldMapping m;
      m.entity = e;
      m.field = f;
      if (!ParseColumnRef(kv.second, f, "fields." + key, &m.source)) continue;
      bool replaced = false;
      for (FieldMapping& existing : spec_.fields) {
        if (existing.entity == e && existing.field == f) {
          bool from_match = false;
          for (const FieldMapping& mk : spec_.match) from_match = from_match || mk.field == f;
          if (!from_match) Error(kv.first, "字段 " + key + " 重复映射");
          existing = m;
          replaced = true;
        }
      }
      if (!replaced) spec_.fields.push_back(m);
    }
  }

  void ParseTags(const YAML::Node& v) {
    if (!v.IsSequence()) {
      Error(v, "tags 应为列表，每项如 {tag: dibao, when: '条件', attrs: {属性: 列名}}");
      return;
    }
    if (spec_.entity != EntityKind::kPerson) {
      Error(v, "tags（专项标签）只用于人员数据源");
      return;
    }
    for (const auto& item : v) {
      if (!item.IsMap()) {
        Error(item, "tags 的每项应为 {tag: 标签, when: '条件', attrs: {属性: 列名}}");
        continue;
      }
      TagRule rule;
      rule.where = Loc(item);
      YAML::Node attrs, when;
      bool has_attrs = false, has_when = false;
      for (const auto& kv : item) {
        std::string key = kv.first.Scalar();
        if (key == "tag") {
          std::string t;
          if (!Scalar(kv.second, "tag", &t)) continue;
          rule.tag = catalog_.FindTag(t);
          if (!rule.tag) Error(kv.second, "字段目录中没有专项标签 “" + t + "”");
        } else if (key == "when") {
          std::string text;
          if (!Scalar(kv.second, "when", &text)) continue;
          when = kv.second;
          has_when = true;
        } else if (key == "attrs") {
          attrs = kv.second;
          has_attrs = true;
        } else {
          Error(kv.first, "标签规则中未知的配置项 “" + key + "”（可用：tag, when, attrs）");
        }
      }
      if (!rule.tag) {
        if (!item["tag"]) Error(item, "标签规则缺少 tag");
        continue;
      }
      if (has_attrs) {
        if (!attrs.IsMap()) {
          Error(attrs, "attrs 应为 {属性: 来源列名}");
        } else {
          for (const auto& kv : attrs) {
            std::string key = kv.first.Scalar();
            const FieldDef* attr = rule.tag->FindAttribute(key);
            if (!attr) {
              std::string avail;
              for (const FieldDef& a : rule.tag->attributes) {
                avail += (avail.empty() ? "" : ", ") + a.key;
              }
              Error(kv.first, "标签 " + rule.tag->key + "（" + rule.tag->label + "）没有属性 “" +
                                  key + "”（可用：" + avail + "）");
              continue;
            }
            ColumnRef ref;
            if (ParseColumnRef(kv.second, attr, "attrs." + key, &ref)) {
              rule.attrs.emplace_back(attr, ref);
            }
          }
        }
      }
      if (has_when) ParseWhen(when, &rule);
      spec_.tags.push_back(std::move(rule));
    }
  }

  // The rule's condition over the source columns; the columns the spec names are known ones.
  void ParseWhen(const YAML::Node& node, TagRule* rule) {
    expr::SourceColumns columns;
    for (const FieldMapping& m : spec_.fields) {
      if (!m.source.column.empty()) columns.known.push_back(m.source.column);
    }
    for (const auto& attr : rule->attrs) {
      if (!attr.second.column.empty()) columns.known.push_back(attr.second.column);
    }
    expr::YamlSource source(path_, text_);
    std::unique_ptr<expr::ExprLocator> loc = source.ScalarLocator(node);
    auto parsed = expr::RecordExpr::ParseCondition(node.Scalar(), *loc, catalog_, columns);
    if (!parsed.ok()) {
      AddExprErrors(parsed.status().message(), "when 条件有误：", &errors_);
      return;
    }
    rule->when = std::move(*parsed);
  }

  void CheckIdentifiable(const YAML::Node& root) {
    auto mapped = [&](const char* key) { return spec_.FindField(spec_.entity, key) != nullptr; };
    if (!errors_.empty()) return;
    switch (spec_.entity) {
      case EntityKind::kPerson:
        if (!mapped(keys::kIdNumber) && !(mapped(keys::kName) && mapped(keys::kBirthDate))) {
          errors_.push_back(path_ +
                            ":1:1: 人员数据源需要映射公民身份号码（id_number），或同时映射姓名"
                            "（name）与出生日期（birth_date），才能识别是哪一个人");
        }
        break;
      case EntityKind::kHousehold:
        if (!mapped(keys::kHouseholdNumber) && !mapped(keys::kAddress)) {
          errors_.push_back(path_ +
                            ":1:1: 户数据源需要映射户号（household_number）或地址（address）");
        }
        break;
      default:
        if (!mapped(keys::kBuildingCode) && !mapped(keys::kAddress)) {
          errors_.push_back(path_ +
                            ":1:1: 楼栋数据源需要映射楼栋编码（building_code）或地址（address）");
        }
    }
  }

  std::string path_;
  std::string text_;
  const Catalog& catalog_;
  ConnectorSpec spec_;
  std::vector<std::string> errors_;
};

std::string OptionTypeName(OtOptionType t) {
  switch (t) {
    case OT_OPTION_INT:
      return "整数";
    case OT_OPTION_BOOL:
      return "是否（true/false）";
    default:
      return "文字";
  }
}

}  // namespace

Result<ConnectorSpec> ParseConnectorSpec(const std::string& yaml_text, const std::string& path,
                                         const Catalog& catalog) {
  return SpecParser(path, catalog).Parse(yaml_text);
}

Status CheckReviewFields(const std::set<std::string>& fields, const Catalog& catalog,
                         const std::string& where) {
  std::string unknown;
  for (const std::string& key : fields) {
    if (key == kReviewHousehold) continue;
    bool known = false;
    for (EntityKind kind : {EntityKind::kPerson, EntityKind::kHousehold, EntityKind::kBuilding}) {
      known = known || catalog.Find(kind, key) != nullptr;
    }
    if (!known) unknown += (unknown.empty() ? "“" : "、“") + key + "”";
  }
  if (unknown.empty()) return Status::Ok();
  return Status::Invalid(where + ": review_fields 中的 " + unknown +
                         " 不是字段目录中人员、户或楼栋的字段（也可写 household）");
}

Result<ConnectorSpec> LoadConnectorSpec(const std::string& path, const Catalog& catalog) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("连接器配置文件不存在或无法读取：" + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseConnectorSpec(ss.str(), path, catalog);
}

std::vector<std::string> CheckConnectorDir(const std::string& dir, const Catalog& catalog,
                                           int* checked) {
  *checked = 0;
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".yaml") {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> problems;
  for (const std::string& file : files) {
    ++*checked;
    Result<ConnectorSpec> spec = LoadConnectorSpec(file, catalog);
    if (!spec.ok()) problems.push_back(spec.status().message());
  }
  return problems;
}

Result<std::vector<std::pair<std::string, std::string>>> ResolveConnectorOptions(
    const ConnectorSpec& spec, const OtConnectorV1& plugin) {
  std::vector<std::string> errors;
  auto where = [&](const SourceLocation& l) {
    return l.line > 0 ? l.ToString() : spec.path + ":1:1";
  };
  std::vector<std::pair<std::string, std::string>> out;
  for (const OptionValue& o : spec.options) {
    bool declared = false;
    for (size_t i = 0; i < plugin.option_count; ++i) {
      declared = declared || o.key == plugin.options[i].key;
    }
    if (!declared) {
      std::string avail;
      for (size_t i = 0; i < plugin.option_count; ++i) {
        avail += (avail.empty() ? "" : ", ") + std::string(plugin.options[i].key);
      }
      errors.push_back(where(o.key_where) + ": 连接器 " + plugin.name + " 没有选项 “" + o.key +
                       "”（可用：" + avail + "）");
    }
  }
  static const std::regex kEnv("^\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}$");
  for (size_t i = 0; i < plugin.option_count; ++i) {
    const OtOptionDecl& d = plugin.options[i];
    const OptionValue* given = nullptr;
    for (const OptionValue& o : spec.options) {
      if (o.key == d.key) given = &o;
    }
    if (!given) {
      if (d.default_value == nullptr) {
        errors.push_back(where(spec.options_where) + ": 缺少连接器 " + plugin.name +
                         " 的必填选项 “" + d.key + "”（" + (d.doc ? d.doc : "") + "）");
      } else {
        out.emplace_back(d.key, d.default_value);
      }
      continue;
    }
    std::string value = given->value;
    std::smatch m;
    if (std::regex_match(given->value, m, kEnv)) {
      const char* env = std::getenv(m[1].str().c_str());
      if (!env) {
        errors.push_back(where(given->where) + ": 选项 " + d.key + " 引用的环境变量 " + m[1].str() +
                         " 未设置");
        continue;
      }
      value = env;
    }
    bool ok = true;
    if (d.type == OT_OPTION_INT) {
      static const std::regex kInt("^[-+]?[0-9]{1,18}$");
      ok = std::regex_match(value, kInt);
    } else if (d.type == OT_OPTION_BOOL) {
      if (value == "true" || value == "yes" || value == "1" || value == "是") {
        value = "true";
      } else if (value == "false" || value == "no" || value == "0" || value == "否") {
        value = "false";
      } else {
        ok = false;
      }
    }
    if (!ok) {
      std::string shown = d.type == OT_OPTION_SECRET ? "" : "（现为 “" + given->value + "”）";
      errors.push_back(where(given->where) + ": 选项 " + d.key + " 应为" + OptionTypeName(d.type) +
                       shown);
      continue;
    }
    out.emplace_back(d.key, value);
  }
  if (!errors.empty()) {
    return Status::Invalid(Join(errors, "\n"));
  }
  return out;
}

}  // namespace onetable
