#include "lift/resilience/circuit_breaker.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>

#include "lift/resilience/errors.hpp"
#include "log_event.hpp"
#include "text.hpp"

namespace lift::resilience {
namespace detail {
namespace {

// The state word: the state in the low two bits, above them a generation counted up by every
// change, so that an outcome can tell whether the breaker is still in the state its call began
// in (permits carry the word they were given in).
constexpr std::uint64_t kStateBits = 3;
constexpr BreakerState state_of(std::uint64_t word) noexcept { return static_cast<BreakerState>(word & kStateBits); }
constexpr std::uint32_t generation_of(std::uint64_t word) noexcept { return static_cast<std::uint32_t>(word >> 2); }

// A call's outcome as window slots hold it.
constexpr std::uint8_t kFailed = 1;
constexpr std::uint8_t kSlow = 2;

// The half-open counters hold the generation in their upper 32 bits, so that a thread still
// acting on an earlier half-open state cannot take or report a probe of this one. The finished
// word counts finished, failed and slow probes in 10 bits each (half_open_calls <= 1000).
constexpr std::uint64_t kCountMask = 0xffff'ffff;
constexpr std::uint64_t kProbeFieldMask = 0x3ff;
constexpr int kFailedShift = 10;
constexpr int kSlowShift = 20;
constexpr int kMaxHalfOpenCalls = 1000;
constexpr int kMaxCountWindow = 1'000'000;
constexpr int kMaxTimeWindowSeconds = 3600;
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

struct Rates {
  int calls = 0;
  int failed = 0;
  int slow = 0;
  [[nodiscard]] double failure_rate() const noexcept { return calls > 0 ? 100.0 * failed / calls : 0.0; }
  [[nodiscard]] double slow_call_rate() const noexcept { return calls > 0 ? 100.0 * slow / calls : 0.0; }
};

std::string quoted(std::string_view name) { return "circuit breaker \"" + std::string(name) + "\""; }

}  // namespace

class BreakerCore {
 public:
  BreakerCore(std::string name, CircuitBreakerOptions options)
      : name_(std::move(name)),
        options_(std::move(options)),
        timed_(options_.slow_call_duration.count() > 0),
        time_based_(options_.window == SlidingWindow::time_based),
        slow_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(options_.slow_call_duration).count()),
        open_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(options_.open_duration).count()) {
    if (time_based_) {
      buckets_ = std::make_unique<Bucket[]>(static_cast<std::size_t>(options_.window_size));
    } else {
      slots_ = std::make_unique<std::atomic<std::uint8_t>[]>(static_cast<std::size_t>(options_.window_size));
    }
  }

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] BreakerState state() const noexcept { return state_of(word_.load(std::memory_order_acquire)); }

  BreakerPermit acquire() {
    for (;;) {
      const auto word = word_.load(std::memory_order_acquire);
      switch (state_of(word)) {
        case BreakerState::closed:
          return {word, timed_ ? now_ns() : 0, true};
        case BreakerState::open:
          if (now_ns() < open_until_ns_.load(std::memory_order_relaxed)) return {};
          transition(word, BreakerState::half_open, {});
          break;  // whoever made the change, read the state again
        case BreakerState::half_open:
          if (auto permit = take_probe(word)) return *permit;
          if (word_.load(std::memory_order_acquire) == word) return {};  // every probe is taken
          break;
      }
    }
  }

  void record(const BreakerPermit& permit, bool failed) {
    if (!permit.granted) return;
    std::uint8_t outcome = failed ? kFailed : 0;
    const std::int64_t now = timed_ || time_based_ ? now_ns() : 0;
    if (timed_ && now - permit.started_ns >= slow_ns_) outcome |= kSlow;
    const auto word = word_.load(std::memory_order_acquire);
    if (word != permit.ticket) return;  // the call began in an earlier state
    if (state_of(word) == BreakerState::closed) {
      record_closed(word, outcome, now);
    } else if (state_of(word) == BreakerState::half_open) {
      record_probe(word, outcome);
    }
  }

  [[nodiscard]] bool counts_as_failure(const Error& error) const {
    return options_.is_failure ? options_.is_failure(error) : is_dependency_failure(error);
  }

  void reset() {
    while (!transition(word_.load(std::memory_order_acquire), BreakerState::closed, {})) {
    }
  }

 private:
  struct Bucket {
    std::atomic<std::int64_t> second{-1};
    std::atomic<std::int32_t> calls{0};
    std::atomic<std::int32_t> failed{0};
    std::atomic<std::int32_t> slow{0};
  };

  [[nodiscard]] std::int64_t now_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(options_.now().time_since_epoch()).count();
  }

  std::optional<BreakerPermit> take_probe(std::uint64_t word) {
    const std::uint64_t generation = generation_of(word);
    auto started = probes_started_.load(std::memory_order_acquire);
    while ((started >> 32) == generation) {
      if (static_cast<int>(started & kCountMask) >= options_.half_open_calls) return std::nullopt;
      if (probes_started_.compare_exchange_weak(started, started + 1, std::memory_order_acq_rel)) {
        return BreakerPermit{word, timed_ ? now_ns() : 0, true};
      }
    }
    return std::nullopt;  // the state moved on
  }

  void record_closed(std::uint64_t word, std::uint8_t outcome, std::int64_t now) {
    if (time_based_) {
      const std::int64_t second = now / kNanosPerSecond;
      auto& bucket = buckets_[static_cast<std::size_t>(second % options_.window_size)];
      auto stamp = bucket.second.load(std::memory_order_acquire);
      // A bucket last used window_size or more seconds ago starts again; the thread that moves
      // its stamp empties it (a call counted by another thread in between is lost: one sample).
      if (stamp < second && bucket.second.compare_exchange_strong(stamp, second, std::memory_order_acq_rel)) {
        bucket.calls.store(0, std::memory_order_relaxed);
        bucket.failed.store(0, std::memory_order_relaxed);
        bucket.slow.store(0, std::memory_order_relaxed);
      }
      bucket.calls.fetch_add(1, std::memory_order_relaxed);
      if ((outcome & kFailed) != 0) bucket.failed.fetch_add(1, std::memory_order_relaxed);
      if ((outcome & kSlow) != 0) bucket.slow.fetch_add(1, std::memory_order_relaxed);
    } else {
      const auto slot = next_slot_.fetch_add(1, std::memory_order_relaxed) % static_cast<std::uint64_t>(options_.window_size);
      // The slot's old outcome leaves the counts as the new one enters them: the counts stay
      // the sum of the slots whatever other threads do.
      const auto old = slots_[slot].exchange(outcome, std::memory_order_relaxed);
      if (old != outcome) {
        failed_.fetch_add(int{(outcome & kFailed) != 0} - int{(old & kFailed) != 0}, std::memory_order_relaxed);
        slow_.fetch_add(int{(outcome & kSlow) != 0} - int{(old & kSlow) != 0}, std::memory_order_relaxed);
      }
      if (recorded_.load(std::memory_order_relaxed) < options_.window_size) recorded_.fetch_add(1, std::memory_order_relaxed);
    }
    // Only a failed or slow call can raise a rate over its threshold.
    if (outcome == 0) return;
    const auto rates = closed_rates(now);
    if (rates.calls >= options_.minimum_calls && trips(rates)) transition(word, BreakerState::open, rates);
  }

  void record_probe(std::uint64_t word, std::uint8_t outcome) {
    const std::uint64_t generation = generation_of(word);
    const std::uint64_t add = 1 + (std::uint64_t{(outcome & kFailed) != 0} << kFailedShift) +
                              (std::uint64_t{(outcome & kSlow) != 0} << kSlowShift);
    auto finished = probes_finished_.load(std::memory_order_acquire);
    for (;;) {
      if ((finished >> 32) != generation) return;
      if (probes_finished_.compare_exchange_weak(finished, finished + add, std::memory_order_acq_rel)) break;
    }
    finished += add;
    const Rates rates{static_cast<int>(finished & kProbeFieldMask), static_cast<int>((finished >> kFailedShift) & kProbeFieldMask),
                      static_cast<int>((finished >> kSlowShift) & kProbeFieldMask)};
    // The last probe to finish decides (only one thread sees the count reach it).
    if (rates.calls == options_.half_open_calls) transition(word, trips(rates) ? BreakerState::open : BreakerState::closed, rates);
  }

  [[nodiscard]] Rates closed_rates(std::int64_t now) const {
    if (!time_based_) {
      return {static_cast<int>(std::min<std::int64_t>(recorded_.load(std::memory_order_relaxed), options_.window_size)),
              std::max(0, failed_.load(std::memory_order_relaxed)), std::max(0, slow_.load(std::memory_order_relaxed))};
    }
    const std::int64_t second = now / kNanosPerSecond;
    Rates rates;
    for (int i = 0; i < options_.window_size; ++i) {
      const auto& bucket = buckets_[static_cast<std::size_t>(i)];
      const auto stamp = bucket.second.load(std::memory_order_acquire);
      if (stamp <= second - options_.window_size || stamp > second) continue;
      rates.calls += bucket.calls.load(std::memory_order_relaxed);
      rates.failed += bucket.failed.load(std::memory_order_relaxed);
      rates.slow += bucket.slow.load(std::memory_order_relaxed);
    }
    return rates;
  }

  [[nodiscard]] bool trips(const Rates& rates) const noexcept {
    return rates.calls > 0 && (rates.failure_rate() >= options_.failure_rate_threshold ||
                               (timed_ && rates.slow_call_rate() >= options_.slow_call_rate_threshold));
  }

  // Empties the window before the breaker closes. Outcomes still being recorded by late threads
  // may land in it; the counts stay the sum of the slots.
  void clear_window() {
    if (time_based_) {
      for (int i = 0; i < options_.window_size; ++i) buckets_[static_cast<std::size_t>(i)].second.store(-1, std::memory_order_relaxed);
      return;
    }
    for (int i = 0; i < options_.window_size; ++i) {
      const auto old = slots_[static_cast<std::size_t>(i)].exchange(0, std::memory_order_relaxed);
      if ((old & kFailed) != 0) failed_.fetch_sub(1, std::memory_order_relaxed);
      if ((old & kSlow) != 0) slow_.fetch_sub(1, std::memory_order_relaxed);
    }
    recorded_.store(0, std::memory_order_relaxed);
  }

  // Moves from the state word `expected` to `to`; false when the breaker is no longer in it
  // (another thread changed it first, so each change happens, and is reported, once).
  bool transition(std::uint64_t expected, BreakerState to, const Rates& rates) {
    BreakerState from;
    {
      const std::lock_guard lock(transition_mutex_);
      if (word_.load(std::memory_order_relaxed) != expected) return false;
      from = state_of(expected);
      const std::uint64_t next = (((expected >> 2) + 1) << 2) | static_cast<std::uint64_t>(to);
      switch (to) {
        case BreakerState::closed:
          clear_window();
          break;
        case BreakerState::open:
          open_until_ns_.store(now_ns() + open_ns_, std::memory_order_relaxed);
          break;
        case BreakerState::half_open:
          probes_started_.store(std::uint64_t{generation_of(next)} << 32, std::memory_order_relaxed);
          probes_finished_.store(std::uint64_t{generation_of(next)} << 32, std::memory_order_relaxed);
          break;
      }
      // Published last: a thread that reads the new state sees what was prepared for it.
      word_.store(next, std::memory_order_release);
    }
    if (from != to) report({name_, from, to, rates.calls, rates.failure_rate(), rates.slow_call_rate()});
    return true;
  }

  void report(const BreakerTransition& change) const {
    const std::string_view from = to_string(change.from);
    const std::string_view to = to_string(change.to);
    if (change.to == BreakerState::open) {
      write_event(options_.log, "WARN", "circuit breaker opened",
                  {{"breaker", std::string_view(name_)}, {"from", from}, {"to", to}, {"calls", static_cast<double>(change.calls)},
                   {"failure_rate", change.failure_rate}, {"slow_call_rate", change.slow_call_rate},
                   {"open_ms", static_cast<double>(options_.open_duration.count())}});
    } else if (change.to == BreakerState::closed) {
      write_event(options_.log, "INFO", "circuit breaker closed",
                  {{"breaker", std::string_view(name_)}, {"from", from}, {"to", to}, {"calls", static_cast<double>(change.calls)},
                   {"failure_rate", change.failure_rate}, {"slow_call_rate", change.slow_call_rate}});
    } else {
      write_event(options_.log, "INFO", "circuit breaker half-open", {{"breaker", std::string_view(name_)}, {"from", from}, {"to", to}});
    }
    if (options_.on_state_change) options_.on_state_change(change);
  }

  const std::string name_;
  const CircuitBreakerOptions options_;
  const bool timed_;
  const bool time_based_;
  const std::int64_t slow_ns_;
  const std::int64_t open_ns_;

  // Read by every call: apart from the counters every recorded call writes.
  alignas(64) std::atomic<std::uint64_t> word_{0};  // closed, generation 0
  std::atomic<std::int64_t> open_until_ns_{0};
  std::atomic<std::uint64_t> probes_started_{0};
  std::atomic<std::uint64_t> probes_finished_{0};

  alignas(64) std::atomic<std::uint64_t> next_slot_{0};
  std::atomic<std::int64_t> recorded_{0};  // since the window was last emptied
  std::atomic<std::int32_t> failed_{0};
  std::atomic<std::int32_t> slow_{0};
  std::unique_ptr<std::atomic<std::uint8_t>[]> slots_;  // count_based
  std::unique_ptr<Bucket[]> buckets_;                    // time_based: one per second

  std::mutex transition_mutex_;
};

}  // namespace detail

