// PBKDF2-HMAC-SHA256 against published vectors (RFC 7914 section 11 and the
// RFC 6070 inputs with SHA-256), and the stored hash format.
#include "web/auth/password_hash.h"

#include <gtest/gtest.h>

#include "web/auth/crypto.h"

namespace vedetta::web {
namespace {

std::string hex(const std::string& bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

TEST(Pbkdf2Sha256, Rfc6070InputsWithSha256) {
  EXPECT_EQ(hex(pbkdf2_sha256("password", "salt", 1, 32)),
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  EXPECT_EQ(hex(pbkdf2_sha256("password", "salt", 2, 32)),
            "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
  EXPECT_EQ(hex(pbkdf2_sha256("password", "salt", 4096, 32)),
            "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
  EXPECT_EQ(hex(pbkdf2_sha256("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt",
                              4096, 40)),
            "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9");
  EXPECT_EQ(hex(pbkdf2_sha256(std::string("pass\0word", 9), std::string("sa\0lt", 5), 4096, 16)),
            "89b69d0516f829893c696226650a8687");
}

TEST(Pbkdf2Sha256, Rfc7914Vectors) {
  EXPECT_EQ(hex(pbkdf2_sha256("passwd", "salt", 1, 64)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  EXPECT_EQ(hex(pbkdf2_sha256("Password", "NaCl", 80000, 64)),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
            "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST(PasswordHash, VerifiesOnlyTheRightPassword) {
  std::string stored = hash_password("correct horse", 2000);
  EXPECT_EQ(stored.rfind("pbkdf2-sha256$2000$", 0), 0u) << stored;
  EXPECT_TRUE(is_password_hash(stored));
  EXPECT_TRUE(verify_password("correct horse", stored));
  EXPECT_FALSE(verify_password("correct horsE", stored));
  EXPECT_FALSE(verify_password("", stored));
}

TEST(PasswordHash, SaltDiffersPerHash) {
  EXPECT_NE(hash_password("same", 1000), hash_password("same", 1000));
}

TEST(PasswordHash, TheDefaultIsSlow) {
  EXPECT_GE(kPasswordIterations, 600000u);
  std::string stored = hash_password("x", kPasswordIterations);
  EXPECT_NE(stored.find("$600000$"), std::string::npos);
}

TEST(PasswordHash, MalformedHashesNeverMatch) {
  std::string good = hash_password("pw", 1000);
  for (std::string bad :
       {std::string(""), std::string("pw"), std::string("pbkdf2-sha256$1000$$"),
        std::string("md5$1000$c2FsdA==$aGFzaA=="),
        std::string("pbkdf2-sha256$10$c2FsdHNhbHQ=$") + base64_encode(std::string(32, 'x')),
        good + "$extra", good.substr(0, good.size() - 4)}) {
    EXPECT_FALSE(is_password_hash(bad)) << bad;
    EXPECT_FALSE(verify_password("pw", bad)) << bad;
  }
}

TEST(Crypto, Base64KnownValuesAndRoundTrip) {
  EXPECT_EQ(base64_encode("Man"), "TWFu");
  EXPECT_EQ(base64_encode("Ma"), "TWE=");
  EXPECT_EQ(base64_encode("M"), "TQ==");
  EXPECT_EQ(base64_encode("\xfb\xff", true), "-_8");
  EXPECT_EQ(base64_decode("YWRtaW46c2VjcmV0"), "admin:secret");
  EXPECT_EQ(base64_decode("-_8"), "\xfb\xff");
  EXPECT_FALSE(base64_decode("not base64!").has_value());
  std::string bytes = random_bytes(100);
  EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
  EXPECT_EQ(base64_decode(base64_encode(bytes, true)), bytes);
}

TEST(Crypto, Sha256AndComparison) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_NE(random_token(), random_token());
  EXPECT_EQ(random_token(32).size(), 43u);
}

}  // namespace
}  // namespace vedetta::web
