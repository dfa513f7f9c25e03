#include "lift/events/cognito.hpp"

#include <boost/json/object.hpp>

#include "lift/core/glob.hpp"

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

void Cognito::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_cognito(event));
  out.add("trigger_source", string_member(event, "triggerSource"));
  out.add("user_pool_id", string_member(event, "userPoolId"));
  out.add("user_name", string_member(event, "userName"));
}

bool Cognito::matches(std::string_view pattern, const Record& event) noexcept { return glob_match(pattern, event.triggerSource); }

Result<boost::json::value> Cognito::answer(const boost::json::value& event, const Event&, std::span<Result<Answer>> outcomes,
                                           const AnswerContext&) {
  auto& outcome = outcomes.front();
  if (!outcome) return outcome.error();
  if (!*outcome) return boost::json::value(event, boost::json::storage_ptr());  // the event as it came
  return cognito_response(event, std::move(**outcome));
}

}  // namespace lift::events
