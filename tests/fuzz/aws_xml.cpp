// Fuzzes the XML the aws layer reads from the network (query protocol and S3 answers and their
// errors): any input gives an element tree or a typed error; nothing crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "aws/xml.hpp"

namespace {

// Walks the tree, so that every element the parser built is read.
std::size_t count(const lift::aws::detail::XmlElement& element) {
  std::size_t total = 1 + element.text.size() / 1024;
  for (const auto& child : element.children) total += count(child);
  return total;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto root = lift::aws::detail::parse_xml("S3", input);
  if (root && count(*root) == 0) std::abort();
  if (!root && root.error().code != "S3.MalformedResponse") std::abort();
  const auto error = lift::aws::detail::parse_xml_error("STS", 403, input);
  if (!error.code.starts_with("STS.") || error.status != 403) std::abort();
  return 0;
}
