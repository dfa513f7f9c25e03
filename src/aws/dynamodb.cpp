#include "lift/aws/dynamodb.hpp"

#include <algorithm>
#include <charconv>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "lift/core/env.hpp"
#include "service.hpp"

namespace lift::aws {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using detail::string_field;

constexpr std::string_view kDynamoDbPrefix = "DynamoDB";
constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";
constexpr std::string_view kItemsPrefix = "TransactItems[";

// Appends the arrays of `from` to those of `into`, key by key (Responses per table).
void append_arrays(json::object& into, const json::object& from) {
  for (const auto& [key, value] : from) {
    if (!value.is_array()) continue;
    auto& target = into[key];
    if (!target.is_array()) target = json::array();
    for (const auto& element : value.as_array()) target.as_array().push_back(element);
  }
}

std::size_t count_requests(const json::object& request_items, bool keys) {
  std::size_t count = 0;
  for (const auto& [table, entry] : request_items) {
    if (keys && entry.is_object()) {
      if (const auto* list = entry.as_object().if_contains("Keys"); list != nullptr && list->is_array()) count += list->as_array().size();
    } else if (!keys && entry.is_array()) {
      count += entry.as_array().size();
    }
  }
  return count;
}

}  // namespace

Error parse_dynamodb_error(int http_status, std::string_view body) {
  // DynamoDB names the error in the body's `__type`; the details are what it returns beside it.
  return detail::parse_json_error(kDynamoDbPrefix, http_status, body, {}, [](const json::object& object, Error& error) {
    if (error.code == kDynamoDbConditionalCheckFailed) {
      if (const auto* item = object.if_contains("Item"); item != nullptr && item->is_object())
        error.details.push_back({"Item", json::serialize(*item)});
    } else if (error.code == kDynamoDbTransactionCanceled) {
      const auto* reasons = object.if_contains("CancellationReasons");
      if (reasons == nullptr || !reasons->is_array()) return;
      const auto& list = reasons->as_array();
      for (std::size_t index = 0; index < list.size(); ++index) {
        if (!list[index].is_object()) continue;
        const auto& reason = list[index].as_object();
        const auto code = string_field(reason, "Code");
        if (code.empty() || code == "None") continue;  // the operations that would have succeeded
        const std::string field = std::string(kItemsPrefix) + std::to_string(index) + "]";
        std::string text(code);
        if (const auto why = string_field(reason, "Message"); !why.empty()) text.append(": ").append(why);
        error.details.push_back({field, std::move(text)});
        if (const auto* item = reason.if_contains("Item"); item != nullptr && item->is_object())
          error.details.push_back({field + ".Item", json::serialize(*item)});
      }
    }
  });
}

std::vector<CancellationReason> cancellation_reasons(const Error& error) {
  std::vector<CancellationReason> reasons;
  if (error.code != kDynamoDbTransactionCanceled) return reasons;
  for (const auto& detail : error.details) {
    std::string_view field = detail.field;
    if (!field.starts_with(kItemsPrefix)) continue;
    field.remove_prefix(kItemsPrefix.size());
    std::size_t index = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), index);
    if (ec != std::errc{}) continue;
    const std::string_view rest(end, static_cast<std::size_t>(field.data() + field.size() - end));
    if (rest == "]") {
      CancellationReason reason;
      reason.index = index;
      const auto colon = detail.message.find(": ");
      reason.code = detail.message.substr(0, colon);
      if (colon != std::string::npos) reason.message = detail.message.substr(colon + 2);
      reasons.push_back(std::move(reason));
    } else if (rest == "].Item" && !reasons.empty() && reasons.back().index == index) {
      boost::system::error_code parse_error;
      auto item = json::parse(detail.message, parse_error);
      if (!parse_error && item.is_object()) reasons.back().item = std::move(item.as_object());
    }
  }
  return reasons;
}

std::optional<json::object> condition_failed_item(const Error& error) {
  if (error.code != kDynamoDbConditionalCheckFailed) return std::nullopt;
  for (const auto& detail : error.details) {
    if (detail.field != "Item") continue;
    boost::system::error_code ec;
    auto item = json::parse(detail.message, ec);
    if (!ec && item.is_object()) return std::move(item.as_object());
  }
  return std::nullopt;
}

