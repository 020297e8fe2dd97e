// The tokenizer of the expression language. Pure function over a string.
//
// Tokens: identifiers (ASCII letters, digits, '_', and any non-ASCII character, so that a
// Chinese name — a source column such as 救助类型, or a label typed by mistake that the checker
// answers with "did you mean" — is one identifier), names in backquotes (`status name`,
// `2023年补贴`: any text but a backquote, never a keyword), strings in '…' or "…" (a doubled
// quote or a backslash escapes the quote; \\ is a backslash), integers and decimals,
// ( ) , . + - * / == != < <= > >=. Keywords are identifiers; the parser recognises them
// case-insensitively. Pure; thread-safe.
#ifndef ONETABLE_EXPR_LEXER_H_
#define ONETABLE_EXPR_LEXER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace onetable::expr {

enum class TokenKind {
  kEnd,
  kIdent,
  kString,
  kInteger,
  kDecimal,
  kLParen,
  kRParen,
  kComma,
  kDot,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;     // as written; for kString and a backquoted kIdent the contents
  size_t pos = 0;       // byte offset of the token's first character
  bool quoted = false;  // kIdent written in backquotes: a name, never a keyword or function
};

struct ExprError {
  size_t pos = 0;  // byte offset in the expression text
  std::string message;
};

// Tokenizes `text`; the last token is kEnd at text.size(). Returns false and fills `error` on
// an unterminated string or a character the language does not use.
bool Lex(std::string_view text, std::vector<Token>* tokens, ExprError* error);

// How a token is named in messages: “(”, “age”, or 表达式结尾 for kEnd.
std::string DescribeToken(const Token& t);

}  // namespace onetable::expr

#endif  // ONETABLE_EXPR_LEXER_H_
