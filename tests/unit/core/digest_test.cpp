#include "lift/core/digest.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "lift/core/hex.hpp"

namespace {

std::string hex(const std::string& bytes) { return lift::hex::encode(bytes); }

TEST(Digest, Md5MatchesTheRfc1321Vectors) {
  EXPECT_EQ(hex(lift::digest::md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hex(lift::digest::md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hex(lift::digest::md5("message digest")), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(hex(lift::digest::md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890")),
            "57edf4a22be3c955ac49da2e2107b67a");
}

// MD5 through libcrypto's low-level functions, against EVP's on every length around the padding's
// boundaries (55, 56, 63, 64 bytes, and one block further) and across several blocks.
TEST(Digest, Md5MatchesLibcryptoAtEveryLengthUpTo300Bytes) {
  std::string data;
  for (std::size_t length = 0; length <= 300; ++length) {
    unsigned char expected[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    ASSERT_EQ(EVP_Digest(data.data(), data.size(), expected, &size, EVP_md5(), nullptr), 1);
    EXPECT_EQ(lift::digest::md5(data), std::string(reinterpret_cast<const char*>(expected), size)) << "length " << length;
    data.push_back(static_cast<char>(length * 37 + 11));
  }
}

// HMAC-SHA256 (RFC 2104 over the low-level SHA-256): against libcrypto's HMAC for keys shorter than, as long as and longer
// than a block, and messages across the padding's boundaries.
TEST(Digest, HmacSha256MatchesLibcryptoForEveryKeyAndMessageLength) {
  std::string key;
  for (std::size_t key_length = 0; key_length <= 130; key_length += 13) {
    std::string data;
    for (std::size_t length = 0; length <= 200; ++length) {
      unsigned char expected[EVP_MAX_MD_SIZE];
      unsigned int size = 0;
      ASSERT_NE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), expected, &size),
                nullptr);
      EXPECT_EQ(lift::digest::hmac_sha256(key, data), std::string(reinterpret_cast<const char*>(expected), size))
          << "key " << key_length << ", message " << length;
      data.push_back(static_cast<char>(length * 29 + 3));
    }
    key.append(13, static_cast<char>(key_length + 1));
  }
  EXPECT_EQ(lift::digest::hmac_sha256(std::string_view(), std::string_view()), lift::digest::hmac_sha256("", ""));
  EXPECT_EQ(lift::digest::md5(std::string_view()), lift::digest::md5(""));
}

TEST(Digest, Sha256MatchesTheFips180Vectors) {
  EXPECT_EQ(hex(lift::digest::sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(lift::digest::sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(lift::digest::sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Digest, HmacSha256MatchesTheRfc4231Vectors) {
  // Test cases 1 and 2.
  EXPECT_EQ(hex(lift::digest::hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(lift::digest::hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block is hashed first.
  EXPECT_EQ(hex(lift::digest::hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

}  // namespace
