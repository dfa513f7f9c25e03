#include "lift/aws/dynamodb.hpp"

#include <algorithm>
#include <charconv>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "lift/aws/sigv4.hpp"
#include "lift/core/env.hpp"

namespace lift::aws {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";
constexpr std::string_view kItemsPrefix = "TransactItems[";
constexpr std::size_t kMaxExcerpt = 200;

Error config_error(std::string message) { return Error{std::string(kConfigError), std::move(message), 500}; }

std::string_view string_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string_view(value->as_string()) : std::string_view();
}

// "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException" -> "ConditionalCheckFailed";
// the x-amzn-ErrorType form "Name:http://..." is accepted too. Empty when nothing usable remains.
std::string error_name(std::string_view type) {
  if (const auto hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
  if (const auto colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
  if (type.ends_with("Exception") && type.size() > 9) type.remove_suffix(9);
  if (type.empty() || type.size() > 100) return {};
  const bool plain = std::all_of(type.begin(), type.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
  return plain ? std::string(type) : std::string();
}

bool is_local_endpoint(const ParsedUrl& url) {
  if (url.https) return false;
  return url.host == "localhost" || url.host == "::1" || url.host.starts_with("127.");
}

std::string excerpt(std::string_view body) {
  std::string out(body.substr(0, kMaxExcerpt));
  if (body.size() > kMaxExcerpt) out += "...";
  return out;
}

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
  const int status = http_status >= 200 && http_status < 300 ? 502 : http_status;
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_object())
    return Error{std::string(kDynamoDbMalformedResponse),
                 "DynamoDB answered HTTP " + std::to_string(http_status) + " with a body that is not its JSON: " + excerpt(body),
                 status};
  const auto& object = value.as_object();
  const std::string name = error_name(string_field(object, "__type"));
  if (name.empty())
    return Error{std::string(kDynamoDbMalformedResponse),
                 "DynamoDB answered HTTP " + std::to_string(http_status) + " without an error type: " + excerpt(body), status};
  std::string message(string_field(object, "message"));
  if (message.empty()) message = string_field(object, "Message");
  if (message.empty()) message = name;
  Error error{"DynamoDB." + name, std::move(message), status};

  if (name == "ConditionalCheckFailed") {
    if (const auto* item = object.if_contains("Item"); item != nullptr && item->is_object())
      error.details.push_back({"Item", json::serialize(*item)});
  } else if (name == "TransactionCanceled") {
    const auto* reasons = object.if_contains("CancellationReasons");
    if (reasons != nullptr && reasons->is_array()) {
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
  }
  return error;
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

struct DynamoDbClient::Impl {
  std::string endpoint;
  std::string region;
  bool local = false;
  RetryPolicy policy;
  RetryQuota quota;
  std::shared_ptr<HttpClient> http;
  std::shared_ptr<CredentialsChain> credentials;

  Result<Credentials> signing_credentials() {
    auto found = credentials->get();
    if (!found && local && found.error().code == "aws.credentials_not_found")
      return Credentials{"local", "local", "", std::nullopt, "placeholder for a local endpoint"};
    return found;
  }
};

DynamoDbClient::DynamoDbClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DynamoDbClient::DynamoDbClient(DynamoDbClient&&) noexcept = default;
DynamoDbClient& DynamoDbClient::operator=(DynamoDbClient&&) noexcept = default;
DynamoDbClient::~DynamoDbClient() = default;

Result<DynamoDbClient> DynamoDbClient::create(DynamoDbOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->region = !options.region.empty() ? std::move(options.region) : resolve_region().value_or("us-east-1");
  std::string endpoint = !options.endpoint.empty() ? std::move(options.endpoint) : env_or("LIFT_DYNAMODB_ENDPOINT", "");
  if (endpoint.starts_with("memory:"))
    return config_error("the DynamoDB endpoint 'memory:' is the embedded engine, which this client does not serve; "
                        "use an http(s):// endpoint or leave LIFT_DYNAMODB_ENDPOINT unset for AWS");
  if (endpoint.empty()) {
    if (impl->region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
      return config_error("the region '" + impl->region + "' is not a region name");
    endpoint = "https://dynamodb." + impl->region + (impl->region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com");
  }
  auto url = parse_url(endpoint);
  if (!url) return config_error("the DynamoDB endpoint '" + endpoint + "' is not an http(s):// URL: " + url.error().message);
  impl->local = is_local_endpoint(*url);
  impl->endpoint = std::move(endpoint);
  impl->policy = options.retry;
  impl->http = options.http ? std::move(options.http) : std::make_shared<HttpClient>();
  impl->credentials = options.credentials ? std::move(options.credentials)
                                          : std::make_shared<CredentialsChain>(CredentialsChain::standard_providers());
  return DynamoDbClient(std::move(impl));
}

const std::string& DynamoDbClient::endpoint() const { return impl_->endpoint; }
const std::string& DynamoDbClient::region() const { return impl_->region; }

Result<json::object> DynamoDbClient::call(std::string_view operation, const json::object& request, Deadline deadline) {
  if (operation.empty() || operation.find_first_of("\r\n ") != std::string_view::npos)
    return Error{std::string(kDynamoDbValidation), "invalid DynamoDB operation name", 400};
  auto credentials = impl_->signing_credentials();
  if (!credentials) return std::move(credentials).error();

  std::string target(kTargetPrefix);
  target += operation;
  const std::vector<std::pair<std::string, std::string>> headers{
      {"Content-Type", "application/x-amz-json-1.0"}, {"X-Amz-Target", std::move(target)}, {"Accept-Encoding", "identity"}};
  HttpRequest http_request{"POST", impl_->endpoint, {}, json::serialize(request)};
  SigningParams params;
  params.credentials = std::move(*credentials);
  params.region = impl_->region;
  params.service = "dynamodb";

  const std::function<Attempt<json::object>(milliseconds)> attempt = [&](milliseconds budget) -> Attempt<json::object> {
    const auto now = Clock::now();
    const auto attempt_deadline = budget >= std::chrono::duration_cast<milliseconds>(deadline - now) ? deadline : now + budget;
    http_request.headers = headers;  // signed again: the time is part of the signature
    params.time = std::chrono::system_clock::now();
    if (auto signed_request = sign_in_place(http_request, params); !signed_request)
      return {std::move(signed_request).error(), FailureKind::fatal};
    auto response = impl_->http->send(http_request, attempt_deadline);
    if (!response) {
      auto kind = classify_error(response.error());
      return {std::move(response).error(), kind};
    }
    if (response->status == 200) {
      boost::system::error_code ec;
      auto answer = json::parse(response->body, ec);
      if (!ec && answer.is_object()) return {std::move(answer.as_object()), FailureKind::fatal};
      return {Error{std::string(kDynamoDbMalformedResponse), "DynamoDB answered with a body that is not a JSON object: " + excerpt(response->body), 502},
              FailureKind::fatal};
    }
    auto error = parse_dynamodb_error(response->status, response->body);
    const auto kind = classify_error(error);
    return {std::move(error), kind};
  };
  return with_retries<json::object>(impl_->policy, impl_->quota, deadline, attempt);
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
  return drain_batch(*this, "BatchWriteItem", "UnprocessedItems", false, impl_->policy, request, deadline);
}

Result<json::object> DynamoDbClient::batch_get_item_all(const json::object& request, Deadline deadline) {
  return drain_batch(*this, "BatchGetItem", "UnprocessedKeys", true, impl_->policy, request, deadline);
}

}  // namespace lift::aws
