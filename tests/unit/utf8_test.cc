// onetable/utf8.h: the one UTF-8 decoder. Case tables include the ill-formed inputs a GBK file
// or a broken client sends: overlong forms, surrogates, truncated sequences, values above
// U+10FFFF, and four-byte characters outside the BMP (𠈌) that must never be cut or miscounted.
#include "onetable/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace onetable::utf8 {
namespace {

struct DecodeCase {
  std::string bytes;
  Decode status;
  char32_t value;  // when kOk
  size_t length;
};

class DecodeAtTest : public testing::TestWithParam<DecodeCase> {};

TEST_P(DecodeAtTest, DecodesOrSaysWhyNot) {
  const DecodeCase& c = GetParam();
  const CodePoint cp = DecodeAt(c.bytes, 0);
  EXPECT_EQ(cp.status, c.status);
  EXPECT_EQ(cp.length, c.length);
  EXPECT_EQ(cp.value, c.status == Decode::kOk ? c.value : kReplacementChar);
}

INSTANTIATE_TEST_SUITE_P(
    Bytes, DecodeAtTest,
    testing::Values(DecodeCase{"a", Decode::kOk, U'a', 1},
                    DecodeCase{"\xC3\xA9", Decode::kOk, 0xE9, 2},  // é
                    DecodeCase{"张", Decode::kOk, U'张', 3},
                    DecodeCase{"\xF0\xA0\x88\x8C", Decode::kOk, 0x2020C, 4},  // 𠈌
                    DecodeCase{"\xF4\x8F\xBF\xBF", Decode::kOk, 0x10FFFF, 4},
                    DecodeCase{"\xEF\xBF\xBD", Decode::kOk, 0xFFFD, 3},
                    DecodeCase{"\xC0\x80", Decode::kInvalid, 0, 1},          // overlong NUL
                    DecodeCase{"\xC1\xBF", Decode::kInvalid, 0, 1},          // overlong
                    DecodeCase{"\xE0\x80\x80", Decode::kInvalid, 0, 1},      // overlong
                    DecodeCase{"\xF0\x80\x80\x80", Decode::kInvalid, 0, 1},  // overlong
                    DecodeCase{"\xED\xA0\x80", Decode::kInvalid, 0, 1},      // surrogate D800
                    DecodeCase{"\xED\xBF\xBF", Decode::kInvalid, 0, 1},      // surrogate DFFF
                    DecodeCase{"\xF4\x90\x80\x80", Decode::kInvalid, 0, 1},  // U+110000
                    DecodeCase{"\xF5\x80\x80\x80", Decode::kInvalid, 0, 1},
                    DecodeCase{"\xFF", Decode::kInvalid, 0, 1},
                    DecodeCase{"\x80", Decode::kInvalid, 0, 1},            // lone continuation
                    DecodeCase{"\xE5\x28\xA0", Decode::kInvalid, 0, 1},    // broken sequence
                    DecodeCase{"\xD5\xC5", Decode::kInvalid, 0, 1},        // 张 in GBK
                    DecodeCase{"\xE5\xBC", Decode::kTruncated, 0, 2},      // 张 cut short
                    DecodeCase{"\xF0\xA0\x88", Decode::kTruncated, 0, 3},  // 𠈌 cut short
                    DecodeCase{"\xE0\x80", Decode::kInvalid, 0, 1}));      // overlong, then ends

struct TextCase {
  std::string bytes;
  size_t valid;  // ScanValid().valid
  Decode stop;
  std::string sanitized;
  size_t code_points;
};

class TextTest : public testing::TestWithParam<TextCase> {};

TEST_P(TextTest, ScanSanitizeAndCountAgree) {
  const TextCase& c = GetParam();
  const Scan scan = ScanValid(c.bytes);
  EXPECT_EQ(scan.valid, c.valid);
  EXPECT_EQ(scan.stop, c.stop);
  EXPECT_EQ(IsValid(c.bytes), c.stop == Decode::kOk);
  EXPECT_EQ(Sanitize(c.bytes), c.sanitized);
  EXPECT_TRUE(IsValid(Sanitize(c.bytes)));
  EXPECT_EQ(CountCodePoints(c.bytes), c.code_points);
  EXPECT_EQ(CountCodePoints(Sanitize(c.bytes)), c.code_points);
}

INSTANTIATE_TEST_SUITE_P(
    Texts, TextTest,
    testing::Values(TextCase{"", 0, Decode::kOk, "", 0}, TextCase{"abc", 3, Decode::kOk, "abc", 3},
                    TextCase{"龚喆", 6, Decode::kOk, "龚喆", 2},
                    TextCase{"王\xF0\xA0\x88\x8C", 7, Decode::kOk, "王\xF0\xA0\x88\x8C", 2},
                    TextCase{"a\xE9\xBE", 1, Decode::kTruncated, "a\uFFFD\uFFFD", 3},
                    TextCase{"a\xFF", 1, Decode::kInvalid, "a\uFFFD", 2},
                    TextCase{"\xC0\x80", 0, Decode::kInvalid, "\uFFFD\uFFFD", 2},
                    TextCase{"\xC0\xAF", 0, Decode::kInvalid, "\uFFFD\uFFFD", 2},  // overlong '/'
                    TextCase{"\xF4\x90\x80\x80", 0, Decode::kInvalid, "\uFFFD\uFFFD\uFFFD\uFFFD",
                             4},  // above U+10FFFF
                    TextCase{"\xED\xA0\x80z", 0, Decode::kInvalid, "\uFFFD\uFFFD\uFFFDz", 4},
                    TextCase{"ab\xB9\xA8", 2, Decode::kInvalid, "ab\uFFFD\uFFFD", 4},  // GBK
                    TextCase{"张\xD5\xC5三", 3, Decode::kInvalid, "张\uFFFD\uFFFD三", 4}));

struct CutCase {
  std::string text;
  size_t max_bytes;
  std::string kept;
};

class TruncateBytesTest : public testing::TestWithParam<CutCase> {};

TEST_P(TruncateBytesTest, NeverCutsACharacter) {
  const CutCase& c = GetParam();
  EXPECT_EQ(TruncateBytes(c.text, c.max_bytes), c.kept);
}

INSTANTIATE_TEST_SUITE_P(
    Cuts, TruncateBytesTest,
    testing::Values(CutCase{"abc", 5, "abc"}, CutCase{"abc", 2, "ab"}, CutCase{"张三", 6, "张三"},
                    CutCase{"张三", 5, "张"}, CutCase{"张三", 4, "张"}, CutCase{"张三", 3, "张"},
                    CutCase{"张三", 2, ""}, CutCase{"a\xF0\xA0\x88\x8C", 4, "a"},
                    CutCase{"a\xF0\xA0\x88\x8C"
                            "b",
                            5, "a\xF0\xA0\x88\x8C"},
                    CutCase{"\x80\x80\x80\x80\x80", 3, "\x80\x80\x80"}));  // stray bytes: any cut

TEST(Utf8, TruncateCodePointsCountsCharactersNotBytes) {
  EXPECT_EQ(TruncateCodePoints("张\xF0\xA0\x88\x8C三", 2), "张\xF0\xA0\x88\x8C");
  EXPECT_EQ(TruncateCodePoints("abc", 5), "abc");
  EXPECT_EQ(TruncateCodePoints("a\xFF"
                               "bc",
                               2),
            "a\xFF");
  EXPECT_EQ(TruncateCodePoints("abc", 0), "");
}

struct PositionCase {
  std::string text;
  size_t offset;
  int line;
  int column;
};

class LineColumnTest : public testing::TestWithParam<PositionCase> {};

TEST_P(LineColumnTest, CountsCharactersOnTheLine) {
  const PositionCase& c = GetParam();
  const LineColumn at = LineColumnAt(c.text, c.offset);
  EXPECT_EQ(at.line, c.line);
  EXPECT_EQ(at.column, c.column);
}

INSTANTIATE_TEST_SUITE_P(
    Offsets, LineColumnTest,
    testing::Values(PositionCase{"abc", 0, 1, 1}, PositionCase{"abc", 2, 1, 3},
                    PositionCase{"姓名: x", 8, 1, 5},                // after 姓名:␠ (8 bytes)
                    PositionCase{"a\n\xF0\xA0\x88\x8C=1", 6, 2, 2},  // after 𠈌 on line 2
                    PositionCase{"a\r\nb", 3, 2, 1}, PositionCase{"ab\r\n", 3, 1, 3},
                    PositionCase{"ab", 99, 1, 3}));  // clamped to the end

TEST(Utf8, HasSupplementaryFindsFourByteCharacters) {
  EXPECT_TRUE(utf8::HasSupplementary("王\xF0\xA0\x88\x8C"));  // 王𠈌
  EXPECT_FALSE(utf8::HasSupplementary("王小明 abc"));
  EXPECT_FALSE(utf8::HasSupplementary("\xF0\xA0\x88"));  // cut short: not a character
  EXPECT_FALSE(utf8::HasSupplementary(""));
}

TEST(Utf8, AppendEncodesEveryPlane) {
  std::string out;
  for (char32_t cp : {U'a', char32_t{0xE9}, U'张', char32_t{0x2020C}}) {
    Append(cp, &out);
  }
  EXPECT_EQ(out, "a\xC3\xA9张\xF0\xA0\x88\x8C");
  for (char32_t cp : {U'a', char32_t{0xE9}, U'张', char32_t{0x2020C}}) {
    std::string one;
    Append(cp, &one);
    EXPECT_EQ(one.size(), EncodedLength(cp));
    EXPECT_EQ(DecodeAt(one, 0).value, cp);
  }
  std::string bad;
  Append(0xD800, &bad);
  Append(0x110000, &bad);
  EXPECT_EQ(bad, "\uFFFD\uFFFD");
}

}  // namespace
}  // namespace onetable::utf8
