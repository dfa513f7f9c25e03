#pragma once
// Fault injection: latency, failures and exceptions injected into a share of the calls to a
// dependency (or of the requests to a route), to show that retries, breakers and fallbacks do
// what they promise. Off unless LIFT_FAULTS names faults, or code builds a FaultPlan.
//
//   LIFT_FAULTS="dynamodb=throttling@20%; payments=latency:300ms@50%; route:POST /todos=error:503@10%"
//
//   LIFT_TRY(faults, lift::resilience::FaultPlan::from_environment());   // in the factory
//   auto receipt = faults.call("payments", [&] { return charge(order); });
//
// A rule is TARGET=FAULT[@PERCENT%], rules separated by ';':
//   TARGET   a dependency's name, or a glob over names ("*" for all; letters in any case);
//            "route:" then a glob over "METHOD /route/:pattern" for the requests of routes
//   FAULT    latency:DURATION   the call goes ahead after DURATION (ms or s: 300ms, 2s)
//            error:STATUS       the call fails with that HTTP status (400 to 599)
//            throttling         the call fails as throttled (429, retried by default)
//            unavailable        the call fails as unavailable (503, retried by default)
//            timeout            the call fails as timed out (Http.Timeout, 504)
//            exception          the call throws lift::resilience::InjectedFault
//   PERCENT  of the calls, 0 to 100 (decimals allowed); 100 when left out
// Every matching rule is drawn on its own: latencies add up, the first failure drawn wins.
// An injected failure carries the detail {"field": "fault", "message": the rule as written}.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "lift/core/backoff.hpp"
#include "lift/core/result.hpp"

namespace lift::resilience {

enum class FaultKind : std::uint8_t { latency, error, throttling, unavailable, timeout, exception };

struct FaultRule {
  std::string target;      // the glob, without "route:"
  bool route = false;      // over routes ("METHOD /pattern") rather than dependencies
  FaultKind kind = FaultKind::latency;
  std::chrono::milliseconds latency{0};  // kind latency
  int status = 0;                        // kind error
  double percent = 100;
  std::string text;  // the rule as written
};

// Thrown by a call whose fault is `exception`.
class InjectedFault : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What to do to one call: wait `latency`, then fail as the rule `failure` says (none: go ahead).
struct FaultDecision {
  std::chrono::milliseconds latency{0};
  std::optional<FaultRule> failure{};
  [[nodiscard]] bool none() const noexcept { return latency.count() == 0 && !failure; }
};

class FaultPlan {
 public:
  // No faults.
  FaultPlan() = default;

  // InvalidConfiguration (detail field "LIFT_FAULTS") naming the rule that cannot be read.
  // `environment` gives the randomness that draws the percentages and the sleep of latencies.
  static Result<FaultPlan> parse(std::string_view text, RetryEnvironment environment = {});
  // LIFT_FAULTS; unset or blank: no faults.
  static Result<FaultPlan> from_environment(RetryEnvironment environment = {});

  [[nodiscard]] bool empty() const noexcept { return rules_.empty(); }
  [[nodiscard]] const std::vector<FaultRule>& rules() const noexcept { return rules_; }
  // The rules as one text, "dynamodb=throttling@20%; ..." (for the line saying faults are on).
  [[nodiscard]] std::string describe() const;

  [[nodiscard]] FaultDecision decide_for_dependency(std::string_view name) const;
  [[nodiscard]] FaultDecision decide_for_route(std::string_view method, std::string_view route) const;

  // Carries a decision out: sleeps its latency, then answers its failure (or throws
  // InjectedFault); ok when the call should go ahead.
  [[nodiscard]] Result<void> apply(const FaultDecision& decision) const;

  // `fn()` (returning any lift::Result<T>) with the faults planned for dependency `name`.
  template <class F>
  auto call(std::string_view name, F&& fn) const -> std::remove_cvref_t<std::invoke_result_t<F&>> {
    using R = std::remove_cvref_t<std::invoke_result_t<F&>>;
    static_assert(is_result_v<R>, "lift::resilience::FaultPlan::call: the call must return a lift::Result");
    if (!rules_.empty()) {
      if (auto injected = apply(decide_for_dependency(name)); !injected) return R(std::move(injected).error());
    }
    return std::invoke(fn);
  }

 private:
  [[nodiscard]] FaultDecision decide(bool route, std::string_view subject) const;

  std::vector<FaultRule> rules_;
  RetryEnvironment environment_;
};

// The error an injected failure answers with (kind error, throttling, unavailable or timeout).
[[nodiscard]] Error injected_error(const FaultRule& rule);

}  // namespace lift::resilience
