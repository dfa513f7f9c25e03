#pragma once
// Invoking an App with an event as the Lambda runtime would, in a test: request id
// "lambda-req", three seconds left, the answer's body as JSON.

#include <string>
#include <utility>

#include <boost/json.hpp>

#include "lift/app/app.hpp"
#include "support/invocation.hpp"
#include "support/json.hpp"

namespace lift::testing_support {

inline Result<boost::json::value> invoke(const App& app, const std::string& payload) {
  auto answer = app.invoke(invocation(payload));
  if (!answer) return std::move(answer).error();
  return json_of(answer->body);
}

inline Result<boost::json::value> invoke(const App& app, const boost::json::value& event) {
  return invoke(app, boost::json::serialize(event));
}

inline Result<boost::json::value> invoke(const App& app, const char* payload) { return invoke(app, std::string(payload)); }

}  // namespace lift::testing_support
