#pragma once
// lift::App: routes, middleware and the dispatch of a Lambda invocation to them.
//
//   lift::App app;
//   app.use(lift::mw::recover());
//   app.get("/hello", [](lift::Context& ctx) { return Greeting{"hello"}; });
//   auto api = app.group("/api");
//   api.use(require_auth);
//   api.post("/todos", create_todo).errors({409});   // documents a 409 in the OpenAPI document
//
//   int main() { return lift::run(make_app); }       // builds the app in Lambda's init phase
//
// Routes and middleware are registered at init; the first dispatch freezes the app (a
// registration after that is an error) and from then on it is safe to dispatch from several
// threads at once. Registration mistakes (a malformed pattern, a duplicate route) are
// collected rather than thrown: lift::run reports them to Lambda as an init error, and tests
// can ask check(). lift::run(factory) also reports what the factory throws or returns as an
// error, so nothing that goes wrong while the app is built can abort the process unreported.

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "lift/app/context.hpp"
#include "lift/app/event_routes.hpp"
#include "lift/app/handler.hpp"
#include "lift/events/appsync.hpp"
#include "lift/events/authorizer.hpp"
#include "lift/events/cloudformation.hpp"
#include "lift/events/cloudwatch_alarm.hpp"
#include "lift/events/cloudwatch_logs.hpp"
#include "lift/events/cognito.hpp"
#include "lift/events/dynamodb_stream.hpp"
#include "lift/events/eventbridge.hpp"
#include "lift/events/firehose.hpp"
#include "lift/events/kafka.hpp"
#include "lift/events/kinesis.hpp"
#include "lift/events/s3.hpp"
#include "lift/events/ses.hpp"
#include "lift/events/sns.hpp"
#include "lift/events/sqs.hpp"
#include "lift/app/middleware.hpp"
#include "lift/app/stream.hpp"
#include "lift/core/result.hpp"
#include "lift/http/message.hpp"
#include "lift/runtime/context.hpp"
#include "lift/runtime/runtime.hpp"

namespace lift {

class App;

// Renders an error that reached the top into the response (the default writes the one error
// body shape). It may read ctx (the request, the route) and keep headers already set.
using ErrorRenderer = std::function<void(Context&, const Error&)>;

// Title and version of the generated OpenAPI document. An empty title is the service's name:
// POWERTOOLS_SERVICE_NAME, else AWS_LAMBDA_FUNCTION_NAME, else the executable's file name.
struct OpenApiInfo {
  std::string title{};
  std::string version = "1.0.0";
  std::string description{};
};

// A registered HTTP route, to document it further in the OpenAPI document:
//   app.get("/todos/:id", get_todo).errors({404});
//   app.patch("/todos/:id", change_todo).errors({404, 409}).error(428, "If-Match is missing");
// The framework documents what it answers itself: 400 for a body or a Query/Headers parameter
// that does not convert, 415 for a body that is not JSON, 422 when the body's type has rules.
// Statuses that only the handler knows (404 for an id it cannot find) are declared here.
class RouteDoc {
 public:
  // Error statuses (400 to 599) the handler answers, each described by its reason phrase.
  RouteDoc& errors(std::initializer_list<int> statuses);
  // One error status with its own description.
  RouteDoc& error(int status, std::string description);
  // The operation's one-line summary.
  RouteDoc& summary(std::string text);

 private:
  friend class App;
  friend class Group;
  RouteDoc(App* app, std::size_t route) noexcept : app_(app), route_(route) {}
  App* app_;
  std::size_t route_;  // npos: the route was refused, there is nothing to document
};

namespace detail {

// What App and App::Group both register: HTTP routes by method and a one-line convenience
// per event source, each over Self's route() and on<Source>() (lift/app/event_routes.hpp says
// what each source's pattern matches).
template <class Self>
class Registrations {
 public:
  // method: GET, POST, ... or "*" for any. Pattern syntax: "/todos/:id", "/files/*path".
  // Each returns the route's RouteDoc, to declare its error statuses.
  template <class F> RouteDoc get(std::string_view p, F&& h) { return self().route("GET", p, std::forward<F>(h)); }
  template <class F> RouteDoc post(std::string_view p, F&& h) { return self().route("POST", p, std::forward<F>(h)); }
  template <class F> RouteDoc put(std::string_view p, F&& h) { return self().route("PUT", p, std::forward<F>(h)); }
  template <class F> RouteDoc patch(std::string_view p, F&& h) { return self().route("PATCH", p, std::forward<F>(h)); }
  template <class F> RouteDoc del(std::string_view p, F&& h) { return self().route("DELETE", p, std::forward<F>(h)); }
  template <class F> RouteDoc head(std::string_view p, F&& h) { return self().route("HEAD", p, std::forward<F>(h)); }
  template <class F> RouteDoc options(std::string_view p, F&& h) { return self().route("OPTIONS", p, std::forward<F>(h)); }
  template <class F> RouteDoc any(std::string_view p, F&& h) { return self().route("*", p, std::forward<F>(h)); }

