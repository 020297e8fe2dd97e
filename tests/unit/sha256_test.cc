// model/sha256.h: the one SHA-256-to-hex, checked against the FIPS 180-2 test vectors (the
// stored token hashes and content hashes depend on it never changing).
#include "model/sha256.h"

#include <gtest/gtest.h>

namespace onetable {
namespace {

TEST(Sha256Hex, MatchesTheStandardVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Hex, HashesBytesNotCharacters) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(Sha256Hex(with_nul), Sha256Hex("a"));
  EXPECT_EQ(Sha256Hex("张三").size(), 64u);
}

}  // namespace
}  // namespace onetable
