// CredentialsChain under concurrency (also built and run under ThreadSanitizer): credentials are
// fetched again ahead of expiry by one worker at a time while the others keep using the still
// valid ones; workers without usable credentials wait for that one fetch and share its answer or
// its error; a failed refresh keeps serving unexpired credentials. Accounts hands every worker
// the same client per role.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "lift/aws/accounts.hpp"
#include "lift/aws/credentials.hpp"

namespace {

using namespace lift::aws;
using namespace std::chrono_literals;
using Time = std::chrono::system_clock::time_point;

struct Fixture {
  std::atomic<std::int64_t> now_s{1'000'000};
  std::atomic<int> calls{0}, in_flight{0}, max_in_flight{0};
  std::atomic<bool> fail{false};

  Time now() const { return Time(std::chrono::seconds(now_s.load())); }

  CredentialsChain chain() {
    return CredentialsChain({[this]() -> lift::Result<Credentials> {
                              const int running = ++in_flight;
                              int seen = max_in_flight.load();
                              while (running > seen && !max_in_flight.compare_exchange_weak(seen, running)) {
                              }
                              std::this_thread::sleep_for(20ms);  // a slow STS: others arrive meanwhile
                              const int number = ++calls;
                              --in_flight;
                              if (fail) return lift::Error{"STS.AccessDenied", "denied", 403};
                              return Credentials{"ASIA" + std::to_string(number), "s", "t", now() + 1h, "test"};
                            }},
                            [this] { return now(); }, std::chrono::minutes(5));
  }
};

std::vector<lift::Result<Credentials>> from_threads(CredentialsChain& chain, int threads) {
  std::vector<lift::Result<Credentials>> results(static_cast<std::size_t>(threads), lift::Error{});
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) workers.emplace_back([&, i] { results[static_cast<std::size_t>(i)] = chain.get(); });
  for (auto& worker : workers) worker.join();
  return results;
}

TEST(CredentialsRefresh, FirstFetchIsSharedByWaitingWorkers) {
  Fixture fixture;
  auto chain = fixture.chain();
  for (const auto& result : from_threads(chain, 8)) {
    ASSERT_TRUE(result);
    EXPECT_EQ(result->access_key_id, "ASIA1");
  }
  EXPECT_EQ(fixture.calls, 1);
  EXPECT_EQ(fixture.max_in_flight, 1);
}

TEST(CredentialsRefresh, AheadOfExpiryOneWorkerRefreshesOthersKeepTheValidOnes) {
  Fixture fixture;
  auto chain = fixture.chain();
  ASSERT_EQ(chain.get()->access_key_id, "ASIA1");
  fixture.now_s += 56 * 60;  // within 5 minutes of expiring
  int old_keys = 0, new_keys = 0;
  for (const auto& result : from_threads(chain, 8)) {
    ASSERT_TRUE(result);
    (result->access_key_id == "ASIA1" ? old_keys : new_keys)++;
  }
  EXPECT_EQ(fixture.calls, 2) << "one refresh";
  EXPECT_EQ(fixture.max_in_flight, 1);
  EXPECT_GE(new_keys, 1);
  EXPECT_EQ(chain.get()->access_key_id, "ASIA2");
}

TEST(CredentialsRefresh, AFailedRefreshKeepsServingUnexpiredCredentials) {
  Fixture fixture;
  auto chain = fixture.chain();
  ASSERT_TRUE(chain.get());
  fixture.fail = true;
  fixture.now_s += 57 * 60;
  for (const auto& result : from_threads(chain, 4)) {
    ASSERT_TRUE(result);
    EXPECT_EQ(result->access_key_id, "ASIA1");
  }
  EXPECT_EQ(fixture.calls, 2) << "one failed refresh; the next waits 10 s";
  fixture.now_s += 5;
  ASSERT_TRUE(chain.get());
  EXPECT_EQ(fixture.calls, 2);
  fixture.now_s += 6;
  ASSERT_TRUE(chain.get());
  EXPECT_EQ(fixture.calls, 3) << "tried again after 10 s";
  // Once they have expired, the error is the answer.
  fixture.now_s += 3600;
  auto expired = chain.get();
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, "STS.AccessDenied");
  // Workers waiting on a failing fetch share its error.
  const int before = fixture.calls;
  for (const auto& result : from_threads(chain, 6)) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, "STS.AccessDenied");
  }
  EXPECT_LT(fixture.calls - before, 6);
  fixture.fail = false;
  EXPECT_TRUE(chain.get());
}

TEST(AccountsConcurrency, EveryWorkerGetsTheSameClientPerRole) {
  AccountsOptions options;
  options.sts.endpoint = "http://127.0.0.1:9";  // never called: no credentials are fetched
  options.sts.region = "eu-west-1";
  options.dynamodb.endpoint = "http://127.0.0.1:9";
  options.dynamodb.region = "eu-west-1";
  options.max_roles = 3;
  Accounts accounts(std::move(options));
  std::vector<AccountRole> roles;
  for (int i = 0; i < 4; ++i) roles.push_back({.role_arn = "arn:aws:iam::11112222333" + std::to_string(i) + ":role/r"});
  std::vector<std::vector<DynamoDbClient*>> seen(8);
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < seen.size(); ++t) {
    workers.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        auto client = accounts.dynamodb(roles[static_cast<std::size_t>(round) % 3]);
        ASSERT_TRUE(client);
        if (round < 3) seen[t].push_back(client->get());
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(accounts.size(), 3u);
  for (const auto& per_thread : seen) EXPECT_EQ(per_thread, seen[0]);
  // A fourth role drops the least recently used one; concurrent lookups stay consistent.
  std::vector<std::thread> more;
  for (int t = 0; t < 4; ++t)
    more.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) EXPECT_TRUE(accounts.dynamodb(roles[static_cast<std::size_t>(round + t) % 4]));
    });
  for (auto& worker : more) worker.join();
  EXPECT_EQ(accounts.size(), 3u);
}

}  // namespace
