// Text clean-up shared by the validators and matchers: what workers paste from Word or type with
// a Chinese IME (full-width digits and letters, ideographic spaces, typographic dashes) folded
// to the ASCII the rules are written for. Where a byte of UTF-8 text is as people count it
// (characters, not bytes) is utf8::LineColumnAt (onetable/utf8.h). Trimming, case folding, Join and
// Split are in onetable/text.h (plugins use them too). Pure; thread-safe.
#ifndef ONETABLE_MODEL_TEXT_H_
#define ONETABLE_MODEL_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

#include "onetable/text.h"

namespace onetable {

// Full-width ASCII (U+FF01..U+FF5E) to ASCII, typographic dashes (U+2010..U+2015) to '-',
// ideographic (U+3000) and no-break (U+00A0) spaces to ' '. Everything else is kept.
std::string FoldWidth(std::string_view s);

// Only the full-width ASCII forms (U+FF01..U+FF5E, e.g. "１２３", "．") folded to ASCII: for
// numbers, where a dash or a space that FoldWidth would make '-' or ' ' must stay a mistake.
std::string FoldFullWidth(std::string_view s);

// Edit distance with adjacent transpositions (optimal string alignment), for "did you mean"
// suggestions in catalog and mapping messages.
int EditDistance(const std::string& a, const std::string& b);

// The candidate closest to `word` within a small edit distance (at most 3, and at most half the
// word), or "" when none is that close.
std::string Closest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace onetable

#endif  // ONETABLE_MODEL_TEXT_H_
