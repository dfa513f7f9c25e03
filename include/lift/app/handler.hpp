#pragma once
// Handler binding: turns whatever a user's handler looks like into an Endpoint.
//
// Accepted signatures (any callable):
//   (Context&)      -> R           the body is read from ctx if needed
//   (Context&, In)  -> R           In is bound from the JSON body (described struct, vector,
//                                  map, ...); a malformed body is 400 naming the field path,
//                                  broken validation rules 422 listing every field
// and R is one of:
//   void, Result<void>             the response is what ctx.response() holds (200, empty body)
//   http::Response                 sent as is
//   Reply<T>                       a status, headers and a JSON body T
//   Ok<T>, Created<T>, Accepted<T> a Reply whose status (200, 201, 202) the OpenAPI document names;
//                                  a plain Reply<T> is documented as "2XX"
//   T                              200 with T as JSON (std::string: 200 text/plain)
//   Result<any of those>           an error becomes the error response
// so `return lift::created(todo);` and `return lift::errors::not_found();` both work in a
// handler declared `-> lift::Result<lift::Created<Todo>>` (or `lift::Reply<Todo>`).

#include <concepts>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/json/value.hpp>

#include "lift/app/context.hpp"
#include "lift/app/errors.hpp"
#include "lift/app/middleware.hpp"
#include "lift/core/result.hpp"
#include "lift/http/message.hpp"
#include "lift/json/binding.hpp"
#include "lift/json/schema.hpp"

