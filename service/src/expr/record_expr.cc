#include "expr/record_expr.h"

#include "expr/parser.h"
#include "model/date.h"
#include "model/text.h"

namespace onetable::expr {

namespace {

// A source record seen through the evaluator's seam: fields by slot; nothing else exists there
// (the checker refuses tags, aggregates and row_number() over a record).
class RecordContext : public RowContext {
 public:
  explicit RecordContext(const std::vector<Value>& slots) : slots_(slots) {}

  Value Field(const FieldPath& path) override {
    if (path.slot < 0 || static_cast<size_t>(path.slot) >= slots_.size()) return Value::Null();
    return slots_[static_cast<size_t>(path.slot)];
  }
  bool HasTag(const std::string&) override { return false; }
  Value TagAttr(const std::string&, const std::string&) override { return Value::Null(); }
  int64_t RowNumber() override { return 0; }
  Result<Value> Aggregate(const AggregateCall&, const Evaluator&) override {
    return Status::Internal("来源记录上不能求汇总");
  }

 private:
  const std::vector<Value>& slots_;
};

}  // namespace

Value SourceValue(const std::optional<std::string>& cell) {
  if (!cell) return Value::Null();
  std::string_view text = TrimBlank(*cell);
  if (text.empty()) return Value::Null();
  return Value::String(std::string(text));
}

Result<RecordExpr> RecordExpr::ParseCondition(std::string_view text, const ExprLocator& loc,
                                              const Catalog& catalog, SourceColumns columns) {
  return Parse(text, loc, catalog, std::move(columns), true);
}

Result<RecordExpr> RecordExpr::ParseValue(std::string_view text, const ExprLocator& loc,
                                          const Catalog& catalog, SourceColumns columns) {
  return Parse(text, loc, catalog, std::move(columns), false);
}

Result<RecordExpr> RecordExpr::Parse(std::string_view text, const ExprLocator& loc,
                                     const Catalog& catalog, SourceColumns columns,
                                     bool condition) {
  ASSIGN_OR_RETURN(ExprPtr tree, ParseExpr(text, loc));
  columns.read.clear();
  CheckEnv env{catalog, EntityKind::kPerson, condition ? ExprRole::kWhere : ExprRole::kColumn,
               nullptr, &columns};
  if (condition) {
    RETURN_IF_ERROR(CheckCondition(tree.get(), env, loc));
  } else {
    RETURN_IF_ERROR(CheckExpr(tree.get(), env, loc).status());
  }
  RecordExpr out;
  out.text_ = std::string(text);
  out.columns_ = std::move(columns.read);
  out.expr_ = std::shared_ptr<const Expr>(std::move(tree));
  out.eval_ = std::make_shared<const Evaluator>(catalog, Date());
  return out;
}

Result<bool> RecordExpr::Matches(const std::vector<Value>& slots) const {
  RecordContext ctx(slots);
  return eval_->Matches(*expr_, ctx);
}

Result<Value> RecordExpr::Eval(const std::vector<Value>& slots) const {
  RecordContext ctx(slots);
  return eval_->Eval(*expr_, ctx);
}

std::vector<Value> RecordExpr::Slots(const Lookup& lookup) const {
  std::vector<Value> slots;
  slots.reserve(columns_.size());
  for (const std::string& column : columns_) slots.push_back(SourceValue(lookup(column)));
  return slots;
}

Result<bool> RecordExpr::Matches(const Lookup& lookup) const { return Matches(Slots(lookup)); }

Result<Value> RecordExpr::Eval(const Lookup& lookup) const { return Eval(Slots(lookup)); }

}  // namespace onetable::expr
