#include "expr/parser.h"

#include <cerrno>
#include <cstdlib>
#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "expr/lexer.h"
#include "onetable/text.h"

namespace onetable::expr {

namespace {

// How deep an expression may nest, counted both as the parser's recursion (parentheses, not,
// unary minus) and as the height of the tree (a chain such as 1+1+…+1 is a tree as tall as it is
// long). The parser, the checker, the evaluator and the tree's destructor all recurse, so without
// a cap one long line ("((((…", "- - - … 1") exhausts the stack and kills the process — from a
// mapping posted to the API, too. Real expressions stay far below it.
constexpr int kMaxDepth = 200;

bool IsReserved(const std::string& lower) {
  static const char* const kWords[] = {"and",  "or",   "not", "in",   "between", "case", "when",
                                       "then", "else", "end", "true", "false",   "null", "where"};
  for (const char* w : kWords) {
    if (lower == w) return true;
  }
  return false;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {}

  ExprPtr ParseAll(bool allow_order_suffix, bool* descending) {
    ExprPtr e = ParseOr();
    if (e == nullptr) return nullptr;
    if (allow_order_suffix && (IsKeyword("asc") || IsKeyword("desc"))) {
      *descending = IsKeyword("desc");
      Advance();
    }
    if (Peek().kind != TokenKind::kEnd) return Fail("意外的 " + DescribeToken(Peek()));
    return e;
  }

  const ExprError& error() const { return error_; }

 private:
  const Token& Peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, toks_.size() - 1);
    return toks_[i];
  }
  const Token& Advance() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool IsKeyword(const char* word, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kIdent && !t.quoted && AsciiLower(t.text) == word;
  }
  ExprPtr Fail(std::string message) { return FailAt(Peek().pos, std::move(message)); }
  ExprPtr FailAt(size_t pos, std::string message) {
    if (!failed_) error_ = {pos, std::move(message)};
    failed_ = true;
    return nullptr;
  }
  ExprPtr Expected(const std::string& what) {
    return Fail("此处应为" + what + "，实际是" + DescribeToken(Peek()));
  }
  bool Expect(TokenKind kind, const std::string& what) {
    if (Peek().kind == kind) {
      Advance();
      return true;
    }
    Expected(what);
    return false;
  }
  bool ExpectKeyword(const char* word) {
    if (IsKeyword(word)) {
      Advance();
      return true;
    }
    Expected(std::string("“") + word + "”");
    return false;
  }
  static bool IsCompareOp(TokenKind k) {
    return k == TokenKind::kEq || k == TokenKind::kNe || k == TokenKind::kLt ||
           k == TokenKind::kLe || k == TokenKind::kGt || k == TokenKind::kGe;
  }

  ExprPtr Binary(Op op, size_t pos, ExprPtr a, ExprPtr b) {
    auto e = std::make_unique<Expr>(ExprKind::kBinary, pos);
    e->op = op;
    e->children.push_back(std::move(a));
    e->children.push_back(std::move(b));
    return Built(std::move(e));
  }

  // One level of the parser's recursion (see kMaxDepth); check too_deep() after making one.
  class Nested {
   public:
    explicit Nested(Parser* p) : p_(p) { ++p_->nesting_; }
    ~Nested() { --p_->nesting_; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;
    bool too_deep() const { return p_->nesting_ > kMaxDepth; }

   private:
    Parser* p_;
  };
  ExprPtr TooDeep(size_t pos) {
    return FailAt(pos, "表达式嵌套太深（超过 " + std::to_string(kMaxDepth) + " 层），请拆成几个简单的条件");
  }

  // The height of a node this parser built (a leaf, not recorded, is 1). Nodes are never freed
  // while a parse succeeds, so an address in heights_ is always the node it was recorded for.
  int Height(const Expr& e) const {
    auto it = heights_.find(&e);
    return it == heights_.end() ? 1 : it->second;
  }
  // Every node with children passes through here once its children are in place: records its
  // height, or fails when it is over kMaxDepth (destroying it then recurses at most that deep).
  ExprPtr Built(ExprPtr e) {
    int height = 0;
    for (const ExprPtr& child : e->children) height = std::max(height, Height(*child));
    ++height;
    if (height > kMaxDepth) return TooDeep(e->pos);
    if (height > 1) heights_[e.get()] = height;
    return e;
  }

