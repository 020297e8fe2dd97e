// Small text helpers every part of onetable needs (the service and the connector plugins):
// trimming blanks, ASCII case folding, joining and splitting.
//
// Three trims, because callers differ in what counts as blank around a value:
// - TrimBlank: ASCII blanks only (space, tab, CR, LF, VT, FF): file formats, SQL, options.
// - TrimWideBlank: also the ideographic space U+3000 and the no-break space U+00A0, which
//   workers type with a Chinese IME or paste from Word around a value.
// - TrimHeaderBlank: also U+FEFF, the byte order mark a spreadsheet leaves in a header cell.
// Case folding is ASCII only: Chinese has no case, and keys, formats and SQL words are ASCII.
//
// Header-only, so plugins (which may include only service/include/onetable) use it without
// linking anything. Pure functions; thread-safe.
#ifndef ONETABLE_TEXT_H_
#define ONETABLE_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace onetable {

inline bool IsAsciiBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

namespace text_internal {

// Byte length of a blank at the start (`at_end` false) or the end of `s`, or 0. `wide` adds
// U+3000 and U+00A0, `bom` adds U+FEFF.
inline size_t BlankAt(std::string_view s, bool at_end, bool wide, bool bom) {
  if (s.empty()) return 0;
  if (IsAsciiBlank(at_end ? s.back() : s.front())) return 1;
  const auto has = [&](std::string_view blank) {
    if (s.size() < blank.size()) return false;
    return (at_end ? s.substr(s.size() - blank.size()) : s.substr(0, blank.size())) == blank;
  };
  if (wide && has("\xE3\x80\x80")) return 3;  // U+3000
  if (wide && has("\xC2\xA0")) return 2;      // U+00A0
  if (bom && has("\xEF\xBB\xBF")) return 3;   // U+FEFF
  return 0;
}

inline std::string_view Trim(std::string_view s, bool wide, bool bom) {
  while (size_t n = BlankAt(s, false, wide, bom)) s.remove_prefix(n);
  while (size_t n = BlankAt(s, true, wide, bom)) s.remove_suffix(n);
  return s;
}

}  // namespace text_internal

// `s` without leading and trailing ASCII blanks (space, tab, CR, LF, VT, FF).
inline std::string_view TrimBlank(std::string_view s) {
  return text_internal::Trim(s, false, false);
}

// `s` without leading and trailing ASCII blanks, ideographic spaces (U+3000) and no-break
// spaces (U+00A0).
inline std::string_view TrimWideBlank(std::string_view s) {
  return text_internal::Trim(s, true, false);
}

// As TrimWideBlank, and byte order marks (U+FEFF) too.
inline std::string_view TrimHeaderBlank(std::string_view s) {
  return text_internal::Trim(s, true, true);
}

inline char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// `s` with A-Z folded to a-z; every other byte (UTF-8 included) unchanged.
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

inline bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

inline bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The parts with `separator` between them ("" for none).
inline std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.append(separator);
    out.append(parts[i]);
  }
  return out;
}

// The pieces of `text` between `separator`s, empty ones kept: "a,,b" -> {"a", "", "b"},
// "" -> {""}. The pieces point into `text`, which must outlive them.
inline std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t pos = text.find(separator, start);
    out.emplace_back(text.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

}  // namespace onetable

#endif  // ONETABLE_TEXT_H_
