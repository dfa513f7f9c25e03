#include "lift/resilience/retry.hpp"

#include <string>

#include "lift/core/deadline.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::resilience {
namespace detail {

RetryLoop::RetryLoop(const RetryOptions& options) : options_(options), deadline_(options.deadline) {
  if (!deadline_) {
    if (const auto invocation = InvocationDeadline::current()) deadline_ = call_deadline(*invocation, options_.environment.now());
  }
}

std::optional<AttemptInfo> RetryLoop::next_attempt() {
  ++number_;
  if (!deadline_) return AttemptInfo{number_, std::nullopt};
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - options_.environment.now());
  if (left.count() <= 0) return std::nullopt;
  return AttemptInfo{number_, left};
}

bool RetryLoop::retry_after(const Error& error) {
  if (number_ >= options_.max_attempts) return false;
  if (!(options_.retry_on ? options_.retry_on(error) : is_dependency_failure(error))) return false;
  const auto delay = full_jitter_backoff(options_.base_delay, options_.max_delay, number_, options_.environment.random());
  // A backoff that ends at or past the deadline would leave no time to try again.
  if (deadline_ && options_.environment.now() + delay >= *deadline_) return false;
  if (options_.on_retry) options_.on_retry(RetryEvent{number_, &error, delay});
  options_.environment.sleep(delay);
  return true;
}

Error no_time_for_a_first_attempt() {
  return Error{std::string(kDeadlineExceeded), "the deadline left no time to attempt the call", 504};
}

}  // namespace detail

Result<Retry> Retry::create(RetryOptions options) {
  constexpr std::string_view what = "retry";
  if (options.max_attempts < 1)
    return invalid_configuration(what, "max_attempts", "must be at least 1 (got " + std::to_string(options.max_attempts) + ")");
  if (options.base_delay.count() < 0)
    return invalid_configuration(what, "base_delay", "must not be negative (got " + std::to_string(options.base_delay.count()) + " ms)");
  if (options.max_delay < options.base_delay)
    return invalid_configuration(what, "max_delay",
                                 "must be at least base_delay (" + std::to_string(options.base_delay.count()) + " ms; got " +
                                     std::to_string(options.max_delay.count()) + " ms)");
  if (!options.environment.now || !options.environment.sleep || !options.environment.random)
    return invalid_configuration(what, "environment", "needs a clock, a sleep and a random source");
  return Retry(std::move(options));
}

}  // namespace lift::resilience
