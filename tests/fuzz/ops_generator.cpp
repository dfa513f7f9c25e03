// Fuzzes what `lift ops` reads: an OpenAPI document (the function's), an overrides file and
// --route-p99 specs. Typed errors only, never a crash; whatever is accepted gives a document
// whose CloudFormation fragment is made and printed.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <boost/json.hpp>

#include "ops_generator.hpp"

namespace ops = lift::cli::ops;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // One input: "OPENAPI\n---\nOVERRIDES\n---\nROUTE SPEC" (missing parts are empty).
  const auto first = bytes.find("\n---\n");
  const auto openapi_text = bytes.substr(0, first);
  const auto rest = first == std::string_view::npos ? std::string_view() : bytes.substr(first + 5);
  const auto second = rest.find("\n---\n");
  const auto overrides_text = rest.substr(0, second);
  const auto spec = second == std::string_view::npos ? std::string_view() : rest.substr(second + 5);

  boost::json::error_code ec;
  const auto openapi = boost::json::parse(openapi_text, ec);
  if (ec) return 0;
  auto routes = ops::routes_of_openapi(openapi);
  if (!routes) {
    if (routes.error().code != "Ops.BadOpenApi") std::abort();
    return 0;
  }
  ops::Options options;
  options.service = "fuzz";
  if (const auto overrides = boost::json::parse(overrides_text, ec); !ec) {
    if (auto applied = ops::apply_overrides(options, overrides, *routes); !applied && applied.error().code != "Ops.BadFlag") std::abort();
  }
  if (auto added = ops::add_route_p99(options.thresholds, spec, *routes); !added && added.error().code != "Ops.BadFlag") std::abort();
  auto document = ops::ops_document(*routes, options);
  if (!document) {
    if (document.error().code != "Ops.BadFlag") std::abort();
    return 0;
  }
  auto fragment = ops::cloudformation_fragment(*document, {.function_resource = "", .id_prefix = ""});
  if (!fragment) std::abort();  // a document the generator made is always a valid input
  (void)ops::pretty(*fragment);
  return 0;
}
