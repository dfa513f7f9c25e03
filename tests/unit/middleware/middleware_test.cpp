// The standard middleware around a small app, in-process.
#include "lift/middleware/middleware.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "lift/app/app.hpp"
#include "lift/app/errors.hpp"
#include "lift/core/compression.hpp"
#include "lift/runtime/protocol.hpp"
#include "support/json.hpp"

namespace {

using lift::App;
using lift::Context;
using lift::Result;
using lift::http::Request;
using lift::http::Response;
using lift::testing_support::json_of;

Request request(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = path;
  r.raw_path = std::move(path);
  return r;
}

std::string gunzip(const std::string& data) {
  auto out = lift::compression::inflate(data, lift::compression::Framing::gzip, 1 << 20);
  EXPECT_TRUE(out) << "not gzip";
  return out ? *out : std::string();
}

TEST(Recover, OuterMiddlewareSeeTheErrorOfAThrowingHandler) {
  App app;
  std::string seen;
  app.use([&seen](Context&, const lift::Next& next) -> Result<void> {
    auto result = next();
    seen = result ? "ok" : result.error().code;
    return result;
  });
  app.use(lift::mw::recover());
  app.get("/boom", [](Context&) -> Result<void> { throw std::logic_error("hidden"); });
  auto got = app.handle(request("GET", "/boom"));
  EXPECT_EQ(got.status, 500);
  EXPECT_EQ(seen, "InternalError");
  EXPECT_EQ(got.body.find("hidden"), std::string::npos);
}

TEST(RequestId, KeepsASaneIncomingIdElseUsesTheLambdaOneElseMakesOne) {
  App app;
  app.use(lift::mw::request_id());
  app.get("/id", [](Context& ctx) { return std::string(ctx.request_id()); });

  auto given = request("GET", "/id");
  given.headers.add("X-Request-Id", "abc-123");
  auto got = app.handle(given);
  EXPECT_EQ(got.body, "abc-123");
  EXPECT_EQ(got.headers.value_or("x-request-id", ""), "abc-123");

  auto hostile = request("GET", "/id");
  hostile.headers.add("X-Request-Id", std::string(500, 'a'));
  lift::runtime::InvocationContext lambda;
  lambda.request_id = "lambda-1";
  EXPECT_EQ(app.handle(hostile, &lambda).body, "lambda-1");

  auto made = app.handle(request("GET", "/id")).body;
  EXPECT_EQ(made.size(), 36u);
  EXPECT_NE(made, app.handle(request("GET", "/id")).body);
}

TEST(RequestId, ErrorBodiesCarryTheIdTheHeaderEchoes) {
  App app;
  app.use(lift::mw::request_id());
  app.get("/gone", [](Context&) -> Result<void> { return lift::errors::not_found("gone"); });
  auto given = request("GET", "/gone");
  given.headers.add("X-Request-Id", "abc-123");
  lift::runtime::InvocationContext lambda;
  lambda.request_id = "lambda-1";
  auto got = app.handle(given, &lambda);
  EXPECT_EQ(got.status, 404);
  EXPECT_EQ(got.headers.value_or("x-request-id", ""), "abc-123");
  EXPECT_EQ(boost::json::parse(got.body).at("error").at("request_id"), "abc-123");
}

TEST(AccessLog, WritesOneJsonLinePerRequest) {
  std::FILE* sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  App app;
  app.use(lift::mw::access_log(sink));
  app.get("/items/:id", [](Context&) { return std::string("x"); });
  auto r = request("GET", "/items/9");
  r.headers.add("User-Agent", "tester");
  r.source_ip = "198.51.100.7";
  (void)app.handle(r);
  (void)app.handle(request("POST", "/items/9"));
  std::fflush(sink);
  std::rewind(sink);
  char buffer[4096];
  std::string lines;
  while (auto n = std::fread(buffer, 1, sizeof buffer, sink)) lines.append(buffer, n);
  std::fclose(sink);
  auto newline = lines.find('\n');
  ASSERT_NE(newline, std::string::npos);
  auto first = json_of(lines.substr(0, newline));
  EXPECT_EQ(first.at("route"), "/items/:id");
  EXPECT_EQ(first.at("status"), 200);
  EXPECT_EQ(first.at("user_agent"), "tester");
  EXPECT_EQ(first.at("source_ip"), "198.51.100.7");
  EXPECT_TRUE(first.at("duration_ms").is_number());
  auto second = json_of(lines.substr(newline + 1, lines.find('\n', newline + 1) - newline - 1));
  EXPECT_EQ(second.at("status"), 405);
  EXPECT_EQ(second.at("level"), "WARN");
  EXPECT_EQ(second.at("error_code"), "MethodNotAllowed");
}

// stdout on Lambda is a pipe, which stdio buffers in blocks: a line left in the buffer arrives
// late, or never when the environment is shut down.
TEST(AccessLog, EachLineIsInThePipeWhenTheRequestIsAnswered) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  std::FILE* sink = ::fdopen(fds[1], "w");
  ASSERT_NE(sink, nullptr);
  std::setvbuf(sink, nullptr, _IOFBF, 4096);  // as stdio buffers a pipe
  App app;
  app.use(lift::mw::access_log(sink));
  app.get("/items/:id", [](Context&) { return std::string("x"); });
  (void)app.handle(request("GET", "/items/9"));
  char buffer[4096];
  const auto n = ::read(fds[0], buffer, sizeof buffer);  // does not wait: the line is there or not
  std::fclose(sink);
  ::close(fds[0]);
  ASSERT_GT(n, 0) << "the access log line is still in a stdio buffer";
  const std::string line(buffer, static_cast<std::size_t>(n));
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  EXPECT_EQ(json_of(line.substr(0, line.size() - 1)).at("route"), "/items/:id");
}

