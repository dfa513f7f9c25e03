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
//   DynamORM.ServerFault           500  the function cannot use its table: it is missing or being
//                                       deleted, the credentials are refused, the table name or
//                                       the key schema does not fit the model, an expression is
//                                       malformed, or DynamoDB answered an error no caller causes
//
// What DynamoDB refuses because of a caller's value stays the caller's: a ValidationException
// about an item or key too large, a number out of range, a set with duplicates, an empty key
// string or a starting key (a cursor) that does not fit is DynamORM.Validation (400); every
// other ValidationException is the function's own fault (ServerFault). A transaction conflict
// keeps its code with 409; DynamoDB's own failures (5xx, lost connections, timeouts) keep their
// code and status.
//
// Every error with a status of 500 or more is logged where it happens, as one JSON line on
// stderr naming the table, the operation and DynamoDB's code and message, and carries a generic
// message: an HTTP caller learns that the service failed, not how it is deployed.

#include <string_view>

#include "lift/core/result.hpp"

namespace lift::dynamorm {

inline constexpr std::string_view kItemNotFound = "DynamORM.ItemNotFound";
inline constexpr std::string_view kConditionFailed = "DynamORM.ConditionFailed";
inline constexpr std::string_view kTransactionCanceled = "DynamORM.TransactionCanceled";
inline constexpr std::string_view kValidation = "DynamORM.Validation";
inline constexpr std::string_view kThrottled = "DynamORM.Throttled";
inline constexpr std::string_view kTimeout = "DynamORM.Timeout";
inline constexpr std::string_view kServerFault = "DynamORM.ServerFault";

[[nodiscard]] Error validation_error(std::string message);
[[nodiscard]] Error item_not_found(std::string_view table);

// A DynamoDB client error translated to the codes above (details kept). `table` and
// `operation` name the call in the log line of a server-side fault.
[[nodiscard]] Error from_dynamodb_error(Error error, std::string_view table = {}, std::string_view operation = {});

}  // namespace lift::dynamorm
