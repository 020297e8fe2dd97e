#include "ingest/when_rule.h"

#include <cstdlib>

namespace onetable {

struct WhenRule::Node {
  enum Kind { kOr, kAnd, kNot, kCompare, kIn, kEmpty, kTruthy } kind = kTruthy;
  std::string op;        // for kCompare
  bool negated = false;  // "not in", "is not empty"
  std::shared_ptr<const Node> left, right;
  // Operands: a column name or a literal.
  bool left_is_column = false, right_is_column = false;
  std::string left_value, right_value;
  std::vector<std::string> list;  // for kIn
};

namespace {

enum class Tok { kEnd, kWord, kColumn, kString, kNumber, kOp, kLParen, kRParen, kComma };

struct Token {
  Tok type = Tok::kEnd;
  std::string text;
  size_t offset = 0;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsWordChar(char c) {
  if (IsSpace(c)) return false;
  switch (c) {
    case '(':
    case ')':
    case ',':
    case '=':
    case '!':
    case '<':
    case '>':
    case '"':
    case '\'':
    case '`':
      return false;
    default:
      return true;
  }
}

bool IsNumber(std::string_view s, double* out) {
  if (s.empty()) return false;
  std::string copy(s);
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return false;
  for (char c : copy) {
    if (!(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))) return false;
  }
  if (out) *out = v;
  return true;
}

std::string TrimBlank(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> Run(size_t* error_offset) {
    std::vector<Token> out;
    size_t i = 0;
    while (true) {
      while (i < text_.size() && IsSpace(text_[i])) ++i;
      Token t;
      t.offset = i;
      if (i >= text_.size()) {
        out.push_back(t);
        return out;
      }
      char c = text_[i];
      if (c == '(' || c == ')' || c == ',') {
        t.type = c == '(' ? Tok::kLParen : c == ')' ? Tok::kRParen : Tok::kComma;
        t.text = std::string(1, c);
        ++i;
      } else if (c == '"' || c == '\'' || c == '`') {
        size_t end = text_.find(c, i + 1);
        if (end == std::string_view::npos) {
          if (error_offset) *error_offset = i;
          return Status::Invalid(std::string(c == '`' ? "列名" : "字符串") + "缺少结尾的 " +
                                 std::string(1, c));
        }
        t.type = c == '`' ? Tok::kColumn : Tok::kString;
        t.text = std::string(text_.substr(i + 1, end - i - 1));
        i = end + 1;
      } else if (c == '=' || c == '!' || c == '<' || c == '>') {
        std::string op(1, c);
        if (i + 1 < text_.size() && (text_[i + 1] == '=' || (c == '<' && text_[i + 1] == '>'))) {
          op += text_[i + 1];
        }
        if (op == "!") {
          if (error_offset) *error_offset = i;
          return Status::Invalid("“!” 后应为 “=”（不等于写作 !=）");
        }
        t.type = Tok::kOp;
        t.text = op;
        i += op.size();
      } else {
        size_t end = i;
        while (end < text_.size() && IsWordChar(text_[end])) ++end;
        t.text = std::string(text_.substr(i, end - i));
        t.type = IsNumber(t.text, nullptr) ? Tok::kNumber : Tok::kWord;
        i = end;
      }
      out.push_back(std::move(t));
    }
  }

 private:
  std::string_view text_;
};

class Parser {
 public:
  Parser(std::vector<Token> tokens, std::vector<std::string>* columns)
      : tokens_(std::move(tokens)), columns_(columns) {}

  Result<std::shared_ptr<const WhenRule::Node>> ParseAll() {
    ASSIGN_OR_RETURN(auto node, ParseOr());
    if (Peek().type != Tok::kEnd) return Error("多余的内容 “" + Peek().text + "”");
    return node;
  }

  size_t error_offset() const { return error_offset_; }

 private:
  using NodePtr = std::shared_ptr<const WhenRule::Node>;