std::string_view to_string(BreakerState state) noexcept {
  switch (state) {
    case BreakerState::closed:
      return "closed";
    case BreakerState::open:
      return "open";
    case BreakerState::half_open:
      return "half_open";
  }
  return "unknown";
}

namespace {

Result<void> validate(std::string_view name, const CircuitBreakerOptions& options) {
  const std::string what = detail::quoted(name);
  const auto too = [&](std::string_view field, std::string message) { return invalid_configuration(what, field, std::move(message)); };
  if (name.empty()) return invalid_configuration("circuit breaker", "name", "must not be empty");
  const bool count_based = options.window == SlidingWindow::count_based;
  const int most = count_based ? detail::kMaxCountWindow : detail::kMaxTimeWindowSeconds;
  if (options.window_size < 1 || options.window_size > most)
    return too("window_size", "must be 1 to " + std::to_string(most) + (count_based ? " calls" : " seconds") + " (got " +
                                  std::to_string(options.window_size) + ")");
  if (options.minimum_calls < 1) return too("minimum_calls", "must be at least 1 (got " + std::to_string(options.minimum_calls) + ")");
  if (count_based && options.minimum_calls > options.window_size)
    return too("minimum_calls", "must not exceed the window of " + std::to_string(options.window_size) + " calls (got " +
                                    std::to_string(options.minimum_calls) + "): the breaker could never open");
  const auto percent = [&](std::string_view field, double value) -> Result<void> {
    if (value > 0 && value <= 100) return {};
    return too(field, "must be a percentage over 0 and at most 100 (got " + std::to_string(value) + ")");
  };
  LIFT_TRY_VOID(percent("failure_rate_threshold", options.failure_rate_threshold));
  LIFT_TRY_VOID(percent("slow_call_rate_threshold", options.slow_call_rate_threshold));
  if (options.slow_call_duration.count() < 0)
    return too("slow_call_duration", "must not be negative (got " + std::to_string(options.slow_call_duration.count()) + " ms)");
  if (options.open_duration.count() <= 0)
    return too("open_duration", "must be more than zero (got " + std::to_string(options.open_duration.count()) + " ms)");
  if (options.half_open_calls < 1 || options.half_open_calls > detail::kMaxHalfOpenCalls)
    return too("half_open_calls", "must be 1 to " + std::to_string(detail::kMaxHalfOpenCalls) + " (got " +
                                      std::to_string(options.half_open_calls) + ")");
  if (!options.now) return too("now", "must be a clock");
  return {};
}

}  // namespace

