#include "lift/ratelimit/dynamodb.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#include <boost/json.hpp>

#include "lift/core/deadline.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::ratelimit {

namespace json = boost::json;

namespace {

using Seconds = std::chrono::duration<double>;

constexpr std::chrono::seconds kCreateTableTimeout{60};

// Where "now" falls: the current window's start (epoch seconds) and how far into it.
struct WindowPosition {
  std::int64_t start = 0;  // epoch seconds
  double elapsed = 0;      // seconds since start, in [0, period)
};

WindowPosition position(std::chrono::system_clock::time_point now, std::chrono::seconds period) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::int64_t period_ms = period.count() * 1000;
  // Floor division: a clock before 1970 (only a fake one) still lands in a window.
  std::int64_t index = ms / period_ms;
  if (ms % period_ms < 0) --index;
  const std::int64_t start_ms = index * period_ms;
  return {start_ms / 1000, static_cast<double>(ms - start_ms) / 1000.0};
}

Error store_error(std::string message) { return Error{std::string(kStoreError), std::move(message), 503, {}}; }

Error store_error(const Error& cause, std::string_view doing) {
  return store_error("the rate limit store failed " + std::string(doing) + ": " + cause.code + ": " + cause.message);
}

json::object number(std::int64_t n) { return json::object{{"N", std::to_string(n)}}; }

// A counter's count: absent is 0; anything but a whole non-negative number is a damaged item.
Result<std::int64_t> read_count(const json::object* item, std::string_view attribute, std::string_view key) {
  if (item == nullptr) return std::int64_t{0};
  const auto* value = item->if_contains(attribute);
  if (value == nullptr) return std::int64_t{0};
  const auto damaged = [&] {
    return store_error("damaged rate limit counter for \"" + std::string(key) + "\": " + std::string(attribute) +
                       " is " + json::serialize(*value) + ", not a whole number of requests");
  };
  const auto* object = value->if_object();
  const auto* n = object != nullptr ? object->if_contains("N") : nullptr;
  if (n == nullptr || !n->is_string()) return damaged();
  const auto text = n->get_string();
  std::int64_t count = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (ec != std::errc{} || end != text.data() + text.size() || count < 0) return damaged();
  return count;
}

// Seconds until a sliding window would allow one more request, when `previous` and `current` are
// the counts and `elapsed` the time into the current window.
double sliding_wait(double previous, double current, double limit, double period, double elapsed) {
  // Still in this window: previous * (1 - (elapsed + d) / period) + current + 1 <= limit.
  if (current + 1 <= limit && previous > 0) {
    const double d = period * (1 - (limit - 1 - current) / previous) - elapsed;
    if (d <= period - elapsed) return std::max(0.0, d);
  }
  // In the next window, where this window is the previous one and nothing is counted yet.
  double e = 0;
  if (current + 1 > limit && current > 0) e = period * (1 - (limit - 1) / current);
  return period - elapsed + e;
}

}  // namespace

struct DynamoDbLimiter::Impl {
  aws::DynamoDbClient* client;
  DynamoDbLimiterOptions options;
  std::function<std::chrono::system_clock::time_point()> clock;

  struct CachedCount {
    std::int64_t window_start = 0;
    std::int64_t count = 0;
  };
  std::mutex cache_mutex;
  std::unordered_map<std::string, CachedCount> previous_counts;  // by the previous window's item key

  [[nodiscard]] aws::DynamoDbClient::Deadline deadline() const {
    const auto now = std::chrono::steady_clock::now();
    auto bound = now + options.timeout;
    if (const auto invocation = InvocationDeadline::current()) bound = std::min(bound, call_deadline(*invocation, now));
    return bound;
  }

  [[nodiscard]] std::string item_key(std::string_view key, std::int64_t window_start) const {
    std::string out = options.key_prefix;
    out.append(key).append("#").append(std::to_string(window_start));
    return out;
  }

  [[nodiscard]] json::object key_of(const std::string& pk) const {
    json::object key{{options.partition_key, json::object{{"S", pk}}}};
    if (!options.sort_key.empty()) key[options.sort_key] = json::object{{"S", options.sort_key_value}};
    return key;
  }

  Result<std::int64_t> read(const std::string& pk) {
    const json::object request{{"TableName", options.table}, {"Key", key_of(pk)}, {"ConsistentRead", true}};
    auto answer = client->get_item(request, deadline());
    if (!answer) return store_error(answer.error(), "reading a counter");
    return read_count(answer->contains("Item") ? answer->at("Item").if_object() : nullptr, options.count_attribute, pk);
  }

