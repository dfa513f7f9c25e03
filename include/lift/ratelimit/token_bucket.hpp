#pragma once
// A token bucket per key, in this environment's memory: cheap local protection that calls
// nothing. A key's bucket holds `requests` tokens and refills continuously at requests/period;
// each allowed request takes one token, so a caller may burst up to the limit and then goes at
// the refill rate. Buckets start full.
//
//   LIFT_TRY(bucket, lift::ratelimit::TokenBucket::create({.max_keys = 50'000}));
//   auto decision = bucket->acquire("ip:192.0.2.1", {.requests = 20, .period = std::chrono::seconds(1)});
//
// It limits one environment only: with N environments a caller gets up to N times the limit.
// For a limit every environment shares, use DynamoDbLimiter.
//
// Memory is bounded: at most `max_keys` buckets are kept; past that, the least recently used one
// is forgotten (that caller starts again with a full bucket).
//
// Thread safety: safe to share across workers; keys are spread over shards, each behind its own
// mutex held only to update one bucket, so workers rarely wait for each other.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "lift/core/result.hpp"
#include "lift/ratelimit/limiter.hpp"

namespace lift::ratelimit {

struct TokenBucketOptions {
  // Buckets kept at once (at least 1).
  std::size_t max_keys = 10'000;
  // The clock (a fake one in tests); null: std::chrono::steady_clock::now.
  std::function<std::chrono::steady_clock::time_point()> clock{};
};

class TokenBucket final : public Limiter {
 public:
  // InvalidConfiguration when max_keys is 0.
  static Result<std::shared_ptr<TokenBucket>> create(TokenBucketOptions options = {});

  ~TokenBucket() override;
  TokenBucket(const TokenBucket&) = delete;
  TokenBucket& operator=(const TokenBucket&) = delete;

  Result<Decision> acquire(std::string_view key, const Limit& limit) override;
  [[nodiscard]] std::string_view algorithm() const noexcept override { return "token_bucket"; }

  // Buckets held now (at most max_keys).
  [[nodiscard]] std::size_t size() const;

 private:
  struct Impl;
  explicit TokenBucket(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lift::ratelimit
