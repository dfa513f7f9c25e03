#include "lift/events/cognito.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "lift/core/glob.hpp"
#include "lift/core/random.hpp"
#include "lift/core/uuid.hpp"

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

namespace {

// The request and (empty) response members Cognito sends for a trigger, by its family.
void sample_request_response(const CognitoSampleOptions& options, boost::json::object& request, boost::json::value& response) {
  using boost::json::array;
  using boost::json::object;
  const std::string_view trigger = options.trigger;
  request["userAttributes"] = object{{"sub", uuid()}, {"email", options.email}, {"email_verified", "true"}};
  if (trigger.starts_with("PreSignUp_")) {
    request["validationData"] = nullptr;
    response = object{{"autoConfirmUser", false}, {"autoVerifyEmail", false}, {"autoVerifyPhone", false}};
  } else if (trigger.starts_with("TokenGeneration_")) {
    request["groupConfiguration"] = object{{"groupsToOverride", array{}}, {"iamRolesToOverride", array{}}, {"preferredRole", nullptr}};
    response = object{{"claimsOverrideDetails", nullptr}};
  } else if (trigger.starts_with("DefineAuthChallenge_")) {
    request["session"] = array{};
    response = object{{"challengeName", nullptr}, {"issueTokens", false}, {"failAuthentication", false}};
  } else if (trigger.starts_with("CreateAuthChallenge_")) {
    request["challengeName"] = "CUSTOM_CHALLENGE";
    request["session"] = array{};
    response = object{{"publicChallengeParameters", nullptr}, {"privateChallengeParameters", nullptr}, {"challengeMetadata", nullptr}};
  } else if (trigger.starts_with("VerifyAuthChallengeResponse_")) {
    request["privateChallengeParameters"] = object{{"answer", "42"}};
    request["challengeAnswer"] = "42";
    response = object{{"answerCorrect", false}};
  } else if (trigger.starts_with("UserMigration_")) {
    request.erase("userAttributes");
    request["password"] = "example-password";
    response = object{{"userAttributes", nullptr}, {"finalUserStatus", nullptr}, {"messageAction", nullptr}, {"desiredDeliveryMediums", nullptr}};
  } else if (trigger.starts_with("CustomMessage_")) {
    request["codeParameter"] = "{####}";
    request["usernameParameter"] = nullptr;
    response = object{{"smsMessage", nullptr}, {"emailMessage", nullptr}, {"emailSubject", nullptr}};
  } else {
    // PostConfirmation_, PreAuthentication_, PostAuthentication_, ...: nothing to answer.
    response = object{};
  }
}

}  // namespace

Result<boost::json::value> Cognito::sample(const SampleOptions& options) {
  const auto underscore = options.trigger.find('_');
  if (underscore == std::string::npos || underscore == 0 || underscore + 1 == options.trigger.size()) {
    return invalid_sample("a trigger source is Family_Action (PreSignUp_SignUp, ...), not \"" + options.trigger + "\"");
  }
  if (options.user_pool_id.empty()) return invalid_sample("the user pool's id is empty");
  if (options.username.empty()) return invalid_sample("the user name is empty");
  boost::json::object request;
  boost::json::value response;
  sample_request_response(options, request, response);
  const auto region_end = options.user_pool_id.find('_');
  const std::string region = region_end == std::string::npos ? "us-east-1" : options.user_pool_id.substr(0, region_end);
  return boost::json::value{{"version", "1"},
                            {"triggerSource", options.trigger},
                            {"region", region},
                            {"userPoolId", options.user_pool_id},
                            {"userName", options.username},
                            {"callerContext", {{"awsSdkVersion", "aws-sdk-unknown-unknown"}, {"clientId", random_hex(26)}}},
                            {"request", std::move(request)},
                            {"response", std::move(response)}};
}

}  // namespace lift::events
