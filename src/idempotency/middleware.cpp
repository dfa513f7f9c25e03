// Idempotent HTTP routes and event records over Idempotency::run.

#include "lift/idempotency/middleware.hpp"

#include <memory>
#include <string>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/utf8.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::idempotency {

namespace {

const boost::json::value* at_pointer(const boost::json::value& root, std::string_view pointer) {
  boost::system::error_code ec;
  const auto* found = root.find_pointer(pointer, ec);
  return ec ? nullptr : found;
}

// The values at the pointers (one: the value itself; several: an array); null when none is there.
boost::json::value select(const boost::json::value& root, const std::vector<std::string>& pointers) {
  if (pointers.size() == 1) {
    const auto* found = at_pointer(root, pointers.front());
    return found != nullptr ? *found : boost::json::value();
  }
  boost::json::array values;
  bool any = false;
  for (const auto& pointer : pointers) {
    const auto* found = at_pointer(root, pointer);
    any = any || (found != nullptr && !found->is_null());
    values.push_back(found != nullptr ? *found : boost::json::value());
  }
  return any ? boost::json::value(std::move(values)) : boost::json::value();
}

boost::json::value parse_or_null(std::string_view text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  return ec ? boost::json::value() : value;
}

bool is_safe_method(std::string_view method) { return method == "GET" || method == "HEAD" || method == "OPTIONS"; }

// An answer as stored: API Gateway's proxy answer shape, so that it reads as one in the table.
std::string stored_answer(const http::Response& response) {
  boost::json::object headers;
  boost::json::object multi;
  for (const auto& [name, value] : response.headers) {
    if (auto* existing = headers.if_contains(name)) {
      auto& list = multi[name];
      if (list.is_null()) list = boost::json::array{*existing};
      list.as_array().push_back(boost::json::string(value));
    } else {
      headers[name] = value;
    }
  }
  for (const auto& [name, values] : multi) headers.erase(name);
  const bool base64_body = response.binary || !valid_utf8(response.body);
  boost::json::object answer{
      {"statusCode", response.status},
      {"headers", std::move(headers)},
      {"body", base64_body ? base64::encode(response.body) : response.body},
      {"isBase64Encoded", base64_body},
  };
  if (!multi.empty()) answer["multiValueHeaders"] = std::move(multi);
  if (!response.cookies.empty()) {
    boost::json::array cookies;
    for (const auto& cookie : response.cookies) cookies.emplace_back(cookie);
    answer["cookies"] = std::move(cookies);
  }
  return boost::json::serialize(answer);
}

Error damaged_answer(std::string message) {
  return Error{std::string(kStoreError), "damaged idempotency record: " + std::move(message), 500};
}

Result<http::Response> replayed_answer(std::string_view data) {
  const auto value = parse_or_null(data);
  const auto* answer = value.if_object();
  if (answer == nullptr) return damaged_answer("the stored answer is not a JSON object");
  http::Response response;
  const auto* status = answer->if_contains("statusCode");
  if (status == nullptr || !status->is_int64() || status->get_int64() < 100 || status->get_int64() > 599)
    return damaged_answer("the stored answer has no status");
  response.status = static_cast<int>(status->get_int64());
  if (const auto* headers = answer->if_contains("headers"); headers != nullptr && headers->is_object()) {
    for (const auto& [name, v] : headers->get_object())
      if (v.is_string()) response.headers.add(name, v.get_string());
  }
  if (const auto* multi = answer->if_contains("multiValueHeaders"); multi != nullptr && multi->is_object()) {
    for (const auto& [name, list] : multi->get_object()) {
      if (!list.is_array()) continue;
      for (const auto& v : list.get_array())
        if (v.is_string()) response.headers.add(name, v.get_string());
    }
  }
  if (const auto* cookies = answer->if_contains("cookies"); cookies != nullptr && cookies->is_array()) {
    for (const auto& v : cookies->get_array())
      if (v.is_string()) response.cookies.emplace_back(v.get_string());
  }
  const auto* body = answer->if_contains("body");
  if (body == nullptr || !body->is_string()) return damaged_answer("the stored answer has no body");
  const auto* encoded = answer->if_contains("isBase64Encoded");
  if (encoded != nullptr && encoded->is_bool() && encoded->get_bool()) {
    auto bytes = base64::decode(body->get_string());
    if (!bytes) return damaged_answer("the stored body is not base64");
    response.body = std::move(*bytes);
    response.binary = true;
  } else {
    response.body = body->get_string();
  }
  return response;
}

// A failed Idempotency::run as the caller sees it: Retry-After for a key in progress.
Result<void> refuse(Context& ctx, Error error) {
  if (error.code == kInProgress) {
    std::string seconds = "1";
    for (const auto& detail : error.details)
      if (detail.field == kRetryAfterDetail) seconds = detail.message;
    ctx.set_header("retry-after", seconds);
  }
  return error;
}

// The key as text the caller chose: a header.
boost::json::value text_key(std::string_view text) { return boost::json::value(boost::json::string_view(text.data(), text.size())); }

struct Route {
  Idempotency idempotency;
  RouteOptions options;