  const Token& Peek() const { return tokens_[pos_]; }
  Token Take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool IsKeyword(const Token& t, const char* word) const {
    return t.type == Tok::kWord && t.text == word;
  }
  Status Error(const std::string& message) {
    error_offset_ = Peek().offset;
    return Status::Invalid(message);
  }

  Result<NodePtr> ParseOr() {
    ASSIGN_OR_RETURN(NodePtr left, ParseAnd());
    while (IsKeyword(Peek(), "or")) {
      Take();
      ASSIGN_OR_RETURN(NodePtr right, ParseAnd());
      auto n = std::make_shared<WhenRule::Node>();
      n->kind = WhenRule::Node::kOr;
      n->left = left;
      n->right = right;
      left = n;
    }
    return left;
  }

  Result<NodePtr> ParseAnd() {
    ASSIGN_OR_RETURN(NodePtr left, ParseUnary());
    while (IsKeyword(Peek(), "and")) {
      Take();
      ASSIGN_OR_RETURN(NodePtr right, ParseUnary());
      auto n = std::make_shared<WhenRule::Node>();
      n->kind = WhenRule::Node::kAnd;
      n->left = left;
      n->right = right;
      left = n;
    }
    return left;
  }

  Result<NodePtr> ParseUnary() {
    if (IsKeyword(Peek(), "not")) {
      Take();
      ASSIGN_OR_RETURN(NodePtr inner, ParseUnary());
      auto n = std::make_shared<WhenRule::Node>();
      n->kind = WhenRule::Node::kNot;
      n->left = inner;
      return NodePtr(n);
    }
    if (Peek().type == Tok::kLParen) {
      Take();
      ASSIGN_OR_RETURN(NodePtr inner, ParseOr());
      if (Peek().type != Tok::kRParen) return Error("缺少右括号 “)”");
      Take();
      return inner;
    }
    return ParseTest();
  }

  // Reads an operand: a column (bare word or backquoted) or a literal.
  Status ParseOperand(bool* is_column, std::string* value) {
    const Token& t = Peek();
    if (t.type == Tok::kWord) {
      for (const char* kw : {"and", "or", "not", "in", "is", "empty"}) {
        if (t.text == kw) return Error("此处应为列名或值，而不是关键字 “" + t.text + "”");
      }
    }
    if (t.type == Tok::kWord || t.type == Tok::kColumn) {
      *is_column = true;
      *value = t.text;
      bool seen = false;
      for (const auto& c : *columns_) seen = seen || c == t.text;
      if (!seen) columns_->push_back(t.text);
    } else if (t.type == Tok::kString || t.type == Tok::kNumber) {
      *is_column = false;
      *value = t.text;
    } else if (t.type == Tok::kEnd) {
      return Error("条件不完整：此处应为列名或值");
    } else {
      return Error("此处应为列名或值，而不是 “" + t.text + "”");
    }
    Take();
    return Status::Ok();
  }

