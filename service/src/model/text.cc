#include "model/text.h"

namespace onetable {

std::string FoldWidth(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c == 0xEF || c == 0xE2) && i + 2 < s.size()) {
      unsigned cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
                    (static_cast<unsigned char>(s[i + 2]) & 0x3F);
      if (cp >= 0xFF01 && cp <= 0xFF5E) {
        out.push_back(static_cast<char>(cp - 0xFF01 + 0x21));
        i += 2;
        continue;
      }
      if (cp >= 0x2010 && cp <= 0x2015) {
        out.push_back('-');
        i += 2;
        continue;
      }
    }
    if (s.compare(i, 3, "\xE3\x80\x80") == 0 || s.compare(i, 2, "\xC2\xA0") == 0) {
      out.push_back(' ');
      i += c == 0xE3 ? 2 : 1;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string_view TrimBlank(std::string_view s) {
  const char* kBlank = " \t\r\n\v\f";
  size_t b = s.find_first_not_of(kBlank);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kBlank) - b + 1);
}

}  // namespace onetable
