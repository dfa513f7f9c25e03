// The built todo-api, with its observability middleware, under the Runtime API emulator with 4
// workers (AWS_LAMBDA_MAX_CONCURRENCY=4, as on Lambda Managed Instances) and many requests at
// once: every answer is right, every line the function writes is one JSON object, and each
// invocation's EMF document names that invocation alone. In the ThreadSanitizer build the
// function itself runs instrumented, and a report would fail its invocation and break a line.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lift/local/runtime_emulator.hpp"

namespace {

namespace json = boost::json;

constexpr int kClients = 8;
constexpr int kTodosPerClient = 12;

std::string http_event(const std::string& method, const std::string& path, const std::string& body = "",
                       const std::string& idempotency_key = "") {
  json::object headers{{"content-type", "application/json"}};
  if (!idempotency_key.empty()) headers["idempotency-key"] = idempotency_key;
  json::object event{{"version", "2.0"},
                     {"routeKey", "$default"},
                     {"rawPath", path},
                     {"rawQueryString", ""},
                     {"headers", std::move(headers)},
                     {"requestContext", json::object{{"http", json::object{{"method", method}, {"path", path}, {"sourceIp", "203.0.113.9"}}},
                                                     {"requestId", "r-1"},
                                                     {"stage", "$default"},
                                                     {"domainName", "x.execute-api.eu-west-1.amazonaws.com"}}},
                     {"isBase64Encoded", false}};
  if (!body.empty()) event["body"] = body;
  return json::serialize(event);
}

struct Answer {
  int status = 0;
  json::value body;
};

Answer answer_of(const lift::local::InvokeResult& result) {
  Answer out;
  const auto response = json::parse(result.payload);
  out.status = static_cast<int>(response.at("statusCode").as_int64());
  if (const auto* body = response.as_object().if_contains("body"); body != nullptr && !body->as_string().empty())
    out.body = json::parse(body->as_string());
  return out;
}

TEST(TodoApiManagedInstances, FourWorkersAnswerRightAndLogOneObjectPerLine) {
  lift::local::FunctionConfig config;
  config.command = {TODO_API_FUNCTION};
  config.function_name = "todo-api";
  config.concurrency = 4;
  config.capture_logs = true;
  config.timeout = std::chrono::seconds(30);  // generous: the ThreadSanitizer build is slow
  config.environment = {{"LIFT_DYNAMODB_ENDPOINT", "memory:"},
                        {"POWERTOOLS_METRICS_NAMESPACE", "todo-tests"},
                        {"TSAN_OPTIONS", "halt_on_error=1"}};
  lift::local::RuntimeEmulator emulator(std::move(config));
  ASSERT_TRUE(emulator.start());

  std::mutex mutex;
  std::vector<lift::local::InvokeResult> results;
  std::vector<std::string> problems;
  const auto invoke = [&](const std::string& event) -> std::optional<Answer> {
    auto result = emulator.invoke({.payload = event});
    const std::lock_guard lock(mutex);
    if (!result) {
      problems.push_back("emulator: " + result.error().message);
      return std::nullopt;
    }
    if (!result->ok()) {
      problems.push_back("invocation failed: " + *result->error_type + ": " + result->payload);
      results.push_back(std::move(*result));
      return std::nullopt;
    }
    auto answer = answer_of(*result);
    results.push_back(std::move(*result));
    return answer;
  };

  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      const auto fail = [&](const std::string& what) {
        const std::lock_guard lock(mutex);
        problems.push_back("client " + std::to_string(c) + ": " + what);
      };
      for (int n = 0; n < kTodosPerClient; ++n) {
        const std::string title = "todo " + std::to_string(c) + "-" + std::to_string(n);
        const auto created = invoke(http_event("POST", "/todos", json::serialize(json::object{{"title", title}})));
        if (!created) continue;
        if (created->status != 201 || created->body.at("title") != title.c_str()) {
          fail("POST answered " + std::to_string(created->status) + " " + json::serialize(created->body));
          continue;
        }
        const std::string id(created->body.at("id").as_string());
        const auto read = invoke(http_event("GET", "/todos/" + id));
        if (!read) continue;
        if (read->status != 200 || read->body.at("title") != title.c_str())
          fail("GET answered " + std::to_string(read->status) + " " + json::serialize(read->body));
        const auto missing = invoke(http_event("GET", "/todos/no-such-" + id));
        if (missing && missing->status != 404) fail("GET of a missing todo answered " + std::to_string(missing->status));
      }
    });
  }
  for (auto& client : clients) client.join();
  emulator.stop();
  for (const auto& problem : problems) ADD_FAILURE() << problem;

  // An invocation's window of output holds its own lines, and those of the invocations that ran
  // meanwhile: every line of every window is checked, and each invocation must find its own
  // EMF document (with Requests 1: no other invocation's metrics in it) in its window.
  std::set<std::string> request_ids;
  for (const auto& result : results) request_ids.insert(result.request_id);
  std::map<std::string, int> documents_per_request;
  std::set<std::string> seen_lines;
  for (const auto& result : results) {
    bool own_document = false;
    std::istringstream lines(result.logs);
    for (std::string line; std::getline(lines, line);) {
      json::error_code ec;
      const auto parsed = json::parse(line, ec);
      if (ec || !parsed.is_object()) {
        ADD_FAILURE() << "not one JSON object: " << line;
        continue;
      }
      const auto& object = parsed.as_object();
      const auto* id = object.if_contains("function_request_id");
      if (id == nullptr) {
        // Only what is written at start-up (outside any invocation) names no invocation.
        EXPECT_TRUE(object.contains("level") || object.contains("ColdStart")) << line;
        continue;
      }
      EXPECT_TRUE(request_ids.contains(std::string(id->as_string()))) << line;
      if (object.contains("_aws")) {
        EXPECT_EQ(object.at("Requests"), 1) << line;
        if (id->as_string() == result.request_id) own_document = true;
        if (seen_lines.insert(line).second) ++documents_per_request[std::string(id->as_string())];
      }
    }
    EXPECT_TRUE(own_document) << "no EMF document of " << result.request_id;
  }
  EXPECT_EQ(results.size(), static_cast<std::size_t>(kClients * kTodosPerClient * 3));
  for (const auto& [id, count] : documents_per_request) EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(documents_per_request.size(), results.size());
}

