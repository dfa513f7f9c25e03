// Health checks under several workers (AWS_LAMBDA_MAX_CONCURRENCY > 1): pollers that arrive
// together share one refresh, a hung dependency polled from every worker ties up one thread, and
// the endpoints answer from every thread at once. Run under ThreadSanitizer (make test-tsan).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "lift/health/health.hpp"

namespace health = lift::health;
using namespace std::chrono_literals;

namespace {

void run_threads(int count, const std::function<void(int)>& body) {
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) threads.emplace_back(body, i);
  for (auto& thread : threads) thread.join();
}

}  // namespace

TEST(HealthConcurrency, PollersThatArriveTogetherShareOneRefresh) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto checker = health::Checker::create({health::function("db",
                                                            [calls] {
                                                              ++*calls;
                                                              std::this_thread::sleep_for(100ms);
                                                              return true;
                                                            })},
                                         {.cache_for = 60s, .include_breakers = false});
  ASSERT_TRUE(checker);
  std::atomic<int> ready{0};
  std::vector<std::shared_ptr<const health::Report>> seen(8);
  run_threads(8, [&](int i) {
    ++ready;
    while (ready < 8) std::this_thread::yield();
    seen[static_cast<std::size_t>(i)] = (*checker)->report();
  });
  EXPECT_EQ(calls->load(), 1);
  EXPECT_EQ((*checker)->refreshes(), 1U);
  for (const auto& report : seen) {
    ASSERT_NE(report, nullptr);
    EXPECT_EQ(report, seen[0]);
    EXPECT_EQ(report->status, health::Status::pass);
  }
}

TEST(HealthConcurrency, AHungCheckPolledFromEveryWorkerRunsOnce) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto runs = std::make_shared<std::atomic<int>>(0);
  auto checker = health::Checker::create({health::function("hung",
                                                            [release, runs] {
                                                              ++*runs;
                                                              while (!*release) std::this_thread::sleep_for(1ms);
                                                              return true;
                                                            },
                                                            {.timeout = 20ms})},
                                         {.cache_for = 0ms, .include_breakers = false});
  ASSERT_TRUE(checker);
  std::atomic<int> failed{0};
  run_threads(4, [&](int) {
    for (int i = 0; i < 10; ++i) {
      if ((*checker)->report()->status == health::Status::fail) ++failed;
    }
  });
  EXPECT_EQ(failed.load(), 40);
  EXPECT_EQ(runs->load(), 1);
  *release = true;
}

TEST(HealthConcurrency, EndpointsAnswerFromEveryWorker) {
  auto checker = health::Checker::create({health::function("a", [] { return true; }), health::function("b", [] { return true; })},
                                         {.cache_for = 1ms});
  ASSERT_TRUE(checker);
  lift::App app;
  ASSERT_TRUE(health::mount(app, *checker));
  std::atomic<int> ok{0};
  run_threads(4, [&](int i) {
    for (int n = 0; n < 50; ++n) {
      lift::http::Request request;
      request.method = "GET";
      request.path = (n + i) % 3 == 0 ? "/health/live" : (n + i) % 3 == 1 ? "/health/ready" : "/health";
      request.raw_path = request.path;
      if (app.handle(std::move(request)).status == 200) ++ok;
    }
  });
  EXPECT_EQ(ok.load(), 200);
}
