// Non-template parts of validation: bounds, code points, e-mail addresses, the error value.

#include <algorithm>
#include <string>

#include "lift/json/validation.hpp"

namespace lift::json::detail {

boost::json::value Bound::to_json() const {
  switch (kind) {
    case Kind::signed_integer: return boost::json::value(i);
    case Kind::unsigned_integer: return boost::json::value(u);
    case Kind::floating: break;
  }
  return boost::json::value(d);
}

std::string Bound::to_string() const {
  switch (kind) {
    case Kind::signed_integer: return std::to_string(i);
    case Kind::unsigned_integer: return std::to_string(u);
    case Kind::floating: break;
  }
  std::string text;
  append_double(text, d);
  return text;
}

double Bound::as_double() const noexcept {
  switch (kind) {
    case Kind::signed_integer: return static_cast<double>(i);
    case Kind::unsigned_integer: return static_cast<double>(u);
    case Kind::floating: break;
  }
  return d;
}

std::size_t count_code_points(std::string_view text) noexcept {
  // Every byte that is not a UTF-8 continuation byte (10xxxxxx) starts a code point.
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

namespace {

bool is_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 dot-atom characters (no quoted local parts, no comments).
bool is_atom_char(char c) noexcept {
  return is_alnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

}  // namespace

bool is_email(std::string_view text) noexcept {
  // local@domain: a dot-atom local part of at most 64 characters, a domain of at least two
  // DNS labels (letters, digits, inner hyphens; 63 characters each), 254 characters in all.
  if (text.size() > 254) return false;
  const auto at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  const auto local = text.substr(0, at);
  const auto domain = text.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  for (char c : local) {
    if (c != '.' && !is_atom_char(c)) return false;
  }
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const auto label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (c != '-' && !is_alnum(c)) return false;
    }
    ++labels;
    start = end + 1;
  }
  return labels >= 2;
}

Error validation_failed(std::vector<ErrorDetail> details) {
  std::string message;
  if (!details.empty()) {
    const auto& first = details.front();
    message = first.field.empty() ? first.message : first.field + ": " + first.message;
    if (details.size() > 1) {
      const auto more = details.size() - 1;
      message += " (and " + std::to_string(more) + (more == 1 ? " more problem)" : " more problems)");
    }
  } else {
    message = "validation failed";
  }
  return Error{"ValidationFailed", std::move(message), 422, std::move(details)};
}

}  // namespace lift::json::detail
