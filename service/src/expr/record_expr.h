// RecordExpr: an expression over one source record — a connector's tag rule `when:` today, a
// field transform later — parsed and checked once, then evaluated per record.
//
// The record is "column name -> text". A name in the expression is a column (救助类型, or
// `status name` in backquotes); its value is the cell's text with blanks trimmed, or null when
// the cell is blank or the record lacks the column. So:
//   救助类型 in ("城市低保", "农村低保") and 保障金额 > 0
//   备注 != null                 (the column has a value; == null: it is blank)
//   人数 > 户人数                (as numbers, since both read as numbers; otherwise as text)
// Comparisons with null are null (unknown) and a condition holds only when true, as everywhere
// in the language (eval.h).
//
// Cheap per record: the checker numbers the columns the expression reads (columns()), so a
// caller resolves them to its own record layout once and passes their values by position.
//
// Thread-safety: immutable once parsed; copies share the tree. Evaluate from any thread.
#ifndef ONETABLE_EXPR_RECORD_EXPR_H_
#define ONETABLE_EXPR_RECORD_EXPR_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expr/ast.h"
#include "expr/check.h"
#include "expr/eval.h"
#include "expr/value.h"
#include "model/catalog.h"
#include "onetable/status.h"

namespace onetable::expr {

// The value of a source cell: its text with ASCII blanks trimmed; null when absent or blank.
Value SourceValue(const std::optional<std::string>& cell);

class RecordExpr {
 public:
  // Looks up a column's raw text by name; nullopt when the record has no such column.
  using Lookup = std::function<std::optional<std::string>(const std::string& column)>;

  // Parses and checks `text` as a condition (a boolean) over a record with `columns`. On failure
  // returns kInvalidArgument with one "file:line:col: message" line (Chinese) per problem,
  // located through `loc`. `catalog` must outlive the result.
  static Result<RecordExpr> ParseCondition(std::string_view text, const ExprLocator& loc,
                                           const Catalog& catalog, SourceColumns columns);
  // The same for an expression of any type (a field transform such as concat(区, 门牌号)).
  static Result<RecordExpr> ParseValue(std::string_view text, const ExprLocator& loc,
                                       const Catalog& catalog, SourceColumns columns);

  const std::string& text() const { return text_; }
  // The columns the expression reads, in order of first use: the slots of Matches.
  const std::vector<std::string>& columns() const { return columns_; }

  // Whether the condition holds for a record whose column i of columns() has value slots[i]
  // (SourceValue of its cell). Precondition: slots.size() == columns().size().
  Result<bool> Matches(const std::vector<Value>& slots) const;
  // The same for a plain record looked up by column name.
  Result<bool> Matches(const Lookup& lookup) const;

  // The expression's value over a record, by slots or by name as for Matches.
  Result<Value> Eval(const std::vector<Value>& slots) const;
  Result<Value> Eval(const Lookup& lookup) const;

 private:
  static Result<RecordExpr> Parse(std::string_view text, const ExprLocator& loc,
                                  const Catalog& catalog, SourceColumns columns, bool condition);
  std::vector<Value> Slots(const Lookup& lookup) const;

  std::string text_;
  std::vector<std::string> columns_;
  std::shared_ptr<const Expr> expr_;  // shared so that specs copy cheaply; never mutated
  std::shared_ptr<const Evaluator> eval_;
};

}  // namespace onetable::expr

#endif  // ONETABLE_EXPR_RECORD_EXPR_H_
