#pragma once
// Partial batch responses for SQS, Kinesis and DynamoDB Streams: the records a handler could
// not process, so that Lambda retries those alone (the function's event source mapping must
// have ReportBatchItemFailures enabled).
//
//   lift::events::BatchItemFailures failures;
//   for (const auto& m : event.Records) if (!handle(m)) failures.add(m.messageId);
//   return failures;   // {"batchItemFailures":[{"itemIdentifier":"..."}]}
//
// The identifier is the SQS messageId, the Kinesis kinesis.sequenceNumber or the DynamoDB
// dynamodb.SequenceNumber. An empty list means the whole batch succeeded. For Kinesis and
// DynamoDB Streams Lambda restarts from the lowest reported sequence number, and for a FIFO
// queue every message after a failed one must be reported too, to keep the order.

#include <string>
#include <vector>

#include "lift/json/convert.hpp"

namespace lift::events {

struct BatchItemFailure {
  std::string itemIdentifier;

  friend bool operator==(const BatchItemFailure&, const BatchItemFailure&) = default;
};
BOOST_DESCRIBE_STRUCT(BatchItemFailure, (), (itemIdentifier))

struct BatchItemFailures {
  std::vector<BatchItemFailure> batchItemFailures;

  void add(std::string item_identifier) { batchItemFailures.push_back(BatchItemFailure{std::move(item_identifier)}); }
  [[nodiscard]] bool empty() const noexcept { return batchItemFailures.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return batchItemFailures.size(); }

  friend bool operator==(const BatchItemFailures&, const BatchItemFailures&) = default;
};
BOOST_DESCRIBE_STRUCT(BatchItemFailures, (), (batchItemFailures))

}  // namespace lift::events
