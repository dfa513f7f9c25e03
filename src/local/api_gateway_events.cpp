#include "api_gateway_events.hpp"

#include <algorithm>
#include <optional>

#include <boost/json.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/utf8.hpp"

namespace lift::local::detail {
namespace {

namespace json = boost::json;

struct Target {
  std::string raw_path;   // still encoded
  std::string raw_query;  // without '?'
};

Target split_target(std::string_view target) {
  // An absolute-form target ("http://host/path") names the path after the authority.
  if (const auto scheme = target.find("://"); scheme != std::string_view::npos && !target.starts_with('/')) {
    const auto slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  Target out;
  const auto question = target.find('?');
  out.raw_path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) out.raw_query = std::string(target.substr(question + 1));
  if (out.raw_path.empty()) out.raw_path = "/";
  return out;
}

// ---- answers ---------------------------------------------------------------------------------

std::optional<std::string> scalar_text(const json::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_int64()) return std::to_string(value.as_int64());
  if (value.is_uint64()) return std::to_string(value.as_uint64());
  if (value.is_double() || value.is_bool()) return json::serialize(value);
  return std::nullopt;
}

GatewayAnswer malformed(std::string problem) {
  return gateway_error(502, "Internal Server Error", "malformed response from the function: " + std::move(problem));
}

bool has_header(const HeaderList& headers, std::string_view name) { return !events::header_value(headers, name).empty(); }

// Control characters (all but HTAB) cannot travel in a header value; the rest can.
bool control_character(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && byte != '\t') || byte == 0x7f;
}

// Makes `answer` something HTTP/1.1 can carry, or says why it cannot be.
std::string make_sendable(GatewayAnswer& answer) {
  std::size_t header_bytes = 0;
  for (auto& [name, value] : answer.headers) {
    if (!events::is_http_token(name)) {
      return "header name \"" + replace_invalid_utf8(name.substr(0, 100)) + "\" is not an HTTP token";
    }
    std::erase_if(value, control_character);
    header_bytes += name.size() + value.size() + 4;
  }
  if (header_bytes > kMaxAnswerHeaderBytes) {
    return "the headers are " + std::to_string(header_bytes) + " bytes, over the limit of " + std::to_string(kMaxAnswerHeaderBytes);
  }
  if ((answer.status == 204 || answer.status == 304) && !answer.body.empty()) {
    answer.notice = "the function's " + std::to_string(answer.status) + " answer had a body of " +
                    std::to_string(answer.body.size()) + " bytes; dropped (a " + std::to_string(answer.status) +
                    " answer has none)";
    answer.body.clear();
  }
  return {};
}

// The members shared by both payload formats. `rest` makes unknown members an error.
GatewayAnswer structured_answer(const json::object& answer, bool rest) {
  GatewayAnswer out;
  for (const auto& member : answer) {
    const std::string_view key = member.key();
    const bool known = key == "statusCode" || key == "headers" || key == "multiValueHeaders" || key == "body" ||
                       key == "isBase64Encoded" || (!rest && key == "cookies");
    if (!known && rest) return malformed("unexpected member \"" + std::string(key) + "\" (a REST API accepts only statusCode, headers, multiValueHeaders, body and isBase64Encoded)");
  }
  const auto& status = answer.at("statusCode");
  std::int64_t code = 0;
  if (status.is_int64()) code = status.as_int64();
  else if (status.is_uint64()) code = static_cast<std::int64_t>(std::min<std::uint64_t>(status.as_uint64(), 1000));
  else return malformed("statusCode is " + json::serialize(status) + ", not an integer");
  if (code < 100 || code > 599) return malformed("statusCode " + std::to_string(code) + " is not an HTTP status");
  // An interim status would leave the client waiting for the final one.
  if (code < 200) return malformed("statusCode " + std::to_string(code) + " is an interim (1xx) status, not an answer");
  out.status = static_cast<int>(code);

  HeaderList single;
  if (const auto* headers = answer.if_contains("headers"); headers != nullptr && !headers->is_null()) {
    if (!headers->is_object()) return malformed("headers is not an object");
    for (const auto& h : headers->as_object()) {
      if (h.value().is_null()) continue;
      auto text = scalar_text(h.value());
      if (!text) return malformed("header \"" + std::string(h.key()) + "\" is not a string");
      single.emplace_back(std::string(h.key()), std::move(*text));
    }
  }
  HeaderList multi;
  if (const auto* headers = answer.if_contains("multiValueHeaders"); headers != nullptr && !headers->is_null()) {
    if (!headers->is_object()) return malformed("multiValueHeaders is not an object");
    for (const auto& h : headers->as_object()) {
      if (h.value().is_null()) continue;
      if (!h.value().is_array()) return malformed("multiValueHeaders \"" + std::string(h.key()) + "\" is not an array");
      for (const auto& v : h.value().as_array()) {
        auto text = scalar_text(v);
        if (!text) return malformed("a value of multiValueHeaders \"" + std::string(h.key()) + "\" is not a string");
        multi.emplace_back(std::string(h.key()), std::move(*text));
      }
    }
  }
  // API Gateway merges both; a name in multiValueHeaders takes its values from there.
  for (auto& [name, value] : single) {
    if (!has_header(multi, name)) out.headers.emplace_back(std::move(name), std::move(value));
  }
  for (auto& header : multi) out.headers.push_back(std::move(header));

  if (const auto* cookies = answer.if_contains("cookies"); !rest && cookies != nullptr && !cookies->is_null()) {
    if (!cookies->is_array()) return malformed("cookies is not an array");
    for (const auto& c : cookies->as_array()) {
      if (!c.is_string()) return malformed("a cookie is not a string");
      out.headers.emplace_back("Set-Cookie", std::string(c.as_string()));
    }
  }

  bool base64_body = false;
  if (const auto* flag = answer.if_contains("isBase64Encoded"); flag != nullptr && !flag->is_null()) {
    if (!flag->is_bool()) return malformed("isBase64Encoded is not a boolean");
    base64_body = flag->as_bool();
  }
  if (const auto* body = answer.if_contains("body"); body != nullptr && !body->is_null()) {
    if (!body->is_string()) return malformed("body is not a string");
    if (base64_body) {
      auto decoded = base64::decode(body->as_string());
      if (!decoded) return malformed("isBase64Encoded is true but body is not base64");
      out.body = std::move(*decoded);
    } else {
      out.body = std::string(body->as_string());
    }
  }
  if (auto problem = make_sendable(out); !problem.empty()) return malformed(std::move(problem));
  if (!out.body.empty() && !has_header(out.headers, "content-type")) out.headers.emplace_back("Content-Type", "application/json");
  return out;
}

}  // namespace

