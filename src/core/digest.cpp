#include "lift/core/digest.hpp"

#include <openssl/evp.h>

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

// MD5, and the SHA-256 under HMAC, are computed here rather than through libcrypto: the first
// use of EVP loads OpenSSL's default provider, its whole algorithm table (about 5 million
// instructions and 1.6 MiB of resident pages), and the embedded DynamoDB engine hashes every
// partition key with MD5, the DynamORM cursors are signed with HMAC-SHA256. sha256() of a whole
// message (a request body to sign) stays with libcrypto, whose SHA instructions it uses.

// The 64-byte blocks of an MD5 or SHA-256 message: buffers what it is given, compresses each
// full block with Hash::compress, and pads the end with the message's bit length (little-endian
// for MD5, big-endian for SHA-256).
template <class Hash>
class Blocks {
 public:
  void update(std::string_view data) {
    length_ += data.size();
    auto bytes = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t left = data.size();
    if (used_ > 0 && left > 0) {
      const std::size_t take = std::min(left, block_.size() - used_);
      std::memcpy(block_.data() + used_, bytes, take);
      used_ += take;
      bytes += take;
      left -= take;
      if (used_ < block_.size()) return;
      static_cast<Hash&>(*this).compress(block_.data());
      used_ = 0;
    }
    for (; left >= block_.size(); bytes += block_.size(), left -= block_.size()) static_cast<Hash&>(*this).compress(bytes);
    if (left > 0) std::memcpy(block_.data(), bytes, left);  // an empty view's data may be null
    used_ = left;
  }

 protected:
  void pad(bool big_endian) {
    const std::uint64_t bits = length_ * 8;
    static constexpr unsigned char kPad[64] = {0x80};
    update(std::string_view(reinterpret_cast<const char*>(kPad), used_ < 56 ? 56 - used_ : 120 - used_));
    unsigned char tail[8];
    for (int i = 0; i < 8; ++i) tail[big_endian ? 7 - i : i] = static_cast<unsigned char>(bits >> (8 * i));
    update(std::string_view(reinterpret_cast<const char*>(tail), sizeof tail));
  }

  static std::uint32_t rotate_left(std::uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

 private:
  std::array<unsigned char, 64> block_{};
  std::size_t used_ = 0;
  std::uint64_t length_ = 0;
};

// RFC 1321.
class Md5 : public Blocks<Md5> {
 public:
  std::string finish() {
    pad(false);
    std::string out(16, '\0');
    for (std::size_t i = 0; i < 16; ++i) out[i] = static_cast<char>(state_[i / 4] >> (8 * (i % 4)));
    return out;
  }

 private:
  friend class Blocks<Md5>;

  void compress(const unsigned char* block) {
    // floor(|sin(i + 1)| * 2^32), and each step's rotation.
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
      const std::uint32_t next = b + rotate_left(a + f + kSines[i] + words[g], kRotations[round][i % 4]);
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
};

// FIPS 180-4.
class Sha256 : public Blocks<Sha256> {
 public:
  std::string finish() {
    pad(true);
    std::string out(32, '\0');
    for (std::size_t i = 0; i < 32; ++i) out[i] = static_cast<char>(state_[i / 4] >> (24 - 8 * (i % 4)));
    return out;
  }

 private:
  friend class Blocks<Sha256>;

  static std::uint32_t rotate_right(std::uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

  void compress(const unsigned char* block) {
    // The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    static constexpr std::uint32_t kRoots[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      const unsigned char* b = block + 4 * i;
      w[i] = std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | std::uint32_t{b[3]};
    }
    for (int i = 16; i < 64; ++i) {
      const std::uint32_t s0 = rotate_right(w[i - 15], 7) ^ rotate_right(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const std::uint32_t s1 = rotate_right(w[i - 2], 17) ^ rotate_right(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4], f = state_[5], g = state_[6],
                  h = state_[7];
    for (int i = 0; i < 64; ++i) {
      const std::uint32_t t1 = h + (rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25)) + ((e & f) ^ (~e & g)) + kRoots[i] + w[i];
      const std::uint32_t t2 = (rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
  }

  // The first 32 bits of the fractional parts of the square roots of the first 8 primes.
  std::array<std::uint32_t, 8> state_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
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
  // RFC 2104: H((K ^ opad) || H((K ^ ipad) || data)), K the key padded to a block (hashed first
  // when longer than one).
  std::array<char, 64> padded{};
  if (key.size() > padded.size()) {
    Sha256 long_key;
    long_key.update(key);
    const auto hashed = long_key.finish();
    std::memcpy(padded.data(), hashed.data(), hashed.size());
  } else if (!key.empty()) {
    std::memcpy(padded.data(), key.data(), key.size());
  }
  std::array<char, 64> inner_key{};
  std::array<char, 64> outer_key{};
  for (std::size_t i = 0; i < padded.size(); ++i) {
    inner_key[i] = static_cast<char>(padded[i] ^ 0x36);
    outer_key[i] = static_cast<char>(padded[i] ^ 0x5c);
  }
  Sha256 inner;
  inner.update(std::string_view(inner_key.data(), inner_key.size()));
  inner.update(data);
  Sha256 outer;
  outer.update(std::string_view(outer_key.data(), outer_key.size()));
  outer.update(inner.finish());
  return outer.finish();
}

}  // namespace lift::digest