  // The previous window's count, from memory when this environment read it already.
  Result<std::int64_t> previous_count(const std::string& pk, std::int64_t window_start) {
    {
      const std::scoped_lock lock(cache_mutex);
      if (auto found = previous_counts.find(pk); found != previous_counts.end()) return found->second.count;
    }
    LIFT_TRY(count, read(pk));
    const std::scoped_lock lock(cache_mutex);
    if (previous_counts.size() >= options.cached_windows) {
      std::erase_if(previous_counts, [&](const auto& entry) { return entry.second.window_start < window_start; });
      if (previous_counts.size() >= options.cached_windows) previous_counts.clear();
    }
    previous_counts.insert_or_assign(pk, CachedCount{window_start, count});
    return count;
  }

  // The conditional increment: the new count, or nullopt with the count that refused it.
  struct Counted {
    bool allowed = false;
    std::int64_t count = 0;  // after the increment when allowed; the stored count when refused
  };
  Result<Counted> increment(const std::string& pk, std::int64_t below, std::int64_t expires_at) {
    json::object request{
        {"TableName", options.table},
        {"Key", key_of(pk)},
        {"UpdateExpression", "ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl)"},
        {"ConditionExpression", "attribute_not_exists(#count) OR #count < :below"},
        {"ExpressionAttributeNames", json::object{{"#count", options.count_attribute}, {"#ttl", options.ttl_attribute}}},
        {"ExpressionAttributeValues", json::object{{":one", number(1)}, {":ttl", number(expires_at)}, {":below", number(below)}}},
        {"ReturnValues", "UPDATED_NEW"},
        {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"}};
    auto answer = client->update_item(request, deadline());
    if (answer) {
      const auto* attributes = answer->contains("Attributes") ? answer->at("Attributes").if_object() : nullptr;
      LIFT_TRY(count, read_count(attributes, options.count_attribute, pk));
      if (count < 1) return store_error("the rate limit store did not return the new count of \"" + pk + "\"");
      return Counted{true, count};
    }
    if (answer.error().code != aws::kDynamoDbConditionalCheckFailed) return store_error(answer.error(), "counting a request");
    // Refused. The count (for Retry-After, and to tell a damaged item from a full one) comes with
    // the error, or from a read where the store does not return it.
    std::int64_t count = 0;
    if (auto item = aws::condition_failed_item(answer.error())) {
      LIFT_TRY(stored, read_count(&*item, options.count_attribute, pk));
      count = stored;
    } else {
      LIFT_TRY(stored, read(pk));
      count = stored;
    }
    return Counted{false, count};
  }
};

DynamoDbLimiter::DynamoDbLimiter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DynamoDbLimiter::~DynamoDbLimiter() = default;

Result<std::shared_ptr<DynamoDbLimiter>> DynamoDbLimiter::create(aws::DynamoDbClient& client, DynamoDbLimiterOptions options) {
  constexpr std::string_view what = "DynamoDB rate limiter";
  if (options.table.empty()) return resilience::invalid_configuration(what, "table", "is required");
  if (options.partition_key.empty()) return resilience::invalid_configuration(what, "partition_key", "must not be empty");
  if (options.count_attribute.empty()) return resilience::invalid_configuration(what, "count_attribute", "must not be empty");
  if (options.ttl_attribute.empty()) return resilience::invalid_configuration(what, "ttl_attribute", "must not be empty");
  if (!options.sort_key.empty() && options.sort_key_value.empty())
    return resilience::invalid_configuration(what, "sort_key_value", "must not be empty with a sort key");
  for (const auto* name : {&options.sort_key, &options.count_attribute, &options.ttl_attribute}) {
    if (*name == options.partition_key) return resilience::invalid_configuration(what, "partition_key", "is also used for another attribute");
  }
  if (options.count_attribute == options.ttl_attribute || options.count_attribute == options.sort_key || options.ttl_attribute == options.sort_key)
    return resilience::invalid_configuration(what, "count_attribute", "count, TTL and sort key attributes must differ");
  if (options.timeout <= std::chrono::milliseconds(0)) return resilience::invalid_configuration(what, "timeout", "must be at least 1 ms");
  if (options.cached_windows == 0) return resilience::invalid_configuration(what, "cached_windows", "must be at least 1");
  auto impl = std::make_unique<Impl>();
  impl->client = &client;
  impl->clock = options.clock ? options.clock : std::function<std::chrono::system_clock::time_point()>(std::chrono::system_clock::now);
  impl->options = std::move(options);
  return std::shared_ptr<DynamoDbLimiter>(new DynamoDbLimiter(std::move(impl)));
}

std::string_view DynamoDbLimiter::algorithm() const noexcept {
  return impl_->options.window == Window::fixed ? "fixed_window" : "sliding_window";
}

const DynamoDbLimiterOptions& DynamoDbLimiter::options() const noexcept { return impl_->options; }

Result<Decision> DynamoDbLimiter::acquire(std::string_view key, const Limit& limit) {
  LIFT_TRY_VOID(validate(limit, "rate limit"));
  LIFT_TRY(stored, storage_key(key));
  const auto now = impl_->clock();
  const auto at = position(now, limit.period);
  const std::int64_t period = limit.period.count();
  const double until_end = static_cast<double>(period) - at.elapsed;
  const std::string pk = impl_->item_key(stored, at.start);
  const std::int64_t expires_at = at.start + 2 * period;

  Decision decision;
  decision.limit = limit.requests;
  decision.reset = std::max(std::chrono::seconds(1), ceil_seconds(Seconds(until_end)));

  if (impl_->options.window == Window::fixed) {
    LIFT_TRY(counted, impl_->increment(pk, limit.requests, expires_at));
    decision.allowed = counted.allowed;
    decision.remaining = counted.allowed ? std::max<std::int64_t>(0, limit.requests - counted.count) : 0;
    if (!counted.allowed) decision.retry_after = decision.reset;
    return decision;
  }

  LIFT_TRY(previous, impl_->previous_count(impl_->item_key(stored, at.start - period), at.start - period));
  const double weight = 1.0 - at.elapsed / static_cast<double>(period);
  const double carried = static_cast<double>(previous) * weight;
  const double limit_requests = static_cast<double>(limit.requests);
  // The request is allowed when the estimate with it stays within the limit: carried + current
  // + 1 <= limit, i.e. current < floor(limit - carried) for a whole count.
  const auto below = static_cast<std::int64_t>(std::floor(limit_requests - carried + 1e-9));
  std::int64_t current = 0;
  if (below <= 0) {
    decision.allowed = false;  // the previous window alone fills the limit: no write needed
  } else {
    LIFT_TRY(counted, impl_->increment(pk, below, expires_at));
    decision.allowed = counted.allowed;
    current = counted.count;
  }
  if (decision.allowed) {
    decision.remaining = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(limit_requests - carried - static_cast<double>(current) + 1e-9)));
    return decision;
  }
  decision.remaining = 0;
  const double wait = sliding_wait(static_cast<double>(previous), static_cast<double>(current), limit_requests,
                                   static_cast<double>(period), at.elapsed);
  decision.retry_after = std::max(std::chrono::seconds(1), ceil_seconds(Seconds(wait)));
  decision.reset = std::max(decision.reset, decision.retry_after);  // never a reset before a request may go
  return decision;
}

