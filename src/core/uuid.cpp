#include "lift/core/uuid.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "lift/core/hex.hpp"
#include "lift/core/random.hpp"

namespace lift {

namespace {

std::string format(const std::array<std::uint8_t, 16>& bytes) {
  std::string out = hex::encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  for (const std::size_t dash : {8, 13, 18, 23}) out.insert(dash, 1, '-');
  return out;
}

bool is_lower_hex(char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

std::string uuid() {
  std::array<std::uint8_t, 16> bytes{};
  random_bytes(bytes.data(), bytes.size());
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return format(bytes);
}

std::string UuidV7Generator::next() { return next(Clock::now()); }

std::string UuidV7Generator::next(Clock::time_point now) {
  const auto ms = static_cast<std::uint64_t>(
      std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()));
  const std::uint64_t candidate = (ms & 0xFFFFFFFFFFFFull) << 12;
  std::uint64_t previous = last_.load(std::memory_order_relaxed);
  std::uint64_t chosen = 0;
  do {
    // Later millisecond: counter 0. Same or earlier (clock stepped back): previous + 1, which
    // carries into the timestamp when the counter is full.
    chosen = candidate > previous ? candidate : previous + 1;
  } while (!last_.compare_exchange_weak(previous, chosen, std::memory_order_relaxed));

  std::array<std::uint8_t, 16> bytes{};
  random_bytes(bytes.data(), bytes.size());  // rand_b: 62 random bits
  const std::uint64_t unix_ms = chosen >> 12;
  const auto counter = static_cast<std::uint16_t>(chosen & 0x0FFF);
  for (int i = 0; i < 6; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(unix_ms >> (40 - 8 * i));
  bytes[6] = static_cast<std::uint8_t>(0x70 | (counter >> 8));  // version 7, counter high bits
  bytes[7] = static_cast<std::uint8_t>(counter & 0xFF);
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 9562 variant
  return format(bytes);
}

bool UuidV7Generator::is_v7(std::string_view id) noexcept {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : !is_lower_hex(id[i])) return false;
  }
  return id[14] == '7' && (id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
}

}  // namespace lift
