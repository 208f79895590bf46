#include "core/crypto.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/clock.h"

namespace longnan::core {

class CryptoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { init_crypto(); }
};

TEST_F(CryptoTest, PasswordHashIsArgon2idAndVerifies) {
  std::string hash = hash_password("Longnan2026!");
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_TRUE(verify_password(hash, "Longnan2026!"));
  EXPECT_FALSE(verify_password(hash, "longnan2026!"));
}

TEST_F(CryptoTest, FieldCipherRoundTripsAndDetectsTampering) {
  FieldCipher cipher(std::string(32, 'k'));
  std::string sealed = cipher.encrypt("11010519491231002X");
  EXPECT_EQ(sealed.find("11010519491231002X"), std::string::npos);
  EXPECT_NE(sealed, cipher.encrypt("11010519491231002X"));  // fresh nonce each time
  EXPECT_EQ(cipher.decrypt(sealed).value(), "11010519491231002X");
  std::string altered = sealed;
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(cipher.decrypt(altered).has_value());
  FieldCipher other(std::string(32, 'z'));
  EXPECT_FALSE(other.decrypt(sealed).has_value());
  EXPECT_EQ(cipher.lookup_hash("x"), cipher.lookup_hash("x"));
  EXPECT_NE(cipher.lookup_hash("x"), other.lookup_hash("x"));
}

TEST_F(CryptoTest, MasksKeepOnlyTheEnds) {
  EXPECT_EQ(mask_phone("13812345678"), "138****5678");
  EXPECT_EQ(mask_id_card("11010519491231002X"), "110105********002X");
  EXPECT_EQ(mask_bank_account("6222021234567890123"), "***************0123");
  EXPECT_EQ(mask_phone("12"), "**");
}

TEST(Clock, ShanghaiDatesAndParsing) {
  int64_t epoch = 0;
  ASSERT_TRUE(parse_date("2026-11-29", epoch));
  EXPECT_EQ(shanghai_date(epoch), "2026-11-29");
  EXPECT_EQ(shanghai_date(epoch - 1), "2026-11-28");
  // Day numbers: the same through a Shanghai day, the next at its midnight; before 1970 too.
  EXPECT_EQ(shanghai_day(epoch), shanghai_day(epoch + 86'399'999));
  EXPECT_EQ(shanghai_day(epoch) + 1, shanghai_day(epoch + 86'400'000));
  EXPECT_EQ(shanghai_day(epoch) - 1, shanghai_day(epoch - 1));
  EXPECT_EQ(shanghai_day(-8 * 3600 * 1000), 0);
  EXPECT_EQ(shanghai_day(-8 * 3600 * 1000 - 1), -1);
  EXPECT_EQ(shanghai_date(-8 * 3600 * 1000 - 1), "1969-12-31");
  EXPECT_FALSE(parse_date("2026-02-30", epoch));
  EXPECT_FALSE(parse_date("2026-1-01", epoch));
}

// FIPS 180-2's examples; parts hash as their concatenation, on any thread.
TEST_F(CryptoTest, Sha256MatchesTheStandardsExamples) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256({"a", "", "bc"}), sha256({"abc"}));
  Sha256Digest elsewhere{};
  std::thread([&] { elsewhere = sha256({"ab", "c"}); }).join();
  EXPECT_EQ(elsewhere, sha256({"abc"}));
}

}  // namespace longnan::core
