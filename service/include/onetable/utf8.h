// UTF-8: the one decoder, validator and cutter of the service and the connector plugins.
//
// Well-formed means RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF, no sequence cut short. Functions that take arbitrary bytes say what they do with a
// byte that is not part of a well-formed sequence: it is one character (U+FFFD, one byte long),
// so counting, cutting and sanitizing agree with each other.
//
// Header-only, so plugins (which may include only service/include/onetable) use it without
// linking anything. Pure functions; thread-safe.
#ifndef ONETABLE_UTF8_H_
#define ONETABLE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace onetable::utf8 {

inline constexpr char32_t kReplacementChar = 0xFFFD;
inline constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD encoded
inline constexpr std::string_view kBom = "\xEF\xBB\xBF";          // U+FEFF encoded

// How the bytes at a position decode.
enum class Decode {
  kOk,         // a well-formed sequence
  kInvalid,    // a byte that cannot start a sequence, or a sequence broken by a wrong byte
  kTruncated,  // the text ends inside a sequence whose bytes so far are well-formed
};

struct CodePoint {
  char32_t value = kReplacementChar;  // kReplacementChar unless status is kOk
  size_t length = 1;  // bytes: the sequence when kOk, 1 when kInvalid, what is left when kTruncated
  Decode status = Decode::kOk;
};

// True for the bytes 0x80..0xBF, which never start a character.
inline bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Decodes the character starting at text[pos]. Precondition: pos < text.size().
inline CodePoint DecodeAt(std::string_view text, size_t pos) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[pos + k]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return {b0, 1, Decode::kOk};
  size_t len;
  char32_t cp;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return {kReplacementChar, 1, Decode::kInvalid};  // 0x80..0xC1 (0xC0, 0xC1: overlong), 0xF5..
  }
  for (size_t k = 1; k < len; ++k) {
    if (pos + k >= text.size()) return {kReplacementChar, k, Decode::kTruncated};
    const unsigned char b = byte(k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
      return {kReplacementChar, 1, Decode::kInvalid};
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  return {cp, len, Decode::kOk};
}

// Where well-formed text stops: `valid` bytes from the start are well-formed, and `stop` says
// what follows them (kOk when `valid` is the whole text).
struct Scan {
  size_t valid = 0;
  Decode stop = Decode::kOk;
};

inline Scan ScanValid(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {  // the common case, kept cheap
      ++i;
      continue;
    }
    const CodePoint cp = DecodeAt(text, i);
    if (cp.status != Decode::kOk) return {i, cp.status};
    i += cp.length;
  }
  return {i, Decode::kOk};
}

// True when all of `text` is well-formed UTF-8.
inline bool IsValid(std::string_view text) { return ScanValid(text).stop == Decode::kOk; }

// `text` with each byte that is not part of a well-formed sequence replaced by U+FFFD
// (a copy of `text` when it is well-formed).
inline std::string Sanitize(std::string_view text) {
  Scan scan = ScanValid(text);
  std::string out(text.substr(0, scan.valid));
  for (size_t i = scan.valid; i < text.size();) {
    const CodePoint cp = DecodeAt(text, i);
    if (cp.status == Decode::kOk) {
      out.append(text.substr(i, cp.length));
      i += cp.length;
    } else {
      out.append(kReplacement);
      ++i;
    }
  }
  return out;
}

// Number of characters in `text`; each byte outside a well-formed sequence counts as one.
inline size_t CountCodePoints(std::string_view text) {
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const CodePoint cp = DecodeAt(text, i);
    i += cp.status == Decode::kOk ? cp.length : 1;
  }
  return n;
}

// True when `text` has a character outside the Basic Multilingual Plane (above U+FFFF, four
// bytes in UTF-8), such as the rare 𠈌 in a name.
inline bool HasSupplementary(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const CodePoint cp = DecodeAt(text, i);
    if (cp.status == Decode::kOk && cp.value > 0xFFFF) return true;
    i += cp.status == Decode::kOk ? cp.length : 1;
  }
  return false;
}

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a
// character (so a well-formed text stays well-formed when cut).
inline std::string_view TruncateBytes(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  // The start of the character text[cut] belongs to: a sequence is at most 4 bytes long.
  size_t start = cut;
  while (start > 0 && cut - start < 3 && IsContinuation(static_cast<unsigned char>(text[start]))) {
    --start;
  }
  if (start < cut) {
    const CodePoint cp = DecodeAt(text, start);
    if (cp.status == Decode::kOk && start + cp.length > cut) cut = start;
  }
  return text.substr(0, cut);
}

// The first `max_chars` characters of `text` (all of it when it has no more).
inline std::string_view TruncateCodePoints(std::string_view text, size_t max_chars) {
  size_t i = 0;
  for (size_t n = 0; n < max_chars && i < text.size(); ++n) {
    const CodePoint cp = DecodeAt(text, i);
    i += cp.status == Decode::kOk ? cp.length : 1;
  }
  return text.substr(0, i);
}

// A position in a text as editors show it: 1-based line, and 1-based column in characters.
struct LineColumn {
  int line = 1;
  int column = 1;
};

// The line and column of byte `offset` of `text` (clamped to its end). Lines end at '\n'; a
// '\r' takes no column (CRLF files show the same columns as LF files).
inline LineColumn LineColumnAt(std::string_view text, size_t offset) {
  if (offset > text.size()) offset = text.size();
  LineColumn at;
  for (size_t i = 0; i < offset;) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++at.line;
      at.column = 1;
      ++i;
      continue;
    }
    const CodePoint cp = c < 0x80 ? CodePoint{c, 1, Decode::kOk} : DecodeAt(text, i);
    i += cp.status == Decode::kOk ? cp.length : 1;
    if (c != '\r') ++at.column;
  }
  return at;
}

// Bytes the encoding of `cp` takes (precondition: cp <= U+10FFFF).
inline size_t EncodedLength(char32_t cp) {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

// Appends the encoding of `cp` to `out`; a surrogate or a value above U+10FFFF appends U+FFFD.
inline void Append(char32_t cp, std::string* out) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = kReplacementChar;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace onetable::utf8

#endif  // ONETABLE_UTF8_H_
