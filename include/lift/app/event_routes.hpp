#pragma once
// Routes for the event sources that are not HTTP requests: SQS, SNS, S3, EventBridge,
// schedules, DynamoDB Streams, Kinesis, CloudWatch Logs, API Gateway authorizers and Cognito
// triggers. Registered on lift::App:
//
//   app.sqs("orders-*", [](lift::Context& ctx, const lift::events::SqsMessage& m) -> lift::Result<void> {...});
//   app.s3("uploads/incoming/*.csv", [](lift::Context&, const lift::events::S3Record& r) {...});
//   app.eventbridge("Order Placed", [](lift::Context&, const lift::events::EventBridgeEvent<Order>& e) {...});
//   app.schedule("nightly-*", [](lift::Context&) {...});
//   app.authorizer([](lift::Context&, const lift::events::TokenAuthorizerEvent& e) {
//     return lift::events::IamPolicyResponse::allow("user-1", e.methodArn);
//   });
//
// Patterns are globs over the resource's name: '*' matches any run of characters ('/'
// included), '?' any one character, everything else itself. A pattern that starts with "arn:"
// is matched against the full ARN instead. What the name is, per source:
//   sqs              the queue name ("orders.fifo"); ARN: the queue ARN
//   sns              the topic name; ARN: the topic ARN
//   s3               "bucket" or "bucket/key-glob" over the bucket name and the decoded object
//                    key; ARN: the bucket ARN or the object ARN ("arn:aws:s3:::bucket/key")
//   eventbridge      the event's source or its detail-type; ARN: any of its resources
//   schedule         the name of the rule that fired; ARN: the rule ARN
//   dynamodb_stream  the table name; ARN: the stream ARN ("arn:...:table/T/stream/*")
//   kinesis          the stream name; ARN: the stream ARN
//   logs             the log group name
//   cognito          the trigger source ("PreSignUp_*")
// Within a source the first registered route that matches wins.
//
// Record sources (SQS, SNS, S3, DynamoDB Streams, Kinesis) take either handler shape; the
// handler's parameter decides:
//   per record   (Context&, const SqsMessage&) -> void | Result<void>
//                (SnsRecord or SnsMessage, S3Record, DynamoDBRecord, KinesisRecord likewise)
//   whole batch  (Context&, const SqsEvent&) -> void | Result<void> | BatchItemFailures |
//                Result<BatchItemFailures>   (BatchItemFailures for SQS, Kinesis, DynamoDB only)
// Per-record handling follows the batch processor of AWS Lambda Powertools:
//  - SQS, Kinesis and DynamoDB Streams answer {"batchItemFailures":[...]} naming every record
//    whose handler returned an error or threw (exceptions are caught per record and logged);
//    on a FIFO queue (name ending in ".fifo") the first failure stops the batch and that
//    record and every later one are reported; when every record failed the invocation fails
//    instead, so that Lambda retries the batch.
//  - SNS and S3 have no partial answer: the first failure fails the invocation.
//  - The app's middleware runs around each record's handler, with ctx.record() and
//    ctx.record_index() naming the record; around a whole-batch or single-event handler it
//    runs once, with ctx.record() null.
//  - A record no route matches goes to on_event when there is one; otherwise the invocation
//    fails with "NoRoute" naming the resource, before any handler ran.
// S3 notifications sent through EventBridge ("Object Created", "Object Deleted") reach the s3
// routes as an S3Record built from the EventBridge detail (key URL-encoded as S3 sends it);
// ctx.record() is then the EventBridge event. When no s3 route matches they go on to the
// eventbridge routes, as scheduled events do when no schedule route matches.
//
// Single-event sources:
//   eventbridge, schedule  (Context&) or (Context&, const EventBridgeEvent<Detail>&), Detail
//                          bound from `detail` (boost::json::value by default); answer: any
//                          value that converts to JSON, or void.
//   logs                   (Context&, const CloudWatchLogsData&) -> void | Result<void>; the
//                          payload arrives decoded.
//   authorizer             (Context&, const TokenAuthorizerEvent&), RequestAuthorizerEvent,
//                          RequestAuthorizerV2Event or AnyRequestAuthorizerEvent ->
//                          IamPolicyResponse | SimpleAuthorizerResponse (or a Result of
//                          one). The event's type and payload version pick the handler; an
//                          error answers with its message (API Gateway answers 401 to an error
//                          whose message is "Unauthorized": lift::errors::unauthorized("Unauthorized")).
//   cognito                (Context&, const CognitoEvent&) -> the trigger's `response` (a JSON
//                          value or any type that converts to one), or void to leave it as it
//                          came; Lambda gets the event back with `response` replaced.

