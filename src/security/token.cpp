#include "lift/security/token.hpp"

#include "lift/core/percent.hpp"
#include "lift/core/text.hpp"
#include "lift/security/errors.hpp"

namespace lift::security {

namespace {

// RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_b64token(std::string_view token) {
  std::size_t i = 0;
  for (; i < token.size(); ++i) {
    const char c = token[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                    c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) break;
  }
  if (i == 0) return false;
  for (; i < token.size(); ++i)
    if (token[i] != '=') return false;
  return true;
}

}  // namespace

Result<std::string_view> bearer_token(std::string_view authorization) {
  authorization = trim_blanks(authorization);
  const auto space = authorization.find(' ');
  const auto scheme = authorization.substr(0, space);
  if (authorization.empty() || !iequals(scheme, "bearer"))
    return unauthorized(AuthReason::no_token, "no bearer token");
  const auto token = space == std::string_view::npos ? std::string_view{} : trim_blanks(authorization.substr(space));
  if (token.empty() || !is_b64token(token)) return unauthorized(AuthReason::malformed, "the bearer token is malformed");
  return token;
}

std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    const auto end = cookie_header.find(';');
    const auto pair = trim_blanks(cookie_header.substr(0, end));
    cookie_header = end == std::string_view::npos ? std::string_view{} : cookie_header.substr(end + 1);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos || trim_blanks(pair.substr(0, equals)) != name) continue;
    auto value = trim_blanks(pair.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return value;
  }
  return std::nullopt;
}

std::optional<std::string> query_value(std::string_view query_string, std::string_view name) {
  if (!query_string.empty() && query_string.front() == '?') query_string.remove_prefix(1);
  while (!query_string.empty()) {
    const auto end = query_string.find('&');
    const auto pair = query_string.substr(0, end);
    query_string = end == std::string_view::npos ? std::string_view{} : query_string.substr(end + 1);
    const auto equals = pair.find('=');
    if (percent::decode(pair.substr(0, equals), percent::Plus::space) != name) continue;
    return equals == std::string_view::npos ? std::string{} : percent::decode(pair.substr(equals + 1), percent::Plus::space);
  }
  return std::nullopt;
}

Result<std::string> extract_token(const TokenLookups& lookups, std::span<const TokenSource> sources) {
  for (const auto& source : sources) {
    switch (source.kind) {
      case TokenSource::bearer: {
        if (!lookups.header) break;
        const auto value = lookups.header(source.name.empty() ? std::string_view("authorization") : source.name);
        if (!value) break;
        auto token = bearer_token(*value);
        if (token) return std::string(*token);
        if (reason_of(token.error()) != to_string(AuthReason::no_token)) return token.error();
        break;
      }
      case TokenSource::header:
        if (!lookups.header) break;
        if (const auto value = lookups.header(source.name); value && !trim_blanks(*value).empty()) return std::string(trim_blanks(*value));
        break;
      case TokenSource::cookie:
        if (!lookups.cookie) break;
        if (const auto value = lookups.cookie(source.name); value && !value->empty()) return std::string(*value);
        break;
      case TokenSource::query:
        if (!lookups.query) break;
        if (auto value = lookups.query(source.name); value && !value->empty()) return std::move(*value);
        break;
    }
  }
  return unauthorized(AuthReason::no_token, "no credential in the request");
}

}  // namespace lift::security