Result<void> DynamoDbLimiter::create_table() {
  const auto& o = impl_->options;
  json::array attributes{json::object{{"AttributeName", o.partition_key}, {"AttributeType", "S"}}};
  json::array schema{json::object{{"AttributeName", o.partition_key}, {"KeyType", "HASH"}}};
  if (!o.sort_key.empty()) {
    attributes.push_back(json::object{{"AttributeName", o.sort_key}, {"AttributeType", "S"}});
    schema.push_back(json::object{{"AttributeName", o.sort_key}, {"KeyType", "RANGE"}});
  }
  const json::object request{{"TableName", o.table},
                             {"AttributeDefinitions", std::move(attributes)},
                             {"KeySchema", std::move(schema)},
                             {"BillingMode", "PAY_PER_REQUEST"}};
  // Creating a table takes DynamoDB seconds: this bound is its own, not a request's.
  const auto deadline = std::chrono::steady_clock::now() + kCreateTableTimeout;
  auto created = impl_->client->create_table(request, deadline);
  if (!created && created.error().code != "DynamoDB.ResourceInUse") return created.error();
  auto active = aws::wait_for_active_table(*impl_->client, o.table, deadline);
  if (!active) return std::move(active).error();
  if (!*active) return store_error("table " + o.table + " did not become ACTIVE within " + std::to_string(kCreateTableTimeout.count()) + " s");
  if (!created) return {};  // it existed: its TTL setting is the deployment's
  const json::object ttl{{"TableName", o.table},
                         {"TimeToLiveSpecification", json::object{{"Enabled", true}, {"AttributeName", o.ttl_attribute}}}};
  auto enabled = impl_->client->update_time_to_live(ttl, deadline);
  // dynalite has no TTL: its tables keep their items, which the window keys make harmless.
  if (!enabled && enabled.error().code != "DynamoDB.UnknownOperation") return enabled.error();
  return {};
}

}  // namespace lift::ratelimit
