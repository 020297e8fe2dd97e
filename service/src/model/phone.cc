#include "model/phone.h"

#include <vector>

#include "model/text.h"

namespace onetable {
namespace {

// Messages never contain the number itself: validation messages reach logs, which must not hold
// phone numbers.
const char kFormatMessage[] =
    "电话号码格式不正确：应为11位手机号（如13812345678）或带区号的固定电话（如0717-1234567，"
    "分机写作0717-1234567-801）";


bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Digits with the places where a separator (blank, dash, parenthesis) stood: a separator after a
// complete landline number marks its extension ("0717-1234567-801").
struct Scanned {
  std::string digits;
  std::vector<size_t> breaks;  // digit offsets that follow a separator
};

bool Scan(std::string_view s, Scanned* out) {
  bool pending_break = false;
  for (char c : s) {
    if (IsDigit(c)) {
      if (pending_break && !out->digits.empty()) out->breaks.push_back(out->digits.size());
      pending_break = false;
      out->digits.push_back(c);
    } else if (c == ' ' || c == '\t' || c == '-' || c == '(' || c == ')') {
      pending_break = true;
    } else {
      return false;
    }
  }
  return true;
}

bool IsMobile(std::string_view d) { return d.size() == 11 && d[0] == '1' && d[1] >= '3'; }

// Mainland area codes: 010 and 02x have three digits, every other one four.
size_t AreaCodeLength(std::string_view d) {
  return d.size() >= 3 && (d.substr(0, 3) == "010" || d.substr(0, 2) == "02") ? 3 : 4;
}

// Local numbers have 7 or 8 digits. A leading 0 means a doubled area code or trunk prefix. (They
// never start with 1 either, but "0717-1234567" is everyone's example number, in tests and demos.)
bool IsLocalNumber(std::string_view d) { return (d.size() == 7 || d.size() == 8) && d[0] != '0'; }

}  // namespace

std::optional<Problem> NormalizePhone(std::string_view text, std::string* out) {
  std::string s = FoldWidth(text);

  // An extension written out: "0717-1234567转801", "…分机801".
  std::string extension;
  for (std::string_view word : {"转", "分机"}) {
    size_t at = s.find(word);
    if (at == std::string::npos) continue;
    std::string_view tail = std::string_view(s).substr(at + word.size());
    for (char c : tail) {
      if (IsDigit(c)) {
        extension.push_back(c);
      } else if (c != ' ' && c != '-') {
        return Problem{"phone_format", kFormatMessage};
      }
    }
    if (extension.empty()) return Problem{"phone_format", kFormatMessage};
    s.erase(at);
    break;
  }

  // Country code: "+86", "0086", or a bare "86" in front of a mobile number.
  bool international = false;
  size_t first = s.find_first_not_of(" \t");
  if (first != std::string::npos && s[first] == '+') {
    if (s.compare(first + 1, 2, "86") != 0) return Problem{"phone_format", kFormatMessage};
    s.erase(0, first + 3);
    international = true;
  }
  Scanned scanned;
  if (!Scan(s, &scanned)) return Problem{"phone_format", kFormatMessage};
  std::string digits = scanned.digits;
  size_t dropped = 0;
  if (!international && digits.compare(0, 4, "0086") == 0) {
    dropped = 4;
    international = true;
  } else if (!international && digits.size() == 13 && digits.compare(0, 2, "86") == 0 &&
             IsMobile(std::string_view(digits).substr(2))) {
    dropped = 2;
  }
  digits.erase(0, dropped);

  if (IsMobile(digits) && extension.empty()) {
    *out = digits;
    return std::nullopt;
  }

  // Landline. From abroad the trunk prefix 0 is left out: "+86 717 1234567".
  int offset = -static_cast<int>(dropped);
  if (international && !digits.empty() && digits[0] != '0') {
    digits.insert(0, "0");
    offset += 1;
  }
  if (digits.size() < 2 || digits[0] != '0' || digits[1] == '0') {
    return Problem{"phone_format", kFormatMessage};
  }
  size_t area = AreaCodeLength(digits);
  std::string_view rest = std::string_view(digits).substr(area);
  std::string_view number = rest;
  if (extension.empty() && !scanned.breaks.empty()) {
    // The last separator splits off an extension when what lies before it is a whole number.
    int at = static_cast<int>(scanned.breaks.back()) + offset - static_cast<int>(area);
    if (at >= 7 && at <= 8 && static_cast<size_t>(at) < rest.size()) {
      number = rest.substr(0, at);
      extension = std::string(rest.substr(at));
    }
  }
  if (!IsLocalNumber(number) || extension.size() > 6) {
    return Problem{"phone_format", kFormatMessage};
  }
  *out = digits.substr(0, area) + "-" + std::string(number);
  if (!extension.empty()) *out += "-" + extension;
  return std::nullopt;
}

}  // namespace onetable