// ---- events ------------------------------------------------------------------------------------

events::HttpRequestDescription description_of(IncomingRequest request) {
  auto target = split_target(request.target);
  events::HttpRequestDescription out = std::move(request);
  out.path = std::move(target.raw_path);
  out.query = std::move(target.raw_query);
  return out;
}

json::object http_api_event(IncomingRequest request) { return events::http_api_event(description_of(std::move(request))); }

json::object rest_api_event(IncomingRequest request) { return events::rest_api_event(description_of(std::move(request))); }

json::object websocket_event(IncomingRequest request, const WebSocketEventInfo& info, bool binary) {
  return events::websocket_event(description_of(std::move(request)), info, binary);
}

std::string websocket_route(std::string_view body) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return "$default";
  const auto* action = value.as_object().if_contains("action");
  if (action == nullptr || !action->is_string() || action->as_string().empty()) return "$default";
  return std::string(action->as_string());
}

// ---- answers -----------------------------------------------------------------------------------

GatewayAnswer gateway_error(int status, std::string_view message, std::string problem) {
  GatewayAnswer out;
  out.status = status;
  out.headers.emplace_back("Content-Type", "application/json");
  out.body = json::serialize(json::object{{"message", message}});
  out.problem = std::move(problem);
  return out;
}

GatewayAnswer http_api_answer(std::string_view payload) {
  boost::system::error_code ec;
  const auto value = json::parse(payload, ec);
  if (ec) return malformed("the answer is not JSON (" + ec.message() + ")");
  if (value.is_object() && value.as_object().contains("statusCode")) return structured_answer(value.as_object(), false);
  // The simple form: whatever JSON the function returned is the body.
  GatewayAnswer out;
  out.headers.emplace_back("Content-Type", "application/json");
  out.body = value.is_string() ? std::string(value.as_string()) : std::string(payload);
  return out;
}

GatewayAnswer rest_api_answer(std::string_view payload) {
  boost::system::error_code ec;
  const auto value = json::parse(payload, ec);
  if (ec) return malformed("the answer is not JSON (" + ec.message() + ")");
  if (!value.is_object()) return malformed("the answer is not a JSON object");
  if (!value.as_object().contains("statusCode")) return malformed("the answer has no statusCode");
  return structured_answer(value.as_object(), true);
}

GatewayAnswer streamed_answer(std::string_view payload) {
  static constexpr std::string_view kDelimiter("\0\0\0\0\0\0\0\0", 8);
  const auto delimiter = payload.find(kDelimiter);
  if (delimiter == std::string_view::npos) return malformed("a streamed HTTP answer without its prelude");
  boost::system::error_code ec;
  const auto prelude = json::parse(payload.substr(0, delimiter), ec);
  if (ec || !prelude.is_object()) return malformed("the prelude of a streamed answer is not a JSON object");
  json::object fields = prelude.as_object();
  if (!fields.contains("statusCode")) fields["statusCode"] = 200;
  fields.erase("body");
  fields.erase("isBase64Encoded");
  GatewayAnswer out = structured_answer(fields, false);
  if (!out.problem.empty()) return out;
  out.body = std::string(payload.substr(delimiter + kDelimiter.size()));
  if (auto problem = make_sendable(out); !problem.empty()) return malformed(std::move(problem));
  return out;
}

}  // namespace lift::local::detail
