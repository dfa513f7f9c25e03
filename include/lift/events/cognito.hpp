#pragma once
// Amazon Cognito user-pool triggers (pre sign-up, post confirmation, pre token generation,
// custom auth challenges, migration, custom messages, ...). Every trigger shares the envelope
// below; request and response differ per triggerSource and stay JSON.
//
// A trigger answers with the event it received, `response` filled in: cognito_response()
// builds exactly that, keeping every member of the original event.
//
//   auto event = lift::events::parse_cognito(json);
//   if (event->triggerSource == "PreSignUp_SignUp")
//     return lift::events::cognito_response(json, {{"autoConfirmUser", true}});

#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "lift/events/common.hpp"

namespace lift::events {

struct CognitoCallerContext {
  std::string awsSdkVersion;
  std::string clientId;
};
BOOST_DESCRIBE_STRUCT(CognitoCallerContext, (), (awsSdkVersion, clientId))

struct CognitoEvent {
  std::string version;
  std::string triggerSource;
  std::string region;
  std::string userPoolId;
  std::optional<std::string> userName;  // absent on a few triggers (e.g. some custom SMS senders)
  CognitoCallerContext callerContext;
  boost::json::value request;
  std::optional<boost::json::value> response;
};
BOOST_DESCRIBE_STRUCT(CognitoEvent, (), (version, triggerSource, region, userPoolId, userName, callerContext, request, response))

// Required: triggerSource and userPoolId.
void lift_rules(lift::json::Rules<CognitoEvent>& r);

Result<CognitoEvent> parse_cognito(const boost::json::value& event);

// The original event with `response` replaced, every other member kept as it was (Cognito
// checks the answer against what it sent). "InvalidEvent" when `event` is not an object.
Result<boost::json::value> cognito_response(const boost::json::value& event, boost::json::value response);

}  // namespace lift::events