// "duration_ms":0.267, never 2.67E-1: plain decimals with at most three digits after the point.
TEST(AccessLog, DurationsArePlainDecimals) {
  std::FILE* sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  App app;
  app.use(lift::mw::access_log(sink));
  app.get("/slow", [](Context&) {
    std::this_thread::sleep_for(std::chrono::microseconds(1500));
    return std::string("x");
  });
  app.get("/fast", [](Context&) { return std::string("x"); });
  (void)app.handle(request("GET", "/slow"));
  (void)app.handle(request("GET", "/fast"));
  std::rewind(sink);
  char buffer[4096];
  std::string lines;
  while (auto n = std::fread(buffer, 1, sizeof buffer, sink)) lines.append(buffer, n);
  std::fclose(sink);
  const std::regex plain(R"re("duration_ms":(0|[1-9][0-9]*)(\.[0-9]{1,3})?[,}])re");
  std::size_t start = 0;
  int seen = 0;
  for (auto end = lines.find('\n'); end != std::string::npos; start = end + 1, end = lines.find('\n', start)) {
    const std::string line = lines.substr(start, end - start);
    EXPECT_TRUE(std::regex_search(line, plain)) << line;
    ++seen;
  }
  EXPECT_EQ(seen, 2);
}

App cors_app(lift::mw::CorsOptions options) {
  App app;
  app.use(lift::mw::cors(std::move(options)));
  app.get("/data", [](Context&) { return std::string("d"); });
  app.get("/fail", [](Context&) -> Result<void> { return lift::errors::forbidden(); });
  return app;
}

TEST(Cors, AnswersPreflightsBeforeRoutingForAllowedOrigins) {
  auto app = cors_app({.allow_origins = {"https://app.example.com"}, .allow_credentials = true});
  auto preflight = request("OPTIONS", "/anything/even/unrouted");
  preflight.headers.add("Origin", "https://app.example.com");
  preflight.headers.add("Access-Control-Request-Method", "PUT");
  auto got = app.handle(preflight);
  EXPECT_EQ(got.status, 204);
  EXPECT_EQ(got.headers.value_or("access-control-allow-origin", ""), "https://app.example.com");
  EXPECT_EQ(got.headers.value_or("access-control-allow-credentials", ""), "true");
  EXPECT_NE(got.headers.value_or("access-control-allow-methods", "").find("PUT"), std::string_view::npos);
  EXPECT_EQ(got.headers.value_or("access-control-max-age", ""), "600");

  auto stranger = preflight;
  stranger.headers.set("Origin", "https://evil.example");
  auto refused = app.handle(stranger);
  EXPECT_EQ(refused.status, 403);
  EXPECT_FALSE(refused.headers.contains("access-control-allow-origin"));
}

