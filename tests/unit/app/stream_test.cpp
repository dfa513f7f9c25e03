// Streaming routes (lift::stream): what the app sends through Lambda's streaming transport.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "lift/app/app.hpp"
#include "lift/middleware/middleware.hpp"
#include "lift/testing/invoke.hpp"
#include "runtime/stream_sink.hpp"  // private: tests see src/

namespace {

using lift::App;
using lift::Context;
using lift::Next;
using lift::ResponseWriter;
using lift::Result;

// Records what the app hands the runtime's streaming transport, each write as one piece.
class RecordingSink : public lift::runtime::detail::StreamSink {
 public:
  Result<void> begin(std::string_view type) override {
    ++begins;
    content_type = std::string(type);
    return lift::ok();
  }
  Result<void> write(std::string_view bytes) override {
    pieces.emplace_back(bytes);
    return lift::ok();
  }
  int begins = 0;
  std::string content_type;
  std::vector<std::string> pieces;
};

// What a streamed HTTP answer says: its prelude and its body pieces after the 8 NUL bytes.
struct Streamed {
  boost::json::object prelude;
  std::vector<std::string> body;  // pieces as written
  std::string whole_body;
};

Streamed read_streamed(const RecordingSink& sink) {
  EXPECT_EQ(sink.content_type, "application/vnd.awslambda.http-integration-response");
  Streamed out;
  if (sink.pieces.empty()) return out;
  const std::string& first = sink.pieces.front();
  const auto nuls = first.find(std::string(8, '\0'));
  EXPECT_NE(nuls, std::string::npos);
  EXPECT_EQ(nuls + 8, first.size()) << "the prelude and its delimiter are one piece";
  out.prelude = boost::json::parse(first.substr(0, nuls)).as_object();
  for (std::size_t i = 1; i < sink.pieces.size(); ++i) {
    out.body.push_back(sink.pieces[i]);
    out.whole_body += sink.pieces[i];
  }
  return out;
}

std::string function_url_event(std::string_view method, std::string_view path, std::string_view headers = "{}") {
  return R"({"version":"2.0","routeKey":"$default","rawPath":")" + std::string(path) + R"(","rawQueryString":"","headers":)" +
         std::string(headers) + R"(,"requestContext":{"domainName":"abc.lambda-url.us-east-1.on.aws","http":{"method":")" +
         std::string(method) + R"(","path":")" + std::string(path) +
         R"(","sourceIp":"203.0.113.9"},"requestId":"url-req","stage":"$default"},"isBase64Encoded":false})";
}

lift::runtime::Invocation invocation(const std::string& payload) { return lift::testing::invocation(payload); }

// Runs one invocation through the streaming transport.
struct StreamRun {
  RecordingSink sink;
  Result<void> result;
};
StreamRun run_streaming(const App& app, const std::string& payload) {
  StreamRun run;
  lift::runtime::ResponseStream stream(run.sink);
  const auto in = invocation(payload);
  run.result = app.invoke_streaming(in, stream);
  return run;
}

App report_app() {
  App app;
  app.get("/report", lift::stream([](Context& ctx, ResponseWriter& out) -> Result<void> {
    ctx.status(206).set_header("content-type", "text/plain");
    ctx.response().headers.add("x-part", "a");
    ctx.response().headers.add("x-part", "b");
    ctx.add_cookie("session=1; HttpOnly");
    ctx.response().headers.add("set-cookie", "theme=dark");
    if (auto sent = out.write("one,"); !sent) return sent;
    return out.write("two");
  }));
  app.get("/plain", [](Context&) { return std::string("whole"); });
  return app;
}

TEST(StreamRoute, AppKnowsItStreams) {
  EXPECT_TRUE(report_app().streams());
  App plain;
  plain.get("/x", [](Context&) { return std::string("x"); });
  EXPECT_FALSE(plain.streams());
}

TEST(StreamRoute, ThePreludeCarriesStatusHeadersAndCookiesThenEachPieceAsWritten) {
  const auto app = report_app();
  auto run = run_streaming(app, function_url_event("GET", "/report"));
  ASSERT_TRUE(run.result) << run.result.error().message;
  EXPECT_EQ(run.sink.begins, 1);
  const auto streamed = read_streamed(run.sink);
  EXPECT_EQ(streamed.prelude.at("statusCode"), 206);
  const auto& headers = streamed.prelude.at("headers").as_object();
  EXPECT_EQ(headers.at("content-type"), "text/plain");
  EXPECT_EQ(headers.at("x-part"), "a, b");  // repeats joined, as a Function URL reads them
  EXPECT_FALSE(headers.contains("set-cookie"));
  EXPECT_EQ(streamed.prelude.at("cookies"), boost::json::parse(R"(["session=1; HttpOnly","theme=dark"])"));
  EXPECT_EQ(streamed.body, (std::vector<std::string>{"one,", "two"}));
}

