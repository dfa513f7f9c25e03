// The DynamoDB fixed and sliding windows, one suite over the embedded engine and dynalite
// (started on 127.0.0.1 on a free port; skipped without Node.js or node_modules/dynalite): window
// boundaries with a fake clock, the TTL attribute, the weighted estimate, damaged counters, a
// missing table, the calls made per request, and several processes sharing one limit.
#include <gtest/gtest.h>

#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/ratelimit/dynamodb.hpp"
#include "lift/resilience/errors.hpp"
#include "support/dynalite.hpp"
#include "support/dynamodb_clients.hpp"
#include "support/requirements.hpp"

extern char** environ;

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using lift::ratelimit::DynamoDbLimiter;
using lift::ratelimit::Limit;
using lift::ratelimit::Window;
using SystemTime = std::chrono::system_clock::time_point;

enum class Backend { engine, dynalite };

int table_counter = 0;  // a fresh table per case, so dynalite needs no cleanup

// 2100-01-01T00:00:00Z: a multiple of 60 s, 3600 s and 86400 s, and in the future, where the
// engine (which applies TTL by the real clock) keeps the items.
constexpr std::int64_t kEpoch = 4102444800;

class Windows : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { dynalite_.reset(); }

  void SetUp() override {
    lift::aws::DynamoDbOptions options;
    if (GetParam() == Backend::engine) {
      engine_ = std::make_unique<lift::dynamorm::MemoryEngine>();
      options = lift::testing_support::memory_client_options(*engine_);
      // Counts the calls a request makes.
      options.transport = [inner = std::move(options.transport), calls = calls_](std::string_view operation, std::string_view body) {
        if (operation == "GetItem" || operation == "UpdateItem") calls->fetch_add(1);
        return inner(operation, body);
      };
    } else {
      if (!dynalite_) dynalite_ = std::make_unique<lift::testing_support::Dynalite>(LIFT_TEST_NODE, LIFT_TEST_SOURCE_DIR);
      if (!dynalite_->available()) LIFT_SKIP_WITHOUT() << "dynalite: " << dynalite_->why_unavailable();
      options = lift::testing_support::dynalite_client_options(dynalite_->endpoint());
    }
    auto client = lift::aws::DynamoDbClient::create(std::move(options));
    ASSERT_TRUE(client) << client.error().message;
    client_ = std::make_unique<lift::aws::DynamoDbClient>(std::move(*client));
    table_ = "rate_limits_" + std::to_string(++table_counter);
  }

  std::shared_ptr<DynamoDbLimiter> limiter(Window window) {
    lift::ratelimit::DynamoDbLimiterOptions options;
    options.table = table_;
    options.window = window;
    options.clock = [now = now_] { return *now; };
    auto made = DynamoDbLimiter::create(*client_, std::move(options));
    EXPECT_TRUE(made) << made.error().message;
    auto created = (*made)->create_table();
    EXPECT_TRUE(created) << created.error().message;
    calls_->store(0);
    return *made;
  }

  void at(std::int64_t epoch_seconds, std::chrono::milliseconds extra = 0ms) {
    *now_ = SystemTime(std::chrono::seconds(epoch_seconds)) + extra;
  }

  json::object item(const std::string& pk) {
    auto got = client_->get_item(json::object{{"TableName", table_}, {"Key", {{"pk", {{"S", pk}}}}}, {"ConsistentRead", true}},
                                 std::chrono::steady_clock::now() + 5s);
    EXPECT_TRUE(got) << got.error().message;
    if (!got || !got->contains("Item")) return {};
    return got->at("Item").as_object();
  }

  void put_count(const std::string& pk, json::object count) {
    auto put = client_->put_item(json::object{{"TableName", table_}, {"Item", {{"pk", {{"S", pk}}}, {"count", std::move(count)}}}},
                                 std::chrono::steady_clock::now() + 5s);
    ASSERT_TRUE(put) << put.error().message;
  }

  static inline std::unique_ptr<lift::testing_support::Dynalite> dynalite_;
  std::unique_ptr<lift::dynamorm::MemoryEngine> engine_;
  std::unique_ptr<lift::aws::DynamoDbClient> client_;
  std::shared_ptr<std::atomic<int>> calls_ = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<SystemTime> now_ = std::make_shared<SystemTime>(std::chrono::seconds(kEpoch));
  std::string table_;
};

