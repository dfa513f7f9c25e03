#pragma once
// Routes for the event sources that are not HTTP requests. Every source is registered the same
// way, through its descriptor (lift/events/source.hpp):
//
//   app.on<lift::events::Sqs>("orders-*", [](lift::Context& ctx, const lift::events::SqsMessage& m) -> lift::Result<void> {...});
//
// and App and App::Group keep a one-line convenience per source (lift/app/app.hpp):
//
//   app.sqs("orders-*", handler);                       // on<events::Sqs>
//   app.s3("uploads/incoming/*.csv", handler);          // on<events::S3>
//   app.eventbridge("Order Placed", [](lift::Context&, const lift::events::EventBridgeEvent<Order>& e) {...});
//   app.schedule("nightly-*", [](lift::Context&) {...});
//   app.authorizer([](lift::Context&, const lift::events::TokenAuthorizerEvent& e) {
//     return lift::events::IamPolicyResponse::allow("user-1", e.methodArn);
//   });
//
// Patterns are globs over the resource's name: '*' matches any run of characters ('/'
// included), '?' any one character, everything else itself. A pattern that starts with "arn:"
// is matched against the full ARN instead. Each source's descriptor says what the name is:
//   sqs              the queue name ("orders.fifo"); ARN: the queue ARN
//   sns              the topic name; ARN: the topic ARN
//   s3               "bucket" or "bucket/key-glob" over the bucket name and the decoded object
//                    key; ARN: the bucket ARN or the object ARN ("arn:aws:s3:::bucket/key")
//   eventbridge      the event's source or its detail-type; ARN: any of its resources
//   schedule         the name of the rule that fired; ARN: the rule ARN
//   dynamodb_stream  the table name; ARN: the stream ARN ("arn:...:table/T/stream/*")
//   kinesis          the stream name; ARN: the stream ARN
//   logs             the log group name
//   authorizer       the methodArn (routeArn for HTTP APIs); "*" for every call
//   cognito          the trigger source ("PreSignUp_*")
//   graphql          "Type.field" of an AppSync resolver ("Query.getTodo", "Mutation.*")
//   kafka            the topic; ARN: the MSK cluster ARN (a self-managed cluster has none)
//   firehose         the delivery stream name; ARN: the delivery stream ARN
//   ses              each recipient address the receipt rule matched, ASCII case ignored
//   custom_resource  the CloudFormation ResourceType ("Custom::*")
//   alarm            the alarm name; ARN: the alarm ARN
// Within a source the first registered route that matches wins.
//
// A handler takes (Context&) alone, (Context&, const Record&) to be called once per record,
// (Context&, P) for another parameter type P its source offers (SnsMessage for SNS,
// EventBridgeEvent<Detail> for a typed detail, one authorizer payload version, an AppSync
// field's arguments), or, for sources with batches, (Context&, const Event&) or (Context&,
// std::span<const Record>) (or const std::vector<Record>&, a copy) to be called once with its
// records.
//   per record   returns what the source answers per record: void or Result<void> for most;
//                any JSON-convertible value for single-event sources that answer (EventBridge,
//                authorizers: an IamPolicyResponse, Cognito: the trigger's `response`) and for
//                AppSync fields
//   whole batch  void | Result<void> | BatchItemFailures | Result<BatchItemFailures>
//                (BatchItemFailures for the sources with partial batch responses, naming
//                records by their item_id: messageId, sequence number, Kafka's "topic-0@15"),
//                or for the sources that answer each record (AppSync, Firehose) a std::vector
//                of one answer per record (or a Result of one), in order, or a Result of that
//                vector
// Per-record handling follows the batch processor of AWS Lambda Powertools:
//  - SQS, Kinesis, DynamoDB Streams and Kafka answer {"batchItemFailures":[...]} naming every
//    record whose handler returned an error or threw (exceptions are caught per record and
//    logged; Kafka names a record {"partition":"<topic>-<partition>","offset":N});
//    on a FIFO queue (name ending in ".fifo") the first failure stops the batch and that
//    record and every later one are reported; when every record failed the invocation fails
//    instead, so that Lambda retries the batch.
//  - SNS, S3 and the single-event sources have no partial answer: the first failure fails the
//    invocation.
//  - Sources that answer each record (AppSync batches) answer every record, its error
//    included; the source's answer hook writes them (lift/events/appsync.hpp).
//  - Firehose answers every record: what its handler returned (a FirehoseResult; void is Ok
//    with the data as it came), ProcessingFailed for an error or an exception. A record
//    middleware answered without the handler is Ok as it came.
//  - The middleware of the app (and of the route's group) runs around each record's handler,
//    with ctx.record(), ctx.record<R>() and ctx.record_index() naming the record; around a
//    whole-batch handler or a single-event source's handler it runs once, with ctx.record() null.
//  - When no route of the source matches any record, the event goes to on_event when there
//    is one; otherwise the invocation fails with "NoRoute" naming the resource. A record no
//    route matches in a batch whose other records are routed goes to on_event likewise (with
//    the other unrouted records, as one event of the source's shape), else the invocation
//    fails with "NoRoute" before any handler ran. A batchItemFailures answer of on_event names
//    records as Lambda does (an itemIdentifier is text, or an object for Kafka).
//  - A source whose sender waits for an answer whatever happens (CloudFormation) answers an
//    event refused before its handler answered (malformed, no route, on_event failing) through
//    its refused hook: the refusal is logged and the invocation's answer is the hook's.
// Sources that refine another (scheduled events refine EventBridge) go on to that source's
// routes when none of theirs match; events another source adapts (S3 notifications through
// EventBridge) reach that source's routes first.

