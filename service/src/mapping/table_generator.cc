#include "mapping/table_generator.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "access/access.h"
#include "expr/eval.h"
#include "mapping/expr_names.h"
#include "mapping/fold_conditions.h"
#include "mapping/scan_plan.h"
#include "mapping/scan_row_context.h"
#include "mapping/table_scope.h"
#include "model/catalog_keys.h"

namespace onetable::mapping {

namespace {

// Passes rows on, with the minor_masked columns' cells replaced while the current row is a
// child's (TableRequest::minor_masked).
class MinorMaskSink : public TableSink {
 public:
  MinorMaskSink(TableSink* inner, const std::vector<bool>& masked)
      : inner_(inner), masked_(masked) {}
  void SetMinor(bool minor) { minor_ = minor; }
  Status Begin(const TableMeta& meta) override { return inner_->Begin(meta); }
  Status Row(const std::vector<std::string>& cells) override {
    if (!minor_) return inner_->Row(cells);
    std::vector<std::string> out = cells;
    for (size_t i = 0; i < out.size() && i < masked_.size(); ++i) {
      if (masked_[i] && !out[i].empty()) out[i] = kMaskedValue;
    }
    return inner_->Row(out);
  }
  Status TotalRow(const std::vector<std::string>& cells) override {
    return inner_->TotalRow(cells);
  }
  Status End() override { return inner_->End(); }

 private:
  TableSink* inner_;
  const std::vector<bool>& masked_;
  bool minor_ = false;
};

// Whether the person of `row` is under 14 on `as_of`: by the birth date, else by the one an ID
// number holds; a person of no known birth date counts as a child (the safe side).
bool IsMinorRow(const ScanRow& row, int birth_index, int id_index, const std::string& as_of) {
  const auto value = [&](int index) -> const std::optional<std::string>* {
    return index >= 0 ? &row.values[static_cast<size_t>(index)] : nullptr;
  };
  if (const std::optional<std::string>* birth = value(birth_index); birth && birth->has_value()) {
    return IsUnder14(**birth, as_of);
  }
  if (const std::optional<std::string>* id = value(id_index); id && id->has_value()) {
    // The birth date digits only (YYYYMMDD at 7–14; a 15-digit number's YYMMDD in the 1900s):
    // a stored number's check digit is not this question.
    const std::string& n = **id;
    std::string digits;
    if (n.size() == 18) digits = n.substr(6, 8);
    if (n.size() == 15) digits = "19" + n.substr(6, 6);
    if (digits.size() == 8 &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return IsUnder14(digits.substr(0, 4) + "-" + digits.substr(4, 2) + "-" + digits.substr(6, 2),
                       as_of);
    }
  }
  return true;
}

// Folds the rows below each grain row of a summary table as they stream past, and writes the
// grain row when its group ends. The parts of the aggregates' conditions several of them share
// are evaluated once per row (fold_conditions.h).
class GroupFolder {
 public:
  GroupFolder(const ScanPlan& plan, const Catalog& catalog, const Evaluator& eval, TableRows* rows,
              const std::function<void(int64_t)>& row_key)
      : plan_(plan),
        eval_(eval),
        rows_(rows),
        row_key_(row_key),
        fold_ctx_(plan, catalog),
        row_ctx_(plan, catalog) {
    const size_t levels = static_cast<size_t>(plan.LevelOf(plan.request().leaf)) + 1;
    by_level_.resize(levels);
    for (const AggregateCall* call : plan.aggregates()) {
      if (call != nullptr) by_level_[static_cast<size_t>(plan.LevelOf(call->over))].push_back(call);
      // The accumulators fold every row they are given: conditions_ decides which.
      stripped_.push_back(call != nullptr ? *call : AggregateCall{});
      stripped_.back().where = nullptr;
    }
    for (const std::vector<const AggregateCall*>& calls : by_level_)
      conditions_.emplace_back(calls);
  }

  Status Visit(const ScanRow& row) {
    if (!open_ || row.ids[0] != first_.ids[0]) {
      if (open_) RETURN_IF_ERROR(Close());
      Open(row);
    }
    fold_ctx_.SetRow(&row);
    for (size_t level = 1; level < by_level_.size(); ++level) {
      const int64_t id = row.ids[level];
      if (id == 0 || id == last_fed_[level]) continue;
      last_fed_[level] = id;
      const std::vector<const AggregateCall*>& calls = by_level_[level];
      conditions_[level].NewRow();
      for (size_t i = 0; i < calls.size(); ++i) {
        ASSIGN_OR_RETURN(bool takes, conditions_[level].Takes(i, eval_, fold_ctx_));
        if (!takes) continue;
        RETURN_IF_ERROR(accumulators_[static_cast<size_t>(calls[i]->id)].Add(eval_, fold_ctx_));
      }
    }
    return Status::Ok();
  }

  // Writes the last group, if any.
  Status Finish() { return open_ ? Close() : Status::Ok(); }

 private:
  void Open(const ScanRow& row) {
    open_ = true;
    first_ = row;
    last_fed_.assign(by_level_.size(), 0);
    accumulators_.clear();
    // Unused ids get a count accumulator that is never fed.
    for (const AggregateCall& call : stripped_) accumulators_.emplace_back(call);
  }

  Status Close() {
    open_ = false;
    values_.clear();
    for (const AggregateAccumulator& acc : accumulators_) values_.push_back(acc.Finish());
    row_ctx_.SetRow(&first_);
    row_ctx_.SetAggregates(&values_);
    if (plan_.residual() != nullptr) {
      ASSIGN_OR_RETURN(bool keep, eval_.Matches(*plan_.residual(), row_ctx_));
      if (!keep) return Status::Ok();
    }
    if (row_key_) row_key_(first_.ids[0]);
    return rows_->Add(eval_, row_ctx_);
  }

