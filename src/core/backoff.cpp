#include "lift/core/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "lift/core/random.hpp"

namespace lift {

std::chrono::milliseconds full_jitter_backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, int retry,
                                              double random) noexcept {
  const double ceiling = std::min(static_cast<double>(cap.count()),
                                  static_cast<double>(base.count()) * std::ldexp(1.0, std::clamp(retry - 1, 0, 30)));
  return std::chrono::milliseconds(static_cast<long long>(std::clamp(random, 0.0, 1.0) * std::max(ceiling, 0.0)));
}

double jitter_random() noexcept {
  thread_local std::mt19937_64 generator = [] {
    std::uint64_t seed = 0;
    random_bytes(&seed, sizeof seed);
    return std::mt19937_64(seed);
  }();
  const double value = std::uniform_real_distribution<double>(0.0, 1.0)(generator);
  // generate_canonical may round up to 1.0 itself: keep the promised half-open range.
  return value < 1.0 ? value : std::nextafter(1.0, 0.0);
}

}  // namespace lift
