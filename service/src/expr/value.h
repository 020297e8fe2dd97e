// Value and ExprType: the runtime values of the expression language and their static
// types.
//
// A Value is null, a boolean, a 64-bit integer, a decimal (double), a string or a calendar date.
// Catalog values arrive as canonical strings from the store; ValueFromCanonical turns them into
// typed Values using the field's catalog type, so comparisons and arithmetic work on numbers and
// dates rather than text. ExprType is what the checker infers; a code value (type kCode) is a
// string at run time whose code table is known statically, which is what label() needs.
//
// Thread-safety: plain values; safe to copy and share read-only.
#ifndef ONETABLE_EXPR_VALUE_H_
#define ONETABLE_EXPR_VALUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "model/catalog.h"
#include "model/date.h"

namespace onetable::expr {

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kDecimal, kString, kDate };

  Value() = default;
  static Value Null() { return Value(); }
  static Value Bool(bool b) { return Value(Storage(b)); }
  static Value Int(int64_t i) { return Value(Storage(i)); }
  static Value Decimal(double d) { return Value(Storage(d)); }
  static Value String(std::string s) { return Value(Storage(std::move(s))); }
  static Value FromDate(const Date& d) { return Value(Storage(d)); }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_numeric() const { return kind() == Kind::kInt || kind() == Kind::kDecimal; }

  // Accessors: precondition, kind() matches (as_number also accepts kInt).
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_number() const;
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const Date& as_date() const { return std::get<Date>(v_); }

  // The text of a table cell: "" for null, 是/否 for booleans, YYYY-MM-DD for dates, decimals
  // without trailing zeros.
  std::string ToCell() const;
  // The canonical text the store uses ("1"/"0" for booleans; otherwise as ToCell), for binding
  // as an SQL parameter.
  std::string ToCanonical() const;

  friend bool operator==(const Value& a, const Value& b) { return a.v_ == b.v_; }

 private:
  using Storage = std::variant<std::monostate, bool, int64_t, double, std::string, Date>;
  explicit Value(Storage v) : v_(std::move(v)) {}
  Storage v_;
};

// Formats a decimal for people: at most 6 decimals, trailing zeros dropped ("12.5", "3").
std::string FormatDecimal(double d);

// kText is a source record's column (a connector's tag rule): text without a catalog type, which
// compares as a number with a number (when it reads as one) and as text with text.
enum class TypeKind { kNull, kBoolean, kInteger, kDecimal, kString, kDate, kCode, kText };

struct ExprType {
  TypeKind kind = TypeKind::kNull;
  std::string code_table;  // for kCode: the catalog code table id

  static ExprType Of(TypeKind k) { return ExprType{k, {}}; }
  static ExprType Code(std::string table) { return ExprType{TypeKind::kCode, std::move(table)}; }
  bool is_numeric() const { return kind == TypeKind::kInteger || kind == TypeKind::kDecimal; }
  bool is_textual() const {
    return kind == TypeKind::kString || kind == TypeKind::kCode || kind == TypeKind::kText;
  }
};

// Chinese name for messages: 字符串, 整数, 小数, 日期, 布尔, 代码, 空值, 来源列文本.
const char* TypeName(const ExprType& type);

// The expression type of a catalog field (id numbers, phones and division codes are strings;
// references are integers).
ExprType TypeOfField(const FieldDef& def);

// Reads `text` as a number when all of it is one (optional sign, digits, optional decimals, as
// a source export writes "650.5" or "-3"); false otherwise ("", "1e3", "12元").
bool ReadNumber(std::string_view text, double* out);

// Turns the store's canonical text of `def` into a typed Value; nullptr (SQL NULL) gives Null.
// Text that does not parse as the field's type is kept as a string rather than dropped.
Value ValueFromCanonical(const FieldDef& def, const std::string* text);

}  // namespace onetable::expr

#endif  // ONETABLE_EXPR_VALUE_H_