  ExprPtr ParseOr() {
    Nested nested(this);
    if (nested.too_deep()) return TooDeep(Peek().pos);
    ExprPtr left = ParseAnd();
    while (left && IsKeyword("or")) {
      Advance();
      ExprPtr right = ParseAnd();
      if (!right) return nullptr;
      size_t pos = left->pos;
      left = Binary(Op::kOr, pos, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr ParseAnd() {
    ExprPtr left = ParseNot();
    while (left && IsKeyword("and")) {
      Advance();
      ExprPtr right = ParseNot();
      if (!right) return nullptr;
      size_t pos = left->pos;
      left = Binary(Op::kAnd, pos, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr ParseNot() {
    if (IsKeyword("not")) {
      Nested nested(this);
      if (nested.too_deep()) return TooDeep(Peek().pos);
      size_t pos = Advance().pos;
      ExprPtr operand = ParseNot();
      if (!operand) return nullptr;
      auto e = std::make_unique<Expr>(ExprKind::kUnary, pos);
      e->op = Op::kNot;
      e->children.push_back(std::move(operand));
      return Built(std::move(e));
    }
    return ParseCompare();
  }

  ExprPtr ParseCompare() {
    ExprPtr left = ParseSum();
    if (!left) return nullptr;
    const Token& t = Peek();
    if (IsCompareOp(t.kind)) {
      static const std::pair<TokenKind, Op> kOps[] = {
          {TokenKind::kEq, Op::kEq}, {TokenKind::kNe, Op::kNe}, {TokenKind::kLt, Op::kLt},
          {TokenKind::kLe, Op::kLe}, {TokenKind::kGt, Op::kGt}, {TokenKind::kGe, Op::kGe}};
      Op op = Op::kEq;
      for (const auto& [k, o] : kOps) {
        if (k == t.kind) op = o;
      }
      Advance();
      ExprPtr right = ParseSum();
      if (!right) return nullptr;
      if (IsCompareOp(Peek().kind)) return Fail("比较运算不能连用，请用 and 连接两个比较");
      size_t pos = left->pos;
      return Binary(op, pos, std::move(left), std::move(right));
    }
    if (IsKeyword("is")) {  // the tag rules' old "x is empty" / "x is not empty"
      return Fail("“is empty” 请写作 == null，“is not empty” 请写作 != null");
    }
    bool negated = false;
    if (IsKeyword("not") && (IsKeyword("in", 1) || IsKeyword("between", 1))) {
      negated = true;
      Advance();
    }
    if (IsKeyword("in")) {
      Advance();
      auto e = std::make_unique<Expr>(ExprKind::kIn, left->pos);
      e->negated = negated;
      e->children.push_back(std::move(left));
      if (!Expect(TokenKind::kLParen, "“(”")) return nullptr;
      do {
        ExprPtr item = ParseOr();
        if (!item) return nullptr;
        e->children.push_back(std::move(item));
      } while (Peek().kind == TokenKind::kComma && (Advance(), true));
      if (!Expect(TokenKind::kRParen, "“,” 或 “)”")) return nullptr;
      return Built(std::move(e));
    }
    if (IsKeyword("between")) {
      Advance();
      auto e = std::make_unique<Expr>(ExprKind::kBetween, left->pos);
      e->negated = negated;
      e->children.push_back(std::move(left));
      ExprPtr low = ParseSum();
      if (!low) return nullptr;
      if (!ExpectKeyword("and")) return nullptr;
      ExprPtr high = ParseSum();
      if (!high) return nullptr;
      e->children.push_back(std::move(low));
      e->children.push_back(std::move(high));
      return Built(std::move(e));
    }
    return left;
  }

  ExprPtr ParseSum() {
    ExprPtr left = ParseProduct();
    while (left && (Peek().kind == TokenKind::kPlus || Peek().kind == TokenKind::kMinus)) {
      Op op = Advance().kind == TokenKind::kPlus ? Op::kAdd : Op::kSub;
      ExprPtr right = ParseProduct();
      if (!right) return nullptr;
      size_t pos = left->pos;
      left = Binary(op, pos, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr ParseProduct() {
    ExprPtr left = ParseUnary();
    while (left && (Peek().kind == TokenKind::kStar || Peek().kind == TokenKind::kSlash)) {
      Op op = Advance().kind == TokenKind::kStar ? Op::kMul : Op::kDiv;
      ExprPtr right = ParseUnary();
      if (!right) return nullptr;
      size_t pos = left->pos;
      left = Binary(op, pos, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr ParseUnary() {
    if (Peek().kind == TokenKind::kMinus) {
      Nested nested(this);
      if (nested.too_deep()) return TooDeep(Peek().pos);
      size_t pos = Advance().pos;
      ExprPtr operand = ParseUnary();
      if (!operand) return nullptr;
      auto e = std::make_unique<Expr>(ExprKind::kUnary, pos);
      e->op = Op::kNeg;
      e->children.push_back(std::move(operand));
      return Built(std::move(e));
    }
    return ParsePrimary();
  }

  ExprPtr Literal(size_t pos, Value v) {
    auto e = std::make_unique<Expr>(ExprKind::kLiteral, pos);
    e->literal = std::move(v);
    return e;
  }

  ExprPtr ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kString: {
        Advance();
        return Literal(t.pos, Value::String(t.text));
      }
      case TokenKind::kInteger: {
        errno = 0;
        long long v = std::strtoll(t.text.c_str(), nullptr, 10);
        if (errno == ERANGE) return Fail("整数太大：" + t.text);
        Advance();
        return Literal(t.pos, Value::Int(v));
      }
      case TokenKind::kDecimal: {
        Advance();
        return Literal(t.pos, Value::Decimal(std::strtod(t.text.c_str(), nullptr)));
      }
      case TokenKind::kLParen: {
        Advance();
        ExprPtr inner = ParseOr();
        if (!inner) return nullptr;
        if (!Expect(TokenKind::kRParen, "“)”")) return nullptr;
        return inner;
      }
      case TokenKind::kIdent:
        return ParseWord();
      default:
        return Expected("表达式");
    }
  }

  ExprPtr ParseWord() {
    const Token& t = Peek();
    if (t.quoted) return ParsePath();
    std::string lower = AsciiLower(t.text);
    if (lower == "true" || lower == "false") {
      Advance();
      return Literal(t.pos, Value::Bool(lower == "true"));
    }
    if (lower == "null") {
      Advance();
      return Literal(t.pos, Value::Null());
    }
    if (lower == "case") return ParseCase();
    if (IsReserved(lower)) return Expected("表达式");
    if (Peek(1).kind == TokenKind::kLParen) return ParseCall();
    return ParsePath();
  }

  ExprPtr ParsePath() {
    const Token& t = Peek();
    auto e = std::make_unique<Expr>(ExprKind::kField, t.pos);
    bool last_quoted = false;
    while (true) {
      const Token& seg = Advance();
      e->segments.push_back(seg.text);
      e->segment_pos.push_back(seg.pos);
      last_quoted = seg.quoted;
      if (Peek().kind != TokenKind::kDot) break;
      Advance();
      if (Peek().kind != TokenKind::kIdent) return Expected("字段名");
    }
    if (e->segments.back() == "alive" && !last_quoted) e->kind = ExprKind::kAlive;
    return e;
  }

  ExprPtr ParseCase() {
    auto e = std::make_unique<Expr>(ExprKind::kCase, Advance().pos);
    if (!IsKeyword("when")) return Expected("“when”");
    while (IsKeyword("when")) {
      Advance();
      ExprPtr cond = ParseOr();
      if (!cond) return nullptr;
      if (!ExpectKeyword("then")) return nullptr;
      ExprPtr result = ParseOr();
      if (!result) return nullptr;
      e->children.push_back(std::move(cond));
      e->children.push_back(std::move(result));
    }
    if (IsKeyword("else")) {
      Advance();
      ExprPtr other = ParseOr();
      if (!other) return nullptr;
      e->children.push_back(std::move(other));
      e->has_else = true;
    }
    if (!IsKeyword("end")) {
      return Expected(e->has_else ? "“end”" : "“when”、“else” 或 “end”");
    }
    Advance();
    return Built(std::move(e));
  }

  // TAG in has_tag(TAG) / tag(TAG): a bare name or a string.
  bool ParseTagName(Expr* e) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kIdent && t.kind != TokenKind::kString) {
      Expected("标签名");
      return false;
    }
    e->name = t.text;
    e->name_pos = t.pos;
    Advance();
    return Expect(TokenKind::kRParen, "“)”");
  }

  ExprPtr ParseCall() {
    const Token& name_tok = Advance();
    std::string name = AsciiLower(name_tok.text);
    size_t pos = name_tok.pos;
    Advance();  // (
    if (name == "has_tag") {
      auto e = std::make_unique<Expr>(ExprKind::kHasTag, pos);
      if (!ParseTagName(e.get())) return nullptr;
      return e;
    }
    if (name == "tag") {
      auto e = std::make_unique<Expr>(ExprKind::kTagAttr, pos);
      if (!ParseTagName(e.get())) return nullptr;
      if (Peek().kind != TokenKind::kDot) return Expected("“.属性名”（如 tag(disability).grade）");
      Advance();
      if (Peek().kind != TokenKind::kIdent) return Expected("属性名");
      e->attr = Peek().text;
      e->attr_pos = Advance().pos;
      return e;
    }
    if (name == "count" || name == "sum" || name == "list" || name == "first") {
      return ParseAggregate(name, pos);
    }
    auto e = std::make_unique<Expr>(ExprKind::kCall, pos);
    e->name = name;
    e->name_pos = pos;
    if (Peek().kind != TokenKind::kRParen) {
      do {
        ExprPtr arg = ParseOr();
        if (!arg) return nullptr;
        e->children.push_back(std::move(arg));
      } while (Peek().kind == TokenKind::kComma && (Advance(), true));
    }
    if (!Expect(TokenKind::kRParen, "“,” 或 “)”")) return nullptr;
    return Built(std::move(e));
  }

  ExprPtr ParseAggregate(const std::string& name, size_t pos) {
    auto e = std::make_unique<Expr>(ExprKind::kAggregate, pos);
    e->name = name;
    e->aggregate.fn = name == "count"  ? AggregateCall::Fn::kCount
                      : name == "sum"  ? AggregateCall::Fn::kSum
                      : name == "list" ? AggregateCall::Fn::kList
                                       : AggregateCall::Fn::kFirst;
    if (name == "count") {
      e->name_pos = Peek().pos;
      if (Peek().kind == TokenKind::kIdent && !IsKeyword("where")) {
        e->over_name = Peek().text;
        Advance();
      }
    } else {
      ExprPtr value = ParseOr();
      if (!value) return nullptr;
      e->aggregate.value = value.get();
      e->children.push_back(std::move(value));
    }
    if (IsKeyword("where")) {
      Advance();
      ExprPtr cond = ParseOr();
      if (!cond) return nullptr;
      e->aggregate.where = cond.get();
      e->children.push_back(std::move(cond));
    }
    if (!Expect(TokenKind::kRParen, "“where” 或 “)”")) return nullptr;
    return Built(std::move(e));
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  bool failed_ = false;
  ExprError error_;
  int nesting_ = 0;                               // see Nested
  std::unordered_map<const Expr*, int> heights_;  // see Height
};

Result<ExprPtr> Parse(std::string_view text, const ExprLocator& loc, bool order_item,
                      bool* descending) {
  std::vector<Token> tokens;
  ExprError error;
  if (!Lex(text, &tokens, &error)) {
    return Status::Invalid(FormatAt(loc.Locate(error.pos), error.message));
  }
  if (tokens.size() == 1) {
    return Status::Invalid(FormatAt(loc.Locate(0), "表达式为空"));
  }
  Parser parser(std::move(tokens));
  ExprPtr e = parser.ParseAll(order_item, descending);
  if (e == nullptr) {
    return Status::Invalid(FormatAt(loc.Locate(parser.error().pos), parser.error().message));
  }
  return e;
}

}  // namespace

Result<ExprPtr> ParseExpr(std::string_view text, const ExprLocator& loc) {
  bool unused = false;
  return Parse(text, loc, false, &unused);
}

Result<OrderItem> ParseOrderItem(std::string_view text, const ExprLocator& loc) {
  OrderItem item;
  ASSIGN_OR_RETURN(item.expr, Parse(text, loc, true, &item.descending));
  return item;
}

}  // namespace onetable::expr