  // Event sources: each is on<Source>(pattern, handler).
  template <class F> Self& sqs(std::string_view queue, F&& h) { return on<events::Sqs>(queue, std::forward<F>(h)); }
  template <class F> Self& sns(std::string_view topic, F&& h) { return on<events::Sns>(topic, std::forward<F>(h)); }
  // "bucket" or "bucket/key-glob"; direct notifications and S3 events through EventBridge.
  template <class F> Self& s3(std::string_view bucket_and_key, F&& h) { return on<events::S3>(bucket_and_key, std::forward<F>(h)); }
  template <class F> Self& dynamodb_stream(std::string_view table, F&& h) { return on<events::DynamoDBStream>(table, std::forward<F>(h)); }
  template <class F> Self& kinesis(std::string_view stream, F&& h) { return on<events::Kinesis>(stream, std::forward<F>(h)); }
  // Matches the topic; an "arn:" pattern, the MSK cluster ARN.
  template <class F> Self& kafka(std::string_view topic, F&& h) { return on<events::Kafka>(topic, std::forward<F>(h)); }
  // Matches the delivery stream's name or ARN; the handler returns each record's FirehoseResult.
  template <class F> Self& firehose(std::string_view delivery_stream, F&& h) {
    return on<events::Firehose>(delivery_stream, std::forward<F>(h));
  }
  // Matches the event's source or its detail-type.
  template <class F> Self& eventbridge(std::string_view source_or_detail_type, F&& h) {
    return on<events::EventBridge>(source_or_detail_type, std::forward<F>(h));
  }
  template <class F> Self& schedule(std::string_view rule_name, F&& h) { return on<events::Scheduled>(rule_name, std::forward<F>(h)); }
  template <class F> Self& logs(std::string_view log_group, F&& h) { return on<events::CloudWatchLogs>(log_group, std::forward<F>(h)); }
  template <class F> Self& logs(F&& h) { return logs("*", std::forward<F>(h)); }
  template <class F> Self& cognito(std::string_view trigger_source, F&& h) { return on<events::Cognito>(trigger_source, std::forward<F>(h)); }
  // AppSync direct Lambda resolvers: "Type.field" ("Query.getTodo", "Mutation.*", "*").
  template <class F> Self& graphql(std::string_view type_and_field, F&& h) { return on<events::AppSyncResolver>(type_and_field, std::forward<F>(h)); }
  // Any recipient the SES receipt rule matched ("*@example.com"); case is ignored.
  template <class F> Self& ses(std::string_view recipient, F&& h) { return on<events::Ses>(recipient, std::forward<F>(h)); }
  // A CloudFormation custom resource by its ResourceType ("Custom::Database"); lift PUTs the answer.
  template <class F> Self& custom_resource(std::string_view resource_type, F&& h) {
    return on<events::CloudFormationCustomResource>(resource_type, std::forward<F>(h));
  }
  // A CloudWatch alarm's Lambda action, by alarm name or ARN.
  template <class F> Self& alarm(std::string_view alarm_name, F&& h) { return on<events::CloudWatchAlarm>(alarm_name, std::forward<F>(h)); }
  // A TOKEN or REQUEST authorizer, as the handler's parameter says (TokenAuthorizerEvent;
  // RequestAuthorizerEvent, RequestAuthorizerV2Event or AnyRequestAuthorizerEvent).
  template <class F> Self& authorizer(F&& h) { return authorizer("*", std::forward<F>(h)); }
  template <class F>
  Self& authorizer(std::string_view method_or_route_arn, F&& h) {
    using P = typename parameter_of<std::decay_t<F>>::type;
    if constexpr (std::is_same_v<P, events::TokenAuthorizerEvent>) {
      return on<events::TokenAuthorizer>(method_or_route_arn, std::forward<F>(h));
    } else {
      static_assert(std::is_same_v<P, events::RequestAuthorizerEvent> || std::is_same_v<P, events::RequestAuthorizerV2Event> ||
                        std::is_same_v<P, events::AnyRequestAuthorizerEvent>,
                    "an authorizer takes (lift::Context&, const TokenAuthorizerEvent&), RequestAuthorizerEvent, "
                    "RequestAuthorizerV2Event or AnyRequestAuthorizerEvent");
      return on<events::RequestAuthorizer>(method_or_route_arn, std::forward<F>(h));
    }
  }

