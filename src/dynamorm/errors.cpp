#include "lift/dynamorm/errors.hpp"

#include <string>
#include <utility>

#include "lift/aws/dynamodb.hpp"

namespace lift::dynamorm {

Error validation_error(std::string message) { return Error{std::string(kValidation), std::move(message), 400}; }

Error item_not_found(std::string_view table) {
  return Error{std::string(kItemNotFound), "no such item in " + std::string(table), 404};
}

Error from_dynamodb_error(Error error) {
  if (error.code == aws::kDynamoDbConditionalCheckFailed) {
    error.code = kConditionFailed;
    error.status = 409;
  } else if (error.code == aws::kDynamoDbTransactionCanceled) {
    error.code = kTransactionCanceled;
    error.status = 409;
  } else if (error.code == aws::kDynamoDbThroughputExceeded || error.code == aws::kDynamoDbThrottling ||
             error.code == "DynamoDB.RequestLimitExceeded") {
    error.code = kThrottled;
    error.status = 429;
  } else if (error.code == aws::kDynamoDbValidation) {
    error.code = kValidation;
    error.status = 400;
  }
  return error;
}

}  // namespace lift::dynamorm
