// Splitting a checked where clause into predicates the store can run as parameterized SQL and a
// residual the Evaluator runs in C++.
//
// Safety: nothing here produces SQL. A PushdownPredicate names a field path (resolved against
// the catalog, so it is a known column) and an operator from a fixed list; its values are the
// canonical text of literals, to be bound as parameters. The generator maps the path to a
// column and the operator to SQL it writes itself.
//
// Only the top-level AND is split, and only these conjuncts are pushed:
//   field op literal   (op: == != < <= > >=; literal on either side, flipped to field op value)
//   field == null / field != null                    → "is null" / "is not null"
//   field [not] in (literal, …)                      → "in" / "not in"
//   field [not] between literal and literal          → "between" (2 values) / "not between"
//   alive                                            → "alive_at" {as_of, ending 居住状态 codes} on
//                                                      a person's status (expr/alive_rule.h);
//                                                      status == "active" for other rows
//   has_tag(t)                                       → "has_tag" with values {t}
//   age op N, age between / in, where age is the derived person age at the reference date
//                                                    → birth_date comparisons computed here
// The rows for which every pushed predicate holds and the residual is true are exactly the rows
// for which the original clause is true (NULL handling included: see expr/eval.h).
#ifndef ONETABLE_MAPPING_PUSHDOWN_H_
#define ONETABLE_MAPPING_PUSHDOWN_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "expr/ast.h"
#include "mapping/expr_names.h"
#include "model/date.h"

namespace onetable::mapping {

struct PushdownPredicate {
  std::string field_path;  // FieldPath::ToString(): "gender", "grid.code", "status", ...
  FieldPath path;          // the same, structured
  // "==" "!=" "<" "<=" ">" ">=" "in" "not in" "between" "not between" "is null" "is not null"
  // "has_tag" "alive_at"
  std::string op;
  std::vector<std::string> values;  // canonical literals, bound as SQL parameters
  // The conjunct it came from is also in the residual (PushdownChoice::kPushAndCheck): the store
  // may narrow the rows by it, and may leave it out where it cannot write it in SQL.
  bool rechecked = false;
};

// What the generator does with one conjunct: keep it in C++, run it in SQL, or run it in SQL as
// a narrowing that C++ checks again (an encrypted field's equality, which the store answers
// through its blind index where it can and skips where it cannot).
enum class PushdownChoice { kKeep, kPush, kPushAndCheck };

struct PushdownSplit {
  std::vector<PushdownPredicate> pushed;  // all must hold (AND)
  ExprPtr residual;                       // null when nothing is left to evaluate
};

// Splits a checked where clause (taking ownership). `accept` decides, per conjunct, whether the
// generator can run all of that conjunct's predicates in SQL (e.g. only paths it has joined);
// a conjunct it keeps stays in the residual whole, one it pushes and checks is in both. `as_of`
// turns age comparisons into birth-date bounds consistent with AgeAt (a 29 February birthday counts
// on 1 March). `alive_ending_codes` are expr::AliveEndingCodes of the catalog the clause was
// checked against.
PushdownSplit SplitForPushdown(
    ExprPtr where, const Date& as_of, const std::vector<std::string>& alive_ending_codes,
    const std::function<PushdownChoice(const std::vector<PushdownPredicate>&)>& accept);

// The condition of an aggregate (count(person where …)) as the store can run it inside
// SUM/COUNT(CASE WHEN … END): a predicate, or all / any of its parts.
struct PushdownCondition {
  enum class Kind { kPredicate, kAll, kAny };
  Kind kind = Kind::kAll;  // kAll without children: true (an aggregate without where)
  PushdownPredicate predicate;
  std::vector<PushdownCondition> children;
};

// Translates an aggregate's checked condition whole, or nullopt when any part of it cannot run
// in SQL with the same result. Besides the conjuncts SplitForPushdown pushes, `or` is taken:
// under `and` and `or` a condition is true exactly when it is true in SQL, since each part is
// (three-valued logic: a part that is null where the other is false or null changes nothing).
// `not`, and comparisons of numeric or boolean fields (compared as numbers here, as bound text
// in SQL) are refused, so the aggregate is folded in C++ instead.
std::optional<PushdownCondition> TranslateAggregateCondition(
    const Expr& condition, const Date& as_of, const std::vector<std::string>& alive_ending_codes);

// The latest birth date at which a person is at least `years` old on `as_of`.
Date LatestBirthDateForAge(const Date& as_of, int years);

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_PUSHDOWN_H_
