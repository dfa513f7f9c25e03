#include "lift/core/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace lift::digest {
namespace {

using Md = std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)>;

Md fetch(const char* name) {
  Md md(EVP_MD_fetch(nullptr, name, nullptr), &EVP_MD_free);
  if (!md) throw std::runtime_error(std::string(name) + " is not available in libcrypto");
  return md;
}


const EVP_MD* sha256_md() {
  static const Md md = fetch("SHA256");
  return md.get();
}

// MD5 (RFC 1321) in the library itself rather than through libcrypto: its first use there
// fetches the algorithm from OpenSSL's default provider, which loads the provider's whole
// algorithm table (about 5 million instructions, a millisecond or more of a cold start), and
// the embedded DynamoDB engine hashes every partition key it reads or writes with it.
class Md5 {
 public:
  void update(std::string_view data) {
    length_ += data.size();
    auto bytes = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t left = data.size();
    if (used_ > 0) {
      const std::size_t take = std::min(left, block_.size() - used_);
      std::memcpy(block_.data() + used_, bytes, take);
      used_ += take;
      bytes += take;
      left -= take;
      if (used_ < block_.size()) return;
      compress(block_.data());
      used_ = 0;
    }
    for (; left >= block_.size(); bytes += block_.size(), left -= block_.size()) compress(bytes);
    std::memcpy(block_.data(), bytes, left);
    used_ = left;
  }

  std::string finish() {
    const std::uint64_t bits = length_ * 8;
    static constexpr unsigned char kPad[64] = {0x80};
    update(std::string_view(reinterpret_cast<const char*>(kPad), used_ < 56 ? 56 - used_ : 120 - used_));
    unsigned char tail[8];
    for (int i = 0; i < 8; ++i) tail[i] = static_cast<unsigned char>(bits >> (8 * i));
    update(std::string_view(reinterpret_cast<const char*>(tail), sizeof tail));
    std::string out(16, '\0');
    for (int i = 0; i < 16; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>(state_[static_cast<std::size_t>(i / 4)] >> (8 * (i % 4)));
    return out;
  }

 private:
  static std::uint32_t rotate(std::uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

  void compress(const unsigned char* block) {
    // The sines of RFC 1321 (floor(|sin(i + 1)| * 2^32)) and each step's rotation.
    static constexpr std::uint32_t kSines[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
    static constexpr unsigned kRotations[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};
    std::uint32_t words[16];
    for (int i = 0; i < 16; ++i) {
      const unsigned char* b = block + 4 * i;
      words[i] = std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 | std::uint32_t{b[2]} << 16 | std::uint32_t{b[3]} << 24;
    }
    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    for (unsigned i = 0; i < 64; ++i) {
      const unsigned round = i / 16;
      std::uint32_t f = 0;
      unsigned g = 0;
      switch (round) {
        case 0: f = (b & c) | (~b & d); g = i; break;
        case 1: f = (d & b) | (~d & c); g = (5 * i + 1) % 16; break;
        case 2: f = b ^ c ^ d; g = (3 * i + 5) % 16; break;
        default: f = c ^ (b | ~d); g = (7 * i) % 16; break;
      }
      const std::uint32_t next = b + rotate(a + f + kSines[i] + words[g], kRotations[round][i % 4]);
      a = d;
      d = c;
      c = b;
      b = next;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
  }

  std::array<std::uint32_t, 4> state_{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  std::array<unsigned char, 64> block_{};
  std::size_t used_ = 0;
  std::uint64_t length_ = 0;
};

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out, &length, md, nullptr) != 1)
    throw std::runtime_error("a digest failed in libcrypto");  // only on allocation failure
  return {reinterpret_cast<const char*>(out), length};
}

}  // namespace

std::string md5(std::string_view data) {
  Md5 hash;
  hash.update(data);
  return hash.finish();
}

std::string sha256(std::string_view data) { return digest(sha256_md(), data); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(sha256_md(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), out, &length) == nullptr)
    throw std::runtime_error("HMAC-SHA256 failed in libcrypto");
  return {reinterpret_cast<const char*>(out), length};
}

}  // namespace lift::digest
