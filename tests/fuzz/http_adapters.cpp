// Event adapters: bytes → JSON → detect → Request → answer in the source's shape. And the
// streaming HTTP API reader against the DOM path: whenever it answers, the DOM path (as
// App::invoke runs it) gives the same Request.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lift/events/detect.hpp"
#include "lift/http/adapters.hpp"
#include "lift/json/document.hpp"

namespace {

bool same(const lift::http::Request& a, const lift::http::Request& b) {
  return a.method == b.method && a.path == b.path && a.raw_path == b.raw_path && a.headers == b.headers &&
         a.query == b.query && a.cookies == b.cookies && a.body == b.body && a.source_ip == b.source_ip &&
         a.stage == b.stage && a.request_id == b.request_id && a.source == b.source && a.params == b.params &&
         a.source_details == b.source_details;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto fast = lift::http::read_http_api_event(text)) {
    auto document = lift::json::parse_document(text);
    if (!document) __builtin_trap();
    const auto kind = lift::events::detect(*document);
    if (kind != lift::events::kind_of<lift::events::ApiGatewayHttp> && kind != lift::events::kind_of<lift::events::FunctionUrl>) __builtin_trap();
    auto slow = lift::http::request_from_event(*document, kind);
    if (!slow || !same(*fast, *slow)) __builtin_trap();
  }
  boost::json::error_code ec;
  auto event = boost::json::parse(text, ec);
  if (ec) return 0;
  const auto kind = lift::events::detect(event);
  // Every HTTP adapter sees every input, whatever its detected kind.
  for (auto k : {kind, lift::events::kind_of<lift::events::ApiGatewayRest>, lift::events::kind_of<lift::events::ApiGatewayHttp>, lift::events::kind_of<lift::events::Alb>,
                 lift::events::kind_of<lift::events::ApiGatewayWebSocket>}) {
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