#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "lift/app/context.hpp"
#include "lift/app/handler.hpp"
#include "lift/app/middleware.hpp"
#include "lift/core/glob.hpp"
#include "lift/core/result.hpp"
#include "lift/events/batch.hpp"
#include "lift/events/source.hpp"
#include "lift/json/convert.hpp"

namespace lift {

// Handles an event no typed event route takes (see App::on_event).
using EventHandler = std::function<Result<boost::json::value>(Context&, const boost::json::value&)>;

namespace detail {

inline constexpr std::size_t kNoRoute = static_cast<std::size_t>(-1);

// ---- the generic dispatch (src/app/event_dispatch.cpp) and what it needs of a source ----

// One invocation of a non-HTTP event, as every source's dispatch sees it.
struct EventDispatch {
  const runtime::InvocationContext& invocation;
  events::Kind kind;
  const boost::json::value& event;
  std::span<const Middleware> app_chain;  // the app's own middleware (on_event, refusals)
  const EventHandler& on_event;           // may be empty
};

// What a whole-batch handler said of the records of its group, for run_batch: the failures it
// reported by item id, and the records it answered with an error (by position in the batch).
struct GroupReport {
  std::vector<boost::json::value> reported;  // itemIdentifiers: text, or an object (Kafka)
  std::vector<std::pair<std::size_t, Error>> failed;
};

// The records of one event of a source, and the routes they take: implemented for each source
// by SourceRoutes<D> below, driven by run_batch.
class RecordBatch {
 public:
  virtual ~RecordBatch() = default;
  [[nodiscard]] virtual std::size_t size() const noexcept = 0;
  // The event is its one record (EventBridge, Cognito, ...): handlers see no ctx.record().
  [[nodiscard]] virtual bool single_event() const noexcept = 0;
  [[nodiscard]] virtual const boost::json::value* raw(std::size_t i) const noexcept = 0;
  [[nodiscard]] virtual const void* typed(std::size_t i) const noexcept = 0;
  [[nodiscard]] virtual const std::type_info& record_type() const noexcept = 0;
  [[nodiscard]] virtual std::size_t route_of(std::size_t i) const noexcept = 0;  // kNoRoute: none
  [[nodiscard]] virtual bool per_record(std::size_t route) const noexcept = 0;
  [[nodiscard]] virtual std::span<const Middleware> chain(std::size_t route) const noexcept = 0;
  [[nodiscard]] virtual std::string item_id(std::size_t i) const = 0;
  // What batchItemFailures names record i by (item_id's text unless the source says otherwise).
  [[nodiscard]] virtual boost::json::value failure_identifier(std::size_t i) const = 0;
  [[nodiscard]] virtual bool ordered(std::size_t i) const noexcept = 0;
  [[nodiscard]] virtual std::string describe(std::size_t i) const = 0;
  // The route's handler for record i (called inside the route's chain); keeps its answer.
  virtual Result<void> handle(std::size_t route, std::size_t i, Context& ctx) = 0;
  // The route's whole-batch handler for the records of `group` (keeps the answers it gave them).
  virtual Result<GroupReport> handle_group(std::size_t route, std::span<const std::size_t> group, Context& ctx) = 0;
  // How record i ended, as the chain around its handling returned (kept for the answer).
  virtual void settle(std::size_t i, const Result<void>& outcome) = 0;
  // `event` (this batch's JSON) with only the records of `group`, for on_event: by default
  // with its "Records" array replaced.
  [[nodiscard]] virtual boost::json::value raw_subset(const boost::json::value& event, std::span<const std::size_t> group) const;
};

// Runs every record of `batch` through its route, the app's middleware and on_event, as the
// rules in this header say. The answer when the generic rules decide it (on_event took the
// whole event; batchItemFailures of a report_items source); nullopt when the source writes it
// from the settled records; an error fails the invocation. Never throws.
Result<std::optional<boost::json::value>> run_batch(const EventDispatch& dispatch, RecordBatch& batch, events::Failures failures);

// Logs an exception caught while answering an event (as one JSON line) and returns InternalError.
Error event_exception(const EventDispatch& dispatch, std::string_view where);

// What a source's routes did with an event: its answer (an error included: the source answered
// the event, nothing is refused any more), or (nullopt) that no route takes it, `unmatched`
// saying what it was, so that the event can go on (to a refined source's routes, to on_event)
// or be refused.
struct Routed {
  std::optional<Result<boost::json::value>> answer;
  std::string unmatched;
};

// Every route of one source, whatever the source: the app keeps one per source it routes.
class SourceRoutesBase {
 public:
  virtual ~SourceRoutesBase() = default;
  [[nodiscard]] virtual events::Kind kind() const noexcept = 0;
  // The kind of the events this source also takes through its adapter (unknown: none).
  [[nodiscard]] virtual events::Kind adapts() const noexcept = 0;
  [[nodiscard]] virtual bool adaptable(const boost::json::value& event) const noexcept = 0;
  // Each route's full middleware chain, given the chain of each group (index 0: the app's).
  virtual void freeze(std::span<const std::vector<Middleware>> group_chains) = 0;
  // An event of this source's kind, or (adapted) one of the kind it adapts. An error: the event
  // was refused before the source answered it (see refused).
  virtual Result<Routed> dispatch(const EventDispatch& dispatch, bool adapted) const = 0;
  // The invocation of an event of this source's kind fails with `error` before the source
  // answered it: the source's refused hook (lift/events/source.hpp) answers, or the error stays.
  virtual Result<boost::json::value> refused(const EventDispatch& dispatch, Error error) const = 0;
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

// A value a handler returned as the source's per-record Answer: JSON
// (std::optional<boost::json::value>: the value's JSON) or the source's own type.
template <class Answer, class T>
Answer to_answer(T&& value) {
  if constexpr (std::is_same_v<Answer, std::optional<boost::json::value>>) {
    return Answer(json::to_json(value));
  } else {
    static_assert(std::is_convertible_v<T&&, Answer>, "this handler returns the source's answer type");
    return Answer(std::forward<T>(value));
  }
}

// A handler's value as the source's per-record Answer: nothing (void), JSON
// (std::optional<boost::json::value>: void gives nullopt, anything else its JSON), or the
// source's own type (void gives its default).
template <class Answer, class Fn, class... A>
Result<Answer> call_for_answer(Fn& fn, A&&... args) {
  using R = std::invoke_result_t<Fn&, A...>;
  using D = std::remove_cvref_t<R>;
  if constexpr (std::is_void_v<Answer>) {
    return call_for_void(fn, std::forward<A>(args)...);
  } else if constexpr (std::is_void_v<R>) {
    std::invoke(fn, std::forward<A>(args)...);
    return Answer{};
  } else if constexpr (std::is_same_v<D, Result<void>>) {
    auto result = std::invoke(fn, std::forward<A>(args)...);
    if (!result) return std::move(result).error();
    return Answer{};
  } else if constexpr (is_result_v<D>) {
    auto result = std::invoke(fn, std::forward<A>(args)...);
    if (!result) return std::move(result).error();
    return to_answer<Answer>(std::move(*result));
  } else {
    return to_answer<Answer>(std::invoke(fn, std::forward<A>(args)...));
  }
}

// What a whole-batch handler said of its records: the failures it reported by item id (the
// sources with partial batch responses), or an answer for each record, in order (the sources
// that answer each record; empty: every record gets its default answer).
template <class Answer>
struct GroupOutcome {
  std::optional<events::BatchItemFailures> reported;
  std::vector<Result<Answer>> answers;
};

// What a whole-batch handler may return for source D: void or Result<void>; BatchItemFailures
// (or a Result of it) when D reports failed records; a std::vector of answers, one per record
// (or a Result of it), when D answers each record; an answer may be a Result (that record's
// error).
template <class D, class R>
inline constexpr bool whole_batch_result_v =
    is_void_result_v<R> ||
    (D::failures == events::Failures::report_items &&
     std::is_same_v<unwrap_result_t<std::remove_cvref_t<R>>, events::BatchItemFailures>) ||
    (D::failures == events::Failures::answer_each && json::detail::is_vector_v<unwrap_result_t<std::remove_cvref_t<R>>>);

template <class Answer, class Fn, class... A>
Result<GroupOutcome<Answer>> call_for_group(Fn& fn, A&&... args) {
  using R = std::invoke_result_t<Fn&, A...>;
  using D = std::remove_cvref_t<R>;
  using V = unwrap_result_t<D>;
  if constexpr (is_void_result_v<R>) {
    auto done = call_for_void(fn, std::forward<A>(args)...);
    if (!done) return std::move(done).error();
    return GroupOutcome<Answer>{};
  } else {
    D returned = std::invoke(fn, std::forward<A>(args)...);
    V* value = nullptr;
    if constexpr (is_result_v<D>) {
      if (!returned) return std::move(returned).error();
      value = &*returned;
    } else {
      value = &returned;
    }
    GroupOutcome<Answer> out;
    if constexpr (std::is_same_v<V, events::BatchItemFailures>) {
      out.reported = std::move(*value);
    } else {
      static_assert(!std::is_void_v<Answer>, "this source takes no answers from a whole-batch handler");
      using E = typename V::value_type;
      out.answers.reserve(value->size());
      for (auto& element : *value) {
        if constexpr (std::is_same_v<E, Result<void>>) {
          if (!element) out.answers.emplace_back(std::move(element).error());
          else out.answers.emplace_back(Answer{});
        } else if constexpr (is_result_v<E>) {
          if (!element) out.answers.emplace_back(std::move(element).error());
          else out.answers.emplace_back(to_answer<Answer>(std::move(*element)));
        } else {
          out.answers.emplace_back(to_answer<Answer>(std::move(element)));
        }
      }
    }
    return out;
  }
}

// ---- one source's routes ----

// A route of source D: exactly one of `each`, `whole` and `whole_records` is set.
template <class D>
struct EventRoute {
  using Event = typename D::Event;
  using Record = typename D::Record;
  using Answer = events::answer_t<D>;
  std::string pattern;
  std::size_t group = 0;
  std::vector<Middleware> chain;  // the app's and the enclosing groups', outermost first (at freeze)
  // Whether the handler takes record r at all (its parameter is one payload version); empty: it does.
  std::function<bool(const Record&)> takes;
  std::function<Result<Answer>(Context&, const Record&, const boost::json::value& raw)> each;
  // Whole-batch handlers, given the event (of the route's records alone when the batch is
  // split between routes) or the route's records.
  std::function<Result<GroupOutcome<Answer>>(Context&, const Event&)> whole;
  std::function<Result<GroupOutcome<Answer>>(Context&, std::span<const Record>)> whole_records;
};

// The parameter a handler takes besides the context: void for a context-only handler, or one
// whose parameter cannot be named (a generic lambda, an overloaded call operator).
template <class Sig>
struct parameter_of_signature {
  using type = void;
};
template <class C, class R, class A, class B>
struct parameter_of_signature<R (C::*)(A, B) const> {
  using type = std::remove_cvref_t<B>;
};
template <class C, class R, class A, class B>
struct parameter_of_signature<R (C::*)(A, B)> {
  using type = std::remove_cvref_t<B>;
};
template <class R, class A, class B>
struct parameter_of_signature<R (*)(A, B)> {
  using type = std::remove_cvref_t<B>;
};
template <class Fn>
struct parameter_of {
  using type = void;
};
template <class Fn>
  requires std::is_pointer_v<Fn>
struct parameter_of<Fn> : parameter_of_signature<Fn> {};
template <class Fn>
  requires requires { &Fn::operator(); }
struct parameter_of<Fn> : parameter_of_signature<decltype(&Fn::operator())> {};

// What D::as offers for parameter type P (void when it offers nothing).
template <class D, class P>
struct view_of {
  using type = void;
};
template <class D, class P>
  requires requires(const typename D::Record& r, const boost::json::value& raw) { D::as(std::type_identity<P>{}, r, raw); }
struct view_of<D, P> {
  using type = decltype(D::as(std::type_identity<P>{}, std::declval<const typename D::Record&>(),
                              std::declval<const boost::json::value&>()));
};

// The event with some of its records, for a whole-batch handler of a split batch: D::subset, or
// the Event's `Records` vector.
template <class D>
inline constexpr bool has_subset_hook_v = requires(const typename D::Event& e, std::span<const std::size_t> indices) {
  { D::subset(e, indices) } -> std::same_as<typename D::Event>;
};
template <class D>
inline constexpr bool has_records_vector_v = requires(typename D::Event& e, const typename D::Record& r) {
  e.Records.clear();
  e.Records.push_back(r);
};

template <class D, class F>
EventRoute<D> bind_event_route(std::string_view pattern, F&& handler) {
  using Fn = std::decay_t<F>;
  using Event = typename D::Event;
  using Record = typename D::Record;
  using Answer = events::answer_t<D>;
  using P = typename parameter_of<Fn>::type;
  using View = typename view_of<D, P>::type;
  EventRoute<D> route;
  route.pattern = std::string(pattern);
  if constexpr (ContextHandler<Fn>) {
    route.each = [fn = Fn(std::forward<F>(handler))](Context& ctx, const Record&, const boost::json::value&) mutable {
      return call_for_answer<Answer>(fn, ctx);
    };
  } else if constexpr (std::invocable<Fn&, Context&, const Record&>) {
    route.each = [fn = Fn(std::forward<F>(handler))](Context& ctx, const Record& record, const boost::json::value&) mutable {
      return call_for_answer<Answer>(fn, ctx, record);
    };
  } else if constexpr (!std::is_void_v<View>) {
    // Another parameter type the source offers.
    if constexpr (std::is_pointer_v<View>) {
      route.takes = [](const Record& record) {
        return D::as(std::type_identity<P>{}, record, boost::json::value()) != nullptr;
      };
      route.each = [fn = Fn(std::forward<F>(handler))](Context& ctx, const Record& record,
                                                       const boost::json::value& raw) mutable -> Result<Answer> {
        return call_for_answer<Answer>(fn, ctx, std::as_const(*D::as(std::type_identity<P>{}, record, raw)));
      };
    } else if constexpr (is_result_v<std::remove_cvref_t<View>>) {
      route.each = [fn = Fn(std::forward<F>(handler))](Context& ctx, const Record& record,
                                                       const boost::json::value& raw) mutable -> Result<Answer> {
        auto viewed = D::as(std::type_identity<P>{}, record, raw);
        if (!viewed) return std::move(viewed).error();
        return call_for_answer<Answer>(fn, ctx, std::as_const(*viewed));
      };
    } else {
      route.each = [fn = Fn(std::forward<F>(handler))](Context& ctx, const Record& record,
                                                       const boost::json::value& raw) mutable -> Result<Answer> {
        return call_for_answer<Answer>(fn, ctx, D::as(std::type_identity<P>{}, record, raw));
      };
    }
  } else if constexpr (!std::is_same_v<Event, Record> &&
                       (std::is_same_v<P, std::span<const Record>> || std::is_same_v<P, std::vector<Record>>)) {
    // A whole-batch handler of the records alone (a span of them, or a vector: a copy).
    using R = std::invoke_result_t<Fn&, Context&, const P&>;
    static_assert(whole_batch_result_v<D, R>,
                  "a whole-batch handler returns void or lift::Result<void>; BatchItemFailures for the sources with "
                  "partial batch responses; a std::vector with one answer per record for the sources that answer each");
    route.whole_records = [fn = Fn(std::forward<F>(handler))](Context& ctx, std::span<const Record> records) mutable {
      if constexpr (std::is_same_v<P, std::span<const Record>>) {
        return call_for_group<Answer>(fn, ctx, records);
      } else {
        const std::vector<Record> copy(records.begin(), records.end());
        return call_for_group<Answer>(fn, ctx, copy);
      }
    };
  } else {
    static_assert(!std::is_same_v<Event, Record> && std::invocable<Fn&, Context&, const Event&>,
                  "this event handler takes (lift::Context&), (lift::Context&, const Record&), "
                  "(lift::Context&, const Event&), (lift::Context&, std::span<const Record>) or another parameter its "
                  "source offers (lift/events/source.hpp)");
    using R = std::invoke_result_t<Fn&, Context&, const Event&>;
    static_assert(whole_batch_result_v<D, R>,
                  "a whole-batch handler returns void or lift::Result<void>; BatchItemFailures for the sources with "
                  "partial batch responses; a std::vector with one answer per record for the sources that answer each");
    static_assert(has_subset_hook_v<D> || has_records_vector_v<D>,
                  "a whole-batch handler of the event needs the source's D::subset(event, indices) "
                  "(lift/events/source.hpp): a batch split between routes gives each route the event with its own "
                  "records");
    route.whole = [fn = Fn(std::forward<F>(handler))](Context& ctx, const Event& event) mutable {
      return call_for_group<Answer>(fn, ctx, event);
    };
  }
  return route;
}

template <class D>
inline constexpr bool has_answer_hook_v =
    requires(const boost::json::value& event, const typename D::Event& typed,
             std::span<Result<events::answer_t<D>>> outcomes, const events::AnswerContext& context) {
      { D::answer(event, typed, outcomes, context) } -> std::same_as<Result<boost::json::value>>;
    };

template <class D>
inline constexpr bool has_refused_hook_v =
    requires(const boost::json::value& event, const Error& error, const events::AnswerContext& context) {
      { D::refused(event, error, context) } -> std::same_as<Result<boost::json::value>>;
    };

template <class D>
inline constexpr bool has_ordered_v = requires(const typename D::Record& r) {
  { D::ordered(r) } -> std::same_as<bool>;
};

template <class D>
inline constexpr bool has_item_id_v = requires(const typename D::Record& r) {
  { D::item_id(r) } -> std::convertible_to<std::string_view>;
};

template <class D>
inline constexpr bool has_failure_identifier_v = requires(const typename D::Record& r) {
  { D::failure_identifier(r) } -> std::same_as<boost::json::value>;
};

template <class D>
inline constexpr bool has_raw_subset_v = requires(const boost::json::value& event, std::span<const std::size_t> indices) {
  { D::raw_subset(event, indices) } -> std::same_as<boost::json::value>;
};

template <class D>
inline constexpr bool has_adapter_v = requires(const boost::json::value& event) {
  typename D::adapts;
  { D::adaptable(event) } -> std::same_as<bool>;
  { D::adapt(event) } -> std::same_as<Result<typename D::Event>>;
};

// The error of a record that was never handled (a batch that stopped before it).
Error not_processed();

// All the routes of source D, and the dispatch of one of its events to them.
template <class D>
class SourceRoutes final : public SourceRoutesBase {
 public:
  using Event = typename D::Event;
  using Record = typename D::Record;
  using Answer = events::answer_t<D>;
  using Outcome = Result<std::conditional_t<std::is_void_v<Answer>, void, Answer>>;

