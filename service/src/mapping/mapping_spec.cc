#include "mapping/mapping_spec.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "expr/check.h"
#include "expr/parser.h"
#include "expr/yaml_source.h"
#include "mapping/expr_names.h"
#include "model/yaml_error.h"
#include "onetable/text.h"

namespace onetable::mapping {

namespace {

constexpr const char* kTopKeys[] = {"id",          "title",   "department",  "purpose",
                                    "legal_basis", "grain",   "as_of",       "where",
                                    "order_by",    "columns", "subtotal_by", "total",
                                    "manual"};
constexpr const char* kManualKeys[] = {"header", "width"};
constexpr const char* kColumnKeys[] = {"header", "value", "width"};

std::string Quote(const std::string& s) { return "“" + s + "”"; }

// A YAML map's entries by key (yaml-cpp's own lookup cannot tell a missing key from a null).
using Entries = std::map<std::string, YAML::Node>;

const YAML::Node* Find(const Entries& entries, const char* key) {
  auto it = entries.find(key);
  return it == entries.end() ? nullptr : &it->second;
}

bool ValidId(const std::string& id) {
  if (id.empty() || id.front() == '/' || id.back() == '/') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '/')) {
      return false;
    }
  }
  return id.find("//") == std::string::npos;
}

bool ContainsRowNumber(const Expr& e) {
  bool found = false;
  VisitExpr(e, [&](const Expr& n) {
    if (n.kind == ExprKind::kCall && n.name == "row_number") found = true;
  });
  return found;
}

// Collects every problem in one mapping file.
class Loader {
 public:
  Loader(const YamlSource& src, const Catalog& catalog) : src_(src), catalog_(catalog) {}

  Result<MappingSpec> Load(const YAML::Node& root) {
    spec_.file = src_.file();
    if (!root.IsMap()) {
      Problem(root.Mark(), "映射文件应为键值对（id、title、grain、columns 等）");
      return Finish();
    }
    const Entries keys = Keys(root, kTopKeys, "");
    auto node = [&](const char* k) { return Find(keys, k); };

    spec_.id = RequiredText(root, node("id"), "id");
    if (!spec_.id.empty() && !ValidId(spec_.id)) {
      Problem(node("id")->Mark(),
              "“id” 只能包含小写字母、数字、-、_ 和 /，实际是 " + Quote(spec_.id));
    }
    spec_.title = RequiredText(root, node("title"), "title");
    spec_.department = RequiredText(root, node("department"), "department");
    spec_.purpose = RequiredText(root, node("purpose"), "purpose",
                                 "（个人信息保护法第六条：每张表须写明用途）");
    spec_.legal_basis = OptionalText(node("legal_basis"), "legal_basis");

    bool grain_ok = false;
    std::string grain = RequiredText(root, node("grain"), "grain");
    if (!grain.empty()) {
      std::optional<EntityKind> g = ParseEntityKind(grain);
      if (g && *g >= EntityKind::kCommunity) {
        spec_.grain = *g;
        grain_ok = true;
      } else {
        Problem(
            node("grain")->Mark(),
            "“grain” 应为 person、household、building、grid 或 community，实际是 " + Quote(grain));
      }
    }
    spec_.as_of = OptionalText(node("as_of"), "as_of");
    if (node("as_of")) spec_.as_of_location = src_.At(node("as_of")->Mark());
    Date unused;
    if (!spec_.as_of.empty() &&
        (!ExpandAsOf(spec_.as_of, 2001, &unused) || !ExpandAsOf(spec_.as_of, 2004, &unused))) {
      Problem(node("as_of")->Mark(),
              "“as_of” 应为日期（如 2024-06-30）或模板（如 {year}-06-30），"
              "实际是 " +
                  Quote(spec_.as_of));
    }

    if (const YAML::Node* w = node("where")) {
      spec_.where_location = src_.At(w->Mark());
      spec_.where = Expression(*w, "where", ExprRole::kWhere, grain_ok, &spec_.where_text, true);
    }
    if (const YAML::Node* o = node("order_by")) LoadOrderBy(*o, grain_ok);
    if (const YAML::Node* c = node("columns")) {
      LoadColumns(*c, grain_ok);
    } else {
      Problem(root.Mark(), "缺少必填项 “columns”");
    }
    if (const YAML::Node* m = node("manual")) LoadManual(*m);
    if (const YAML::Node* s = node("subtotal_by")) {
      spec_.subtotal_location = src_.At(s->Mark());
      spec_.subtotal_by =
          Expression(*s, "subtotal_by", ExprRole::kSubtotal, grain_ok, &spec_.subtotal_text, false);
    }
    if (const YAML::Node* t = node("total")) {
      std::string v = t->IsScalar() ? t->Scalar() : "";
      if (v == "true" || v == "false") {
        spec_.total = v == "true";
      } else {
        Problem(t->Mark(), "“total” 应为 true 或 false");
      }
    }
    spec_.aggregate_count = aggregate_counter_;
    return Finish();
  }

