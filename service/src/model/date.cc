#include "model/date.h"

#include <cstdio>
#include <ctime>
#include <tuple>

namespace onetable {
namespace {

// Folds full-width ASCII (U+FF01..U+FF5E, e.g. "２０２４") and wide or no-break spaces to ASCII,
// because dates pasted from Word or typed with a Chinese IME often come that way.
std::string FoldWidth(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xEF && i + 2 < s.size()) {
      unsigned cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
                    (static_cast<unsigned char>(s[i + 2]) & 0x3F);
      if (cp >= 0xFF01 && cp <= 0xFF5E) {
        out.push_back(static_cast<char>(cp - 0xFF01 + 0x21));
        i += 2;
        continue;
      }
    }
    if (s.compare(i, 3, "\xE3\x80\x80") == 0 || s.compare(i, 2, "\xC2\xA0") == 0) {
      out.push_back(' ');  // ideographic space U+3000, no-break space U+00A0
      i += c == 0xE3 ? 2 : 1;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  const char* kBlank = " \t\r\n\v\f";
  size_t b = s.find_first_not_of(kBlank);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kBlank) - b + 1);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads 1..max_len digits at *pos into *value.
bool ReadNumber(std::string_view s, size_t* pos, size_t min_len, size_t max_len, int* value) {
  size_t start = *pos;
  int v = 0;
  while (*pos < s.size() && IsDigit(s[*pos]) && *pos - start < max_len) {
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
  }
  if (*pos - start < min_len) return false;
  if (*pos < s.size() && IsDigit(s[*pos])) return false;  // more digits than allowed
  *value = v;
  return true;
}

bool Consume(std::string_view s, size_t* pos, std::string_view token) {
  if (s.substr(*pos, token.size()) != token) return false;
  *pos += token.size();
  return true;
}

// Y-M-D with one separator kind ('-', '/', '.') used twice, or 年/月/日 (日 optional).
bool ParseSeparated(std::string_view s, Date* d) {
  size_t pos = 0;
  if (!ReadNumber(s, &pos, 4, 4, &d->year)) return false;
  if (Consume(s, &pos, "年")) {
    if (!ReadNumber(s, &pos, 1, 2, &d->month) || !Consume(s, &pos, "月")) return false;
    if (!ReadNumber(s, &pos, 1, 2, &d->day)) return false;
    Consume(s, &pos, "日");
    return pos == s.size();
  }
  if (pos >= s.size()) return false;
  char sep = s[pos];
  if (sep != '-' && sep != '/' && sep != '.') return false;
  ++pos;
  if (!ReadNumber(s, &pos, 1, 2, &d->month)) return false;
  if (pos >= s.size() || s[pos] != sep) return false;
  ++pos;
  if (!ReadNumber(s, &pos, 1, 2, &d->day)) return false;
  return pos == s.size();
}

bool ParseCompact(std::string_view s, Date* d) {
  if (s.size() != 8) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  d->year = num(0, 4);
  d->month = num(4, 2);
  d->day = num(6, 2);
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::string Date::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

bool operator<(const Date& a, const Date& b) {
  return std::tie(a.year, a.month, a.day) < std::tie(b.year, b.month, b.day);
}

bool operator==(const Date& a, const Date& b) {
  return a.year == b.year && a.month == b.month && a.day == b.day;
}

std::optional<Problem> ParseDate(std::string_view text, Date* out) {
  std::string folded = FoldWidth(text);
  std::string_view s = Trim(folded);
  Date d;
  if (s.empty() || !(ParseCompact(s, &d) || ParseSeparated(s, &d))) {
    return Problem{"date_format",
                   "日期格式不正确：“" + std::string(s) + "”，应为 2024-06-30 这样的年-月-日"};
  }
  if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1 ||
      d.day > DaysInMonth(d.year, d.month)) {
    return Problem{"date_invalid", "日期不存在：“" + std::string(s) + "”"};
  }
  *out = d;
  return std::nullopt;
}

std::optional<Problem> NormalizeDate(std::string_view text, std::string* out) {
  Date d;
  if (auto problem = ParseDate(text, &d)) return problem;
  *out = d.ToString();
  return std::nullopt;
}

int AgeAt(const Date& birth, const Date& ref) {
  // Comparing (month, day) pairs makes a 29 Feb birthday fall on 1 Mar in non-leap years:
  // (2, 28) < (2, 29) <= (3, 1).
  int age = ref.year - birth.year;
  if (std::tie(ref.month, ref.day) < std::tie(birth.month, birth.day)) --age;
  return age;
}

Date Today() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

}  // namespace onetable
