#include "lift/events/cognito.hpp"

#include <boost/json/object.hpp>

namespace lift::events {

void lift_rules(lift::json::Rules<CognitoEvent>& r) {
  r.field(&CognitoEvent::triggerSource).required();
  r.field(&CognitoEvent::userPoolId).required();
}

Result<CognitoEvent> parse_cognito(const boost::json::value& event) { return parse_event<CognitoEvent>(event); }

Result<boost::json::value> cognito_response(const boost::json::value& event, boost::json::value response) {
  const auto* object = event.if_object();
  if (object == nullptr) return invalid_event("", "expected object");
  boost::json::object out(*object, boost::json::storage_ptr());
  out["response"] = std::move(response);
  return boost::json::value(std::move(out));
}

}  // namespace lift::events
