#include "lift/resilience/faults.hpp"

#include <cmath>

#include "lift/core/env.hpp"
#include "lift/core/failure_kind.hpp"
#include "lift/core/glob.hpp"
#include "lift/resilience/errors.hpp"
#include "text.hpp"

namespace lift::resilience {
namespace {

using detail::duration;
using detail::number;
using detail::trim;

constexpr std::string_view kVariable = "LIFT_FAULTS";
constexpr std::string_view kFaults = "latency:DURATION, error:STATUS, throttling, unavailable, timeout or exception";
// Lambda's longest timeout: a longer latency could only be a typo.
constexpr std::chrono::milliseconds kLongestLatency = std::chrono::minutes(15);

Error bad_rule(std::string_view rule, std::string_view why) {
  return invalid_configuration("fault injection", kVariable, "rule \"" + std::string(rule) + "\": " + std::string(why));
}

Result<FaultRule> parse_rule(std::string_view text) {
  FaultRule rule;
  rule.text = std::string(text);
  const auto equals = text.rfind('=');
  if (equals == std::string_view::npos) return bad_rule(text, "expected TARGET=FAULT[@PERCENT%]");
  auto target = trim_blanks(text.substr(0, equals));
  auto fault = trim_blanks(text.substr(equals + 1));
  if (target.starts_with("route:")) {
    rule.route = true;
    target = trim_blanks(target.substr(6));
  }
  if (target.empty()) return bad_rule(text, "names no target");
  rule.target = std::string(target);

  if (const auto at = fault.rfind('@'); at != std::string_view::npos) {
    auto share = trim_blanks(fault.substr(at + 1));
    if (share.ends_with('%')) share.remove_suffix(1);
    const auto percent = number<double>(share);
    if (!percent || !(*percent >= 0 && *percent <= 100))
      return bad_rule(text, "the percentage must be a number from 0 to 100, got \"" + std::string(share) + "\"");
    rule.percent = *percent;
    fault = trim_blanks(fault.substr(0, at));
  }

  if (fault.starts_with("latency:")) {
    const auto latency = duration(trim_blanks(fault.substr(8)));
    if (!latency || latency->count() <= 0 || *latency > kLongestLatency)
      return bad_rule(text, "a latency is a duration over 0 and at most 15 minutes, in ms or s (300ms, 2s)");
    rule.kind = FaultKind::latency;
    rule.latency = *latency;
  } else if (fault.starts_with("error:")) {
    const auto status = number<int>(trim_blanks(fault.substr(6)));
    if (!status || *status < 400 || *status > 599) return bad_rule(text, "an error is an HTTP status from 400 to 599");
    rule.kind = FaultKind::error;
    rule.status = *status;
  } else if (fault == "throttling") {
    rule.kind = FaultKind::throttling;
  } else if (fault == "unavailable") {
    rule.kind = FaultKind::unavailable;
  } else if (fault == "timeout") {
    rule.kind = FaultKind::timeout;
  } else if (fault == "exception") {
    rule.kind = FaultKind::exception;
  } else {
    return bad_rule(text, "unknown fault \"" + std::string(fault) + "\" (" + std::string(kFaults) + ")");
  }
  return rule;
}

}  // namespace

Result<FaultPlan> FaultPlan::parse(std::string_view text, RetryEnvironment environment) {
  if (!environment.random || !environment.sleep)
    return invalid_configuration("fault injection", "environment", "needs a random source and a sleep");
  FaultPlan plan;
  plan.environment_ = std::move(environment);
  while (!text.empty()) {
    const auto end = text.find(';');
    const auto rule = trim_blanks(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (rule.empty()) continue;
    LIFT_TRY(parsed, parse_rule(rule));
    plan.rules_.push_back(std::move(parsed));
  }
  return plan;
}

Result<FaultPlan> FaultPlan::from_environment(RetryEnvironment environment) {
  return parse(env("LIFT_FAULTS").value_or(""), std::move(environment));
}

std::string FaultPlan::describe() const {
  std::string out;
  for (const auto& rule : rules_) {
    if (!out.empty()) out += "; ";
    out += rule.text;
  }
  return out;
}

FaultDecision FaultPlan::decide(bool route, std::string_view subject) const {
  FaultDecision decision;
  for (const auto& rule : rules_) {
    if (rule.route != route || !glob_match_ignoring_case(rule.target, subject)) continue;
    if (rule.percent < 100 && environment_.random() * 100 >= rule.percent) continue;
    if (rule.kind == FaultKind::latency) {
      decision.latency += rule.latency;
    } else if (!decision.failure) {
      decision.failure = rule;
    }
  }
  return decision;
}

FaultDecision FaultPlan::decide_for_dependency(std::string_view name) const {
  if (rules_.empty()) return {};
  return decide(false, name);
}

FaultDecision FaultPlan::decide_for_route(std::string_view method, std::string_view route) const {
  if (rules_.empty()) return {};
  return decide(true, std::string(method) + " " + std::string(route));
}

Result<void> FaultPlan::apply(const FaultDecision& decision) const {
  if (decision.latency.count() > 0) environment_.sleep(decision.latency);
  if (!decision.failure) return {};
  auto error = injected_error(*decision.failure);
  if (decision.failure->kind == FaultKind::exception) throw InjectedFault(error.message);
  return error;
}

Error injected_error(const FaultRule& rule) {
  const std::string message = "fault injected by " + std::string(kVariable) + " rule \"" + rule.text + "\"";
  Error error;
  switch (rule.kind) {
    case FaultKind::throttling:
      error = {"Fault.Throttling", message, 429};
      break;
    case FaultKind::unavailable:
      error = {"Fault.ServiceUnavailable", message, 503};
      break;
    case FaultKind::timeout:
      // The HTTP client's own code, so that whatever treats timeouts apart treats this one so.
      error = {std::string(kHttpTimeout), message, 504};
      break;
    case FaultKind::error:
      error = {"Fault.Injected", message, rule.status};
      break;
    case FaultKind::latency:
    case FaultKind::exception:
      error = {"Fault.Injected", message, 500};
      break;
  }
  error.details.push_back({"fault", rule.text});
  return error;
}

}  // namespace lift::resilience