  static_assert(events::RoutedSource<D>, "not a routed event source descriptor (lift/events/source.hpp)");
  static_assert(D::failures != events::Failures::report_items || has_item_id_v<D>,
                "a source with partial batch responses names its records (D::item_id)");
  static_assert(D::failures != events::Failures::answer_each || has_answer_hook_v<D>,
                "a source that answers each record writes the answer (D::answer)");

  std::vector<EventRoute<D>> routes;

  [[nodiscard]] events::Kind kind() const noexcept override { return events::Kind::of<D>(); }

  [[nodiscard]] events::Kind adapts() const noexcept override {
    if constexpr (has_adapter_v<D>) return events::Kind::of<typename D::adapts>();
    else return events::Kind::unknown();
  }

  [[nodiscard]] bool adaptable(const boost::json::value& event) const noexcept override {
    if constexpr (has_adapter_v<D>) return D::adaptable(event);
    else return false;
  }

  void freeze(std::span<const std::vector<Middleware>> group_chains) override {
    for (auto& route : routes) route.chain = group_chains[route.group];
  }

  Result<Routed> dispatch(const EventDispatch& dispatch, bool adapted) const override {
    auto typed = parse(dispatch.event, adapted);
    if (!typed) return std::move(typed).error();
    Batch batch(*this, dispatch, *typed, adapted);
    if (auto problem = batch.check(); !problem) return std::move(problem).error();
    // No route takes any record: the event goes on, whole.
    if (batch.size() > 0 && !batch.any_routed()) return Routed{std::nullopt, D::describe(D::records(*typed).front())};
    auto answered = run_batch(dispatch, batch, D::failures);
    if (!answered) return std::move(answered).error();
    if (*answered) return Routed{std::move(**answered), {}};
    return Routed{batch.answer(), {}};
  }

