// Fuzzes base64 decoding: any input either decodes or gives the typed error, and whatever
// decodes survives an encode/decode round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lift/core/base64.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool url : {false, true}) {
    auto decoded = url ? lift::base64::decode_url(text) : lift::base64::decode(text);
    if (!decoded) {
      if (decoded.error().code != "invalid_base64") std::abort();
      continue;
    }
    const auto again = url ? lift::base64::decode_url(lift::base64::encode_url(*decoded, true))
                           : lift::base64::decode(lift::base64::encode(*decoded));
    if (!again || *again != *decoded) std::abort();
  }
  return 0;
}