 private:
  void Problem(const YAML::Mark& mark, const std::string& message) {
    problems_.push_back(src_.Format(mark, message));
  }
  void ProblemsFrom(const Status& st) {
    if (!st.ok()) problems_.push_back(st.message());
  }

  Result<MappingSpec> Finish() {
    if (problems_.empty()) return std::move(spec_);
    return Status::Invalid(Join(problems_, "\n"));
  }

  // The entries of a map, first occurrence per key; reports unknown and repeated keys.
  template <size_t N>
  Entries Keys(const YAML::Node& map, const char* const (&allowed)[N], const std::string& where) {
    Entries out;
    std::vector<std::string> known(std::begin(allowed), std::end(allowed));
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      bool ok = false;
      for (const std::string& k : known) ok = ok || k == key;
      if (!ok) {
        std::string best = Closest(key, known);
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : "、") + k;
        Problem(it->first.Mark(),
                (where.empty() ? "" : where + "中") + "未知的键 " + Quote(key) +
                    (best.empty() ? "（可用：" + list + "）" : "，是否是 " + Quote(best) + "？"));
        continue;
      }
      if (out.count(key)) {
        Problem(it->first.Mark(), "重复的键 " + Quote(key));
        continue;
      }
      out[key] = it->second;
    }
    return out;
  }

  std::string OptionalText(const YAML::Node* n, const char* key) {
    if (n == nullptr || n->IsNull()) return "";
    if (!n->IsScalar()) {
      Problem(n->Mark(), std::string("“") + key + "” 应为文字");
      return "";
    }
    return n->Scalar();
  }

  std::string RequiredText(const YAML::Node& parent, const YAML::Node* n, const char* key,
                           const std::string& why = "") {
    if (n == nullptr) {
      Problem(parent.Mark(), std::string("缺少必填项 “") + key + "”" + why);
      return "";
    }
    std::string v = OptionalText(n, key);
    if (n->IsScalar() || n->IsNull()) {
      if (TrimBlank(v).empty()) {
        Problem(n->Mark(), std::string("“") + key + "” 不能为空" + why);
        return "";
      }
    }
    return v;
  }

  // Parses and (when the grain is known) checks one expression scalar.
  ExprPtr Expression(const YAML::Node& n, const std::string& what, ExprRole role, bool check,
                     std::string* text, bool condition) {
    if (!n.IsScalar() || n.Scalar().empty()) {
      Problem(n.Mark(), Quote(what) + " 应为表达式");
      return nullptr;
    }
    *text = n.Scalar();
    std::unique_ptr<ExprLocator> loc = src_.ScalarLocator(n);
    Result<ExprPtr> parsed = ParseExpr(*text, *loc);
    if (!parsed.ok()) {
      ProblemsFrom(parsed.status());
      return nullptr;
    }
    ExprPtr e = std::move(parsed).value();
    if (check && !Check(e.get(), role, *loc, condition)) return nullptr;
    return e;
  }

  bool Check(Expr* e, ExprRole role, const ExprLocator& loc, bool condition) {
    CheckEnv env{catalog_, spec_.grain, role, &aggregate_counter_};
    Status st = condition ? CheckCondition(e, env, loc) : CheckExpr(e, env, loc).status();
    ProblemsFrom(st);
    return st.ok();
  }

  void LoadOrderBy(const YAML::Node& n, bool check) {
    std::vector<YAML::Node> items;
    if (n.IsScalar()) {
      items.push_back(n);
    } else if (n.IsSequence()) {
      for (const YAML::Node& item : n) items.push_back(item);
    } else {
      Problem(n.Mark(), "“order_by” 应为表达式列表，如 [grid.code, household.address]");
      return;
    }
    for (const YAML::Node& item : items) {
      if (!item.IsScalar() || item.Scalar().empty()) {
        Problem(item.Mark(), "“order_by” 的每一项应为表达式");
        continue;
      }
      std::unique_ptr<ExprLocator> loc = src_.ScalarLocator(item);
      Result<OrderItem> parsed = ParseOrderItem(item.Scalar(), *loc);
      if (!parsed.ok()) {
        ProblemsFrom(parsed.status());
        continue;
      }
      OrderSpec order{item.Scalar(), std::move(parsed->expr), parsed->descending,
                      src_.At(item.Mark())};
      if (check && !Check(order.expr.get(), ExprRole::kOrderBy, *loc, false)) continue;
      spec_.order_by.push_back(std::move(order));
    }
  }

  void LoadColumns(const YAML::Node& n, bool check) {
    if (!n.IsSequence() || n.size() == 0) {
      Problem(n.Mark(), "“columns” 应为列的列表，至少一列，如 - {header: 姓名, value: name}");
      return;
    }
    std::map<std::string, SourceLocation> seen;
    for (const YAML::Node& item : n) {
      if (!item.IsMap()) {
        Problem(item.Mark(), "每一列应写成 {header: 列标题, value: 表达式}");
        continue;
      }
      const Entries keys = Keys(item, kColumnKeys, "列");
      ColumnSpec col;
      col.where = src_.At(item.Mark());
      col.header = RequiredText(item, Find(keys, "header"), "header");
      if (!col.header.empty()) {
        auto [it, fresh] = seen.emplace(col.header, src_.At(Find(keys, "header")->Mark()));
        if (!fresh) {
          Problem(Find(keys, "header")->Mark(), "列标题 " + Quote(col.header) +
                                                    " 重复（第一次在第 " +
                                                    std::to_string(it->second.line) + " 行）");
        }
      }
      if (const YAML::Node* width = Find(keys, "width")) {
        const YAML::Node& w = *width;
        char* end = nullptr;
        std::string s = w.IsScalar() ? w.Scalar() : "";
        col.width = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0' || col.width <= 0 || col.width > 255) {
          Problem(w.Mark(), "“width” 应为 1 到 255 之间的数字");
          col.width = 0;
        }
      }
      const YAML::Node* value = Find(keys, "value");
      if (value == nullptr) {
        Problem(item.Mark(), "缺少必填项 “value”" +
                                 (col.header.empty() ? "" : "（列 " + Quote(col.header) + "）"));
        continue;
      }
      col.value = Expression(*value, "value", ExprRole::kColumn, check, &col.value_text, false);
      if (col.value == nullptr) continue;
      col.type = col.value->type;
      col.summable = col.type.is_numeric() && !ContainsRowNumber(*col.value);
      spec_.columns.push_back(std::move(col));
    }
  }

  // `manual`: the real form's columns the register cannot fill (签字, 备注 …), after the others,
  // each a header or {header, width}; printed blank and counted as typed by hand.
  void LoadManual(const YAML::Node& n) {
    if (!n.IsSequence()) {
      Problem(n.Mark(), "“manual” 应为列标题的列表，如 [领取人签字, 备注]");
      return;
    }
    std::set<std::string> seen;
    for (const ColumnSpec& c : spec_.columns) seen.insert(c.header);
    for (const YAML::Node& item : n) {
      ColumnSpec col;
      col.where = src_.At(item.Mark());
      col.manual = true;
      const YAML::Node* header_node = &item;
      Entries keys;
      if (item.IsMap()) {
        keys = Keys(item, kManualKeys, "手填列");
        header_node = Find(keys, "header");
        if (header_node == nullptr) {
          Problem(item.Mark(), "手填列缺少 “header”");
          continue;
        }
        if (const YAML::Node* width = Find(keys, "width")) {
          char* end = nullptr;
          std::string s = width->IsScalar() ? width->Scalar() : "";
          col.width = std::strtod(s.c_str(), &end);
          if (s.empty() || *end != '\0' || col.width <= 0 || col.width > 255) {
            Problem(width->Mark(), "“width” 应为 1 到 255 之间的数字");
            col.width = 0;
          }
        }
      }
      if (!header_node->IsScalar() || header_node->Scalar().empty()) {
        Problem(header_node->Mark(), "手填列的标题应为非空文字");
        continue;
      }
      col.header = header_node->Scalar();
      if (!seen.insert(col.header).second) {
        Problem(header_node->Mark(), "列标题 " + Quote(col.header) + " 重复");
        continue;
      }
      col.value = std::make_unique<Expr>(ExprKind::kLiteral, 0);  // null: a blank cell
      spec_.columns.push_back(std::move(col));
    }
  }

  const YamlSource& src_;
  const Catalog& catalog_;
  MappingSpec spec_;
  std::vector<std::string> problems_;
  int aggregate_counter_ = 0;
};

}  // namespace