TEST(Cors, DecoratesAnswersAndErrorsForAllowedOriginsOnly) {
  auto app = cors_app({});
  auto r = request("GET", "/fail");
  r.headers.add("Origin", "https://any.example");
  auto failed = app.handle(r);
  EXPECT_EQ(failed.status, 403);
  EXPECT_EQ(failed.headers.value_or("access-control-allow-origin", ""), "*");
  auto without_origin = app.handle(request("GET", "/data"));
  EXPECT_FALSE(without_origin.headers.contains("access-control-allow-origin"));
}

TEST(BodyLimit, RefusesLargeBodiesWith413) {
  App app;
  app.use(lift::mw::body_limit(10));
  app.post("/in", [](Context& ctx) { return std::string(ctx.body()); });
  auto small = request("POST", "/in");
  small.body = "0123456789";
  EXPECT_EQ(app.handle(small).status, 200);
  auto big = small;
  big.body += "!";
  auto got = app.handle(big);
  EXPECT_EQ(got.status, 413);
  EXPECT_EQ(json_of(got.body).at("error").at("code"), "PayloadTooLarge");
  EXPECT_EQ(json_of(got.body).at("error").at("message"), "the body is 11 bytes; the limit is 10 bytes");
  App strict;
  strict.use(lift::mw::body_limit(0));
  strict.post("/in", [](Context&) { return std::string(); });
  auto one = request("POST", "/in");
  one.body = "!";
  EXPECT_EQ(json_of(strict.handle(one).body).at("error").at("message"), "the body is 1 byte; the limit is 0 bytes");
}

TEST(Deadline, DoesNotStartWorkThatCannotFinish) {
  App app;
  int ran = 0;
  app.use(lift::mw::deadline(std::chrono::milliseconds(200)));
  app.get("/work", [&ran](Context&) {
    ++ran;
    return std::string("done");
  });
  lift::runtime::InvocationContext soon;
  soon.deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(50);
  EXPECT_EQ(app.handle(request("GET", "/work"), &soon).status, 504);
  EXPECT_EQ(ran, 0);
  lift::runtime::InvocationContext later;
  later.deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  EXPECT_EQ(app.handle(request("GET", "/work"), &later).status, 200);
  EXPECT_EQ(app.handle(request("GET", "/work")).status, 200);  // no deadline at all
  EXPECT_EQ(ran, 2);
}

TEST(Deadline, AnAbsurdDeadlineFromTheRuntimeApiIsFarAway) {
  // The deadline as the runtime reads it from Lambda-Runtime-Deadline-Ms: INT64_MAX once
  // overflowed into the past and every request was refused as out of time.
  App app;
  app.use(lift::mw::deadline(std::chrono::milliseconds(200)));
  app.get("/work", [](Context& ctx) { return std::to_string(ctx.remaining_time().count()); });
  for (const char* deadline : {"9223372036855", "9223372036854775807"}) {
    const std::map<std::string, std::string> headers{{"Lambda-Runtime-Aws-Request-Id", "id"},
                                                     {"Lambda-Runtime-Deadline-Ms", deadline},
                                                     {"Lambda-Runtime-Invoked-Function-Arn", "arn"}};
    auto invocation = lift::runtime::protocol::parse_invocation_headers([&headers](std::string_view name) -> std::optional<std::string_view> {
      auto it = headers.find(std::string(name));
      if (it == headers.end()) return std::nullopt;
      return std::string_view(it->second);
    });
    ASSERT_TRUE(invocation) << invocation.error().message;
    auto got = app.handle(request("GET", "/work"), &*invocation);
    EXPECT_EQ(got.status, 200) << deadline << ": " << got.body;
    EXPECT_GT(std::stoll(got.body), 23LL * 3600 * 1000) << deadline;
  }
}

