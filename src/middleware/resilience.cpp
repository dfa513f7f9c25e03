#include "lift/middleware/resilience.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "lift/app/context.hpp"
#include "lift/app/errors.hpp"
#include "lift/resilience/errors.hpp"
#include "lift/core/json_text.hpp"
#include "lift/core/log_line.hpp"

namespace lift::mw {

Middleware faults(resilience::FaultPlan plan, std::FILE* log) {
  const bool any_route_rule =
      std::any_of(plan.rules().begin(), plan.rules().end(), [](const resilience::FaultRule& rule) { return rule.route; });
  if (!any_route_rule) return [](Context&, const Next& next) { return next(); };
  // The line every invocation writes, less its request id: made once.
  std::string line_start = R"({"level":"WARN","message":"fault injection is on","faults":)";
  append_json_string(line_start, plan.describe());
  auto shared = std::make_shared<const resilience::FaultPlan>(std::move(plan));
  return [shared, log, line_start = std::move(line_start)](Context& ctx, const Next& next) -> Result<void> {
    if (log != nullptr) {
      std::string line = line_start;
      line += R"(,"request_id":)";
      append_json_string(line, ctx.request_id());
      line += "}\n";
      write_log_line(log, line);
    }
    if (ctx.route().empty()) return next();  // nothing matched: no route for a rule to name
    const auto decision = shared->decide_for_route(ctx.method(), ctx.route());
    if (!decision.none()) {
      if (auto go_ahead = shared->apply(decision); !go_ahead) return std::move(go_ahead).error();
    }
    return next();
  };
}

namespace {

using std::chrono::microseconds;

// One route's latest latencies, shared by every worker: completions write their slot of a ring
// with relaxed atomics (no lock), and every few completions one of them works out the
// percentile from a copy of the ring, which checks then read as one atomic. Slots being written
// while copied only blur an estimate that is an estimate anyway.
class LatencyWindow {
 public:
  LatencyWindow(int size, double percentile, int min_samples)
      : samples_(std::make_unique<std::atomic<std::uint32_t>[]>(static_cast<std::size_t>(size))),
        size_(static_cast<std::uint64_t>(size)),
        percentile_(percentile),
        min_samples_(static_cast<std::uint64_t>(min_samples)),
        refresh_every_(std::max<std::uint64_t>(1, size_ / 20)) {}

  void record(microseconds took) {
    const auto micros = static_cast<std::uint32_t>(std::clamp<std::int64_t>(took.count(), 0, UINT32_MAX));
    const std::uint64_t number = recorded_.fetch_add(1, std::memory_order_relaxed) + 1;
    samples_[(number - 1) % size_].store(micros, std::memory_order_relaxed);
    const std::uint64_t held = std::min(number, size_);
    if (held < min_samples_ || (held != min_samples_ && number % refresh_every_ != 0)) return;
    std::vector<std::uint32_t> copy(held);
    for (std::uint64_t i = 0; i < held; ++i) copy[i] = samples_[i].load(std::memory_order_relaxed);
    // The nearest-rank percentile: the smallest sample at or above `percentile_` percent of them.
    const auto rank = static_cast<std::size_t>(std::ceil(percentile_ / 100.0 * static_cast<double>(held)));
    const auto at = copy.begin() + static_cast<std::ptrdiff_t>(std::clamp<std::size_t>(rank, 1, held) - 1);
    std::nth_element(copy.begin(), at, copy.end());
    estimate_.store(*at, std::memory_order_relaxed);
    ready_.store(true, std::memory_order_release);
  }

  // The percentile of the window, once it held min_samples completions.
  [[nodiscard]] std::optional<microseconds> estimate() const {
    if (!ready_.load(std::memory_order_acquire)) return std::nullopt;
    return microseconds(estimate_.load(std::memory_order_relaxed));
  }

 private:
  std::unique_ptr<std::atomic<std::uint32_t>[]> samples_;  // microseconds
  std::uint64_t size_;
  double percentile_;
  std::uint64_t min_samples_;
  std::uint64_t refresh_every_;
  std::atomic<std::uint64_t> recorded_{0};
  std::atomic<std::uint32_t> estimate_{0};
  std::atomic<bool> ready_{false};
};

// What every worker's copy of one load_shedding middleware shares.
class SheddingState {
 public:
  explicit SheddingState(LoadSheddingOptions options) : options_(std::move(options)) {}

  [[nodiscard]] const LoadSheddingOptions& options() const { return options_; }
  std::atomic<int>& in_flight() { return in_flight_; }