 private:
  Self& self() { return static_cast<Self&>(*this); }
  template <class Source, class F>
  Self& on(std::string_view pattern, F&& handler) {
    return self().template on<Source>(pattern, std::forward<F>(handler));
  }
};

}  // namespace detail

// Routes under a common prefix with their own middleware (which run inside the app's). Event
// and WebSocket routes registered on a group take its middleware too (no prefix applies).
class Group : public detail::Registrations<Group> {
 public:
  Group& use(Middleware middleware);
  template <class... M>
    requires(sizeof...(M) > 1)
  Group& use(M&&... middleware) {
    (use(Middleware(std::forward<M>(middleware))), ...);
    return *this;
  }
  template <class F>
  RouteDoc route(std::string_view method, std::string_view pattern, F&& handler);
  template <class F>
  Group& websocket(std::string_view route_key, F&& handler);
  template <class Source, class F>
  Group& on(std::string_view pattern, F&& handler);
  // A nested group: prefix and middleware add to this one's.
  [[nodiscard]] Group group(std::string_view prefix);

 private:
  friend class App;
  Group(App& app, std::size_t index) : app_(&app), index_(index) {}
  App* app_;
  std::size_t index_;
};

// Thread safety: register at init, from one thread; once frozen (the first dispatch) an App is
// only read, and lift::run(app) dispatches to it from every worker at once. Handlers and
// middleware are then called concurrently: what they capture must be thread-safe (lift's own
// middleware, observability included, is).
class App : public detail::Registrations<App> {
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
  RouteDoc route(std::string_view method, std::string_view pattern, F&& handler) {
    return RouteDoc(this, add_route(0, method, pattern, bind_handler(std::forward<F>(handler))));
  }
  // A WebSocket API route: "$connect", "$disconnect", "$default" or a custom route key. The
  // adapter turns each message into a POST to "/" + route key, so this is post("/$connect", h);
  // ctx.request().websocket() names the connection and the event type.
  template <class F>
  App& websocket(std::string_view route_key, F&& handler) {
    add_websocket_route(0, route_key, bind_handler(std::forward<F>(handler)));
    return *this;
  }
  // Any event source, by its descriptor (lift/events/source.hpp, lift/app/event_routes.hpp):
  //   app.on<lift::events::Sqs>("orders-*", [](lift::Context&, const lift::events::SqsMessage& m) {...});
  template <class Source, class F>
  App& on(std::string_view pattern, F&& handler) {
    add_event_route<Source>(0, pattern, std::forward<F>(handler));
    return *this;
  }

  [[nodiscard]] Group group(std::string_view prefix);

