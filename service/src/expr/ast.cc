#include "expr/ast.h"

#include "model/text.h"
#include "onetable/text.h"

namespace onetable::expr {

std::string FieldPath::ToString() const {
  std::string out;
  for (const std::string& h : hops) {
    out += h;
    out += '.';
  }
  out += key;
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

const char* OpText(Op op) {
  switch (op) {
    case Op::kNot:
      return "not";
    case Op::kNeg:
      return "-";
    case Op::kAnd:
      return "and";
    case Op::kOr:
      return "or";
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kMul:
      return "*";
    case Op::kDiv:
      return "/";
  }
  return "?";
}

namespace {

std::string LiteralText(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kBool:
      return v.as_bool() ? "true" : "false";
    case Value::Kind::kString:
      return "\"" + v.as_string() + "\"";
    case Value::Kind::kDate:
      return "date:" + v.as_date().ToString();
    default:
      return v.ToCell();
  }
}

std::string Joined(const Expr& e, size_t from) {
  std::string out;
  for (size_t i = from; i < e.children.size(); ++i) out += " " + ToDebugString(*e.children[i]);
  return out;
}

std::string SegmentsText(const Expr& e) { return Join(e.segments, "."); }

}  // namespace

std::string ToDebugString(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kLiteral:
      return LiteralText(e.literal);
    case ExprKind::kField:
      return SegmentsText(e);
    case ExprKind::kAlive:
      return SegmentsText(e);
    case ExprKind::kUnary:
    case ExprKind::kBinary:
      return std::string("(") + OpText(e.op) + Joined(e, 0) + ")";
    case ExprKind::kIn:
      return std::string(e.negated ? "(not-in" : "(in") + Joined(e, 0) + ")";
    case ExprKind::kBetween:
      return std::string(e.negated ? "(not-between" : "(between") + Joined(e, 0) + ")";
    case ExprKind::kCase:
      return std::string(e.has_else ? "(case-else" : "(case") + Joined(e, 0) + ")";
    case ExprKind::kCall:
      return "(" + e.name + "()" + Joined(e, 0) + ")";
    case ExprKind::kHasTag:
      return "(has_tag " + e.name + ")";
    case ExprKind::kTagAttr:
      return "(tag " + e.name + "." + e.attr + ")";
    case ExprKind::kAggregate: {
      std::string out = "(" + e.name;
      if (!e.over_name.empty()) out += " " + e.over_name;
      if (e.aggregate.value != nullptr) out += " " + ToDebugString(*e.aggregate.value);
      if (e.aggregate.where != nullptr) out += " where " + ToDebugString(*e.aggregate.where);
      return out + ")";
    }
  }
  return "?";
}

ExprPtr CloneExpr(const Expr& e) {
  auto c = std::make_unique<Expr>(e.kind, e.pos);
  c->literal = e.literal;
  c->segments = e.segments;
  c->segment_pos = e.segment_pos;
  c->op = e.op;
  c->negated = e.negated;
  c->has_else = e.has_else;
  c->name = e.name;
  c->name_pos = e.name_pos;
  c->attr = e.attr;
  c->attr_pos = e.attr_pos;
  c->over_name = e.over_name;
  c->aggregate = e.aggregate;
  c->type = e.type;
  c->path = e.path;
  c->aux_path = e.aux_path;
  c->aux_path2 = e.aux_path2;
  c->alive_paths = e.alive_paths;
  c->field = e.field;
  c->mask_hint = e.mask_hint;
  c->pattern = e.pattern;
  c->in_strings = e.in_strings;
  for (const ExprPtr& child : e.children) {
    c->children.push_back(CloneExpr(*child));
    // The aggregate's value and where point at children: point at the copies.
    if (e.aggregate.value == child.get()) c->aggregate.value = c->children.back().get();
    if (e.aggregate.where == child.get()) c->aggregate.where = c->children.back().get();
  }
  return c;
}

void VisitExpr(const Expr& e, const std::function<void(const Expr&)>& fn) {
  fn(e);
  for (const ExprPtr& c : e.children) VisitExpr(*c, fn);
}

SourceLocation TextLocator::Locate(size_t offset) const {
  return SourceLocation::InText(file_, text_, offset);
}

std::string FormatAt(const SourceLocation& where, const std::string& message) {
  return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
         message;
}

}  // namespace onetable::expr
