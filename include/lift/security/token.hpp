#pragma once
// Finding the credential in a request, over plain strings so that any transport can use it:
// the Authorization header ("Bearer <token>"), a cookie, or a query parameter.
//
//   auto token = lift::security::extract_token(
//       {.header = [&](std::string_view n) { return request.header(n); },
//        .cookie = [&](std::string_view n) { return request.cookie(n); }},
//       {{lift::security::TokenSource::bearer}, {lift::security::TokenSource::cookie, "session"}});

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "lift/core/result.hpp"

namespace lift::security {

// The token of an Authorization header value: scheme "Bearer" (any case), one or more spaces,
// then a token of RFC 6750 characters. Errors: no_token (empty or another scheme), malformed.
Result<std::string_view> bearer_token(std::string_view authorization);

// The value of cookie `name` in a Cookie header ("a=1; b=2"); quotes around it are removed.
std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name);

// The percent-decoded value of parameter `name` in a query string ("a=1&b=2", no '?').
std::optional<std::string> query_value(std::string_view query_string, std::string_view name);

struct TokenSource {
  enum Kind { bearer, header, cookie, query };
  Kind kind = bearer;
  std::string name{};  // header (bearer: "authorization" when empty), cookie or parameter name
};

// Lookups into the request; a null one means "this request has none".
struct TokenLookups {
  std::function<std::optional<std::string_view>(std::string_view)> header{};  // case-insensitive
  std::function<std::optional<std::string_view>(std::string_view)> cookie{};
  std::function<std::optional<std::string>(std::string_view)> query{};          // decoded
};

// The first source, in order, that holds a token. A bearer header of another scheme counts as
// absent; a malformed one is an error. Errors: no_token, malformed (401).
Result<std::string> extract_token(const TokenLookups& lookups, std::span<const TokenSource> sources);

}  // namespace lift::security
