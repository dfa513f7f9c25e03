#include "lift/runtime/context.hpp"

#include <charconv>

#include <boost/json.hpp>

#include "lift/core/env.hpp"
#include "lift/runtime/runtime.hpp"

namespace lift::runtime {
namespace {

int env_int(const char* name, int fallback) {
  auto text = env(name);
  if (!text) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size()) return fallback;
  return value;
}

}  // namespace

FunctionMetadata FunctionMetadata::from_environment() {
  FunctionMetadata m;
  m.name = env_or("AWS_LAMBDA_FUNCTION_NAME", "");
  m.version = env_or("AWS_LAMBDA_FUNCTION_VERSION", "");
  m.memory_mb = env_int("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 0);
  m.log_group = env_or("AWS_LAMBDA_LOG_GROUP_NAME", "");
  m.log_stream = env_or("AWS_LAMBDA_LOG_STREAM_NAME", "");
  m.region = env_or("AWS_REGION", env_or("AWS_DEFAULT_REGION", ""));
  m.initialization_type = env_or("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
  const int concurrency = env_int("AWS_LAMBDA_MAX_CONCURRENCY", 1);
  m.max_concurrency = concurrency >= 1 ? concurrency : 1;
  return m;
}

std::chrono::milliseconds InvocationContext::remaining() const {
  const auto now = std::chrono::system_clock::now();
  if (deadline <= now) return std::chrono::milliseconds(0);
  // deadline > now: the difference cannot overflow, and is capped so that adding it to another
  // clock cannot either.
  const auto left = deadline - now;
  if (left >= kDeadlineHorizon) return kDeadlineHorizon;
  return std::chrono::duration_cast<std::chrono::milliseconds>(left);
}

std::string ErrorReport::to_json() const {
  boost::json::object body;
  body["errorMessage"] = message;
  body["errorType"] = type;
  boost::json::array trace;
  for (const auto& frame : stack_trace) trace.emplace_back(frame);
  body["stackTrace"] = std::move(trace);
  return boost::json::serialize(body);
}

}  // namespace lift::runtime
