#include "mapping/pushdown.h"

#include <optional>
#include <utility>

#include "model/catalog_keys.h"

namespace onetable::mapping {

namespace {

using Predicates = std::vector<PushdownPredicate>;

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

PushdownPredicate Pred(const FieldPath& path, std::string op, std::vector<std::string> values) {
  return PushdownPredicate{path.ToString(), path, std::move(op), std::move(values)};
}

bool IsPlainField(const Expr& e) {
  return e.kind == ExprKind::kField && e.field != nullptr && !e.field->derived;
}
bool IsAgeField(const Expr& e) {
  return e.kind == ExprKind::kField && e.field != nullptr && e.field->derived &&
         e.path.key == keys::kAge && e.path.entity == EntityKind::kPerson;
}
bool IsLiteral(const Expr& e) { return e.kind == ExprKind::kLiteral; }
bool IsValueLiteral(const Expr& e) { return IsLiteral(e) && !e.literal.is_null(); }

Op Mirror(Op op) {
  switch (op) {
    case Op::kLt:
      return Op::kGt;
    case Op::kLe:
      return Op::kGe;
    case Op::kGt:
      return Op::kLt;
    case Op::kGe:
      return Op::kLe;
    default:
      return op;
  }
}

FieldPath BirthDate(const Expr& age) {
  FieldPath p = age.path;
  p.key = keys::kBirthDate;
  return p;
}

std::string T(const Date& as_of, int64_t years) {
  return LatestBirthDateForAge(as_of, static_cast<int>(years)).ToString();
}

// age OP n as birth-date bounds: age >= n ⟺ birth_date <= T(n).
std::optional<Predicates> AgePredicates(const Expr& age, Op op, int64_t n, const Date& as_of) {
  if (n < -1000 || n > 1000) return std::nullopt;
  const FieldPath b = BirthDate(age);
  switch (op) {
    case Op::kGe:
      return Predicates{Pred(b, "<=", {T(as_of, n)})};
    case Op::kGt:
      return Predicates{Pred(b, "<=", {T(as_of, n + 1)})};
    case Op::kLe:
      return Predicates{Pred(b, ">", {T(as_of, n + 1)})};
    case Op::kLt:
      return Predicates{Pred(b, ">", {T(as_of, n)})};
    case Op::kEq:
      return Predicates{Pred(b, ">", {T(as_of, n + 1)}), Pred(b, "<=", {T(as_of, n)})};
    default:
      return std::nullopt;
  }
}

std::optional<Predicates> Translate(const Expr& e, const Date& as_of,
                                    const std::vector<std::string>& ending_codes) {
  switch (e.kind) {
    case ExprKind::kAlive: {
      FieldPath status = e.path;
      status.key = "status";
      if (e.path.entity != EntityKind::kPerson) return Predicates{Pred(status, "==", {"active"})};
      std::vector<std::string> values{as_of.ToString()};
      values.insert(values.end(), ending_codes.begin(), ending_codes.end());
      return Predicates{Pred(status, "alive_at", std::move(values))};
    }
    case ExprKind::kHasTag:
      return Predicates{PushdownPredicate{"", FieldPath{}, "has_tag", {e.name}}};
    case ExprKind::kBinary: {
      if (e.op < Op::kEq || e.op > Op::kGe) return std::nullopt;
      const Expr* field = e.children[0].get();
      const Expr* lit = e.children[1].get();
      Op op = e.op;
      if (IsLiteral(*field)) {
        std::swap(field, lit);
        op = Mirror(op);
      }
      if (!IsLiteral(*lit)) return std::nullopt;
      if (lit->literal.is_null()) {
        if (!IsPlainField(*field) && !IsAgeField(*field)) return std::nullopt;
        FieldPath p = IsAgeField(*field) ? BirthDate(*field) : field->path;
        return Predicates{Pred(p, op == Op::kEq ? "is null" : "is not null", {})};
      }
      if (IsAgeField(*field)) {
        if (lit->literal.kind() != Value::Kind::kInt) return std::nullopt;
        return AgePredicates(*field, op, lit->literal.as_int(), as_of);
      }
      if (!IsPlainField(*field)) return std::nullopt;
      return Predicates{Pred(field->path, OpText(op), {lit->literal.ToCanonical()})};
    }
    case ExprKind::kIn: {
      if (!IsPlainField(*e.children[0])) return std::nullopt;
      std::vector<std::string> values;
      for (size_t i = 1; i < e.children.size(); ++i) {
        if (!IsValueLiteral(*e.children[i])) return std::nullopt;
        values.push_back(e.children[i]->literal.ToCanonical());
      }
      return Predicates{Pred(e.children[0]->path, e.negated ? "not in" : "in", values)};
    }
    case ExprKind::kBetween: {
      const Expr& x = *e.children[0];
      const Expr& lo = *e.children[1];
      const Expr& hi = *e.children[2];
      if (!IsValueLiteral(lo) || !IsValueLiteral(hi)) return std::nullopt;
      if (IsAgeField(x)) {
        if (e.negated || lo.literal.kind() != Value::Kind::kInt ||
            hi.literal.kind() != Value::Kind::kInt) {
          return std::nullopt;
        }
        std::optional<Predicates> ge = AgePredicates(x, Op::kGe, lo.literal.as_int(), as_of);
        std::optional<Predicates> le = AgePredicates(x, Op::kLe, hi.literal.as_int(), as_of);
        if (!ge || !le) return std::nullopt;
        ge->push_back(le->front());
        return ge;
      }
      if (!IsPlainField(x)) return std::nullopt;
      return Predicates{Pred(x.path, e.negated ? "not between" : "between",
                             {lo.literal.ToCanonical(), hi.literal.ToCanonical()})};
    }
    default:
      return std::nullopt;
  }
}

void Flatten(ExprPtr e, std::vector<ExprPtr>* out) {
  if (e->kind == ExprKind::kBinary && e->op == Op::kAnd) {
    Flatten(std::move(e->children[0]), out);
    Flatten(std::move(e->children[1]), out);
    return;
  }
  out->push_back(std::move(e));
}

bool IsCanonicalDate(const std::string& v) {
  static const char kShape[] = "dddd-dd-dd";
  if (v.size() != sizeof kShape - 1) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    const bool digit = v[i] >= '0' && v[i] <= '9';
    if (kShape[i] == 'd' ? !digit : v[i] != kShape[i]) return false;
  }
  return true;
}

// Whether the field a predicate tests holds text in SQL, so that comparing it with a bound text
// parameter is what the evaluator does (strings, codes, dates; the status pseudo-field).
bool ComparesAsText(const PushdownPredicate& p, const Expr& atom) {
  if (p.op == "is null" || p.op == "is not null" || p.op == "has_tag" || p.op == "alive_at") {
    return true;
  }
  if (p.path.key == "status") return true;
  const Expr* field = nullptr;
  VisitExpr(atom, [&](const Expr& e) {
    if (e.kind == ExprKind::kField && field == nullptr) field = &e;
  });
  if (field == nullptr || field->field == nullptr) return false;
  if (IsAgeField(*field)) return true;  // birth-date bounds computed here, canonical
  switch (field->field->type) {
    case FieldType::kString:
    case FieldType::kCode:
      return true;
    case FieldType::kDate:
      // Text order is date order only between canonical dates ('2024-1-1' parses here).
      for (const std::string& v : p.values) {
        if (!IsCanonicalDate(v)) return false;
      }
      return true;
    default:
      return false;
  }
}

std::optional<PushdownCondition> TranslateTree(const Expr& e, const Date& as_of,
                                               const std::vector<std::string>& ending_codes) {
  if (e.kind == ExprKind::kBinary && (e.op == Op::kAnd || e.op == Op::kOr)) {
    PushdownCondition both;
    both.kind = e.op == Op::kAnd ? PushdownCondition::Kind::kAll : PushdownCondition::Kind::kAny;
    for (const ExprPtr& child : e.children) {
      std::optional<PushdownCondition> part = TranslateTree(*child, as_of, ending_codes);
      if (!part) return std::nullopt;
      both.children.push_back(std::move(*part));
    }
    return both;
  }
  std::optional<Predicates> preds = Translate(e, as_of, ending_codes);
  if (!preds || preds->empty()) return std::nullopt;
  PushdownCondition all;
  for (PushdownPredicate& p : *preds) {
    if (!ComparesAsText(p, e)) return std::nullopt;
    PushdownCondition one;
    one.kind = PushdownCondition::Kind::kPredicate;
    one.predicate = std::move(p);
    all.children.push_back(std::move(one));
  }
  if (all.children.size() == 1) return std::move(all.children.front());
  return all;
}

}  // namespace