  const ScanPlan& plan_;
  const Evaluator& eval_;
  TableRows* rows_;
  const std::function<void(int64_t)>& row_key_;
  ScanRowContext fold_ctx_;  // answers for the row being folded
  ScanRowContext row_ctx_;   // answers for the grain row being written
  std::vector<std::vector<const AggregateCall*>> by_level_;  // level 0 (the grain) unused
  std::vector<FoldConditions> conditions_;                   // per level: by_level_'s wheres
  std::vector<AggregateCall> stripped_;  // by id: each call without its where (fixed size)
  bool open_ = false;
  ScanRow first_;  // the group's first joined row: holds the grain row's own values
  std::vector<int64_t> last_fed_;
  std::vector<AggregateAccumulator> accumulators_;
  std::vector<Value> values_;
};

}  // namespace

TableMeta MetaOf(const MappingSpec& spec, const std::string& scope_name, const Date& as_of) {
  TableMeta meta;
  meta.title = spec.title;
  meta.scope = scope_name;
  meta.as_of = as_of.ToString();
  meta.headers = spec.Headers();
  for (const ColumnSpec& c : spec.columns) {
    meta.widths.push_back(c.width);
    meta.numeric.push_back(c.type.is_numeric());
  }
  return meta;
}

Result<TableResult> TableGenerator::Generate(const MappingSpec& spec, const TableRequest& request,
                                             TableSink* sink) {
  TableResult result;
  ASSIGN_OR_RETURN(result.as_of, ResolveAsOf(spec, request.as_of, request.today));
  ASSIGN_OR_RETURN(ResolvedScope scope,
                   ResolveScope(store_, request.scope, request.allowed_scopes, spec.grain));
  result.scope_name = scope.name;
  ASSIGN_OR_RETURN(ScanPlan plan,
                   ScanPlan::Build(spec, catalog_, result.as_of, std::move(scope.scopes),
                                   request.aggregate_pushdown));
  plan.mutable_request().page_size = request.page_size;
  if (!request.only_ids.empty()) {
    if (spec.grain != EntityKind::kPerson) {
      return Status::Internal("only_ids is for person-grain tables");
    }
    ScanPredicate only{std::string(EntityName(spec.grain)) + ".id", "in", {}};
    only.values.reserve(request.only_ids.size());
    for (int64_t id : request.only_ids) only.values.push_back(std::to_string(id));
    plan.mutable_request().predicates.push_back(std::move(only));
  }
  // A past reference date reads the register as it stood at the end of that day (see
  // ScanRequest::history_at); today or later reads it as it is, with nothing extra to do.
  if (result.as_of < request.today) {
    plan.mutable_request().history_at = result.as_of.ToString() + " 23:59:59";
  }

  const Evaluator eval(catalog_, result.as_of);
  MinorMaskSink minor_sink(sink, request.minor_masked);
  const bool mask_minors = spec.grain == EntityKind::kPerson &&
                           std::find(request.minor_masked.begin(), request.minor_masked.end(),
                                     true) != request.minor_masked.end();
  const int birth_index =
      mask_minors ? plan.FieldIndex(FieldPath{{}, keys::kBirthDate, EntityKind::kPerson}) : -1;
  const int id_index =
      mask_minors ? plan.FieldIndex(FieldPath{{}, keys::kIdNumber, EntityKind::kPerson}) : -1;
  const std::string as_of_text = result.as_of.ToString();
  TableRows rows(spec, mask_minors ? &minor_sink : sink, request.max_rows);
  RETURN_IF_ERROR(sink->Begin(MetaOf(spec, result.scope_name, result.as_of)));

  Status st;
  if (spec.grain == EntityKind::kPerson) {
    ScanRowContext ctx(plan, catalog_);
    st = store_->Scan(plan.request(), [&](const ScanRow& row) -> Status {
      ctx.SetRow(&row);
      if (plan.residual() != nullptr) {
        ASSIGN_OR_RETURN(bool keep, eval.Matches(*plan.residual(), ctx));
        if (!keep) return Status::Ok();
      }
      if (request.row_key) request.row_key(row.ids[0]);
      if (mask_minors) minor_sink.SetMinor(IsMinorRow(row, birth_index, id_index, as_of_text));
      return rows.Add(eval, ctx);
    });
  } else if (plan.aggregates_pushed()) {
    // One row per grain row, its aggregates computed by the store.
    ScanRowContext ctx(plan, catalog_);
    std::vector<Value> values(static_cast<size_t>(std::max(0, spec.aggregate_count)));
    st = store_->Scan(plan.request(), [&](const ScanRow& row) -> Status {
      for (size_t i = 0; i < row.aggregates.size(); ++i) {
        values[static_cast<size_t>(plan.pushed_ids()[i])] = Value::Int(row.aggregates[i]);
      }
      ctx.SetRow(&row);
      ctx.SetAggregates(&values);
      if (plan.residual() != nullptr) {
        ASSIGN_OR_RETURN(bool keep, eval.Matches(*plan.residual(), ctx));
        if (!keep) return Status::Ok();
      }
      if (request.row_key) request.row_key(row.ids[0]);
      return rows.Add(eval, ctx);
    });
  } else {
    GroupFolder folder(plan, catalog_, eval, &rows, request.row_key);
    st = store_->Scan(plan.request(), [&](const ScanRow& row) { return folder.Visit(row); });
    if (st.ok()) st = folder.Finish();
  }
  if (!st.ok() && !TableRows::IsStop(st)) return st;
  RETURN_IF_ERROR(rows.Finish());
  RETURN_IF_ERROR(sink->End());
  result.counts = rows.counts();
  return result;
}

}  // namespace onetable::mapping