std::vector<std::string> MappingSpec::Headers() const {
  std::vector<std::string> out;
  for (const ColumnSpec& c : columns) out.push_back(c.header);
  return out;
}

Result<MappingSpec> ParseMappingSpec(std::string_view yaml_text, const std::string& file,
                                     const Catalog& catalog) {
  YamlSource src(file, StripBom(std::string(yaml_text)));
  YAML::Node root;
  try {
    root = YAML::Load(src.text());
  } catch (const YAML::Exception& e) {
    const YamlError error = DescribeYamlError(src.text(), e);
    return Status::Invalid(src.Format(error.mark, "YAML 语法错误：" + error.message));
  }
  Loader loader(src, catalog);
  return loader.Load(root);
}

Result<MappingSpec> LoadMappingSpec(const std::string& path, const Catalog& catalog) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("无法读取映射文件 " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::Invalid("读取映射文件失败 " + path);
  return ParseMappingSpec(text.str(), path, catalog);
}

bool ExpandAsOf(const std::string& as_of, int year, Date* out) {
  std::string text;
  size_t i = 0;
  while (i < as_of.size()) {
    if (as_of.compare(i, 5, "{year") != 0) {
      text += as_of[i++];
      continue;
    }
    size_t close = as_of.find('}', i);
    if (close == std::string::npos) return false;
    std::string inner = as_of.substr(i + 5, close - i - 5);  // "", "-1", "+1"
    int delta = 0;
    if (!inner.empty()) {
      if ((inner[0] != '-' && inner[0] != '+') || inner.size() < 2 || inner.size() > 3) {
        return false;
      }
      for (size_t k = 1; k < inner.size(); ++k) {
        if (inner[k] < '0' || inner[k] > '9') return false;
      }
      delta = std::stoi(inner.substr(1)) * (inner[0] == '-' ? -1 : 1);
    }
    text += std::to_string(year + delta);
    i = close + 1;
  }
  return !ParseDate(text, out).has_value();
}

Result<Date> ResolveAsOf(const MappingSpec& spec, std::string_view override_text,
                         const Date& today) {
  Date d;
  if (!override_text.empty()) {
    std::string o(override_text);
    bool is_year = o.size() == 4 && o.find_first_not_of("0123456789") == std::string::npos;
    if (is_year && spec.as_of.find("{year") != std::string::npos &&
        ExpandAsOf(spec.as_of, std::stoi(o), &d)) {
      return d;
    }
    if (ParseDate(o, &d).has_value()) {
      return Status::Invalid("参数 as_of 的值 " + Quote(o) + " 不是有效日期（应如 2024-06-30）");
    }
    return d;
  }
  if (spec.as_of.empty()) return today;
  if (!ExpandAsOf(spec.as_of, today.year, &d)) {
    return Status::Invalid(
        FormatAt(spec.as_of_location, "“as_of” 不是有效日期：" + Quote(spec.as_of)));
  }
  return d;
}

}  // namespace onetable::mapping
