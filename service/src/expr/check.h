// The type checker of the expression language: holds a parsed tree against the catalog
// before anything runs.
//
// Checking resolves every field path relative to the grain (FieldPath), or every name to a
// column of a source record (SourceColumns), records the catalog definition and the inferred
// type in each node, turns string literals compared with dates into date literals, checks string
// literals compared with code fields against the code table, and numbers aggregates. Only a tree
// that checked OK may be evaluated or pushed down.
//
// Typing rules, in short: numbers compare with numbers, a source column (来源列文本) with numbers
// and text, dates with dates (or a date literal such as "1950-01-01"), strings with strings and
// codes; codes of two different tables do not compare; `x == null` / `x != null` test for a
// missing value, other operators refuse null; and/or/not take booleans; + - * / take numbers
// (/ always gives a decimal); case and coalesce need branches of one type (integers and decimals
// mix, codes and strings mix as strings).
//
// Thread-safety: CheckExpr mutates only the tree it is given; the catalog is read-only.
#ifndef ONETABLE_EXPR_CHECK_H_
#define ONETABLE_EXPR_CHECK_H_

#include <string>
#include <vector>

#include "expr/ast.h"
#include "model/catalog.h"
#include "model/text.h"  // EditDistance, Closest: "did you mean" suggestions
#include "onetable/status.h"

namespace onetable::expr {

// Where an expression sits in a mapping; some functions make sense only in some places
// (row_number() only in a column).
enum class ExprRole { kWhere, kColumn, kOrderBy, kSubtotal };

// The columns of a source record, for an expression over one (a connector's tag rule) rather
// than over register rows. A name is a column (a Chinese name as it is, `any text` in
// backquotes); its value is text (TypeKind::kText), null when the cell is blank or the record
// lacks the column. Catalog fields, tags, aggregates and row_number() do not exist there.
struct SourceColumns {
  std::vector<std::string> known;  // columns the source is known to have (may be empty)
  bool complete = false;           // true: `known` is every column, any other name is an error
  // Filled by the checker: the columns the expression reads, in order of first use. A checked
  // field node's path.slot indexes this list.
  std::vector<std::string> read;
};

struct CheckEnv {
  const Catalog& catalog;  // must outlive the checked tree (nodes point at its FieldDefs)
  EntityKind grain = EntityKind::kPerson;
  ExprRole role = ExprRole::kColumn;
  // Numbers aggregates across all expressions of one mapping; null: numbering starts at 0.
  int* aggregate_counter = nullptr;
  // Non-null: names are the columns of a source record, not catalog fields (see SourceColumns).
  SourceColumns* source = nullptr;
};

// Checks `expr` in place and returns its type. On failure returns kInvalidArgument whose message
// holds one "file:line:col: message" line (Chinese) per problem found, all of them.
Result<ExprType> CheckExpr(Expr* expr, const CheckEnv& env, const ExprLocator& loc);

// CheckExpr, then requires a boolean (or null) result, for where clauses.
Status CheckCondition(Expr* expr, const CheckEnv& env, const ExprLocator& loc);

}  // namespace onetable::expr

#endif  // ONETABLE_EXPR_CHECK_H_
