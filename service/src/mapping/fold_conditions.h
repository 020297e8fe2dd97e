// FoldConditions: the conditions of the aggregates folded over one level of a summary table's
// rows (count(person where alive and …), list(name where alive), …), split into their top-level
// `and` parts so that a part several aggregates share (`alive` in most of them) is evaluated
// once per row rather than once per aggregate.
//
// Exactness: a condition keeps a row when it is true; an `and` is true exactly when every part is
// true (three-valued logic, expr/eval.h), so "every part matches" keeps the same rows as the
// whole condition. Parts are pure functions of the row, so evaluating a shared one once gives
// each aggregate the value it would have computed. Two parts are the same when their checked
// trees print the same (ToDebugString) and they belong to aggregates over the same level.
//
// Thread-safety: one thread; the calls (and the trees they point into) must outlive this.
#ifndef ONETABLE_MAPPING_FOLD_CONDITIONS_H_
#define ONETABLE_MAPPING_FOLD_CONDITIONS_H_

#include <cstddef>
#include <vector>

#include "expr/eval.h"
#include "mapping/expr_names.h"
#include "onetable/status.h"

namespace onetable::mapping {

class FoldConditions {
 public:
  explicit FoldConditions(const std::vector<const AggregateCall*>& calls);

  // Forgets the shared parts' results: call before asking about another row.
  void NewRow();

  // Whether calls[i] takes the current row (its where is true; no where: always).
  Result<bool> Takes(size_t i, const Evaluator& eval, RowContext& row);

 private:
  struct Part {
    const Expr* expr = nullptr;
    int shared = -1;  // index into state_, or -1 when only this call has it
  };
  std::vector<std::vector<Part>> parts_;  // per call
  std::vector<const Expr*> shared_;
  std::vector<signed char> state_;  // per shared part: -1 unknown, 0 not true, 1 true
};

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_FOLD_CONDITIONS_H_