namespace lift {

// A JSON response with a status other than 200, or extra headers.
template <class T>
struct Reply {
  int status = 200;
  T body;
  http::Headers headers{};
};

// A Reply whose status is part of its type, so that the OpenAPI document can name it. It is a
// Reply<T> (its status can still be changed at run time, and it converts to Reply<T>).
template <int Status, class T>
struct StatusReply : Reply<T> {
  static constexpr int documented_status = Status;
  StatusReply() : Reply<T>{Status, T{}, {}} {}
  explicit StatusReply(T body, http::Headers headers = {}) : Reply<T>{Status, std::move(body), std::move(headers)} {}
};
template <class T>
using Ok = StatusReply<200, T>;  // a 200 with headers of its own (an ETag, a Location)
template <class T>
using Created = StatusReply<201, T>;
template <class T>
using Accepted = StatusReply<202, T>;

template <class T>
Reply<std::decay_t<T>> reply(int status, T&& body) {
  return {status, std::forward<T>(body), {}};
}
template <class T>
Created<std::decay_t<T>> created(T&& body) {
  return Created<std::decay_t<T>>(std::forward<T>(body));
}
template <class T>
Accepted<std::decay_t<T>> accepted(T&& body) {
  return Accepted<std::decay_t<T>>(std::forward<T>(body));
}
inline http::Response no_content() { return http::Response::empty(204); }

// What the OpenAPI generator knows of a route's handler: its body and answer types.
struct HandlerDoc {
  std::function<boost::json::value(json::SchemaRegistry&)> request_schema;   // empty: no body
  std::function<boost::json::value(json::SchemaRegistry&)> response_schema;  // empty: unknown
  // The success response's key: "200", the status of a Created<T>-like answer, or "2XX" when
  // the handler picks its status at run time (Reply<T>, http::Response).
  std::string success_status = "200";
};

namespace detail {

template <class T>
inline constexpr bool is_reply_v = false;
template <class T>
inline constexpr bool is_reply_v<Reply<T>> = true;
template <int S, class T>
inline constexpr bool is_reply_v<StatusReply<S, T>> = true;

template <class R>
struct unwrap_result {
  using type = R;
};
template <class T>
struct unwrap_result<Result<T>> {
  using type = T;
};
template <class R>
using unwrap_result_t = typename unwrap_result<R>::type;

// The JSON body type of a handler's answer, or void when it is not JSON.
template <class V>
struct body_type {
  using type = V;
};
template <class T>
struct body_type<Reply<T>> {
  using type = T;
};
template <int S, class T>
struct body_type<StatusReply<S, T>> {
  using type = T;
};

template <>
struct body_type<http::Response> {
  using type = void;
};
template <>
struct body_type<std::string> {
  using type = void;
};

// HandlerDoc::success_status for an answer of type V.
template <class V>
std::string success_status_of() {
  if constexpr (requires { V::documented_status; }) return std::to_string(V::documented_status);
  else if constexpr (is_reply_v<V> || std::is_same_v<V, http::Response>) return "2XX";
  else return "200";
}

// Middleware usually adds a few headers on the way out: room for them now spares regrowing.
inline void reserve_headers(http::Response& r) {
  if (r.headers.empty()) r.headers.reserve(8);
}

// Writes a successful handler value into the context's response.
template <class V>
void write_value(Context& ctx, V&& value) {
  using D = std::remove_cvref_t<V>;
  if constexpr (std::is_same_v<D, http::Response>) {
    ctx.response() = std::forward<V>(value);
  } else if constexpr (std::is_same_v<D, std::string>) {
    auto& r = ctx.response();
    reserve_headers(r);
    r.body = std::forward<V>(value);
    if (!r.headers.contains("content-type")) r.headers.add("content-type", "text/plain; charset=utf-8");
  } else if constexpr (is_reply_v<D>) {
    auto& r = ctx.response();
    reserve_headers(r);
    r.status = value.status;
    // The reply's headers replace same-named ones; repeated names in the reply all stay.
    for (const auto& field : value.headers) r.headers.remove(field.first);
    for (const auto& field : value.headers) r.headers.add(field.first, field.second);
    r.body.clear();
    json::serialize_to(r.body, value.body);
    r.headers.set("content-type", "application/json");
  } else {
    auto& r = ctx.response();
    reserve_headers(r);
    r.body.clear();
    json::serialize_to(r.body, value);
    r.headers.set("content-type", "application/json");
  }
}

template <class R>
Result<void> finish(Context& ctx, R&& returned) {
  using D = std::remove_cvref_t<R>;
  if constexpr (std::is_same_v<D, Result<void>>) {
    return std::forward<R>(returned);
  } else if constexpr (is_result_v<D>) {
    if (!returned) return std::forward<R>(returned).error();
    write_value(ctx, std::forward<R>(returned).value());
    return {};
  } else {
    write_value(ctx, std::forward<R>(returned));
    return {};
  }
}

template <class F>
concept ContextHandler = std::invocable<F&, Context&>;

template <class F>
struct second_argument;
template <class C, class R, class A, class B>
struct second_argument<R (C::*)(A, B) const> {
  using type = std::remove_cvref_t<B>;
};
template <class C, class R, class A, class B>
struct second_argument<R (C::*)(A, B)> {
  using type = std::remove_cvref_t<B>;
};
template <class R, class A, class B>
struct second_argument<R (*)(A, B)> {
  using type = std::remove_cvref_t<B>;
};
template <class F>
struct input_of : second_argument<decltype(&F::operator())> {};
template <class R, class A, class B>
struct input_of<R (*)(A, B)> : second_argument<R (*)(A, B)> {};
template <class R, class A, class B>
struct input_of<R(A, B)> : second_argument<R (*)(A, B)> {};

// "application/json" or "application/<anything>+json", any parameters, any case.
bool is_json_content_type(std::string_view content_type) noexcept;

template <class T>
std::function<boost::json::value(json::SchemaRegistry&)> schema_function() {
  if constexpr (std::is_void_v<T>) {
    return {};
  } else {
    return [](json::SchemaRegistry& registry) { return registry.template schema_of<T>(); };
  }
}

}  // namespace detail

// The endpoint and documentation of a user handler.
struct BoundHandler {
  Endpoint endpoint;
  HandlerDoc doc;
};

template <class F>
BoundHandler bind_handler(F&& handler) {
  using Fn = std::decay_t<F>;
  if constexpr (detail::ContextHandler<Fn>) {
    using R = std::invoke_result_t<Fn&, Context&>;
    using Body = typename detail::body_type<detail::unwrap_result_t<std::remove_cvref_t<R>>>::type;
    BoundHandler bound;
    bound.endpoint = [fn = Fn(std::forward<F>(handler))](Context& ctx) mutable -> Result<void> {
      if constexpr (std::is_void_v<R>) {
        std::invoke(fn, ctx);
        return {};
      } else {
        return detail::finish(ctx, std::invoke(fn, ctx));
      }
    };
    if constexpr (!std::is_void_v<R>) {
      bound.doc.response_schema = detail::schema_function<Body>();
      bound.doc.success_status = detail::success_status_of<detail::unwrap_result_t<std::remove_cvref_t<R>>>();
    }
    return bound;
  } else {
    using In = typename detail::input_of<std::remove_pointer_t<Fn>>::type;
    static_assert(std::invocable<Fn&, Context&, In>, "a handler takes (lift::Context&) or (lift::Context&, In)");
    using R = std::invoke_result_t<Fn&, Context&, In>;
    using Body = typename detail::body_type<detail::unwrap_result_t<std::remove_cvref_t<R>>>::type;
    BoundHandler bound;
    bound.endpoint = [fn = Fn(std::forward<F>(handler))](Context& ctx) mutable -> Result<void> {
      // A declared non-JSON body is refused before parsing; no Content-Type at all is read as JSON.
      if (auto type = ctx.header("content-type"); type && !detail::is_json_content_type(*type)) {
        return errors::unsupported_media_type("expected a JSON body (Content-Type: application/json), got \"" + std::string(*type) + "\"");
      }
      auto input = json::parse<In>(ctx.body());
      if (!input) return std::move(input).error();
      if constexpr (std::is_void_v<R>) {
        std::invoke(fn, ctx, std::move(*input));
        return {};
      } else {
        return detail::finish(ctx, std::invoke(fn, ctx, std::move(*input)));
      }
    };
    bound.doc.request_schema = detail::schema_function<In>();
    if constexpr (!std::is_void_v<R>) {
      bound.doc.response_schema = detail::schema_function<Body>();
      bound.doc.success_status = detail::success_status_of<detail::unwrap_result_t<std::remove_cvref_t<R>>>();
    }
    return bound;
  }
}

}  // namespace lift