  // Replaces the default error rendering.
  App& render_errors(ErrorRenderer renderer);
  [[deprecated("App::on_error is App::render_errors (mw::on_error is the middleware hook)")]]
  App& on_error(ErrorRenderer renderer) { return render_errors(std::move(renderer)); }
  // Answers requests no route matches (instead of the 404 error); runs inside the middleware.
  template <class F>
  App& not_found(F&& handler) {
    set_not_found(bind_handler(std::forward<F>(handler)).endpoint);
    return *this;
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

  // Whether a route streams its answer (lift::stream). lift::run then serves every invocation
  // through Lambda's streaming transport, with invoke_streaming.
  [[nodiscard]] bool streams() const noexcept;
  // Dispatches one Lambda invocation as invoke() does, its answer sent through `stream`: an HTTP
  // answer (Function URL, API Gateway) as the HTTP-integration stream (status, headers and
  // cookies, then the body; a streaming route's pieces as they are written), any other answer
  // as the stream's body. The error returned is sent as an /error before the first byte, in
  // the stream's trailers after it. Never throws.
  [[nodiscard]] Result<void> invoke_streaming(const runtime::Invocation& invocation, runtime::ResponseStream& stream) const;

  // The title, version and description of the OpenAPI document (`lift openapi`); by default
  // the title is the service's name (OpenApiInfo).
  App& openapi_info(OpenApiInfo info);

  // An OpenAPI 3.1 document of every route, with schemas from the handlers' C++ types: with
  // the app's openapi_info, or with `info`.
  [[nodiscard]] boost::json::object openapi() const;
  [[nodiscard]] boost::json::object openapi(const OpenApiInfo& info) const;

 private:
  friend class Group;
  friend class RouteDoc;
  struct Impl;

  template <class Source, class F>
  void add_event_route(std::size_t group, std::string_view pattern, F&& handler) {
    using Fn = std::decay_t<F>;
    const auto kind = events::Kind::of<Source>();
    if constexpr (std::is_constructible_v<bool, const Fn&>) {
      if (!static_cast<bool>(handler)) return refuse_event_route(kind, pattern, "its handler is empty");
    }
    if constexpr (requires { Source::check_pattern(pattern); }) {
      if (auto problem = Source::check_pattern(pattern)) return refuse_event_route(kind, pattern, *problem);
    }
    auto* routes = static_cast<detail::SourceRoutes<Source>*>(event_routes(kind, pattern, &make_source_routes<Source>));
    if (routes == nullptr) return;
    auto route = detail::bind_event_route<Source>(pattern, std::forward<F>(handler));
    route.group = group;
    routes->routes.push_back(std::move(route));
  }
  template <class Source>
  static std::unique_ptr<detail::SourceRoutesBase> make_source_routes() {
    return std::make_unique<detail::SourceRoutes<Source>>();
  }
  // The routes of `kind` (made by `make` on first use); null when the route is refused (an
  // empty pattern, a registration after the app started serving), the problem recorded.
  detail::SourceRoutesBase* event_routes(events::Kind kind, std::string_view pattern,
                                         std::unique_ptr<detail::SourceRoutesBase> (*make)());
  void refuse_event_route(events::Kind kind, std::string_view pattern, std::string_view problem);
  // `prefixed`: the group's prefix applies to `pattern` (not for WebSocket route keys).
  // Returns the route's index, or npos when it is refused.
  std::size_t add_route(std::size_t group, std::string_view method, std::string_view pattern, BoundHandler handler,
                        bool prefixed = true);
  // The documentation of route `index` for RouteDoc; null after the app started serving
  // (the mistake is recorded).
  HandlerDoc* route_doc(std::size_t index);
  void add_websocket_route(std::size_t group, std::string_view route_key, BoundHandler handler);
  void add_group_middleware(std::size_t group, Middleware middleware);
  std::size_t add_group(std::size_t parent, std::string_view prefix);
  void set_not_found(Endpoint endpoint);

  std::unique_ptr<Impl> impl_;
};

template <class F>
RouteDoc Group::route(std::string_view method, std::string_view pattern, F&& handler) {
  return RouteDoc(app_, app_->add_route(index_, method, pattern, bind_handler(std::forward<F>(handler))));
}

template <class F>
Group& Group::websocket(std::string_view route_key, F&& handler) {
  app_->add_websocket_route(index_, route_key, bind_handler(std::forward<F>(handler)));
  return *this;
}

template <class Source, class F>
Group& Group::on(std::string_view pattern, F&& handler) {
  app_->add_event_route<Source>(index_, pattern, std::forward<F>(handler));
  return *this;
}

// Builds the app with `factory` (a callable returning a lift::App, or a lift::Result<lift::App>)
// in Lambda's init phase, then serves it on the Lambda Runtime API until Lambda shuts the
// environment down; returns the process exit code.
//
//   int main() { return lift::run(make_app); }
//   int main() {
//     return lift::run([] {
//       lift::App app;
//       app.get("/hello", hello);
//       return app;
//     });
//   }
//
// Whatever fails while the app is built (an exception, a returned error, a registration
// mistake) is reported to Lambda's /init/error (errorType: the exception's class or the Error's
// code) and the process exits with status 1: Lambda shows why the function cannot start
// instead of a crash. What the handlers use by reference must outlive the app: make it in the
// factory and capture it by value (a std::shared_ptr), or make it in main() before lift::run.
// With LIFT_PRINT_OPENAPI=1 in the environment it prints the OpenAPI document instead and
// returns 0 (what `lift openapi FUNCTION` uses; a failure to build is on stderr, status 1).
template <class Factory>
  requires std::invocable<Factory&>
int run(Factory&& factory, runtime::Options options = {});

// Runs an app built already, as run(factory) does. An exception thrown while building it,
// before this call, cannot be reported to Lambda: prefer run(factory).
int run(App& app, runtime::Options options = {});

// lift::run takes a factory that returns the app, not one that fills one in.
template <class Configure>
  requires(!std::invocable<Configure&> && std::invocable<Configure&, App&>)
int run(Configure&&, runtime::Options = {}) {
  static_assert(!sizeof(Configure*), "lift::run takes a factory that returns the app: lift::run([] { lift::App app; ...; return app; })");
  return 1;
}

namespace detail {
int run_built(const std::function<Result<App>()>& build, runtime::Options options);
}

template <class Factory>
  requires std::invocable<Factory&>
int run(Factory&& factory, runtime::Options options) {
  using Built = std::remove_cvref_t<std::invoke_result_t<Factory&>>;
  static_assert(std::is_same_v<Built, App> || std::is_same_v<Built, Result<App>>,
                "lift::run(factory): the factory returns a lift::App or a lift::Result<lift::App>");
  return detail::run_built([&factory]() -> Result<App> { return std::invoke(factory); }, std::move(options));
}

// Reports a failure found in main() before run() (a configuration that cannot work) to Lambda
// as the init error, then exits the process: Lambda shows the error and does not invoke.
[[noreturn]] void fail_init(const Error& error, runtime::Options options = {});

}  // namespace lift
