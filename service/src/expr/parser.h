// The parser of the expression language (mapping columns and filters, connector tag rules):
// text → Expr tree with positions. Pure.
//
// Grammar, loosest binding first:
//   expr    := or
//   or      := and ("or" and)*
//   and     := not ("and" not)*
//   not     := "not" not | compare
//   compare := sum [ ("=="|"!="|"<"|"<="|">"|">=") sum
//                  | ["not"] "in" "(" expr ("," expr)* ")"
//                  | ["not"] "between" sum "and" sum ]          (bounds inclusive)
//   sum     := product (("+"|"-") product)*
//   product := unary (("*"|"/") unary)*
//   unary   := "-" unary | primary
//   primary := literal | "(" expr ")" | case | path | call
//   literal := STRING | INTEGER | DECIMAL | "true" | "false" | "null"
//   case    := "case" ("when" expr "then" expr)+ ["else" expr] "end"
//   path    := NAME ("." NAME)*              (a path of one segment "alive" is the alive test)
//   NAME    := IDENT | `any text`              (backquoted: never a keyword or a function)
//   call    := IDENT "(" [expr ("," expr)*] ")"
//            | "has_tag" "(" TAG ")" | "tag" "(" TAG ")" "." IDENT
//            | "count" "(" [IDENT] ["where" expr] ")"
//            | ("sum"|"list"|"first") "(" expr ["where" expr] ")"
// Nesting is capped at 200 levels, counting parentheses, not, unary minus and chains such as
// 1+1+…+1 alike: deeper is a syntax error, so no text can exhaust the stack.
// Keywords are case-insensitive. Comparisons do not chain (a < b < c is an error). The old tag
// rule forms "x is empty", "x = y" and "x <> y" are errors that say what to write instead.
#ifndef ONETABLE_EXPR_PARSER_H_
#define ONETABLE_EXPR_PARSER_H_

#include <string_view>

#include "expr/ast.h"
#include "onetable/status.h"

namespace onetable::expr {

// Parses one expression. On a syntax error returns kInvalidArgument whose message is
// "file:line:col: message" (Chinese) at the unexpected token, located through `loc`.
Result<ExprPtr> ParseExpr(std::string_view text, const ExprLocator& loc);

// An order_by item: an expression optionally followed by "asc" or "desc".
struct OrderItem {
  ExprPtr expr;
  bool descending = false;
};
Result<OrderItem> ParseOrderItem(std::string_view text, const ExprLocator& loc);

}  // namespace onetable::expr

#endif  // ONETABLE_EXPR_PARSER_H_