TEST_P(Windows, FixedWindowAllowsTheLimitInEachWindow) {
  auto fixed = limiter(Window::fixed);
  EXPECT_EQ(fixed->algorithm(), "fixed_window");
  const Limit limit{3, 60s};
  at(kEpoch + 10);
  for (int i = 0; i < 3; ++i) {
    auto d = fixed->acquire("user:1", limit);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_TRUE(d->allowed);
    EXPECT_EQ(d->remaining, 2 - i);
    EXPECT_EQ(d->reset, 50s);
  }
  auto refused = fixed->acquire("user:1", limit);
  ASSERT_TRUE(refused) << refused.error().message;
  EXPECT_FALSE(refused->allowed);
  EXPECT_EQ(refused->remaining, 0);
  EXPECT_EQ(refused->retry_after, 50s);
  EXPECT_TRUE(fixed->acquire("user:2", limit)->allowed);  // another key, another count

  at(kEpoch + 59, 900ms);  // the last moment of the window
  auto last = fixed->acquire("user:1", limit);
  EXPECT_FALSE(last->allowed);
  EXPECT_EQ(last->retry_after, 1s);
  at(kEpoch + 60);  // the next window
  auto next = fixed->acquire("user:1", limit);
  EXPECT_TRUE(next->allowed);
  EXPECT_EQ(next->remaining, 2);
  EXPECT_EQ(next->reset, 60s);
}

TEST_P(Windows, WindowItemsCarryTheirCountAndTtl) {
  auto fixed = limiter(Window::fixed);
  at(kEpoch + 30);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(fixed->acquire("tenant:acme", {2, 60s}));
  const auto stored = item("ratelimit#tenant:acme#" + std::to_string(kEpoch));
  ASSERT_FALSE(stored.empty());
  EXPECT_EQ(stored.at("count").at("N").as_string(), "2");  // refused requests are not counted
  EXPECT_EQ(stored.at("ttl").at("N").as_string(), std::to_string(kEpoch + 120));  // the window's end + one period
}

TEST_P(Windows, SlidingWindowWeighsThePreviousWindow) {
  auto sliding = limiter(Window::sliding);
  EXPECT_EQ(sliding->algorithm(), "sliding_window");
  const Limit limit{10, 60s};
  at(kEpoch + 30);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(sliding->acquire("k", limit)->allowed) << i;
  EXPECT_FALSE(sliding->acquire("k", limit)->allowed);

  // A quarter into the next window the previous one weighs 10 * 0.75 = 7.5: two more fit (8.5, 9.5).
  at(kEpoch + 75);
  auto first = sliding->acquire("k", limit);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->allowed);
  EXPECT_EQ(first->remaining, 1);
  EXPECT_TRUE(sliding->acquire("k", limit)->allowed);
  auto refused = sliding->acquire("k", limit);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->allowed);
  // 10 * (1 - t/60) + 2 + 1 <= 10 once t >= 18 s: 3 s from now.
  EXPECT_EQ(refused->retry_after, 3s);
  at(kEpoch + 78);
  EXPECT_TRUE(sliding->acquire("k", limit)->allowed);

  // At the very start of a window after a full one, nothing fits until the weight falls.
  auto other = limiter(Window::sliding);
  at(kEpoch + 120);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(other->acquire("full", limit)->allowed);
  at(kEpoch + 180);
  auto blocked = other->acquire("full", limit);
  EXPECT_FALSE(blocked->allowed);
  EXPECT_EQ(blocked->retry_after, 6s);  // 10 * (1 - t/60) + 1 <= 10 at t = 6 s
  // A full current window keeps a refused caller out past its end: Reset is never before Retry-After.
  auto crowded = limiter(Window::sliding);
  at(kEpoch + 290);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(crowded->acquire("busy", limit)->allowed);
  auto late = crowded->acquire("busy", limit);
  EXPECT_FALSE(late->allowed);
  EXPECT_EQ(late->retry_after, 16s);  // 10 s to the window's end, then 10 * (1 - e/60) + 1 <= 10 at e = 6 s
  EXPECT_EQ(late->reset, 16s);
  // Two windows later the old count no longer weighs at all.
  at(kEpoch + 300);
  EXPECT_EQ(other->acquire("full", limit)->remaining, 9);
}

