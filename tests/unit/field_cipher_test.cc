// crypto/field_cipher.h and crypto/data_keys.h: the envelope round-trips, is fresh every time,
// detects any change, refuses a key it does not hold; the blind index is stable per column and
// differs across columns; the format on disk is the documented one (envelopes and indexes made
// by another implementation read back); threads share one cipher; key text is parsed with
// errors that name the line.
#include "crypto/field_cipher.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "crypto/data_keys.h"

namespace onetable {
namespace {

std::unique_ptr<FieldCipher> Keys(const std::string& text) {
  auto parsed = ParseDataKeys(text, "测试");
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return parsed.ok() ? std::move(*parsed) : nullptr;
}

const char kOne[] =
    "index 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
    "key a1 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100\n";
const char kTwo[] =
    "# rotated\n"
    "index 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
    "key a1 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100\n"
    "key b2 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";

TEST(FieldCipher, RoundTripsWithAFreshNonceEveryTime) {
  auto c = Keys(kOne);
  ASSERT_NE(c, nullptr);
  for (const std::string plain : {std::string(), std::string("11010519491231002X"),
                                  std::string("佛教"), std::string(5000, 'x')}) {
    auto a = c->Encrypt(plain);
    auto b = c->Encrypt(plain);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(*a, *b) << "the same nonce twice";
    EXPECT_EQ(a->rfind("enc1:a1:", 0), 0u) << *a;
    EXPECT_EQ(a->find(plain.empty() ? "\x01" : plain), std::string::npos);
    auto back = c->Decrypt(*a);
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(*back, plain);
  }
}

TEST(FieldCipher, AnyChangedCharacterIsDetected) {
  auto c = Keys(kOne);
  auto sealed = c->Encrypt("13912345678");
  ASSERT_TRUE(sealed.ok());
  for (size_t i = 8; i < sealed->size(); ++i) {
    std::string bad = *sealed;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(c->Decrypt(bad).ok()) << "position " << i;
  }
  EXPECT_FALSE(c->Decrypt(sealed->substr(0, sealed->size() - 4)).ok());
  EXPECT_FALSE(c->Decrypt("enc1:a1:").ok());
  // No key id: damaged, not "a key the file lacks".
  auto nameless = c->Decrypt("enc1:" + sealed->substr(8));
  ASSERT_FALSE(nameless.ok());
  EXPECT_NE(nameless.status().message().find("校验失败"), std::string::npos);
  EXPECT_FALSE(c->Decrypt("enc1:a1:!!!!").ok());
}

TEST(FieldCipher, NewestKeyEncryptsEveryKeyDecryptsAnUnknownKeyIsNamed) {
  auto one = Keys(kOne);
  auto two = Keys(kTwo);
  auto old = one->Encrypt("x");
  ASSERT_TRUE(old.ok());
  auto fresh = two->Encrypt("y");
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(FieldCipher::KidOf(*fresh), "b2");
  EXPECT_EQ(*two->Decrypt(*old), "x");
  auto refused = one->Decrypt(*fresh);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("b2"), std::string::npos);
}

TEST(FieldCipher, BlindIndexIsStablePerColumnAndUnrelatedAcrossColumns) {
  auto one = Keys(kOne);
  auto two = Keys(kTwo);
  const std::string a = one->BlindIndex("person.id_number", "11010519491231002X");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, two->BlindIndex("person.id_number", "11010519491231002X")) << "rotation changed it";
  EXPECT_NE(a, one->BlindIndex("person.spouse_id_number", "11010519491231002X"));
  EXPECT_NE(a, one->BlindIndex("person.id_number", "110105194912310011"));
}

