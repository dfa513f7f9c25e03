#include "xml.hpp"

#include <memory>
#include <optional>

#include <expat.h>

#include "lift/aws/sigv4.hpp"
#include "service.hpp"

namespace lift::aws::detail {
namespace {

std::string_view local_name(std::string_view name) {
  const auto colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// Builds the tree while expat reads; the stack holds the open elements.
struct TreeBuilder {
  XML_Parser parser = nullptr;
  XmlLimits limits;
  std::optional<XmlElement> root;
  std::vector<XmlElement*> open;
  std::string failure;  // set when the builder stopped the parser

  void stop(std::string why) {
    if (failure.empty()) failure = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }

  static void on_start(void* data, const XML_Char* name, const XML_Char** /*attributes*/) {
    auto& self = *static_cast<TreeBuilder*>(data);
    if (self.open.size() >= self.limits.max_depth) {
      self.stop("its elements nest deeper than " + std::to_string(self.limits.max_depth) + " levels");
      return;
    }
    XmlElement element;
    element.name = std::string(local_name(name));
    if (self.open.empty()) {
      self.root = std::move(element);
      self.open.push_back(&*self.root);
    } else {
      // The parent's children never move while a child is open: only the innermost element grows.
      auto& children = self.open.back()->children;
      children.push_back(std::move(element));
      self.open.push_back(&children.back());
    }
  }

  static void on_end(void* data, const XML_Char* /*name*/) {
    auto& self = *static_cast<TreeBuilder*>(data);
    if (!self.open.empty()) self.open.pop_back();
  }

  static void on_text(void* data, const XML_Char* text, int length) {
    auto& self = *static_cast<TreeBuilder*>(data);
    if (!self.open.empty()) self.open.back()->text.append(text, static_cast<std::size_t>(length));
  }

  static void on_doctype(void* data, const XML_Char* /*name*/, const XML_Char* /*sysid*/, const XML_Char* /*pubid*/,
                         int /*has_internal_subset*/) {
    static_cast<TreeBuilder*>(data)->stop("it declares a DOCTYPE, which no AWS answer has");
  }
};

struct ParserDeleter {
  void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};

}  // namespace

const XmlElement* XmlElement::child(std::string_view child_name) const {
  for (const auto& element : children)
    if (element.name == child_name) return &element;
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::all(std::string_view child_name) const {
  std::vector<const XmlElement*> found;
  for (const auto& element : children)
    if (element.name == child_name) found.push_back(&element);
  return found;
}

std::string_view XmlElement::child_text(std::string_view child_name) const {
  const auto* element = child(child_name);
  return element == nullptr ? std::string_view() : std::string_view(element->text);
}

const XmlElement* XmlElement::find(std::initializer_list<std::string_view> path) const {
  const XmlElement* at = this;
  for (const auto name : path) {
    at = at->child(name);
    if (at == nullptr) return nullptr;
  }
  return at;
}

Result<XmlElement> parse_xml(std::string_view prefix, std::string_view body, XmlLimits limits) {
  const auto malformed = [&](const std::string& why) {
    return malformed_answer(prefix, std::string(prefix) + " answered with XML that cannot be read: " + why);
  };
  if (body.size() > limits.max_bytes)
    return malformed("it is larger than " + std::to_string(limits.max_bytes) + " bytes");
  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser(XML_ParserCreate("UTF-8"));
  if (!parser) return Error{std::string(prefix) + ".OutOfMemory", "no memory for an XML parser", 500};
  TreeBuilder builder;
  builder.parser = parser.get();
  builder.limits = limits;
  XML_SetUserData(parser.get(), &builder);
  XML_SetElementHandler(parser.get(), &TreeBuilder::on_start, &TreeBuilder::on_end);
  XML_SetCharacterDataHandler(parser.get(), &TreeBuilder::on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), &TreeBuilder::on_doctype);
  const auto status = XML_Parse(parser.get(), body.data(), static_cast<int>(body.size()), XML_TRUE);
  if (!builder.failure.empty()) return malformed(builder.failure);
  if (status != XML_STATUS_OK) {
    return malformed(std::string(XML_ErrorString(XML_GetErrorCode(parser.get()))) + " at line " +
                     std::to_string(XML_GetCurrentLineNumber(parser.get())) + ": " + excerpt(body));
  }
  if (!builder.root) return malformed("it has no element");
  return std::move(*builder.root);
}

Error parse_xml_error(std::string_view prefix, int http_status, std::string_view body) {
  const int status = http_status >= 200 && http_status < 300 ? 502 : http_status;
  const std::string service(prefix);
  auto document = parse_xml(prefix, body);
  const XmlElement* error = nullptr;
  if (document) error = document->name == "Error" ? &*document : document->find({"Error"});
  const std::string name = error == nullptr ? std::string() : error_name(error->child_text("Code"));
  if (name.empty()) {
    return Error{service + ".MalformedResponse",
                 service + " answered HTTP " + std::to_string(http_status) + " without an error code it can read: " + excerpt(body),
                 status};
  }
  std::string message(error->child_text("Message"));
  if (message.empty()) message = name;
  return Error{service + "." + name, std::move(message), status};
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string query_protocol_body(std::string_view action, std::string_view version,
                                const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string body = "Action=" + uri_encode(action) + "&Version=" + uri_encode(version);
  for (const auto& [name, value] : parameters) body.append("&").append(uri_encode(name)).append("=").append(uri_encode(value));
  return body;
}

}  // namespace lift::aws::detail
