// Fuzzes the raw HTTP request reader and the signer behind `lift aws sign`: any input is a
// request or a typed error, and any request either signs or gives the typed error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lift/aws/sigv4.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto request = lift::aws::parse_http_request(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!request) return 0;
  for (auto mode : {lift::aws::SigningMode::header, lift::aws::SigningMode::query}) {
    for (bool normalize : {true, false}) {
      lift::aws::SigningParams params;
      params.credentials = {"AKIDEXAMPLE", "secret", "token"};
      params.region = "us-east-1";
      params.service = "service";
      params.mode = mode;
      params.normalize_path = normalize;
      auto signed_request = lift::aws::sign(*request, params);
      if (signed_request) {
        if (signed_request->signature.size() != 64) std::abort();
      } else if (signed_request.error().code != "aws.invalid_request") {
        std::abort();
      }
    }
  }
  return 0;
}
