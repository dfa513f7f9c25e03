// Duplicates from many threads at once against one Idempotency (one environment under
// AWS_LAMBDA_MAX_CONCURRENCY > 1) and two (two environments): each key runs once, every caller
// gets its answer, and nothing races (this executable also runs under ThreadSanitizer).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "lift/dynamorm/memory_engine.hpp"
#include "lift/idempotency/idempotency.hpp"

namespace {

namespace idem = lift::idempotency;
using namespace std::chrono_literals;

lift::aws::DynamoDbClient client_of(lift::dynamorm::MemoryEngine& engine) {
  auto client = lift::aws::DynamoDbClient::create({.transport = lift::dynamorm::memory_transport(engine)});
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

idem::Idempotency make(lift::aws::DynamoDbClient& client, std::atomic<int>* waited = nullptr) {
  idem::Options options{.table = "idempotency", .create_table = true, .log = nullptr};
  if (waited != nullptr)
    options.on_event = [waited](const idem::Event& e) {
      if (e.kind == idem::EventKind::waited) ++*waited;
    };
  auto made = idem::Idempotency::create(client, std::move(options));
  if (!made) throw std::runtime_error(made.error().message);
  return std::move(*made);
}

TEST(IdempotencyConcurrency, DuplicatesInOneEnvironmentWaitForTheFirstAndNeverWrite) {
  lift::dynamorm::MemoryEngine engine;
  auto client = client_of(engine);
  std::atomic<int> waited{0};
  const auto idempotency = make(client, &waited);
  constexpr int kThreads = 8;
  constexpr int kKeys = 3;
  std::atomic<int> runs[kKeys] = {};
  std::vector<std::string> answers(kThreads * kKeys);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    for (int k = 0; k < kKeys; ++k) {
      threads.emplace_back([&, t, k] {
        auto answer = idempotency.run("", boost::json::value("key-" + std::to_string(k)), nullptr, [&]() -> lift::Result<std::string> {
          std::this_thread::sleep_for(50ms);
          ++runs[k];
          return std::to_string(k);
        });
        answers[static_cast<std::size_t>(t * kKeys + k)] = answer ? answer->data : answer.error().code;
      });
    }
  }
  for (auto& thread : threads) thread.join();
  for (int k = 0; k < kKeys; ++k) EXPECT_EQ(runs[k].load(), 1) << k;
  for (int t = 0; t < kThreads; ++t)
    for (int k = 0; k < kKeys; ++k) EXPECT_EQ(answers[static_cast<std::size_t>(t * kKeys + k)], std::to_string(k));
  EXPECT_GT(waited.load(), 0);  // some duplicates arrived while the first ran, and waited
}

TEST(IdempotencyConcurrency, AFailedFirstCallLetsAWaitingDuplicateRun) {
  lift::dynamorm::MemoryEngine engine;
  auto client = client_of(engine);
  const auto idempotency = make(client);
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  std::atomic<int> succeeded{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto answer = idempotency.run("", "k", nullptr, [&]() -> lift::Result<std::string> {
        std::this_thread::sleep_for(30ms);
        if (++calls == 1) return lift::Error{"Flaky", "first attempt fails", 503};
        return std::string("ok");
      });
      if (answer) ++succeeded;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(calls.load(), 2);      // the failure, then one success that the rest share
  EXPECT_EQ(succeeded.load(), 3);
}

// A key completed before (by another environment): duplicates arriving at once share the one read
// of it, rather than each making its own conditional write.
TEST(IdempotencyConcurrency, DuplicatesOfAStoredKeyShareOneRead) {
  lift::dynamorm::MemoryEngine engine;
  std::atomic<int> puts{0};
  auto counting = lift::aws::DynamoDbClient::create({.transport = [transport = lift::dynamorm::memory_transport(engine), &puts](
                                                                      std::string_view op, std::string_view body) {
    if (op == "PutItem") ++puts;
    return transport(op, body);
  }});
  ASSERT_TRUE(counting);
  auto other_client = client_of(engine);
  ASSERT_TRUE(make(other_client).run("", "k", nullptr, [] { return lift::Result<std::string>(std::string("1")); }));
  const auto idempotency = make(*counting);
  std::vector<std::thread> threads;
  std::atomic<int> replayed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto answer = idempotency.run("", "k", nullptr, [] { return lift::Result<std::string>(std::string("2")); });
      if (answer && answer->replayed && answer->data == "1") ++replayed;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(replayed.load(), 8);
  EXPECT_EQ(puts.load(), 1);  // the first read; the rest waited on it or found it in the cache
}

TEST(IdempotencyConcurrency, TwoEnvironmentsRunAKeyOnce) {
  lift::dynamorm::MemoryEngine engine;
  auto client_a = client_of(engine);
  auto client_b = client_of(engine);
  const auto a = make(client_a);
  const auto b = make(client_b);
  std::atomic<int> runs{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const auto& env = t % 2 == 0 ? a : b;
      auto answer = env.run("", "k", nullptr, [&]() -> lift::Result<std::string> {
        std::this_thread::sleep_for(50ms);
        ++runs;
        return std::string("1");
      });
      if (!answer) {
        EXPECT_EQ(answer.error().code, idem::kInProgress);
        ++refused;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_LE(refused.load(), 4);
}

}  // namespace
