// Event adapters: bytes → JSON → detect → Request → answer in the source's shape.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lift/events/detect.hpp"
#include "lift/http/adapters.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::json::error_code ec;
  auto event = boost::json::parse(text, ec);
  if (ec) return 0;
  const auto kind = lift::events::detect(event);
  // Every HTTP adapter sees every input, whatever its detected kind.
  for (auto k : {kind, lift::events::Kind::apigw_rest, lift::events::Kind::apigw_http, lift::events::Kind::alb,
                 lift::events::Kind::apigw_websocket}) {
    auto request = lift::http::request_from_event(event, k);
    if (!request) continue;
    auto response = lift::http::Response::text(200, request->body);
    response.headers = request->headers;
    auto answer = lift::http::serialize_response(response, *request);
    boost::json::parse(answer, ec);
    if (ec) __builtin_trap();  // the answer must always be valid JSON
  }
  return 0;
}