std::optional<PushdownCondition> TranslateAggregateCondition(
    const Expr& condition, const Date& as_of, const std::vector<std::string>& alive_ending_codes) {
  return TranslateTree(condition, as_of, alive_ending_codes);
}

Date LatestBirthDateForAge(const Date& as_of, int years) {
  Date d{as_of.year - years, as_of.month, as_of.day};
  if (d.month == 2 && d.day == 29 && !IsLeap(d.year)) d.day = 28;
  return d;
}

PushdownSplit SplitForPushdown(ExprPtr where, const Date& as_of,
                               const std::vector<std::string>& alive_ending_codes,
                               const std::function<PushdownChoice(const Predicates&)>& accept) {
  PushdownSplit split;
  if (where == nullptr) return split;
  std::vector<ExprPtr> conjuncts;
  Flatten(std::move(where), &conjuncts);
  for (ExprPtr& c : conjuncts) {
    std::optional<Predicates> preds = Translate(*c, as_of, alive_ending_codes);
    const PushdownChoice choice = preds ? accept(*preds) : PushdownChoice::kKeep;
    if (choice != PushdownChoice::kKeep) {
      for (PushdownPredicate& p : *preds) {
        p.rechecked = choice == PushdownChoice::kPushAndCheck;
        split.pushed.push_back(std::move(p));
      }
      if (choice == PushdownChoice::kPush) continue;
    }
    if (split.residual == nullptr) {
      split.residual = std::move(c);
      continue;
    }
    auto both = std::make_unique<Expr>(ExprKind::kBinary, split.residual->pos);
    both->op = Op::kAnd;
    both->type = ExprType::Of(TypeKind::kBoolean);
    both->children.push_back(std::move(split.residual));
    both->children.push_back(std::move(c));
    split.residual = std::move(both);
  }
  return split;
}

}  // namespace onetable::mapping
