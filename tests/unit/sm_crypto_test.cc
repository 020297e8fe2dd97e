// crypto/sm_crypto.h against the standards' own examples, and the backup file's container
// (backup/backup_file.h): a round trip, and each refusal named.
#include "crypto/sm_crypto.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "backup/backup_file.h"

namespace onetable {
namespace {

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string Hex(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

TEST(SmCrypto, Sm4CtrFirstBlockIsTheGbt32907Example) {
  // GB/T 32907-2016 Appendix A: key = plaintext = 0123456789abcdeffedcba9876543210 gives
  // 681edf34d206965e86b3e94f536e4246. In CTR mode the first keystream block is E(IV), so a zero
  // block under IV = that plaintext encrypts to the example's ciphertext.
  const std::string k = Unhex("0123456789abcdeffedcba9876543210");
  Sm4Ctr ctr(k, k);
  ASSERT_TRUE(ctr.ok());
  std::string out;
  ctr.Update(std::string(16, '\0'), &out);
  EXPECT_EQ(Hex(out), "681edf34d206965e86b3e94f536e4246");
}

TEST(SmCrypto, Sm4CtrDecryptsWhatItEncryptedInAnyChunking) {
  const std::string key(16, 'k'), iv(16, 'i');
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "第" + std::to_string(i) + "行,";
  Sm4Ctr enc(key, iv);
  std::string cipher;
  for (size_t at = 0; at < text.size(); at += 7) enc.Update(text.substr(at, 7), &cipher);
  ASSERT_EQ(cipher.size(), text.size());
  EXPECT_NE(cipher, text);
  Sm4Ctr dec(key, iv);
  std::string back;
  dec.Update(cipher, &back);
  EXPECT_EQ(back, text);
  EXPECT_FALSE(Sm4Ctr("short", iv).ok());
}

TEST(SmCrypto, HmacSm3StreamsAndDerivedKeysDiffer) {
  HmacSm3 mac("key");
  mac.Update("ab");
  mac.Update("c");
  const std::string streamed = mac.Final();
  EXPECT_EQ(streamed.size(), kSm3Bytes);
  EXPECT_EQ(streamed, HmacSm3Of("key", "abc"));
  EXPECT_NE(streamed, HmacSm3Of("kez", "abc"));
  const std::string master(32, 'm');
  EXPECT_EQ(DeriveKey(master, "a", 16).size(), 16u);
  EXPECT_NE(DeriveKey(master, "a", 16), DeriveKey(master, "b", 16));
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "ab"));
}

// A keyed object restarted for each message (crypto/field_cipher.h's use) gives what a fresh
// object would, also after a message that ended inside a keystream block.
TEST(SmCrypto, RestartedObjectsMatchFreshOnes) {
  const std::string key(16, 'k');
  Sm4Ctr reused(key);
  HmacSm3 mac("mac key");
  for (int i = 0; i < 5; ++i) {
    const std::string iv(16, static_cast<char>('a' + i));
    const std::string text(static_cast<size_t>(5 + 11 * i), static_cast<char>('0' + i));
    ASSERT_TRUE(reused.Restart(iv));
    std::string in_place = text;
    ASSERT_TRUE(reused.Transform(text, in_place.data()));
    Sm4Ctr fresh(key, iv);
    std::string expected;
    fresh.Update(text, &expected);
    EXPECT_EQ(in_place, expected) << i;

    ASSERT_TRUE(mac.Restart());
    mac.Update(text);
    unsigned char out[kSm3Bytes];
    ASSERT_TRUE(mac.FinalTo(out));
    EXPECT_EQ(std::string(reinterpret_cast<char*>(out), kSm3Bytes), HmacSm3Of("mac key", text));
  }
  // Restarting drops what was fed before.
  mac.Update("dropped");
  ASSERT_TRUE(mac.Restart());
  mac.Update("abc");
  EXPECT_EQ(mac.Final(), HmacSm3Of("mac key", "abc"));
  EXPECT_FALSE(reused.Restart("short iv"));
  EXPECT_FALSE(Sm4Ctr("short").Restart(std::string(16, 'i')));
}

class BackupFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/onetable-bf-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& text) {
    const std::string path = dir_ + "/b.otbak";
    auto w = BackupFileWriter::Create(path, key_);
    EXPECT_TRUE(w.ok()) << w.status().message();
    EXPECT_TRUE((*w)->Write(text).ok());
    EXPECT_TRUE((*w)->Finish().ok());
    return path;
  }
  std::string Bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void Put(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }
  std::string dir_;
  std::string key_ = std::string(32, 'K');
};

TEST_F(BackupFileTest, RoundTripsAndNamesEachRefusal) {
  const std::string text(200000, 'x');
  const std::string path = Write(text);
  auto r = BackupFileReader::Open(path, key_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::string got;
  ASSERT_TRUE((*r)->Read(text.size(), &got).ok());
  EXPECT_EQ(got, text);
  EXPECT_TRUE((*r)->AtEnd());
  EXPECT_FALSE((*r)->Read(1, &got).ok());

  auto wrong = BackupFileReader::Open(path, std::string(32, 'L'));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("备份密钥不符"), std::string::npos);

  const std::string good = Bytes(path);
  std::string flipped = good;
  flipped[1000] ^= 1;
  Put(path, flipped);
  auto damaged = BackupFileReader::Open(path, key_);
  ASSERT_FALSE(damaged.ok());
  EXPECT_NE(damaged.status().message().find("已损坏或被截断（校验值不符）"), std::string::npos);

  Put(path, good.substr(0, good.size() - 1));
  auto truncated = BackupFileReader::Open(path, key_);
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("已损坏或被截断"), std::string::npos);

  Put(path, "not a backup at all");
  auto other = BackupFileReader::Open(path, key_);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("不是 onetable 备份文件"), std::string::npos);
}

}  // namespace
}  // namespace onetable
