#include "model/text.h"

#include <algorithm>
#include <vector>

#include "onetable/utf8.h"

namespace onetable {

namespace {

// `s` with full-width ASCII folded, and with `all` the dashes and wide spaces too (FoldWidth).
std::string Fold(std::string_view s, bool all) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(s[i++]);
      continue;
    }
    const utf8::CodePoint cp = utf8::DecodeAt(s, i);
    const size_t n = cp.status == utf8::Decode::kOk ? cp.length : 1;
    if (cp.status == utf8::Decode::kOk && cp.value >= 0xFF01 && cp.value <= 0xFF5E) {
      out.push_back(static_cast<char>(cp.value - 0xFF01 + 0x21));
    } else if (all && cp.status == utf8::Decode::kOk && cp.value >= 0x2010 && cp.value <= 0x2015) {
      out.push_back('-');
    } else if (all && cp.status == utf8::Decode::kOk && (cp.value == 0x3000 || cp.value == 0xA0)) {
      out.push_back(' ');
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

}  // namespace

std::string FoldWidth(std::string_view s) { return Fold(s, true); }

std::string FoldFullWidth(std::string_view s) { return Fold(s, false); }

int EditDistance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::string Closest(const std::string& word, const std::vector<std::string>& candidates) {
  int limit = std::max<int>(1, std::min<int>(3, static_cast<int>(word.size()) / 2));
  std::string best;
  int best_d = limit + 1;
  for (const std::string& c : candidates) {
    int d = EditDistance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace onetable
