#include "lift/app/app.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include "lift/app/errors.hpp"
#include "lift/app/stream.hpp"
#include "lift/aws/deadline.hpp"
#include "lift/core/json_text.hpp"
#include "lift/core/log_line.hpp"
#include "lift/http/adapters.hpp"
#include "lift/http/router.hpp"
#include "lift/json/document.hpp"
#include "context_access.hpp"
#include "event_dispatch.hpp"
#include "routes.hpp"

namespace lift {

namespace {

using detail::GroupData;
using detail::Route;

constexpr std::size_t kNoRouteIndex = static_cast<std::size_t>(-1);

// "/api" + "/todos" -> "/api/todos"; a group's "/" route is the prefix itself.
std::string join_paths(std::string_view prefix, std::string_view pattern) {
  std::string out(prefix);
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (pattern.empty() || pattern == "/") return out.empty() ? std::string("/") : out;
  if (pattern.front() != '/') out += '/';
  out += pattern;
  return out;
}

// What an exception looks like in the function's log (one JSON line, whatever the message
// holds); the caller sees only "internal error".
void log_exception(std::string_view where, std::string_view request_id) {
  std::string what = "unknown exception";
  try {
    throw;
  } catch (const std::exception& e) {
    what = std::string(typeid(e).name()) + ": " + e.what();
  } catch (...) {
  }
  std::string line = R"({"level":"ERROR","message":)";
  append_json_string(line, "unhandled exception in " + std::string(where), InvalidUtf8::replace);
  line += R"(,"error":)";
  append_json_string(line, what, InvalidUtf8::replace);
  line += R"(,"request_id":)";
  append_json_string(line, request_id, InvalidUtf8::replace);
  line += "}\n";
  write_log_line(stderr, line);
}

// The invocation's deadline on the steady clock, for the calls made on its behalf without one
// of their own (DynamORM's tables); none for a context without a deadline.
std::optional<std::chrono::steady_clock::time_point> steady_deadline(const runtime::InvocationContext* invocation) {
  if (invocation == nullptr || invocation->deadline == std::chrono::system_clock::time_point{}) return std::nullopt;
  return std::chrono::steady_clock::now() + invocation->remaining();
}

void default_render(Context& ctx, const Error& error) {
  auto& response = ctx.response();
  response.status = error.status >= 400 && error.status <= 599 ? error.status : 500;
  response.body = errors::error_body(error, ctx.request_id());
  response.binary = false;
  response.headers.set("content-type", "application/json");
}

}  // namespace

struct App::Impl {
  std::vector<Route> routes;
  OpenApiInfo info;
  std::vector<GroupData> groups{GroupData{}};
  std::vector<std::string> problems;
  ErrorRenderer renderer;
  Endpoint not_found;
  EventHandler on_event;
  std::vector<std::unique_ptr<detail::SourceRoutesBase>> sources;  // one per source with routes

  std::once_flag frozen_once;
  bool frozen = false;
  http::Router router;
  std::vector<Middleware> app_chain;  // the app's own middleware, for 404/405 and events

  // Contexts kept between invocations with their buffers, so that once a few requests have
  // been served, reading an event and building its answer allocate almost nothing. Lambda
  // sends one invocation at a time; concurrent callers (tests, tools) each take their own.
  static constexpr std::size_t kMaxSpareContexts = 4;
  static constexpr std::size_t kMaxRetainedBytes = 256 * 1024;  // a context that grew past this is freed
  mutable std::mutex spare_mutex;
  mutable std::vector<std::unique_ptr<Context>> spare_contexts;

  Impl() { spare_contexts.reserve(kMaxSpareContexts); }

  std::unique_ptr<Context> take_context(const runtime::InvocationContext* invocation) const {
    {
      const std::lock_guard lock(spare_mutex);
      if (!spare_contexts.empty()) {
        auto ctx = std::move(spare_contexts.back());
        spare_contexts.pop_back();
        detail::ContextAccess::reset(*ctx, invocation);
        return ctx;
      }
    }
    return std::make_unique<Context>(http::Request{}, invocation);
  }

  void give_back(std::unique_ptr<Context> ctx) const noexcept {
    if (detail::ContextAccess::retained_bytes(*ctx) > kMaxRetainedBytes) return;
    detail::ContextAccess::reset(*ctx, nullptr);  // the request's values (a principal, a tenant) are released now, not at the next request
    const std::lock_guard lock(spare_mutex);
    if (spare_contexts.size() < kMaxSpareContexts) spare_contexts.push_back(std::move(ctx));  // reserved: no allocation
  }

