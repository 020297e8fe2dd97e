#include "expr/value.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace onetable::expr {

double Value::as_number() const {
  if (kind() == Kind::kInt) return static_cast<double>(as_int());
  return std::get<double>(v_);
}

std::string FormatDecimal(double d) {
  if (!std::isfinite(d)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", d);
  std::string s = buf;
  size_t dot = s.find('.');
  if (dot != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string Value::ToCell() const {
  switch (kind()) {
    case Kind::kNull:
      return "";
    case Kind::kBool:
      return as_bool() ? "是" : "否";
    case Kind::kInt:
      return std::to_string(as_int());
    case Kind::kDecimal:
      return FormatDecimal(std::get<double>(v_));
    case Kind::kString:
      return as_string();
    case Kind::kDate:
      return as_date().ToString();
  }
  return "";
}

std::string Value::ToCanonical() const {
  if (kind() == Kind::kBool) return as_bool() ? "1" : "0";
  return ToCell();
}

const char* TypeName(const ExprType& type) {
  switch (type.kind) {
    case TypeKind::kNull:
      return "空值";
    case TypeKind::kBoolean:
      return "布尔";
    case TypeKind::kInteger:
      return "整数";
    case TypeKind::kDecimal:
      return "小数";
    case TypeKind::kString:
      return "字符串";
    case TypeKind::kDate:
      return "日期";
    case TypeKind::kCode:
      return "代码";
    case TypeKind::kText:
      return "来源列文本";
  }
  return "?";
}

bool ReadNumber(std::string_view text, double* out) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  size_t digits = 0, dots = 0;
  for (size_t k = i; k < text.size(); ++k) {
    if (text[k] >= '0' && text[k] <= '9') {
      ++digits;
    } else if (text[k] == '.' && dots == 0) {
      ++dots;
    } else {
      return false;
    }
  }
  if (digits == 0) return false;
  *out = std::strtod(std::string(text).c_str(), nullptr);
  return std::isfinite(*out);
}

ExprType TypeOfField(const FieldDef& def) {
  switch (def.type) {
    case FieldType::kCode:
      return ExprType::Code(def.code_table);
    case FieldType::kDate:
      return ExprType::Of(TypeKind::kDate);
    case FieldType::kInteger:
    case FieldType::kReference:
      return ExprType::Of(TypeKind::kInteger);
    case FieldType::kDecimal:
      return ExprType::Of(TypeKind::kDecimal);
    case FieldType::kBoolean:
      return ExprType::Of(TypeKind::kBoolean);
    case FieldType::kString:
    case FieldType::kIdNumber:
    case FieldType::kPhone:
    case FieldType::kDivision:
      return ExprType::Of(TypeKind::kString);
  }
  return ExprType::Of(TypeKind::kString);
}

Value ValueFromCanonical(const FieldDef& def, const std::string* text) {
  if (text == nullptr) return Value::Null();
  const std::string& s = *text;
  switch (TypeOfField(def).kind) {
    case TypeKind::kInteger: {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(s.c_str(), &end, 10);
      if (!s.empty() && errno == 0 && *end == '\0') return Value::Int(v);
      break;
    }
    case TypeKind::kDecimal: {
      errno = 0;
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (!s.empty() && errno == 0 && *end == '\0') return Value::Decimal(v);
      break;
    }
    case TypeKind::kBoolean:
      if (s == "1") return Value::Bool(true);
      if (s == "0") return Value::Bool(false);
      break;
    case TypeKind::kDate: {
      Date d;
      if (!ParseDate(s, &d).has_value()) return Value::FromDate(d);
      break;
    }
    default:
      break;
  }
  return Value::String(s);
}

}  // namespace onetable::expr
