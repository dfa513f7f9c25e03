#pragma once
// The event-source routes of an app and the dispatch of a non-HTTP event to them
// (event_dispatch.cpp). Internal to lift_app; the rules are documented in
// lift/app/event_routes.hpp.

#include <span>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "lift/app/app.hpp"
#include "lift/app/event_routes.hpp"
#include "lift/app/middleware.hpp"
#include "lift/core/result.hpp"
#include "lift/events/detect.hpp"
#include "lift/runtime/context.hpp"

namespace lift::detail {

struct EventRoutes {
  std::vector<SqsRoute> sqs;
  std::vector<SnsRoute> sns;
  std::vector<S3Route> s3;
  std::vector<DynamoDBStreamRoute> dynamodb_stream;
  std::vector<KinesisRoute> kinesis;
  std::vector<EventBridgeRoute> eventbridge;
  std::vector<EventBridgeRoute> schedule;
  std::vector<LogsRoute> logs;
  std::vector<AuthorizerRoute> authorizer;
  std::vector<CognitoRoute> cognito;

  // Each keeps the route, or adds to `problems` why it cannot (empty pattern or handler).
  void add(SqsRoute route, std::vector<std::string>& problems);
  void add(SnsRoute route, std::vector<std::string>& problems);
  void add(S3Route route, std::vector<std::string>& problems);
  void add(DynamoDBStreamRoute route, std::vector<std::string>& problems);
  void add(KinesisRoute route, std::vector<std::string>& problems);
  void add(EventBridgeRoute route, std::vector<std::string>& problems);
  void add(LogsRoute route, std::vector<std::string>& problems);
  void add(AuthorizerRoute route, std::vector<std::string>& problems);
  void add(CognitoRoute route, std::vector<std::string>& problems);
};

// What the dispatch needs of the app.
struct EventApp {
  const EventRoutes& routes;
  std::span<const Middleware> chain;  // the app's own middleware
  const EventHandler& on_event;       // may be empty
};

// The answer to Lambda for a non-HTTP event of `kind`, or the error to report. Never throws.
Result<boost::json::value> dispatch_event(const EventApp& app, const runtime::InvocationContext& invocation, events::Kind kind,
                                          const boost::json::value& event);

}  // namespace lift::detail
