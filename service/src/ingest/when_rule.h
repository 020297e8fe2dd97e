// WhenRule: the tiny condition language of a connector's tag rules, e.g.
//   救助类型 in ("城市低保", "农村低保") and 保障金额 > 0
//
// Grammar (keywords are lower-case):
//   rule    := or
//   or      := and ("or" and)*
//   and     := unary ("and" unary)*
//   unary   := "not" unary | "(" rule ")" | test
//   test    := operand [ cmp operand | ["not"] "in" "(" literal ("," literal)* ")"
//                       | "is" ["not"] "empty" ]
//   cmp     := "==" | "=" | "!=" | "<>" | "<" | "<=" | ">" | ">="
//   operand := column | literal;  literal := "text" | 'text' | number
//   column  := a bare word (Chinese allowed) or `any text` in backquotes
// A bare column alone is true when its value is not blank. Values are compared as numbers when
// both sides are numbers, else as text (trimmed). A column the record lacks reads as blank.
//
// Pure; a parsed rule is immutable and thread-safe to evaluate.
#ifndef ONETABLE_INGEST_WHEN_RULE_H_
#define ONETABLE_INGEST_WHEN_RULE_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onetable/status.h"

namespace onetable {

class WhenRule {
 public:
  // Looks up a source column's value; nullopt when the record has no such column.
  using Lookup = std::function<std::optional<std::string>(const std::string& column)>;

  // Parses `text`. On failure the message is Chinese and `*error_offset` (if given) is the byte
  // offset in `text` where the problem is.
  static Result<WhenRule> Parse(std::string_view text, size_t* error_offset = nullptr);

  bool Evaluate(const Lookup& lookup) const;
  // The source columns the rule reads, in order of first use.
  const std::vector<std::string>& columns() const { return columns_; }
  const std::string& text() const { return text_; }

  struct Node;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;  // shared so rules copy cheaply; never mutated
  std::vector<std::string> columns_;
};

}  // namespace onetable

#endif  // ONETABLE_INGEST_WHEN_RULE_H_
