// Streaming routes through `lift dev`'s API Gateway: a real function process on lift::App streams
// its answer, and the gateway passes each piece on to the HTTP client as it comes (chunked), so
// the first piece arrives while the handler is still running.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "lift/local/api_gateway_emulator.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// One answer read piece by piece, each chunk with the moment it arrived.
struct TimedAnswer {
  int status = 0;
  http::fields headers;
  std::vector<std::pair<Clock::time_point, std::string>> chunks;
  bool chunked = false;
  bool complete = false;  // the body ended properly (its last chunk came)
  std::string body() const {
    std::string all;
    for (const auto& chunk : chunks) all += chunk.second;
    return all;
  }
};

TimedAnswer get(unsigned short port, const std::string& target, std::vector<std::pair<std::string, std::string>> headers = {}) {
  net::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  http::write(socket, request);

  TimedAnswer answer;
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  auto on_body = [&](std::uint64_t, std::string_view body, beast::error_code&) -> std::size_t {
    answer.chunks.emplace_back(Clock::now(), std::string(body));
    return body.size();
  };
  parser.on_chunk_body(on_body);
  beast::error_code ec;
  http::read_header(socket, buffer, parser, ec);
  if (ec) return answer;
  answer.status = static_cast<int>(parser.get().result_int());
  answer.headers = parser.get().base();
  answer.chunked = parser.chunked();
  char scratch[4096];
  while (!parser.is_done()) {
    parser.get().body().data = scratch;
    parser.get().body().size = sizeof scratch;
    http::read_some(socket, buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) break;
    if (!answer.chunked) {
      const auto n = sizeof scratch - parser.get().body().size;
      if (n > 0) answer.chunks.emplace_back(Clock::now(), std::string(scratch, n));
    }
  }
  answer.complete = parser.is_done();
  return answer;
}

class DevStreaming : public ::testing::Test {
 protected:
  void SetUp() override {
    lift::local::ApiGatewayConfig config;
    config.function.command = {LIFT_DEV_STREAM_FUNCTION};
    config.function.timeout = 5000ms;
    config.watch = false;
    config.log = [this](std::string_view line) {
      std::lock_guard lock(log_mutex_);
      log_ += std::string(line) + "\n";
    };
    gateway_.emplace(std::move(config));
    ASSERT_TRUE(gateway_->start());
  }
  std::string log() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }
  std::mutex log_mutex_;
  std::string log_;
  std::optional<lift::local::ApiGatewayEmulator> gateway_;  // last: it logs into the above until it stops
};

TEST_F(DevStreaming, TheFirstChunkArrivesBeforeTheHandlerEnds) {
  const auto answer = get(gateway_->port(), "/ticks", {{"origin", "https://app.example.com"}, {"x-request-id", "req-1"}});
  EXPECT_EQ(answer.status, 200);
  EXPECT_TRUE(answer.chunked);
  EXPECT_TRUE(answer.complete);
  EXPECT_EQ(answer.headers["content-type"], "text/plain");
  // Middleware ran before the first byte: its headers are in the streamed answer.
  EXPECT_EQ(answer.headers["access-control-allow-origin"], "https://app.example.com");
  EXPECT_EQ(answer.headers["x-request-id"], "req-1");
  EXPECT_FALSE(answer.headers["apigw-requestid"].empty());
  ASSERT_EQ(answer.body(), "first\nsecond\n");
  ASSERT_GE(answer.chunks.size(), 2u);
  // The piece holding "first" came at least 250 ms before the one holding "second".
  std::optional<Clock::time_point> first;
  std::optional<Clock::time_point> second;
  for (const auto& [at, bytes] : answer.chunks) {
    if (!first && bytes.find("first") != std::string::npos) first = at;
    if (!second && bytes.find("second") != std::string::npos) second = at;
  }
  ASSERT_TRUE(first && second);
  EXPECT_GE(*second - *first, 250ms);
}

TEST_F(DevStreaming, AnErrorAfterTheFirstByteCutsTheConnection) {
  const auto answer = get(gateway_->port(), "/fail-late");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body(), "partial\n");
  EXPECT_FALSE(answer.complete);  // no last chunk: the client sees a broken body, as from a Function URL
  const auto deadline = Clock::now() + 5s;
  while (log().find("ReportFailed") == std::string::npos && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_NE(log().find("ReportFailed"), std::string::npos) << log();
  // The gateway and the function carry on.
  EXPECT_EQ(get(gateway_->port(), "/plain").body(), "plain");
}

TEST_F(DevStreaming, AnErrorBeforeTheFirstByteIsTheUsualAnswer) {
  const auto answer = get(gateway_->port(), "/fail-early");
  EXPECT_EQ(answer.status, 404);
  EXPECT_TRUE(answer.complete);
  const auto body = boost::json::parse(answer.body());
  EXPECT_EQ(body.at("error").at("message"), "no such report");
}

TEST_F(DevStreaming, OtherRoutesOfAStreamingAppAnswerAsUsual) {
  const auto plain = get(gateway_->port(), "/plain");
  EXPECT_EQ(plain.status, 200);
  EXPECT_TRUE(plain.complete);
  EXPECT_EQ(plain.headers["content-type"], "text/plain; charset=utf-8");
  EXPECT_EQ(plain.body(), "plain");
  EXPECT_EQ(get(gateway_->port(), "/nope").status, 404);
}

TEST_F(DevStreaming, HelloStillAnswersBuffered) {
  // A function that does not stream is answered with a Content-Length, as before.
  lift::local::ApiGatewayConfig config;
  config.function.command = {LIFT_HELLO};
  config.watch = false;
  config.log = [](std::string_view) {};
  lift::local::ApiGatewayEmulator hello(std::move(config));
  ASSERT_TRUE(hello.start());
  const auto answer = get(hello.port(), "/hello?name=dev");
  EXPECT_EQ(answer.status, 200);
  EXPECT_FALSE(answer.chunked);
  EXPECT_TRUE(answer.complete);
  EXPECT_NE(answer.body().find("hello, dev"), std::string::npos);
}

std::string read_file(const std::string& path) {
  std::ifstream in(std::string(LIFT_TEST_SOURCE_DIR) + "/" + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DevStreamingReadme, TheReadmeExampleIsTheTestedCode) {
  const std::string source = read_file("tests/integration/dev/stream_function.cpp");
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
  EXPECT_NE(read_file("README.md").find(unindented), std::string::npos) << "README.md's streaming example differs from:\n" << unindented;
}

}  // namespace
