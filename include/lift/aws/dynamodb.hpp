#pragma once
// DynamoDB over its JSON protocol (application/x-amz-json-1.0, X-Amz-Target
// DynamoDB_20120810.<Operation>, SigV4): requests and results are boost::json objects in
// DynamoDB's own JSON, as the DynamoDB API reference shows them. Every call is retried by the
// standard policy and bounded by the caller's deadline.
//
//   auto client = lift::aws::DynamoDbClient::create();
//   if (!client) return client.error();
//   boost::json::object request{{"TableName", "todos"}, {"Key", {{"PK", {{"S", "todo#1"}}}}}};
//   auto item = client->get_item(request, std::chrono::steady_clock::now() + std::chrono::seconds(2));

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "lift/aws/credentials.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/protection.hpp"
#include "lift/aws/retry.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// Error codes of DynamoDB's answers are "DynamoDB." and the `__type` after '#' without its
// "Exception" suffix; those the layers above act on are named here. Any other type keeps its
// name ("DynamoDB.ResourceInUse", "DynamoDB.UnknownOperation", ...). The HTTP status is kept.
inline constexpr std::string_view kDynamoDbConditionalCheckFailed = "DynamoDB.ConditionalCheckFailed";
inline constexpr std::string_view kDynamoDbTransactionCanceled = "DynamoDB.TransactionCanceled";
inline constexpr std::string_view kDynamoDbThroughputExceeded = "DynamoDB.ProvisionedThroughputExceeded";
inline constexpr std::string_view kDynamoDbThrottling = "DynamoDB.Throttling";
inline constexpr std::string_view kDynamoDbResourceNotFound = "DynamoDB.ResourceNotFound";
inline constexpr std::string_view kDynamoDbValidation = "DynamoDB.Validation";
// An answer that is not DynamoDB's JSON (status kept, 502 for a 2xx).
inline constexpr std::string_view kDynamoDbMalformedResponse = "DynamoDB.MalformedResponse";
// The endpoint setting cannot be used (status 500).
inline constexpr std::string_view kConfigError = "Config";

// Answers a call in-process instead of over HTTP: (operation, request body) → (HTTP status,
// answer body), exactly as DynamoDB would answer. lift::dynamorm::memory_transport() gives one
// for the embedded engine.
using DynamoDbTransport = std::function<std::pair<int, std::string>(std::string_view operation, std::string_view request_json)>;

// The in-process form of a transport: the request as a JSON object; the answer as one (a 2xx
// status) or as the error body's text (a JSON string; any other status), the values DynamoDB's
// text would parse to. It saves writing and reading that text both ways.
// lift::dynamorm::memory_object_transport() gives one for the embedded engine.
using DynamoDbObjectTransport = std::function<std::pair<int, boost::json::value>(std::string_view operation, const boost::json::object& request)>;

struct DynamoDbOptions {
  // "http(s)://host[:port]"; empty: LIFT_DYNAMODB_ENDPOINT, else AWS_ENDPOINT_URL_DYNAMODB,
  // AWS_ENDPOINT_URL or the profile's endpoint settings, else https://dynamodb.<region>.amazonaws.com.
  std::string endpoint{};
  // Set: every call goes to it (no HTTP, no signing) and `endpoint` is only a label; the breaker,
  // the faults and the retries below apply as over HTTP.
  DynamoDbTransport transport{};
  // Set: preferred over `transport` (which may then be empty), with the same breaker, faults and
  // retries.
  DynamoDbObjectTransport object_transport{};
  std::string region{};  // empty: AWS_REGION, AWS_DEFAULT_REGION, the profile, else us-east-1
  RetryPolicy retry{};
  std::shared_ptr<HttpClient> http{};                // null: a client of its own
  std::shared_ptr<CredentialsChain> credentials{};   // null: the standard chain  // Every call, with all its retries, goes through this breaker: while it is open, calls fail at
  // once with CircuitOpen (503). lift::aws::service_breaker("dynamodb") gives the process's breaker
  // for the service (lift/aws/protection.hpp says what counts as a failure). Unset: none.
  std::optional<resilience::CircuitBreaker> breaker{};
  // Faults drawn for every attempt under the name "dynamodb". Unset: LIFT_FAULTS.
  std::optional<resilience::FaultPlan> faults{};
};

