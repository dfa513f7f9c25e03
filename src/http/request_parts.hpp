#pragma once
// Pieces of turning an event into a Request that both the DOM adapters (adapters.cpp) and the
// streaming HTTP API reader (http_api_reader.cpp) use, so the two read events the same way.

#include <string>
#include <string_view>

#include "lift/http/message.hpp"

namespace lift::http::detail {

// "a=1; b=2" into cookies; a pair without '=' has an empty name (RFC 6265bis 5.6).
void parse_cookie_header(std::string_view header, Cookies& out);
// HTTP API's rawQueryString ("a=1&b=x%20y&a=2"), '+' as space; false on a bad escape.
bool parse_raw_query(std::string_view query, QueryParams& out);
void upper_case(std::string& s) noexcept;
// Fills path (decoded) from raw_path ("/" when empty); false on a bad escape.
bool decode_path(Request& request);
// Cookies from every Cookie header, for sources without a cookies list.
void cookies_from_headers(Request& request);
// HTTP API's rawPath without a named stage's prefix ("/prod/users" → "/users" for "prod").
std::string_view without_stage(std::string_view raw_path, std::string_view stage) noexcept;
// The body, base64-decoded when flagged (kept as sent when it is not valid base64).
void assign_body(Request& request, std::string_view body, bool base64);

}  // namespace lift::http::detail
