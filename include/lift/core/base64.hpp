#pragma once
// Base64 (RFC 4648 section 4) and base64url (section 5) encoding and decoding.

#include <string>
#include <string_view>

#include "lift/core/result.hpp"

namespace lift::base64 {

// Standard alphabet with '=' padding.
std::string encode(std::string_view bytes);
// URL-safe alphabet; `pad` adds '=' padding (JWT omits it, DynamORM cursors keep it).
std::string encode_url(std::string_view bytes, bool pad = false);

// Decodes the standard alphabet. Padding is optional; whitespace, wrong characters, a
// wrong length or non-zero trailing bits give an Error with code "invalid_base64".
Result<std::string> decode(std::string_view text);
// Decodes the URL-safe alphabet, padding optional.
Result<std::string> decode_url(std::string_view text);

}  // namespace lift::base64
