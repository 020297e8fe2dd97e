#include "expr/check.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "expr/check_internal.h"
#include "onetable/text.h"

namespace onetable::expr {

namespace internal {

std::string Quote(const std::string& s) { return "“" + s + "”"; }

std::string ConditionHint(const Expr* e, const ExprType& t) {
  if (t.kind != TypeKind::kText || e->kind != ExprKind::kField) return "";
  const std::string& name = e->path.key;
  return "（判断该列有值请写 " + name + " != null，为空请写 " + name + " == null）";
}

void Checker::Error(size_t pos, const std::string& message) {
  problems_.push_back(FormatAt(loc_.Locate(pos), message));
}

std::optional<ExprType> Checker::Check(Expr* e, const Scope& s) {
  std::optional<ExprType> t = CheckNode(e, s);
  if (t) e->type = *t;
  return t;
}

std::optional<ExprType> Checker::CheckNode(Expr* e, const Scope& s) {
  switch (e->kind) {
    case ExprKind::kLiteral:
      return LiteralType(e->literal);
    case ExprKind::kField:
    case ExprKind::kAlive:
      return CheckField(e, s);
    case ExprKind::kUnary:
      return CheckUnary(e, s);
    case ExprKind::kBinary:
      return CheckBinary(e, s);
    case ExprKind::kIn:
    case ExprKind::kBetween:
      return CheckInBetween(e, s);
    case ExprKind::kCase:
      return CheckCase(e, s);
    case ExprKind::kCall:
      return CheckCall(e, s);
    case ExprKind::kHasTag:
    case ExprKind::kTagAttr:
      return CheckTag(e, s);
    case ExprKind::kAggregate:
      return CheckAggregate(e, s);
  }
  return std::nullopt;
}

ExprType Checker::LiteralType(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return ExprType::Of(TypeKind::kNull);
    case Value::Kind::kBool:
      return ExprType::Of(TypeKind::kBoolean);
    case Value::Kind::kInt:
      return ExprType::Of(TypeKind::kInteger);
    case Value::Kind::kDecimal:
      return ExprType::Of(TypeKind::kDecimal);
    case Value::Kind::kString:
      return ExprType::Of(TypeKind::kString);
    case Value::Kind::kDate:
      return ExprType::Of(TypeKind::kDate);
  }
  return ExprType::Of(TypeKind::kNull);
}

std::optional<ExprType> Checker::CheckUnary(Expr* e, const Scope& s) {
  Expr* x = e->children[0].get();
  std::optional<ExprType> t = Check(x, s);
  if (!t) return std::nullopt;
  if (e->op == Op::kNot) {
    if (t->kind != TypeKind::kBoolean && t->kind != TypeKind::kNull) {
      Error(x->pos, std::string("“not” 后面应为 布尔 表达式，实际是 ") + TypeName(*t) +
                        ConditionHint(x, *t));
      return std::nullopt;
    }
    return ExprType::Of(TypeKind::kBoolean);
  }
  if (!t->is_numeric() && t->kind != TypeKind::kNull) {
    Error(x->pos, std::string("负号后面应为数字，实际是 ") + TypeName(*t));
    return std::nullopt;
  }
  return t->kind == TypeKind::kNull ? ExprType::Of(TypeKind::kInteger) : *t;
}

std::optional<ExprType> Checker::CheckBinary(Expr* e, const Scope& s) {
  Expr* a = e->children[0].get();
  Expr* b = e->children[1].get();
  std::optional<ExprType> ta = Check(a, s);
  std::optional<ExprType> tb = Check(b, s);
  if (!ta || !tb) return std::nullopt;
  switch (e->op) {
    case Op::kAnd:
    case Op::kOr: {
      bool ok = true;
      for (auto [x, t] : {std::pair{a, *ta}, std::pair{b, *tb}}) {
        if (t.kind != TypeKind::kBoolean && t.kind != TypeKind::kNull) {
          Error(x->pos, std::string("“") + OpText(e->op) + "” 的两边应为 布尔 表达式，实际是 " +
                            TypeName(t) + ConditionHint(x, t));
          ok = false;
        }
      }
      if (!ok) return std::nullopt;
      return ExprType::Of(TypeKind::kBoolean);
    }
    case Op::kEq:
    case Op::kNe:
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe:
      if (!CheckComparable(e->op, a, *ta, b, *tb)) return std::nullopt;
      return ExprType::Of(TypeKind::kBoolean);
    default:
      break;
  }
  // Arithmetic.
  for (auto [x, t] : {std::pair{a, *ta}, std::pair{b, *tb}}) {
    if (!t.is_numeric() && t.kind != TypeKind::kNull) {
      std::string hint = t.is_textual() ? "（拼接文字请用 concat）" : "";
      Error(x->pos,
            std::string("无法对 ") + TypeName(t) + " 做算术运算 “" + OpText(e->op) + "”" + hint);
      return std::nullopt;
    }
  }
  if (e->op == Op::kDiv || ta->kind == TypeKind::kDecimal || tb->kind == TypeKind::kDecimal) {
    return ExprType::Of(TypeKind::kDecimal);
  }
  return ExprType::Of(TypeKind::kInteger);
}

bool Checker::CoerceLiteral(Expr* lit, const ExprType& target) {
  if (lit->kind != ExprKind::kLiteral || lit->literal.kind() != Value::Kind::kString) return true;
  if (target.kind == TypeKind::kDate) {
    Date d;
    if (ParseDate(lit->literal.as_string(), &d).has_value()) {
      Error(lit->pos, Quote(lit->literal.as_string()) + " 不是有效日期（应如 2024-06-30）");
      return false;
    }
    lit->literal = Value::FromDate(d);
    lit->type = ExprType::Of(TypeKind::kDate);
    return true;
  }
  if (target.kind == TypeKind::kCode) return CheckCode(target.code_table, lit);
  return true;
}

bool Checker::CheckCode(const std::string& table_id, const Expr* lit) {
  const CodeTable* table = catalog_.FindCodeTable(table_id);
  if (table == nullptr) {
    Error(lit->pos, "未知代码表 " + Quote(table_id));
    return false;
  }
  const std::string& code = lit->literal.as_string();
  if (table->Label(code) != nullptr) return true;
  std::string choices;
  size_t shown = 0;
  for (const auto& [c, label] : table->entries()) {
    if (shown++ == 8) {
      choices += "、…";
      break;
    }
    choices += (choices.empty() ? "" : "、") + c + " " + label;
  }
  std::string hint;
  if (const std::string* by_label = table->CodeForLabel(code)) {
    hint = "，“" + code + "” 的代码是 “" + *by_label + "”";
  }
  Error(lit->pos,
        "代码表 " + table_id + " 中没有代码 " + Quote(code) + hint + "（可选：" + choices + "）");
  return false;
}

bool Checker::CheckComparable(Op op, Expr* a, ExprType ta, Expr* b, ExprType tb) {
  const bool equality = op == Op::kEq || op == Op::kNe;
  if (ta.kind == TypeKind::kNull || tb.kind == TypeKind::kNull) {
    if (equality) return true;
    Error((ta.kind == TypeKind::kNull ? a : b)->pos, "空值（null）只能用 == 或 != 比较");
    return false;
  }
  if (ta.is_numeric() && tb.is_numeric()) return true;
  if (ta.kind == TypeKind::kText || tb.kind == TypeKind::kText) {
    Expr* other = ta.kind == TypeKind::kText ? b : a;
    const ExprType& to = ta.kind == TypeKind::kText ? tb : ta;
    if (other->kind == ExprKind::kLiteral && other->literal.kind() == Value::Kind::kString &&
        TrimBlank(other->literal.as_string()).empty()) {
      Error(other->pos, "来源列的空白值读作空值（null）：判断为空请写 == null，有值请写 != null");
      return false;
    }
    if (to.is_numeric() || to.is_textual()) return true;  // numbers as numbers, else as text
  }
  if (ta.kind == TypeKind::kDate && tb.kind == TypeKind::kString && b->kind == ExprKind::kLiteral) {
    return CoerceLiteral(b, ta);
  }
  if (tb.kind == TypeKind::kDate && ta.kind == TypeKind::kString && a->kind == ExprKind::kLiteral) {
    return CoerceLiteral(a, tb);
  }
  if (ta.kind == TypeKind::kDate && tb.kind == TypeKind::kDate) return true;
  if (ta.is_textual() && tb.is_textual()) {
    if (ta.kind == TypeKind::kCode && tb.kind == TypeKind::kCode) {
      if (ta.code_table == tb.code_table) return true;
      Error(b->pos, "无法比较代码表 " + ta.code_table + " 与代码表 " + tb.code_table + " 的代码");
      return false;
    }
    if (ta.kind == TypeKind::kCode) return CoerceLiteral(b, ta);
    if (tb.kind == TypeKind::kCode) return CoerceLiteral(a, tb);
    return true;
  }
  if (ta.kind == TypeKind::kBoolean && tb.kind == TypeKind::kBoolean) {
    if (equality) return true;
    Error(b->pos, "布尔值只能用 == 或 != 比较");
    return false;
  }
  std::string hint;
  if ((ta.kind == TypeKind::kCode && tb.is_numeric()) ||
      (tb.kind == TypeKind::kCode && ta.is_numeric())) {
    hint = "（代码值请加引号，如 \"2\"）";
  }
  Error(b->pos, std::string("无法比较 ") + TypeName(ta) + " 与 " + TypeName(tb) + hint);
  return false;
}

std::optional<ExprType> Checker::CheckInBetween(Expr* e, const Scope& s) {
  Expr* lhs = e->children[0].get();
  std::optional<ExprType> tl = Check(lhs, s);
  bool ok = tl.has_value();
  const Op op = e->kind == ExprKind::kIn ? Op::kEq : Op::kLe;
  for (size_t i = 1; i < e->children.size(); ++i) {
    Expr* item = e->children[i].get();
    std::optional<ExprType> ti = Check(item, s);
    if (!ti) {
      ok = false;
      continue;
    }
    if (tl && ti->kind == TypeKind::kNull) {
      Error(item->pos, std::string(e->kind == ExprKind::kIn ? "in" : "between") +
                           " 中不能有空值（null）；判断空值请用 == null");
      ok = false;
      continue;
    }
    if (tl && !CheckComparable(op, lhs, *tl, item, *ti)) ok = false;
  }
  if (!ok) return std::nullopt;
  // The evaluator compares source text (kText) its own way; every other string compares by bytes.
  bool strings = e->kind == ExprKind::kIn && tl->kind != TypeKind::kText;
  for (size_t i = 1; strings && i < e->children.size(); ++i) {
    const Expr& item = *e->children[i];
    strings = item.kind == ExprKind::kLiteral && item.literal.kind() == Value::Kind::kString &&
              item.type.kind != TypeKind::kText;
  }
  if (strings) {
    auto set = std::make_shared<std::unordered_set<std::string>>();
    for (size_t i = 1; i < e->children.size(); ++i) {
      set->insert(e->children[i]->literal.as_string());
    }
    e->in_strings = std::move(set);
  }
  return ExprType::Of(TypeKind::kBoolean);
}

std::optional<ExprType> Checker::Unify(const ExprType& a, const ExprType& b, size_t pos,
                                       const std::string& what) {
  if (a.kind == TypeKind::kNull) return b;
  if (b.kind == TypeKind::kNull) return a;
  if (a.kind == b.kind) {
    if (a.kind == TypeKind::kCode && a.code_table != b.code_table) {
      return ExprType::Of(TypeKind::kString);
    }
    return a;
  }
  if (a.is_numeric() && b.is_numeric()) return ExprType::Of(TypeKind::kDecimal);
  if (a.is_textual() && b.is_textual()) return ExprType::Of(TypeKind::kString);
  Error(pos, what + "类型不一致：" + TypeName(a) + " 与 " + TypeName(b));
  return std::nullopt;
}

std::optional<ExprType> Checker::CheckCase(Expr* e, const Scope& s) {
  bool ok = true;
  std::optional<ExprType> result = ExprType::Of(TypeKind::kNull);
  const size_t n = e->children.size();
  for (size_t i = 0; i < n; ++i) {
    Expr* c = e->children[i].get();
    std::optional<ExprType> t = Check(c, s);
    if (!t) {
      ok = false;
      continue;
    }
    const bool is_condition = i % 2 == 0 && !(e->has_else && i == n - 1);
    if (is_condition) {
      if (t->kind != TypeKind::kBoolean && t->kind != TypeKind::kNull) {
        Error(c->pos, std::string("when 后面应为 布尔 条件，实际是 ") + TypeName(*t) +
                          ConditionHint(c, *t));
        ok = false;
      }
      continue;
    }
    if (ok && result) result = Unify(*result, *t, c->pos, "case 各分支");
    if (!result) ok = false;
  }
  if (!ok) return std::nullopt;
  return result;
}

std::optional<ExprType> Checker::CheckTag(Expr* e, const Scope& s) {
  const char* fn = e->kind == ExprKind::kHasTag ? "has_tag" : "tag";
  if (!RefuseInSource(e, std::string(fn) + "()")) return std::nullopt;
  if (s.grain != EntityKind::kPerson) {
    Error(e->pos, std::string(fn) + "() 只能用于人员；在" + EntityLabel(s.grain) +
                      "粒度请写 count(person where has_tag(" + e->name + ")) > 0");
    return std::nullopt;
  }
  const TagDef* tag = catalog_.FindTag(e->name);
  if (tag == nullptr) {
    std::vector<std::string> keys;
    for (const TagDef& t : catalog_.tags()) keys.push_back(t.key);
    std::string best = Closest(e->name, keys);
    Error(e->name_pos,
          "未知标签 " + Quote(e->name) + (best.empty() ? "" : "，是否是 " + Quote(best) + "？"));
    return std::nullopt;
  }
  if (e->kind == ExprKind::kHasTag) return ExprType::Of(TypeKind::kBoolean);
  const FieldDef* attr = tag->FindAttribute(e->attr);
  if (attr == nullptr) {
    std::vector<std::string> keys;
    for (const FieldDef& a : tag->attributes) keys.push_back(a.key);
    std::string best = Closest(e->attr, keys);
    Error(e->attr_pos, "标签 " + e->name + "（" + tag->label + "）没有属性 " + Quote(e->attr) +
                           (best.empty() ? "" : "，是否是 " + Quote(best) + "？"));
    return std::nullopt;
  }
  e->field = attr;
  return TypeOfField(*attr);
}

}  // namespace internal

Result<ExprType> CheckExpr(Expr* expr, const CheckEnv& env, const ExprLocator& loc) {
  int local_counter = 0;
  internal::Checker checker(
      env.catalog, loc, env.aggregate_counter ? env.aggregate_counter : &local_counter, env.source);
  internal::Scope scope{env.grain, env.role, false};
  std::optional<ExprType> t = checker.Check(expr, scope);
  if (!checker.problems().empty() || !t) {
    return Status::Invalid(Join(checker.problems(), "\n"));
  }
  return *t;
}

Status CheckCondition(Expr* expr, const CheckEnv& env, const ExprLocator& loc) {
  ASSIGN_OR_RETURN(ExprType t, CheckExpr(expr, env, loc));
  if (t.kind != TypeKind::kBoolean && t.kind != TypeKind::kNull) {
    return Status::Invalid(
        FormatAt(loc.Locate(expr->pos), std::string("条件应为 布尔 表达式，实际是 ") + TypeName(t) +
                                            internal::ConditionHint(expr, t)));
  }
  return Status::Ok();
}

}  // namespace onetable::expr
