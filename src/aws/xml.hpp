#pragma once
// XML as the AWS query protocol (STS, SNS) and the REST-XML protocol (S3) answer it, private to
// the aws layer: a small element tree read with expat, and the query protocol's XML errors.
// Read-only and bounded (depth, size); DOCTYPE declarations are refused, so no entity expansion.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lift/core/result.hpp"

namespace lift::aws::detail {

// One element: its local name (any "prefix:" removed), the character data directly inside it
// (concatenated, untrimmed) and its child elements in document order. Attributes are not kept:
// no AWS answer lift reads carries data in them.
struct XmlElement {
  std::string name;
  std::string text;
  std::vector<XmlElement> children;

  // The first child named `child_name`, or null.
  [[nodiscard]] const XmlElement* child(std::string_view child_name) const;
  // Every child named `child_name`, in order.
  [[nodiscard]] std::vector<const XmlElement*> all(std::string_view child_name) const;
  // The text of the first child named `child_name`; empty when there is none.
  [[nodiscard]] std::string_view child_text(std::string_view child_name) const;
  // The element at the end of `path` (child names from this element), or null.
  [[nodiscard]] const XmlElement* find(std::initializer_list<std::string_view> path) const;
};

struct XmlLimits {
  std::size_t max_depth = 64;
  std::size_t max_bytes = 16u << 20;
};

// The root element of `body`. Errors: "<prefix>.MalformedResponse" (502) naming what is wrong
// (not XML, too deep, too large, a DOCTYPE).
Result<XmlElement> parse_xml(std::string_view prefix, std::string_view body, XmlLimits limits = {});

// An error answer of the query protocol (`<ErrorResponse><Error><Code>..</Code><Message>..`) or
// of S3 (`<Error><Code>..`) as an Error coded "<prefix>.<Code>" with the HTTP status (a 2xx
// becomes 502). Without a readable code: "<prefix>.MalformedResponse". Never fails.
Error parse_xml_error(std::string_view prefix, int http_status, std::string_view body);

// `text` with &, <, >, " and ' escaped, for XML request bodies.
std::string xml_escape(std::string_view text);

// The body of a query protocol request: "Action=<action>&Version=<version>" followed by
// `parameters` in the order given, each name and value percent-encoded as SigV4 encodes them.
std::string query_protocol_body(std::string_view action, std::string_view version,
                                const std::vector<std::pair<std::string, std::string>>& parameters);

}  // namespace lift::aws::detail
