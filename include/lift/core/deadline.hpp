#pragma once
// The deadline of the invocation a thread is handling, for the calls made on its behalf that
// were given none (DynamORM's tables and lift::resilience::retry take it as their default). In
// core because every layer that makes calls needs it (lift/aws/deadline.hpp names it too).
//
//   const lift::InvocationDeadline scope(deadline);   // this thread, until `scope` ends
//   lift::InvocationDeadline::current();              // the innermost one, or nullopt
//   lift::call_deadline(*current)                      // what a call should be given
//
// lift::App sets it around every invocation it handles. It is per thread and scoped, which is
// right because the runtime hands each invocation to one worker thread that runs it from start
// to end (one worker per AWS_LAMBDA_MAX_CONCURRENCY): invocations in flight on other workers
// never see each other's deadline. Work a handler moves to a thread of its own does not carry
// it; give such calls their deadline explicitly.

#include <algorithm>
#include <chrono>
#include <optional>

namespace lift {

class InvocationDeadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit InvocationDeadline(Clock::time_point deadline) noexcept : previous_(slot()) { slot() = deadline; }
  // nullopt: an invocation without a deadline (none for its span, whatever an outer scope set).
  explicit InvocationDeadline(std::optional<Clock::time_point> deadline) noexcept : previous_(slot()) { slot() = deadline; }
  ~InvocationDeadline() { slot() = previous_; }
  InvocationDeadline(const InvocationDeadline&) = delete;
  InvocationDeadline& operator=(const InvocationDeadline&) = delete;

  [[nodiscard]] static std::optional<Clock::time_point> current() noexcept { return slot(); }

 private:
  static std::optional<Clock::time_point>& slot() noexcept {
    thread_local std::optional<Clock::time_point> deadline;
    return deadline;
  }
  std::optional<Clock::time_point> previous_;
};

// The deadline for a call made inside an invocation: the invocation's, less a margin that
// leaves the function time to answer (a tenth of the time left, at most 500 ms). Past the
// invocation's deadline, now: the call then fails at once as timed out.
[[nodiscard]] inline std::chrono::steady_clock::time_point call_deadline(
    std::chrono::steady_clock::time_point invocation, std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
  if (invocation <= now) return now;
  const std::chrono::steady_clock::duration margin =
      std::min<std::chrono::steady_clock::duration>((invocation - now) / 10, std::chrono::milliseconds(500));
  return invocation - margin;
}

}  // namespace lift
