// The syntax tree of an expression, and where its pieces came from. One language serves mapping
// columns and filters (over register rows) and connector tag rules (over source records).
//
// The parser (parser.h) builds an Expr tree with the byte offset of every node in the
// expression text. The checker (check.h) then resolves field paths against the catalog, or
// names against a source record's columns, and stores the inferred type in each node; only a
// checked tree may be evaluated (eval.h) or split for SQL pushdown (mapping/pushdown.h).
//
// An ExprLocator turns a byte offset into file:line:col, so the same parser serves a standalone
// expression (TextLocator) and an expression inside a YAML scalar (yaml_source.h). Columns are
// counted in characters (code points), 1-based, as editors show them.
//
// Thread-safety: trees are plain data; a checked tree may be read from many threads.
#ifndef ONETABLE_EXPR_AST_H_
#define ONETABLE_EXPR_AST_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "expr/value.h"
#include "model/catalog.h"
#include "model/entity.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace onetable::expr {

// A field reached from the grain row, after resolution. `hops` walks from the grain row:
// an ancestor by entity name ("household", "building", "grid", "community", "street",
// "district") or "head" (the head person of the household reached so far). Examples at grain
// person: name → {[], name}; household.head.name → {[household, head], name};
// grid.code → {[grid], code}. The pseudo-key "status" is the row's status column.
struct FieldPath {
  std::vector<std::string> hops;
  std::string key;
  EntityKind entity = EntityKind::kPerson;  // the entity that holds `key`
  // Over a source record (CheckEnv::source): `key` is the column name, hops are empty, and this
  // is its index in SourceColumns::read, so that evaluation needs no lookup by name.
  int slot = -1;

  std::string ToString() const;  // "household.head.name"
  friend bool operator==(const FieldPath& a, const FieldPath& b) {
    return a.hops == b.hops && a.key == b.key;
  }
};

enum class ExprKind {
  kLiteral,    // literal
  kField,      // segments → path, field
  kAlive,      // path.hops (path.key empty): status active and, for persons, no death_date
  kUnary,      // op, children[0]
  kBinary,     // op, children[0..1]
  kIn,         // children[0] in (children[1..]); negated for "not in"
  kBetween,    // children[0] between children[1] and children[2]; negated for "not between"
  kCase,       // children: when, then, when, then, ... [, else]; has_else
  kCall,       // name(children...)
  kHasTag,     // has_tag(name)
  kTagAttr,    // tag(name).attr
  kAggregate,  // aggregate (count/sum)
};

enum class Op {
  kNot,
  kNeg,  // unary
  kAnd,
  kOr,  // logic
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,  // comparison
  kAdd,
  kSub,
  kMul,
  kDiv,  // arithmetic
};

const char* OpText(Op op);  // "and", "==", "+", ...

struct Expr;

// count(ENTITY [where COND]), sum(VALUE [where COND]), list(VALUE [where COND]) or
// first(VALUE [where COND]) at a summary grain: folds the rows of `over` below the current row.
// list joins the non-empty values with "、" in row order (a household's members); first is the
// first non-null value. `value` and `where` point into the owning node's children.
struct AggregateCall {
  enum class Fn { kCount, kSum, kList, kFirst };
  Fn fn = Fn::kCount;
  EntityKind over = EntityKind::kPerson;
  const Expr* value = nullptr;  // sum only
  const Expr* where = nullptr;  // null: every row
  int id = -1;  // numbered by the checker, unique within one mapping: a cache key for generators
};

struct Expr {
  Expr(ExprKind k, size_t p) : kind(k), pos(p) {}
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  ExprKind kind;
  size_t pos;  // byte offset of the node's first token in the expression text

  Value literal;                      // kLiteral
  std::vector<std::string> segments;  // kField, kAlive: the path as written
  std::vector<size_t> segment_pos;    //   and where each segment starts
  Op op = Op::kNot;                   // kUnary, kBinary
  bool negated = false;               // kIn, kBetween
  bool has_else = false;              // kCase
  std::string name;                   // kCall: function; kHasTag/kTagAttr: tag; kAggregate: fn
  size_t name_pos = 0;                //   where the tag key / counted entity is written
  std::string attr;                   // kTagAttr
  size_t attr_pos = 0;
  std::string over_name;    // kAggregate count: the entity written, "" if none
  AggregateCall aggregate;  // kAggregate
  std::vector<std::unique_ptr<Expr>> children;

  // Filled by the checker.
  ExprType type;
  FieldPath path;  // kField, kAlive
  // The columns a node reads besides `path`, kept here so the evaluator hands every RowContext
  // a FieldPath that lives as long as the tree (contexts may cache by its address):
  // kField age → birth_date; kAlive → status (aux_path) and death_date (aux_path2), and for
  // persons birth_date, move_in_date, move_out_date, residence_status in alive_paths
  // (expr/alive_rule.h; a key the catalog lacks is left empty).
  FieldPath aux_path;
  FieldPath aux_path2;
  std::vector<FieldPath> alive_paths;
  const FieldDef* field = nullptr;           // kField, kTagAttr: the catalog definition
  FieldType mask_hint = FieldType::kString;  // kCall mask: the argument's catalog type
  // kCall regex_extract: the pattern, compiled once by the checker (shared by clones).
  std::shared_ptr<const re2::RE2> pattern;
  // kIn whose items are all string literals compared as strings: the items, so that a long list
  // (a roster of a few thousand ID numbers) is one hash lookup per row (shared by clones).
  std::shared_ptr<const std::unordered_set<std::string>> in_strings;
};

using ExprPtr = std::unique_ptr<Expr>;

// A Lisp-like rendering for tests and logs: (and (>= age 80) (== gender "2")).
std::string ToDebugString(const Expr& e);

// A deep copy of a parsed or checked tree (types, paths and catalog pointers included).
ExprPtr CloneExpr(const Expr& e);

// Calls `fn` on `e` and every node below it, parents first.
void VisitExpr(const Expr& e, const std::function<void(const Expr&)>& fn);

class ExprLocator {
 public:
  virtual ~ExprLocator() = default;
  // Where byte `offset` of the expression text is (offset may equal the text's length).
  virtual SourceLocation Locate(size_t offset) const = 0;
};

// Locates offsets within `text` itself: line 1, column 1 is its first character. For
// expressions that do not come from a file (tests, request parameters).
class TextLocator : public ExprLocator {
 public:
  TextLocator(std::string file, std::string_view text) : file_(std::move(file)), text_(text) {}
  SourceLocation Locate(size_t offset) const override;

 private:
  std::string file_;
  std::string text_;
};

// "file:line:col: message".
std::string FormatAt(const SourceLocation& where, const std::string& message);

}  // namespace onetable::expr

#endif  // ONETABLE_EXPR_AST_H_
