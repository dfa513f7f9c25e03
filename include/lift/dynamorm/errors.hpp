#pragma once
// DynamORM's error codes: what a caller of the mapper acts on, whatever the backend said.
//
//   DynamORM.ItemNotFound          404  get/update/delete of a key that holds no item (for a
//                                       tenant-scoped table: no item of that tenant)
//   DynamORM.ConditionFailed       409  a condition did not hold: if_not_exists on an existing
//                                       item, a stale version, a caller's condition
//   DynamORM.TransactionCanceled   409  details name each failed operation by its real index:
//                                       {"TransactItems[2]", "ConditionalCheckFailed: ..."}
//   DynamORM.Validation            400  the request cannot be made: bad model, bad value,
//                                       missing key, unusable cursor, DynamoDB's validation
//   DynamORM.Throttled             429  throughput exceeded after the client's retries
//   DynamORM.Timeout               504  create_table: the table was not ACTIVE by the deadline
//
// Anything else keeps the DynamoDB client's code ("DynamoDB.ResourceNotFound", ...).

#include <string_view>

#include "lift/core/result.hpp"

namespace lift::dynamorm {

inline constexpr std::string_view kItemNotFound = "DynamORM.ItemNotFound";
inline constexpr std::string_view kConditionFailed = "DynamORM.ConditionFailed";
inline constexpr std::string_view kTransactionCanceled = "DynamORM.TransactionCanceled";
inline constexpr std::string_view kValidation = "DynamORM.Validation";
inline constexpr std::string_view kThrottled = "DynamORM.Throttled";
inline constexpr std::string_view kTimeout = "DynamORM.Timeout";

[[nodiscard]] Error validation_error(std::string message);
[[nodiscard]] Error item_not_found(std::string_view table);

// A DynamoDB client error translated to the codes above (details kept).
[[nodiscard]] Error from_dynamodb_error(Error error);

}  // namespace lift::dynamorm
