#pragma once
// The one error model: every failure a caller sees is a lift::Error rendered as
//   {"error":{"code":"NotFound","message":"...","request_id":"...","details":[...]}}
// with the error's HTTP status. These helpers name the common ones.

#include <string>
#include <vector>

#include "lift/core/result.hpp"

namespace lift::errors {

Error bad_request(std::string message);                        // 400 BadRequest
Error unauthorized(std::string message = "authentication required");  // 401 Unauthorized
Error forbidden(std::string message = "forbidden");           // 403 Forbidden
Error not_found(std::string message = "not found");           // 404 NotFound
Error conflict(std::string message);                           // 409 Conflict
Error payload_too_large(std::string message);                  // 413 PayloadTooLarge
Error unsupported_media_type(std::string message);             // 415 UnsupportedMediaType
Error unprocessable(std::string message, std::vector<ErrorDetail> details = {});  // 422 ValidationFailed
Error too_many_requests(std::string message = "too many requests");  // 429 TooManyRequests
Error internal(std::string message = "internal error");        // 500 InternalError
Error unavailable(std::string message = "service unavailable");  // 503 ServiceUnavailable
Error timeout(std::string message = "the request timed out");   // 504 Timeout

// The JSON error body for `error` (the shape above; `details` only when there are some).
std::string error_body(const Error& error, std::string_view request_id);

}  // namespace lift::errors
