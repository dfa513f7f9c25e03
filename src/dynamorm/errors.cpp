#include "lift/dynamorm/errors.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <utility>

#include "lift/aws/dynamodb.hpp"
#include "lift/core/json_text.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::dynamorm {

Error validation_error(std::string message) { return Error{std::string(kValidation), std::move(message), 400}; }

Error item_not_found(std::string_view table) {
  return Error{std::string(kItemNotFound), "no such item in " + std::string(table), 404};
}

namespace {

// DynamoDB's ValidationException covers both a caller's value it cannot store and requests the
// function got wrong; these phrases (DynamoDB's, dynalite's and the embedded engine's) are the
// former.
bool about_a_value(std::string_view message) {
  static constexpr std::array<std::string_view, 10> kPhrases = {
      "Item size has exceeded",        "Item size to update has exceeded", "Size of hashkey has exceeded",
      "range keys has exceeded",       "Nesting Levels have exceeded",     "Number overflow",
      "Number underflow",              "significant digits",               "starting key",
      "contains duplicates",
  };
  for (const auto phrase : kPhrases)
    if (message.find(phrase) != std::string_view::npos) return true;
  return message.find("empty string value") != std::string_view::npos;
}

void log_fault(const Error& error, std::string_view table, std::string_view operation) {
  std::string line = R"({"level":"ERROR","message":"DynamoDB call failed")";
  const auto field = [&line](std::string_view name, std::string_view value) {
    if (value.empty()) return;
    line += ",\"";
    line += name;
    line += "\":";
    append_json_string(line, value, InvalidUtf8::replace);
  };
  field("table", table);
  field("operation", operation);
  field("error_code", error.code);
  field("error", error.message);
  line += "}\n";
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write per line
}

}  // namespace

Error from_dynamodb_error(Error error, std::string_view table, std::string_view operation) {
  if (error.code == aws::kDynamoDbConditionalCheckFailed) {
    error.code = kConditionFailed;
    error.status = 409;
    return error;
  }
  if (error.code == aws::kDynamoDbTransactionCanceled) {
    error.code = kTransactionCanceled;
    error.status = 409;
    return error;
  }
  if (error.code == aws::kDynamoDbThroughputExceeded || error.code == aws::kDynamoDbThrottling ||
      error.code == "DynamoDB.RequestLimitExceeded") {
    error.code = kThrottled;
    error.status = 429;
    return error;
  }
  if (error.code == "DynamoDB.TransactionConflict") {
    error.status = 409;
    return error;
  }
  if (error.code == aws::kDynamoDbValidation && about_a_value(error.message)) {
    error.code = kValidation;
    error.status = 400;
    return error;
  }
  // The client's breaker refused the call: DynamoDB has been failing and was not asked. Said
  // once by the breaker's own log line, not again per refused call.
  if (error.code == resilience::kCircuitOpen) {
    error.message = "the data store is unavailable right now";
    error.details.clear();
    return error;
  }
  // Whatever else DynamoDB refuses with a 4xx, no caller of the function caused.
  if (error.status < 500) {
    log_fault(error, table, operation);
    return Error{std::string(kServerFault), "the data store could not serve the request", 500};
  }
  log_fault(error, table, operation);
  error.message = "the data store failed";
  error.details.clear();
  return error;
}

}  // namespace lift::dynamorm
