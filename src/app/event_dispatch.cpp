// Dispatch of non-HTTP events to the app's event-source routes: routing by resource, per-record
// handling with partial batch responses, the middleware around every handler, and the
// fallback to on_event. The rules are documented in lift/app/event_routes.hpp.
#include "event_dispatch.hpp"

#include <cstddef>
#include <cstdio>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "lift/app/errors.hpp"
#include "lift/http/message.hpp"

namespace lift {

bool glob_match(std::string_view pattern, std::string_view text) noexcept {
  // Greedy matching that backtracks only to the last '*': linear in practice, never exponential.
  constexpr auto npos = std::string_view::npos;
  std::size_t p = 0, t = 0, star = npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (star != npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace detail {

namespace {

using events::Kind;
using Json = boost::json::value;
constexpr std::size_t kNoRoute = static_cast<std::size_t>(-1);

bool is_arn_pattern(std::string_view pattern) noexcept { return pattern.starts_with("arn:"); }

bool name_or_arn(std::string_view pattern, std::string_view name, std::string_view arn) noexcept {
  return glob_match(pattern, is_arn_pattern(pattern) ? arn : name);
}

// ---- what each record source is routed by, how its records are named and identified ----

bool matches(std::string_view pattern, const events::SqsMessage& m) {
  return name_or_arn(pattern, m.queue_name(), m.eventSourceARN);
}
bool matches(std::string_view pattern, const events::SnsRecord& r) {
  return name_or_arn(pattern, r.Sns.topic_name(), r.Sns.TopicArn);
}
bool matches(std::string_view pattern, const events::DynamoDBRecord& r) {
  return name_or_arn(pattern, r.table_name(), r.eventSourceARN);
}
bool matches(std::string_view pattern, const events::KinesisRecord& r) {
  return name_or_arn(pattern, r.stream_name(), r.eventSourceARN);
}
bool matches(std::string_view pattern, const events::S3Record& r) {
  const auto& bucket = r.s3.bucket.name;
  const std::string key = r.s3.object.decoded_key();
  if (is_arn_pattern(pattern)) {
    const std::string bucket_arn = r.s3.bucket.arn.empty() ? "arn:aws:s3:::" + bucket : r.s3.bucket.arn;
    return glob_match(pattern, bucket_arn) || glob_match(pattern, bucket_arn + "/" + key);
  }
  const auto slash = pattern.find('/');
  if (slash == std::string_view::npos) return glob_match(pattern, bucket);
  return glob_match(pattern.substr(0, slash), bucket) && glob_match(pattern.substr(slash + 1), key);
}

std::string describe(const events::SqsMessage& m) { return "the SQS queue " + m.eventSourceARN; }
std::string describe(const events::SnsRecord& r) { return "the SNS topic " + r.Sns.TopicArn; }
std::string describe(const events::DynamoDBRecord& r) { return "the DynamoDB stream " + r.eventSourceARN; }
std::string describe(const events::KinesisRecord& r) { return "the Kinesis stream " + r.eventSourceARN; }
std::string describe(const events::S3Record& r) { return "the S3 object " + r.s3.bucket.name + "/" + r.s3.object.decoded_key(); }

// The identifier Lambda expects in batchItemFailures (and, for the other sources, what logs name).
std::string_view item_id(const events::SqsMessage& m) { return m.messageId; }
std::string_view item_id(const events::SnsRecord& r) { return r.Sns.MessageId; }
std::string_view item_id(const events::DynamoDBRecord& r) { return r.dynamodb.SequenceNumber; }
std::string_view item_id(const events::KinesisRecord& r) { return r.kinesis.sequenceNumber; }
std::string_view item_id(const events::S3Record& r) { return r.s3.object.key; }

bool in_order(const events::SqsMessage& m) { return m.is_fifo(); }
template <class Record>
bool in_order(const Record&) {
  return false;
}

// ---- S3 notifications through EventBridge ----

bool is_s3_object_event(const boost::json::value& event) {
  const auto& object = event.as_object();
  const auto* source = object.if_contains("source");
  const auto* type = object.if_contains("detail-type");
  return source != nullptr && type != nullptr && source->is_string() && type->is_string() && source->get_string() == "aws.s3" &&
         (type->get_string() == "Object Created" || type->get_string() == "Object Deleted");
}

// The eventName a direct notification would carry.
std::string s3_event_name(const events::S3EventBridgeEvent& event) {
  const auto& detail = event.detail;
  const std::string reason = detail.reason.value_or("");
  if (event.detail_type == "Object Created") {
    if (reason == "PutObject") return "ObjectCreated:Put";
    if (reason == "PostObject" || reason == "POST Object") return "ObjectCreated:Post";
    if (reason == "CopyObject") return "ObjectCreated:Copy";
    if (reason == "CompleteMultipartUpload") return "ObjectCreated:CompleteMultipartUpload";
    return "ObjectCreated:*";
  }
  const bool marker = detail.deletion_type == std::optional<std::string>("Delete Marker Created");
  if (reason == "Lifecycle Expiration") return marker ? "LifecycleExpiration:DeleteMarkerCreated" : "LifecycleExpiration:Delete";
  return marker ? "ObjectRemoved:DeleteMarkerCreated" : "ObjectRemoved:Delete";
}

events::S3Record s3_record_from(const events::S3EventBridgeEvent& event) {
  const auto& detail = event.detail;
  events::S3Record record;
  record.eventVersion = "2.1";
  record.eventSource = "aws:s3";
  record.awsRegion = event.region;
  record.eventTime = event.time;
  record.eventName = s3_event_name(event);
  if (detail.requester) record.userIdentity = events::S3Identity{*detail.requester};
  if (detail.source_ip_address) record.requestParameters = events::S3RequestParameters{*detail.source_ip_address};
  if (detail.request_id) record.responseElements = std::map<std::string, std::string>{{"x-amz-request-id", *detail.request_id}};
  record.s3.s3SchemaVersion = "1.0";
  record.s3.bucket.name = detail.bucket.name;
  record.s3.bucket.arn = "arn:aws:s3:::" + detail.bucket.name;
  for (const auto& resource : event.resources) {
    // The resource keeps the partition (aws-cn, aws-us-gov).
    if (resource.ends_with(":::" + detail.bucket.name)) record.s3.bucket.arn = resource;
  }
  record.s3.object.key = events::encode_s3_key(detail.object.key);
  record.s3.object.urlDecodedKey = detail.object.key;
  record.s3.object.size = detail.object.size;
  record.s3.object.eTag = detail.object.etag;
  record.s3.object.versionId = detail.object.version_id;
  record.s3.object.sequencer = detail.object.sequencer;
  return record;
}

// ---- logging ----

void write_log(const boost::json::object& line) {
  std::string text = boost::json::serialize(line);
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stderr);
}

// The exception being handled, for the log (never for the caller).
std::string exception_text() {
  try {
    throw;
  } catch (const std::exception& e) {
    return std::string(typeid(e).name()) + ": " + e.what();
  } catch (...) {
    return "unknown exception";
  }
}

class Dispatcher {
 public:
  Dispatcher(const EventApp& app, const runtime::InvocationContext& invocation, Kind kind, const Json& event)
      : app_(app), invocation_(invocation), kind_(kind), event_(event) {}

  Result<Json> dispatch() const {
    const auto& routes = app_.routes;
    switch (kind_) {
      case Kind::sqs:
        return record_event(routes.sqs, "app.sqs", true, [](const Json& e) { return events::parse_sqs(e); });
      case Kind::sns:
        return record_event(routes.sns, "app.sns", false, [](const Json& e) { return events::parse_sns(e); });
      case Kind::s3:
        return record_event(routes.s3, "app.s3", false, [](const Json& e) { return events::parse_s3(e); });
      case Kind::dynamodb_stream:
        return record_event(routes.dynamodb_stream, "app.dynamodb_stream", true,
                            [](const Json& e) { return events::parse_dynamodb_stream(e); });
      case Kind::kinesis:
        return record_event(routes.kinesis, "app.kinesis", true, [](const Json& e) { return events::parse_kinesis(e); });
      case Kind::eventbridge:
      case Kind::scheduled:
        return eventbridge();
      case Kind::cloudwatch_logs:
        return logs();
      case Kind::authorizer_token:
      case Kind::authorizer_request:
        return authorizer();
      case Kind::cognito:
        return cognito();
      default:
        return fallback();
    }
  }

 private:
  // ---- running handlers inside the middleware ----

  void prepare(Context& ctx, const Json* record, std::size_t index) const {
    ctx.set_event(kind_, &event_);
    ctx.set_record(record, index);
  }

  // The chain around `endpoint`; an exception becomes InternalError (logged, not shown).
  Result<void> run(Context& ctx, const Endpoint& endpoint) const {
    try {
      return run_chain(app_.chain, endpoint, ctx);
    } catch (...) {
      boost::json::object line;
      line["level"] = "ERROR";
      line["message"] = "unhandled exception in an event handler";
      line["source"] = events::to_string(kind_);
      line["error"] = exception_text();
      line["request_id"] = invocation_.request_id;
      write_log(line);
      return errors::internal();
    }
  }

  // One handler for the whole event: its answer, or its error.
  Result<Json> run_whole(const std::function<Result<Json>(Context&)>& handler) const {
    Context ctx(http::Request{}, &invocation_);
    prepare(ctx, nullptr, 0);
    const Endpoint endpoint = [&handler](Context& c) -> Result<void> {
      auto answer = handler(c);
      if (!answer) return std::move(answer).error();
      c.event_result() = std::move(*answer);
      return {};
    };
    if (auto done = run(ctx, endpoint); !done) return std::move(done).error();
    return std::move(ctx.event_result());
  }

  Result<Json> to_on_event(const Json& event) const {
    return run_whole([this, &event](Context& c) { return app_.on_event(c, event); });
  }

  // Nothing of this kind is routed: on_event, or the typed error.
  Result<Json> fallback() const {
    if (!app_.on_event) {
      return Error{"UnsupportedEvent", "no handler for an event of kind " + std::string(events::to_string(kind_)), 400};
    }
    return to_on_event(event_);
  }

  // Routes of this kind exist but none matches.
  Result<Json> no_route(std::string message) const {
    if (app_.on_event) return to_on_event(event_);
    return Error{"NoRoute", std::move(message), 400};
  }

  // ---- record sources ----

  template <class Route, class Parse>
  Result<Json> record_event(const std::vector<Route>& routes, std::string_view method, bool partial, Parse parse) const {
    if (routes.empty()) return fallback();
    auto typed = parse(event_);
    if (!typed) return std::move(typed).error();
    // The model parsed, so Records is an array of as many records.
    std::vector<const Json*> raw;
    for (const auto& record : event_.as_object().at("Records").as_array()) raw.push_back(&record);
    return batch(routes, method, partial, *typed, raw);
  }

  template <class Route>
  Result<Json> batch(const std::vector<Route>& routes, std::string_view method, bool partial,
                     const typename Route::event_type& typed, const std::vector<const Json*>& raw) const {
    const auto& records = typed.Records;
    const std::size_t count = records.size();
    if (raw.size() != count) return errors::internal("the event's records and their JSON disagree");

    // Every record's route first: an unroutable record fails the invocation before any handler ran.
    std::vector<std::size_t> route_of(count, kNoRoute);
    bool any_routed = false;
    for (std::size_t i = 0; i < count; ++i) {
      for (std::size_t r = 0; r < routes.size(); ++r) {
        if (matches(routes[r].pattern, records[i])) {
          route_of[i] = r;
          any_routed = true;
          break;
        }
      }
      if (route_of[i] == kNoRoute && !app_.on_event) {
        return Error{"NoRoute", "no " + std::string(method) + " route matches " + describe(records[i]), 400};
      }
    }
    if (!any_routed) return to_on_event(event_);  // as it came, answered by on_event alone

    std::vector<bool> done(count, false), failed(count, false);
    std::vector<std::string> unknown_ids;  // reported by a handler but not in its records
    std::optional<Error> first_error;
    bool stopped = false;  // a FIFO queue stops at its first failure
    for (std::size_t i = 0; i < count; ++i) {
      if (done[i]) continue;
      if (stopped) {
        failed[i] = done[i] = true;
        continue;
      }
      const std::size_t r = route_of[i];
      if (r != kNoRoute && routes[r].each) {
        done[i] = true;
        auto result = run_record(routes[r].each, records[i], raw[i], i);
        if (result) continue;
        if (!partial) return std::move(result).error();
        failed[i] = true;
        if (!first_error) first_error = std::move(result).error();
        stopped = in_order(records[i]);
        continue;
      }
      // A whole-batch route, or on_event: all of its records in one call.
      std::vector<std::size_t> group;
      for (std::size_t j = i; j < count; ++j) {
        if (!done[j] && route_of[j] == r) {
          group.push_back(j);
          done[j] = true;
        }
      }
      auto outcome = r != kNoRoute ? run_group(routes[r].whole, typed, group) : run_on_event_group(raw, group);
      if (!outcome) {
        if (!partial) return std::move(outcome).error();
        for (auto j : group) failed[j] = true;
        if (!first_error) first_error = std::move(outcome).error();
        stopped = in_order(records[i]);
        continue;
      }
      if (!*outcome) continue;
      for (const auto& failure : (*outcome)->batchItemFailures) {
        bool found = false;
        for (auto j : group) {
          if (item_id(records[j]) == failure.itemIdentifier) {
            found = failed[j] = true;
            stopped = stopped || in_order(records[j]);
          }
        }
        if (!found) unknown_ids.push_back(failure.itemIdentifier);
      }
    }
    if (!partial) return Json();

    events::BatchItemFailures failures;
    std::vector<ErrorDetail> details;
    for (std::size_t i = 0; i < count; ++i) {
      if (!failed[i]) continue;
      const auto id = item_id(records[i]);
      // Lambda could not retry it alone; failing the invocation is the only way not to lose it.
      if (id.empty())
        return Error{"BatchProcessingFailed", "record " + std::to_string(i) + " failed and has no identifier to report", 500};
      failures.add(std::string(id));
      details.push_back(ErrorDetail{"Records[" + std::to_string(i) + "]", std::string(id)});
    }
    if (failures.size() == count) {
      std::string message = "all " + std::to_string(count) + " records of the batch failed";
      if (first_error) message += "; the first: " + first_error->code + ": " + first_error->message;
      return Error{"BatchProcessingFailed", std::move(message), 500, std::move(details)};
    }
    for (auto& id : unknown_ids) failures.add(std::move(id));
    return json::to_json(failures);
  }

  template <class Record>
  Result<void> run_record(const std::function<Result<void>(Context&, const Record&)>& handler, const Record& record,
                          const Json* raw, std::size_t index) const {
    Context ctx(http::Request{}, &invocation_);
    prepare(ctx, raw, index);
    const Endpoint endpoint = [&handler, &record](Context& c) { return handler(c, record); };
    Result<void> result;
    std::string exception;
    try {
      result = run_chain(app_.chain, endpoint, ctx);
    } catch (...) {
      exception = exception_text();
      result = errors::internal();
    }
    if (!result) {
      boost::json::object line;
      line["level"] = "ERROR";
      line["message"] = exception.empty() ? "record failed" : "unhandled exception while handling a record";
      line["source"] = events::to_string(kind_);
      line["record_index"] = index;
      line["record_id"] = item_id(record);
      line["error_code"] = result.error().code;
      line["error"] = exception.empty() ? result.error().message : exception;
      line["request_id"] = invocation_.request_id;
      write_log(line);
    }
    return result;
  }

  template <class Event>
  Result<std::optional<events::BatchItemFailures>> run_group(
      const std::function<Result<std::optional<events::BatchItemFailures>>(Context&, const Event&)>& handler, const Event& typed,
      const std::vector<std::size_t>& group) const {
    std::optional<Event> subset;  // only when the batch is split between routes
    if (group.size() != typed.Records.size()) {
      subset.emplace(typed);
      subset->Records.clear();
      for (auto j : group) subset->Records.push_back(typed.Records[j]);
    }
    const Event& event = subset ? *subset : typed;
    std::optional<events::BatchItemFailures> reported;
    Context ctx(http::Request{}, &invocation_);
    prepare(ctx, nullptr, 0);
    const Endpoint endpoint = [&handler, &event, &reported](Context& c) -> Result<void> {
      auto outcome = handler(c, event);
      if (!outcome) return std::move(outcome).error();
      reported = std::move(*outcome);
      return {};
    };
    if (auto done = run(ctx, endpoint); !done) return std::move(done).error();
    return reported;
  }

  // The records no route took, as an event of their own, to on_event; a batchItemFailures
  // answer counts like a whole-batch handler's.
  Result<std::optional<events::BatchItemFailures>> run_on_event_group(const std::vector<const Json*>& raw,
                                                                      const std::vector<std::size_t>& group) const {
    Json subset(event_, boost::json::storage_ptr());
    boost::json::array records;
    for (auto j : group) records.emplace_back(*raw[j]);
    subset.as_object()["Records"] = std::move(records);
    auto answer = to_on_event(subset);
    if (!answer) return std::move(answer).error();
    if (!answer->is_object() || !answer->as_object().contains("batchItemFailures"))
      return std::optional<events::BatchItemFailures>{};
    auto failures = json::from_json<events::BatchItemFailures>(*answer);
    if (!failures)
      return Error{"InvalidAnswer", "on_event answered a malformed batchItemFailures: " + failures.error().message, 500};
    return std::optional<events::BatchItemFailures>(std::move(*failures));
  }

  // ---- EventBridge, schedules and S3 through EventBridge ----

  Result<Json> eventbridge() const {
    const auto& routes = app_.routes;
    const bool scheduled = kind_ == Kind::scheduled;
    const bool s3_object = is_s3_object_event(event_);
    if (s3_object && !routes.s3.empty()) {
      auto typed = events::parse_s3_eventbridge(event_);
      if (!typed) return std::move(typed).error();
      events::S3Event s3;
      s3.Records.push_back(s3_record_from(*typed));
      for (const auto& route : routes.s3) {
        if (matches(route.pattern, s3.Records.front())) return batch(routes.s3, "app.s3", false, s3, {&event_});
      }
    }
    if (scheduled && !routes.schedule.empty()) {
      auto typed = events::parse_scheduled(event_);
      if (!typed) return std::move(typed).error();
      for (const auto& route : routes.schedule) {
        for (const auto& resource : typed->resources) {
          const auto name = events::rule_name_from_arn(resource);
          if (!name.empty() && name_or_arn(route.pattern, name, resource)) return run_whole(call_route(route));
        }
      }
    }
    std::string source, type;
    if (!routes.eventbridge.empty()) {
      auto typed = events::parse_eventbridge(event_);
      if (!typed) return std::move(typed).error();
      for (const auto& route : routes.eventbridge) {
        if (eventbridge_matches(route.pattern, *typed)) return run_whole(call_route(route));
      }
      source = typed->source;
      type = typed->detail_type;
    }
    const bool routed =
        !routes.eventbridge.empty() || (scheduled && !routes.schedule.empty()) || (s3_object && !routes.s3.empty());
    if (!routed) return fallback();
    std::string what = "the EventBridge event";
    if (!source.empty() || !type.empty()) what += " (source \"" + source + "\", detail-type \"" + type + "\")";
    return no_route("no route matches " + what);
  }

  static bool eventbridge_matches(std::string_view pattern, const events::EventBridgeEvent<>& event) {
    if (is_arn_pattern(pattern)) {
      for (const auto& resource : event.resources) {
        if (glob_match(pattern, resource)) return true;
      }
      return false;
    }
    return glob_match(pattern, event.source) || glob_match(pattern, event.detail_type);
  }

  std::function<Result<Json>(Context&)> call_route(const EventBridgeRoute& route) const {
    return [this, &route](Context& c) { return route.handler(c, event_); };
  }

  // ---- CloudWatch Logs, authorizers, Cognito ----

  Result<Json> logs() const {
    const auto& routes = app_.routes.logs;
    if (routes.empty()) return fallback();
    auto data = events::parse_cloudwatch_logs(event_);
    if (!data) return std::move(data).error();
    for (const auto& route : routes) {
      if (!glob_match(route.pattern, data->logGroup)) continue;
      const auto& decoded = *data;
      return run_whole([&route, &decoded](Context& c) -> Result<Json> {
        if (auto done = route.handler(c, decoded); !done) return std::move(done).error();
        return Json();
      });
    }
    return no_route("no app.logs route matches the log group " + data->logGroup);
  }

  Result<Json> authorizer() const {
    const auto& routes = app_.routes.authorizer;
    if (routes.empty()) return fallback();
    const bool token = kind_ == Kind::authorizer_token;
    const auto* version = event_.as_object().if_contains("version");
    const bool v2 = !token && version != nullptr && version->is_string() && version->get_string() == "2.0";
    for (const auto& route : routes) {
      const bool takes = token ? route.input == AuthorizerInput::token
                               : route.input == AuthorizerInput::any_request ||
                                     route.input == (v2 ? AuthorizerInput::request_v2 : AuthorizerInput::request);
      if (takes) return run_whole([this, &route](Context& c) { return route.handler(c, event_); });
    }
    return no_route(std::string("no app.authorizer handler takes ") + (token ? "a TOKEN authorizer event"
                                                                       : v2  ? "a REQUEST authorizer event (payload 2.0)"
                                                                             : "a REQUEST authorizer event (payload 1.0)"));
  }

  Result<Json> cognito() const {
    const auto& routes = app_.routes.cognito;
    if (routes.empty()) return fallback();
    auto typed = events::parse_cognito(event_);
    if (!typed) return std::move(typed).error();
    for (const auto& route : routes) {
      if (!glob_match(route.pattern, typed->triggerSource)) continue;
      const auto& parsed = *typed;
      return run_whole([this, &route, &parsed](Context& c) -> Result<Json> {
        auto response = route.handler(c, parsed);
        if (!response) return std::move(response).error();
        if (!*response) return Json(event_, boost::json::storage_ptr());  // the event as it came
        return events::cognito_response(event_, std::move(**response));
      });
    }
    return no_route("no app.cognito route matches the trigger " + typed->triggerSource);
  }

  const EventApp& app_;
  const runtime::InvocationContext& invocation_;
  Kind kind_;
  const Json& event_;
};

template <class Route>
void keep(std::vector<Route>& routes, Route route, bool has_handler, std::string_view method,
          std::vector<std::string>& problems) {
  if (!has_handler) {
    problems.push_back("the handler of " + std::string(method) + "(\"" + route.pattern + "\") is empty");
    return;
  }
  if (route.pattern.empty()) {
    problems.push_back(std::string(method) + " needs a pattern (\"*\" for any)");
    return;
  }
  routes.push_back(std::move(route));
}

}  // namespace

void EventRoutes::add(SqsRoute route, std::vector<std::string>& problems) {
  const bool has = route.each || route.whole;
  keep(sqs, std::move(route), has, "app.sqs", problems);
}
void EventRoutes::add(SnsRoute route, std::vector<std::string>& problems) {
  const bool has = route.each || route.whole;
  keep(sns, std::move(route), has, "app.sns", problems);
}
void EventRoutes::add(S3Route route, std::vector<std::string>& problems) {
  const bool has = route.each || route.whole;
  if (!is_arn_pattern(route.pattern) && route.pattern.starts_with('/')) {
    problems.push_back("app.s3(\"" + route.pattern + "\"): the pattern starts with the bucket (\"bucket/key-glob\")");
    return;
  }
  keep(s3, std::move(route), has, "app.s3", problems);
}
void EventRoutes::add(DynamoDBStreamRoute route, std::vector<std::string>& problems) {
  const bool has = route.each || route.whole;
  keep(dynamodb_stream, std::move(route), has, "app.dynamodb_stream", problems);
}
void EventRoutes::add(KinesisRoute route, std::vector<std::string>& problems) {
  const bool has = route.each || route.whole;
  keep(kinesis, std::move(route), has, "app.kinesis", problems);
}
void EventRoutes::add(EventBridgeRoute route, std::vector<std::string>& problems) {
  const bool has = static_cast<bool>(route.handler);
  if (route.schedule) {
    keep(schedule, std::move(route), has, "app.schedule", problems);
  } else {
    keep(eventbridge, std::move(route), has, "app.eventbridge", problems);
  }
}
void EventRoutes::add(LogsRoute route, std::vector<std::string>& problems) {
  const bool has = static_cast<bool>(route.handler);
  keep(logs, std::move(route), has, "app.logs", problems);
}
void EventRoutes::add(AuthorizerRoute route, std::vector<std::string>& problems) {
  if (!route.handler) {
    problems.push_back("the handler of app.authorizer is empty");
    return;
  }
  authorizer.push_back(std::move(route));
}
void EventRoutes::add(CognitoRoute route, std::vector<std::string>& problems) {
  const bool has = static_cast<bool>(route.handler);
  keep(cognito, std::move(route), has, "app.cognito", problems);
}

Result<Json> dispatch_event(const EventApp& app, const runtime::InvocationContext& invocation, Kind kind, const Json& event) {
  try {
    return Dispatcher(app, invocation, kind, event).dispatch();
  } catch (...) {
    // Handlers' exceptions are caught where they run; this is the dispatch itself failing
    // (memory exhausted), which must not take the process down either.
    boost::json::object line;
    line["level"] = "ERROR";
    line["message"] = "event dispatch failed";
    line["error"] = exception_text();
    line["request_id"] = invocation.request_id;
    write_log(line);
    return errors::internal();
  }
}

}  // namespace detail
}  // namespace lift