  Result<boost::json::value> refused(const EventDispatch& dispatch, Error error) const override {
    if constexpr (has_refused_hook_v<D>) {
      return D::refused(dispatch.event, error, answer_context(dispatch));
    } else {
      (void)dispatch;
      return error;
    }
  }

 private:
  static events::AnswerContext answer_context(const EventDispatch& dispatch) noexcept {
    return events::AnswerContext{dispatch.invocation.deadline, dispatch.invocation.request_id};
  }

  static Result<Event> parse(const boost::json::value& event, bool adapted) {
    if constexpr (has_adapter_v<D>) {
      if (adapted) return D::adapt(event);
    }
    (void)adapted;
    return D::parse(event);
  }

  class Batch final : public RecordBatch {
   public:
    Batch(const SourceRoutes& owner, const EventDispatch& dispatch, const Event& event, bool adapted)
        : owner_(owner), dispatch_(dispatch), event_(event), records_(D::records(event)) {
      // An adapted event is one record whose JSON is the event that carried it.
      raw_ = adapted ? std::vector<const boost::json::value*>(records_.size(), &dispatch.event) : D::raw_records(dispatch.event);
      routes_.assign(records_.size(), kNoRoute);
      for (std::size_t i = 0; i < records_.size(); ++i) {
        for (std::size_t r = 0; r < owner_.routes.size(); ++r) {
          const auto& route = owner_.routes[r];
          if (D::matches(route.pattern, records_[i]) && (!route.takes || route.takes(records_[i]))) {
            routes_[i] = r;
            break;
          }
        }
      }
      outcomes_.reserve(records_.size());
      for (std::size_t i = 0; i < records_.size(); ++i) outcomes_.emplace_back(not_processed());
      answered_.assign(records_.size(), false);
    }

