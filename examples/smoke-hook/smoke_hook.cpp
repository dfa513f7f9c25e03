#include "smoke_hook.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/json.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/env.hpp"

namespace smoke_hook {
namespace {

namespace json = boost::json;
using lift::Error;
using lift::Result;

constexpr std::size_t kMaxCaseName = 128;

Error invalid_cases(std::string message) { return Error{std::string(kInvalidCases), std::move(message), 400}; }
Error invalid_config(std::string message) { return Error{std::string(kInvalidConfig), std::move(message), 400}; }

Result<Expectation> parse_expectation(const json::value& value, const std::string& where) {
  if (!value.is_object()) return invalid_cases(where + ".expect must be an object");
  Expectation expect;
  for (const auto& [key, member] : value.as_object()) {
    if (key == "statusCode") {
      if (!member.is_int64() || member.as_int64() < 100 || member.as_int64() > 599)
        return invalid_cases(where + ".expect.statusCode must be an integer from 100 to 599");
      expect.status_code = static_cast<int>(member.as_int64());
    } else if (key == "bodyContains") {
      if (!member.is_string() || member.as_string().empty()) return invalid_cases(where + ".expect.bodyContains must be a non-empty string");
      expect.body_contains = std::string(member.as_string());
    } else {
      return invalid_cases(where + ".expect has an unknown member '" + std::string(key) + "' (statusCode, bodyContains)");
    }
  }
  return expect;
}

// An HTTP answer as API Gateway reads a function's result.
struct HttpAnswer {
  int status = 200;
  std::string body;
};

std::optional<HttpAnswer> read_http_answer(const std::string& payload, std::string& why) {
  boost::system::error_code ec;
  const auto value = json::parse(payload, ec);
  if (ec) {
    why = "the answer is not JSON";
    return std::nullopt;
  }
  const auto* object = value.if_object();
  const auto* status = object != nullptr ? object->if_contains("statusCode") : nullptr;
  // HTTP APIs (payload 2.0) take any other JSON as a 200 whose body is that JSON.
  if (status == nullptr) return HttpAnswer{200, payload};
  if (!status->is_int64() || status->as_int64() < 100 || status->as_int64() > 599) {
    why = "the answer's statusCode is not an HTTP status";
    return std::nullopt;
  }
  HttpAnswer answer{static_cast<int>(status->as_int64()), {}};
  if (const auto* body = object->if_contains("body"); body != nullptr && !body->is_null()) {
    if (!body->is_string()) {
      why = "the answer's body is not a string";
      return std::nullopt;
    }
    answer.body = std::string(body->as_string());
    if (const auto* encoded = object->if_contains("isBase64Encoded"); encoded != nullptr && encoded->is_bool() && encoded->as_bool()) {
      auto decoded = lift::base64::decode(answer.body);
      if (!decoded) {
        why = "the answer's body is marked base64 but is not";
        return std::nullopt;
      }
      answer.body = std::move(*decoded);
    }
  }
  return answer;
}

// The errorType of a function's error document (a type name, never its message: that may
// repeat the event).
std::string error_type_of(const std::string& payload) {
  boost::system::error_code ec;
  const auto value = json::parse(payload, ec);
  if (ec || !value.is_object()) return {};
  const auto* type = value.as_object().if_contains("errorType");
  return type != nullptr && type->is_string() ? std::string(type->as_string().subview().substr(0, 100)) : std::string();
}

std::string read_cases_file(const std::string& path, Result<void>& status) {
  std::filesystem::path file(path);
  if (file.is_relative()) file = std::filesystem::path(lift::env_or("LAMBDA_TASK_ROOT", ".")) / file;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    status = invalid_cases("LIFT_SMOKE_CASES_FILE: cannot read " + file.string());
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

json::object outcome_json(const Outcome& outcome) {
  json::object out{{"name", outcome.name}, {"passed", outcome.passed}};
  if (outcome.status_code) out["statusCode"] = *outcome.status_code;
  if (!outcome.reason.empty()) out["reason"] = outcome.reason;
  return out;
}

// What the handler shares across invocations (and workers): fixed once the app is built.
struct Hook {
  Result<Config> config;
  Services services;
  lift::observability::Logger logger;
};

// Time kept back from the cases for reporting to CodeDeploy: a quarter of what is left,
// between 300 ms and 3 s.
std::chrono::milliseconds report_reserve(std::chrono::milliseconds remaining) {
  return std::clamp(remaining / 4, std::chrono::milliseconds(300), std::chrono::milliseconds(3000));
}

Result<json::value> handle_hook(const Hook& hook, lift::Context& ctx, const json::value& event) {
  LIFT_TRY(hook_event, parse_hook_event(event));
  const auto remaining = ctx.remaining_time();
  const auto started = std::chrono::steady_clock::now();
  const Deadline invocation_deadline = started + remaining;
  const Deadline cases_deadline = invocation_deadline - report_reserve(remaining);

  json::object answer{{"deploymentId", hook_event.deployment_id}};
  bool passed = false;
  if (!hook.config) {
    hook.logger.error("the smoke test cannot run: its configuration is invalid",
                      {{"deploymentId", hook_event.deployment_id}, {"code", hook.config.error().code}, {"error", hook.config.error().message}});
    answer["error"] = json::object{{"code", hook.config.error().code}, {"message", hook.config.error().message}};
  } else {
    const auto outcomes = run_cases(*hook.config, hook.services, cases_deadline);
    json::array cases;
    std::size_t failures = 0;
    for (const auto& outcome : outcomes) {
      cases.push_back(outcome_json(outcome));
      if (outcome.passed) continue;
      ++failures;
      hook.logger.error("smoke case failed", {{"deploymentId", hook_event.deployment_id},
                                              {"case", outcome.name},
                                              {"statusCode", outcome.status_code ? lift::observability::LogValue(*outcome.status_code)
                                                                                 : lift::observability::LogValue(nullptr)},
                                              {"reason", outcome.reason}});
    }
    passed = failures == 0;
    answer["cases"] = std::move(cases);
    hook.logger.info("smoke test finished", {{"deploymentId", hook_event.deployment_id},
                                             {"function", hook.config->function},
                                             {"cases", outcomes.size()},
                                             {"failed", failures}});
  }
  const auto status = passed ? lift::aws::CodeDeployHookStatus::succeeded : lift::aws::CodeDeployHookStatus::failed;
  answer["status"] = lift::aws::to_string(status);
  auto reported = hook.services.report({hook_event.deployment_id, hook_event.lifecycle_event_hook_execution_id, status}, invocation_deadline);
  if (!reported) {
    hook.logger.error("CodeDeploy did not take the hook's status", {{"deploymentId", hook_event.deployment_id},
                                                                     {"status", lift::aws::to_string(status)},
                                                                     {"code", reported.error().code},
                                                                     {"error", reported.error().message}});
    return Error{std::string(kReportFailed), "reporting " + std::string(lift::aws::to_string(status)) + " to CodeDeploy failed: " +
                                                 reported.error().code + ": " + reported.error().message,
                 502};
  }
  return json::value(std::move(answer));
}

}  // namespace

Result<std::vector<SmokeCase>> parse_cases(std::string_view text) {
  boost::system::error_code ec;
  const auto value = json::parse(text, ec);
  if (ec) return invalid_cases("the smoke cases are not JSON: " + ec.message());
  if (!value.is_array()) return invalid_cases("the smoke cases must be a JSON array of {\"name\", \"event\", \"expect\"}");
  const auto& array = value.as_array();
  if (array.empty()) return invalid_cases("there are no smoke cases: a test of nothing would pass every deployment");
  if (array.size() > kMaxCases)
    return invalid_cases("at most " + std::to_string(kMaxCases) + " smoke cases, not " + std::to_string(array.size()));
  std::vector<SmokeCase> cases;
  std::set<std::string, std::less<>> names;
  for (std::size_t index = 0; index < array.size(); ++index) {
    std::string where = "cases[" + std::to_string(index) + "]";
    const auto* object = array[index].if_object();
    if (object == nullptr) return invalid_cases(where + " must be an object");
    SmokeCase smoke_case;
    bool has_event = false;
    for (const auto& [key, member] : *object) {
      if (key == "name") {
        if (!member.is_string() || member.as_string().empty() || member.as_string().size() > kMaxCaseName)
          return invalid_cases(where + ".name must be a string of 1 to 128 characters");
        smoke_case.name = std::string(member.as_string());
      } else if (key == "event") {
        if (!member.is_object()) return invalid_cases(where + ".event must be an object (a Lambda event)");
        smoke_case.event = json::serialize(member);
        has_event = true;
      } else if (key == "expect") {
        LIFT_TRY(expect, parse_expectation(member, where));
        smoke_case.expect = std::move(expect);
      } else {
        return invalid_cases(where + " has an unknown member '" + std::string(key).substr(0, 64) + "' (name, event, expect)");
      }
    }
    if (smoke_case.name.empty()) return invalid_cases(where + " has no name");
    where += " ('" + smoke_case.name + "')";
    if (!has_event) return invalid_cases(where + " has no event");
    if (!names.insert(smoke_case.name).second) return invalid_cases(where + ": another case has that name");
    cases.push_back(std::move(smoke_case));
  }
  return cases;
}

Result<Config> config_from_environment() {
  Config config;
  config.function = lift::env_or("LIFT_SMOKE_FUNCTION", "");
  if (config.function.empty())
    return invalid_config("LIFT_SMOKE_FUNCTION is unset: it names the function to test, with the new version as qualifier");
  if (auto checked = lift::aws::lambda_invoke_http({.function_name = config.function}); !checked)
    return invalid_config("LIFT_SMOKE_FUNCTION: " + checked.error().message);

  std::string text = lift::env_or("LIFT_SMOKE_CASES", "");
  if (text.empty()) {
    const std::string file = lift::env_or("LIFT_SMOKE_CASES_FILE", "");
    if (file.empty()) return invalid_cases("neither LIFT_SMOKE_CASES nor LIFT_SMOKE_CASES_FILE is set");
    Result<void> read;
    text = read_cases_file(file, read);
    if (!read) return std::move(read).error();
  }
  LIFT_TRY(cases, parse_cases(text));
  config.cases = std::move(cases);

  if (const auto concurrency = lift::env_or("LIFT_SMOKE_CONCURRENCY", ""); !concurrency.empty()) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(concurrency.data(), concurrency.data() + concurrency.size(), value);
    if (error != std::errc{} || end != concurrency.data() + concurrency.size() || value < 1 || value > kMaxConcurrency)
      return invalid_config("LIFT_SMOKE_CONCURRENCY must be a number from 1 to " + std::to_string(kMaxConcurrency));
    config.concurrency = value;
  }
  return config;
}

bool has_qualifier(std::string_view function) {
  const auto parts = static_cast<std::size_t>(std::count(function.begin(), function.end(), ':')) + 1;
  if (function.starts_with("arn:")) return parts == 8;                            // arn:aws:lambda:region:account:function:name:q
  if (function.find(":function:") != std::string_view::npos) return parts == 4;   // account:function:name:q
  return parts == 2;                                                              // name:q
}

Outcome check_answer(const SmokeCase& smoke_case, const Result<lift::aws::LambdaInvokeResult>& answer) {
  Outcome outcome{smoke_case.name, false, std::nullopt, {}};
  if (!answer) {
    outcome.reason = "the invocation failed: " + answer.error().code + ": " + answer.error().message.substr(0, 300);
    return outcome;
  }
  if (answer->function_failed()) {
    const auto type = error_type_of(answer->payload);
    outcome.reason = "the function failed (" + *answer->function_error + ")" + (type.empty() ? "" : ": " + type);
    return outcome;
  }
  std::string why;
  const auto http = read_http_answer(answer->payload, why);
  if (!http) {
    outcome.reason = why;
    return outcome;
  }
  outcome.status_code = http->status;
  const auto& expect = smoke_case.expect;
  if (expect.status_code ? http->status != *expect.status_code : (http->status < 200 || http->status > 299)) {
    outcome.reason = "status " + std::to_string(http->status) + ", expected " +
                     (expect.status_code ? std::to_string(*expect.status_code) : std::string("a 2xx"));
    return outcome;
  }
  if (expect.body_contains && http->body.find(*expect.body_contains) == std::string::npos) {
    outcome.reason = "the body does not contain the expected text";
    return outcome;
  }
  outcome.passed = true;
  return outcome;
}

std::vector<Outcome> run_cases(const Config& config, const Services& services, Deadline deadline) {
  std::vector<Outcome> outcomes(config.cases.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t index = next++; index < config.cases.size(); index = next++) {
      const auto& smoke_case = config.cases[index];
      Result<lift::aws::LambdaInvokeResult> answer = Error{"aws.deadline_exceeded", "no time was left for this case", 504};
      if (std::chrono::steady_clock::now() < deadline) {
        // An exception must not leave a worker thread (that would end the process): an injected
        // fault (LIFT_FAULTS) or a bad_alloc fails this case like any other error.
        try {
          answer = services.invoke({.function_name = config.function, .payload = smoke_case.event}, deadline);
        } catch (const std::exception& thrown) {
          answer = Error{"SmokeHook.InvokeFailed", std::string("the invocation threw: ") + thrown.what(), 500};
        }
      }
      outcomes[index] = check_answer(smoke_case, answer);
    }
  };
  const auto workers = std::min<std::size_t>(std::max(config.concurrency, 1U), config.cases.size());
  {
    std::vector<std::jthread> threads;
    for (std::size_t n = 1; n < workers; ++n) threads.emplace_back(work);
    work();
  }
  return outcomes;
}

Result<HookEvent> parse_hook_event(const json::value& event) {
  const auto* object = event.if_object();
  const auto member = [&](std::string_view key) -> std::string {
    const auto* value = object != nullptr ? object->if_contains(key) : nullptr;
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
  };
  HookEvent hook{member("DeploymentId"), member("LifecycleEventHookExecutionId")};
  if (hook.deployment_id.empty() || hook.lifecycle_event_hook_execution_id.empty())
    return Error{std::string(kInvalidEvent),
                 "not a CodeDeploy lifecycle hook event: it needs the strings DeploymentId and LifecycleEventHookExecutionId", 400};
  return hook;
}

lift::App make_app(Result<Config> config, Services services, lift::observability::Logger logger) {
  if (config && !has_qualifier(config->function))
    logger.warn("LIFT_SMOKE_FUNCTION has no version or alias: the smoke test runs against $LATEST, not the version being deployed",
                {{"function", config->function}});
  auto hook = std::make_shared<const Hook>(Hook{std::move(config), std::move(services), std::move(logger)});
  lift::App app;
  app.on_event([hook](lift::Context& ctx, const json::value& event) { return handle_hook(*hook, ctx, event); });
  return app;
}

}  // namespace smoke_hook
