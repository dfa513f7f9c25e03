#pragma once
// Reading the resilience layer's settings written as text (LIFT_FAULTS, breaker options in an
// environment variable): the one trim, number and duration reader they share.

#include <charconv>
#include <chrono>
#include <cmath>
#include <optional>
#include <string_view>
#include <system_error>

#include "lift/core/text.hpp"

namespace lift::resilience::detail {

// `text` without the spaces and tabs around it (the core's one trim).
inline std::string_view trim(std::string_view text) { return trim_blanks(text); }

// The whole of `text` as a number, or nullopt.
template <class Number>
std::optional<Number> number(std::string_view text) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// "300ms", "2s", "1.5s" (decimals allowed); nullopt without a unit or for anything else.
inline std::optional<std::chrono::milliseconds> duration(std::string_view text) {
  double scale = 0;
  if (text.ends_with("ms")) {
    text.remove_suffix(2);
    scale = 1;
  } else if (text.ends_with("s")) {
    text.remove_suffix(1);
    scale = 1000;
  } else {
    return std::nullopt;
  }
  const auto value = number<double>(text);
  // Lambda's longest timeout is 15 minutes: a day bounds every sensible duration and keeps the
  // conversion far from overflowing.
  if (!value || !std::isfinite(*value) || std::fabs(*value * scale) > 86'400'000.0) return std::nullopt;
  return std::chrono::milliseconds(std::llround(*value * scale));
}

}  // namespace lift::resilience::detail
