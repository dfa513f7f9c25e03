#pragma once
// Percent-decoding (RFC 3986 section 2.1) of paths and query strings, with the two choices the
// callers differ in: whether '+' is a space, and whether a malformed escape is an error.
// (Encoding is Boost.URL's encode, with the character set each caller keeps.)

#include <string>
#include <string_view>

namespace lift::percent {

// Whether '+' stands for a space: it does in form-encoded query strings, not in paths.
enum class Plus : bool { literal, space };

// Decodes the %XX escapes of `text` into `out` (replaced). A '%' without two hex digits after
// it is copied as written, as API Gateway does; the result is false when there was one, for
// the callers that refuse such text.
bool decode(std::string_view text, std::string& out, Plus plus = Plus::literal);

// As above, keeping malformed escapes as written.
std::string decode(std::string_view text, Plus plus = Plus::literal);

}  // namespace lift::percent
