#pragma once
// Exponential backoff with full jitter: the one backoff of every retry loop in lift (the AWS
// clients' standard mode, lift::resilience::retry), so that they cannot drift apart.
//
//   const auto delay = lift::full_jitter_backoff(100ms, 20s, retry, lift::jitter_random());
//
// "Full jitter" draws the whole delay at random below an exponential ceiling, rather than adding
// a little noise to it: callers that failed together then retry at spread-out times instead of
// in waves, which is what lets a struggling dependency recover.

#include <chrono>
#include <functional>
#include <thread>

namespace lift {

// The delay before retry number `retry` (1 for the first retry): `random` (in [0, 1], clamped)
// times the ceiling min(cap, base * 2^(retry - 1)), truncated to whole milliseconds. The
// exponent stops growing at 2^30, so a large `retry` cannot overflow.
[[nodiscard]] std::chrono::milliseconds full_jitter_backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                                            int retry, double random) noexcept;

// Uniform in [0, 1), from a generator of the calling thread seeded by the kernel: the jitter's
// randomness (not for secrets). No lock: threads never share a generator.
[[nodiscard]] double jitter_random() noexcept;

// Time and randomness of a retry loop, injectable so that tests run on a fake clock.
struct RetryEnvironment {
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;
  std::function<void(std::chrono::milliseconds)> sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  std::function<double()> random = jitter_random;  // uniform in [0, 1)
};

}  // namespace lift
