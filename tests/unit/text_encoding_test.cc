#include "csv/text_encoding.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace onetable::connectors {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(ONETABLE_TEST_DATA) + "/readers/" + name, std::ios::binary);
  EXPECT_TRUE(in.is_open()) << name;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Decodes `bytes` handed over `chunk` bytes at a time.
Status DecodeInChunks(TextDecoder* decoder, const std::string& bytes, size_t chunk,
                      std::string* out) {
  for (size_t i = 0; i < bytes.size(); i += chunk) {
    RETURN_IF_ERROR(decoder->Decode(std::string_view(bytes).substr(i, chunk), out));
  }
  return decoder->Finish(out);
}

// GB18030 bytes: 龚 B9A8 and 喆 86B4 are GBK; 𠈌 (U+2020C) is the four bytes 9532B730.
const std::string kGbkGongZhe = "\xB9\xA8\x86\xB4";
const std::string kGb18030Rare = "\x95\x32\xB7\x30";

struct NameCase {
  const char* name;
  bool ok;
  TextEncoding encoding;
};

class TextEncodingNameTest : public testing::TestWithParam<NameCase> {};

TEST_P(TextEncodingNameTest, ParsesDeclaredNames) {
  const NameCase& c = GetParam();
  Result<TextEncoding> parsed = ParseTextEncoding(c.name);
  ASSERT_EQ(parsed.ok(), c.ok) << c.name;
  if (c.ok) {
    EXPECT_EQ(*parsed, c.encoding) << c.name;
  } else {
    EXPECT_NE(parsed.status().message().find("不支持的编码"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Names, TextEncodingNameTest,
                         testing::Values(NameCase{"utf-8", true, TextEncoding::kUtf8},
                                         NameCase{"UTF8", true, TextEncoding::kUtf8},
                                         NameCase{"utf-8-bom", true, TextEncoding::kUtf8Bom},
                                         NameCase{"utf-8-sig", true, TextEncoding::kUtf8Bom},
                                         NameCase{"GBK", true, TextEncoding::kGbk},
                                         NameCase{"cp936", true, TextEncoding::kGbk},
                                         NameCase{"gb2312", true, TextEncoding::kGbk},
                                         NameCase{"GB18030", true, TextEncoding::kGb18030},
                                         NameCase{"big5", false, TextEncoding::kUtf8},
                                         NameCase{"", false, TextEncoding::kUtf8}));

TEST(TextEncodingNameTest, NamesRoundTrip) {
  for (TextEncoding e :
       {TextEncoding::kUtf8, TextEncoding::kUtf8Bom, TextEncoding::kGbk, TextEncoding::kGb18030}) {
    Result<TextEncoding> parsed = ParseTextEncoding(TextEncodingName(e));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, e);
  }
}

struct DetectCase {
  std::string sample;
  bool at_eof;
  bool ok;
  TextEncoding encoding;
  const char* error;  // substring when not ok
};

class DetectTextEncodingTest : public testing::TestWithParam<DetectCase> {};

TEST_P(DetectTextEncodingTest, DetectsOrExplains) {
  const DetectCase& c = GetParam();
  Result<TextEncoding> found = DetectTextEncoding(c.sample, c.at_eof);
  ASSERT_EQ(found.ok(), c.ok) << (found.ok() ? "" : found.status().message());
  if (c.ok) {
    EXPECT_EQ(*found, c.encoding) << TextEncodingName(*found);
  } else {
    EXPECT_NE(found.status().message().find(c.error), std::string::npos)
        << found.status().message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Samples, DetectTextEncodingTest,
    testing::Values(
        DetectCase{"name,id\n", true, true, TextEncoding::kUtf8, ""},
        DetectCase{"\xEF\xBB\xBF姓名\n", true, true, TextEncoding::kUtf8Bom, ""},
        DetectCase{"姓名,身份证号\n", true, true, TextEncoding::kUtf8, ""},
        DetectCase{kGbkGongZhe + ",1\n", true, true, TextEncoding::kGbk, ""},
        DetectCase{kGbkGongZhe + kGb18030Rare, true, true, TextEncoding::kGb18030, ""},
        // Cut in the middle of a character: fine for a first chunk, not for a whole file.
        DetectCase{"a\xB9", false, true, TextEncoding::kGbk, ""},
        DetectCase{"a\xB9", true, false, TextEncoding::kUtf8, "无法识别文件编码"},
        DetectCase{"\xFF\xFEn\0a\0", true, false, TextEncoding::kUtf8, "UTF-16"},
        DetectCase{"ok\x80\x80", true, false, TextEncoding::kUtf8, "字节偏移 2"}));

TEST(TextDecoderTest, DecodesFixturesWholeAndInEveryChunkSize) {
  const std::string utf8 = ReadFixture("src/dibao.utf8.csv");
  const std::string utf8_rare = ReadFixture("src/dibao18030.utf8.csv");
  struct FileCase {
    const char* file;
    std::optional<TextEncoding> declared;
    TextEncoding reported;
    const std::string* expected;
  };
  const FileCase cases[] = {
      {"dibao_utf8.csv", std::nullopt, TextEncoding::kUtf8, &utf8},
      {"dibao_bom.csv", std::nullopt, TextEncoding::kUtf8Bom, &utf8},
      {"dibao_bom.csv", TextEncoding::kUtf8, TextEncoding::kUtf8, &utf8},
      {"dibao_gbk.csv", std::nullopt, TextEncoding::kGbk, &utf8},
      {"dibao_gbk.csv", TextEncoding::kGbk, TextEncoding::kGbk, &utf8},
      {"dibao_gbk.csv", TextEncoding::kGb18030, TextEncoding::kGb18030, &utf8},
      {"dibao_gb18030.csv", std::nullopt, TextEncoding::kGb18030, &utf8_rare},
      // Declared GBK but holding a GB18030-only character: decoded (superset), declared kept.
      {"dibao_gb18030.csv", TextEncoding::kGbk, TextEncoding::kGbk, &utf8_rare},
  };
  for (const FileCase& c : cases) {
    const std::string bytes = ReadFixture(c.file);
    for (size_t chunk : {bytes.size(), size_t{1}, size_t{2}, size_t{3}, size_t{5}, size_t{7}}) {
      TextDecoder decoder(c.declared, c.file);
      std::string out;
      Status st = DecodeInChunks(&decoder, bytes, chunk, &out);
      ASSERT_TRUE(st.ok()) << c.file << " chunk " << chunk << ": " << st.message();
      EXPECT_EQ(out, *c.expected) << c.file << " chunk " << chunk;
      EXPECT_EQ(decoder.encoding(), c.reported) << c.file << " chunk " << chunk;
    }
  }
}

TEST(TextDecoderTest, InvalidGbkNamesLineAndByteOffset) {
  const std::string bytes = ReadFixture("invalid_gbk.csv");
  for (size_t chunk : {bytes.size(), size_t{1}, size_t{4}}) {
    TextDecoder decoder(TextEncoding::kGbk, "invalid_gbk.csv");
    std::string out;
    Status st = DecodeInChunks(&decoder, bytes, chunk, &out);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.message(), "invalid_gbk.csv 第 3 行（字节偏移 26）: 不是有效的 gbk 编码")
        << "chunk " << chunk;
    // Everything before the bad byte was decoded.
    EXPECT_EQ(out.substr(0, out.find("bad")), "姓名,地址\n龚喆,东城区\n");
    // A failed decoder stays failed.
    EXPECT_FALSE(decoder.Decode("more", &out).ok());
  }
}

TEST(TextDecoderTest, GbkDeclaredAsUtf8SuggestsCheckingTheEncoding) {
  TextDecoder decoder(TextEncoding::kUtf8, "dibao.csv");
  std::string out;
  Status st = DecodeInChunks(&decoder, "姓名\n" + kGbkGongZhe + "\n", 64, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("dibao.csv 第 2 行（字节偏移 7）: 不是有效的 utf-8 编码"),
            std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("GBK"), std::string::npos);
}

TEST(TextDecoderTest, InputEndingInsideACharacterIsAnError) {
  for (auto declared : {std::optional<TextEncoding>(TextEncoding::kGbk),
                        std::optional<TextEncoding>(TextEncoding::kUtf8)}) {
    TextDecoder decoder(declared, "cut.csv");
    std::string out;
    std::string bytes = declared == TextEncoding::kGbk ? "a\n\xB9" : "a\n\xE9\xBE";
    Status st = DecodeInChunks(&decoder, bytes, 1, &out);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("第 2 行（字节偏移 2）"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("中间结束"), std::string::npos) << st.message();
  }
}

TEST(TextDecoderTest, DetectionWaitsForTheFirstNonAsciiByte) {
  // 100 KB of ASCII first: a detector that only looked at the start would call it UTF-8.
  const std::string ascii(100 * 1024, 'a');
  {
    TextDecoder decoder(std::nullopt, "late_gbk.csv");
    std::string out;
    ASSERT_TRUE(DecodeInChunks(&decoder, ascii + "\n" + kGbkGongZhe + "\n", 4096, &out).ok());
    EXPECT_EQ(decoder.encoding(), TextEncoding::kGbk);
    EXPECT_EQ(out, ascii + "\n龚喆\n");
  }
  {
    TextDecoder decoder(std::nullopt, "late_utf8.csv");
    std::string out;
    ASSERT_TRUE(DecodeInChunks(&decoder, ascii + "\n龚喆\n", 4096, &out).ok());
    EXPECT_EQ(decoder.encoding(), TextEncoding::kUtf8);
    EXPECT_EQ(out, ascii + "\n龚喆\n");
  }
  {
    TextDecoder decoder(std::nullopt, "ascii.csv");
    std::string out;
    ASSERT_TRUE(DecodeInChunks(&decoder, "a,b\n", 2, &out).ok());
    EXPECT_EQ(decoder.encoding(), TextEncoding::kUtf8);
    EXPECT_EQ(out, "a,b\n");
  }
}

TEST(TextDecoderTest, GbkDetectedEarlyBecomesGb18030WhenAFourByteCharacterAppearsLater) {
  std::string bytes = "name\n";
  for (int i = 0; i < 40000; ++i) bytes += kGbkGongZhe.substr(0, 2);  // 80 KB of 龚
  bytes += "\n" + kGb18030Rare + "\n";
  TextDecoder decoder(std::nullopt, "late_rare.csv");
  std::string out;
  ASSERT_TRUE(DecodeInChunks(&decoder, bytes, 8192, &out).ok());
  EXPECT_EQ(decoder.encoding(), TextEncoding::kGb18030);
  EXPECT_EQ(out.substr(out.size() - 6), "\n𠈌\n");
}

TEST(TextDecoderTest, Utf16IsRefusedWithAHint) {
  TextDecoder decoder(std::nullopt, "unicode.txt");
  std::string out;
  Status st = DecodeInChunks(&decoder, std::string("\xFF\xFEn\0", 4), 64, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("unicode.txt: 文件是 UTF-16 编码"), std::string::npos)
      << st.message();
}

}  // namespace
}  // namespace onetable::connectors