// Ten POSTs with one Idempotency-Key at once, on four workers of one environment: one todo is
// made; the duplicates wait for it inside the process (no write of their own) and answer it.
TEST(TodoApiManagedInstances, TenConcurrentPostsWithOneIdempotencyKeyMakeOneTodo) {
  lift::local::FunctionConfig config;
  config.command = {TODO_API_FUNCTION};
  config.function_name = "todo-api";
  config.concurrency = 4;
  config.capture_logs = true;
  config.timeout = std::chrono::seconds(30);
  config.environment = {{"LIFT_DYNAMODB_ENDPOINT", "memory:"}, {"TSAN_OPTIONS", "halt_on_error=1"}};
  lift::local::RuntimeEmulator emulator(std::move(config));
  ASSERT_TRUE(emulator.start());
  std::vector<std::optional<Answer>> answers(10);
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    clients.emplace_back([&, i] {
      auto result = emulator.invoke({.payload = http_event("POST", "/todos", R"({"title":"once"})", "one-key")});
      if (result && result->ok()) answers[i] = answer_of(*result);
    });
  }
  for (auto& client : clients) client.join();
  auto listed = emulator.invoke({.payload = http_event("GET", "/todos")});
  emulator.stop();
  ASSERT_TRUE(answers[0]);
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 201) << json::serialize(answer->body);
    EXPECT_EQ(answer->body.at("id"), answers[0]->body.at("id"));
  }
  ASSERT_TRUE(listed && listed->ok());
  EXPECT_EQ(answer_of(*listed).body.at("items").as_array().size(), 1U);
}

}  // namespace