TEST(SecurityHeaders, AddsWhatTheHandlerDidNotSet) {
  App app;
  app.use(lift::mw::security_headers());
  app.get("/framed", [](Context& ctx) {
    ctx.set_header("X-Frame-Options", "SAMEORIGIN");
    return std::string("ok");
  });
  auto got = app.handle(request("GET", "/framed"));
  EXPECT_EQ(got.headers.value_or("x-frame-options", ""), "SAMEORIGIN");
  EXPECT_EQ(got.headers.all("x-frame-options").size(), 1u);
  EXPECT_EQ(got.headers.value_or("x-content-type-options", ""), "nosniff");
  EXPECT_FALSE(got.headers.contains("cache-control"));
  EXPECT_EQ(app.handle(request("GET", "/missing")).headers.value_or("cache-control", ""), "no-store");
}

TEST(Compression, GzipsLargeTextForClientsThatAcceptIt) {
  App app;
  app.use(lift::mw::compression(100));
  const std::string big(5000, 'a');
  app.get("/big", [&big](Context&) { return Response::json(200, "\"" + big + "\""); });
  app.get("/small", [](Context&) { return Response::json(200, "\"tiny\""); });
  auto r = request("GET", "/big");
  r.headers.add("Accept-Encoding", "br;q=1.0, GZIP;q=0.8");
  auto got = app.handle(r);
  EXPECT_TRUE(got.binary);
  EXPECT_EQ(got.headers.value_or("content-encoding", ""), "gzip");
  EXPECT_LT(got.body.size(), 200u);
  EXPECT_EQ(gunzip(got.body), "\"" + big + "\"");

  auto small = request("GET", "/small");
  small.headers.add("Accept-Encoding", "gzip");
  EXPECT_FALSE(app.handle(small).headers.contains("content-encoding"));
  EXPECT_FALSE(app.handle(request("GET", "/big")).headers.contains("content-encoding"));
}

// Every token of a response's Vary fields, in order, as written.
std::vector<std::string> vary_tokens(const Response& response) {
  std::vector<std::string> tokens;
  for (auto value : response.headers.all("vary")) {
    std::size_t start = 0;
    while (start <= value.size()) {
      auto end = value.find(',', start);
      if (end == std::string_view::npos) end = value.size();
      auto token = value.substr(start, end - start);
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
      if (!token.empty()) tokens.emplace_back(token);
      start = end + 1;
    }
  }
  return tokens;
}

// A large JSON answer carrying the `vary` fields, through `app`, for a cross-origin client that
// takes gzip; it comes back compressed.
Response vary_through(App& app, const std::vector<std::string>& vary) {
  app.get("/big", [vary](Context&) {
    auto response = Response::json(200, "\"" + std::string(5000, 'a') + "\"");
    for (const auto& value : vary) response.headers.add("Vary", value);
    return response;
  });
  auto r = request("GET", "/big");
  r.headers.add("Origin", "https://app.example.com");
  r.headers.add("Accept-Encoding", "gzip");
  auto got = app.handle(r);
  EXPECT_EQ(got.headers.value_or("content-encoding", ""), "gzip");
  return got;
}

TEST(Vary, CorsAndCompressionAddToWhatIsThereInEitherOrder) {
  // Replacing Vary loses what it said: a cache keyed without Accept-Encoding hands a gzip body
  // to a client that did not ask for one.
  for (const bool cors_outside : {true, false}) {
    App app;
    auto cors = lift::mw::cors({.allow_origins = {"https://app.example.com"}});
    auto gzip = lift::mw::compression(100);
    if (cors_outside) {
      app.use(std::move(cors), std::move(gzip));
    } else {
      app.use(std::move(gzip), std::move(cors));
    }
    auto got = vary_through(app, {"Cookie"});
    EXPECT_EQ(got.headers.all("vary").size(), 1u);
    auto tokens = vary_tokens(got);
    std::sort(tokens.begin(), tokens.end());
    EXPECT_EQ(tokens, (std::vector<std::string>{"Accept-Encoding", "Cookie", "Origin"})) << (cors_outside ? "cors outside" : "cors inside");
  }
}

TEST(Vary, ATokenAlreadyListedIsNotRepeated) {
  App app;
  app.use(lift::mw::cors({.allow_origins = {"https://app.example.com"}}), lift::mw::compression(100));
  auto got = vary_through(app, {"origin", "accept-encoding, Cookie"});
  EXPECT_EQ(vary_tokens(got), (std::vector<std::string>{"origin", "accept-encoding", "Cookie"}));
}

}  // namespace
