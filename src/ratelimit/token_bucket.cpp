#include "lift/ratelimit/token_bucket.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "lift/resilience/errors.hpp"

namespace lift::ratelimit {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Heterogeneous lookup: a key is found by its string_view without building a string.
struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
};

struct Bucket {
  double tokens = 0;
  SteadyClock::time_point refilled{};
  std::list<std::string>::iterator recent{};  // its place in the shard's use order
};

// Enough shards that workers (a handful per environment) rarely meet on one mutex.
constexpr std::size_t kShards = 16;

struct Shard {
  std::mutex mutex;
  std::unordered_map<std::string, Bucket, KeyHash, std::equal_to<>> buckets;
  std::list<std::string> recent;  // most recently used first
};

}  // namespace

struct TokenBucket::Impl {
  std::function<SteadyClock::time_point()> clock;
  std::size_t per_shard = 1;
  std::array<Shard, kShards> shards;
};

TokenBucket::TokenBucket(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TokenBucket::~TokenBucket() = default;

Result<std::shared_ptr<TokenBucket>> TokenBucket::create(TokenBucketOptions options) {
  if (options.max_keys == 0) return resilience::invalid_configuration("token bucket", "max_keys", "must be at least 1");
  auto impl = std::make_unique<Impl>();
  impl->clock = options.clock ? std::move(options.clock) : std::function<SteadyClock::time_point()>(SteadyClock::now);
  // Rounded down so the total never exceeds max_keys; a limit below the shard count keeps one per shard in use.
  impl->per_shard = std::max<std::size_t>(1, options.max_keys / kShards);
  return std::shared_ptr<TokenBucket>(new TokenBucket(std::move(impl)));
}

Result<Decision> TokenBucket::acquire(std::string_view key, const Limit& limit) {
  LIFT_TRY_VOID(validate(limit, "token bucket limit"));
  LIFT_TRY(stored, storage_key(key));
  const auto now = impl_->clock();
  const double capacity = static_cast<double>(limit.requests);
  const double per_second = capacity / static_cast<double>(limit.period.count());

  Shard& shard = impl_->shards[KeyHash{}(stored) % kShards];
  double tokens = 0;
  {
    const std::scoped_lock lock(shard.mutex);
    auto found = shard.buckets.find(std::string_view(stored));
    if (found == shard.buckets.end()) {
      if (shard.buckets.size() >= impl_->per_shard) {
        shard.buckets.erase(shard.recent.back());
        shard.recent.pop_back();
      }
      shard.recent.push_front(stored);
      found = shard.buckets.emplace(std::move(stored), Bucket{capacity, now, shard.recent.begin()}).first;
    } else {
      shard.recent.splice(shard.recent.begin(), shard.recent, found->second.recent);
    }
    Bucket& bucket = found->second;
    const double elapsed = std::chrono::duration<double>(now - bucket.refilled).count();
    // A clock that went back (never steady_clock, but a fake one) refills nothing.
    if (elapsed > 0) bucket.tokens = std::min(capacity, bucket.tokens + elapsed * per_second);
    bucket.tokens = std::min(capacity, bucket.tokens);  // the limit may have shrunk since
    bucket.refilled = std::max(bucket.refilled, now);
    const bool allowed = bucket.tokens >= 1.0;
    if (allowed) bucket.tokens -= 1.0;
    tokens = allowed ? bucket.tokens : -(1.0 - bucket.tokens);  // negative: the share of a token missing
  }

  Decision decision;
  decision.limit = limit.requests;
  decision.allowed = tokens >= 0;
  const double held = std::max(0.0, tokens);
  decision.remaining = static_cast<std::int64_t>(std::floor(held));
  decision.reset = ceil_seconds(std::chrono::duration<double>((capacity - held) / per_second));
  if (!decision.allowed) {
    decision.retry_after = std::max(std::chrono::seconds(1), ceil_seconds(std::chrono::duration<double>(-tokens / per_second)));
    decision.reset = std::max(decision.reset, decision.retry_after);
  }
  return decision;
}

std::size_t TokenBucket::size() const {
  std::size_t total = 0;
  for (auto& shard : impl_->shards) {
    const std::scoped_lock lock(shard.mutex);
    total += shard.buckets.size();
  }
  return total;
}

}  // namespace lift::ratelimit
