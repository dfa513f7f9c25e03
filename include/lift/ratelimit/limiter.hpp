#pragma once
// Rate limiting: how many requests a caller may make per period, decided by a Limiter.
//
//   LIFT_TRY(bucket, lift::ratelimit::TokenBucket::create());            // one environment's memory
//   LIFT_TRY(window, lift::ratelimit::DynamoDbLimiter::create(lift::dynamodb(), {.table = "limits"}));
//   auto decision = window->acquire("tenant:acme", {.requests = 100, .period = std::chrono::minutes(1)});
//   if (decision && !decision->allowed) ...  // 429, Retry-After: decision->retry_after
//
// Three limiters share this interface: TokenBucket (lift/ratelimit/token_bucket.hpp: in memory,
// per environment, no call to anything) and the fixed and sliding windows of DynamoDbLimiter
// (lift/ratelimit/dynamodb.hpp: one count shared by every environment of a function). The HTTP
// middleware over them is lift/ratelimit/middleware.hpp.
//
// Keys are the caller's identity as text ("user:42", "tenant:acme"). A key of more than
// kMaxKeyBytes bytes or that is not UTF-8 is replaced by its SHA-256 ("sha256:<hex>"), so that
// any key is stored in a bounded, valid DynamoDB string; an empty key is refused
// (RateLimitKeyInvalid, 400).
//
// Thread safety: every Limiter is safe to share across the workers of lift::run(app)
// (AWS_LAMBDA_MAX_CONCURRENCY > 1); acquire() may be called from any thread at once.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lift/core/result.hpp"

namespace lift::ratelimit {

// The error codes of this layer (a bad configuration is resilience's InvalidConfiguration).
inline constexpr std::string_view kKeyInvalid = "RateLimitKeyInvalid";  // 400: an empty key
inline constexpr std::string_view kStoreError = "RateLimitStoreError";  // 503: the counter store failed or holds a damaged item

// Keys longer than this are stored as their SHA-256.
inline constexpr std::size_t kMaxKeyBytes = 256;
// The most requests a limit may allow per period (keeps counts exact in doubles and DynamoDB numbers).
inline constexpr std::int64_t kMaxRequests = std::int64_t{1} << 40;
// The longest period: a year.
inline constexpr std::chrono::seconds kMaxPeriod{366LL * 24 * 3600};

// `requests` per `period`: both at least 1, requests at most kMaxRequests, period at most kMaxPeriod.
struct Limit {
  std::int64_t requests = 0;
  std::chrono::seconds period{0};

  friend bool operator==(const Limit&, const Limit&) = default;
};

// InvalidConfiguration (500) naming the field when `limit` cannot work; `what` names its user
// ("rate limit \"writes\"").
[[nodiscard]] Result<void> validate(const Limit& limit, std::string_view what);

// The answer for one request.
struct Decision {
  bool allowed = false;
  std::int64_t limit = 0;      // the limit's requests
  std::int64_t remaining = 0;  // requests left now (0 when refused)
  std::chrono::seconds reset{0};        // until the quota is whole again (a window's end, a full bucket)
  std::chrono::seconds retry_after{0};  // refused: until a request would be allowed (at least 1 s); else 0
};

class Limiter {
 public:
  virtual ~Limiter() = default;
  // Counts one request of `key` against `limit` and says whether it may go on. A refused request
  // is not counted. Errors: RateLimitKeyInvalid (empty key), InvalidConfiguration (a limit
  // validate() refuses), RateLimitStoreError (the store failed: the caller chooses to fail open
  // or closed).
  virtual Result<Decision> acquire(std::string_view key, const Limit& limit) = 0;
  // "token_bucket", "fixed_window" or "sliding_window".
  [[nodiscard]] virtual std::string_view algorithm() const noexcept = 0;
};

// The key as stored: `key` itself, or "sha256:<hex>" when it is longer than kMaxKeyBytes or not
// UTF-8. RateLimitKeyInvalid when it is empty.
[[nodiscard]] Result<std::string> storage_key(std::string_view key);

// Whole seconds, rounded up, of a positive duration (0 for zero or less).
[[nodiscard]] std::chrono::seconds ceil_seconds(std::chrono::duration<double> d) noexcept;

}  // namespace lift::ratelimit