  // The window of `key` ("METHOD /pattern"): a shared lock to find it, the exclusive one only
  // the first time a route is seen.
  LatencyWindow& window(const std::string& key) {
    {
      const std::shared_lock lock(mutex_);
      if (const auto found = windows_.find(key); found != windows_.end()) return *found->second;
    }
    const std::unique_lock lock(mutex_);
    auto& slot = windows_[key];
    if (!slot) slot = std::make_unique<LatencyWindow>(options_.window, options_.percentile, options_.min_samples);
    return *slot;
  }

  [[nodiscard]] Priority priority(const std::string& key, std::string_view pattern) const {
    if (const auto found = options_.priorities.find(key); found != options_.priorities.end()) return found->second;
    if (const auto found = options_.priorities.find(pattern); found != options_.priorities.end()) return found->second;
    return options_.otherwise;
  }

 private:
  LoadSheddingOptions options_;
  std::atomic<int> in_flight_{0};
  std::shared_mutex mutex_;
  std::map<std::string, std::unique_ptr<LatencyWindow>, std::less<>> windows_;
};

class InFlight {
 public:
  explicit InFlight(std::atomic<int>& count) : count_(count), now_(count.fetch_add(1, std::memory_order_relaxed) + 1) {}
  ~InFlight() { count_.fetch_sub(1, std::memory_order_relaxed); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  [[nodiscard]] int now() const { return now_; }

 private:
  std::atomic<int>& count_;
  int now_;
};

Error shed(Context& ctx, std::chrono::seconds retry_after, std::string why) {
  ctx.response().headers.set("retry-after", std::to_string(retry_after.count()));
  return errors::unavailable(std::move(why));
}

}  // namespace

Result<Middleware> load_shedding(LoadSheddingOptions options) {
  const auto invalid = [](std::string_view field, std::string message) {
    return resilience::invalid_configuration("lift::mw::load_shedding", field, std::move(message));
  };
  if (options.max_in_flight < 0) return invalid("max_in_flight", "must not be negative (0: no limit)");
  if (!(options.sheddable_share > 0 && options.sheddable_share <= 1)) return invalid("sheddable_share", "must be over 0 and at most 1");
  if (!(options.percentile >= 50 && options.percentile <= 100)) return invalid("percentile", "must be 50 to 100");
  if (options.window < 1 || options.window > 10'000) return invalid("window", "must be 1 to 10,000 completions");
  if (options.min_samples < 1 || options.min_samples > options.window)
    return invalid("min_samples", "must be 1 to the window's " + std::to_string(options.window));
  if (options.margin.count() < 0) return invalid("margin", "must not be negative");
  if (options.retry_after.count() < 1) return invalid("retry_after", "must be at least one second");
  if (!options.now) return invalid("now", "must be a clock");
  for (const auto& [route, priority] : options.priorities) {
    if (route.find('/') == std::string::npos) return invalid("priorities", "\"" + route + "\" is not \"METHOD /pattern\" or \"/pattern\"");
  }
  auto state = std::make_shared<SheddingState>(std::move(options));
  return Middleware([state](Context& ctx, const Next& next) -> Result<void> {
    if (ctx.route().empty()) return next();
    const auto& options = state->options();
    std::string key(ctx.method());
    key += ' ';
    key += ctx.route();
    const Priority priority = state->priority(key, ctx.route());
    const InFlight in_flight(state->in_flight());
    if (priority != Priority::critical && options.max_in_flight > 0) {
      const int limit = priority == Priority::sheddable
                            ? std::max(1, static_cast<int>(options.sheddable_share * options.max_in_flight))
                            : options.max_in_flight;
      if (in_flight.now() > limit)
        return shed(ctx, options.retry_after, "the function is overloaded: " + std::to_string(in_flight.now()) + " requests in flight");
    }
    auto& window = state->window(key);
    if (priority != Priority::critical) {
      if (const auto expected = window.estimate()) {
        const auto left = ctx.remaining_time();
        if (*expected + options.margin > left)
          return shed(ctx, options.retry_after,
                      "not enough time left for " + key + ": it takes " +
                          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(*expected).count()) + " ms, " +
                          std::to_string(left.count()) + " ms are left");
      }
    }
    const auto started = options.now();
    auto result = next();
    window.record(std::chrono::duration_cast<microseconds>(options.now() - started));
    return result;
  });
}

Result<Middleware> faults_from_environment(std::FILE* log) {
  LIFT_TRY(plan, resilience::FaultPlan::from_environment());
  return faults(std::move(plan), log);
}

}  // namespace lift::mw