    Result<void> check() const {
      if (raw_.size() != records_.size()) return Error{"InternalError", "the event's records and their JSON disagree", 500};
      return {};
    }
    [[nodiscard]] bool any_routed() const noexcept {
      for (auto r : routes_) {
        if (r != kNoRoute) return true;
      }
      return false;
    }

    [[nodiscard]] std::size_t size() const noexcept override { return records_.size(); }
    [[nodiscard]] bool single_event() const noexcept override { return std::is_same_v<Event, Record>; }
    [[nodiscard]] const boost::json::value* raw(std::size_t i) const noexcept override { return raw_[i]; }
    [[nodiscard]] const void* typed(std::size_t i) const noexcept override { return &records_[i]; }
    [[nodiscard]] const std::type_info& record_type() const noexcept override { return typeid(Record); }
    [[nodiscard]] std::size_t route_of(std::size_t i) const noexcept override { return routes_[i]; }
    [[nodiscard]] bool per_record(std::size_t route) const noexcept override {
      return static_cast<bool>(owner_.routes[route].each);
    }
    [[nodiscard]] std::span<const Middleware> chain(std::size_t route) const noexcept override {
      return owner_.routes[route].chain;
    }
    [[nodiscard]] std::string item_id(std::size_t i) const override {
      if constexpr (has_item_id_v<D>) return std::string(D::item_id(records_[i]));
      else return {};
    }
    [[nodiscard]] boost::json::value failure_identifier(std::size_t i) const override {
      if constexpr (has_failure_identifier_v<D>) return D::failure_identifier(records_[i]);
      else return boost::json::value(item_id(i));
    }
    [[nodiscard]] boost::json::value raw_subset(const boost::json::value& event, std::span<const std::size_t> group) const override {
      if constexpr (has_raw_subset_v<D>) return D::raw_subset(event, group);
      else return RecordBatch::raw_subset(event, group);
    }
    [[nodiscard]] bool ordered(std::size_t i) const noexcept override {
      if constexpr (has_ordered_v<D>) return D::ordered(records_[i]);
      else return false;
    }
    [[nodiscard]] std::string describe(std::size_t i) const override { return D::describe(records_[i]); }

