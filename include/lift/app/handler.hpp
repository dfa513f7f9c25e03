#pragma once
// Handler binding: turns whatever a user's handler looks like into an Endpoint.
//
// Accepted signatures (any callable that is not a generic lambda):
//   (Context&)            -> R     the body is read from ctx if needed
//   (Context&, In)        -> R     In is bound from the JSON body (described struct, vector,
//                                  map, ...); a malformed body is 400 naming the field path,
//                                  broken validation rules 422 listing every field
//   (Context&, Query<P>, Headers<H>, In) -> R
//                                  query parameters and headers bound to described structs
//                                  (below), in any order, each at most once, with or
//                                  without a body
// and R is one of:
//   void, Result<void>             the response is what ctx.response() holds (200, empty body)
//   http::Response                 sent as is
//   Reply<T>                       a status, headers and a JSON body T
//   Ok<T>, Created<T>, Accepted<T> a Reply whose status (200, 201, 202) the OpenAPI document names;
//                                  a plain Reply<T> is documented as "2XX"
//   T                              200 with T as JSON (std::string: 200 text/plain)
//   Result<any of those>           an error becomes the error response
// so `return lift::created(todo);` and `return lift::errors::not_found();` both work in a
// handler declared `-> lift::Result<lift::Created<Todo>>` (or `lift::Reply<Todo>`). A handler
// may also `throw lift::errors::not_found();`: a thrown lift::Error is answered exactly as a
// returned one (its status, the one error body), whatever the handler returns.
// lift::stream(handler) binds a streaming route's handler, (Context&, ResponseWriter&) ->
// Result<void> (lift/app/stream.hpp).

#include <concepts>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>

#include "lift/app/context.hpp"
#include "lift/app/errors.hpp"
#include "lift/app/middleware.hpp"
#include "lift/app/stream.hpp"
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

// Typed query parameters and headers: a handler parameter `Query<P>` (or `Headers<H>`) binds
// the request's query parameters (headers) to the described struct P, one parameter per
// member, and the OpenAPI document lists them with their types and rules.
//
//   struct ListParams { std::int32_t limit = 25; std::optional<std::string> cursor; };
//   BOOST_DESCRIBE_STRUCT(ListParams, (), (limit, cursor))
//   inline void lift_rules(lift::json::Rules<ListParams>& r) { r.field(&ListParams::limit).min(1).max(100); }
//   app.get("/todos", [](lift::Context&, lift::Query<ListParams> q) { ... q.limit, q.cursor ... });
//
// A query parameter is named as its member; a header is its member's name with '_' read as
// '-' (`if_match` is If-Match; any case). Members are strings, integers (read exactly: "1.0"
// and "1e3" are not integers), floating point, bool ("true", "false", "1", "0"), described
// enums (by name), time points (RFC 3339), std::optional of those, and std::vector of those
// for a repeated parameter (`?tag=a&tag=b`). An absent parameter keeps the member's default;
// `required()` in the struct's rules makes it mandatory. A parameter given twice for a single
// member, one that does not convert, or one that breaks a rule is 400 (InvalidQuery or
// InvalidHeader) naming every such parameter in `details`, before the handler runs.
template <class P>
struct Query : P {
  using query_type = P;
};
template <class H>
struct Headers : H {
  using headers_type = H;
};

// What the OpenAPI generator knows of a route: its handler's body, parameters and answer
// types, and what its registration declared (App::route's RouteDoc).
struct HandlerDoc {
  std::function<boost::json::value(json::SchemaRegistry&)> request_schema;   // empty: no body
  std::function<boost::json::value(json::SchemaRegistry&)> response_schema;  // empty: unknown
  // The OpenAPI parameter objects of the handler's Query<P> and Headers<H>; empty: none.
  std::function<boost::json::array()> parameters;
  // The body's type (or a type inside it) declares validation rules: a 422 is possible.
  bool body_rules = false;
  // The success response's key: "200", the status of a Created<T>-like answer, or "2XX" when
  // the handler picks its status at run time (Reply<T>, http::Response).
  std::string success_status = "200";
  // Declared with RouteDoc: the error statuses the handler answers, with their descriptions
  // (empty: the status's reason phrase), and a summary of the operation.
  std::vector<std::pair<int, std::string>> errors{};
  std::string summary{};
};