#include <concepts>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/json/value.hpp>

#include "lift/app/context.hpp"
#include "lift/app/handler.hpp"
#include "lift/core/result.hpp"
#include "lift/events/authorizer.hpp"
#include "lift/events/batch.hpp"
#include "lift/events/cloudwatch_logs.hpp"
#include "lift/events/cognito.hpp"
#include "lift/events/dynamodb_stream.hpp"
#include "lift/events/eventbridge.hpp"
#include "lift/events/kinesis.hpp"
#include "lift/events/s3.hpp"
#include "lift/events/sns.hpp"
#include "lift/events/sqs.hpp"
#include "lift/json/convert.hpp"

namespace lift {

// `pattern` against `text`: '*' any run of characters, '?' one character.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text) noexcept;

namespace detail {

// A record source's route: exactly one of `each` and `whole` is set.
template <class Event, class Record>
struct RecordRoute {
  using event_type = Event;
  using record_type = Record;
  std::string pattern;
  std::function<Result<void>(Context&, const Record&)> each;
  // nullopt: the handler reports no per-record outcome (it returned void).
  std::function<Result<std::optional<events::BatchItemFailures>>(Context&, const Event&)> whole;
};
using SqsRoute = RecordRoute<events::SqsEvent, events::SqsMessage>;
using SnsRoute = RecordRoute<events::SnsEvent, events::SnsRecord>;
using S3Route = RecordRoute<events::S3Event, events::S3Record>;
using DynamoDBStreamRoute = RecordRoute<events::DynamoDBStreamEvent, events::DynamoDBRecord>;
using KinesisRoute = RecordRoute<events::KinesisEvent, events::KinesisRecord>;

// EventBridge and schedule routes parse the event themselves (the Detail type is the handler's).
struct EventBridgeRoute {
  bool schedule = false;
  std::string pattern;
  std::function<Result<boost::json::value>(Context&, const boost::json::value&)> handler;
};

struct LogsRoute {
  std::string pattern;
  std::function<Result<void>(Context&, const events::CloudWatchLogsData&)> handler;
};

enum class AuthorizerInput { token, request, request_v2, any_request };
struct AuthorizerRoute {
  AuthorizerInput input = AuthorizerInput::token;
  std::function<Result<boost::json::value>(Context&, const boost::json::value&)> handler;
};

struct CognitoRoute {
  std::string pattern;
  // nullopt: keep the event's `response` as it came.
  std::function<Result<std::optional<boost::json::value>>(Context&, const events::CognitoEvent&)> handler;
};

// ---- calling user handlers whatever they return ----

template <class R>
inline constexpr bool is_void_result_v = std::is_void_v<R> || std::is_same_v<std::remove_cvref_t<R>, Result<void>>;

template <class Fn, class... A>
Result<void> call_for_void(Fn& fn, A&&... args) {
  using R = std::invoke_result_t<Fn&, A...>;
  static_assert(is_void_result_v<R>, "this handler returns void or lift::Result<void>");
  if constexpr (std::is_void_v<R>) {
    std::invoke(fn, std::forward<A>(args)...);
    return {};
  } else {
    return std::invoke(fn, std::forward<A>(args)...);
  }
}

// void / Result<void> -> nullopt; T / Result<T> -> the T as JSON.
template <class Fn, class... A>
Result<std::optional<boost::json::value>> call_for_json(Fn& fn, A&&... args) {
  using R = std::invoke_result_t<Fn&, A...>;
  using D = std::remove_cvref_t<R>;
  if constexpr (std::is_void_v<R>) {
    std::invoke(fn, std::forward<A>(args)...);
    return std::optional<boost::json::value>{};
  } else if constexpr (std::is_same_v<D, Result<void>>) {
    auto result = std::invoke(fn, std::forward<A>(args)...);
    if (!result) return std::move(result).error();
    return std::optional<boost::json::value>{};
  } else if constexpr (is_result_v<D>) {
    auto result = std::invoke(fn, std::forward<A>(args)...);
    if (!result) return std::move(result).error();
    return std::optional<boost::json::value>(json::to_json(*result));
  } else {
    return std::optional<boost::json::value>(json::to_json(std::invoke(fn, std::forward<A>(args)...)));
  }
}

template <class Fn, class... A>
Result<boost::json::value> call_for_answer(Fn& fn, A&&... args) {
  auto answer = call_for_json(fn, std::forward<A>(args)...);
  if (!answer) return std::move(answer).error();
  return answer->value_or(boost::json::value());
}

template <class Fn, class... A>
Result<std::optional<events::BatchItemFailures>> call_for_failures(Fn& fn, A&&... args) {
  using R = std::invoke_result_t<Fn&, A...>;
  using D = std::remove_cvref_t<R>;
  if constexpr (is_void_result_v<R>) {
    auto done = call_for_void(fn, std::forward<A>(args)...);
    if (!done) return std::move(done).error();
    return std::optional<events::BatchItemFailures>{};
  } else {
    static_assert(std::is_same_v<unwrap_result_t<D>, events::BatchItemFailures>,
                  "a whole-batch handler returns void, lift::Result<void>, BatchItemFailures or a Result of it");
    if constexpr (is_result_v<D>) {
      auto failures = std::invoke(fn, std::forward<A>(args)...);
      if (!failures) return std::move(failures).error();
      return std::optional<events::BatchItemFailures>(std::move(*failures));
    } else {
      return std::optional<events::BatchItemFailures>(std::invoke(fn, std::forward<A>(args)...));
    }
  }
}

// ---- binding ----

// `partial`: whether the source has partial batch responses (SQS, Kinesis, DynamoDB Streams).
template <class Route, bool partial, class F>
Route bind_record_route(std::string_view pattern, F&& handler) {
  using Fn = std::decay_t<F>;
  using Event = typename Route::event_type;
  using Record = typename Route::record_type;
  Route route;
  route.pattern = std::string(pattern);
  if constexpr (std::invocable<Fn&, Context&, const Record&>) {
    route.each = [fn = Fn(std::forward<F>(handler))](Context& ctx, const Record& record) mutable {
      return call_for_void(fn, ctx, record);
    };
  } else if constexpr (std::is_same_v<Record, events::SnsRecord> && std::invocable<Fn&, Context&, const events::SnsMessage&>) {
    route.each = [fn = Fn(std::forward<F>(handler))](Context& ctx, const events::SnsRecord& record) mutable {
      return call_for_void(fn, ctx, record.Sns);
    };
  } else {
    static_assert(std::invocable<Fn&, Context&, const Event&>,
                  "an event handler takes (lift::Context&, const Record&) or (lift::Context&, const Event&)");
    using R = std::invoke_result_t<Fn&, Context&, const Event&>;
    static_assert(partial || is_void_result_v<R>, "SNS and S3 have no partial batch response: return void or lift::Result<void>");
    route.whole = [fn = Fn(std::forward<F>(handler))](Context& ctx, const Event& event) mutable {
      return call_for_failures(fn, ctx, event);
    };
  }
  return route;
}

template <class T>
struct eventbridge_detail {};
template <class D>
struct eventbridge_detail<events::EventBridgeEvent<D>> {
  using type = D;
};

template <class F>
EventBridgeRoute bind_eventbridge_route(bool schedule, std::string_view pattern, F&& handler) {
  using Fn = std::decay_t<F>;
  EventBridgeRoute route;
  route.schedule = schedule;
  route.pattern = std::string(pattern);
  if constexpr (ContextHandler<Fn>) {
    route.handler = [fn = Fn(std::forward<F>(handler))](Context& ctx, const boost::json::value&) mutable {
      return call_for_answer(fn, ctx);
    };
  } else {
    using In = typename input_of<std::remove_pointer_t<Fn>>::type;
    using Detail = typename eventbridge_detail<In>::type;  // the parameter must be an EventBridgeEvent<Detail>
    route.handler = [fn = Fn(std::forward<F>(handler))](Context& ctx,
                                                        const boost::json::value& event) mutable -> Result<boost::json::value> {
      auto parsed = events::parse_eventbridge<Detail>(event);
      if (!parsed) return std::move(parsed).error();
      return call_for_answer(fn, ctx, std::as_const(*parsed));
    };
  }
  return route;
}

template <class F>
LogsRoute bind_logs_route(std::string_view pattern, F&& handler) {
  using Fn = std::decay_t<F>;
  static_assert(std::invocable<Fn&, Context&, const events::CloudWatchLogsData&>,
                "a logs handler takes (lift::Context&, const CloudWatchLogsData&)");
  LogsRoute route;
  route.pattern = std::string(pattern);
  route.handler = [fn = Fn(std::forward<F>(handler))](Context& ctx, const events::CloudWatchLogsData& data) mutable {
    return call_for_void(fn, ctx, data);
  };
  return route;
}

template <class In>
struct authorizer_parser;
template <>
struct authorizer_parser<events::TokenAuthorizerEvent> {
  static constexpr auto input = AuthorizerInput::token;
  static Result<events::TokenAuthorizerEvent> parse(const boost::json::value& e) { return events::parse_token_authorizer(e); }
};
template <>
struct authorizer_parser<events::RequestAuthorizerEvent> {
  static constexpr auto input = AuthorizerInput::request;
  static Result<events::RequestAuthorizerEvent> parse(const boost::json::value& e) { return events::parse_request_authorizer(e); }
};
template <>
struct authorizer_parser<events::RequestAuthorizerV2Event> {
  static constexpr auto input = AuthorizerInput::request_v2;
  static Result<events::RequestAuthorizerV2Event> parse(const boost::json::value& e) {
    return events::parse_request_authorizer_v2(e);
  }
};
template <>
struct authorizer_parser<events::AnyRequestAuthorizerEvent> {
  static constexpr auto input = AuthorizerInput::any_request;
  static Result<events::AnyRequestAuthorizerEvent> parse(const boost::json::value& e) {
    return events::parse_any_request_authorizer(e);
  }
};

template <class F>
AuthorizerRoute bind_authorizer_route(F&& handler) {
  using Fn = std::decay_t<F>;
  // The exact parameter type, not invocability: the variant would accept every request event.
  using In = typename input_of<std::remove_pointer_t<Fn>>::type;
  using Parser = authorizer_parser<In>;
  AuthorizerRoute route;
  route.input = Parser::input;
  route.handler = [fn = Fn(std::forward<F>(handler))](Context& ctx,
                                                      const boost::json::value& event) mutable -> Result<boost::json::value> {
    auto parsed = Parser::parse(event);
    if (!parsed) return std::move(parsed).error();
    return call_for_answer(fn, ctx, std::as_const(*parsed));
  };
  return route;
}

template <class F>
CognitoRoute bind_cognito_route(std::string_view pattern, F&& handler) {
  using Fn = std::decay_t<F>;
  static_assert(std::invocable<Fn&, Context&, const events::CognitoEvent&>,
                "a cognito handler takes (lift::Context&, const CognitoEvent&)");
  CognitoRoute route;
  route.pattern = std::string(pattern);
  route.handler = [fn = Fn(std::forward<F>(handler))](Context& ctx, const events::CognitoEvent& event) mutable {
    return call_for_json(fn, ctx, event);
  };
  return route;
}

}  // namespace detail
}  // namespace lift