Result<CircuitBreakerOptions> parse_breaker_options(std::string_view text, std::string_view source, CircuitBreakerOptions base) {
  const auto bad = [&](std::string_view pair, std::string why) {
    return invalid_configuration("circuit breaker options", source, "\"" + std::string(pair) + "\": " + std::move(why));
  };
  const auto percent = [](std::string_view value) {
    if (value.ends_with('%')) value.remove_suffix(1);
    return detail::number<double>(detail::trim(value));
  };
  text = detail::trim(text);
  if (text == "on") return base;
  if (text.empty()) return bad(text, "names no option (\"on\" for the defaults)");
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto pair = detail::trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) return bad(pair, "expected KEY=VALUE");
    const auto key = detail::trim(pair.substr(0, equals));
    const auto value = detail::trim(pair.substr(equals + 1));
    if (key == "failure_rate" || key == "slow_rate") {
      const auto rate = percent(value);
      if (!rate) return bad(pair, "expected a percentage (50%)");
      (key == "failure_rate" ? base.failure_rate_threshold : base.slow_call_rate_threshold) = *rate;
    } else if (key == "window") {
      if (const auto seconds = detail::duration(value)) {
        if (seconds->count() % 1000 != 0) return bad(pair, "a time-based window is a whole number of seconds");
        base.window = SlidingWindow::time_based;
        base.window_size = static_cast<int>(std::min<std::int64_t>(seconds->count() / 1000, detail::kMaxTimeWindowSeconds + 1));
      } else if (const auto calls = detail::number<int>(value)) {
        base.window = SlidingWindow::count_based;
        base.window_size = *calls;
      } else {
        return bad(pair, "expected a number of calls (20) or seconds (30s)");
      }
    } else if (key == "min_calls" || key == "probes") {
      const auto count = detail::number<int>(value);
      if (!count) return bad(pair, "expected a whole number");
      (key == "min_calls" ? base.minimum_calls : base.half_open_calls) = *count;
    } else if (key == "open_for" || key == "slow_call") {
      const auto length = detail::duration(value);
      if (!length) return bad(pair, "expected a duration in ms or s (500ms, 5s)");
      (key == "open_for" ? base.open_duration : base.slow_call_duration) = *length;
    } else {
      return bad(pair, "unknown option \"" + std::string(key) +
                           "\" (failure_rate, slow_rate, window, min_calls, slow_call, open_for, probes)");
    }
  }
  LIFT_TRY_VOID(validate(source, base));
  return base;
}

