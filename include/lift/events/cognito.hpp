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

#include <span>

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

// Options of a sample trigger (`lift events generate cognito`).
struct CognitoSampleOptions {
  std::string trigger = "PreSignUp_SignUp";
  std::string user_pool_id = "us-east-1_EXAMPLE";
  std::string username = "jane";
  std::string email = "jane@example.com";
};
BOOST_DESCRIBE_STRUCT(CognitoSampleOptions, (), (trigger, user_pool_id, username, email))

// The source: one trigger per invocation, routed by its trigger source ("PreSignUp_*"). What a
// handler returns is the trigger's `response` (a JSON value or any type that converts to one),
// or nothing to leave it as it came; Lambda gets the event back with `response` replaced.
struct Cognito {
  static constexpr SourceInfo info{"cognito", "Amazon Cognito user pool triggers"};
  using Event = CognitoEvent;
  using Record = Event;
  using Answer = std::optional<boost::json::value>;
  static bool detect(const boost::json::value& event) noexcept {
    return !string_member(event, "triggerSource").empty() && !string_member(event, "userPoolId").empty();
  }
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = CognitoSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"trigger", "the triggerSource (PreSignUp_SignUp, TokenGeneration_HostedAuth, ...)"},
      {"user_pool_id", "the user pool's id (its region comes before '_')"},
      {"username", "the userName"},
      {"email", "the user's email attribute"},
  };
  // The request and the empty response the trigger's family has.
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_cognito(event); }
  static std::span<const Record> records(const Event& event) noexcept { return {&event, 1}; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return {&event}; }
  static bool matches(std::string_view pattern, const Record& event) noexcept;
  static std::string describe(const Record& event) { return "the Cognito trigger " + event.triggerSource; }
  static constexpr Failures failures = Failures::fail_invocation;
  static Result<boost::json::value> answer(const boost::json::value& event, const Event& typed, std::span<Result<Answer>> outcomes,
                                           const AnswerContext& context);
};
LIFT_EVENT_SOURCE(Cognito);

}  // namespace lift::events