    Result<void> handle(std::size_t route, std::size_t i, Context& ctx) override {
      auto outcome = owner_.routes[route].each(ctx, records_[i], *raw_[i]);
      answered_[i] = true;
      if (!outcome) {
        Error error = outcome.error();
        outcomes_[i] = std::move(outcome);
        return error;
      }
      outcomes_[i] = std::move(outcome);
      return {};
    }

    Result<GroupReport> handle_group(std::size_t route, std::span<const std::size_t> group, Context& ctx) override {
      auto outcome = call_group(owner_.routes[route], group, ctx);
      if (!outcome) return std::move(outcome).error();
      GroupReport report;
      if (outcome->reported) {
        for (auto& failure : outcome->reported->batchItemFailures) report.reported.emplace_back(std::move(failure.itemIdentifier));
      }
      auto& answers = outcome->answers;
      if (answers.empty()) return report;
      if (answers.size() != group.size()) {
        return Error{"InvalidAnswer",
                     "a whole-batch handler answered " + std::to_string(answers.size()) + " values for " +
                         std::to_string(group.size()) + " records",
                     500};
      }
      for (std::size_t k = 0; k < group.size(); ++k) {
        const auto j = group[k];
        if (!answers[k]) report.failed.emplace_back(j, answers[k].error());
        outcomes_[j] = std::move(answers[k]);
        answered_[j] = true;
      }
      return report;
    }

