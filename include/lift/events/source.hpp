#pragma once
// Event sources as descriptors. Every source lift knows is described once, next to its typed
// model, by a struct (lift::events::Sqs, lift::events::S3, lift::events::Cognito, ...) that
// says what the rest of lift needs to know of it: its kind name, how its events are detected,
// its records, how route patterns match them, what a failed record means for the batch and how
// the answer is written. Detection (events::detect), the App's dispatch (app.on<Source>) and
// `lift events list|generate|inspect` all read these descriptors; there is no other list.
//
// Adding a source is its header and its source file in the events layer: the model, then a
// descriptor with LIFT_EVENT_SOURCE(Name) after it (the build collects every header that has
// one). What a descriptor D declares, all static:
//
//   info                   SourceInfo: the kind name (`lift events inspect`), a title,
//                          whether its events are HTTP requests (answered through the router),
//                          and the source it refines: Scheduled refines EventBridge, so when
//                          none of the scheduled routes match, the event goes on to the
//                          EventBridge routes
//   detect(event)          whether a payload is one of D's events. Detectors are disjoint:
//                          exactly one source, or none, claims any payload (tested over every
//                          AWS sample), so their order never matters.
//   summarize(event, s)    what `lift events inspect` prints besides the kind
//   SampleOptions, sample_options, sample(options)
//                          a realistic event in AWS's shape, for `lift events generate` and
//                          tests. SampleOptions is a described struct (BOOST_DESCRIBE_STRUCT) at
//                          namespace scope whose members are the options, with their defaults;
//                          sample_options is an array of SampleOption naming each member once,
//                          with its help (checked at compile time); sample(options) gives
//                          Result<boost::json::value>, invalid_sample(...) ("InvalidSample")
//                          for options that make no event. `lift events generate KIND` makes
//                          every member a flag --name ('_' written '-'): a std::string or a
//                          number is an option with its default shown, a bool a flag, a
//                          std::vector<std::string> a repeatable option (given values replace
//                          the default ones), a std::optional<std::string> an option without a
//                          default. The generated event's member names are those of AWS's
//                          samples of the kind (tested for every source).
//
// and, for the sources lift::App routes (all but the HTTP ones):
//
//   Event, Record          the typed event, and what one handler call gets: a record of a
//                          batch (an SQS message), or the whole event for single-event
//                          sources (Record = Event)
//   parse(event)           Result<Event>; errors are "InvalidEvent" naming the JSON path
//   records(e)             e's records (a std::span<const Record>)
//   raw_records(event)     each record's JSON, in the same order (what ctx.record() shows)
//   matches(pattern, r)    whether a route pattern takes r: a glob over r's name (queue,
//                          topic, bucket/key, table, ...), or over its ARN when the pattern
//                          starts with "arn:"
//   describe(r)            what r is, for errors ("the SQS queue arn:aws:sqs:...")
//   failures               what a failed record means (Failures below)
//   item_id(r)             report_items: the text that names r (a std::string_view, or a
//                          std::string when it is made from several fields): in
//                          batchItemFailures, in the logs, and in the BatchItemFailures a
//                          whole-batch handler returns
//
// and optionally:
//
//   failure_identifier(r)  report_items: the itemIdentifier batchItemFailures gives for r when
//                          it is not item_id's text (boost::json::value; Kafka's
//                          {"partition":"topic-0","offset":15})
//   subset(e, indices)     the Event with only the records at `indices` (in records(e)), for a
//                          whole-batch handler when the batch is split between routes. Needed
//                          for whole-batch handlers unless the Event keeps its records in a
//                          `Records` vector.
//   raw_subset(event, indices)
//                          the event's JSON with only those records, for on_event when some
//                          records of a batch are routed and the others are not (default: the
//                          event with its "Records" array replaced)
//
//   check_pattern(p)       why a route pattern can never match (std::optional<std::string>),
//                          reported by App::check()
//   ordered(r)             report_items: r comes from an ordered queue (SQS FIFO): the first
//                          failure stops the batch and every later record is reported too
//   Answer                 what a handler returns for one record (default: nothing)
//   answer(event, outcomes, context)
//                          the invocation's answer from every record's outcome (default: the
//                          one record's answer as JSON for single-event sources, else null).
//                          Called whatever the outcomes, failures included, so a source whose
//                          answer must always be sent (CloudFormation) can send it.
//   refused(event, error, context)
//                          the invocation is failing with `error` before answer() was called:
//                          the event is malformed, no route takes it, on_event failed on it.
//                          A source whose sender waits for an answer whatever happens
//                          (CloudFormation) answers it here and returns the invocation's
//                          answer (the dispatch then logs `error`), or returns the error the
//                          invocation fails with (`error` itself when there was nowhere to
//                          answer). Called only for an event of D's kind in an app with routes
//                          of D; never after answer().
//   adapts, adaptable(event), adapt(event)
//                          events of another kind that D's routes also take, translated into
//                          D's Event (S3 notifications through EventBridge): tried before that
//                          kind's own routes
//   as(std::type_identity<P>, record, raw)
//                          other parameter types a handler may take instead of Record (SNS's
//                          SnsMessage, EventBridge's typed detail, one payload version of an
//                          authorizer). It returns a reference (always taken), a pointer (null:
//                          this route does not take the record) or a Result<P> (an error is the
//                          record's InvalidEvent).