  void freeze() {
    std::call_once(frozen_once, [this] {
      // Each group's whole chain, outermost first: the app, then each enclosing group from the
      // outside in (a group's parent always comes before it).
      std::vector<std::vector<Middleware>> chains(groups.size());
      for (std::size_t g = 0; g < groups.size(); ++g) {
        if (g != 0) chains[g] = chains[groups[g].parent];
        chains[g].insert(chains[g].end(), groups[g].middleware.begin(), groups[g].middleware.end());
      }
      for (std::size_t i = 0; i < routes.size(); ++i) {
        auto& route = routes[i];
        auto added = router.add(route.method, route.pattern, i);
        if (!added) problems.push_back(added.error().message);
        route.chain = chains[route.group];
      }
      for (auto& source : sources) source->freeze(chains);
      app_chain = chains[0];
      frozen = true;
    });
  }

  void refuse_after_freeze(std::string_view what) {
    if (frozen) problems.push_back(std::string(what) + " after the app started serving");
  }

  void render(Context& ctx, const Error& error) const {
    if (renderer) {
      try {
        renderer(ctx, error);
        return;
      } catch (...) {
        log_exception("the error renderer", ctx.request_id());
      }
    }
    default_render(ctx, error);
  }

  // Runs the middleware and the route (or the 404/405 answer) for an HTTP request. A streaming
  // route writes through `stream` (null: its pieces are collected into the body). Returns the
  // error that came back after a streamed answer had started, which can no longer be rendered.
  Result<void> dispatch(Context& ctx, runtime::ResponseStream* stream = nullptr) const {
    Result<void> result;
    bool strip_body = false;
    std::optional<ResponseWriter> writer;
    try {
      auto& request = ctx.request();
      std::string_view target = request.raw_path.empty() ? std::string_view(request.path) : std::string_view(request.raw_path);
      auto match = router.match(request.method, target, request.params);
      using Kind = http::Router::Match::Kind;
      if (match.automatic_options) {
        std::string allow = std::move(match.allow);
        Endpoint options = [&allow](Context& c) -> Result<void> {
          c.response().status = 204;
          c.response().headers.set("allow", allow);
          return {};
        };
        result = run_chain(app_chain, options, ctx);
      } else if (match.kind == Kind::found) {
        const auto& route = routes[match.route];
        detail::ContextAccess::set_route(ctx, route.pattern);
        strip_body = match.automatic_head;
        if (route.handler.streaming) {
          writer.emplace(ctx, stream);
          detail::ContextAccess::set_writer(ctx, &*writer);
        }
        result = run_chain(route.chain, route.handler.endpoint, ctx);
      } else if (match.kind == Kind::method_not_allowed) {
        std::string allow = std::move(match.allow);
        Endpoint refuse = [&allow](Context& c) -> Result<void> {
          c.response().headers.set("allow", allow);
          return Error{"MethodNotAllowed", c.request().method + " is not allowed on " + c.request().path + " (allowed: " + allow + ")", 405};
        };
        result = run_chain(app_chain, refuse, ctx);
      } else {
        static const Endpoint missing = [](Context& c) -> Result<void> {
          return errors::not_found("no route for " + c.request().method + " " + c.request().path);
        };
        result = run_chain(app_chain, not_found ? not_found : missing, ctx);
      }
    } catch (...) {
      log_exception("a handler", ctx.request_id());
      result = errors::internal();
    }
    detail::ContextAccess::set_writer(ctx, nullptr);
    if (writer) {
      writer->end();
      if (writer->streaming() && writer->started()) return result;
    }
    if (!result) render(ctx, result.error());
    if (strip_body) ctx.response().body.clear();
    return {};
  }

  // The answer to an HTTP request dispatched for an invocation (see finish_http).
  Result<runtime::Response> answer_http(Context& ctx, runtime::ResponseStream* stream) const {
    stream = http_stream(stream, ctx.request().source);
    if (auto late = dispatch(ctx, stream); !late) return std::move(late).error();
    return finish_http(ctx, stream);
  }

  // Buffered (`stream` null): the answer in the source's shape, returned. Streaming: the status,
  // headers and cookies then the body, sent through the stream unless a streaming route sent
  // them already (nothing is returned).
  static Result<runtime::Response> finish_http(Context& ctx, runtime::ResponseStream* stream) {
    if (stream == nullptr) return runtime::Response{http::serialize_response(ctx.response(), ctx.request())};
    if (!stream->started()) {
      ResponseWriter whole(ctx, stream);
      if (auto sent = whole.flush(); !sent) return std::move(sent).error();
    }
    return runtime::Response{};
  }

  // The stream an HTTP answer goes through, or null for a buffered answer. Function URLs and
  // API Gateway (REST APIs on AWS; HTTP APIs locally, as `lift dev` serves them) read the
  // HTTP-integration stream; ALB and WebSocket APIs read only buffered answers, which are then
  // the stream's JSON body.
  static runtime::ResponseStream* http_stream(runtime::ResponseStream* stream, http::Source source) noexcept {
    const bool streams = source == http::Source::function_url || source == http::Source::api_gateway_rest ||
                         source == http::Source::api_gateway_http;
    return streams ? stream : nullptr;
  }

