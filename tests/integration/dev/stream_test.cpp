// Streaming routes through `lift dev`'s API Gateway: a real function process on lift::App streams
// its answer, and the gateway passes each piece on to the HTTP client as it comes (chunked), so
// the first piece arrives while the handler is still running.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "lift/local/api_gateway_emulator.hpp"
#include "support/files.hpp"
#include "support/log_lines.hpp"
#include "support/timed_http.hpp"

namespace {

using lift::testing_support::LogLines;
using lift::testing_support::read_file;
using lift::testing_support::timed_get;
using namespace std::chrono_literals;

class DevStreaming : public ::testing::Test {
 protected:
  void SetUp() override {
    lift::local::ApiGatewayConfig config;
    config.function.command = {LIFT_DEV_STREAM_FUNCTION};
    config.function.timeout = 5000ms;
    config.watch = false;
    config.log = log_.sink();
    gateway_.emplace(std::move(config));
    ASSERT_TRUE(gateway_->start());
  }
  LogLines log_;
  std::optional<lift::local::ApiGatewayEmulator> gateway_;  // after log_: it logs there until it stops
};

TEST_F(DevStreaming, TheFirstChunkArrivesBeforeTheHandlerEnds) {
  const auto answer = timed_get(gateway_->port(), "/ticks", {{"origin", "https://app.example.com"}, {"x-request-id", "req-1"}});
  EXPECT_EQ(answer.status, 200);
  EXPECT_TRUE(answer.chunked);
  EXPECT_TRUE(answer.complete);
  EXPECT_EQ(answer.headers["content-type"], "text/plain");
  // Middleware ran before the first byte: its headers are in the streamed answer.
  EXPECT_EQ(answer.headers["access-control-allow-origin"], "https://app.example.com");
  EXPECT_EQ(answer.headers["x-request-id"], "req-1");
  EXPECT_FALSE(answer.headers["apigw-requestid"].empty());
  ASSERT_EQ(answer.body(), "first\nsecond\n");
  // The piece holding "first" came at least 250 ms before the one holding "second".
  EXPECT_GE(answer.arrival_of("second") - answer.arrival_of("first"), 250ms);
}

TEST_F(DevStreaming, AnErrorAfterTheFirstByteCutsTheConnection) {
  const auto answer = timed_get(gateway_->port(), "/fail-late");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body(), "partial\n");
  EXPECT_FALSE(answer.complete);  // no last chunk: the client sees a broken body, as from a Function URL
  EXPECT_TRUE(log_.wait_for("ReportFailed")) << log_.text();
  // The gateway and the function carry on.
  EXPECT_EQ(timed_get(gateway_->port(), "/plain").body(), "plain");
}

TEST_F(DevStreaming, AnErrorBeforeTheFirstByteIsTheUsualAnswer) {
  const auto answer = timed_get(gateway_->port(), "/fail-early");
  EXPECT_EQ(answer.status, 404);
  EXPECT_TRUE(answer.complete);
  const auto body = boost::json::parse(answer.body());
  EXPECT_EQ(body.at("error").at("message"), "no such report");
}

TEST_F(DevStreaming, OtherRoutesOfAStreamingAppAnswerAsUsual) {
  const auto plain = timed_get(gateway_->port(), "/plain");
  EXPECT_EQ(plain.status, 200);
  EXPECT_TRUE(plain.complete);
  EXPECT_EQ(plain.headers["content-type"], "text/plain; charset=utf-8");
  EXPECT_EQ(plain.body(), "plain");
  EXPECT_EQ(timed_get(gateway_->port(), "/nope").status, 404);
}

TEST_F(DevStreaming, HelloStillAnswersBuffered) {
  // A function that does not stream is answered with a Content-Length, as before.
  lift::local::ApiGatewayConfig config;
  config.function.command = {LIFT_HELLO};
  config.watch = false;
  config.log = [](std::string_view) {};
  lift::local::ApiGatewayEmulator hello(std::move(config));
  ASSERT_TRUE(hello.start());
  const auto answer = timed_get(hello.port(), "/hello?name=dev");
  EXPECT_EQ(answer.status, 200);
  EXPECT_FALSE(answer.chunked);
  EXPECT_TRUE(answer.complete);
  EXPECT_NE(answer.body().find("hello, dev"), std::string::npos);
}

TEST(DevStreamingReadme, TheReadmeExampleIsTheTestedCode) {
  const std::string source = read_file(std::string(LIFT_TEST_SOURCE_DIR) + "/tests/integration/dev/stream_function.cpp");
  const std::string begin_mark = "  // README: begin\n";
  const auto begin = source.find(begin_mark);
  const auto end = source.find("  // README: end\n");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const std::string code = source.substr(begin + begin_mark.size(), end - begin - begin_mark.size());
  // The README shows it without the function's indentation.
  std::string unindented;
  std::istringstream lines(code);
  for (std::string line; std::getline(lines, line);) unindented += (line.starts_with("  ") ? line.substr(2) : line) + "\n";
  EXPECT_NE(read_file(std::string(LIFT_TEST_SOURCE_DIR) + "/README.md").find(unindented), std::string::npos) << "README.md's streaming example differs from:\n" << unindented;
}

}  // namespace