// Made outside onetable (Python's `cryptography`: SM4-CTR, HMAC-SM3, base64) from the format in
// field_cipher.h, with kOne's keys and fixed nonces: values already stored keep reading, whatever
// the implementation behind the envelope.
TEST(FieldCipher, ReadsEnvelopesAndMatchesIndexesMadeElsewhere) {
  auto c = Keys(kOne);
  ASSERT_NE(c, nullptr);
  const std::pair<std::string, std::string> stored[] = {
      {"11010519491231002X",
       "enc1:a1:AAECAwQFBgcICQoLDA0ODz5JZSIqld+xEF43SyvCtCypa3OS1sk6bXdbv8zECh007bk="},
      {"佛教", "enc1:a1:EBESExQVFhcYGRobHB0eH1wWZnM4btsmQMvLOyOeof/jsXDGsjg="},
      {"", "enc1:a1:AAAAAAAAAAAAAAAAAAAAAADokW3KZMfMyCZEDcbenLY="},
      // The nonce ff…ff: the counter wraps across all 128 bits in the third block.
      {std::string(37, 'x'),
       "enc1:a1://///////////////////25Ff17o+1GwFa0DWEs59/"
       "Zz+1QJUeN4AMwTJN9K+VyGazQTtv+mQWFBKIUeEMtawLKj1HxZ"},
  };
  for (const auto& [plain, envelope] : stored) {
    auto back = c->Decrypt(envelope);
    ASSERT_TRUE(back.ok()) << envelope << ": " << back.status().message();
    EXPECT_EQ(*back, plain);
  }
  EXPECT_EQ(c->BlindIndex("person.id_number", "11010519491231002X"),
            "b3ee965b493af115f673dc235fa10969");
  EXPECT_EQ(c->BlindIndex("source_record.record_key", std::string("src\0key1", 8)),
            "7393b471e51d5487b925fa323bcf3395");
}

// serve's worker threads share the process cipher: every value sealed and opened concurrently
// reads back as its own, none is refused, and interleaved keys and blind indexes do not mix.
TEST(FieldCipher, ThreadsSharingOneCipherEachGetTheirOwnValues) {
  auto c = Keys(kTwo);
  ASSERT_NE(c, nullptr);
  const std::string old = *Keys(kOne)->Encrypt("旧密钥的值");
  const std::string index = c->BlindIndex("person.phone", "13912345678");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string plain = "线程" + std::to_string(t) + "-" + std::to_string(i) +
                                  std::string(static_cast<size_t>(i % 40), 'x');
        auto sealed = c->Encrypt(plain);
        auto back = sealed.ok() ? c->Decrypt(*sealed) : Result<std::string>(sealed.status());
        auto older = c->Decrypt(old);
        if (!back.ok() || *back != plain || !older.ok() || *older != "旧密钥的值" ||
            c->BlindIndex("person.phone", "13912345678") != index) {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(DataKeys, MalformedTextIsRefusedNamingTheLine) {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"", "不完整"},
      {"index 00\nkey a 00\n", "第 1 行"},
      {"index 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", "不完整"},
      {"index 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
       "key a/b 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100\n",
       "第 2 行"},
      {"index 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
       "key a 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100\n"
       "key a 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100\n",
       "重复"},
      {"secret 1234\n", "不认识"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseDataKeys(c.text, "密钥文件 x");
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_NE(parsed.status().message().find(c.says), std::string::npos)
        << parsed.status().message();
  }
}

TEST(DataKeys, TheFileIsMadeOwnerOnlyAndAFileOthersCanReadIsRefused) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/onetable-keys-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/keys/data.key";
  ASSERT_TRUE(CreateDataKeyFile(path).ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(CreateDataKeyFile(path).code(), StatusCode::kAlreadyExists);
  auto first = LoadDataKeyFile(path);
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto kid = AppendDataKey(path);
  ASSERT_TRUE(kid.ok()) << kid.status().message();
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto second = LoadDataKeyFile(path);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ((*second)->current_kid(), *kid);
  EXPECT_TRUE((*second)->HasKey((*first)->current_kid()));
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  auto loose = LoadDataKeyFile(path);
  ASSERT_FALSE(loose.ok());
  EXPECT_NE(loose.status().message().find("权限过宽"), std::string::npos)
      << loose.status().message();
  fs::remove_all(tmpl);
}

}  // namespace
}  // namespace onetable
