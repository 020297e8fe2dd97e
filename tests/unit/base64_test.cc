// model/base64.h: RFC 4648 vectors for both alphabets, and the inputs the password-hash reader
// must refuse.
#include "model/base64.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace onetable
