// A function behind the local API Gateway in the tests, on lift's runtime layer only so that it
// can answer anything, including what API Gateway refuses. The path picks the behaviour:
//   /echo      the event it received, as a JSON body
//   /binary    the request body back, base64 and all, with the request's content type
//   /count     how many invocations this process has handled
//   /version   LIFT_DEV_FUNCTION_VERSION (two builds of this file differ only there)
//   /cookies   cookies, headers and multiValueHeaders
//   /simple    a bare JSON object (no statusCode); /string a bare JSON string
//   /malformed not JSON; /bad-status a statusCode that is not a number
//   /big       more than Lambda's 6 MB
//   /crash     exits mid-invocation; /sleep?ms=N sleeps first
//   /log       writes a JSON log line, then answers
//   /env?name=N the value of environment variable N

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "lift/runtime/runtime.hpp"

namespace json = boost::json;
using lift::runtime::Invocation;
using lift::runtime::Response;

namespace {

std::string text_at(const json::value& value, std::initializer_list<std::string_view> path) {
  const json::value* at = &value;
  for (const auto key : path) {
    if (!at->is_object()) return {};
    at = at->as_object().if_contains(key);
    if (at == nullptr) return {};
  }
  return at->is_string() ? std::string(at->as_string()) : std::string();
}

Response http_answer(int status, std::string body, std::string content_type = "application/json") {
  return Response{json::serialize(json::object{{"statusCode", status},
                                               {"headers", {{"content-type", content_type}}},
                                               {"body", std::move(body)}})};
}

}  // namespace

int main() {
  std::atomic<int> handled = 0;  // several workers with `lift dev --concurrency N`
  return lift::runtime::run([&handled](const Invocation& in) -> lift::Result<Response> {
    ++handled;
    const json::value event = json::parse(in.payload);
    // HTTP API events carry rawPath, REST API events path.
    std::string path = text_at(event, {"rawPath"});
    if (path.empty()) path = text_at(event, {"path"});

    if (path == "/echo") return http_answer(200, in.payload);
    if (path == "/binary") {
      std::string type = text_at(event, {"headers", "content-type"});
      if (type.empty()) type = text_at(event, {"headers", "Content-Type"});
      const auto* base64 = event.as_object().if_contains("isBase64Encoded");
      return Response{json::serialize(json::object{{"statusCode", 200},
                                                   {"headers", {{"content-type", type}}},
                                                   {"body", text_at(event, {"body"})},
                                                   {"isBase64Encoded", base64 != nullptr && base64->as_bool()}})};
    }
    if (path == "/count") return http_answer(200, std::to_string(handled.load()), "text/plain");
    if (path == "/version") return http_answer(200, LIFT_DEV_FUNCTION_VERSION, "text/plain");
    if (path == "/cookies") {
      return Response{json::serialize(json::object{{"statusCode", 201},
                                                   {"headers", {{"x-one", "1"}, {"content-type", "text/plain"}}},
                                                   {"multiValueHeaders", {{"x-multi", json::array{"a", "b"}}}},
                                                   {"cookies", json::array{"a=1; Path=/", "b=2; HttpOnly"}},
                                                   {"body", "with cookies"}})};
    }
    if (path == "/simple") return Response{R"({"hello":"world"})"};
    if (path == "/string") return Response{R"("plain words")"};
    if (path == "/malformed") return Response{"this is not JSON", "text/plain"};
    if (path == "/bad-status") return Response{R"({"statusCode":"two hundred","body":"x"})"};
    if (path == "/big") return http_answer(200, std::string(7 * 1024 * 1024, 'x'), "text/plain");
    if (path == "/crash") std::_Exit(3);
    if (path == "/sleep") {
      const auto ms = std::atoi(text_at(event, {"queryStringParameters", "ms"}).c_str());
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      return http_answer(200, "slept", "text/plain");
    }
    if (path == "/log") {
      std::printf("{\"level\":\"INFO\",\"message\":\"hello from the log\",\"timestamp\":\"2024-01-01T00:00:00Z\",\"order\":7}\n");
      std::fflush(stdout);
      return http_answer(200, "logged", "text/plain");
    }
    if (path == "/env") {
      const char* value = std::getenv(text_at(event, {"queryStringParameters", "name"}).c_str());
      return http_answer(value != nullptr ? 200 : 404, value != nullptr ? value : "", "text/plain");
    }
    return http_answer(404, R"({"message":"no such path"})");
  });
}
