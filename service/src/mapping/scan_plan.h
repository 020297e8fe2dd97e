// ScanPlan: how one run of a mapping reads the register. It turns a checked MappingSpec, a
// reference date and the scope into a Store::Scan request — the where clause split into
// predicates the store runs as SQL with bound parameters and a residual the Evaluator runs, the
// columns every expression reads, the tags, the order — and remembers where each value sits in a
// ScanRow so a RowContext can answer the Evaluator without searching.
//
// Paths: expressions name fields relative to their row (FieldPath); the store names them by the
// chain they sit in ("person.name", "grid.code", "head.name": see store.h). Within one scan every
// kind appears once in the chain, so the translation is unambiguous.
//
// Order: order_by keys must be fields (stored, or household.member_count) of the grain or above,
// or age (sorted as birth date, reversed); the store sorts by them. Anything else (an aggregate,
// a case expression) is refused at file:line:col, because sorting in C++ would need every row in
// memory. CheckOrderBy tells `onetable check` the same before any run.
//
// Aggregates at summary grains: when every aggregate the table evaluates is a count, or a sum of
// an integer field, whose condition runs in SQL as it runs here (pushdown.h
// TranslateAggregateCondition), the store computes them (ScanRequest::aggregates: one row per
// grain row, GROUP BY in SQL) and no row below the grain is read. Otherwise every aggregate is
// folded in C++ from the joined rows (table_generator.h): one plan never mixes the two.
//
// Thread-safety: immutable after Build; a plan may be read from several threads.
#ifndef ONETABLE_MAPPING_SCAN_PLAN_H_
#define ONETABLE_MAPPING_SCAN_PLAN_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "expr/ast.h"
#include "mapping/expr_names.h"
#include "mapping/mapping_spec.h"
#include "model/catalog.h"
#include "model/date.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable::mapping {

// The chain path of a field path: "<entity>.<key>", or "head.<key>" past the household head.
std::string ChainPath(const FieldPath& path);

class ScanPlan {
 public:
  // `spec` and `catalog` must outlive the plan. `scopes` restrict the rows (empty: all).
  // `aggregate_pushdown` false folds every aggregate in C++ (tests compare the two ways).
  static Result<ScanPlan> Build(const MappingSpec& spec, const Catalog& catalog, const Date& as_of,
                                std::vector<ScanScope> scopes, bool aggregate_pushdown = true);

  ScanPlan(ScanPlan&&) = default;
  ScanPlan& operator=(ScanPlan&&) = default;

  const ScanRequest& request() const { return request_; }
  ScanRequest& mutable_request() { return request_; }

  // What is left of the where clause after pushdown; null when nothing.
  const Expr* residual() const { return residual_.get(); }

  // Where the value of `path` sits in ScanRow::values, or -1 when the plan does not read it.
  int FieldIndex(const FieldPath& path) const;
  // The catalog definition of ScanRow::values[index] (null for id and status).
  const FieldDef* FieldAt(int index) const { return field_defs_[static_cast<size_t>(index)]; }
  // Where tag `tag` sits in ScanRow::tag_attrs, or -1.
  int TagIndex(const std::string& tag) const;

  // The aggregate calls by AggregateCall::id (null for ids no evaluated expression uses), and
  // the level (0 = grain) of the rows each folds, in ScanRow::ids.
  const std::vector<const AggregateCall*>& aggregates() const { return aggregates_; }
  int LevelOf(EntityKind kind) const {
    return static_cast<int>(kind) - static_cast<int>(request_.grain);
  }

  // Whether the store computes the aggregates (see above); then ScanRow::aggregates[i] is the
  // value of the aggregate with AggregateCall::id pushed_ids()[i].
  bool aggregates_pushed() const { return !request_.aggregates.empty(); }
  const std::vector<int>& pushed_ids() const { return pushed_ids_; }

 private:
  ScanPlan() = default;
  void Need(const FieldPath& path);
  void NeedAll(const Expr& e);
  void NeedOne(const Expr& e);
  // Fills request_.aggregates when every aggregate under `roots` can run in SQL.
  void PushAggregates(const std::vector<const Expr*>& roots, const Date& as_of);

  const Catalog* catalog_ = nullptr;
  ScanRequest request_;
  ExprPtr residual_;
  // Per chain entity (0..6 the tree kinds, 7 the head): field key → index in values.
  std::vector<std::unordered_map<std::string, int>> index_ =
      std::vector<std::unordered_map<std::string, int>>(8);
  std::vector<const FieldDef*> field_defs_;
  std::unordered_map<std::string, int> tag_index_;
  std::vector<const AggregateCall*> aggregates_;
  std::vector<int> pushed_ids_;
};

// Checks that every order_by key of `spec` can be sorted by the store; file:line:col messages.
Status CheckOrderBy(const MappingSpec& spec);

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_SCAN_PLAN_H_
