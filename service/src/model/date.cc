#include "model/date.h"

#include <cstdio>
#include <ctime>
#include <tuple>

#include "model/text.h"

namespace onetable {
namespace {



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
  std::string_view s = TrimBlank(folded);
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
