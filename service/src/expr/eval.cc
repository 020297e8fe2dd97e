#include "expr/eval.h"

#include <re2/re2.h>

#include <cmath>
#include <optional>

#include "expr/cell_functions.h"
#include "expr/transform_functions.h"
#include "model/catalog_keys.h"
#include "onetable/text.h"

namespace onetable::expr {

namespace {

// Three-valued logic: nullopt is unknown.
std::optional<bool> Truth(const Value& v) {
  if (v.kind() == Value::Kind::kBool) return v.as_bool();
  return std::nullopt;
}

Value FromTruth(std::optional<bool> t) { return t ? Value::Bool(*t) : Value::Null(); }

bool IsNullLiteral(const Expr& e) { return e.kind == ExprKind::kLiteral && e.literal.is_null(); }

std::optional<Date> AsDate(const Value& v) {
  if (v.kind() == Value::Kind::kDate) return v.as_date();
  if (v.kind() == Value::Kind::kString) {
    Date d;
    if (!ParseDate(v.as_string(), &d).has_value()) return d;
  }
  return std::nullopt;
}

template <typename T>
int Sign(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

bool AsNumber(const Value& v, double* out) {
  if (v.is_numeric()) {
    *out = v.as_number();
    return true;
  }
  return v.kind() == Value::Kind::kString && ReadNumber(v.as_string(), out);
}

// A source column's text against anything: as numbers when both read as numbers, else as text
// when both are text; otherwise (12元 > 0) they do not compare.
bool CompareSourceValues(const Value& a, const Value& b, int* result) {
  if (a.is_null() || b.is_null()) return false;
  double x = 0, y = 0;
  if (AsNumber(a, &x) && AsNumber(b, &y)) {
    *result = Sign(x, y);
    return true;
  }
  if (a.kind() == Value::Kind::kString && b.kind() == Value::Kind::kString) {
    *result = Sign(a.as_string().compare(b.as_string()), 0);
    return true;
  }
  return false;
}

// Compares the values of nodes `ea` and `eb` by their static types.
bool CompareNodes(const Expr& ea, const Value& a, const Expr& eb, const Value& b, int* result) {
  if (ea.type.kind == TypeKind::kText || eb.type.kind == TypeKind::kText) {
    return CompareSourceValues(a, b, result);
  }
  return CompareValues(a, b, result);
}

}  // namespace

bool CompareValues(const Value& a, const Value& b, int* result) {
  using K = Value::Kind;
  if (a.is_null() || b.is_null()) return false;
  if (a.kind() == K::kInt && b.kind() == K::kInt) {
    *result = Sign(a.as_int(), b.as_int());
    return true;
  }
  if (a.is_numeric() && b.is_numeric()) {
    *result = Sign(a.as_number(), b.as_number());
    return true;
  }
  if (a.kind() == K::kString && b.kind() == K::kString) {
    *result = Sign(a.as_string().compare(b.as_string()), 0);
    return true;
  }
  if (a.kind() == K::kBool && b.kind() == K::kBool) {
    *result = Sign(a.as_bool(), b.as_bool());
    return true;
  }
  if (a.kind() == K::kDate || b.kind() == K::kDate) {
    std::optional<Date> da = AsDate(a), db = AsDate(b);
    if (!da || !db) return false;
    *result = *da < *db ? -1 : (*db < *da ? 1 : 0);
    return true;
  }
  return false;
}

Value Evaluator::AgeOf(const Value& birth) const {
  std::optional<Date> d = AsDate(birth);
  if (!d) return Value::Null();
  return Value::Int(AgeAt(*d, as_of_));
}

Value Evaluator::EvalField(const Expr& e, RowContext& ctx) const {
  if (e.field != nullptr && e.field->derived && e.path.entity == EntityKind::kPerson &&
      e.path.key == keys::kAge) {
    return AgeOf(ctx.Field(e.aux_path));  // birth_date
  }
  return ctx.Field(e.path);
}

Value Evaluator::EvalAlive(const Expr& e, RowContext& ctx) const {
  Value s = ctx.Field(e.aux_path);  // status
  if (s.is_null()) return Value::Null();
  const bool active = s.kind() == Value::Kind::kString && s.as_string() == "active";
  if (e.path.entity != EntityKind::kPerson) return Value::Bool(active);
  // The rule of alive_rule.h at the reference date; the store's "alive_at" predicate says the
  // same in SQL.
  auto date_at = [&](const FieldPath& p) -> std::optional<Date> {
    return p.key.empty() ? std::nullopt : AsDate(ctx.Field(p));
  };
  const std::optional<Date> death = has_death_date_ ? AsDate(ctx.Field(e.aux_path2)) : std::nullopt;
  if (death && !(as_of_ < *death)) return Value::Bool(false);
  std::optional<Date> birth, move_in, move_out;
  bool ending_residence = false;
  if (e.alive_paths.size() == 4) {
    birth = date_at(e.alive_paths[0]);
    move_in = date_at(e.alive_paths[1]);
    move_out = date_at(e.alive_paths[2]);
    if (!e.alive_paths[3].key.empty()) {
      Value r = ctx.Field(e.alive_paths[3]);
      const std::string code = r.is_null() ? std::string() : r.ToCanonical();
      for (const std::string& c : ending_codes_) ending_residence = ending_residence || c == code;
    }
  }
  if (birth && as_of_ < *birth) return Value::Bool(false);
  if (move_in && as_of_ < *move_in) return Value::Bool(false);
  if (active && !ending_residence) return Value::Bool(true);
  // Ended — unless the end came after the reference date.
  return Value::Bool((death && as_of_ < *death) || (move_out && as_of_ < *move_out));
}

Result<Value> Evaluator::EvalCompare(const Expr& e, RowContext& ctx) const {
  const Expr& ea = *e.children[0];
  const Expr& eb = *e.children[1];
  ASSIGN_OR_RETURN(Value a, Eval(ea, ctx));
  ASSIGN_OR_RETURN(Value b, Eval(eb, ctx));
  if (IsNullLiteral(ea) || IsNullLiteral(eb)) {  // x == null: a test for a missing value
    bool missing = (IsNullLiteral(ea) ? b : a).is_null();
    return Value::Bool(e.op == Op::kEq ? missing : !missing);
  }
  int c = 0;
  if (!CompareNodes(ea, a, eb, b, &c)) return Value::Null();
  switch (e.op) {
    case Op::kEq:
      return Value::Bool(c == 0);
    case Op::kNe:
      return Value::Bool(c != 0);
    case Op::kLt:
      return Value::Bool(c < 0);
    case Op::kLe:
      return Value::Bool(c <= 0);
    case Op::kGt:
      return Value::Bool(c > 0);
    default:
      return Value::Bool(c >= 0);
  }
}

Result<Value> Evaluator::EvalLogic(const Expr& e, RowContext& ctx) const {
  ASSIGN_OR_RETURN(Value a, Eval(*e.children[0], ctx));
  std::optional<bool> ta = Truth(a);
  const bool is_and = e.op == Op::kAnd;
  if (ta && *ta != is_and) return Value::Bool(!is_and);  // false and … / true or …
  ASSIGN_OR_RETURN(Value b, Eval(*e.children[1], ctx));
  std::optional<bool> tb = Truth(b);
  if (tb && *tb != is_and) return Value::Bool(!is_and);
  if (!ta || !tb) return Value::Null();
  return Value::Bool(is_and);
}

Result<Value> Evaluator::EvalInBetween(const Expr& e, RowContext& ctx) const {
  ASSIGN_OR_RETURN(Value x, Eval(*e.children[0], ctx));
  if (x.is_null()) return Value::Null();
  std::optional<bool> result;
  if (e.in_strings != nullptr && x.kind() == Value::Kind::kString) {
    // As the loop below would find: a string equals a string literal exactly when their bytes do.
    result = e.in_strings->count(x.as_string()) > 0;
  } else if (e.kind == ExprKind::kIn) {
    bool unknown = false;
    result = false;
    for (size_t i = 1; i < e.children.size(); ++i) {
      ASSIGN_OR_RETURN(Value item, Eval(*e.children[i], ctx));
      int c = 0;
      if (!CompareNodes(*e.children[0], x, *e.children[i], item, &c)) {
        unknown = true;
      } else if (c == 0) {
        result = true;
        break;
      }
    }
    if (!*result && unknown) result.reset();
  } else {
    ASSIGN_OR_RETURN(Value low, Eval(*e.children[1], ctx));
    ASSIGN_OR_RETURN(Value high, Eval(*e.children[2], ctx));
    int cl = 0, ch = 0;
    bool has_low = CompareNodes(*e.children[0], x, *e.children[1], low, &cl);
    bool has_high = CompareNodes(*e.children[0], x, *e.children[2], high, &ch);
    if ((has_low && cl < 0) || (has_high && ch > 0)) {
      result = false;
    } else if (has_low && has_high) {
      result = true;
    }
  }
  if (result && e.negated) result = !*result;
  return FromTruth(result);
}

Result<Value> Evaluator::EvalCase(const Expr& e, RowContext& ctx) const {
  const size_t pairs = (e.children.size() - (e.has_else ? 1 : 0)) / 2;
  for (size_t i = 0; i < pairs; ++i) {
    ASSIGN_OR_RETURN(Value cond, Eval(*e.children[2 * i], ctx));
    if (Truth(cond).value_or(false)) return Eval(*e.children[2 * i + 1], ctx);
  }
  if (e.has_else) return Eval(*e.children.back(), ctx);
  return Value::Null();
}

Result<Value> Evaluator::EvalCall(const Expr& e, RowContext& ctx) const {
  const std::string& fn = e.name;
  if (fn == "row_number") return Value::Int(ctx.RowNumber());
  if (fn == "concat") {
    std::string out;
    for (const ExprPtr& arg : e.children) {
      ASSIGN_OR_RETURN(Value v, Eval(*arg, ctx));
      out += v.ToCell();
    }
    return Value::String(std::move(out));
  }
  if (fn == "coalesce") {
    for (const ExprPtr& arg : e.children) {
      ASSIGN_OR_RETURN(Value v, Eval(*arg, ctx));
      if (!v.is_null()) return v;
    }
    return Value::Null();
  }
  if (fn == "age" && e.children.empty()) {
    static const FieldPath kBirthDate{{}, keys::kBirthDate, EntityKind::kPerson};
    return AgeOf(ctx.Field(kBirthDate));
  }
  ASSIGN_OR_RETURN(Value arg, Eval(*e.children[0], ctx));
  if (arg.is_null()) return Value::Null();
  if (fn == "age") return AgeOf(arg);
  if (fn == "label" || fn == "label_full") {
    // label() prints the name forms use (男), label_full() the standard's full name (男性).
    std::string code = arg.ToCanonical();
    const CodeTable* table = catalog_.FindCodeTable(e.children[0]->type.code_table);
    const std::string* label =
        table ? (fn == "label" ? table->ShortLabel(code) : table->Label(code)) : nullptr;
    return Value::String(label ? *label : code);  // an unknown code shows as itself
  }
  if (fn == "mask") return Value::String(MaskText(arg.ToCell(), e.mask_hint));
  if (fn == "trim") return Value::String(TrimText(arg.ToCell()));
  if (fn == "substr") {
    int64_t at[2] = {1, -1};
    for (size_t i = 1; i < e.children.size(); ++i) {
      ASSIGN_OR_RETURN(Value v, Eval(*e.children[i], ctx));
      if (v.is_null()) return Value::Null();
      at[i - 1] = v.as_int();
    }
    return Value::String(Substr(arg.ToCell(), at[0], at[1]));
  }
  if (fn == "split_part") {
    std::optional<std::string> part = SplitPart(arg.ToCell(), e.children[1]->literal.as_string(),
                                                e.children[2]->literal.as_int());
    return part ? Value::String(std::move(*part)) : Value::Null();
  }
  if (fn == "regex_extract") {
    if (e.pattern == nullptr) return Status::Internal("regex_extract() 未经检查");
    int64_t group = e.pattern->NumberOfCapturingGroups() > 0 ? 1 : 0;
    if (e.children.size() == 3) group = e.children[2]->literal.as_int();
    std::optional<std::string> found = RegexExtract(arg.ToCell(), *e.pattern, group);
    return found ? Value::String(std::move(*found)) : Value::Null();
  }
  if (fn == "parse_date") {
    if (arg.kind() == Value::Kind::kDate) return arg;
    const std::string text = arg.ToCell();
    if (TrimWideBlank(text).empty()) return Value::Null();
    std::string error;
    std::optional<Date> d = ParseDateFormat(text, e.children[1]->literal.as_string(), &error);
    if (!d) return Status::Invalid(error);
    return Value::FromDate(*d);
  }
  if (fn == "format_date") {
    std::optional<Date> d = AsDate(arg);
    if (!d) return Value::Null();
    return Value::String(FormatDatePattern(*d, e.children[1]->literal.as_string()));
  }
  return Status::Internal("未检查的函数 " + fn);
}

Result<Value> Evaluator::Eval(const Expr& e, RowContext& ctx) const {
  switch (e.kind) {
    case ExprKind::kLiteral:
      return e.literal;
    case ExprKind::kField:
      return EvalField(e, ctx);
    case ExprKind::kAlive:
      return EvalAlive(e, ctx);
    case ExprKind::kUnary: {
      ASSIGN_OR_RETURN(Value v, Eval(*e.children[0], ctx));
      if (e.op == Op::kNot) {
        std::optional<bool> t = Truth(v);
        return t ? Value::Bool(!*t) : Value::Null();
      }
      if (v.kind() == Value::Kind::kInt && v.as_int() != INT64_MIN) return Value::Int(-v.as_int());
      if (v.kind() == Value::Kind::kDecimal) return Value::Decimal(-v.as_number());
      return Value::Null();
    }
    case ExprKind::kBinary: {
      if (e.op == Op::kAnd || e.op == Op::kOr) return EvalLogic(e, ctx);
      if (e.op >= Op::kEq && e.op <= Op::kGe) return EvalCompare(e, ctx);
      ASSIGN_OR_RETURN(Value a, Eval(*e.children[0], ctx));
      ASSIGN_OR_RETURN(Value b, Eval(*e.children[1], ctx));
      if (!a.is_numeric() || !b.is_numeric()) return Value::Null();
      if (e.op == Op::kDiv) {
        if (b.as_number() == 0) return Value::Null();
        return Value::Decimal(a.as_number() / b.as_number());
      }
      if (a.kind() == Value::Kind::kInt && b.kind() == Value::Kind::kInt) {
        int64_t r = 0;
        bool overflow = e.op == Op::kAdd   ? __builtin_add_overflow(a.as_int(), b.as_int(), &r)
                        : e.op == Op::kSub ? __builtin_sub_overflow(a.as_int(), b.as_int(), &r)
                                           : __builtin_mul_overflow(a.as_int(), b.as_int(), &r);
        return overflow ? Value::Null() : Value::Int(r);
      }
      double x = a.as_number(), y = b.as_number();
      double r = e.op == Op::kAdd ? x + y : e.op == Op::kSub ? x - y : x * y;
      return std::isfinite(r) ? Value::Decimal(r) : Value::Null();
    }
    case ExprKind::kIn:
    case ExprKind::kBetween:
      return EvalInBetween(e, ctx);
    case ExprKind::kCase:
      return EvalCase(e, ctx);
    case ExprKind::kCall:
      return EvalCall(e, ctx);
    case ExprKind::kHasTag:
      return Value::Bool(ctx.HasTag(e.name));
    case ExprKind::kTagAttr:
      return ctx.TagAttr(e.name, e.attr);
    case ExprKind::kAggregate:
      return ctx.Aggregate(e.aggregate, *this);
  }
  return Status::Internal("未知的表达式节点");
}

Result<bool> Evaluator::Matches(const Expr& condition, RowContext& ctx) const {
  ASSIGN_OR_RETURN(Value v, Eval(condition, ctx));
  return Truth(v).value_or(false);
}

Status AggregateAccumulator::Add(const Evaluator& eval, RowContext& row) {
  if (call_.where != nullptr) {
    ASSIGN_OR_RETURN(bool keep, eval.Matches(*call_.where, row));
    if (!keep) return Status::Ok();
  }
  if (call_.fn == AggregateCall::Fn::kCount) {
    ++count_;
    return Status::Ok();
  }
  if (call_.fn == AggregateCall::Fn::kFirst && has_first_) return Status::Ok();
  ASSIGN_OR_RETURN(Value v, eval.Eval(*call_.value, row));
  if (call_.fn == AggregateCall::Fn::kList) {
    std::string cell = v.ToCell();
    if (!cell.empty()) list_ += (list_.empty() ? "" : "、") + cell;
    return Status::Ok();
  }
  if (call_.fn == AggregateCall::Fn::kFirst) {
    if (!v.is_null()) {
      first_ = std::move(v);
      has_first_ = true;
    }
    return Status::Ok();
  }
  if (v.kind() == Value::Kind::kInt) {
    int_sum_ += v.as_int();
  } else if (v.kind() == Value::Kind::kDecimal) {
    decimal_sum_ += v.as_number();
  }
  return Status::Ok();
}

Value AggregateAccumulator::Finish() const {
  if (call_.fn == AggregateCall::Fn::kCount) return Value::Int(count_);
  if (call_.fn == AggregateCall::Fn::kList) return Value::String(list_);
  if (call_.fn == AggregateCall::Fn::kFirst) return first_;
  if (call_.value != nullptr && call_.value->type.kind == TypeKind::kDecimal) {
    return Value::Decimal(decimal_sum_ + static_cast<double>(int_sum_));
  }
  return Value::Int(int_sum_);
}

}  // namespace onetable::expr
