#pragma once
// lift::Error and lift::Result<T>: the value-or-error type used wherever failure is expected.
//
// Three ways to pass an error on without writing `if (!x) return std::move(x).error();`:
//
//   LIFT_TRY(order, lift::json::parse<Order>(body));      // declares `order`, or returns the error
//   LIFT_TRY_VOID(table.create_table());                  // the same for a Result<void>
//   return parse<Order>(body).and_then(save).transform(to_api);  // as std::expected's (C++23)
//
// and, in a handler, `throw lift::errors::not_found();`: the app answers a thrown lift::Error
// as if the handler had returned it (lift/app/handler.hpp).

#include <concepts>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace lift {

// One failed field of a request body or a validation, named by its JSON path
// (`items[2].qty`).
struct ErrorDetail {
  std::string field;
  std::string message;

  friend bool operator==(const ErrorDetail&, const ErrorDetail&) = default;
};

// An expected failure. `code` is stable and machine-readable (it becomes a Runtime API
// errorType or the "code" of an HTTP error body); `message` is for people; `status` is the
// HTTP status used when the error reaches an HTTP caller; `details` lists every failed field
// when there are several (validation).
struct Error {
  std::string code;
  std::string message;
  int status = 500;
  std::vector<ErrorDetail> details{};

  friend bool operator==(const Error&, const Error&) = default;
};

// Thrown only when code reads the value of a failed Result (a programming error).
class BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Error& error)
      : std::logic_error("lift::Result accessed without a value: " + error.code + ": " + error.message) {}
};

template <class T>
class Result;

// True for lift::Result<T>: lets generic code tell results from plain values.
template <class T>
inline constexpr bool is_result_v = false;
template <class T>
inline constexpr bool is_result_v<Result<T>> = true;

