#pragma once
// Fixed and sliding window counters in DynamoDB: one count per key and window that every Lambda
// environment of a function shares, so a limit holds however many environments serve it.
//
//   LIFT_TRY(limiter, lift::ratelimit::DynamoDbLimiter::create(lift::dynamodb(),
//                         {.table = "rate-limits", .window = lift::ratelimit::Window::sliding}));
//   auto decision = limiter->acquire("tenant:acme", {.requests = 100, .period = std::chrono::minutes(1)});
//
// Windows are aligned to the epoch: window w of a period P covers [w*P, (w+1)*P) in Unix time.
// Each key and window is one item:
//
//   <partition_key>  "<key_prefix><key>#<window start, epoch seconds>"   (S)
//   [<sort_key>      sort_key_value                                       (S), when the table has one]
//   <count_attribute>  requests allowed in that window                    (N)
//   <ttl_attribute>    window end + one period, epoch seconds             (N, the table's TTL attribute)
//
// so the table cleans itself once TTL is on for ttl_attribute (create_table() turns it on). An
// item outlives its window by one period because the sliding window still reads it as the
// previous window.
//
// Fixed window: a request is one UpdateItem, `ADD count :1` under the condition
// `attribute_not_exists(count) OR count < :limit`: allowed when the write succeeds (the new count
// gives RateLimit-Remaining), refused when the condition fails. A refused request is not counted.
//
// Sliding window: the weighted two-window approximation (as Cloudflare's and Redis's well-known
// limiters): the estimate of the last period is previous * (1 - elapsed / P) + current, where
// elapsed is the time since the current window began. A request is allowed when the estimate,
// itself included, stays within the limit. The previous window is closed, so its count no longer
// changes: it is read once per key and window (GetItem, strongly consistent) and kept in memory
// for the rest of the window; the decision is then the same single conditional UpdateItem, with
// `count < :allowed`, :allowed = floor(limit - previous * weight) computed at the request's time.
// When the previous window alone already uses up the limit, the request is refused without a write.
//
// DynamoDB calls per request:
//   fixed window:   1 UpdateItem
//   sliding window: 1 UpdateItem, plus 1 GetItem for the first request of a key in a window in
//                   this environment
//   a refused request on a store that does not return the item with the failed condition
//   (ReturnValuesOnConditionCheckFailure; dynalite ignores it): 1 GetItem more, to read the count
//   that gives Retry-After.
//
// Failures: the store's errors (throttling, timeouts, a missing table) and an item whose count
// is not a non-negative whole number (a damaged counter) are RateLimitStoreError (503), with the
// cause in its message; the caller chooses to fail open or closed. Each call is bounded by the
// invocation's deadline (less a margin, lift::call_deadline) and by `timeout`.
//
// Thread safety: safe to share across workers; the client is thread-safe and the cache of
// previous windows' counts is behind a mutex.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "lift/aws/dynamodb.hpp"
#include "lift/core/result.hpp"
#include "lift/ratelimit/limiter.hpp"

namespace lift::ratelimit {

enum class Window { fixed, sliding };

struct DynamoDbLimiterOptions {
  std::string table{};  // required
  Window window = Window::sliding;
  std::string partition_key = "pk";
  // Empty: the table's key is the partition key alone. Set: every item's sort key is sort_key_value.
  std::string sort_key{};
  std::string sort_key_value = "ratelimit";
  std::string count_attribute = "count";
  std::string ttl_attribute = "ttl";
  // Prefixes every key, so that one table can hold several functions' or limits' counters.
  std::string key_prefix = "ratelimit#";
  // The longest a call may take (the invocation's deadline may end it sooner). At least 1 ms.
  std::chrono::milliseconds timeout{1000};
  // Sliding window: previous windows' counts kept in memory (at least 1).
  std::size_t cached_windows = 10'000;
  // The clock (a fake one in tests); null: std::chrono::system_clock::now.
  std::function<std::chrono::system_clock::time_point()> clock{};
};

class DynamoDbLimiter final : public Limiter {
 public:
  // `client` must outlive the limiter. InvalidConfiguration when an option cannot work (no
  // table, empty attribute names, the same name twice, a timeout or cache size of 0).
  static Result<std::shared_ptr<DynamoDbLimiter>> create(aws::DynamoDbClient& client, DynamoDbLimiterOptions options);

  ~DynamoDbLimiter() override;
  DynamoDbLimiter(const DynamoDbLimiter&) = delete;
  DynamoDbLimiter& operator=(const DynamoDbLimiter&) = delete;

  Result<Decision> acquire(std::string_view key, const Limit& limit) override;
  [[nodiscard]] std::string_view algorithm() const noexcept override;

  // Creates the table (on-demand capacity, the key schema of the options), waits up to a minute
  // for it to be ACTIVE and turns TTL on for ttl_attribute (where the store has TTL: dynalite has
  // none); a table that exists already keeps its settings. For local stores and tests: on AWS the
  // table is deployed with the function.
  Result<void> create_table();

  [[nodiscard]] const DynamoDbLimiterOptions& options() const noexcept;

 private:
  struct Impl;
  explicit DynamoDbLimiter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lift::ratelimit