// The endpoint and documentation of a user handler.
struct BoundHandler {
  Endpoint endpoint;
  HandlerDoc doc;
  bool streaming = false;  // made by lift::stream: the answer is streamed (lift/app/stream.hpp)
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

// The parameter types of a callable that is not a generic lambda, cv- and ref-stripped, as an
// mp_list; void when they cannot be named.
template <class S>
struct signature_arguments {
  using type = void;
};
template <class R, class... A>
struct signature_arguments<R(A...)> {
  using type = boost::mp11::mp_list<std::remove_cvref_t<A>...>;
};
template <class R, class... A>
struct signature_arguments<R(A...) noexcept> : signature_arguments<R(A...)> {};
template <class R, class... A>
struct signature_arguments<R (*)(A...)> : signature_arguments<R(A...)> {};
template <class R, class... A>
struct signature_arguments<R (*)(A...) noexcept> : signature_arguments<R(A...)> {};
template <class C, class R, class... A>
struct signature_arguments<R (C::*)(A...)> : signature_arguments<R(A...)> {};
template <class C, class R, class... A>
struct signature_arguments<R (C::*)(A...) const> : signature_arguments<R(A...)> {};
template <class C, class R, class... A>
struct signature_arguments<R (C::*)(A...) noexcept> : signature_arguments<R(A...)> {};
template <class C, class R, class... A>
struct signature_arguments<R (C::*)(A...) const noexcept> : signature_arguments<R(A...)> {};
template <class F>
struct arguments_of : signature_arguments<F> {};
template <class F>
  requires requires { &F::operator(); }
struct arguments_of<F> : signature_arguments<decltype(&F::operator())> {};

template <class T>
inline constexpr bool is_query_v = false;
template <class P>
inline constexpr bool is_query_v<Query<P>> = true;
template <class T>
inline constexpr bool is_headers_v = false;
template <class H>
inline constexpr bool is_headers_v<Headers<H>> = true;
// A handler parameter after the Context that is neither Query nor Headers is the body.
template <class A>
using is_body_argument = std::bool_constant<!is_query_v<A> && !is_headers_v<A>>;

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

// Whether T, or a type T holds, declares validation rules (so a body of type T can be 422).
// Bounded in depth for types that contain themselves.
template <class T>
bool declares_rules(int depth = 0) {
  namespace jd = json::detail;
  if (depth > 16) return false;
  if constexpr (jd::is_optional_v<T> || jd::is_vector_v<T> || jd::is_set_v<T> || jd::is_std_array_v<T>) {
    return declares_rules<typename T::value_type>(depth + 1);
  } else if constexpr (jd::is_string_map_v<T>) {
    return declares_rules<typename T::mapped_type>(depth + 1);
  } else if constexpr (jd::is_described_struct_v<T>) {
    if (jd::rules_for<T>() != nullptr) return true;
    bool any = false;
    boost::mp11::mp_for_each<jd::members_of<T>>([&](auto member) {
      using M = std::remove_cvref_t<decltype(std::declval<const T&>().*member.pointer)>;
      any = any || declares_rules<M>(depth + 1);
    });
    return any;
  } else {
    return false;
  }
}

// ---- query parameters and headers (Query<P>, Headers<H>) ----

enum class ParameterIn { query, header };
// How a parameter's text becomes JSON for the conversion: a number or a boolean when it reads
// as one, else a string (which the conversion then refuses with the member's path).
enum class ParameterText { string, integer, number, boolean };

boost::json::value parameter_json(ParameterText as, std::string_view text);
// The header a member stands for: `if_match` is "if-match".
std::string header_field(std::string_view member);
// A failed conversion or rule of a Query (Headers) as InvalidQuery (InvalidHeader), 400, with
// the parameters' names.
Error parameter_error(Error error, ParameterIn in);
// The OpenAPI parameter objects of a struct from its JSON Schema.
boost::json::array parameter_docs(const boost::json::object& schema, ParameterIn in);

template <class B>
constexpr ParameterText parameter_text() {
  if constexpr (std::is_same_v<B, bool>) return ParameterText::boolean;
  else if constexpr (json::detail::is_integer_v<B>) return ParameterText::integer;
  else if constexpr (std::is_floating_point_v<B>) return ParameterText::number;
  else return ParameterText::string;
}

// The element of a repeated parameter's member, or the member's type.
template <class B, bool Repeated>
struct parameter_leaf {
  using type = B;
};
template <class B>
struct parameter_leaf<B, true> {
  using type = typename B::value_type;
};

template <class P, bool CaseInsensitive>
Result<P> bind_parameters(const http::FieldMap<CaseInsensitive>& fields, ParameterIn in) {
  namespace jd = json::detail;
  static_assert(jd::is_described_struct_v<P>, "lift::Query<P> and lift::Headers<P> take a described struct (BOOST_DESCRIBE_STRUCT)");
  boost::json::object object;
  std::vector<ErrorDetail> repeated;
  boost::mp11::mp_for_each<jd::members_of<P>>([&](auto member) {
    using B = jd::unwrap_optional_t<std::remove_cvref_t<decltype(std::declval<P&>().*member.pointer)>>;
    using Leaf = typename parameter_leaf<B, jd::is_vector_v<B> || jd::is_set_v<B>>::type;
    static_assert(!jd::is_described_struct_v<Leaf> && !jd::is_string_map_v<Leaf> && !jd::is_vector_v<Leaf> && !jd::is_set_v<Leaf>,
                  "a member of a lift::Query or lift::Headers struct is a scalar, an optional or a vector of scalars");
    const std::string name = in == ParameterIn::header ? header_field(member.name) : std::string(member.name);
    const auto matches = [&](std::string_view field) {
      if constexpr (CaseInsensitive) return http::iequals(field, name);
      else return field == name;
    };
    if constexpr (jd::is_vector_v<B> || jd::is_set_v<B>) {
      boost::json::array values;
      for (const auto& [field, value] : fields) {
        if (matches(field)) values.push_back(parameter_json(parameter_text<typename B::value_type>(), value));
      }
      if (!values.empty()) object[member.name] = std::move(values);
    } else {
      std::size_t count = 0;
      for (const auto& [field, value] : fields) {
        if (matches(field) && count++ == 0) object[member.name] = parameter_json(parameter_text<B>(), value);
      }
      if (count > 1) repeated.push_back(ErrorDetail{member.name, "expected one value, got " + std::to_string(count)});
    }
  });
  if (!repeated.empty()) return parameter_error(Error{"InvalidBody", {}, 400, std::move(repeated)}, in);
  auto bound = json::parse<P>(boost::json::value(std::move(object)));
  if (!bound) return parameter_error(std::move(bound).error(), in);
  return bound;
}

template <class A>
Result<A> bind_argument(Context& ctx) {
  if constexpr (is_query_v<A>) {
    auto bound = bind_parameters<typename A::query_type>(ctx.request().query, ParameterIn::query);
    if (!bound) return std::move(bound).error();
    return A{std::move(*bound)};
  } else if constexpr (is_headers_v<A>) {
    auto bound = bind_parameters<typename A::headers_type>(ctx.request().headers, ParameterIn::header);
    if (!bound) return std::move(bound).error();
    return A{std::move(*bound)};
  } else {
    // A declared non-JSON body is refused before parsing; no Content-Type at all is read as JSON.
    if (auto type = ctx.header("content-type"); type && !is_json_content_type(*type)) {
      return errors::unsupported_media_type("expected a JSON body (Content-Type: application/json), got \"" + std::string(*type) + "\"");
    }
    return json::parse<A>(ctx.body());
  }
}

template <class A>
void append_parameter_docs(boost::json::array& out) {
  boost::json::array docs;
  if constexpr (is_query_v<A>) docs = parameter_docs(json::schema<typename A::query_type>(), ParameterIn::query);
  else if constexpr (is_headers_v<A>) docs = parameter_docs(json::schema<typename A::headers_type>(), ParameterIn::header);
  for (auto& doc : docs) out.push_back(std::move(doc));
}

// The endpoint of a handler taking (Context&, A...): each A bound in order (the first failure
// is the answer), then the handler called with them.
template <class Fn, class F, class... A>
BoundHandler bind_arguments(F&& handler, boost::mp11::mp_list<A...>);

// A streaming route's endpoint: its handler gets the route's ResponseWriter (src/app/stream.cpp).
BoundHandler bind_stream(StreamHandler handler);

}  // namespace detail

