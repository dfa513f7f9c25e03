#pragma once
// lift::Error and lift::Result<T>: the value-or-error type used wherever failure is expected.

#include <concepts>
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

  // The error; calling it on a successful result is a programming error.
  [[nodiscard]] const Error& error() const& {
    if (ok()) throw std::logic_error("lift::Result::error() called on a value");
    return std::get<1>(state_);
  }
  [[nodiscard]] Error&& error() && {
    if (ok()) throw std::logic_error("lift::Result::error() called on a value");
    return std::get<1>(std::move(state_));
  }

 private:
  void check() const {
    if (!ok()) throw BadResultAccess(std::get<1>(state_));
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

 private:
  std::optional<Error> error_;
};

// True for lift::Result<T>: lets generic code tell results from plain values.
template <class T>
inline constexpr bool is_result_v = false;
template <class T>
inline constexpr bool is_result_v<Result<T>> = true;

// Success for Result<void>: `return lift::ok();`
inline Result<void> ok() { return {}; }

}  // namespace lift
