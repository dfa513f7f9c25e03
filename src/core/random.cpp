#include "lift/core/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <random>

#include "lift/core/hex.hpp"

namespace lift {

void random_bytes(void* out, std::size_t size) noexcept {
  auto* bytes = static_cast<unsigned char*>(out);
  std::size_t filled = 0;
  while (filled < size) {
    const auto n = ::getrandom(bytes + filled, size - filled, 0);
    if (n > 0) {
      filled += static_cast<std::size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      try {
        std::random_device device;
        for (; filled < size; ++filled) bytes[filled] = static_cast<unsigned char>(device());
      } catch (...) {
        // No source at all: distinct bytes are still better than none (ids only, never keys).
        for (; filled < size; ++filled) bytes[filled] = static_cast<unsigned char>(filled * 131 + 7);
      }
      return;
    }
  }
}

std::string random_hex(std::size_t digits) {
  std::string raw((digits + 1) / 2, '\0');
  random_bytes(raw.data(), raw.size());
  auto out = hex::encode(raw);
  out.resize(digits);
  return out;
}

std::string random_digits(std::size_t digits) {
  std::string out(digits, '\0');
  random_bytes(out.data(), out.size());
  // 250 is the largest multiple of 10 a byte holds: redrawing the bytes above it keeps the
  // digits uniform.
  for (auto& c : out) {
    auto byte = static_cast<unsigned char>(c);
    while (byte >= 250) random_bytes(&byte, 1);
    c = static_cast<char>('0' + byte % 10);
  }
  return out;
}

}  // namespace lift