template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cvref_t<T>, Error>, "Result<Error> is ambiguous");
  static_assert(!std::is_reference_v<T>, "Result holds values");

 public:
  using value_type = T;

  template <class U = T>
    requires(std::constructible_from<T, U &&> && !std::same_as<std::remove_cvref_t<U>, Error> &&
             !std::same_as<std::remove_cvref_t<U>, Result>)
  Result(U&& value) : state_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}      // NOLINT: implicit by design

  [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  [[nodiscard]] T& value() & { check(); return std::get<0>(state_); }
  [[nodiscard]] const T& value() const& { check(); return std::get<0>(state_); }
  [[nodiscard]] T&& value() && { check(); return std::get<0>(std::move(state_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <class U>
  [[nodiscard]] T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
  }

  template <class U>
  [[nodiscard]] T value_or(U&& fallback) && {
    return ok() ? std::get<0>(std::move(state_)) : static_cast<T>(std::forward<U>(fallback));
  }

  // The error; calling it on a successful result is a programming error.
  [[nodiscard]] const Error& error() const& {
    if (ok()) throw std::logic_error("lift::Result::error() called on a value");
    return std::get<1>(state_);
  }
  [[nodiscard]] Error&& error() && {
    if (ok()) throw std::logic_error("lift::Result::error() called on a value");
    return std::get<1>(std::move(state_));
  }

  // Monadic operations, named and behaving as std::expected's:
  //   and_then(f)         f(value) -> Result<U>; an error passes through untouched
  //   transform(f)        f(value) -> U (or void); Result<U> of what f returns
  //   or_else(f)          f(error) -> Result<T>; a value passes through untouched
  //   transform_error(f)  f(error) -> Error; a value passes through untouched
  template <class F> auto and_then(F&& f) & { return and_then_of(*this, std::forward<F>(f)); }
  template <class F> auto and_then(F&& f) const& { return and_then_of(*this, std::forward<F>(f)); }
  template <class F> auto and_then(F&& f) && { return and_then_of(std::move(*this), std::forward<F>(f)); }
  template <class F> auto transform(F&& f) & { return transform_of(*this, std::forward<F>(f)); }
  template <class F> auto transform(F&& f) const& { return transform_of(*this, std::forward<F>(f)); }
  template <class F> auto transform(F&& f) && { return transform_of(std::move(*this), std::forward<F>(f)); }
  template <class F> Result or_else(F&& f) const& { return or_else_of(*this, std::forward<F>(f)); }
  template <class F> Result or_else(F&& f) && { return or_else_of(std::move(*this), std::forward<F>(f)); }
  template <class F> Result transform_error(F&& f) const& { return transform_error_of(*this, std::forward<F>(f)); }
  template <class F> Result transform_error(F&& f) && { return transform_error_of(std::move(*this), std::forward<F>(f)); }

 private:
  void check() const {
    if (!ok()) throw BadResultAccess(std::get<1>(state_));
  }

  // `Self` is Result&, const Result& or Result&&: the value and the error are passed on as such.
  template <class Self, class F>
  static auto and_then_of(Self&& self, F&& f) {
    using U = std::remove_cvref_t<std::invoke_result_t<F, decltype(std::get<0>(std::forward<Self>(self).state_))>>;
    static_assert(is_result_v<U>, "lift::Result::and_then: the function must return a lift::Result");
    if (self.ok()) return std::invoke(std::forward<F>(f), std::get<0>(std::forward<Self>(self).state_));
    return U(std::get<1>(std::forward<Self>(self).state_));
  }
  template <class Self, class F>
  static auto transform_of(Self&& self, F&& f) {
    using U = std::remove_cvref_t<std::invoke_result_t<F, decltype(std::get<0>(std::forward<Self>(self).state_))>>;
    if (!self.ok()) return Result<U>(std::get<1>(std::forward<Self>(self).state_));
    if constexpr (std::is_void_v<U>) {
      std::invoke(std::forward<F>(f), std::get<0>(std::forward<Self>(self).state_));
      return Result<U>();
    } else {
      return Result<U>(std::invoke(std::forward<F>(f), std::get<0>(std::forward<Self>(self).state_)));
    }
  }
  template <class Self, class F>
  static Result or_else_of(Self&& self, F&& f) {
    using G = std::remove_cvref_t<std::invoke_result_t<F, decltype(std::get<1>(std::forward<Self>(self).state_))>>;
    static_assert(std::is_same_v<G, Result>, "lift::Result<T>::or_else: the function must return a lift::Result<T>");
    if (self.ok()) return Result(std::get<0>(std::forward<Self>(self).state_));
    return std::invoke(std::forward<F>(f), std::get<1>(std::forward<Self>(self).state_));
  }
  template <class Self, class F>
  static Result transform_error_of(Self&& self, F&& f) {
    static_assert(std::is_same_v<std::remove_cvref_t<std::invoke_result_t<F, decltype(std::get<1>(std::forward<Self>(self).state_))>>, Error>,
                  "lift::Result::transform_error: the function must return a lift::Error");
    if (self.ok()) return Result(std::get<0>(std::forward<Self>(self).state_));
    return Result(std::invoke(std::forward<F>(f), std::get<1>(std::forward<Self>(self).state_)));
  }

  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;

  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  [[nodiscard]] bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  void value() const {
    if (error_) throw BadResultAccess(*error_);
  }
  [[nodiscard]] const Error& error() const& {
    if (!error_) throw std::logic_error("lift::Result::error() called on a value");
    return *error_;
  }
  [[nodiscard]] Error&& error() && {
    if (!error_) throw std::logic_error("lift::Result::error() called on a value");
    return std::move(*error_);
  }

  // As Result<T>'s, with functions that take no value: and_then(f) f() -> Result<U>,
  // transform(f) f() -> U (or void), or_else(f) f(error) -> Result<void>,
  // transform_error(f) f(error) -> Error.
  template <class F> auto and_then(F&& f) const& { return and_then_of(*this, std::forward<F>(f)); }
  template <class F> auto and_then(F&& f) && { return and_then_of(std::move(*this), std::forward<F>(f)); }
  template <class F> auto transform(F&& f) const& { return transform_of(*this, std::forward<F>(f)); }
  template <class F> auto transform(F&& f) && { return transform_of(std::move(*this), std::forward<F>(f)); }
  template <class F> Result or_else(F&& f) const& { return or_else_of(*this, std::forward<F>(f)); }
  template <class F> Result or_else(F&& f) && { return or_else_of(std::move(*this), std::forward<F>(f)); }
  template <class F> Result transform_error(F&& f) const& { return transform_error_of(*this, std::forward<F>(f)); }
  template <class F> Result transform_error(F&& f) && { return transform_error_of(std::move(*this), std::forward<F>(f)); }

 private:
  template <class Self, class F>
  static auto and_then_of(Self&& self, F&& f) {
    using U = std::remove_cvref_t<std::invoke_result_t<F>>;
    static_assert(is_result_v<U>, "lift::Result::and_then: the function must return a lift::Result");
    if (self.ok()) return std::invoke(std::forward<F>(f));
    return U(*std::forward<Self>(self).error_);
  }
  template <class Self, class F>
  static auto transform_of(Self&& self, F&& f) {
    using U = std::remove_cvref_t<std::invoke_result_t<F>>;
    if (!self.ok()) return Result<U>(*std::forward<Self>(self).error_);
    if constexpr (std::is_void_v<U>) {
      std::invoke(std::forward<F>(f));
      return Result<U>();
    } else {
      return Result<U>(std::invoke(std::forward<F>(f)));
    }
  }
  template <class Self, class F>
  static Result or_else_of(Self&& self, F&& f) {
    using G = std::remove_cvref_t<std::invoke_result_t<F, decltype(*std::forward<Self>(self).error_)>>;
    static_assert(std::is_same_v<G, Result>, "lift::Result<void>::or_else: the function must return a lift::Result<void>");
    if (self.ok()) return {};
    return std::invoke(std::forward<F>(f), *std::forward<Self>(self).error_);
  }
  template <class Self, class F>
  static Result transform_error_of(Self&& self, F&& f) {
    static_assert(std::is_same_v<std::remove_cvref_t<std::invoke_result_t<F, decltype(*std::forward<Self>(self).error_)>>, Error>,
                  "lift::Result::transform_error: the function must return a lift::Error");
    if (self.ok()) return {};
    return Result(std::invoke(std::forward<F>(f), *std::forward<Self>(self).error_));
  }

  std::optional<Error> error_;
};

// Success for Result<void>: `return lift::ok();`
inline Result<void> ok() { return {}; }

}  // namespace lift

// LIFT_TRY(name, expr): `expr` is a lift::Result<T>; its value becomes a new variable `name`
// (`auto name`), or its error is returned from the enclosing function, which returns any
// lift::Result<U>. LIFT_TRY_VOID(expr) is the same for a Result<void>: the error is returned,
// nothing is declared.
//
//   lift::Result<Receipt> ship(const std::string& body) {
//     LIFT_TRY(order, lift::json::parse<Order>(body));
//     LIFT_TRY_VOID(check_stock(order));
//     return Receipt{order.id};
//   }
#define LIFT_TRY(name, ...) LIFT_TRY_DETAIL_(LIFT_TRY_DETAIL_NAME_(lift_try_result_, __COUNTER__), name, __VA_ARGS__)
#define LIFT_TRY_VOID(...)                                                                                   \
  do {                                                                                                       \
    auto lift_try_result_ = (__VA_ARGS__);                                                                   \
    static_assert(::lift::is_result_v<decltype(lift_try_result_)>, "LIFT_TRY_VOID takes a lift::Result");   \
    if (!lift_try_result_) return std::move(lift_try_result_).error();                                      \
  } while (false)

#define LIFT_TRY_DETAIL_NAME_(prefix, counter) LIFT_TRY_DETAIL_CONCAT_(prefix, counter)
#define LIFT_TRY_DETAIL_CONCAT_(a, b) a##b
#define LIFT_TRY_DETAIL_(result, name, ...)                                                      \
  auto result = (__VA_ARGS__);                                                                   \
  static_assert(::lift::is_result_v<decltype(result)>, "LIFT_TRY takes a lift::Result");         \
  static_assert(!std::is_void_v<typename decltype(result)::value_type>,                          \
                "LIFT_TRY of a lift::Result<void> declares nothing: use LIFT_TRY_VOID(expr)");   \
  if (!result) return std::move(result).error();                                                 \
  auto name = std::move(result).value()