#include <chrono>
#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/describe/members.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include "lift/core/result.hpp"

namespace lift::events {

// What identifies a source: its kind name and a one-line title.
struct SourceInfo {
  std::string_view name;   // "sqs", as `lift events inspect` prints it
  std::string_view title;  // "Amazon SQS messages", as `lift events list` prints it
  bool http = false;       // its events are HTTP requests, answered through the router
  // The source whose events are all also events of this one (Scheduled refines EventBridge):
  // when none of this source's routes match, its events go on to that source's routes.
  const SourceInfo* refines = nullptr;
};

// A payload no source claims.
inline constexpr SourceInfo kUnknownSource{"unknown", "a payload no source claims"};

// The kind of an event: which source it comes from. A small value, compared by identity.
class Kind {
 public:
  constexpr Kind() noexcept = default;  // unknown
  constexpr explicit Kind(const SourceInfo& info) noexcept : info_(&info) {}
  template <class Source>
  [[nodiscard]] static constexpr Kind of() noexcept {
    return Kind(Source::info);
  }
  [[nodiscard]] static constexpr Kind unknown() noexcept { return Kind(); }

  [[nodiscard]] constexpr std::string_view name() const noexcept { return info_->name; }
  [[nodiscard]] constexpr const SourceInfo& info() const noexcept { return *info_; }
  [[nodiscard]] constexpr bool is_unknown() const noexcept { return info_ == &kUnknownSource; }
  [[nodiscard]] constexpr bool is_http() const noexcept { return info_->http; }
  // The kind this one refines (unknown when none).
  [[nodiscard]] constexpr Kind refines() const noexcept { return info_->refines != nullptr ? Kind(*info_->refines) : Kind(); }

  friend constexpr bool operator==(Kind a, Kind b) noexcept { return a.info_ == b.info_; }

 private:
  const SourceInfo* info_ = &kUnknownSource;
};

template <class Source>
inline constexpr Kind kind_of = Kind::of<Source>();

// What a failed record means for the rest of the batch and for the answer.
enum class Failures {
  // The first failure fails the invocation, so that Lambda retries the whole event (SNS, S3,
  // SES and every single-event source).
  fail_invocation,
  // The answer is {"batchItemFailures":[...]} naming each failed record by item_id, so that
  // Lambda retries those alone (SQS, Kinesis, DynamoDB Streams, Kafka); when every record
  // failed, the invocation fails instead.
  report_items,
  // Every record gets its own answer, a failure included (Firehose's ProcessingFailed, an
  // AppSync batch's per-item error); D::answer writes them.
  answer_each,
};

// What `lift events inspect` prints of an event besides its kind.
struct Summary {
  boost::json::object fields;          // what identifies it: method and path, queue ARN, bucket, ...
  std::size_t records = 1;             // what a per-record handler would be called for
  boost::json::array items;            // a line per record, when there are several
  std::optional<Error> problem;        // the InvalidEvent the runtime would answer

