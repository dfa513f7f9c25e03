#pragma once
// The embedded DynamoDB engine: DynamoDB's JSON protocol answered in-process, for local
// development (`LIFT_DYNAMODB_ENDPOINT=memory:`) and tests. It takes the body DynamoDB would
// receive for an operation and returns the status and body DynamoDB would send back: the same
// JSON shapes and the same `__type` error names
// (`com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`,
// `com.amazon.coral.validate#ValidationException`, ...), with DynamoDB's messages where known.
//
//   lift::dynamorm::MemoryEngine engine;
//   auto answer = engine.handle("GetItem", R"({"TableName":"todos","Key":{"PK":{"S":"a"}}})");
//   // answer.status == 200, answer.body == R"({"Item":{...}})" or "{}"
//
// With lift's DynamoDB client:
//
//   lift::aws::DynamoDbOptions options;
//   options.transport = lift::dynamorm::memory_transport();   // the process-wide engine
//   auto client = lift::aws::DynamoDbClient::create(std::move(options));
//
// Operations: CreateTable, DescribeTable, DeleteTable, ListTables, UpdateTimeToLive,
// DescribeTimeToLive, PutItem, GetItem, UpdateItem, DeleteItem, Query, Scan, BatchGetItem,
// BatchWriteItem, TransactWriteItems, TransactGetItems; any other answers
// UnknownOperationException. The expression languages are complete (conditions, filters, key
// conditions, updates, projections, placeholders); numbers are exact decimals of up to 38
// digits. Tables are ACTIVE as soon as they are created. The legacy parameters (Expected,
// AttributeUpdates, KeyConditions, QueryFilter, ScanFilter, ConditionalOperator) are refused
// with a ValidationException; AttributesToGet is accepted. Nothing is persisted.
//
// Thread safety: thread-safe; one mutex serialises the operations, so each is atomic
// (transactions included) when several workers share the engine.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace lift::dynamorm {

// What DynamoDB answers on the wire: the HTTP status and the JSON body.
struct EngineAnswer {
  int status = 200;
  std::string body;
};

struct EngineOptions {
  // The time TTL compares against; empty: the system clock. Tests pass a fake one.
  std::function<std::chrono::system_clock::time_point()> clock{};
  // Used in table and index ARNs.
  std::string region = "us-east-1";
  std::string account = "000000000000";
};

class MemoryEngine {
 public:
  MemoryEngine();
  explicit MemoryEngine(EngineOptions options);
  ~MemoryEngine();
  MemoryEngine(const MemoryEngine&) = delete;
  MemoryEngine& operator=(const MemoryEngine&) = delete;

  // Answers one operation ("PutItem") with its request body (DynamoDB JSON). Never throws for
  // any input: malformed JSON is a SerializationException, as DynamoDB answers it.
  EngineAnswer handle(std::string_view operation, std::string_view request_json);
  // The in-process path: the request as a JSON object; the answer as one (a 2xx status) or as
  // the error body's text (a JSON string; any other status). The same dispatch as handle(), and
  // the same values handle()'s text would parse to, without writing and reading that text.
  std::pair<int, boost::json::value> handle(std::string_view operation, const boost::json::object& request);

  // Drops every table.
  void clear();

 private:
  struct State;
  std::mutex mutex_;
  std::unique_ptr<State> state_;
};

// The engine of this process: what `LIFT_DYNAMODB_ENDPOINT=memory:` means. Created on first
// use; the only process-wide state of lift's DynamoDB support.
MemoryEngine& process_engine();

// A function answering DynamoDB calls in-process, the shape lift::aws::DynamoDbOptions::transport
// takes: (operation, request body) → (HTTP status, answer body).
using Transport = std::function<std::pair<int, std::string>(std::string_view operation, std::string_view request_json)>;

// Its in-process form, the shape lift::aws::DynamoDbOptions::object_transport takes.
using ObjectTransport = std::function<std::pair<int, boost::json::value>(std::string_view operation, const boost::json::object& request)>;

// A transport to the process-wide engine.
Transport memory_transport();
// The in-process transports (set beside the text one: the client then uses these).
ObjectTransport memory_object_transport();
ObjectTransport memory_object_transport(MemoryEngine& engine);
// memory_object_transport() when LIFT_DYNAMODB_ENDPOINT starts with "memory:", else empty.
ObjectTransport object_transport_from_environment();
// A transport to `engine`, which must outlive every client using it.
Transport memory_transport(MemoryEngine& engine);
// memory_transport() when LIFT_DYNAMODB_ENDPOINT starts with "memory:", else an empty function
// (the client then talks HTTP to its endpoint).
Transport transport_from_environment();

}  // namespace lift::dynamorm
