#include "expr/transform_functions.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include <re2/re2.h>

#include "onetable/text.h"
#include "onetable/utf8.h"

namespace onetable::expr {

namespace {

// Byte offset of code point `index` (0-based) in `text`, or text.size() past the end.
size_t OffsetOfCodePoint(std::string_view text, int64_t index) {
  size_t pos = 0;
  for (int64_t i = 0; i < index && pos < text.size(); ++i) {
    ++pos;
    while (pos < text.size() && utf8::IsContinuation(static_cast<unsigned char>(text[pos]))) ++pos;
  }
  return pos;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string Substr(std::string_view text, int64_t start, int64_t length) {
  if (start < 1) {
    if (length >= 0) length = std::max<int64_t>(0, length - (1 - start));
    start = 1;
  }
  const size_t from = OffsetOfCodePoint(text, start - 1);
  if (from >= text.size()) return "";
  std::string_view rest = text.substr(from);
  if (length < 0) return std::string(rest);
  return std::string(rest.substr(0, OffsetOfCodePoint(rest, length)));
}

std::string TrimText(std::string_view text) { return std::string(TrimWideBlank(text)); }

std::optional<std::string> SplitPart(std::string_view text, std::string_view separator, int64_t n) {
  if (separator.empty() || n < 1) return std::nullopt;
  size_t pos = 0;
  for (int64_t i = 1;; ++i) {
    size_t end = text.find(separator, pos);
    if (i == n) {
      return std::string(text.substr(pos, end == std::string_view::npos ? text.npos : end - pos));
    }
    if (end == std::string_view::npos) return std::nullopt;
    pos = end + separator.size();
  }
}

std::optional<std::string> RegexExtract(std::string_view text, const re2::RE2& pattern,
                                        int64_t group) {
  const std::string_view input = utf8::TruncateBytes(text, kMaxRegexInput);
  const int groups = pattern.NumberOfCapturingGroups();
  if (group < 0 || group > groups) return std::nullopt;
  std::vector<re2::StringPiece> found(static_cast<size_t>(group) + 1);
  if (!pattern.Match(re2::StringPiece(input.data(), input.size()), 0, input.size(),
                     re2::RE2::UNANCHORED, found.data(), static_cast<int>(found.size()))) {
    return std::nullopt;
  }
  const re2::StringPiece& part = found[static_cast<size_t>(group)];
  if (part.data() == nullptr) return std::nullopt;  // the group did not take part
  return std::string(part.data(), part.size());
}

std::shared_ptr<const re2::RE2> CompilePattern(const std::string& pattern, std::string* error) {
  if (pattern.size() > kMaxRegexPattern) {
    *error = "正则表达式过长（" + std::to_string(pattern.size()) + " 字节，最多 " +
             std::to_string(kMaxRegexPattern) + "）";
    return nullptr;
  }
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(1 << 20);  // a pattern needing more is refused, not run
  auto compiled = std::make_shared<const re2::RE2>(pattern, options);
  if (!compiled->ok()) {
    *error = "正则表达式有误（" + compiled->error() + "）";
    return nullptr;
  }
  return compiled;
}

namespace {

struct Token {
  enum Kind { kYear4, kYear2, kMonth2, kMonth, kDay2, kDay, kLiteral } kind;
  std::string_view text;  // kLiteral
};

// Splits a format into tokens; the longest token wins (yyyy before yy, MM before M).
std::vector<Token> Tokenize(std::string_view format) {
  std::vector<Token> out;
  size_t i = 0;
  auto starts = [&](std::string_view tok) { return format.substr(i, tok.size()) == tok; };
  while (i < format.size()) {
    if (starts("yyyy")) {
      out.push_back({Token::kYear4, {}});
      i += 4;
    } else if (starts("yy")) {
      out.push_back({Token::kYear2, {}});
      i += 2;
    } else if (starts("MM")) {
      out.push_back({Token::kMonth2, {}});
      i += 2;
    } else if (starts("M")) {
      out.push_back({Token::kMonth, {}});
      i += 1;
    } else if (starts("dd")) {
      out.push_back({Token::kDay2, {}});
      i += 2;
    } else if (starts("d")) {
      out.push_back({Token::kDay, {}});
      i += 1;
    } else {
      size_t len = 1;
      while (i + len < format.size() &&
             utf8::IsContinuation(static_cast<unsigned char>(format[i + len]))) {
        ++len;
      }
      out.push_back({Token::kLiteral, format.substr(i, len)});
      i += len;
    }
  }
  return out;
}

}  // namespace

bool CheckDateFormat(std::string_view format, std::string* error) {
  int year = 0, month = 0, day = 0;
  for (const Token& t : Tokenize(format)) {
    year += t.kind == Token::kYear4 || t.kind == Token::kYear2;
    month += t.kind == Token::kMonth2 || t.kind == Token::kMonth;
    day += t.kind == Token::kDay2 || t.kind == Token::kDay;
  }
  if (year != 1) {
    *error = year == 0 ? "日期格式中没有年份（yyyy 或 yy），如 'yyyy.MM'"
                       : "日期格式中年份（yyyy/yy）出现了不止一次";
    return false;
  }
  if (month > 1 || day > 1) {
    *error = "日期格式中月份（MM/M）或日（dd/d）出现了不止一次";
    return false;
  }
  if (day == 1 && month == 0) {
    *error = "日期格式有日（dd）却没有月份（MM）";
    return false;
  }
  return true;
}

std::optional<Date> ParseDateFormat(std::string_view text, std::string_view format,
                                    std::string* error) {
  std::string_view s = TrimWideBlank(text);
  Date d{0, 1, 1};
  size_t pos = 0;
  auto fail = [&]() -> std::optional<Date> {
    *error = "“" + std::string(utf8::TruncateCodePoints(s, 40)) + "” 不符合日期格式 " +
             std::string(format);
    return std::nullopt;
  };
  // Reads between `min` and `max` digits.
  auto digits = [&](size_t min, size_t max, int* out) {
    size_t n = 0;
    int v = 0;
    while (n < max && pos + n < s.size() && IsDigit(s[pos + n])) v = v * 10 + (s[pos + n++] - '0');
    if (n < min) return false;
    pos += n;
    *out = v;
    return true;
  };
  for (const Token& t : Tokenize(format)) {
    bool ok = true;
    switch (t.kind) {
      case Token::kYear4:
        ok = digits(4, 4, &d.year);
        break;
      case Token::kYear2:
        ok = digits(2, 2, &d.year);
        if (ok) d.year += d.year < 30 ? 2000 : 1900;
        break;
      case Token::kMonth2:
        ok = digits(2, 2, &d.month);
        break;
      case Token::kMonth:
        ok = digits(1, 2, &d.month);
        break;
      case Token::kDay2:
        ok = digits(2, 2, &d.day);
        break;
      case Token::kDay:
        ok = digits(1, 2, &d.day);
        break;
      case Token::kLiteral:
        ok = s.substr(pos, t.text.size()) == t.text;
        if (ok) pos += t.text.size();
        break;
    }
    if (!ok) return fail();
  }
  if (pos != s.size()) return fail();
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", d.year, d.month, d.day);
  Date checked;
  if (ParseDate(iso, &checked).has_value()) {
    *error = "“" + std::string(utf8::TruncateCodePoints(s, 40)) + "” 不是有效的日期";
    return std::nullopt;
  }
  return checked;
}

}  // namespace onetable::expr