  Result<runtime::Response> invoke(const runtime::Invocation& invocation, runtime::ResponseStream* stream) const;
};

App::App() : impl_(std::make_unique<Impl>()) {}
App::~App() = default;
App::App(App&&) noexcept = default;
App& App::operator=(App&&) noexcept = default;

App& App::use(Middleware middleware) {
  add_group_middleware(0, std::move(middleware));
  return *this;
}

Group App::group(std::string_view prefix) { return Group(*this, add_group(0, prefix)); }

Group& Group::use(Middleware middleware) {
  app_->add_group_middleware(index_, std::move(middleware));
  return *this;
}

Group Group::group(std::string_view prefix) { return Group(*app_, app_->add_group(index_, prefix)); }

std::size_t App::add_route(std::size_t group, std::string_view method, std::string_view pattern, BoundHandler handler,
                           bool prefixed) {
  impl_->refuse_after_freeze("a route was added");
  std::string full = group == 0 || !prefixed ? std::string(pattern) : join_paths(impl_->groups[group].prefix, pattern);
  if (!handler.endpoint) {
    impl_->problems.push_back("the handler of " + std::string(method) + " " + full + " is empty");
    return kNoRouteIndex;
  }
  Route route;
  route.method = std::string(method);
  route.pattern = std::move(full);
  route.group = group;
  route.handler = std::move(handler);
  impl_->routes.push_back(std::move(route));
  return impl_->routes.size() - 1;
}

HandlerDoc* App::route_doc(std::size_t index) {
  if (index >= impl_->routes.size()) return nullptr;
  if (impl_->frozen) {
    // The document may be read by another thread by now.
    impl_->refuse_after_freeze("a route's documentation was changed");
    return nullptr;
  }
  return &impl_->routes[index].handler.doc;
}

RouteDoc& RouteDoc::errors(std::initializer_list<int> statuses) {
  for (const int status : statuses) error(status, {});
  return *this;
}

RouteDoc& RouteDoc::error(int status, std::string description) {
  auto* doc = app_->route_doc(route_);
  if (doc == nullptr) return *this;
  if (status < 400 || status > 599) {
    const auto& route = app_->impl_->routes[route_];
    app_->impl_->problems.push_back("the error status " + std::to_string(status) + " declared for " + route.method + " " +
                                    route.pattern + " is not between 400 and 599");
    return *this;
  }
  for (auto& [declared, text] : doc->errors) {
    if (declared == status) {
      if (!description.empty()) text = std::move(description);
      return *this;
    }
  }
  doc->errors.emplace_back(status, std::move(description));
  return *this;
}

RouteDoc& RouteDoc::summary(std::string text) {
  if (auto* doc = app_->route_doc(route_)) doc->summary = std::move(text);
  return *this;
}

void App::add_websocket_route(std::size_t group, std::string_view route_key, BoundHandler handler) {
  // As a path segment, a key starting with ':' or '*' would become a parameter, and '/' would
  // split it; API Gateway route keys are plain names.
  if (route_key.empty() || route_key.front() == ':' || route_key.front() == '*' ||
      route_key.find('/') != std::string_view::npos) {
    impl_->refuse_after_freeze("a route was added");
    impl_->problems.push_back("the WebSocket route key \"" + std::string(route_key) +
                              "\" is empty or starts with ':' or '*' or contains '/'");
    return;
  }
  // A group's prefix never applies: the adapter routes every message to "/" + its route key.
  add_route(group, "POST", "/" + std::string(route_key), std::move(handler), false);
}

void App::add_group_middleware(std::size_t group, Middleware middleware) {
  impl_->refuse_after_freeze("middleware was added");
  if (!middleware) {
    impl_->problems.push_back("an empty middleware was added");
    return;
  }
  impl_->groups[group].middleware.push_back(std::move(middleware));
}

std::size_t App::add_group(std::size_t parent, std::string_view prefix) {
  GroupData data;
  data.parent = parent;
  data.prefix = join_paths(impl_->groups[parent].prefix, prefix);
  if (prefix.empty() || prefix.front() != '/') impl_->problems.push_back("group prefix \"" + std::string(prefix) + "\" must start with '/'");
  impl_->groups.push_back(std::move(data));
  return impl_->groups.size() - 1;
}

void App::set_not_found(Endpoint endpoint) { impl_->not_found = std::move(endpoint); }

App& App::render_errors(ErrorRenderer renderer) {
  impl_->renderer = std::move(renderer);
  return *this;
}

detail::SourceRoutesBase* App::event_routes(events::Kind kind, std::string_view pattern,
                                            std::unique_ptr<detail::SourceRoutesBase> (*make)()) {
  impl_->refuse_after_freeze("an event route was added");
  if (impl_->frozen) return nullptr;
  if (pattern.empty()) {
    refuse_event_route(kind, pattern, "it needs a pattern (\"*\" for any)");
    return nullptr;
  }
  for (auto& source : impl_->sources) {
    if (source->kind() == kind) return source.get();
  }
  impl_->sources.push_back(make());
  return impl_->sources.back().get();
}

void App::refuse_event_route(events::Kind kind, std::string_view pattern, std::string_view problem) {
  impl_->problems.push_back("the " + std::string(kind.name()) + " route \"" + std::string(pattern) + "\" is refused: " +
                            std::string(problem));
}

App& App::on_event(EventHandler handler) {
  impl_->on_event = std::move(handler);
  return *this;
}

Result<void> App::check() const {
  impl_->freeze();
  if (impl_->problems.empty()) return {};
  std::string message;
  for (const auto& p : impl_->problems) {
    if (!message.empty()) message += "; ";
    message += p;
  }
  return Error{"InvalidApp", message, 500};
}

http::Response App::handle(http::Request request, const runtime::InvocationContext* invocation) const {
  impl_->freeze();
  const aws::InvocationDeadline deadline(steady_deadline(invocation));
  const auto kind = http::kind_of(request.source);
  Context ctx(std::move(request), invocation);
  detail::ContextAccess::set_event(ctx, kind, nullptr);
  (void)impl_->dispatch(ctx);
  return std::move(ctx.response());
}

Result<runtime::Response> App::invoke(const runtime::Invocation& invocation) const {
  impl_->freeze();
  return impl_->invoke(invocation, nullptr);
}

bool App::streams() const noexcept {
  return std::any_of(impl_->routes.begin(), impl_->routes.end(), [](const Route& route) { return route.handler.streaming; });
}

Result<void> App::invoke_streaming(const runtime::Invocation& invocation, runtime::ResponseStream& stream) const {
  impl_->freeze();
  auto answer = impl_->invoke(invocation, &stream);
  if (!answer) return std::move(answer).error();
  if (stream.started()) return {};
  // Not an HTTP answer streamed: the buffered answer is the stream's body.
  if (auto typed = stream.set_content_type(std::string(answer->media_type())); !typed) return typed;
  return stream.write(answer->body);
}

Result<runtime::Response> App::Impl::invoke(const runtime::Invocation& invocation, runtime::ResponseStream* stream) const {
  const aws::InvocationDeadline deadline(steady_deadline(&invocation.context));
  // The common case, an HTTP API or Function URL request, is read without building a DOM;
  // everything else (and anything unusual about such an event) takes the DOM path below.
  {
    // Read straight into a reused context's request.
    struct Lease {
      const Impl& impl;
      std::unique_ptr<Context> ctx;
      ~Lease() { impl.give_back(std::move(ctx)); }
    } lease{*this, take_context(&invocation.context)};
    auto& ctx = *lease.ctx;
    if (http::read_http_api_event(invocation.payload, ctx.request())) {
      detail::ContextAccess::set_event_text(ctx, http::kind_of(ctx.request().source), invocation.payload);
      return answer_http(ctx, stream);
    }
  }
  // Most events fit in the stack buffer: parsing then allocates nothing.
  std::array<unsigned char, 16 * 1024> buffer;
  boost::json::monotonic_resource memory(buffer.data(), buffer.size());
  auto parsed = json::parse_document(invocation.payload, &memory);
  if (!parsed) return Error{"InvalidEvent", "the event is " + parsed.error().message, 400};
  boost::json::value event = std::move(*parsed);
  const auto kind = events::detect(event);
  const auto& context = invocation.context;

  if (http::is_http(kind)) {
    auto request = http::request_from_event(event, kind);
    if (!request) {
      // Answer in the shape of the source so the caller gets a 400, not a Lambda error.
      http::Request answered_as;
      answered_as.source = http::source_of(kind);
      answered_as.request_id = context.request_id;
      Context ctx(std::move(answered_as), &context);
      render(ctx, request.error());
      return finish_http(ctx, http_stream(stream, ctx.request().source));
    }
    Context ctx(std::move(*request), &context);
    detail::ContextAccess::set_event(ctx, kind, &event);
    return answer_http(ctx, stream);
  }

  const detail::EventDispatch dispatch{context, kind, event, app_chain, on_event};
  auto answer = detail::dispatch_event(dispatch, sources);
  if (!answer) return std::move(answer).error();
  return runtime::Response{boost::json::serialize(*answer)};
}

App& App::openapi_info(OpenApiInfo info) {
  impl_->info = std::move(info);
  return *this;
}

boost::json::object App::openapi() const { return openapi(impl_->info); }

boost::json::object App::openapi(const OpenApiInfo& info) const { return detail::build_openapi(impl_->routes, info); }

}  // namespace lift
