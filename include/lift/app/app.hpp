#pragma once
// lift::App: routes, middleware and the dispatch of a Lambda invocation to them.
//
//   lift::App app;
//   app.use(lift::mw::recover());
//   app.get("/hello", [](lift::Context& ctx) { return Greeting{"hello"}; });
//   auto api = app.group("/api");
//   api.use(require_auth);
//   api.post("/todos", create_todo);
//   return lift::run(app);
//
// Routes and middleware are registered at init; the first dispatch freezes the app (a
// registration after that is an error) and from then on it is safe to dispatch from several
// threads at once. Registration mistakes (a malformed pattern, a duplicate route) are
// collected rather than thrown: lift::run reports them to Lambda as an init error, and tests
// can ask check().

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "lift/app/context.hpp"
#include "lift/app/event_routes.hpp"
#include "lift/app/handler.hpp"
#include "lift/app/middleware.hpp"
#include "lift/core/result.hpp"
#include "lift/http/message.hpp"
#include "lift/runtime/context.hpp"
#include "lift/runtime/runtime.hpp"

namespace lift {

class App;

// Renders an error that reached the top into the response (the default writes the one error
// body shape). It may read ctx (the request, the route) and keep headers already set.
using ErrorRenderer = std::function<void(Context&, const Error&)>;

// Handles an event no typed event route takes (see App::on_event).
using EventHandler = std::function<Result<boost::json::value>(Context&, const boost::json::value&)>;

// Title and version of the generated OpenAPI document.
struct OpenApiInfo {
  std::string title = "lift function";
  std::string version = "1.0.0";
  std::string description{};
};

// Routes under a common prefix with their own middleware (which run inside the app's).
class Group {
 public:
  Group& use(Middleware middleware);
  template <class... M>
    requires(sizeof...(M) > 1)
  Group& use(M&&... middleware) {
    (use(Middleware(std::forward<M>(middleware))), ...);
    return *this;
  }
  template <class F>
  Group& route(std::string_view method, std::string_view pattern, F&& handler);
  template <class F> Group& get(std::string_view p, F&& h) { return route("GET", p, std::forward<F>(h)); }
  template <class F> Group& post(std::string_view p, F&& h) { return route("POST", p, std::forward<F>(h)); }
  template <class F> Group& put(std::string_view p, F&& h) { return route("PUT", p, std::forward<F>(h)); }
  template <class F> Group& patch(std::string_view p, F&& h) { return route("PATCH", p, std::forward<F>(h)); }
  template <class F> Group& del(std::string_view p, F&& h) { return route("DELETE", p, std::forward<F>(h)); }
  template <class F> Group& head(std::string_view p, F&& h) { return route("HEAD", p, std::forward<F>(h)); }
  template <class F> Group& options(std::string_view p, F&& h) { return route("OPTIONS", p, std::forward<F>(h)); }
  template <class F> Group& any(std::string_view p, F&& h) { return route("*", p, std::forward<F>(h)); }
  // A nested group: prefix and middleware add to this one's.
  [[nodiscard]] Group group(std::string_view prefix);

 private:
  friend class App;
  Group(App& app, std::size_t index) : app_(&app), index_(index) {}
  App* app_;
  std::size_t index_;
};

class App {
 public:
  App();
  ~App();
  App(App&&) noexcept;
  App& operator=(App&&) noexcept;
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Middleware for every route, every 404/405 and every event, outermost first.
  App& use(Middleware middleware);
  template <class... M>
    requires(sizeof...(M) > 1)
  App& use(M&&... middleware) {
    (use(Middleware(std::forward<M>(middleware))), ...);
    return *this;
  }

  // method: GET, POST, ... or "*" for any. Pattern syntax: "/todos/:id", "/files/*path".
  template <class F>
  App& route(std::string_view method, std::string_view pattern, F&& handler) {
    add_route(0, method, pattern, bind_handler(std::forward<F>(handler)));
    return *this;
  }
  template <class F> App& get(std::string_view p, F&& h) { return route("GET", p, std::forward<F>(h)); }
  template <class F> App& post(std::string_view p, F&& h) { return route("POST", p, std::forward<F>(h)); }
  template <class F> App& put(std::string_view p, F&& h) { return route("PUT", p, std::forward<F>(h)); }
  template <class F> App& patch(std::string_view p, F&& h) { return route("PATCH", p, std::forward<F>(h)); }
  template <class F> App& del(std::string_view p, F&& h) { return route("DELETE", p, std::forward<F>(h)); }
  template <class F> App& head(std::string_view p, F&& h) { return route("HEAD", p, std::forward<F>(h)); }
  template <class F> App& options(std::string_view p, F&& h) { return route("OPTIONS", p, std::forward<F>(h)); }
  template <class F> App& any(std::string_view p, F&& h) { return route("*", p, std::forward<F>(h)); }
  // A WebSocket API route: "$connect", "$disconnect", "$default" or a custom route key. The
  // adapter turns each message into a POST to "/" + route key, so this is post("/$connect", h);
  // the context's request carries connection_id and event_type.
  template <class F>
  App& websocket(std::string_view route_key, F&& handler) {
    add_websocket_route(route_key, bind_handler(std::forward<F>(handler)));
    return *this;
  }

  [[nodiscard]] Group group(std::string_view prefix);