Result<CircuitBreaker> CircuitBreaker::create(std::string name, CircuitBreakerOptions options) {
  LIFT_TRY_VOID(validate(name, options));
  return CircuitBreaker(std::make_shared<detail::BreakerCore>(std::move(name), std::move(options)));
}

const std::string& CircuitBreaker::name() const noexcept { return core_->name(); }

BreakerState CircuitBreaker::state() const noexcept { return core_->state(); }

void CircuitBreaker::reset() { core_->reset(); }

detail::BreakerPermit CircuitBreaker::acquire() const { return core_->acquire(); }

void CircuitBreaker::record(const detail::BreakerPermit& permit, const Error* failure) const {
  core_->record(permit, failure != nullptr && core_->counts_as_failure(*failure));
}

void CircuitBreaker::record_exception(const detail::BreakerPermit& permit) const { core_->record(permit, true); }

Error CircuitBreaker::rejection() const {
  const bool half_open = core_->state() == BreakerState::half_open;
  Error error{std::string(kCircuitOpen),
              detail::quoted(core_->name()) +
                  (half_open ? " is half-open and its probe calls are taken: the call was not made" : " is open: the call was not made"),
              503};
  error.details.push_back({"breaker", core_->name()});
  return error;
}

// The registry's listeners, shared with the callbacks of the breakers it made (which may outlive
// a registry that is not the process's).
struct BreakerRegistry::Listeners {
  // Held while listeners run, so that a subscription's end waits for a call in progress.
  std::mutex mutex;
  std::map<std::uint64_t, std::function<void(const BreakerTransition&)>> by_id;
  std::uint64_t next_id = 0;

