// Many workers of one environment (Managed Instances, AWS_LAMBDA_MAX_CONCURRENCY > 1) on one
// limiter at once: exactly the limit is allowed, whatever the interleaving. Also built and run
// under ThreadSanitizer.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "lift/aws/dynamodb.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/ratelimit/dynamodb.hpp"
#include "lift/ratelimit/token_bucket.hpp"
#include "support/dynamodb_clients.hpp"

namespace {

using namespace std::chrono_literals;
using lift::ratelimit::Limit;

constexpr int kThreads = 8;
constexpr int kRequestsEach = 25;
constexpr int kLimit = 57;

// Every thread makes its requests at once; returns how many were allowed in all.
int allowed_across_threads(lift::ratelimit::Limiter& limiter, const Limit& limit) {
  std::atomic<int> allowed{0};
  std::atomic<int> failed{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kRequestsEach; ++i) {
        auto decision = limiter.acquire("shared", limit);
        if (!decision) ++failed;
        else if (decision->allowed) ++allowed;
      }
    });
  }
  go.store(true);
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  return allowed.load();
}

TEST(RateLimitConcurrency, TheTokenBucketAllowsExactlyTheLimit) {
  // A frozen clock: nothing refills while the threads race.
  const auto frozen = std::chrono::steady_clock::now();
  auto bucket = *lift::ratelimit::TokenBucket::create({.clock = [frozen] { return frozen; }});
  EXPECT_EQ(allowed_across_threads(*bucket, {kLimit, 3600s}), kLimit);
}

class DynamoDbWindows : public ::testing::TestWithParam<lift::ratelimit::Window> {};

TEST_P(DynamoDbWindows, AllowExactlyTheLimit) {
  lift::dynamorm::MemoryEngine engine;
  auto client = lift::aws::DynamoDbClient::create(lift::testing_support::memory_client_options(engine));
  ASSERT_TRUE(client);
  // Inside one window, 30 s into it, the previous one empty.
  const auto at = std::chrono::system_clock::time_point(std::chrono::seconds(4102444800 + 30));
  auto limiter = lift::ratelimit::DynamoDbLimiter::create(*client, {.table = "limits", .window = GetParam(), .clock = [at] { return at; }});
  ASSERT_TRUE(limiter);
  ASSERT_TRUE((*limiter)->create_table());
  EXPECT_EQ(allowed_across_threads(**limiter, {kLimit, 3600s}), kLimit);
}

INSTANTIATE_TEST_SUITE_P(Windows, DynamoDbWindows,
                         ::testing::Values(lift::ratelimit::Window::fixed, lift::ratelimit::Window::sliding),
                         [](const auto& info) { return info.param == lift::ratelimit::Window::fixed ? "fixed" : "sliding"; });

}  // namespace
