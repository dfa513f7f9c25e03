#pragma once
// Invoking an App with a non-HTTP event in a test, as Lambda would: a request id, a deadline,
// the event as the payload; the answer's body parsed back into JSON.

#include <chrono>
#include <string>

#include <boost/json.hpp>

#include "lift/app/app.hpp"
#include "support/json.hpp"

namespace lift::testing_support {

inline runtime::Invocation event_invocation(const boost::json::value& event,
                                            std::chrono::milliseconds time_left = std::chrono::seconds(5)) {
  runtime::Invocation invocation;
  invocation.context.request_id = "lambda-req";
  invocation.context.deadline = std::chrono::system_clock::now() + time_left;
  invocation.payload = boost::json::serialize(event);
  return invocation;
}

inline Result<boost::json::value> invoke_event(const App& app, const boost::json::value& event) {
  auto answer = app.invoke(event_invocation(event));
  if (!answer) return std::move(answer).error();
  return json_of(answer->body);
}

}  // namespace lift::testing_support
