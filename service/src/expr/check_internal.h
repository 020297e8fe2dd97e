// Internal to the checker (expr_check.cc, expr_check_calls.cc): the Checker walker. Not for use
// outside service/src/mapping/expr_check*.cc.
#ifndef ONETABLE_EXPR_CHECK_INTERNAL_H_
#define ONETABLE_EXPR_CHECK_INTERNAL_H_

#include <optional>
#include <string>
#include <vector>

#include "expr/check.h"

namespace onetable::expr::internal {

// Where a node is checked: the row kind field paths start from (the mapping's grain, or the
// entity an aggregate folds over) and whether we are inside an aggregate.
struct Scope {
  EntityKind grain;
  ExprRole role;
  bool in_aggregate;
};

// “word”
std::string Quote(const std::string& s);

// What to write instead when a value of type `t` stands where a condition must: for a source
// column, "（判断该列有值请写 X != null）"; otherwise "".
std::string ConditionHint(const Expr* e, const ExprType& t);

class Checker {
 public:
  Checker(const Catalog& catalog, const ExprLocator& loc, int* aggregate_counter,
          SourceColumns* source)
      : catalog_(catalog), loc_(loc), aggregate_counter_(aggregate_counter), source_(source) {}

  // The node's type, or nullopt after reporting at least one problem.
  std::optional<ExprType> Check(Expr* e, const Scope& s);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::optional<ExprType> CheckNode(Expr* e, const Scope& s);
  static ExprType LiteralType(const Value& v);
  std::optional<ExprType> CheckUnary(Expr* e, const Scope& s);
  std::optional<ExprType> CheckBinary(Expr* e, const Scope& s);
  std::optional<ExprType> CheckInBetween(Expr* e, const Scope& s);
  std::optional<ExprType> CheckCase(Expr* e, const Scope& s);
  std::optional<ExprType> CheckTag(Expr* e, const Scope& s);
  // expr_check_calls.cc
  std::optional<ExprType> CheckField(Expr* e, const Scope& s);
  std::optional<ExprType> CheckSourceColumn(Expr* e);
  // Reports `what` (has_tag(), count() …) used over a source record; false when it was.
  bool RefuseInSource(const Expr* e, const std::string& what);
  std::optional<ExprType> CheckCall(Expr* e, const Scope& s);
  std::optional<ExprType> CheckAggregate(Expr* e, const Scope& s);
  // substr, trim, split_part, regex_extract, parse_date: after the arguments checked as `types`.
  std::optional<ExprType> CheckTransform(Expr* e, std::vector<ExprType>& types);
  void ReportUnknownField(const Expr* e, size_t seg, EntityKind entity);

  bool CheckComparable(Op op, Expr* a, ExprType ta, Expr* b, ExprType tb);
  // Turns a string literal into a date, or checks it against a code table, when compared with
  // a value of type `target`. Other nodes pass unchanged.
  bool CoerceLiteral(Expr* lit, const ExprType& target);
  bool CheckCode(const std::string& table_id, const Expr* lit);
  std::optional<ExprType> Unify(const ExprType& a, const ExprType& b, size_t pos,
                                const std::string& what);
  void Error(size_t pos, const std::string& message);

  const Catalog& catalog_;
  const ExprLocator& loc_;
  int* aggregate_counter_;
  SourceColumns* source_;  // null: over register rows
  std::vector<std::string> problems_;
};

}  // namespace onetable::expr::internal

#endif  // ONETABLE_EXPR_CHECK_INTERNAL_H_