  Result<NodePtr> ParseTest() {
    auto n = std::make_shared<WhenRule::Node>();
    RETURN_IF_ERROR(ParseOperand(&n->left_is_column, &n->left_value));
    const Token& t = Peek();
    if (t.type == Tok::kOp) {
      n->kind = WhenRule::Node::kCompare;
      n->op = Take().text;
      if (n->op == "=") n->op = "==";
      if (n->op == "<>") n->op = "!=";
      RETURN_IF_ERROR(ParseOperand(&n->right_is_column, &n->right_value));
      return NodePtr(n);
    }
    if (IsKeyword(t, "not") || IsKeyword(t, "in")) {
      if (IsKeyword(t, "not")) {
        Take();
        if (!IsKeyword(Peek(), "in")) return Error("“not” 后应为 “in”");
        n->negated = true;
      }
      Take();
      n->kind = WhenRule::Node::kIn;
      if (Peek().type != Tok::kLParen)
        return Error("“in” 后应为括号中的取值列表，如 (\"a\", \"b\")");
      Take();
      while (true) {
        const Token& v = Peek();
        if (v.type != Tok::kString && v.type != Tok::kNumber) {
          return Error("取值列表中应为带引号的文字或数字");
        }
        n->list.push_back(Take().text);
        if (Peek().type == Tok::kComma) {
          Take();
          continue;
        }
        if (Peek().type == Tok::kRParen) {
          Take();
          break;
        }
        return Error("取值列表中应为 “,” 或 “)”");
      }
      return NodePtr(n);
    }
    if (IsKeyword(t, "is")) {
      Take();
      if (IsKeyword(Peek(), "not")) {
        Take();
        n->negated = true;
      }
      if (!IsKeyword(Peek(), "empty")) return Error("“is” 后应为 “empty” 或 “not empty”");
      Take();
      n->kind = WhenRule::Node::kEmpty;
      return NodePtr(n);
    }
    if ((t.type == Tok::kWord && !IsKeyword(t, "and") && !IsKeyword(t, "or")) ||
        t.type == Tok::kString || t.type == Tok::kNumber || t.type == Tok::kColumn) {
      return Error("“" + n->left_value + "” 后缺少比较符（==、!=、in …）或 and/or");
    }
    n->kind = WhenRule::Node::kTruthy;
    return NodePtr(n);
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  std::vector<std::string>* columns_;
  size_t error_offset_ = 0;
};

std::string OperandValue(bool is_column, const std::string& value, const WhenRule::Lookup& get) {
  if (!is_column) return value;
  return TrimBlank(get(value).value_or(""));
}

bool Compare(const std::string& op, const std::string& a, const std::string& b) {
  double x = 0, y = 0;
  int cmp;
  if (IsNumber(a, &x) && IsNumber(b, &y)) {
    cmp = x < y ? -1 : (x > y ? 1 : 0);
  } else {
    cmp = a.compare(b);
    cmp = cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
  }
  if (op == "==") return cmp == 0;
  if (op == "!=") return cmp != 0;
  if (op == "<") return cmp < 0;
  if (op == "<=") return cmp <= 0;
  if (op == ">") return cmp > 0;
  return cmp >= 0;  // ">="
}

bool Eval(const WhenRule::Node& n, const WhenRule::Lookup& get) {
  switch (n.kind) {
    case WhenRule::Node::kOr:
      return Eval(*n.left, get) || Eval(*n.right, get);
    case WhenRule::Node::kAnd:
      return Eval(*n.left, get) && Eval(*n.right, get);
    case WhenRule::Node::kNot:
      return !Eval(*n.left, get);
    case WhenRule::Node::kCompare:
      return Compare(n.op, OperandValue(n.left_is_column, n.left_value, get),
                     OperandValue(n.right_is_column, n.right_value, get));
    case WhenRule::Node::kIn: {
      std::string v = OperandValue(n.left_is_column, n.left_value, get);
      bool found = false;
      for (const auto& item : n.list) found = found || Compare("==", v, item);
      return found != n.negated;
    }
    case WhenRule::Node::kEmpty: {
      bool empty = OperandValue(n.left_is_column, n.left_value, get).empty();
      return empty != n.negated;
    }
    case WhenRule::Node::kTruthy:
      return !OperandValue(n.left_is_column, n.left_value, get).empty();
  }
  return false;
}

}  // namespace

Result<WhenRule> WhenRule::Parse(std::string_view text, size_t* error_offset) {
  size_t offset = 0;
  auto tokens = Lexer(text).Run(&offset);
  if (!tokens.ok()) {
    if (error_offset) *error_offset = offset;
    return tokens.status();
  }
  if (tokens->size() == 1) {
    if (error_offset) *error_offset = 0;
    return Status::Invalid("条件为空");
  }
  WhenRule rule;
  rule.text_ = std::string(text);
  Parser parser(std::move(*tokens), &rule.columns_);
  auto root = parser.ParseAll();
  if (!root.ok()) {
    if (error_offset) *error_offset = parser.error_offset();
    return root.status();
  }
  rule.root_ = *root;
  return rule;
}

bool WhenRule::Evaluate(const Lookup& lookup) const { return root_ && Eval(*root_, lookup); }

}  // namespace onetable
