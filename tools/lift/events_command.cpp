// `lift events generate SOURCE` and `lift events list`: sample events in AWS's shapes.
// For now one source (HTTP API, payload format 2.0), which `make demo` feeds to hello; the
// events layer will own generators for every source.

#include <chrono>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/url.hpp>

#include "commands.hpp"

namespace lift::cli {
namespace {

struct HttpEventOptions {
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::string> query;    // name=value
  std::vector<std::string> headers;  // name: value or name=value
  std::string body;
};

std::string random_hex(std::mt19937_64& rng, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < digits; ++i) out += kHex[rng() % 16];
  return out;
}

bool split(const std::string& text, const char* separators, std::string& name, std::string& value) {
  const auto at = text.find_first_of(separators);
  if (at == std::string::npos || at == 0) return false;
  name = text.substr(0, at);
  value = text.substr(at + 1);
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  return true;
}

int generate_apigw_http(const HttpEventOptions& options) {
  if (options.path.empty() || options.path.front() != '/') {
    std::cerr << "lift events: --path must start with '/'\n";
    return kExitUsage;
  }
  std::mt19937_64 rng(std::random_device{}());
  boost::json::object headers{{"accept", "*/*"},
                              {"host", "abcdef1234.execute-api.us-east-1.amazonaws.com"},
                              {"user-agent", "curl/8.5.0"},
                              {"x-amzn-trace-id", "Root=1-" + random_hex(rng, 8) + "-" + random_hex(rng, 24)},
                              {"x-forwarded-for", "203.0.113.10"},
                              {"x-forwarded-port", "443"},
                              {"x-forwarded-proto", "https"}};
  for (const auto& header : options.headers) {
    std::string name, value;
    if (!split(header, ":=", name, value)) {
      std::cerr << "lift events: --header expects NAME:VALUE, got '" << header << "'\n";
      return kExitUsage;
    }
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    headers[name] = value;  // HTTP APIs lower-case header names
  }

  boost::urls::url query_url;
  boost::json::object query;
  for (const auto& parameter : options.query) {
    std::string name, value;
    if (!split(parameter, "=", name, value)) {
      std::cerr << "lift events: --query expects NAME=VALUE, got '" << parameter << "'\n";
      return kExitUsage;
    }
    query_url.params().append({name, value});
    // Repeated names are joined with commas, as HTTP APIs do.
    if (auto* existing = query.if_contains(name)) {
      *existing = std::string(existing->as_string()) + "," + value;
    } else {
      query[name] = value;
    }
  }

  const auto now = std::chrono::system_clock::now();
  const auto epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  char time_text[40];
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::strftime(time_text, sizeof time_text, "%d/%b/%Y:%H:%M:%S +0000", &utc);

  boost::json::object event;
  event["version"] = "2.0";
  event["routeKey"] = "$default";
  event["rawPath"] = options.path;
  event["rawQueryString"] = std::string(query_url.encoded_query());
  event["headers"] = headers;
  if (!query.empty()) event["queryStringParameters"] = query;
  event["requestContext"] = {
      {"accountId", "123456789012"},
      {"apiId", "abcdef1234"},
      {"domainName", "abcdef1234.execute-api.us-east-1.amazonaws.com"},
      {"domainPrefix", "abcdef1234"},
      {"http",
       {{"method", options.method}, {"path", options.path}, {"protocol", "HTTP/1.1"}, {"sourceIp", "203.0.113.10"}, {"userAgent", "curl/8.5.0"}}},
      {"requestId", random_hex(rng, 8) + "="},
      {"routeKey", "$default"},
      {"stage", "$default"},
      {"time", time_text},
      {"timeEpoch", epoch_ms}};
  if (!options.body.empty()) event["body"] = options.body;
  event["isBase64Encoded"] = false;
  std::cout << boost::json::serialize(event) << '\n';
  return kExitOk;
}

}  // namespace

void add_events_command(CLI::App& app, int& exit_code) {
  auto* events = app.add_subcommand("events", "Sample events in AWS's shapes");
  events->require_subcommand(1);

  auto* list = events->add_subcommand("list", "Name the event sources that can be generated");
  list->callback([&exit_code] {
    std::cout << "apigw-http\tAPI Gateway HTTP API request (payload format 2.0)\n";
    exit_code = kExitOk;
  });

  auto* generate = events->add_subcommand("generate", "Print a sample event");
  generate->require_subcommand(1);
  auto http = std::make_shared<HttpEventOptions>();
  auto* apigw_http = generate->add_subcommand("apigw-http", "API Gateway HTTP API request (payload format 2.0)");
  apigw_http->add_option("--method", http->method, "HTTP method")->capture_default_str();
  apigw_http->add_option("--path", http->path, "request path")->capture_default_str();
  apigw_http->add_option("--query", http->query, "NAME=VALUE query parameter (repeatable)");
  apigw_http->add_option("--header", http->headers, "NAME:VALUE header (repeatable)");
  apigw_http->add_option("--body", http->body, "request body");
  apigw_http->callback([http, &exit_code] { exit_code = generate_apigw_http(*http); });
}

}  // namespace lift::cli