  // Adds a field unless `text` is empty.
  void add(std::string_view name, std::string_view text);
  // Keeps the first parse error.
  template <class T>
  void note(const Result<T>& parsed) {
    if (!parsed && !problem) problem = parsed.error();
  }
};

// One option of a source's sample event: the SampleOptions member it sets, and its help.
struct SampleOption {
  std::string_view name;
  std::string_view help;
};

// Error{"InvalidSample", problem, 400}: options that make no event.
[[nodiscard]] Error invalid_sample(std::string_view problem);

// The account of sample events (the one AWS's documentation uses).
inline constexpr std::string_view kSampleAccount = "123456789012";
// A new X-Ray trace id for a sample event: Root=1-<the time, 8 hex digits>-<24 random ones>.
[[nodiscard]] std::string sample_trace_id();

// What a source's answer hook may need of the invocation.
struct AnswerContext {
  std::chrono::system_clock::time_point deadline{};  // zero: none
  std::string_view request_id{};
};

// ---- helpers for descriptors ----

// The JSON member `name` of `event` as text, "" when absent or not a string.
[[nodiscard]] std::string_view string_member(const boost::json::value& event, std::string_view name) noexcept;
// The value at a path of object members, or null.
[[nodiscard]] const boost::json::value* member_at(const boost::json::value& root,
                                                  std::initializer_list<std::string_view> path) noexcept;
// The string at a path of object members, "" when absent or not a string.
[[nodiscard]] std::string_view string_at(const boost::json::value& root, std::initializer_list<std::string_view> path) noexcept;
// The first record's event source of a {"Records":[...]} event ("aws:sqs"; SNS spells it
// EventSource), "" when the event has no records.
[[nodiscard]] std::string_view records_event_source(const boost::json::value& event) noexcept;
// The JSON of each element of the array member `name` (empty when it is not an array).
[[nodiscard]] std::vector<const boost::json::value*> array_items(const boost::json::value& event, std::string_view name);
// `event` with its array member `name` holding only the elements at `indices` (for raw_subset;
// `event` as it is when it is not an object).
[[nodiscard]] boost::json::value with_array_items(const boost::json::value& event, std::string_view name,
                                                  std::span<const std::size_t> indices);
// A route pattern against a resource: a glob over `name`, or over `arn` when the pattern
// starts with "arn:".
[[nodiscard]] bool name_or_arn(std::string_view pattern, std::string_view name, std::string_view arn) noexcept;
// Text cut to `max` bytes (on a UTF-8 boundary) with "..." appended when longer: for summaries.
[[nodiscard]] std::string shorten(std::string_view text, std::size_t max = 80);
// A record's payload in a summary item: `name` = the text (shortened) when the bytes are UTF-8,
// else `name`_bytes = their size (a gzip, an image: nothing a terminal can show).
void add_payload(boost::json::object& item, std::string_view name, std::string_view bytes);

// ---- what a descriptor must have ----

template <class D>
concept EventSource = requires(const boost::json::value& event, Summary& summary, const typename D::SampleOptions& options) {
  { D::info } -> std::convertible_to<const SourceInfo&>;
  { D::detect(event) } noexcept -> std::same_as<bool>;
  { D::summarize(event, summary) } -> std::same_as<void>;
  std::span<const SampleOption>(D::sample_options);
  { D::sample(options) } -> std::same_as<Result<boost::json::value>>;
} && boost::describe::has_describe_members<typename D::SampleOptions>::value;

template <class D>
concept RoutedSource = EventSource<D> && requires(const boost::json::value& event, const typename D::Event& e,
                                                  const typename D::Record& r, std::string_view pattern) {
  { D::parse(event) } -> std::same_as<Result<typename D::Event>>;
  { D::records(e) } -> std::convertible_to<std::span<const typename D::Record>>;
  { D::raw_records(event) } -> std::same_as<std::vector<const boost::json::value*>>;
  { D::matches(pattern, r) } -> std::same_as<bool>;
  { D::describe(r) } -> std::convertible_to<std::string>;
  { D::failures } -> std::convertible_to<Failures>;
};

namespace detail {
template <class D>
struct answer_of {
  using type = void;
};
template <class D>
  requires requires { typename D::Answer; }
struct answer_of<D> {
  using type = typename D::Answer;
};
template <class D>
struct adapted_of {
  using type = void;
};
template <class D>
  requires requires { typename D::adapts; }
struct adapted_of<D> {
  using type = typename D::adapts;
};

// The types a SampleOptions member may have (what `lift events generate` can read).
template <class T>
inline constexpr bool is_sample_option_type =
    std::is_same_v<T, std::string> || std::is_same_v<T, bool> || (std::is_arithmetic_v<T> && !std::is_same_v<T, char>) ||
    std::is_same_v<T, std::vector<std::string>> || std::is_same_v<T, std::optional<std::string>>;

// Whether D's sample_options name each member of its SampleOptions exactly once and nothing
// else, and every member has a type an option can be read into (true when D is not a complete
// descriptor: EventSource says what is missing then).
template <class D>
consteval bool sample_options_complete() {
  if constexpr (EventSource<D>) {
    using Options = typename D::SampleOptions;
    std::size_t members = 0;
    bool complete = true;
    boost::mp11::mp_for_each<boost::describe::describe_members<Options, boost::describe::mod_public>>([&](auto member) {
      using T = std::remove_cvref_t<decltype(std::declval<Options&>().*member.pointer)>;
      std::size_t named = 0;
      for (const SampleOption& option : D::sample_options) named += option.name == std::string_view(member.name) ? 1 : 0;
      complete = complete && named == 1 && is_sample_option_type<T>;
      ++members;
    });
    return complete && members == std::span<const SampleOption>(D::sample_options).size();
  } else {
    return true;
  }
}
}  // namespace detail

// What a handler returns for one record of D (void unless D says otherwise).
template <class D>
using answer_t = typename detail::answer_of<D>::type;
// The source whose events D also takes (through D::adapt), or void.
template <class D>
using adapts_t = typename detail::adapted_of<D>::type;

}  // namespace lift::events

// Declares the descriptor `Name` (in namespace lift::events) to the build, which lists every
// declared source for detection and the tools, and checks that it is complete.
#define LIFT_EVENT_SOURCE(Name)                                                                                  \
  static_assert(::lift::events::EventSource<::lift::events::Name>, #Name " is not a complete event source descriptor"); \
  static_assert(::lift::events::detail::sample_options_complete<::lift::events::Name>(),                              \
                #Name "::sample_options must name each SampleOptions member once (and nothing else), and each member "  \
                "must be a std::string, bool, number, std::vector<std::string> or std::optional<std::string>")
