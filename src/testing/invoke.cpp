#include "lift/testing/invoke.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include <boost/json.hpp>

#include "local/api_gateway_events.hpp"

namespace lift::testing {
namespace {

boost::json::value parse_body(std::string_view body) {
  boost::json::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) {
    constexpr std::size_t kQuoted = 200;
    throw std::runtime_error("the body is not JSON (" + ec.message() + "): " + std::string(body.substr(0, kQuoted)) +
                             (body.size() > kQuoted ? "..." : ""));
  }
  return value;
}

HttpResponse response_of(local::detail::GatewayAnswer answer) {
  HttpResponse response;
  response.status = answer.status;
  for (const auto& [name, value] : answer.headers) response.headers.add(name, value);
  response.body = std::move(answer.body);
  response.problem = std::move(answer.problem);
  return response;
}

// What API Gateway answers when the function's invocation failed: a 502, as it would.
HttpResponse failed_invocation(const Error& error) {
  auto response = response_of(local::detail::gateway_error(502, "Internal Server Error"));
  response.problem = "the invocation failed: " + error.code + ": " + error.message;
  return response;
}

}  // namespace

runtime::Invocation invocation(std::string payload, const InvocationOptions& options) {
  runtime::Invocation out;
  out.context.request_id = options.request_id;
  out.context.deadline = std::chrono::system_clock::now() + options.time_left;
  out.context.tenant_id = options.tenant_id;
  out.payload = std::move(payload);
  return out;
}

runtime::Invocation invocation(const boost::json::value& event, const InvocationOptions& options) {
  return invocation(boost::json::serialize(event), options);
}

boost::json::value read_event(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the event file " + file.string());
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  boost::json::error_code ec;
  auto event = boost::json::parse(text, ec);
  if (ec) throw std::runtime_error("the event file " + file.string() + " is not JSON: " + ec.message());
  return event;
}

boost::json::value HttpResponse::json() const { return parse_body(body); }

boost::json::value Answer::json() const { return parse_body(body); }

HttpResponse Answer::http() const { return response_of(local::detail::http_api_answer(body)); }

std::vector<std::string> Answer::failed_items() const {
  std::vector<std::string> items;
  const auto answer = json();
  const auto* failures = answer.is_object() ? answer.as_object().if_contains("batchItemFailures") : nullptr;
  if (failures == nullptr || !failures->is_array()) return items;
  for (const auto& failure : failures->as_array()) {
    const auto* id = failure.is_object() ? failure.as_object().if_contains("itemIdentifier") : nullptr;
    if (id == nullptr) continue;
    items.push_back(id->is_string() ? std::string(id->as_string()) : boost::json::serialize(*id));
  }
  return items;
}

Result<Answer> invoke(const App& app, const runtime::Invocation& invocation) {
  auto response = app.invoke(invocation);
  if (!response) return std::move(response).error();
  return Answer{std::move(response->body), std::move(response->content_type)};
}

Result<Answer> invoke(const App& app, const boost::json::value& event, const InvocationOptions& options) {
  return invoke(app, invocation(event, options));
}

HttpResponse invoke_http(const App& app, const boost::json::value& event, const InvocationOptions& options) {
  const auto answer = invoke(app, event, options);
  if (!answer) return failed_invocation(answer.error());
  return answer->http();
}

JsonBody::JsonBody(std::initializer_list<boost::json::value_ref> init) : text_(boost::json::serialize(boost::json::value(init))) {}

Http& Http::header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

Http& Http::with(InvocationOptions options) {
  options_ = std::move(options);
  return *this;
}

boost::json::value Http::event(std::string_view method, std::string_view target, std::string body, std::string content_type,
                               std::vector<std::pair<std::string, std::string>> headers) const {
  local::detail::IncomingRequest request;
  request.method = std::string(method);
  request.target = std::string(target);
  request.headers = headers_;
  if (!content_type.empty()) request.headers.emplace_back("content-type", std::move(content_type));
  for (auto& header : headers) request.headers.push_back(std::move(header));
  request.body = std::move(body);
  request.source_ip = "203.0.113.10";
  request.request_id = options_.request_id;
  request.time = std::chrono::system_clock::now();
  request.domain_name = "api.example.com";
  request.stage = api_ == Api::rest ? "test" : "$default";
  if (api_ == Api::rest) return local::detail::rest_api_event(request);
  return local::detail::http_api_event(request);
}

HttpResponse Http::request(std::string_view method, std::string_view target, std::string body, std::string content_type,
                           std::vector<std::pair<std::string, std::string>> headers) const {
  const auto request = event(method, target, std::move(body), std::move(content_type), std::move(headers));
  if (api_ == Api::http) return invoke_http(*app_, request, options_);
  // A REST API is stricter about the answer's shape.
  const auto answer = invoke(*app_, request, options_);
  if (!answer) return failed_invocation(answer.error());
  return response_of(local::detail::rest_api_answer(answer->body));
}

}  // namespace lift::testing
