#pragma once
// Error notifications: unhandled errors (a 5xx error result, an exception) and 5xx answers of a
// function published to an SNS topic, so that an operator hears of an outage without watching
// the logs.
//
//   auto notify = lift::mw::error_notifier({.topic_arn = lift::env_or("ERROR_TOPIC_ARN", "")});
//   if (!notify) return notify.error();            // start-up: no topic, a topic that is not an ARN
//   app.use(*notify, lift::mw::recover());         // outside recover: sees what it turned into a 500
//
// A de-duplicating window bounds what an outage sends: per route and error code, one message per
// window; the errors in between are only counted, and the next message says how many there were
// (`suppressed`). A message is a JSON object:
//   {"source":"lift.error_notifier","function":..,"route":..,"method":..,"error_code":..,
//    "status":..,"request_id":..,"trace_id":..,"suppressed":..,"window_seconds":..}
// with the error code and function as message attributes, so subscriptions can filter. It never
// carries the request's body, headers or the error's message (they may hold personal data or
// secrets).
//
// Publishing never fails the answer and delays it at most `publish_timeout` (less when the
// invocation has less time left): a failure to publish is one JSON log line, never an error.
//
// Thread safety: the window's counts are behind a mutex and the SNS client is thread-safe; one
// notifier serves every worker of lift::run(app).

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>

#include "lift/app/middleware.hpp"
#include "lift/aws/sns.hpp"
#include "lift/core/result.hpp"

namespace lift::mw {

struct ErrorNotifierOptions {
  std::string topic_arn{};  // "arn:aws:sns:<region>:<account>:<name>": required
  // One message per route and error code per window.
  std::chrono::seconds window{300};
  // The longest a publish may hold the answer back.
  std::chrono::milliseconds publish_timeout{500};
  // Routes and codes tracked at once; beyond, the oldest window is forgotten.
  std::size_t max_tracked = 1000;
  // Null: an SNS client of its own (region from the topic's ARN, the standard endpoint
  // configuration, a single attempt so the timeout holds).
  std::shared_ptr<aws::SnsClient> sns{};
  std::string function_name{};  // empty: AWS_LAMBDA_FUNCTION_NAME
  std::FILE* log = stderr;      // where failures to publish are logged
};

// Errors ("Config", at start-up): no topic ARN, one that is not an SNS topic ARN, a window or
// timeout that is not positive, max_tracked 0.
Result<Middleware> error_notifier(ErrorNotifierOptions options);

}  // namespace lift::mw
