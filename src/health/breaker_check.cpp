// A circuit breaker's check: its state in the process's registry.

#include <string>

#include "lift/health/health.hpp"
#include "lift/resilience/circuit_breaker.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::health {

Check circuit_breaker(std::string breaker, CheckOptions options) {
  if (breaker.empty()) return detail::refused_check({}, resilience::invalid_configuration("health check", "breaker", "must name a circuit breaker"));
  auto run = [breaker](Deadline) -> Outcome {
    const auto found = resilience::breakers().find(breaker);
    if (!found) return Outcome::pass();  // not made yet: no call has failed
    switch (found->state()) {
      case resilience::BreakerState::closed: return Outcome::pass();
      case resilience::BreakerState::half_open: return Outcome::warn("circuit breaker " + breaker + " is half-open (probing)");
      case resilience::BreakerState::open: return Outcome::fail("circuit breaker " + breaker + " is open");
    }
    return Outcome::fail("circuit breaker " + breaker + " is in an unknown state");
  };
  return detail::make_check(std::move(breaker), "component", options, std::move(run));
}

}  // namespace lift::health
