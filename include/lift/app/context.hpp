#pragma once
// lift::Context: everything a handler and its middleware see for one request or event — the
// request, the response being built, the Lambda invocation, the matched route and values
// middleware pass along. One Context per invocation, never shared between threads.

#include <any>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <boost/json/value.hpp>

#include "lift/events/detect.hpp"
#include "lift/http/message.hpp"
#include "lift/runtime/context.hpp"

namespace lift {

namespace aws {
class DynamoDbClient;
}
class ResponseWriter;
namespace detail {
struct ContextAccess;
}

class Context {
 public:
  // `invocation` may be null (in-process tests, the local dev server): then the request id
  // comes from the request and the deadline is unbounded.
  explicit Context(http::Request request, const runtime::InvocationContext* invocation = nullptr);

  // The request. Middleware may rewrite it (e.g. normalise a header) before routing.
  [[nodiscard]] const http::Request& request() const noexcept { return request_; }
  [[nodiscard]] http::Request& request() noexcept { return request_; }
  [[nodiscard]] std::string_view method() const noexcept { return request_.method; }
  [[nodiscard]] std::string_view path() const noexcept { return request_.path; }
  [[nodiscard]] std::string_view body() const noexcept { return request_.body; }
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept { return request_.headers.get(name); }
  [[nodiscard]] std::optional<std::string_view> query(std::string_view name) const noexcept { return request_.query.get(name); }
  [[nodiscard]] std::optional<std::string_view> param(std::string_view name) const noexcept { return request_.params.get(name); }
  [[nodiscard]] std::optional<std::string_view> cookie(std::string_view name) const noexcept { return request_.cookies.get(name); }

  // The response being built. Handlers usually return a value instead; middleware reads and
  // amends it on the way out.
  [[nodiscard]] http::Response& response() noexcept { return response_; }
  [[nodiscard]] const http::Response& response() const noexcept { return response_; }
  Context& status(int code) noexcept {
    response_.status = code;
    return *this;
  }
  Context& set_header(std::string_view name, std::string_view value) {
    response_.headers.set(name, value);
    return *this;
  }
  Context& add_cookie(std::string set_cookie) {
    response_.cookies.push_back(std::move(set_cookie));
    return *this;
  }
  // Answers now: middleware that calls respond() and returns without calling next() ends the
  // chain early (a CORS preflight, a cached answer, a rejected request).
  void respond(http::Response response) {
    response_ = std::move(response);
    responded_ = true;
  }
  [[nodiscard]] bool responded() const noexcept { return responded_; }

  // Whether the matched route streams its answer (lift::stream, lift/app/stream.hpp). Its
  // status, headers and cookies leave when the handler first writes: middleware that adds
  // headers does so before calling next() for such a route, and what rewrites the body
  // (compression, an ETag) leaves it alone.
  [[nodiscard]] bool streaming() const noexcept { return writer_ != nullptr; }
  // Whether the status and headers of a streamed answer have been sent already (changing
  // ctx.response() then changes nothing for the client).
  [[nodiscard]] bool response_started() const noexcept;

  // The Lambda invocation: request id, deadline, ARN, trace id, tenant id.
  [[nodiscard]] const runtime::InvocationContext& invocation() const noexcept;
  [[nodiscard]] bool has_invocation() const noexcept { return invocation_ != nullptr; }
  // The request's id: the one middleware chose with set_request_id (mw::request_id does),
  // else the Lambda request id when invoked by Lambda, else the API Gateway request id.
  [[nodiscard]] std::string_view request_id() const noexcept;
  void set_request_id(std::string_view id) { request_id_.assign(id); }
  // Time left before Lambda stops the invocation (a day when there is no deadline).
  [[nodiscard]] std::chrono::milliseconds remaining_time() const;

  // The process's DynamoDB client: lift::dynamodb() (lift/app/database.hpp: one per process,
  // configured by LIFT_DYNAMODB_ENDPOINT).
  [[nodiscard]] aws::DynamoDbClient& db() const;

