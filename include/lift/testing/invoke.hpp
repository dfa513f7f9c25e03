#pragma once
// Invoking a lift::App in a test, in-process, the way Lambda and API Gateway would: the event
// goes through the same adapters, middleware and router as in the function (target
// lift::testing).
//
//   const lift::App app = make_app();
//   auto created = lift::testing::http(app).post("/orders", {{"item", "tea"}, {"quantity", 2}});
//   EXPECT_EQ(created.status, 201);
//   EXPECT_EQ(created.json().at("status"), "new");
//   EXPECT_EQ(lift::testing::http(app).get("/orders/nope").status, 404);
//
//   // any event: a file (`lift events generate sqs --body '{...}' > events/orders.json`) or
//   // JSON written in the test
//   auto answer = lift::testing::invoke(app, lift::testing::read_event("events/orders.json"));
//   ASSERT_TRUE(answer) << answer.error().message;  // what the function reports to Lambda
//   EXPECT_TRUE(answer->json().at("batchItemFailures").as_array().empty());

#include <chrono>
#include <concepts>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/json/value_ref.hpp>

#include "lift/app/app.hpp"
#include "lift/core/result.hpp"
#include "lift/http/fields.hpp"
#include "lift/json/convert.hpp"
#include "lift/runtime/context.hpp"

namespace lift::testing {

// What an invocation carries besides its event.
struct InvocationOptions {
  std::string request_id = "8f5c3d2e-1b4a-4c6d-9e8f-7a6b5c4d3e2f";
  // The deadline, from the moment the invocation is made.
  std::chrono::milliseconds time_left{3000};
  std::string tenant_id{};  // Lambda's tenant isolation mode
};

// A Lambda invocation of an event (a JSON value, or its text).
runtime::Invocation invocation(std::string payload, const InvocationOptions& options = {});
runtime::Invocation invocation(const boost::json::value& event, const InvocationOptions& options = {});
// Text, not a JSON string value (the two overloads above would be ambiguous).
inline runtime::Invocation invocation(const char* payload, const InvocationOptions& options = {}) {
  return invocation(std::string(payload), options);
}

// The event in a JSON file: a project's events/ folder, `lift events generate ... > FILE`.
// Throws std::runtime_error naming the file when it cannot be read or is not JSON.
boost::json::value read_event(const std::filesystem::path& file);

// An HTTP response, as API Gateway reads the function's answer.
struct HttpResponse {
  int status = 0;
  // Case-insensitive (headers.get("content-type")); cookies as Set-Cookie headers.
  http::Headers headers{};
  std::string body{};
  // Why API Gateway could not make a response of the answer (then status is 502), or the error
  // the invocation failed with: the text a failed assertion should show.
  std::string problem{};

  // The body as JSON; throws std::runtime_error quoting the body when it is not JSON.
  [[nodiscard]] boost::json::value json() const;
};

// The function's answer to one invocation.
struct Answer {
  std::string body{};
  std::string content_type{};  // empty: application/json

  // The body as JSON; throws std::runtime_error quoting the body when it is not JSON.
  [[nodiscard]] boost::json::value json() const;
  // The answer to an HTTP source's event read as API Gateway's HTTP API reads it.
  [[nodiscard]] HttpResponse http() const;
  // The itemIdentifiers of the answer's batchItemFailures (SQS messageIds, stream sequence
  // numbers; an identifier that is not a string as its JSON text). Empty when none failed.
  [[nodiscard]] std::vector<std::string> failed_items() const;
};

// Invokes the app as Lambda would. The error is what the function reports to Lambda instead
// of an answer (UnsupportedEvent, BatchProcessingFailed when every record of a batch failed, ...).
Result<Answer> invoke(const App& app, const runtime::Invocation& invocation);
Result<Answer> invoke(const App& app, const boost::json::value& event, const InvocationOptions& options = {});

// Invokes the app with an HTTP source's event (API Gateway, function URL, ALB, WebSocket) and
// reads the answer as API Gateway would; a failed invocation is the 502 API Gateway answers,
// with the error in `problem`.
HttpResponse invoke_http(const App& app, const boost::json::value& event, const InvocationOptions& options = {});

// A request body, sent as JSON (content-type application/json): JSON text as it is, or a value
// written as JSON: post("/orders", {{"item", "tea"}, {"quantity", 2}}), post("/orders", order)
// for a described struct, post("/orders", R"({"item":"tea"})").
class JsonBody {
 public:
  JsonBody(const char* text) : text_(text) {}                 // NOLINT: implicit by design
  JsonBody(std::string text) : text_(std::move(text)) {}      // NOLINT
  JsonBody(std::string_view text) : text_(text) {}            // NOLINT
  JsonBody(std::initializer_list<boost::json::value_ref> init);  // NOLINT
  template <class T>
    requires(!std::convertible_to<const T&, std::string_view>)
  JsonBody(const T& value) : text_(lift::json::serialize(value)) {}  // NOLINT

  [[nodiscard]] const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
};

// Which API Gateway event an HTTP request becomes.
enum class Api {
  http,  // HTTP API, payload format 2.0 (also what Function URLs send)
  rest,  // REST API, payload format 1.0, a `/{proxy+}` resource
};

// HTTP requests to an App, each made into the event API Gateway would send (headers, query,
// cookies, body; binary bodies base64-encoded) and the answer read back as API Gateway reads it.
// Targets are paths with an optional query, percent-encoded as on the wire: "/orders?limit=10".
// Thread safety: a value bound to a frozen App; calls only read it, so threads may each use their
// own Http (or share one) to drive the App concurrently.
class Http {
 public:
  explicit Http(const App& app, Api api = Api::http) : app_(&app), api_(api) {}

  // A header sent with every request from now on ("authorization", "Bearer ...").
  Http& header(std::string name, std::string value);
  // The request id, deadline and tenant of the invocations from now on.
  Http& with(InvocationOptions options);

  [[nodiscard]] HttpResponse get(std::string_view target) const { return request("GET", target); }
  [[nodiscard]] HttpResponse head(std::string_view target) const { return request("HEAD", target); }
  [[nodiscard]] HttpResponse remove(std::string_view target) const { return request("DELETE", target); }  // DELETE
  [[nodiscard]] HttpResponse post(std::string_view target, const JsonBody& body) const { return send("POST", target, body); }
  [[nodiscard]] HttpResponse put(std::string_view target, const JsonBody& body) const { return send("PUT", target, body); }
  [[nodiscard]] HttpResponse patch(std::string_view target, const JsonBody& body) const { return send("PATCH", target, body); }

  // Any method, with a body of any content type (none when both are empty) and headers for
  // this request only.
  [[nodiscard]] HttpResponse request(std::string_view method, std::string_view target, std::string body = {},
                                     std::string content_type = {},
                                     std::vector<std::pair<std::string, std::string>> headers = {}) const;

  // The event a request becomes, for tests that want to change it before invoking.
  [[nodiscard]] boost::json::value event(std::string_view method, std::string_view target, std::string body = {},
                                         std::string content_type = {},
                                         std::vector<std::pair<std::string, std::string>> headers = {}) const;

 private:
  [[nodiscard]] HttpResponse send(std::string_view method, std::string_view target, const JsonBody& body) const {
    return request(method, target, body.text(), "application/json");
  }

  const App* app_;
  Api api_;
  std::vector<std::pair<std::string, std::string>> headers_{};
  InvocationOptions options_{};
};

// http(app).post("/orders", {...}): HTTP requests to the app as an API Gateway HTTP API (or
// REST API) would make them.
inline Http http(const App& app, Api api = Api::http) { return Http(app, api); }

}  // namespace lift::testing