    void settle(std::size_t i, const Result<void>& outcome) override {
      if (!outcome) {
        outcomes_[i] = outcome.error();
      } else if (!answered_[i] || !outcomes_[i]) {
        // Answered by middleware, a whole-batch handler or on_event: the record's default answer.
        if constexpr (std::is_void_v<Answer>) outcomes_[i] = Outcome();
        else outcomes_[i] = Answer{};
      }
    }

    Result<boost::json::value> answer() {
      const events::AnswerContext context = answer_context(dispatch_);
      if constexpr (has_answer_hook_v<D>) {
        return D::answer(dispatch_.event, event_, std::span<Outcome>(outcomes_), context);
      } else {
        (void)context;
        for (auto& outcome : outcomes_) {
          if (!outcome) return outcome.error();
        }
        if constexpr (!std::is_void_v<Answer> && std::is_same_v<Event, Record>) {
          if (outcomes_.size() == 1) return json::to_json(*outcomes_.front());
        }
        return boost::json::value();
      }
    }

   private:
    Result<GroupOutcome<Answer>> call_group(const EventRoute<D>& route, std::span<const std::size_t> group, Context& ctx) const {
      if constexpr (std::is_same_v<Event, Record>) {
        return Error{"InternalError", "a single-event source has no whole-batch handlers", 500};
      } else {
        const bool all = group.size() == records_.size();
        if (route.whole_records) {
          if (all) return route.whole_records(ctx, records_);
          std::vector<Record> subset;
          subset.reserve(group.size());
          for (auto j : group) subset.push_back(records_[j]);
          return route.whole_records(ctx, subset);
        }
        if (all) return route.whole(ctx, event_);
        // Only when the batch is split between routes: the event with this group's records.
        if constexpr (has_subset_hook_v<D>) {
          return route.whole(ctx, D::subset(event_, group));
        } else if constexpr (has_records_vector_v<D>) {
          Event subset(event_);
          subset.Records.clear();
          for (auto j : group) subset.Records.push_back(records_[j]);
          return route.whole(ctx, subset);
        } else {
          return Error{"InternalError", "this whole-batch handler takes the whole event, and the batch is split between routes", 500};
        }
      }
    }

    const SourceRoutes& owner_;
    const EventDispatch& dispatch_;
    const Event& event_;
    std::span<const Record> records_;
    std::vector<const boost::json::value*> raw_;
    std::vector<std::size_t> routes_;
    std::vector<Outcome> outcomes_;
    std::vector<bool> answered_;
  };
};

}  // namespace detail
}  // namespace lift
