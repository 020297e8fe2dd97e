#include "ingest/address.h"

#include <vector>

#include "onetable/utf8.h"

namespace onetable {
namespace {

// A byte that is not UTF-8 becomes U+FFFD.
std::u32string Decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const utf8::CodePoint cp = utf8::DecodeAt(s, i);
    out += cp.value;
    i += cp.status == utf8::Decode::kOk ? cp.length : 1;
  }
  return out;
}

std::string Encode(const std::u32string& s) {
  std::string out;
  for (char32_t cp : s) utf8::Append(cp, &out);
  return out;
}

int NumeralValue(char32_t c) {
  switch (c) {
    case U'零':
    case U'〇':
      return 0;
    case U'一':
      return 1;
    case U'二':
    case U'两':
      return 2;
    case U'三':
      return 3;
    case U'四':
      return 4;
    case U'五':
      return 5;
    case U'六':
      return 6;
    case U'七':
      return 7;
    case U'八':
      return 8;
    case U'九':
      return 9;
    case U'十':
      return 10;
    default:
      return -1;
  }
}

bool IsDigit(char32_t c) { return c >= U'0' && c <= U'9'; }

// Whether `s` at `i` starts a unit that Chinese numerals before it count.
bool IsUnitAt(const std::u32string& s, size_t i) {
  if (i >= s.size()) return false;
  char32_t c = s[i];
  if (c == U'栋' || c == U'幢' || c == U'座' || c == U'号' || c == U'层' || c == U'室') return true;
  return c == U'单' && i + 1 < s.size() && s[i + 1] == U'元';
}

// A run of Chinese numerals as a number: 三 3, 十 10, 十三 13, 二十 20, 二十三 23, 一二 12.
std::u32string NumeralsToDigits(const std::u32string& run) {
  bool has_ten = false;
  for (char32_t c : run) has_ten = has_ten || c == U'十';
  if (!has_ten) {
    std::u32string out;
    for (char32_t c : run) out += static_cast<char32_t>(U'0' + NumeralValue(c));
    return out;
  }
  int value = 0, tens = 0, ones = 0;
  bool seen_ten = false;
  for (char32_t c : run) {
    int v = NumeralValue(c);
    if (v == 10) {
      tens = (ones == 0 ? 1 : ones);
      ones = 0;
      seen_ten = true;
    } else {
      ones = v;
    }
  }
  value = (seen_ten ? tens * 10 : 0) + ones;
  std::u32string out;
  for (char ch : std::to_string(value)) out += static_cast<char32_t>(ch);
  return out;
}

void ReplaceAll(std::u32string* s, const std::u32string& from, const std::u32string& to) {
  size_t pos = 0;
  while ((pos = s->find(from, pos)) != std::u32string::npos) {
    s->replace(pos, from.size(), to);
    pos += to.size();
  }
}

}  // namespace

std::string NormalizeAddress(std::string_view address) {
  std::u32string in = Decode(address);
  std::u32string s;
  for (char32_t c : in) {
    if (c >= 0xFF01 && c <= 0xFF5E) c = c - 0xFF01 + 0x21;
    if (c == U' ' || c == U'\t' || c == U'\r' || c == U'\n' || c == 0x3000 || c == 0xA0) continue;
    if (c >= U'a' && c <= U'z') c = c - U'a' + U'A';
    if (c == U'單') c = U'单';
    if (c == U'棟') c = U'栋';
    if (c == U'號') c = U'号';
    if (c == U'—' || c == U'－' || c == U'–') c = U'-';
    s += c;
  }
  // Chinese numerals before a unit become digits.
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    if (NumeralValue(s[i]) >= 0) {
      size_t j = i;
      while (j < s.size() && NumeralValue(s[j]) >= 0) ++j;
      if (IsUnitAt(s, j) && j - i <= 3) {
        out += NumeralsToDigits(s.substr(i, j - i));
      } else {
        out += s.substr(i, j - i);
      }
      i = j;
    } else {
      out += s[i++];
    }
  }
  s = out;
  ReplaceAll(&s, U"号楼", U"栋");
  ReplaceAll(&s, U"栋楼", U"栋");
  ReplaceAll(&s, U"幢", U"栋");
  // 座 and # name a building only right after a number (宝座路 is a road).
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    bool after_digit = i > 0 && (IsDigit(s[i - 1]) || (s[i - 1] >= U'A' && s[i - 1] <= U'Z'));
    if (after_digit && (s[i] == U'座' || s[i] == U'#')) {
      out += U'栋';
    } else {
      out += s[i];
    }
  }
  s = out;
  if (s.size() >= 2 && s.back() == U'室' && IsDigit(s[s.size() - 2])) s.pop_back();
  return Encode(s);
}

}  // namespace onetable
