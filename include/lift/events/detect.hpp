#pragma once
// What kind of event arrived. One function classifies any payload; the runtime dispatch, the
// HTTP adapters and `lift events inspect` all use it, so they always agree.
//
// The checks run in this order; the first that holds decides:
//  1. not a JSON object                                                  -> unknown
//  2. `Records` is a non-empty array: its first record's `eventSource` (or SNS's `EventSource`)
//     aws:sqs -> sqs, aws:sns -> sns, aws:s3 -> s3, aws:dynamodb -> dynamodb-stream,
//     aws:kinesis -> kinesis; any other source                           -> unknown
//  3. `awslogs.data` is a string                                         -> cloudwatch-logs
//  4. `type` is "TOKEN" with `authorizationToken` and `methodArn`        -> authorizer-token
//     `type` is "REQUEST" with `methodArn` or `routeArn`                 -> authorizer-request
//     (before the HTTP checks: authorizer calls carry a requestContext, even a WebSocket
//     CONNECT one)
//  5. `triggerSource` and `userPoolId` are strings                       -> cognito
//  6. `source`, `detail-type` are strings and `detail` is present: detail-type
//     "Scheduled Event" from aws.events -> scheduled, else               -> eventbridge
//  7. `requestContext` is an object:
//     it has `elb`                                                       -> alb
//     it has `connectionId` and `eventType`                              -> apigw-websocket
//     `version` is "2.0" or it has `http`: a domainName with ".lambda-url." -> function-url,
//     else                                                               -> apigw-http
//     top-level `httpMethod` is a string                                 -> apigw-rest
//  8. anything else                                                      -> unknown

#include <optional>
#include <string_view>

#include <boost/json/fwd.hpp>

namespace lift::events {

enum class Kind {
  apigw_rest,
  apigw_http,
  alb,
  function_url,
  apigw_websocket,
  sqs,
  sns,
  s3,
  eventbridge,
  scheduled,
  dynamodb_stream,
  kinesis,
  cloudwatch_logs,
  authorizer_token,
  authorizer_request,
  cognito,
  unknown,
};

// Every kind, in declaration order (for listings and tests).
inline constexpr Kind kAllKinds[] = {
    Kind::apigw_rest,  Kind::apigw_http,      Kind::alb,     Kind::function_url,    Kind::apigw_websocket,
    Kind::sqs,         Kind::sns,             Kind::s3,      Kind::eventbridge,     Kind::scheduled,
    Kind::dynamodb_stream, Kind::kinesis,     Kind::cloudwatch_logs, Kind::authorizer_token,
    Kind::authorizer_request, Kind::cognito,  Kind::unknown,
};

// "apigw-rest", "apigw-http", "alb", "function-url", "apigw-websocket", "sqs", "sns", "s3",
// "eventbridge", "scheduled", "dynamodb-stream", "kinesis", "cloudwatch-logs",
// "authorizer-token", "authorizer-request", "cognito", "unknown".
std::string_view to_string(Kind kind) noexcept;
std::optional<Kind> kind_from_string(std::string_view name) noexcept;

// Classifies `event` by the rules above. Never throws.
Kind detect(const boost::json::value& event) noexcept;

}  // namespace lift::events
