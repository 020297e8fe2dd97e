// model/base64.h: RFC 4648 vectors for both alphabets, and the inputs the password-hash reader
// must refuse.
#include "model/base64.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace onetable {
namespace {

struct Vector {
  std::string bytes, standard, url;
};

TEST(Base64, EncodesTheRfc4648Vectors) {
  const Vector vectors[] = {{"", "", ""},
                            {"f", "Zg==", "Zg"},
                            {"fo", "Zm8=", "Zm8"},
                            {"foo", "Zm9v", "Zm9v"},
                            {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
                            {"\xFB\xFF", "+/8=", "-_8"}};
  for (const Vector& v : vectors) {
    EXPECT_EQ(Base64Encode(v.bytes), v.standard) << v.standard;
    EXPECT_EQ(Base64UrlEncode(v.bytes), v.url) << v.url;
    if (!v.bytes.empty()) {
      EXPECT_EQ(Base64Decode(v.standard), v.bytes) << v.standard;
    }
  }
}

TEST(Base64, LongInputStaysOnOneLine) {
  const std::string bytes(96, 'x');
  EXPECT_EQ(Base64Encode(bytes).find('\n'), std::string::npos);
  EXPECT_EQ(Base64UrlEncode(std::string(32, '\xFF')).size(), 43u);  // a token's length
  EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes);
}

TEST(Base64, DecodeRefusesWhatIsNotPaddedBase64) {
  for (const char* bad : {"", "Zg", "Zg=", "Z===", "Zm9v\n", "Zm-v", "Zm_v", "Z=g=", "Zm9v Zm9v"}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
}

// The canonical decoder accepts exactly the texts Base64Encode gives: the last group's spellings
// (every pair of its last two characters) compared with "Base64Decode succeeds and encodes back the
// same", and round trips of every length up to 64.
TEST(Base64, CanonicalDecodeAcceptsOnlyWhatEncodeGives) {
  const std::string chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n";
  auto reference = [](const std::string& text) -> std::optional<std::string> {
    std::optional<std::string> d = Base64Decode(text);
    if (!d || Base64Encode(*d) != text) return std::nullopt;
    return d;
  };
  int accepted = 0;
  for (char a : std::string("A/=-")) {
    for (char b : chars) {
      for (char c : chars) {
        for (const std::string& text :
             {std::string("Zm9v") + a + b + c + '=',
              std::string("Zm9v") + a + b + "==", std::string("Zm9v") + a + b + c + 'A'}) {
          const std::optional<std::string> got = Base64DecodeCanonical(text);
          ASSERT_EQ(got, reference(text)) << text;
          accepted += got.has_value();
        }
      }
    }
  }
  EXPECT_GT(accepted, 0);
  EXPECT_FALSE(Base64DecodeCanonical("QR==").has_value()) << "spare bits set";
  EXPECT_EQ(Base64Decode("QR=="), "A") << "the lenient decoder takes it";
  EXPECT_EQ(Base64DecodeCanonical(""), "");
  std::string bytes;
  for (int n = 0; n <= 64; ++n) {
    EXPECT_EQ(Base64DecodeCanonical(Base64Encode(bytes)), bytes) << n;
    std::string appended = "enc1:";
    AppendBase64(bytes, &appended);
    EXPECT_EQ(appended, "enc1:" + Base64Encode(bytes));
    bytes.push_back(static_cast<char>(n * 37 + 11));
  }
}

}  // namespace
}  // namespace onetable