TEST_P(Windows, CallsPerRequest) {
  if (GetParam() != Backend::engine) GTEST_SKIP() << "counted on the engine's transport";
  auto fixed = limiter(Window::fixed);
  at(kEpoch + 1);
  ASSERT_TRUE(fixed->acquire("k", {1, 60s})->allowed);
  EXPECT_EQ(calls_->exchange(0), 1);  // one UpdateItem
  ASSERT_FALSE(fixed->acquire("k", {1, 60s})->allowed);
  EXPECT_EQ(calls_->exchange(0), 1);  // the failed condition returns the item: no read

  auto sliding = limiter(Window::sliding);
  ASSERT_TRUE(sliding->acquire("k", {5, 60s})->allowed);
  EXPECT_EQ(calls_->exchange(0), 2);  // the previous window's count, then the UpdateItem
  ASSERT_TRUE(sliding->acquire("k", {5, 60s})->allowed);
  EXPECT_EQ(calls_->exchange(0), 1);  // the previous count is remembered for the window
}

TEST_P(Windows, ADamagedCounterIsAStoreError) {
  auto fixed = limiter(Window::fixed);
  at(kEpoch + 1);
  const std::string pk = "ratelimit#k#" + std::to_string(kEpoch);
  for (const auto& damaged : {json::object{{"S", "many"}}, json::object{{"N", "1.5"}}, json::object{{"N", "-4"}}}) {
    put_count(pk, damaged);
    auto decision = fixed->acquire("k", {10, 60s});
    ASSERT_FALSE(decision) << json::serialize(damaged);
    EXPECT_EQ(decision.error().code, lift::ratelimit::kStoreError);
    EXPECT_EQ(decision.error().status, 503);
    EXPECT_NE(decision.error().message.find("damaged"), std::string::npos) << decision.error().message;
  }
}

TEST_P(Windows, AMissingTableIsAStoreError) {
  lift::ratelimit::DynamoDbLimiterOptions options;
  options.table = "no_such_table_" + std::to_string(++table_counter);
  auto made = DynamoDbLimiter::create(*client_, options);
  ASSERT_TRUE(made);
  auto decision = (*made)->acquire("k", {1, 60s});
  ASSERT_FALSE(decision);
  EXPECT_EQ(decision.error().code, lift::ratelimit::kStoreError);
  EXPECT_NE(decision.error().message.find("ResourceNotFound"), std::string::npos) << decision.error().message;
}

TEST_P(Windows, RefusesOptionsThatCannotWork) {
  const auto refused = [&](lift::ratelimit::DynamoDbLimiterOptions o) {
    auto made = DynamoDbLimiter::create(*client_, std::move(o));
    return !made && made.error().code == lift::resilience::kInvalidConfiguration;
  };
  EXPECT_TRUE(refused({}));
  EXPECT_TRUE(refused({.table = "t", .partition_key = ""}));
  EXPECT_TRUE(refused({.table = "t", .count_attribute = "pk"}));
  EXPECT_TRUE(refused({.table = "t", .count_attribute = "ttl"}));
  EXPECT_TRUE(refused({.table = "t", .sort_key = "sk", .sort_key_value = ""}));
  EXPECT_TRUE(refused({.table = "t", .timeout = 0ms}));
  EXPECT_TRUE(refused({.table = "t", .cached_windows = 0}));
  auto fixed = limiter(Window::fixed);
  auto bad = fixed->acquire("k", {0, 60s});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, lift::resilience::kInvalidConfiguration);
}

