// The local API Gateway passing streamed answers through (in-process, in front of the fake
// function): several clients at once, each piece relayed from the Runtime API emulator's
// connection thread through the invoking pool to the I/O thread as it comes. Marked TSAN.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lift/local/api_gateway_emulator.hpp"
#include "support/log_lines.hpp"
#include "support/timed_http.hpp"

namespace {

using lift::testing_support::LogLines;
using lift::testing_support::TimedAnswer;
using lift::testing_support::timed_get;
using namespace std::chrono_literals;

class GatewayStreaming : public ::testing::Test {
 protected:
  void SetUp() override {
    lift::local::ApiGatewayConfig config;
    config.function.command = {LIFT_FAKE_FUNCTION};
    config.function.timeout = 5s;
    config.function.concurrency = 4;
    config.watch = false;
    config.log = log_.sink();
    gateway_ = std::make_unique<lift::local::ApiGatewayEmulator>(std::move(config));
    auto started = gateway_->start();
    ASSERT_TRUE(started) << started.error().message;
  }
  LogLines log_;
  std::unique_ptr<lift::local::ApiGatewayEmulator> gateway_;  // after log_: it logs there until it stops
};

TEST_F(GatewayStreaming, PiecesReachEachClientAsTheyCome) {
  constexpr int kClients = 4;
  std::vector<TimedAnswer> answers(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] { answers[i] = timed_get(gateway_->port(), "/stream?ms=200"); });
  }
  for (auto& client : clients) client.join();
  for (const auto& answer : answers) {
    EXPECT_EQ(answer.status, 200);
    EXPECT_TRUE(answer.chunked);
    EXPECT_TRUE(answer.complete);
    EXPECT_EQ(answer.headers["content-type"], "text/plain");
    EXPECT_EQ(answer.headers["set-cookie"], "s=1");
    EXPECT_EQ(answer.body(), "first\nsecond\n");
    EXPECT_GE(answer.arrival_of("second") - answer.arrival_of("first"), 150ms);
  }
}

TEST_F(GatewayStreaming, AFailureAfterTheFirstByteCutsTheConnection) {
  const auto answer = timed_get(gateway_->port(), "/stream-fail");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body(), "first\n");
  EXPECT_FALSE(answer.complete);
  EXPECT_TRUE(log_.wait_for("Fake.Failed")) << log_.text();
  // Buffered answers are as before.
  const auto echoed = timed_get(gateway_->port(), "/echo");
  EXPECT_EQ(echoed.status, 200);
  EXPECT_FALSE(echoed.chunked);
  EXPECT_TRUE(echoed.complete);
}

}  // namespace
