// The load shedder's shared state under several workers at once (TSAN): per-route latency
// windows written and read by eight threads, routes first seen concurrently, the in-flight count.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "lift/app/app.hpp"
#include "lift/middleware/resilience.hpp"
#include "lift/runtime/protocol.hpp"
#include "support/http_request.hpp"

namespace {

using namespace std::chrono_literals;

using lift::testing_support::request;

TEST(LoadSheddingConcurrency, EightWorkersShareTheRouteWindowsAndTheInFlightCount) {
  // Each thread's handler "takes" a latency read from a per-thread fake clock.
  auto shedding = lift::mw::load_shedding({.max_in_flight = 8, .window = 50, .min_samples = 5, .margin = 0ms});
  ASSERT_TRUE(shedding);
  lift::App app;
  app.use(std::move(*shedding));
  std::atomic<int> ran{0};
  for (int route = 0; route < 4; ++route) {
    app.get("/r" + std::to_string(route) + "/:id", [&ran](lift::Context&) {
      ++ran;
      return std::string("ok");
    });
  }
  constexpr int kThreads = 8;
  constexpr int kRequests = 300;
  std::barrier start(kThreads);
  std::atomic<int> refused{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      lift::runtime::InvocationContext lambda;
      lambda.request_id = "r" + std::to_string(t);
      lambda.deadline = std::chrono::system_clock::now() + 60s;
      start.arrive_and_wait();
      for (int i = 0; i < kRequests; ++i) {
        const auto answer = app.handle(request("GET", "/r" + std::to_string((t + i) % 4) + "/" + std::to_string(i)), &lambda);
        if (answer.status == 503) ++refused;
        EXPECT_TRUE(answer.status == 200 || answer.status == 503) << answer.status;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  // At most eight in flight with eight workers: never over the limit; handlers are fast, so
  // every route's percentile fits the minute left.
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(ran.load(), kThreads * kRequests);
}

}  // namespace
