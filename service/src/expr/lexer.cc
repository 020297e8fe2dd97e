#include "expr/lexer.h"

#include "onetable/utf8.h"

namespace onetable::expr {

namespace {

bool IsIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The UTF-8 sequence starting at `i`, for quoting an unexpected character whole.
std::string CharAt(std::string_view text, size_t i) {
  return std::string(text.substr(i, utf8::DecodeAt(text, i).length));
}

bool LexString(std::string_view text, size_t* i, Token* tok, ExprError* error) {
  const char quote = text[*i];
  size_t start = *i;
  size_t p = *i + 1;
  std::string out;
  while (p < text.size()) {
    char c = text[p];
    if (c == quote) {
      if (p + 1 < text.size() && text[p + 1] == quote) {  // '' inside '…'
        out += quote;
        p += 2;
        continue;
      }
      *i = p + 1;
      tok->kind = TokenKind::kString;
      tok->text = std::move(out);
      tok->pos = start;
      return true;
    }
    if (c == '\\' && p + 1 < text.size() &&
        (text[p + 1] == quote || text[p + 1] == '\\' || text[p + 1] == '\'' ||
         text[p + 1] == '"')) {
      out += text[p + 1];
      p += 2;
      continue;
    }
    out += c;
    ++p;
  }
  *error = {start, "字符串缺少结束引号"};
  return false;
}

}  // namespace

bool Lex(std::string_view text, std::vector<Token>* tokens, ExprError* error) {
  tokens->clear();
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Token tok;
    tok.pos = i;
    if (c == '\'' || c == '"') {
      if (!LexString(text, &i, &tok, error)) return false;
      tokens->push_back(std::move(tok));
      continue;
    }
    if (c == '`') {
      size_t close = text.find('`', i + 1);
      if (close == std::string_view::npos) {
        *error = {i, "名称缺少结束的反引号 `"};
        return false;
      }
      if (close == i + 1) {
        *error = {i, "反引号中的名称为空"};
        return false;
      }
      tok.kind = TokenKind::kIdent;
      tok.text = std::string(text.substr(i + 1, close - i - 1));
      tok.quoted = true;
      i = close + 1;
      tokens->push_back(std::move(tok));
      continue;
    }
    if (IsDigit(static_cast<char>(c))) {
      size_t p = i;
      while (p < text.size() && IsDigit(text[p])) ++p;
      tok.kind = TokenKind::kInteger;
      if (p + 1 < text.size() && text[p] == '.' && IsDigit(text[p + 1])) {
        ++p;
        while (p < text.size() && IsDigit(text[p])) ++p;
        tok.kind = TokenKind::kDecimal;
      }
      if (p < text.size() && IsIdentStart(static_cast<unsigned char>(text[p]))) {
        *error = {i, "数字后面紧跟着字母：“" + std::string(text.substr(i, p - i)) +
                         CharAt(text, p) + "”（以数字开头的名称请用反引号括起，如 `2023年补贴`）"};
        return false;
      }
      tok.text = std::string(text.substr(i, p - i));
      i = p;
      tokens->push_back(std::move(tok));
      continue;
    }
    if (IsIdentStart(c)) {
      size_t p = i;
      while (p < text.size() && IsIdentChar(static_cast<unsigned char>(text[p]))) ++p;
      tok.kind = TokenKind::kIdent;
      tok.text = std::string(text.substr(i, p - i));
      i = p;
      tokens->push_back(std::move(tok));
      continue;
    }
    auto next_is = [&](char n) { return i + 1 < text.size() && text[i + 1] == n; };
    size_t len = 1;
    switch (c) {
      case '(':
        tok.kind = TokenKind::kLParen;
        break;
      case ')':
        tok.kind = TokenKind::kRParen;
        break;
      case ',':
        tok.kind = TokenKind::kComma;
        break;
      case '.':
        tok.kind = TokenKind::kDot;
        break;
      case '+':
        tok.kind = TokenKind::kPlus;
        break;
      case '-':
        tok.kind = TokenKind::kMinus;
        break;
      case '*':
        tok.kind = TokenKind::kStar;
        break;
      case '/':
        tok.kind = TokenKind::kSlash;
        break;
      case '=':
        if (!next_is('=')) {
          *error = {i, "请用 == 表示相等"};
          return false;
        }
        tok.kind = TokenKind::kEq;
        len = 2;
        break;
      case '!':
        if (!next_is('=')) {
          *error = {i, "请用 not 表示否定"};
          return false;
        }
        tok.kind = TokenKind::kNe;
        len = 2;
        break;
      case '<':
        if (next_is('>')) {
          *error = {i, "请用 != 表示不等"};
          return false;
        }
        tok.kind = next_is('=') ? TokenKind::kLe : TokenKind::kLt;
        len = next_is('=') ? 2 : 1;
        break;
      case '>':
        tok.kind = next_is('=') ? TokenKind::kGe : TokenKind::kGt;
        len = next_is('=') ? 2 : 1;
        break;
      default:
        *error = {i, "无法识别的字符 “" + CharAt(text, i) + "”"};
        return false;
    }
    tok.text = std::string(text.substr(i, len));
    i += len;
    tokens->push_back(std::move(tok));
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.pos = text.size();
  tokens->push_back(end);
  return true;
}

std::string DescribeToken(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd:
      return "表达式结尾";
    case TokenKind::kString:
      return "字符串 “" + t.text + "”";
    case TokenKind::kIdent:
      return t.quoted ? "“`" + t.text + "`”" : "“" + t.text + "”";
    default:
      return "“" + t.text + "”";
  }
}

}  // namespace onetable::expr
