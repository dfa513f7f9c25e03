#pragma once
// The hashes SigV4 needs, over OpenSSL's libcrypto. Private to the aws layer.

#include <string>
#include <string_view>

namespace lift::aws::detail {

std::string sha256(std::string_view data);                           // 32 raw bytes
std::string hmac_sha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string hex(std::string_view bytes);                              // lower case

}  // namespace lift::aws::detail