TEST_P(Windows, ASortKeyedTableWorksToo) {
  lift::ratelimit::DynamoDbLimiterOptions options;
  options.table = table_ + "_sk";
  options.partition_key = "PK";
  options.sort_key = "SK";
  options.window = Window::fixed;
  auto made = DynamoDbLimiter::create(*client_, options);
  ASSERT_TRUE(made);
  ASSERT_TRUE((*made)->create_table());
  EXPECT_TRUE((*made)->acquire("k", {1, 3600s})->allowed);
  EXPECT_FALSE((*made)->acquire("k", {1, 3600s})->allowed);
}

// Several processes (as several Lambda environments) on one dynalite and one key: exactly the
// limit is allowed across them.
TEST_P(Windows, SeveralProcessesShareOneLimit) {
  if (GetParam() != Backend::dynalite) GTEST_SKIP() << "processes share dynalite, not an in-process engine";
  auto fixed = limiter(Window::fixed);  // creates the table
  constexpr int kProcesses = 4;
  constexpr int kRequestsEach = 12;
  constexpr int kLimit = 30;
  const std::string spec = dynalite_->endpoint() + " " + table_ + " " + std::to_string(kLimit) + " " + std::to_string(kRequestsEach);
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) env_text.emplace_back(*e);
  env_text.push_back("LIFT_RATELIMIT_WORKER=" + spec);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string exe = "/proc/self/exe";
  std::string filter = "--gtest_filter=RateLimitWorker.Run";
  std::vector<char*> argv{exe.data(), filter.data(), nullptr};
  std::vector<pid_t> pids;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv.data(), envp.data()), 0);
    pids.push_back(pid);
  }
  int allowed = 0;
  for (const pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_LE(WEXITSTATUS(status), kRequestsEach) << "the worker failed";
    allowed += WEXITSTATUS(status);
  }
  EXPECT_EQ(allowed, kLimit);
}

INSTANTIATE_TEST_SUITE_P(Backends, Windows, ::testing::Values(Backend::engine, Backend::dynalite),
                         [](const auto& info) { return info.param == Backend::engine ? "engine" : "dynalite"; });

// The worker of SeveralProcessesShareOneLimit: runs only in the processes that test starts; its
// exit status is the number of its requests allowed (255 when something failed).
TEST(RateLimitWorker, Run) {
  const char* spec = std::getenv("LIFT_RATELIMIT_WORKER");
  if (spec == nullptr) GTEST_SKIP() << "only in the processes SeveralProcessesShareOneLimit starts";
  std::istringstream in(spec);
  std::string endpoint, table;
  int limit = 0, requests = 0;
  in >> endpoint >> table >> limit >> requests;
  auto client = lift::aws::DynamoDbClient::create(lift::testing_support::dynalite_client_options(endpoint));
  if (!client) std::_Exit(255);
  // A year's window: the processes all count in the same one.
  auto limiter = DynamoDbLimiter::create(*client, {.table = table, .window = Window::fixed, .timeout = 10s});
  if (!limiter) std::_Exit(255);
  int allowed = 0;
  for (int i = 0; i < requests; ++i) {
    auto decision = (*limiter)->acquire("shared", {limit, lift::ratelimit::kMaxPeriod});
    if (!decision) std::_Exit(255);
    if (decision->allowed) ++allowed;
  }
  std::_Exit(allowed);
}

}  // namespace