TEST(StreamRoute, OtherRoutesAnswerWholeThroughTheStream) {
  const auto app = report_app();
  auto run = run_streaming(app, function_url_event("GET", "/plain"));
  ASSERT_TRUE(run.result) << run.result.error().message;
  const auto streamed = read_streamed(run.sink);
  EXPECT_EQ(streamed.prelude.at("statusCode"), 200);
  EXPECT_EQ(streamed.prelude.at("headers").at("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(streamed.whole_body, "whole");

  auto missing = run_streaming(app, function_url_event("GET", "/nope"));
  ASSERT_TRUE(missing.result);
  const auto not_found = read_streamed(missing.sink);
  EXPECT_EQ(not_found.prelude.at("statusCode"), 404);
  EXPECT_EQ(boost::json::parse(not_found.whole_body).at("error").at("code"), "NotFound");
}

TEST(StreamRoute, AnErrorBeforeTheFirstWriteIsTheUsualErrorAnswer) {
  App app;
  app.get("/r", lift::stream([](Context&, ResponseWriter&) -> Result<void> { return lift::errors::not_found("no such report"); }));
  auto run = run_streaming(app, function_url_event("GET", "/r"));
  ASSERT_TRUE(run.result) << run.result.error().message;
  const auto streamed = read_streamed(run.sink);
  EXPECT_EQ(streamed.prelude.at("statusCode"), 404);
  EXPECT_EQ(streamed.prelude.at("headers").at("content-type"), "application/json");
  const auto body = boost::json::parse(streamed.whole_body);
  EXPECT_EQ(body.at("error").at("message"), "no such report");
  EXPECT_EQ(body.at("error").at("request_id"), "8f5c3d2e-1b4a-4c6d-9e8f-7a6b5c4d3e2f");
}

TEST(StreamRoute, AnErrorAfterTheFirstWriteEndsTheStreamWithIt) {
  App app;
  bool on_error_saw_started = false;
  app.use(lift::mw::on_error([&](Context& ctx, const lift::Error& error) -> Result<void> {
    on_error_saw_started = ctx.response_started();
    return error;
  }));
  app.get("/r", lift::stream([](Context&, ResponseWriter& out) -> Result<void> {
    if (auto sent = out.write("partial"); !sent) return sent;
    return lift::Error{"ReportFailed", "the database went away", 503};
  }));
  auto run = run_streaming(app, function_url_event("GET", "/r"));
  ASSERT_FALSE(run.result);  // the runtime sends it in the trailers
  EXPECT_EQ(run.result.error().code, "ReportFailed");
  EXPECT_TRUE(on_error_saw_started);
  const auto streamed = read_streamed(run.sink);
  EXPECT_EQ(streamed.prelude.at("statusCode"), 200);
  EXPECT_EQ(streamed.whole_body, "partial");  // no error body mixed into the stream
}

TEST(StreamRoute, AThrownExceptionAfterTheFirstWriteEndsTheStreamToo) {
  App app;
  app.get("/r", lift::stream([](Context&, ResponseWriter& out) -> Result<void> {
    (void)out.write("partial");
    throw std::runtime_error("boom");
  }));
  auto run = run_streaming(app, function_url_event("GET", "/r"));
  ASSERT_FALSE(run.result);
  EXPECT_EQ(run.result.error().status, 500);
  EXPECT_EQ(read_streamed(run.sink).whole_body, "partial");
}

TEST(StreamRoute, MiddlewareRunsBeforeTheFirstByte) {
  App app;
  app.use(lift::mw::request_id(), lift::mw::cors({.allow_origins = {"https://app.example.com"}}), lift::mw::security_headers(),
          lift::mw::compression(1));
  app.use(lift::mw::before([](Context& ctx) -> Result<void> {
    if (!ctx.header("authorization")) return lift::Error{"Unauthorized", "a token is needed", 401};
    ctx.set("user", std::string("ada"));
    return {};
  }));
  bool ran = false;
  app.get("/r", lift::stream([&ran](Context& ctx, ResponseWriter& out) -> Result<void> {
    ran = true;
    EXPECT_TRUE(ctx.streaming());
    ctx.set_header("content-type", "text/plain");
    return out.write("hello " + *ctx.get<std::string>("user") + std::string(2000, '!'));
  }));

  auto refused = run_streaming(app, function_url_event("GET", "/r", R"({"origin":"https://app.example.com"})"));
  ASSERT_TRUE(refused.result);
  EXPECT_FALSE(ran);
  EXPECT_EQ(read_streamed(refused.sink).prelude.at("statusCode"), 401);

  auto run = run_streaming(app, function_url_event("GET", "/r",
                                                   R"({"origin":"https://app.example.com","authorization":"Bearer t",)"
                                                   R"("x-request-id":"req-7","accept-encoding":"gzip"})"));
  ASSERT_TRUE(run.result) << run.result.error().message;
  EXPECT_TRUE(ran);
  const auto streamed = read_streamed(run.sink);
  const auto& headers = streamed.prelude.at("headers").as_object();
  EXPECT_EQ(headers.at("access-control-allow-origin"), "https://app.example.com");
  EXPECT_EQ(headers.at("vary"), "Origin");
  EXPECT_EQ(headers.at("x-request-id"), "req-7");
  EXPECT_EQ(headers.at("x-content-type-options"), "nosniff");
  EXPECT_FALSE(headers.contains("content-encoding"));  // a streamed body is never compressed
  EXPECT_EQ(streamed.whole_body, "hello ada" + std::string(2000, '!'));
}

TEST(StreamRoute, AWriteAfterTheEndIsAnError) {
  App app;
  Result<void> late;
  app.get("/r", lift::stream([&late](Context&, ResponseWriter& out) -> Result<void> {
    (void)out.write("done");
    out.end();
    late = out.write("more");
    return {};
  }));
  auto run = run_streaming(app, function_url_event("GET", "/r"));
  ASSERT_TRUE(run.result);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "StreamClosed");
  EXPECT_EQ(read_streamed(run.sink).whole_body, "done");
}

TEST(StreamRoute, AnInvalidStatusIsATypedErrorBeforeAnythingIsSent) {
  App app;
  Result<void> first;
  app.get("/r", lift::stream([&first](Context& ctx, ResponseWriter& out) -> Result<void> {
    ctx.status(1000);
    first = out.write("x");
    return first;
  }));
  auto run = run_streaming(app, function_url_event("GET", "/r"));
  ASSERT_TRUE(run.result);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, "InvalidStatus");
  const auto streamed = read_streamed(run.sink);
  EXPECT_EQ(streamed.prelude.at("statusCode"), 500);  // the error's answer, before the first byte
  EXPECT_EQ(boost::json::parse(streamed.whole_body).at("error").at("code"), "InvalidStatus");
}

TEST(StreamRoute, AHeadRequestGetsTheHeadersOnly) {
  const auto app = report_app();
  auto run = run_streaming(app, function_url_event("HEAD", "/report"));
  ASSERT_TRUE(run.result) << run.result.error().message;
  const auto streamed = read_streamed(run.sink);
  EXPECT_EQ(streamed.prelude.at("statusCode"), 206);
  EXPECT_TRUE(streamed.whole_body.empty());
}

TEST(StreamRoute, InProcessThePiecesAreCollected) {
  const auto app = report_app();
  auto answer = lift::testing::http(app).get("/report");
  EXPECT_EQ(answer.status, 206);
  EXPECT_EQ(answer.body, "one,two");
  const auto buffered = app.invoke(invocation(function_url_event("GET", "/report")));
  ASSERT_TRUE(buffered);
  EXPECT_EQ(boost::json::parse(buffered->body).at("body"), "one,two");
}

TEST(StreamRoute, SourcesThatCannotStreamGetTheirBufferedAnswerAsTheBody) {
  App app = report_app();
  app.on_event([](Context&, const boost::json::value&) -> Result<boost::json::value> { return boost::json::object{{"handled", true}}; });
  // An ALB reads only buffered answers: the stream's body is the answer in the ALB's shape.
  const std::string alb = R"({"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1"}},)"
                          R"("httpMethod":"GET","path":"/report","queryStringParameters":{},"headers":{},"body":"","isBase64Encoded":false})";
  auto run = run_streaming(app, alb);
  ASSERT_TRUE(run.result) << run.result.error().message;
  EXPECT_EQ(run.sink.content_type, "application/json");
  ASSERT_EQ(run.sink.pieces.size(), 1u);
  const auto answer = boost::json::parse(run.sink.pieces[0]);
  EXPECT_EQ(answer.at("statusCode"), 206);
  EXPECT_EQ(answer.at("body"), "one,two");

  auto other = run_streaming(app, R"({"some":"event"})");
  ASSERT_TRUE(other.result) << other.result.error().message;
  EXPECT_EQ(other.sink.content_type, "application/json");

  auto invalid = run_streaming(app, "{oops");
  ASSERT_FALSE(invalid.result);  // before the first byte: the runtime posts it to /error
  EXPECT_EQ(invalid.result.error().code, "InvalidEvent");
  EXPECT_EQ(invalid.sink.begins, 0);
}

TEST(StreamRoute, ARestApiEventStreamsTheSamePrelude) {
  const auto app = report_app();
  const std::string rest = R"({"resource":"/report","path":"/report","httpMethod":"GET","headers":{},"multiValueHeaders":{},)"
                           R"("queryStringParameters":null,"pathParameters":null,"stageVariables":null,)"
                           R"("requestContext":{"resourcePath":"/report","httpMethod":"GET","stage":"dev","requestId":"r-1",)"
                           R"("identity":{"sourceIp":"203.0.113.9"},"apiId":"api"},"body":null,"isBase64Encoded":false})";
  auto run = run_streaming(app, rest);
  ASSERT_TRUE(run.result) << run.result.error().message;
  const auto streamed = read_streamed(run.sink);
  EXPECT_EQ(streamed.prelude.at("statusCode"), 206);
  EXPECT_EQ(streamed.body, (std::vector<std::string>{"one,", "two"}));
}

}  // namespace
