#include "lift/app/errors.hpp"

#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace lift::errors {

namespace {
Error make(const char* code, std::string message, int status, std::vector<ErrorDetail> details = {}) {
  return Error{code, std::move(message), status, std::move(details)};
}
}  // namespace

Error bad_request(std::string message) { return make("BadRequest", std::move(message), 400); }
Error unauthorized(std::string message) { return make("Unauthorized", std::move(message), 401); }
Error forbidden(std::string message) { return make("Forbidden", std::move(message), 403); }
Error not_found(std::string message) { return make("NotFound", std::move(message), 404); }
Error conflict(std::string message) { return make("Conflict", std::move(message), 409); }
Error payload_too_large(std::string message) { return make("PayloadTooLarge", std::move(message), 413); }
Error unsupported_media_type(std::string message) { return make("UnsupportedMediaType", std::move(message), 415); }
Error unprocessable(std::string message, std::vector<ErrorDetail> details) {
  return make("ValidationFailed", std::move(message), 422, std::move(details));
}
Error too_many_requests(std::string message) { return make("TooManyRequests", std::move(message), 429); }
Error internal(std::string message) { return make("InternalError", std::move(message), 500); }
Error unavailable(std::string message) { return make("ServiceUnavailable", std::move(message), 503); }
Error timeout(std::string message) { return make("Timeout", std::move(message), 504); }

std::string error_body(const Error& error, std::string_view request_id) {
  boost::json::object inner;
  inner.reserve(4);
  inner.emplace("code", error.code);
  inner.emplace("message", error.message);
  inner.emplace("request_id", request_id);
  if (!error.details.empty()) {
    boost::json::array details;
    details.reserve(error.details.size());
    for (const auto& d : error.details) {
      boost::json::object item;
      item.emplace("field", d.field);
      item.emplace("message", d.message);
      details.emplace_back(std::move(item));
    }
    inner.emplace("details", std::move(details));
  }
  boost::json::object body;
  body.emplace("error", std::move(inner));
  return boost::json::serialize(body);
}

}  // namespace lift::errors