template <class F>
BoundHandler bind_handler(F&& handler) {
  using Fn = std::decay_t<F>;
  if constexpr (std::is_same_v<Fn, StreamHandler>) {
    return detail::bind_stream(std::forward<F>(handler));
  } else if constexpr (detail::ContextHandler<Fn>) {
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
    using Args = typename detail::arguments_of<std::remove_pointer_t<Fn>>::type;
    static_assert(!std::is_void_v<Args>,
                  "a handler takes (lift::Context&) or (lift::Context&, ...) with named parameter types (not a generic lambda)");
    if constexpr (!std::is_void_v<Args>) {
      static_assert(boost::mp11::mp_size<Args>::value >= 1 && std::is_same_v<boost::mp11::mp_front<Args>, Context>,
                    "a handler's first parameter is lift::Context&");
      using Rest = boost::mp11::mp_pop_front<Args>;
      static_assert(boost::mp11::mp_count_if<Rest, detail::is_body_argument>::value <= 1,
                    "a handler takes at most one body parameter (besides lift::Query<P> and lift::Headers<H>)");
      return detail::bind_arguments<Fn>(std::forward<F>(handler), Rest{});
    }
  }
}

namespace detail {

template <class Fn, class F, class... A>
BoundHandler bind_arguments(F&& handler, boost::mp11::mp_list<A...>) {
  static_assert(std::invocable<Fn&, Context&, A...>, "the handler cannot be called with the parameters it declares");
  using R = std::invoke_result_t<Fn&, Context&, A...>;
  using Body = typename body_type<unwrap_result_t<std::remove_cvref_t<R>>>::type;
  using Bodies = boost::mp11::mp_copy_if<boost::mp11::mp_list<A...>, is_body_argument>;
  BoundHandler bound;
  bound.endpoint = [fn = Fn(std::forward<F>(handler))](Context& ctx) mutable -> Result<void> {
    std::tuple<std::optional<A>...> arguments;
    std::optional<Error> failure;
    const auto bind_one = [&]<class Arg>(std::optional<Arg>& slot) {
      auto bound_argument = bind_argument<Arg>(ctx);
      if (!bound_argument) {
        failure = std::move(bound_argument).error();
        return false;
      }
      slot.emplace(std::move(*bound_argument));
      return true;
    };
    std::apply([&](auto&... slots) { (void)(bind_one(slots) && ...); }, arguments);
    if (failure) return std::move(*failure);
    return std::apply(
        [&](auto&... slots) -> Result<void> {
          if constexpr (std::is_void_v<R>) {
            std::invoke(fn, ctx, std::move(*slots)...);
            return {};
          } else {
            return finish(ctx, std::invoke(fn, ctx, std::move(*slots)...));
          }
        },
        arguments);
  };
  if constexpr (!boost::mp11::mp_empty<Bodies>::value) {
    using In = boost::mp11::mp_front<Bodies>;
    bound.doc.request_schema = schema_function<In>();
    bound.doc.body_rules = declares_rules<In>();
  }
  if constexpr ((is_query_v<A> || ...) || (is_headers_v<A> || ...)) {
    bound.doc.parameters = [] {
      boost::json::array parameters;
      (append_parameter_docs<A>(parameters), ...);
      return parameters;
    };
  }
  if constexpr (!std::is_void_v<R>) {
    bound.doc.response_schema = schema_function<Body>();
    bound.doc.success_status = success_status_of<unwrap_result_t<std::remove_cvref_t<R>>>();
  }
  return bound;
}

}  // namespace detail

}  // namespace lift
