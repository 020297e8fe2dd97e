#include "expr/cell_functions.h"

#include <cstdio>

#include "onetable/utf8.h"

namespace onetable::expr {

namespace {

bool LooksLikeNumberId(const std::string& s) {
  if (s.size() < 8) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == 'X' || c == 'x' || c == '-' || c == ' ')) return false;
  }
  return true;
}

bool IsAscii(const std::string& s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

std::string MaskText(const std::string& text, FieldType hint) {
  if (text.empty()) return text;
  const bool id_or_phone =
      ((hint == FieldType::kIdNumber || hint == FieldType::kPhone) && IsAscii(text)) ||
      LooksLikeNumberId(text);
  if (id_or_phone && text.size() >= 8) {
    return text.substr(0, 3) + std::string(text.size() - 7, '*') + text.substr(text.size() - 4);
  }
  // Keep the first code point, star the rest (one star per character, not per byte).
  const size_t first_len = utf8::TruncateCodePoints(text, 1).size();
  const size_t rest = utf8::CountCodePoints(std::string_view(text).substr(first_len));
  if (rest == 0) return "*";
  return text.substr(0, first_len) + std::string(rest, '*');
}

std::string FormatDatePattern(const Date& date, const std::string& pattern) {
  std::string out;
  char buf[16];
  size_t i = 0;
  auto starts = [&](const char* tok) {
    return pattern.compare(i, std::char_traits<char>::length(tok), tok) == 0;
  };
  while (i < pattern.size()) {
    if (starts("YYYY")) {
      std::snprintf(buf, sizeof buf, "%04d", date.year);
      i += 4;
    } else if (starts("YY")) {
      std::snprintf(buf, sizeof buf, "%02d", date.year % 100);
      i += 2;
    } else if (starts("MM")) {
      std::snprintf(buf, sizeof buf, "%02d", date.month);
      i += 2;
    } else if (starts("M")) {
      std::snprintf(buf, sizeof buf, "%d", date.month);
      i += 1;
    } else if (starts("DD")) {
      std::snprintf(buf, sizeof buf, "%02d", date.day);
      i += 2;
    } else if (starts("D")) {
      std::snprintf(buf, sizeof buf, "%d", date.day);
      i += 1;
    } else {
      out += pattern[i++];
      continue;
    }
    out += buf;
  }
  return out;
}

}  // namespace onetable::expr
