#pragma once
// Answering from a fallback (a stale cached value, a default) when a call fails or a breaker or
// bulkhead refused it, with the reason written as one log line.
//
//   auto rates = lift::resilience::with_fallback(
//       [&] { return breaker.call([&] { return fetch_rates(); }); },
//       [&](const lift::Error&) { return cache.last_rates(); },    // or a plain value
//       {.name = "exchange rates"});
//
// The fallback is a value convertible to the call's T, or a function taking the failure (const
// lift::Error&) or nothing and returning T or lift::Result<T> (a fallback may fail too). A call
// returning lift::Result<void> takes a function. An exception thrown by the call propagates.

#include <cstdio>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "lift/core/result.hpp"

namespace lift::resilience {

struct FallbackOptions {
  // What fell back, in the log line ("exchange rates").
  std::string name = "fallback";
  // Which failures the fallback answers; empty: every failure (others are returned as they are).
  std::function<bool(const Error&)> when{};
  // Where the line is written; null: nowhere.
  std::FILE* log = stderr;
};

namespace detail {

// {"level":"WARN","message":"fallback used","fallback":name,"reason":"circuit_open" |
// "bulkhead_full" | "call_failed","error_code":...,"error":...}
void log_fallback(const FallbackOptions& options, const Error& error) noexcept;

template <class R, class V>
R as_result(V&& value) {
  if constexpr (is_result_v<std::remove_cvref_t<V>>) {
    return R(std::forward<V>(value));
  } else {
    return R(typename R::value_type(std::forward<V>(value)));
  }
}

template <class R, class G>
R answer_from(G& fallback, const Error& error) {
  if constexpr (std::is_invocable_v<G&, const Error&>) {
    if constexpr (std::is_void_v<std::invoke_result_t<G&, const Error&>>) {
      std::invoke(fallback, error);
      return R();
    } else {
      return as_result<R>(std::invoke(fallback, error));
    }
  } else if constexpr (std::is_invocable_v<G&>) {
    if constexpr (std::is_void_v<std::invoke_result_t<G&>>) {
      std::invoke(fallback);
      return R();
    } else {
      return as_result<R>(std::invoke(fallback));
    }
  } else {
    static_assert(!std::is_void_v<typename R::value_type>, "lift::resilience::with_fallback: a Result<void> call takes a function");
    return as_result<R>(fallback);
  }
}

}  // namespace detail

// `fn()` (returning any lift::Result<T>); when it fails and `options.when` accepts the failure,
// the fallback's answer instead, after a log line that names the fallback and the failure.
template <class F, class G>
auto with_fallback(F&& fn, G&& fallback, const FallbackOptions& options = {}) -> std::remove_cvref_t<std::invoke_result_t<F&>> {
  using R = std::remove_cvref_t<std::invoke_result_t<F&>>;
  static_assert(is_result_v<R>, "lift::resilience::with_fallback: the call must return a lift::Result");
  R result = std::invoke(fn);
  if (result.ok() || (options.when && !options.when(result.error()))) return result;
  detail::log_fallback(options, result.error());
  return detail::answer_from<R>(fallback, result.error());
}

}  // namespace lift::resilience