  void notify(const BreakerTransition& change) {
    const std::lock_guard lock(mutex);
    for (const auto& [id, listener] : by_id) listener(change);
  }
};

BreakerRegistry::BreakerRegistry() : listeners_(std::make_shared<Listeners>()) {}

BreakerSubscription BreakerRegistry::on_state_change(std::function<void(const BreakerTransition&)> listener) {
  if (!listener) return {};
  std::uint64_t id = 0;
  {
    const std::lock_guard lock(listeners_->mutex);
    id = listeners_->next_id++;
    listeners_->by_id.emplace(id, std::move(listener));
  }
  return BreakerSubscription([weak = std::weak_ptr<Listeners>(listeners_), id] {
    if (const auto listeners = weak.lock()) {
      const std::lock_guard lock(listeners->mutex);
      listeners->by_id.erase(id);
    }
  });
}

Result<CircuitBreaker> BreakerRegistry::get_or_create(std::string_view name, CircuitBreakerOptions options) {
  LIFT_TRY_VOID(validate(name, options));
  const std::lock_guard lock(mutex_);
  if (const auto found = breakers_.find(name); found != breakers_.end()) return found->second;
  options.on_state_change = [own = std::move(options.on_state_change), listeners = listeners_](const BreakerTransition& change) {
    if (own) own(change);
    listeners->notify(change);
  };
  auto made = CircuitBreaker::create(std::string(name), std::move(options));
  if (!made) return made;
  breakers_.emplace(std::string(name), *made);
  return made;
}

std::optional<CircuitBreaker> BreakerRegistry::find(std::string_view name) const {
  const std::lock_guard lock(mutex_);
  if (const auto found = breakers_.find(name); found != breakers_.end()) return found->second;
  return std::nullopt;
}

std::vector<CircuitBreaker> BreakerRegistry::all() const {
  const std::lock_guard lock(mutex_);
  std::vector<CircuitBreaker> out;
  out.reserve(breakers_.size());
  for (const auto& [name, breaker] : breakers_) out.push_back(breaker);
  return out;
}

BreakerRegistry& breakers() {
  static BreakerRegistry registry;
  return registry;
}

}  // namespace lift::resilience