  // The route pattern that matched ("/todos/:id"), empty before routing or when none did.
  [[nodiscard]] std::string_view route() const noexcept { return route_; }

  // The kind of event being handled and its JSON (null for requests built in code). HTTP API
  // events are read without a DOM; their JSON is parsed here on first use.
  [[nodiscard]] events::Kind kind() const noexcept { return kind_; }
  [[nodiscard]] const boost::json::value& event() const;

  // The record being handled by a per-record event handler (an SQS message, an S3 or
  // DynamoDB record, ... as JSON) and its position in the event's records; null and 0
  // outside per-record handling (HTTP requests, whole-batch handlers).
  [[nodiscard]] const boost::json::value& record() const noexcept;
  [[nodiscard]] std::size_t record_index() const noexcept { return record_index_; }
  // The same record typed, as its source's descriptor reads it (events::SqsMessage,
  // events::S3Record, events::AppSyncResolverEvent, ...); null when the record is not an R.
  template <class R>
  [[nodiscard]] const R* record() const noexcept {
    return typed_record_type_ != nullptr && *typed_record_type_ == typeid(R) ? static_cast<const R*>(typed_record_) : nullptr;
  }

  // Values middleware hands to handlers (the principal, a tenant, a started timer), by key.
  template <class T>
  void set(std::string_view key, T value) {
    for (auto& [k, v] : values_) {
      if (k == key) {
        v = std::move(value);
        return;
      }
    }
    values_.emplace_back(std::string(key), std::any(std::move(value)));
  }
  // The value stored under `key` if it has type T, else null.
  template <class T>
  [[nodiscard]] const T* get(std::string_view key) const noexcept {
    for (const auto& [k, v] : values_) {
      if (k == key) return std::any_cast<T>(&v);
    }
    return nullptr;
  }
  template <class T>
  [[nodiscard]] T* get(std::string_view key) noexcept {
    for (auto& [k, v] : values_) {
      if (k == key) return std::any_cast<T>(&v);
    }
    return nullptr;
  }

  // Values keyed by their type: one of each type per request, no name to agree on.
  //   ctx.set(Tenant{"acme"});  ...  if (const auto* tenant = ctx.get<Tenant>()) ...
  template <class T>
  void set(T value) {
    for (auto& v : typed_values_) {
      if (v.type() == typeid(T)) {
        v = std::move(value);
        return;
      }
    }
    typed_values_.emplace_back(std::move(value));
  }
  template <class T>
  [[nodiscard]] const T* get() const noexcept {
    for (const auto& v : typed_values_) {
      if (const auto* found = std::any_cast<T>(&v)) return found;
    }
    return nullptr;
  }
  template <class T>
  [[nodiscard]] T* get() noexcept {
    for (auto& v : typed_values_) {
      if (auto* found = std::any_cast<T>(&v)) return found;
    }
    return nullptr;
  }

 private:
  // The app's dispatch sets what it found: the event, the record, the route
  // (src/app/context_access.hpp).
  friend struct detail::ContextAccess;

  http::Request request_;
  http::Response response_;
  const runtime::InvocationContext* invocation_ = nullptr;
  const boost::json::value* event_ = nullptr;
  std::string_view event_text_;
  const boost::json::value* record_ = nullptr;
  std::size_t record_index_ = 0;
  const void* typed_record_ = nullptr;
  const std::type_info* typed_record_type_ = nullptr;
  mutable std::optional<boost::json::value> parsed_event_;  // event() of event_text_, once asked
  events::Kind kind_{};
  std::string_view route_;
  std::string request_id_;  // set_request_id's
  bool responded_ = false;
  ResponseWriter* writer_ = nullptr;  // the streaming route's, while it runs
  // Inline: the few values middleware sets per request cost no allocation of their own.
  boost::container::small_vector<std::pair<std::string, std::any>, 4> values_;
  boost::container::small_vector<std::any, 2> typed_values_;
};

}  // namespace lift
