#include "xlsx/excel_values.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "onetable/text.h"
#include "onetable/utf8.h"

namespace onetable::connectors {
namespace {

constexpr int kMaxColumns = 16384;  // XFD
constexpr int64_t kMaxRows = 1048576;
constexpr double kMaxSerial = 2958466;  // 10000-01-01 in the 1900 system

struct CivilDate {
  int64_t year;
  unsigned month;
  unsigned day;
};

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

// 1899-12-30, 1899-12-31 and 1904-01-01 as days since 1970-01-01.
constexpr int64_t k18991230 = -25569;
constexpr int64_t k18991231 = -25568;
constexpr int64_t k19040101 = -24107;

std::string FormatDate(const CivilDate& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(d.year), d.month,
                d.day);
  return buf;
}

std::string FormatTime(int64_t seconds) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(seconds / 3600),
                static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
  return buf;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = AsciiLower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

bool ParseCellRef(std::string_view ref, int* column, int64_t* row) {
  size_t i = 0;
  if (i < ref.size() && ref[i] == '$') ++i;
  int col = 0;
  size_t letters = 0;
  while (i < ref.size() && letters < 4) {
    char c = AsciiLower(ref[i]);
    if (c < 'a' || c > 'z') break;
    col = col * 26 + (c - 'a' + 1);
    ++i;
    ++letters;
  }
  if (letters == 0 || letters > 3 || col > kMaxColumns) return false;
  if (i < ref.size() && ref[i] == '$') ++i;
  int64_t r = 0;
  size_t digits = 0;
  for (; i < ref.size(); ++i, ++digits) {
    char c = ref[i];
    if (c < '0' || c > '9' || digits >= 8) return false;
    r = r * 10 + (c - '0');
  }
  if (digits == 0 || r < 1 || r > kMaxRows) return false;
  *column = col - 1;
  *row = r;
  return true;
}

std::string ColumnName(int column) {
  std::string name;
  for (int n = column + 1; n > 0; n = (n - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return name;
}

NumberKind BuiltinNumberKind(int id) {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) ||
      id == 57 || id == 58) {
    return NumberKind::kDate;
  }
  if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) || id == 55 ||
      id == 56) {
    return NumberKind::kTime;
  }
  if (id == 22) return NumberKind::kDateTime;
  return NumberKind::kNumber;
}

NumberKind ClassifyFormatCode(std::string_view code) {
  bool date = false;
  bool time = false;
  bool month = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == ';') break;  // only the section for positive numbers decides
    if (c == '"') {
      size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
      continue;
    }
    if (c == '\\' || c == '_' || c == '*') {
      ++i;  // an escaped, padding or fill character is literal text
      continue;
    }
    if (c == '[') {
      size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      std::string_view inner = code.substr(i + 1, close - i - 1);
      // [h], [mm], [ss]: elapsed time; anything else ([Red], [$-804], [DBNum1]) is decoration.
      if (!inner.empty() && inner.find_first_not_of("hHmMsS") == std::string_view::npos) {
        time = true;
      }
      i = close;
      continue;
    }
    char l = AsciiLower(c);
    if (l == 'y' || l == 'd') date = true;
    if (l == 'h' || l == 's') time = true;
    if (l == 'm') month = true;
    if (l == 'a' && (code.substr(i, 5) == "AM/PM" || code.substr(i, 5) == "am/pm" ||
                     code.substr(i, 3) == "A/P" || code.substr(i, 3) == "a/p")) {
      time = true;
    }
  }
  if (code.find("上午/下午") != std::string_view::npos) time = true;
  if (month && !time) date = true;  // "m" next to h or s means minutes
  if (date && time) return NumberKind::kDateTime;
  if (date) return NumberKind::kDate;
  if (time) return NumberKind::kTime;
  return NumberKind::kNumber;
}

Result<std::string> FormatSerial(double serial, NumberKind kind, bool date1904) {
  if (!std::isfinite(serial) || serial < 0) {
    return Status::Invalid("日期序列号 " + FormatNumber(std::to_string(serial)) +
                           " 无效（不能为负数）");
  }
  if (serial >= kMaxSerial) {
    return Status::Invalid("日期序列号 " + FormatNumber(std::to_string(serial)) +
                           " 超出范围（晚于 9999-12-31）");
  }
  int64_t days = static_cast<int64_t>(std::floor(serial));
  int64_t seconds = std::llround((serial - static_cast<double>(days)) * 86400.0);
  if (seconds >= 86400) {
    ++days;
    seconds -= 86400;
  }
  std::string date;
  if (date1904) {
    date = FormatDate(CivilFromDays(k19040101 + days));
  } else if (days == 60) {
    date = "1900-02-29";  // Lotus 1-2-3's leap-year bug, kept by Excel
  } else if (days < 60) {
    date = FormatDate(CivilFromDays(k18991231 + days));
  } else {
    date = FormatDate(CivilFromDays(k18991230 + days));
  }
  switch (kind) {
    case NumberKind::kTime:
      return FormatTime(seconds);
    case NumberKind::kDateTime:
      return seconds == 0 ? date : date + " " + FormatTime(seconds);
    default:
      return date;
  }
}

std::string FormatNumber(std::string_view stored) {
  double x = 0;
  const char* begin = stored.data();
  const char* end = begin + stored.size();
  auto [ptr, ec] = std::from_chars(begin, end, x);
  if (ec != std::errc() || ptr != end || !std::isfinite(x)) return std::string(stored);
  if (x == 0) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", x);
  std::string text = buf;
  size_t e = text.find('e');
  if (e == std::string::npos) return text;
  int exponent = std::atoi(text.c_str() + e + 1);
  std::string mantissa = text.substr(0, e);
  bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  size_t point = mantissa.find('.');
  std::string digits = mantissa;
  if (point != std::string::npos) {
    digits.erase(point, 1);
  } else {
    point = mantissa.size();
  }
  long long int_len = static_cast<long long>(point) + exponent;
  if (exponent > 0 && int_len >= static_cast<long long>(digits.size()) && int_len <= 21) {
    // An integer too long for %g without an exponent (an ID number typed as a number).
    digits.append(static_cast<size_t>(int_len) - digits.size(), '0');
    return negative ? "-" + digits : digits;
  }
  text[e] = 'E';
  return text;
}

std::string DecodeOoxmlEscapes(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_' && i + 6 < text.size() && text[i + 1] == 'x' && text[i + 6] == '_') {
      uint32_t cp = 0;
      bool hex = true;
      for (size_t k = 2; k < 6; ++k) {
        int v = HexValue(text[i + k]);
        if (v < 0) {
          hex = false;
          break;
        }
        cp = cp * 16 + static_cast<uint32_t>(v);
      }
      if (hex && (cp < 0xD800 || cp > 0xDFFF)) {
        utf8::Append(cp, &out);
        i += 6;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace onetable::connectors