  // Replaces the default error rendering.
  App& on_error(ErrorRenderer renderer);
  // Answers requests no route matches (instead of the 404 error); runs inside the middleware.
  template <class F>
  App& not_found(F&& handler) {
    set_not_found(bind_handler(std::forward<F>(handler)).endpoint);
    return *this;
  }
  // Event sources other than HTTP. Patterns, handler shapes and the batch semantics are
  // described in lift/app/event_routes.hpp; within a source the first registered match wins.
  template <class F>
  App& sqs(std::string_view queue, F&& h) {
    return add(detail::bind_record_route<detail::SqsRoute, true>(queue, std::forward<F>(h)));
  }
  template <class F>
  App& sns(std::string_view topic, F&& h) {
    return add(detail::bind_record_route<detail::SnsRoute, false>(topic, std::forward<F>(h)));
  }
  // "bucket" or "bucket/key-glob"; direct notifications and S3 events through EventBridge.
  template <class F>
  App& s3(std::string_view bucket_and_key, F&& h) {
    return add(detail::bind_record_route<detail::S3Route, false>(bucket_and_key, std::forward<F>(h)));
  }
  template <class F>
  App& dynamodb_stream(std::string_view table, F&& h) {
    return add(detail::bind_record_route<detail::DynamoDBStreamRoute, true>(table, std::forward<F>(h)));
  }
  template <class F>
  App& kinesis(std::string_view stream, F&& h) {
    return add(detail::bind_record_route<detail::KinesisRoute, true>(stream, std::forward<F>(h)));
  }
  // Matches the event's source or its detail-type.
  template <class F>
  App& eventbridge(std::string_view source_or_detail_type, F&& h) {
    return add(detail::bind_eventbridge_route(false, source_or_detail_type, std::forward<F>(h)));
  }
  template <class F>
  App& schedule(std::string_view rule_name, F&& h) {
    return add(detail::bind_eventbridge_route(true, rule_name, std::forward<F>(h)));
  }
  template <class F>
  App& logs(std::string_view log_group, F&& h) {
    return add(detail::bind_logs_route(log_group, std::forward<F>(h)));
  }
  template <class F>
  App& logs(F&& h) {
    return logs("*", std::forward<F>(h));
  }
  template <class F>
  App& authorizer(F&& h) {
    return add(detail::bind_authorizer_route(std::forward<F>(h)));
  }
  template <class F>
  App& cognito(std::string_view trigger_source, F&& h) {
    return add(detail::bind_cognito_route(trigger_source, std::forward<F>(h)));
  }

  // Handles the events no typed route takes: events of a kind without routes, and records
  // whose resource no route of their source matches. It runs inside the middleware.
  App& on_event(EventHandler handler);

  // Registration errors collected so far (all of them in one message), or success.
  [[nodiscard]] Result<void> check() const;

  // Dispatches one HTTP request in-process (tests, the local dev server). Never throws: a
  // handler's exception becomes a 500 error response.
  [[nodiscard]] http::Response handle(http::Request request, const runtime::InvocationContext* invocation = nullptr) const;

  // Dispatches one Lambda invocation: the event's kind is detected, HTTP events are adapted
  // to a request and answered in their source's shape, other events go to their source's
  // routes (else on_event). Errors that are not HTTP answers (invalid JSON, a malformed event
  // "InvalidEvent", an event kind nothing handles "UnsupportedEvent", a resource no route
  // matches "NoRoute", a failed event handler) are returned so the runtime reports them to
  // Lambda. Never throws.
  [[nodiscard]] Result<runtime::Response> invoke(const runtime::Invocation& invocation) const;

  // An OpenAPI 3.1 document of every route, with schemas from the handlers' C++ types.
  [[nodiscard]] boost::json::object openapi(const OpenApiInfo& info = {}) const;

  struct Impl;

 private:
  friend class Group;
  void add_route(std::size_t group, std::string_view method, std::string_view pattern, BoundHandler handler);
  void add_websocket_route(std::string_view route_key, BoundHandler handler);
  void add_group_middleware(std::size_t group, Middleware middleware);
  std::size_t add_group(std::size_t parent, std::string_view prefix);
  void set_not_found(Endpoint endpoint);
  App& add(detail::SqsRoute route);
  App& add(detail::SnsRoute route);
  App& add(detail::S3Route route);
  App& add(detail::DynamoDBStreamRoute route);
  App& add(detail::KinesisRoute route);
  App& add(detail::EventBridgeRoute route);
  App& add(detail::LogsRoute route);
  App& add(detail::AuthorizerRoute route);
  App& add(detail::CognitoRoute route);

  std::unique_ptr<Impl> impl_;
};

template <class F>
Group& Group::route(std::string_view method, std::string_view pattern, F&& handler) {
  app_->add_route(index_, method, pattern, bind_handler(std::forward<F>(handler)));
  return *this;
}

// Runs the app on the Lambda Runtime API until Lambda shuts the environment down; returns the
// process exit code. Registration errors are reported as an init error. With
// LIFT_PRINT_OPENAPI=1 in the environment it prints the OpenAPI document instead and returns 0
// (what `lift openapi FUNCTION` uses).
int run(App& app, runtime::Options options = {});

// Reports a failure found in main() before run() (a configuration that cannot work) to Lambda
// as the init error, then exits the process: Lambda shows the error and does not invoke.
[[noreturn]] void fail_init(const Error& error, runtime::Options options = {});

}  // namespace lift
