// Evaluation of checked expressions over one row at a time: a register row (a table generator's
// RowContext) or a source record (record_expr.h).
//
// The seam between the language and whoever owns the data is RowContext: a table generator
// implements it over the rows it has joined (the grain row, its ancestors, the household head,
// tags) and the Evaluator asks it for exactly what an expression mentions. The evaluator never
// sees SQL, and the context never sees expressions — except for aggregates, where the context
// walks the rows below the current one and folds them with an AggregateAccumulator.
//
// Null semantics follow SQL, so that a predicate pushed down to the store and the same predicate
// evaluated here agree: a comparison with a missing value is null (unknown), and/or/not use
// three-valued logic, and a where clause keeps a row only when it is true. `x == null` and
// `x != null` test for a missing value. Division by zero and integer overflow give null.
// A source column (TypeKind::kText, see record_expr.h) compares as a number when both sides read
// as numbers, as text when both are text, and otherwise gives null.
//
// Thread-safety: an Evaluator is immutable after construction and may be shared; a RowContext
// belongs to one thread.
#ifndef ONETABLE_EXPR_EVAL_H_
#define ONETABLE_EXPR_EVAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "expr/alive_rule.h"
#include "expr/ast.h"
#include "expr/value.h"
#include "model/catalog.h"
#include "model/catalog_keys.h"
#include "model/date.h"
#include "onetable/status.h"

namespace onetable::expr {

class Evaluator;

// What an expression may ask about the row being produced.
class RowContext {
 public:
  virtual ~RowContext() = default;

  // The value at `path` from the current row: a catalog field of the row itself, of an ancestor
  // ("grid"), or of the household head ("household.head"), typed with ValueFromCanonical; and
  // the pseudo-key "status" (the row's status column, e.g. "active"), which `alive` reads.
  // Null when the value is NULL or the path leads nowhere (a person without a household).
  // Derived catalog fields are asked for too (e.g. household.member_count), except person age,
  // which the evaluator computes from birth_date at the reference date.
  // `path` always lives as long as the checked tree it came from (a context may cache by its
  // address).
  virtual Value Field(const FieldPath& path) = 0;

  // Whether the current person has tag `tag` valid at the reference date.
  virtual bool HasTag(const std::string& tag) = 0;

  // Attribute `attr` of the current person's tag `tag` valid at the reference date, typed with
  // ValueFromCanonical against the attribute's FieldDef; Null when untagged or unset.
  virtual Value TagAttr(const std::string& tag, const std::string& attr) = 0;

  // The 1-based number of the output row being produced (row_number()).
  virtual int64_t RowNumber() = 0;

  // The value of `call` for the current row of a summary grain: fold every row of call.over
  // below the current row through an AggregateAccumulator (or answer from a precomputed cache
  // keyed by call.id). Errors (e.g. a store failure) abort the table.
  virtual Result<Value> Aggregate(const AggregateCall& call, const Evaluator& eval) = 0;
};

class Evaluator {
 public:
  // `catalog` must outlive the evaluator (label() reads its code tables); `as_of` is the
  // reference date of age().
  Evaluator(const Catalog& catalog, const Date& as_of)
      : catalog_(catalog),
        as_of_(as_of),
        has_death_date_(catalog.Find(EntityKind::kPerson, keys::kDeathDate) != nullptr),
        ending_codes_(AliveEndingCodes(catalog)) {}

  const Date& as_of() const { return as_of_; }

  // Evaluates a checked expression over `ctx`.
  Result<Value> Eval(const Expr& e, RowContext& ctx) const;

  // Evaluates a checked condition: true only when the value is boolean true (null is false).
  Result<bool> Matches(const Expr& condition, RowContext& ctx) const;

 private:
  Result<Value> EvalCompare(const Expr& e, RowContext& ctx) const;
  Result<Value> EvalLogic(const Expr& e, RowContext& ctx) const;
  Result<Value> EvalInBetween(const Expr& e, RowContext& ctx) const;
  Result<Value> EvalCase(const Expr& e, RowContext& ctx) const;
  Result<Value> EvalCall(const Expr& e, RowContext& ctx) const;
  Value EvalField(const Expr& e, RowContext& ctx) const;
  Value EvalAlive(const Expr& e, RowContext& ctx) const;
  Value AgeOf(const Value& birth) const;

  const Catalog& catalog_;
  Date as_of_;
  bool has_death_date_;  // looked up once: `alive` runs for every row
  std::vector<std::string> ending_codes_;  // 居住状态 codes that end `alive` (alive_rule.h)
};

// Folds rows for one aggregate call: count of rows where the filter holds, or sum of the value
// over them (nulls skipped), or the list of their non-empty values joined with "、", or the first
// non-null value. An empty count or sum gives 0, which is what a statistics table shows; an empty
// list gives "" and an empty first null.
class AggregateAccumulator {
 public:
  explicit AggregateAccumulator(const AggregateCall& call) : call_(call) {}

  // Adds one row of call.over; `row` answers field paths relative to that row.
  Status Add(const Evaluator& eval, RowContext& row);
  // Integer for count and integer sums; decimal when the summed expression is a decimal; a string
  // for list; the value's own type for first.
  Value Finish() const;

 private:
  const AggregateCall& call_;
  int64_t count_ = 0;
  int64_t int_sum_ = 0;
  double decimal_sum_ = 0;
  std::string list_;
  Value first_;
  bool has_first_ = false;
};

// Compares two non-null values of comparable kinds (numbers, strings, dates, booleans; a string
// against a date is parsed as a date). Returns <0, 0, >0, or false when they do not compare.
bool CompareValues(const Value& a, const Value& b, int* result);

}  // namespace onetable::expr

#endif  // ONETABLE_EXPR_EVAL_H_
