// The checker's field paths, function calls and aggregates (see check.h).
#include <algorithm>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "expr/alive_rule.h"
#include "expr/check_internal.h"
#include "expr/transform_functions.h"
#include "model/catalog_keys.h"
#include "onetable/text.h"

namespace onetable::expr::internal {

namespace {

struct FunctionSpec {
  const char* name;
  int min_args;
  int max_args;  // -1: any number
};

constexpr FunctionSpec kFunctions[] = {
    {"age", 0, 1},
    {"label", 1, 1},
    {"label_full", 1, 1},
    {"mask", 1, 1},
    {"format_date", 2, 2},
    {"concat", 1, -1},
    {"coalesce", 1, -1},
    {"row_number", 0, 0},
    // Transforms (transform_functions.h): connector `fields: {x: {value: ...}}`, mappings too.
    {"substr", 2, 3},
    {"trim", 1, 1},
    {"split_part", 3, 3},
    {"regex_extract", 2, 3},
    {"parse_date", 2, 2},
};

const FunctionSpec* FindFunction(const std::string& name) {
  for (const FunctionSpec& f : kFunctions) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

// The first `n` segments of a field path, dotted.
std::string Prefix(const std::vector<std::string>& segments, size_t n) {
  return Join({segments.begin(), segments.begin() + std::min(n, segments.size())}, ".");
}

bool IsAncestor(EntityKind ancestor, EntityKind of) {
  return static_cast<int>(ancestor) < static_cast<int>(of);
}

}  // namespace

void Checker::ReportUnknownField(const Expr* e, size_t seg, EntityKind entity) {
  const std::string& key = e->segments[seg];
  std::string prefix = Prefix(e->segments, seg);
  if (!prefix.empty()) prefix += ".";
  std::string suggestion;
  if (const FieldDef* by_label = catalog_.MatchHeader(entity, key)) {
    suggestion = prefix + by_label->key;
  } else {
    std::vector<std::string> keys = {"alive"};
    for (const FieldDef& f : catalog_.fields()) {
      if (f.entity == entity) keys.push_back(f.key);
    }
    std::string best = Closest(key, keys);
    if (!best.empty()) {
      suggestion = prefix + best;
    } else if (seg == 0) {
      // A field of an ancestor written without its prefix: address → household.address.
      for (int k = static_cast<int>(entity) - 1; k >= 0 && suggestion.empty(); --k) {
        EntityKind up = static_cast<EntityKind>(k);
        std::vector<std::string> up_keys;
        for (const FieldDef& f : catalog_.fields()) {
          if (f.entity == up) up_keys.push_back(f.key);
        }
        std::string near = catalog_.Find(up, key) != nullptr ? key : Closest(key, up_keys);
        if (!near.empty()) suggestion = std::string(EntityName(up)) + "." + near;
      }
    }
  }
  Error(e->segment_pos[seg],
        "未知字段 " + Quote(Prefix(e->segments, seg + 1)) +
            (suggestion.empty() ? "" : "，是否是 " + Quote(suggestion) + "？"));
}

bool Checker::RefuseInSource(const Expr* e, const std::string& what) {
  if (source_ == nullptr) return true;
  Error(e->pos, what + " 只能用于报表映射；连接器的条件只能读来源记录的列");
  return false;
}

std::optional<ExprType> Checker::CheckSourceColumn(Expr* e) {
  if (e->segments.size() > 1) {
    std::string written = Join(e->segments, ".");
    Error(e->segment_pos[1] - 1,
          "来源列名不分层级：列名中有 “.” 时请用反引号括起，如 `" + written + "`");
    return std::nullopt;
  }
  const std::string& name = e->segments[0];
  const std::vector<std::string>& known = source_->known;
  if (source_->complete && std::find(known.begin(), known.end(), name) == known.end()) {
    std::string best = Closest(name, known);
    Error(e->pos,
          "来源中没有列 " + Quote(name) + (best.empty() ? "" : "，是否是 " + Quote(best) + "？"));
    return std::nullopt;
  }
  std::vector<std::string>& read = source_->read;
  auto it = std::find(read.begin(), read.end(), name);
  if (it == read.end()) it = read.insert(read.end(), name);
  e->kind = ExprKind::kField;  // a column named "alive" is just a column here
  e->path = FieldPath{};
  e->path.key = name;
  e->path.slot = static_cast<int>(it - read.begin());
  return ExprType::Of(TypeKind::kText);
}

std::optional<ExprType> Checker::CheckField(Expr* e, const Scope& s) {
  if (source_ != nullptr) return CheckSourceColumn(e);
  EntityKind cur = s.grain;
  std::vector<std::string> hops;
  bool after_head = false;
  const size_t n = e->segments.size();
  for (size_t i = 0; i + 1 < n; ++i) {
    const std::string& seg = e->segments[i];
    if (i == 0 && seg == EntityName(cur)) continue;  // person.name at grain person
    if (seg == "head" && cur == EntityKind::kHousehold && !after_head) {
      hops.push_back(seg);
      cur = EntityKind::kPerson;
      after_head = true;
      continue;
    }
    std::optional<EntityKind> up = ParseEntityKind(seg);
    if (!after_head && up && IsAncestor(*up, cur)) {
      // Ancestors form a chain, so household.building.address is building.address.
      if (!hops.empty()) hops.pop_back();
      hops.push_back(seg);
      cur = *up;
      continue;
    }
    if (after_head) {
      Error(e->segment_pos[i], "户主（head）后面只能写字段名，如 household.head.name");
      return std::nullopt;
    }
    std::string choices;
    for (int k = static_cast<int>(cur) - 1; k >= 0; --k) {
      choices += (choices.empty() ? "" : "、") + std::string(EntityName(EntityKind(k)));
    }
    if (cur == EntityKind::kHousehold) choices += "、head";
    Error(e->segment_pos[i], Quote(seg) + " 不是" + EntityLabel(cur) + "的上级" +
                                 (choices.empty() ? "" : "（可用：" + choices + "）"));
    return std::nullopt;
  }
  const std::string& key = e->segments.back();
  e->path.hops = hops;
  e->path.entity = cur;
  if (e->kind == ExprKind::kAlive) {
    e->path.key.clear();
    e->aux_path = e->aux_path2 = e->path;
    e->aux_path.key = "status";
    e->aux_path2.key = keys::kDeathDate;
    if (cur == EntityKind::kPerson) {
      const AliveFields f = AliveFieldsOf(catalog_);
      for (const std::string& key :
           {f.birth_date, f.move_in_date, f.move_out_date, f.residence_status}) {
        e->alive_paths.push_back(e->path);
        e->alive_paths.back().key = key;
      }
    }
    return ExprType::Of(TypeKind::kBoolean);
  }
  const FieldDef* def = catalog_.Find(cur, key);
  if (def == nullptr) {
    ReportUnknownField(e, n - 1, cur);
    return std::nullopt;
  }
  if (def->derived && key == keys::kAge && cur == EntityKind::kPerson) {
    if (catalog_.Find(EntityKind::kPerson, keys::kBirthDate) == nullptr) {
      Error(e->segment_pos[n - 1], "目录中没有出生日期字段 birth_date，无法计算 age");
      return std::nullopt;
    }
    e->path.key = key;
    e->field = def;
    e->aux_path = e->path;
    e->aux_path.key = keys::kBirthDate;
    return ExprType::Of(TypeKind::kInteger);  // whole years at the reference date
  }
  e->path.key = key;
  e->field = def;
  return TypeOfField(*def);
}

std::optional<ExprType> Checker::CheckCall(Expr* e, const Scope& s) {
  const FunctionSpec* fn = FindFunction(e->name);
  if (fn == nullptr) {
    std::vector<std::string> names = {"has_tag", "tag", "count", "sum", "list", "first"};
    for (const FunctionSpec& f : kFunctions) names.push_back(f.name);
    std::string best = Closest(e->name, names);
    Error(e->pos,
          "未知函数 " + Quote(e->name) + (best.empty() ? "" : "，是否是 " + Quote(best) + "？"));
    return std::nullopt;
  }
  const int argc = static_cast<int>(e->children.size());
  if (argc < fn->min_args || (fn->max_args >= 0 && argc > fn->max_args)) {
    std::string need;
    if (fn->max_args < 0) {
      need = "至少需要 " + std::to_string(fn->min_args) + " 个参数";
    } else if (fn->min_args == fn->max_args) {
      need = "需要 " + std::to_string(fn->min_args) + " 个参数";
    } else {
      need = "需要 " + std::to_string(fn->min_args) + " 到 " + std::to_string(fn->max_args) +
             " 个参数";
    }
    Error(e->pos, "函数 " + e->name + "() " + need + "，实际有 " + std::to_string(argc) + " 个");
    return std::nullopt;
  }
  std::vector<ExprType> types;
  bool ok = true;
  for (ExprPtr& arg : e->children) {
    std::optional<ExprType> t = Check(arg.get(), s);
    if (t) types.push_back(*t);
    ok = ok && t.has_value();
  }
  if (!ok) return std::nullopt;
  auto arg_error = [&](size_t i, const std::string& want) {
    Error(e->children[i]->pos, e->name + "() 的参数应为" + want + "，实际是 " + TypeName(types[i]));
    return std::nullopt;
  };
  // Requires a date (a date literal such as '2024-06-30' is accepted); reports when not.
  auto need_date = [&](size_t i) {
    if (types[i].kind == TypeKind::kString && e->children[i]->kind == ExprKind::kLiteral) {
      if (!CoerceLiteral(e->children[i].get(), ExprType::Of(TypeKind::kDate))) return false;
      types[i] = e->children[i]->type = ExprType::Of(TypeKind::kDate);
    }
    if (types[i].kind == TypeKind::kDate || types[i].kind == TypeKind::kNull) return true;
    arg_error(i, " 日期");
    return false;
  };
  const std::string& name = e->name;
  if ((name == "row_number" || (name == "age" && argc == 0)) && !RefuseInSource(e, name + "()")) {
    return std::nullopt;
  }
  if (name == "row_number") {
    if (s.role != ExprRole::kColumn || s.in_aggregate) {
      Error(e->pos, "row_number() 只能用于列的取值");
      return std::nullopt;
    }
    return ExprType::Of(TypeKind::kInteger);
  }
  if (name == "age") {
    if (argc == 0) {
      if (s.grain != EntityKind::kPerson) {
        Error(e->pos, std::string("age() 不带参数时只能用于人员；在") + EntityLabel(s.grain) +
                          "粒度请写 age(日期字段)");
        return std::nullopt;
      }
      if (catalog_.Find(EntityKind::kPerson, keys::kBirthDate) == nullptr) {
        Error(e->pos, "目录中没有出生日期字段 birth_date，无法计算 age()");
        return std::nullopt;
      }
    } else if (!need_date(0)) {
      return std::nullopt;
    }
    return ExprType::Of(TypeKind::kInteger);
  }
  if (name == "label" || name == "label_full") {
    if (types[0].kind != TypeKind::kCode) {
      return arg_error(0, "代码字段（如 " + name + "(gender)）");
    }
    if (catalog_.FindCodeTable(types[0].code_table) == nullptr) {
      Error(e->children[0]->pos, "未知代码表 " + Quote(types[0].code_table));
      return std::nullopt;
    }
    return ExprType::Of(TypeKind::kString);
  }
  if (name == "mask") {
    if (!types[0].is_textual() && types[0].kind != TypeKind::kNull) return arg_error(0, " 字符串");
    if (e->children[0]->field != nullptr) e->mask_hint = e->children[0]->field->type;
    return ExprType::Of(TypeKind::kString);
  }
  if (name == "format_date") {
    if (!need_date(0)) return std::nullopt;
    const Expr* pattern = e->children[1].get();
    if (pattern->kind != ExprKind::kLiteral || pattern->literal.kind() != Value::Kind::kString) {
      Error(pattern->pos, "format_date() 的第 2 个参数应为格式文字，如 'YYYY年MM月DD日'");
      return std::nullopt;
    }
    return ExprType::Of(TypeKind::kString);
  }
  if (name == "concat") return ExprType::Of(TypeKind::kString);
  if (name == "substr" || name == "trim" || name == "split_part" || name == "regex_extract" ||
      name == "parse_date") {
    return CheckTransform(e, types);
  }
  // coalesce
  std::optional<ExprType> result = types[0];
  for (size_t i = 1; i < types.size() && result; ++i) {
    result = Unify(*result, types[i], e->children[i]->pos, "coalesce() 的参数");
  }
  return result;
}

std::optional<ExprType> Checker::CheckTransform(Expr* e, std::vector<ExprType>& types) {
  const std::string& name = e->name;
  auto arg_error = [&](size_t i, const std::string& want) {
    Error(e->children[i]->pos, name + "() 的第 " + std::to_string(i + 1) + " 个参数应为" + want +
                                   "，实际是 " + TypeName(types[i]));
    return std::nullopt;
  };
  // A text literal argument (a format, a pattern, a separator): its text, or null after an error.
  auto literal_text = [&](size_t i, const std::string& example) -> const std::string* {
    const Expr* a = e->children[i].get();
    if (a->kind != ExprKind::kLiteral || a->literal.kind() != Value::Kind::kString) {
      Error(a->pos, name + "() 的第 " + std::to_string(i + 1) + " 个参数应为写在引号里的文字，如 " +
                        example);
      return nullptr;
    }
    return &a->literal.as_string();
  };
  auto literal_int = [&](size_t i, int64_t* out) {
    const Expr* a = e->children[i].get();
    if (a->kind != ExprKind::kLiteral || a->literal.kind() != Value::Kind::kInt) {
      Error(a->pos, name + "() 的第 " + std::to_string(i + 1) + " 个参数应为整数，如 1");
      return false;
    }
    *out = a->literal.as_int();
    return true;
  };
  if (!types[0].is_textual() && types[0].kind != TypeKind::kNull) return arg_error(0, " 文字");
  if (name == "trim") return ExprType::Of(TypeKind::kString);
  if (name == "substr") {
    for (size_t i = 1; i < types.size(); ++i) {
      if (types[i].kind != TypeKind::kInteger) return arg_error(i, " 整数");
    }
    return ExprType::Of(TypeKind::kString);
  }
  if (name == "split_part") {
    const std::string* sep = literal_text(1, "'-'");
    if (sep == nullptr) return std::nullopt;
    if (sep->empty()) {
      Error(e->children[1]->pos, "split_part() 的分隔符不能为空");
      return std::nullopt;
    }
    int64_t n = 0;
    if (!literal_int(2, &n)) return std::nullopt;
    if (n < 1) {
      Error(e->children[2]->pos, "split_part() 的段号从 1 开始");
      return std::nullopt;
    }
    return ExprType::Of(TypeKind::kString);
  }
  if (name == "regex_extract") {
    const std::string* pattern = literal_text(1, "'([0-9]{6})'");
    if (pattern == nullptr) return std::nullopt;
    std::string error;
    std::shared_ptr<const re2::RE2> compiled = CompilePattern(*pattern, &error);
    if (compiled == nullptr) {
      Error(e->children[1]->pos, "regex_extract() 的" + error);
      return std::nullopt;
    }
    const size_t groups = static_cast<size_t>(compiled->NumberOfCapturingGroups());
    int64_t group = groups > 0 ? 1 : 0;
    if (types.size() == 3 && !literal_int(2, &group)) return std::nullopt;
    if (group < 0 || static_cast<size_t>(group) > groups) {
      Error(e->children.back()->pos, "regex_extract() 的正则表达式只有 " + std::to_string(groups) +
                                         " 个分组，没有第 " + std::to_string(group) + " 组");
      return std::nullopt;
    }
    e->pattern = std::move(compiled);
    return ExprType::Of(TypeKind::kString);
  }
  // parse_date
  const std::string* format = literal_text(1, "'yyyy.MM'");
  if (format == nullptr) return std::nullopt;
  std::string error;
  if (!CheckDateFormat(*format, &error)) {
    Error(e->children[1]->pos, "parse_date() 的" + error);
    return std::nullopt;
  }
  return ExprType::Of(TypeKind::kDate);
}

std::optional<ExprType> Checker::CheckAggregate(Expr* e, const Scope& s) {
  if (!RefuseInSource(e, "汇总函数 " + e->name + "()")) return std::nullopt;
  if (s.in_aggregate) {
    Error(e->pos, "汇总函数 " + e->name + "() 不能嵌套");
    return std::nullopt;
  }
  if (s.grain == EntityKind::kPerson) {
    Error(e->pos, "汇总函数 " + e->name +
                      "() 只能用于汇总粒度（household、building、grid、community），本表粒度是 "
                      "person");
    return std::nullopt;
  }
  EntityKind over = EntityKind::kPerson;
  if (!e->over_name.empty()) {
    std::optional<EntityKind> k = ParseEntityKind(e->over_name);
    if (!k || !IsAncestor(s.grain, *k)) {
      std::string choices;
      for (int i = static_cast<int>(s.grain) + 1; i <= static_cast<int>(EntityKind::kPerson); ++i) {
        choices += (choices.empty() ? "" : "、") + std::string(EntityName(EntityKind(i)));
      }
      Error(e->name_pos,
            "count() 统计的对象应为本粒度以下的 " + choices + "，实际是 " + Quote(e->over_name));
      return std::nullopt;
    }
    over = *k;
  }
  e->aggregate.over = over;
  Scope inner{over, s.role, true};
  bool ok = true;
  ExprType result = ExprType::Of(TypeKind::kInteger);
  size_t next_child = 0;  // the parser stores [value,] [where]
  if (e->aggregate.value != nullptr) {
    Expr* v = e->children[next_child++].get();
    std::optional<ExprType> t = Check(v, inner);
    const AggregateCall::Fn fn = e->aggregate.fn;
    if (!t) {
      ok = false;
    } else if (fn == AggregateCall::Fn::kList) {
      result = ExprType::Of(TypeKind::kString);
    } else if (fn == AggregateCall::Fn::kFirst) {
      result = *t;
    } else if (!t->is_numeric() && t->kind != TypeKind::kNull) {
      Error(v->pos, std::string("sum() 的参数应为数字，实际是 ") + TypeName(*t));
      ok = false;
    } else if (t->kind == TypeKind::kDecimal) {
      result = *t;
    }
  }
  if (e->aggregate.where != nullptr) {
    Expr* w = e->children[next_child].get();
    std::optional<ExprType> t = Check(w, inner);
    if (!t) {
      ok = false;
    } else if (t->kind != TypeKind::kBoolean && t->kind != TypeKind::kNull) {
      Error(w->pos, std::string("where 后面应为 布尔 条件，实际是 ") + TypeName(*t));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  e->aggregate.id = (*aggregate_counter_)++;
  return result;
}

}  // namespace onetable::expr::internal