  Result<void> http(Context& ctx, const Next& next) const {
    if (is_safe_method(ctx.method()) || ctx.streaming()) return next();
    boost::json::value key;
    const boost::json::value body = parse_or_null(ctx.body());
    if (!options.key_pointers.empty()) {
      key = select(body, options.key_pointers);
    } else if (auto header = ctx.header(options.header); header && !header->empty()) {
      key = text_key(*header);
    }
    if (!key.is_null() && options.caller) {
      auto caller = options.caller(ctx);
      if (!caller) return std::move(caller).error();
      key = boost::json::array{boost::json::string(*caller), std::move(key)};
    }
    if (key.is_null()) {
      if (!options.require_key) return next();
      const std::string what = options.key_pointers.empty() ? "the " + options.header + " header" : "a key in the body";
      return Error{std::string(kMissingKey), "this route is idempotent: the request needs " + what, 400};
    }
    boost::json::value payload;
    if (options.validate_payload) {
      payload = boost::json::object{{"path", ctx.path()},
                                    {"body", body.is_null() && !ctx.body().empty() ? text_key(ctx.body()) : body}};
    }
    const std::string scope = options.scope.empty() ? std::string(ctx.method()) + " " + std::string(ctx.route()) : options.scope;

    bool ran = false;
    Result<void> outcome;
    auto answer = idempotency.run(scope, key, options.validate_payload ? &payload : nullptr, [&]() -> Result<std::string> {
      ran = true;
      outcome = next();
      if (!outcome) return outcome.error();
      const int status = ctx.response().status;
      if (status < 200 || status > 299) return Error{"NotStored", "a non-2xx answer is not kept", status};
      return stored_answer(ctx.response());
    });
    if (ran) return outcome;  // the handler's own outcome, stored or not
    if (!answer) return refuse(ctx, std::move(answer).error());
    auto response = replayed_answer(answer->data);
    if (!response) return std::move(response).error();
    response->headers.set(kReplayHeader, "true");
    ctx.respond(std::move(*response));
    return {};
  }

  Result<void> record(Context& ctx, const Next& next) const {
    const auto& record = ctx.record();
    boost::json::value key;
    if (!options.key_pointers.empty()) {
      key = select(record, options.key_pointers);
    } else if (const auto* object = record.if_object()) {
      if (const auto* id = object->if_contains("messageId"); id != nullptr && id->is_string()) {
        key = *id;
      } else if (const auto* event_id = object->if_contains("eventID"); event_id != nullptr && event_id->is_string()) {
        key = *event_id;
      } else {
        key = record;
      }
    }
    if (key.is_null()) {
      if (!options.require_key) return next();
      return Error{std::string(kMissingKey), "this record has no idempotency key", 400};
    }
    std::string scope = options.scope;
    if (scope.empty()) {
      scope = std::string(ctx.kind().name());
      if (!ctx.route().empty()) (scope += ' ') += ctx.route();
    }
    bool ran = false;
    Result<void> outcome;
    auto answer = idempotency.run(scope, key, nullptr, [&]() -> Result<std::string> {
      ran = true;
      outcome = next();
      if (!outcome) return outcome.error();
      return std::string("null");
    });
    if (ran) return outcome;
    if (!answer) return std::move(answer).error();
    return {};  // done before: skipped
  }
};

}  // namespace

Result<Middleware> make_middleware(Idempotency idempotency, RouteOptions options) {
  constexpr std::string_view what = "idempotency middleware";
  if (options.header.empty() && options.key_pointers.empty()) return resilience::invalid_configuration(what, "header", "is empty");
  for (const auto& pointer : options.key_pointers) {
    if (!pointer.empty() && pointer.front() != '/')
      return resilience::invalid_configuration(what, "key_pointers", "holds \"" + pointer + "\", which is not a JSON Pointer (\"/order/id\")");
  }
  auto route = std::make_shared<const Route>(Route{std::move(idempotency), std::move(options)});
  return Middleware([route](Context& ctx, const Next& next) -> Result<void> {
    if (!ctx.record().is_null()) return route->record(ctx, next);
    if (ctx.method().empty()) return next();  // a whole event (on_event, a batch handler): no single key
    return route->http(ctx, next);
  });
}

Middleware middleware(Idempotency idempotency, RouteOptions options) {
  auto made = make_middleware(std::move(idempotency), std::move(options));
  if (!made) throw made.error();
  return std::move(*made);
}

}  // namespace lift::idempotency
