// The text functions of the expression language that reshape a source value before it reaches
// the catalog — the connector transforms of `fields: {x: {value: "..."}}` — usable in mappings
// too: substr, trim, split_part, regex_extract and parse_date. Pure; thread-safe.
//
// Positions and lengths count characters (code points), not bytes, so substr('张三丰', 2, 1) is
// '三'. Each function returns nullopt (the caller's null) when there is nothing to return, and
// parse_date says why a text does not fit its format.
#ifndef ONETABLE_EXPR_TRANSFORM_FUNCTIONS_H_
#define ONETABLE_EXPR_TRANSFORM_FUNCTIONS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/date.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace onetable::expr {

// Characters start..start+length-1 of `text` (1-based, like SQL SUBSTR); length < 0: to the end.
// A start before 1 counts from 1; past the end gives "".
std::string Substr(std::string_view text, int64_t start, int64_t length);

// `text` without blanks (ASCII and full-width spaces, tabs, line breaks) at either end.
std::string TrimText(std::string_view text);

// The n-th (1-based) piece of `text` split on `separator` (a non-empty string); nullopt when
// there are fewer pieces (split_part('A-B', '-', 3)).
std::optional<std::string> SplitPart(std::string_view text, std::string_view separator, int64_t n);

// Patterns run with RE2 (linear time in the input, bounded memory: no backtracking), so a
// hostile cell cannot hang an import however the pattern is written — `(a+)+$` over a long run
// of "a" included. Cells longer than kMaxRegexInput are cut there; patterns longer than
// kMaxRegexPattern are refused by the checker.
inline constexpr size_t kMaxRegexInput = 4096;
inline constexpr size_t kMaxRegexPattern = 512;

// Group `group` (0: the whole match) of the first match of `pattern` in `text`; nullopt when
// nothing matches or the group did not take part.
std::optional<std::string> RegexExtract(std::string_view text, const re2::RE2& pattern,
                                        int64_t group);

// Compiles a pattern given in a mapping or connector file (RE2 syntax: that of Perl and
// ECMAScript without backreferences and lookaround; UTF-8, so "." is one character). nullptr
// with a Chinese `*error` when it does not compile or is too long; the pattern's number of
// capture groups is the result's NumberOfCapturingGroups().
std::shared_ptr<const re2::RE2> CompilePattern(const std::string& pattern, std::string* error);

// Checks a parse_date format: tokens yyyy (4-digit year), yy (2-digit year: 00–29 → 20xx, else
// 19xx), MM / M (month, 2 digits / 1–2 digits), dd / d (day); any other character must appear
// as written. A format without a day reads the 1st, without a month January. False with a
// Chinese `*error` when the format has no year or repeats a token.
bool CheckDateFormat(std::string_view format, std::string* error);

// Reads `text` (blanks around it ignored) by `format` (CheckDateFormat passed). nullopt with a
// Chinese `*error` when the text does not fit the format or is not a calendar date.
std::optional<Date> ParseDateFormat(std::string_view text, std::string_view format,
                                    std::string* error);

}  // namespace onetable::expr

#endif  // ONETABLE_EXPR_TRANSFORM_FUNCTIONS_H_
