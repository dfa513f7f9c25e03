#include "lift/resilience/bulkhead.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "lift/core/deadline.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::resilience {
namespace detail {

// The count of calls in flight is one atomic: taking and giving back a place is a compare-
// exchange and a decrement. Only callers that must wait, and the calls that free a place while
// someone waits, take the mutex.
class BulkheadCore {
 public:
  BulkheadCore(std::string name, BulkheadOptions options) : name_(std::move(name)), options_(options) {}

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] int in_flight() const noexcept { return in_flight_.load(std::memory_order_relaxed); }

  bool try_enter() noexcept {
    int now = in_flight_.load(std::memory_order_relaxed);
    while (now < options_.max_concurrent) {
      if (in_flight_.compare_exchange_weak(now, now + 1, std::memory_order_acquire, std::memory_order_relaxed)) return true;
    }
    return false;
  }

  bool enter() {
    if (try_enter()) return true;
    if (options_.max_wait.count() <= 0) return false;
    using Clock = std::chrono::steady_clock;
    auto until = Clock::now() + options_.max_wait;
    // Waiting past the invocation's deadline would only make its answer late.
    if (const auto deadline = InvocationDeadline::current(); deadline && *deadline < until) until = *deadline;
    std::unique_lock lock(mutex_);
    // Counted before trying again, so that a call leaving after the attempt sees a waiter to
    // wake (both sides are sequentially consistent: one of them sees the other).
    waiters_.fetch_add(1);
    const bool entered = available_.wait_until(lock, until, [this] { return try_enter(); });
    waiters_.fetch_sub(1);
    return entered;
  }

  void leave() noexcept {
    in_flight_.fetch_sub(1);
    if (waiters_.load() > 0) {
      // Through the mutex, so that the notification cannot fall between a waiter's attempt
      // and its wait.
      { const std::lock_guard lock(mutex_); }
      available_.notify_one();
    }
  }

  [[nodiscard]] Error rejection() const {
    Error error{std::string(kBulkheadFull),
                "bulkhead \"" + name_ + "\" is full: " + std::to_string(options_.max_concurrent) +
                    " calls in flight and none finished in time; the call was not made",
                503};
    error.details.push_back({"bulkhead", name_});
    return error;
  }

 private:
  const std::string name_;
  const BulkheadOptions options_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> waiters_{0};
  std::mutex mutex_;
  std::condition_variable available_;
};

}  // namespace detail

Result<Bulkhead> Bulkhead::create(std::string name, BulkheadOptions options) {
  if (name.empty()) return invalid_configuration("bulkhead", "name", "must not be empty");
  const std::string what = "bulkhead \"" + name + "\"";
  if (options.max_concurrent < 1)
    return invalid_configuration(what, "max_concurrent", "must be at least 1 (got " + std::to_string(options.max_concurrent) + ")");
  if (options.max_wait.count() < 0)
    return invalid_configuration(what, "max_wait", "must not be negative (got " + std::to_string(options.max_wait.count()) + " ms)");
  return Bulkhead(std::make_shared<detail::BulkheadCore>(std::move(name), options));
}

void Bulkhead::Permit::release() noexcept {
  if (core_) std::exchange(core_, nullptr)->leave();
}

Result<Bulkhead::Permit> Bulkhead::acquire() const {
  if (!core_->enter()) return core_->rejection();
  return Permit(core_);
}

bool Bulkhead::enter() const { return core_->enter(); }

void Bulkhead::leave() const noexcept { core_->leave(); }

Error Bulkhead::rejection() const { return core_->rejection(); }

const std::string& Bulkhead::name() const noexcept { return core_->name(); }

int Bulkhead::in_flight() const noexcept { return core_->in_flight(); }

}  // namespace lift::resilience
