#include "mapping/fold_conditions.h"

#include <map>
#include <string>

namespace onetable::mapping {

namespace {

void Conjuncts(const Expr& e, std::vector<const Expr*>* out) {
  if (e.kind == ExprKind::kBinary && e.op == Op::kAnd) {
    for (const ExprPtr& c : e.children) Conjuncts(*c, out);
    return;
  }
  out->push_back(&e);
}

}  // namespace

FoldConditions::FoldConditions(const std::vector<const AggregateCall*>& calls) {
  std::vector<std::vector<const Expr*>> split(calls.size());
  std::map<std::string, int> uses;  // by the part's printed tree: how many calls have it
  std::vector<std::vector<std::string>> keys(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    if (calls[i]->where == nullptr) continue;
    Conjuncts(*calls[i]->where, &split[i]);
    std::map<std::string, bool> mine;
    for (const Expr* part : split[i]) {
      keys[i].push_back(ToDebugString(*part));
      if (!mine[keys[i].back()]) ++uses[keys[i].back()];
      mine[keys[i].back()] = true;
    }
  }
  std::map<std::string, int> index;
  parts_.resize(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    for (size_t j = 0; j < split[i].size(); ++j) {
      Part part{split[i][j], -1};
      if (uses[keys[i][j]] > 1) {
        auto [it, added] = index.emplace(keys[i][j], static_cast<int>(shared_.size()));
        if (added) shared_.push_back(split[i][j]);
        part.shared = it->second;
      }
      parts_[i].push_back(part);
    }
  }
  state_.assign(shared_.size(), -1);
}

void FoldConditions::NewRow() { state_.assign(shared_.size(), -1); }

Result<bool> FoldConditions::Takes(size_t i, const Evaluator& eval, RowContext& row) {
  for (const Part& part : parts_[i]) {
    bool holds;
    if (part.shared >= 0 && state_[static_cast<size_t>(part.shared)] >= 0) {
      holds = state_[static_cast<size_t>(part.shared)] == 1;
    } else {
      ASSIGN_OR_RETURN(holds, eval.Matches(*part.expr, row));
      if (part.shared >= 0) state_[static_cast<size_t>(part.shared)] = holds ? 1 : 0;
    }
    if (!holds) return false;
  }
  return true;
}

}  // namespace onetable::mapping