// Thread safety: settings are fixed once created and the HTTP client and credentials chain it
// uses are thread-safe; share one client across every worker of lift::run(app).
class DynamoDbClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Errors ("Config"): "memory:" without a transport (the embedded engine is reached through
  // options.transport), an endpoint that is not an http(s) URL.
  static Result<DynamoDbClient> create(DynamoDbOptions options = {});

  DynamoDbClient(DynamoDbClient&&) noexcept;
  DynamoDbClient& operator=(DynamoDbClient&&) noexcept;
  ~DynamoDbClient();

  // Sends `request` as `operation` ("GetItem", "Query", ...) and returns DynamoDB's answer.
  // Throttling, 5xx and lost connections are retried with backoff while `deadline` allows.
  // Local endpoints (loopback http) without credentials are signed with placeholder keys, as
  // DynamoDB Local and dynalite accept any.
  Result<boost::json::object> call(std::string_view operation, const boost::json::object& request, Deadline deadline);

  Result<boost::json::object> get_item(const boost::json::object& r, Deadline d) { return call("GetItem", r, d); }
  Result<boost::json::object> put_item(const boost::json::object& r, Deadline d) { return call("PutItem", r, d); }
  Result<boost::json::object> update_item(const boost::json::object& r, Deadline d) { return call("UpdateItem", r, d); }
  Result<boost::json::object> delete_item(const boost::json::object& r, Deadline d) { return call("DeleteItem", r, d); }
  Result<boost::json::object> query(const boost::json::object& r, Deadline d) { return call("Query", r, d); }
  Result<boost::json::object> scan(const boost::json::object& r, Deadline d) { return call("Scan", r, d); }
  Result<boost::json::object> batch_get_item(const boost::json::object& r, Deadline d) { return call("BatchGetItem", r, d); }
  Result<boost::json::object> batch_write_item(const boost::json::object& r, Deadline d) { return call("BatchWriteItem", r, d); }
  Result<boost::json::object> transact_get_items(const boost::json::object& r, Deadline d) { return call("TransactGetItems", r, d); }
  Result<boost::json::object> transact_write_items(const boost::json::object& r, Deadline d) { return call("TransactWriteItems", r, d); }
  Result<boost::json::object> create_table(const boost::json::object& r, Deadline d) { return call("CreateTable", r, d); }
  Result<boost::json::object> describe_table(const boost::json::object& r, Deadline d) { return call("DescribeTable", r, d); }
  Result<boost::json::object> delete_table(const boost::json::object& r, Deadline d) { return call("DeleteTable", r, d); }
  Result<boost::json::object> update_time_to_live(const boost::json::object& r, Deadline d) { return call("UpdateTimeToLive", r, d); }
  Result<boost::json::object> list_tables(const boost::json::object& r, Deadline d) { return call("ListTables", r, d); }

  // BatchWriteItem / BatchGetItem until nothing is left unprocessed: UnprocessedItems and
  // UnprocessedKeys are sent again with backoff. The answer merges every round's Responses
  // (BatchGetItem) and ConsumedCapacity; what is still unprocessed when the deadline comes is
  // returned as "DynamoDB.Unprocessed" (status 503) with nothing lost silently.
  Result<boost::json::object> batch_write_item_all(const boost::json::object& request, Deadline deadline);
  Result<boost::json::object> batch_get_item_all(const boost::json::object& request, Deadline deadline);

  [[nodiscard]] const std::string& endpoint() const;
  [[nodiscard]] const std::string& region() const;

 private:
  struct Impl;
  explicit DynamoDbClient(std::unique_ptr<Impl> impl);
  Result<boost::json::object> call_transport(std::string_view operation, const boost::json::object& request, Deadline deadline);
  std::unique_ptr<Impl> impl_;
};

// DynamoDB's error answer (`{"__type": "...#Name", "message": "..."}`) as an Error with the
// code described above. ConditionalCheckFailed carries the returned `Item` (when the request
// asked for it) as the detail "Item"; TransactionCanceled carries one detail per reason that is
// not "None", named by its real index: "TransactItems[2]" with "Code: message", and
// "TransactItems[2].Item" when the reason returned the item. Never fails: an unreadable body
// gives kDynamoDbMalformedResponse.
Error parse_dynamodb_error(int http_status, std::string_view body);

struct CancellationReason {
  std::size_t index = 0;  // position in TransactItems
  std::string code{};     // "ConditionalCheckFailed", "TransactionConflict", ...
  std::string message{};
  std::optional<boost::json::object> item{};
};
// The reasons of a TransactionCanceled error, in index order (empty for other errors).
std::vector<CancellationReason> cancellation_reasons(const Error& error);
// The item returned with a ConditionalCheckFailed error (ReturnValuesOnConditionCheckFailure).
std::optional<boost::json::object> condition_failed_item(const Error& error);

// Waits for `table` to be usable after CreateTable: DescribeTable every 20 ms until its status is
// ACTIVE (true) or `deadline` passes (false). Local stores are ACTIVE at once or nearly (dynalite
// a moment later), DynamoDB in seconds. Errors: DescribeTable's.
Result<bool> wait_for_active_table(DynamoDbClient& client, std::string_view table, DynamoDbClient::Deadline deadline);

}  // namespace lift::aws