Result<bool> wait_for_active_table(DynamoDbClient& client, std::string_view table, DynamoDbClient::Deadline deadline) {
  while (std::chrono::steady_clock::now() < deadline) {
    auto described = client.describe_table(json::object{{"TableName", table}}, deadline);
    if (!described) return std::move(described).error();
    const auto* about = described->if_contains("Table");
    const auto* status = about != nullptr && about->is_object() ? about->as_object().if_contains("TableStatus") : nullptr;
    if (status == nullptr || *status == "ACTIVE") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

struct DynamoDbClient::Impl {
  explicit Impl(detail::ServiceClient::Config config) : service(std::in_place, std::move(config)) {}
  Impl(DynamoDbTransport transport, DynamoDbObjectTransport object_transport, std::string endpoint, std::string region,
       RetryPolicy retry, std::optional<resilience::CircuitBreaker> breaker, resilience::FaultPlan faults)
      : transport(std::move(transport)),
        object_transport(std::move(object_transport)),
        endpoint(std::move(endpoint)),
        region(std::move(region)),
        retry(retry),
        breaker(std::move(breaker)),
        faults(std::move(faults)) {}
  [[nodiscard]] const std::string& endpoint_name() const { return service ? service->endpoint() : endpoint; }
  [[nodiscard]] const std::string& region_name() const { return service ? service->region() : region; }
  [[nodiscard]] const RetryPolicy& retry_policy() const { return service ? service->retry() : retry; }

  std::optional<detail::ServiceClient> service;  // over HTTP, unless `transport` is set
  DynamoDbTransport transport;
  DynamoDbObjectTransport object_transport;  // preferred over `transport` when set
  std::string endpoint;
  std::string region;
  RetryPolicy retry;
  // The transport's own breaker, faults and retry quota (over HTTP, the service client's).
  std::optional<resilience::CircuitBreaker> breaker;
  resilience::FaultPlan faults;
  RetryQuota quota;
};

DynamoDbClient::DynamoDbClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DynamoDbClient::DynamoDbClient(DynamoDbClient&&) noexcept = default;
DynamoDbClient& DynamoDbClient::operator=(DynamoDbClient&&) noexcept = default;
DynamoDbClient::~DynamoDbClient() = default;

Result<DynamoDbClient> DynamoDbClient::create(DynamoDbOptions options) {
  std::string region = !options.region.empty() ? std::move(options.region) : resolve_region().value_or("us-east-1");
  std::string configured = !options.endpoint.empty() ? std::move(options.endpoint) : env_or("LIFT_DYNAMODB_ENDPOINT", "");
  LIFT_TRY(faults, detail::resolve_faults(std::move(options.faults)));
  if (options.transport || options.object_transport) {
    return DynamoDbClient(std::make_unique<Impl>(std::move(options.transport), std::move(options.object_transport), configured.empty() ? "memory:" : std::move(configured),
                                                 std::move(region), options.retry, std::move(options.breaker), std::move(faults)));
  }
  if (configured.starts_with("memory:"))
    return detail::config_error("the DynamoDB endpoint 'memory:' is the embedded engine: set DynamoDbOptions::transport to "
                                "lift::dynamorm::memory_transport(), use an http(s):// endpoint, or leave LIFT_DYNAMODB_ENDPOINT "
                                "unset for AWS");
  auto endpoint = detail::resolve_endpoint(std::move(configured), "LIFT_DYNAMODB_ENDPOINT", "dynamodb", region, "DynamoDB");
  if (!endpoint) return std::move(endpoint).error();
  return DynamoDbClient(std::make_unique<Impl>(detail::ServiceClient::Config{
      std::string(kDynamoDbPrefix), "dynamodb", std::move(*endpoint), std::move(region), options.retry, std::move(options.http),
      std::move(options.credentials), std::move(options.breaker), std::move(faults)}));
}

const std::string& DynamoDbClient::endpoint() const { return impl_->endpoint_name(); }
const std::string& DynamoDbClient::region() const { return impl_->region_name(); }

Result<json::object> DynamoDbClient::call(std::string_view operation, const json::object& request, Deadline deadline) {
  if (operation.empty() || operation.find_first_of("\r\n ") != std::string_view::npos)
    return Error{std::string(kDynamoDbValidation), "invalid DynamoDB operation name", 400};
  if (impl_->transport || impl_->object_transport) {
    return detail::through_breaker(impl_->breaker, [&] { return call_transport(operation, request, deadline); });
  }
  std::string target(kTargetPrefix);
  target += operation;
  return impl_->service->call_json("application/x-amz-json-1.0", std::move(target), request, deadline,
                                   [](const HttpResponse& response) { return parse_dynamodb_error(response.status, response.body); });
}

Result<json::object> DynamoDbClient::call_transport(std::string_view operation, const json::object& request, Deadline deadline) {
  // The in-process form skips writing the request's text and reading the answer's; the values
  // are the same (the engine's answer is what its text would parse to).
  const bool objects = static_cast<bool>(impl_->object_transport);
  const std::string body = objects ? std::string() : json::serialize(request);
  // With faults planned, the attempts are retried as over HTTP: the engine itself never
  // throttles, but injected faults do, and a chaos test must see the retries a deployed function
  // would make. Without, one attempt, as ever (an in-process call has no deadline to respect).
  // A plain lambda: the usual call (no faults) makes it once, without a std::function's allocation.
  const auto attempt = [&](std::chrono::milliseconds) -> Attempt<json::object> {
    if (auto go_ahead = detail::inject_faults(impl_->faults, kDynamoDbService); !go_ahead) {
      const auto kind = classify_error(go_ahead.error());
      return {std::move(go_ahead).error(), kind};
    }
    auto fail = [](int status, std::string_view answer_body) -> Attempt<json::object> {
      auto error = parse_dynamodb_error(status, answer_body);
      const auto kind = classify_error(error);
      return {std::move(error), kind};
    };
    auto malformed = [] {
      return Attempt<json::object>{
          Error{std::string(kDynamoDbMalformedResponse), "DynamoDB answered with a body that is not a JSON object", 502}, FailureKind::fatal};
    };
    if (objects) {
      auto [status, answer] = impl_->object_transport(operation, request);
      if (status < 200 || status > 299) return fail(status, answer.is_string() ? std::string_view(answer.get_string()) : std::string_view());
      if (!answer.is_object()) return malformed();
      return {std::move(answer.get_object()), FailureKind::fatal};
    }
    auto [status, answer_body] = impl_->transport(operation, body);
    if (status < 200 || status > 299) return fail(status, answer_body);
    boost::system::error_code ec;
    auto answer = json::parse(answer_body, ec);
    if (!ec && answer.is_object()) return {std::move(answer.as_object()), FailureKind::fatal};
    return malformed();
  };
  if (impl_->faults.empty()) return std::move(attempt(std::chrono::milliseconds::max()).result);
  return with_retries<json::object>(impl_->retry, impl_->quota, deadline, attempt);
}

namespace {

// The shared loop of the two batch operations: resubmits what DynamoDB left unprocessed.
// What is left when a batch cannot be finished: the caller gets the requests that did not go
// through, never a bare failure that hides which of them did.
Error unprocessed_error(std::string_view operation, std::string_view unprocessed_key, bool keys,
                        const json::object& left, std::string_view why) {
  Error error{"DynamoDB.Unprocessed",
              std::to_string(count_requests(left, keys)) + " requests of " + std::string(operation) +
                  " were still unprocessed: " + std::string(why),
              503};
  error.details.push_back({std::string(unprocessed_key), json::serialize(left)});
  return error;
}

Result<json::object> drain_batch(DynamoDbClient& client, std::string_view operation, std::string_view unprocessed_key,
                                 bool keys, const RetryPolicy& policy, const json::object& request,
                                 DynamoDbClient::Deadline deadline) {
  json::object current = request;
  json::object merged;
  const RetryEnvironment environment;
  for (int round = 1;; ++round) {
    auto answer = client.call(operation, current, deadline);
    if (!answer) {
      // The first call failing leaves the whole request unprocessed, as the caller sent it.
      if (round == 1) return answer;
      return unprocessed_error(operation, unprocessed_key, keys, current["RequestItems"].as_object(), answer.error().message);
    }
    if (const auto* responses = answer->if_contains("Responses"); responses != nullptr && responses->is_object()) {
      auto& into = merged["Responses"];
      if (!into.is_object()) into = json::object();
      append_arrays(into.as_object(), responses->as_object());
    }
    if (const auto* consumed = answer->if_contains("ConsumedCapacity"); consumed != nullptr && consumed->is_array()) {
      auto& into = merged["ConsumedCapacity"];
      if (!into.is_array()) into = json::array();
      for (const auto& entry : consumed->as_array()) into.as_array().push_back(entry);
    }
    const auto* left = answer->if_contains(unprocessed_key);
    if (left == nullptr || !left->is_object() || left->as_object().empty()) {
      merged[unprocessed_key] = json::object();
      return merged;
    }
    const auto delay = backoff(policy, FailureKind::throttling, std::min(round, 10), environment.random());
    if (Clock::now() + delay + policy.deadline_margin >= deadline) {
      return unprocessed_error(operation, unprocessed_key, keys, left->as_object(), "the deadline is too near to retry");
    }
    std::this_thread::sleep_for(delay);
    current["RequestItems"] = left->as_object();
  }
}

}  // namespace

Result<json::object> DynamoDbClient::batch_write_item_all(const json::object& request, Deadline deadline) {
  return drain_batch(*this, "BatchWriteItem", "UnprocessedItems", false, impl_->retry_policy(), request, deadline);
}

Result<json::object> DynamoDbClient::batch_get_item_all(const json::object& request, Deadline deadline) {
  return drain_batch(*this, "BatchGetItem", "UnprocessedKeys", true, impl_->retry_policy(), request, deadline);
}

}  // namespace lift::aws
