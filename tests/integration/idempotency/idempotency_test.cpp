// Idempotency against the embedded engine and dynalite: one suite, both backends, so the same code
// is held to a real DynamoDB implementation (which, unlike the engine, ignores
// ReturnValuesOnConditionCheckFailure) and to the engine the tests and `lift dev` use.

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/describe.hpp>
#include <boost/json.hpp>

#include "lift/app/app.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/core/deadline.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/idempotency/idempotency.hpp"
#include "lift/idempotency/middleware.hpp"
#include "lift/testing/invoke.hpp"
#include "support/dynalite.hpp"
#include "support/requirements.hpp"

namespace {

using lift::aws::DynamoDbClient;
using lift::aws::DynamoDbOptions;
namespace idem = lift::idempotency;
using namespace std::chrono_literals;

enum class Backend { engine, dynalite };

struct Receipt {
  std::string id;
  int amount = 0;
};
BOOST_DESCRIBE_STRUCT(Receipt, (), (id, amount))

auto deadline() { return std::chrono::steady_clock::now() + 10s; }

// A wall clock the test moves.
struct FakeClock {
  std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::function<std::chrono::system_clock::time_point()> fn() const {
    return [ms = ms] { return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms->load())); };
  }
  void advance(std::chrono::milliseconds by) const { *ms += by.count(); }
};

class Idempotency : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { dynalite_.reset(); }

  void SetUp() override {
    if (GetParam() == Backend::dynalite) {
      if (!dynalite_) dynalite_ = std::make_unique<lift::testing_support::Dynalite>(LIFT_TEST_NODE, LIFT_TEST_SOURCE_DIR);
      if (!dynalite_->available()) LIFT_SKIP_WITHOUT() << "dynalite: " << dynalite_->why_unavailable();
    } else {
      engine_ = std::make_unique<lift::dynamorm::MemoryEngine>();
    }
    client_ = std::make_unique<DynamoDbClient>(make_client());
    // Each case its own table, so the dynalite shared by the suite starts clean.
    table_ = "idem-" + std::to_string(++tables_);
  }

  [[nodiscard]] DynamoDbClient make_client() const {
    DynamoDbOptions options;
    options.region = "us-east-1";
    if (GetParam() == Backend::engine) {
      options.transport = lift::dynamorm::memory_transport(*engine_);
    } else {
      options.endpoint = dynalite_->endpoint();
      lift::aws::HttpClientOptions http;
      http.proxy = "";
      options.http = std::make_shared<lift::aws::HttpClient>(http);
    }
    auto client = DynamoDbClient::create(std::move(options));
    if (!client) throw std::runtime_error(client.error().message);
    return std::move(*client);
  }

  [[nodiscard]] idem::Options options() const {
    idem::Options o;
    o.table = table_;
    o.key_prefix = "orders-fn";
    o.create_table = true;
    o.local_cache_size = 0;  // every decision from the table unless a case turns the cache on
    o.log = log_.get();
    o.clock = clock_.fn();
    return o;
  }

  idem::Idempotency make(const idem::Options& o) const { return make(*client_, o); }
  static idem::Idempotency make(DynamoDbClient& client, const idem::Options& o) {
    auto made = idem::Idempotency::create(client, o);
    if (!made) throw std::runtime_error(made.error().message);
    return std::move(*made);
  }

  [[nodiscard]] std::optional<boost::json::object> item(const std::string& id) const {
    auto got = client_->get_item({{"TableName", table_}, {"Key", {{"id", {{"S", id}}}}}, {"ConsistentRead", true}}, deadline());
    if (!got) throw std::runtime_error(got.error().message);
    if (const auto* found = got->if_contains("Item")) return found->as_object();
    return std::nullopt;
  }

  void put_raw(const boost::json::object& it) const {
    auto put = client_->put_item({{"TableName", table_}, {"Item", it}}, deadline());
    ASSERT_TRUE(put) << put.error().message;
  }

  [[nodiscard]] std::string logged() const {
    std::fflush(log_.get());
    std::rewind(log_.get());
    std::string text;
    char buffer[4096];
    while (const auto n = std::fread(buffer, 1, sizeof buffer, log_.get())) text.append(buffer, n);
    return text;
  }

  [[nodiscard]] std::int64_t now_ms() const { return clock_.ms->load(); }

  static inline std::unique_ptr<lift::testing_support::Dynalite> dynalite_;
  static inline int tables_ = 0;
  std::unique_ptr<lift::dynamorm::MemoryEngine> engine_;
  std::unique_ptr<DynamoDbClient> client_;
  std::string table_;
  FakeClock clock_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> log_{std::tmpfile(), &std::fclose};
};

TEST_P(Idempotency, FirstCallStoresThePowertoolsRecordAndARepeatReplaysIt) {
  const auto idempotency = make(options());
  int runs = 0;
  const auto charge = [&]() -> lift::Result<Receipt> {
    ++runs;
    return Receipt{"r-1", 42};
  };
  auto first = idempotency.call<Receipt>("", boost::json::value("order-1"), charge);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->amount, 42);

  // The record, attribute for attribute, as Powertools writes it: the id is the prefix, '#' and
  // the base64 MD5 of JSON.stringify("order-1").
  const std::string id = "orders-fn#" + idem::hash("\"order-1\"");
  EXPECT_EQ(id, idempotency.record_id("", boost::json::value("order-1")));
  const auto stored = item(id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->at("status").at("S"), "COMPLETED");
  EXPECT_EQ(stored->at("data").at("S").as_string(), R"({"id":"r-1","amount":42})");
  const auto expiration = std::stoll(std::string(stored->at("expiration").at("N").as_string()));
  EXPECT_NEAR(static_cast<double>(expiration), static_cast<double>(now_ms() / 1000 + 3600), 2.0);
  EXPECT_FALSE(stored->contains("validation"));  // no payload given

  auto second = idempotency.call<Receipt>("", boost::json::value("order-1"), charge);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->id, "r-1");
  EXPECT_EQ(runs, 1);
  // Another key runs.
  ASSERT_TRUE(idempotency.call<Receipt>("", boost::json::value("order-2"), charge));
  EXPECT_EQ(runs, 2);
}

// The record @aws-lambda-powertools/idempotency 2.35 wrote (makeIdempotent over a handler of
// orders-fn, eventKeyJmesPath "order", payloadValidationJmesPath "payload", the event
// {"order":"order-1","payload":{"amount":10,"currency":"EUR"}}), taken from dynalite as it stored
// it: lift finds it under the same id, validates the payload the same way, and replays its answer
// (which that version stores as a map rather than JSON text).
TEST_P(Idempotency, ARecordPowertoolsForTypeScriptWroteReplaysHere) {
  const auto idempotency = make(options());
  ASSERT_TRUE(idempotency.store().create_table(deadline()));
  put_raw(boost::json::parse(R"({"id":{"S":"orders-fn#cpBAgW9zMMTLMfVKVvWaew=="},"expiration":{"N":")" +
                             std::to_string(now_ms() / 1000 + 3600) +
                             R"("},"status":{"S":"COMPLETED"},"in_progress_expiration":{"N":"1796672304948"},)"
                             R"("validation":{"S":"7ZsdtWbYvIvtRjqRuBI4kw=="},"data":{"M":{"id":{"S":"r-1"},"amount":{"N":"42"}}}})")
              .as_object());
  const boost::json::value payload = {{"currency", "EUR"}, {"amount", 10}};
  int runs = 0;
  auto replayed = idempotency.call<Receipt>("", boost::json::value("order-1"), [&]() -> lift::Result<Receipt> {
    ++runs;
    return Receipt{"new", 0};
  }, &payload);
  ASSERT_TRUE(replayed) << replayed.error().message;
  EXPECT_EQ(replayed->id, "r-1");
  EXPECT_EQ(replayed->amount, 42);
  EXPECT_EQ(runs, 0);
  const boost::json::value other = {{"currency", "EUR"}, {"amount", 11}};
  auto refused = idempotency.call<Receipt>("", boost::json::value("order-1"), [&]() -> lift::Result<Receipt> { return Receipt{}; }, &other);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, idem::kPayloadMismatch);
}

// The same, live: @aws-lambda-powertools/idempotency (npm) and lift on one dynalite table, each
// replaying what the other stored. Node's side prints what its handler call returned.
TEST_P(Idempotency, PowertoolsForTypeScriptAndLiftReplayEachOthersRecords) {
  if (GetParam() == Backend::engine) GTEST_SKIP() << "the peer reaches the table over HTTP";
  const std::string peer = std::string(LIFT_TEST_SOURCE_DIR) + "/tests/integration/idempotency/powertools_peer.mjs";
  if (!std::filesystem::exists(std::string(LIFT_TEST_SOURCE_DIR) + "/node_modules/@aws-lambda-powertools/idempotency/package.json"))
    LIFT_SKIP_WITHOUT() << "node_modules/@aws-lambda-powertools/idempotency is missing (run scripts/setup)";
  const auto idempotency = make(options());  // key_prefix orders-fn: the function's name
  ASSERT_TRUE(idempotency.store().create_table(deadline()));
  const auto node = [&](const std::string& event) {
    const std::string command = "AWS_LAMBDA_FUNCTION_NAME=orders-fn AWS_REGION=us-east-1 POWERTOOLS_IDEMPOTENCY_DISABLED=false '" +
                                std::string(LIFT_TEST_NODE) + "' '" + peer + "' '" + dynalite_->endpoint() + "' '" + table_ + "' '" +
                                event + "' 2>/dev/null";
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> pipe(::popen(command.c_str(), "r"), &::pclose);
    std::string out;
    char buffer[1024];
    while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
    return boost::json::parse(out).as_object();
  };
  // Node first: lift replays its answer and refuses its key with another payload.
  const auto written = node(R"({"order":"order-1","payload":{"amount":10,"currency":"EUR"}})");
  ASSERT_EQ(written.at("ran"), true) << boost::json::serialize(written);
  const boost::json::value payload = {{"currency", "EUR"}, {"amount", 10}};
  int runs = 0;
  const auto lift_call = [&] { return lift::Result<Receipt>(Receipt{"from-lift", ++runs}); };
  auto replayed = idempotency.call<Receipt>("", boost::json::value("order-1"), lift_call, &payload);
  ASSERT_TRUE(replayed) << replayed.error().message;
  EXPECT_EQ(replayed->id, "from-node");
  EXPECT_EQ(runs, 0);
  const boost::json::value other = {{"amount", 11}};
  EXPECT_EQ(idempotency.call<Receipt>("", boost::json::value("order-1"), lift_call, &other).error().code, idem::kPayloadMismatch);

  // lift first: Node finds lift's record under the same id, validates the same hash, and replays
  // lift's answer (the JSON text Powertools for TypeScript gives back as it is stored).
  const boost::json::value payload2 = {{"amount", 3}};
  ASSERT_TRUE(idempotency.call<Receipt>("", boost::json::value("order-2"), lift_call, &payload2));
  const auto read = node(R"({"order":"order-2","payload":{"amount":3}})");
  EXPECT_EQ(read.at("ran"), false) << boost::json::serialize(read);
  EXPECT_EQ(read.at("result"), R"({"id":"from-lift","amount":1})") << boost::json::serialize(read);
  const auto refused = node(R"({"order":"order-2","payload":{"amount":4}})");
  EXPECT_EQ(refused.at("error"), "IdempotencyValidationError") << boost::json::serialize(refused);
}

TEST_P(Idempotency, TheSameKeyWithAnotherPayloadIsRefusedWith422) {
  const auto idempotency = make(options());
  const boost::json::value payload_a = {{"amount", 10}, {"currency", "EUR"}};
  const boost::json::value payload_b = {{"amount", 11}, {"currency", "EUR"}};
  const boost::json::value reordered = {{"currency", "EUR"}, {"amount", 10}};
  int runs = 0;
  const auto call = [&]() -> lift::Result<std::string> { return std::to_string(++runs); };
  ASSERT_TRUE(idempotency.run("pay", "k", &payload_a, call));
  const auto stored = item(idempotency.record_id("pay", "k"));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->at("validation").at("S").as_string(), idem::hash(R"({"amount":10,"currency":"EUR"})"));
  auto same = idempotency.run("pay", "k", &reordered, call);  // members in another order: the same payload
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_TRUE(same->replayed);
  auto other = idempotency.run("pay", "k", &payload_b, call);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, idem::kPayloadMismatch);
  EXPECT_EQ(other.error().status, 422);
  EXPECT_EQ(runs, 1);
}

TEST_P(Idempotency, ALockHeldElsewhereIs409WithTheTimeLeftAndALockPastItsInProgressExpiryIsTakenOver) {
  const auto idempotency = make(options());
  ASSERT_TRUE(idempotency.store().create_table(deadline()));
  const std::string id = idempotency.record_id("", "k");
  // Another environment's invocation holds the key for 5 more seconds.
  put_raw({{"id", {{"S", id}}},
           {"status", {{"S", "INPROGRESS"}}},
           {"expiration", {{"N", std::to_string(now_ms() / 1000 + 3600)}}},
           {"in_progress_expiration", {{"N", std::to_string(now_ms() + 4500)}}}});
  int runs = 0;
  const auto call = [&]() -> lift::Result<std::string> { return std::to_string(++runs); };
  auto refused = idempotency.run("", "k", nullptr, call);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, idem::kInProgress);
  EXPECT_EQ(refused.error().status, 409);
  ASSERT_EQ(refused.error().details.size(), 1U);
  EXPECT_EQ(refused.error().details[0].message, "5");
  EXPECT_EQ(runs, 0);
  // That invocation timed out: once its deadline has passed, a retry runs.
  clock_.advance(5s);
  auto retried = idempotency.run("", "k", nullptr, call);
  ASSERT_TRUE(retried) << retried.error().message;
  EXPECT_FALSE(retried->replayed);
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(item(id)->at("status").at("S"), "COMPLETED");
}

TEST_P(Idempotency, TheLockOfAnInvocationLastsUntilItsDeadline) {
  const auto idempotency = make(options());
  const auto began = std::chrono::steady_clock::now();
  const lift::InvocationDeadline invocation(began + 7s);
  std::optional<boost::json::object> during;
  auto ran = idempotency.run("", "k", nullptr, [&]() -> lift::Result<std::string> {
    during = item(idempotency.record_id("", "k"));
    return std::string("1");
  });
  ASSERT_TRUE(ran) << ran.error().message;
  ASSERT_TRUE(during);
  EXPECT_EQ(during->at("status").at("S"), "INPROGRESS");
  // The time left when the lock was taken: 7 s less what the call took until then (creating the
  // table, on a loaded machine, can take a while).
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count();
  const auto until = std::stoll(std::string(during->at("in_progress_expiration").at("N").as_string()));
  EXPECT_LE(until - now_ms(), 7000);
  EXPECT_GE(until - now_ms(), 7000 - took - 5);
}

TEST_P(Idempotency, AStoredAnswerExpiresWithItsTtl) {
  auto o = options();
  o.expires_after = 60s;
  o.local_cache_size = 16;  // the cache must not outlive the record either
  const auto idempotency = make(o);
  int runs = 0;
  const auto call = [&]() -> lift::Result<std::string> { return std::to_string(++runs); };
  ASSERT_TRUE(idempotency.run("", "k", nullptr, call));
  EXPECT_TRUE(idempotency.run("", "k", nullptr, call)->replayed);
  clock_.advance(61s);  // the table's TTL may not have deleted it yet: the lock's condition treats it as gone
  auto again = idempotency.run("", "k", nullptr, call);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->replayed);
  EXPECT_EQ(runs, 2);
}

TEST_P(Idempotency, KeysOverTheLimitOrNotUtf8AreRefusedWith400BeforeAnyStoreCall) {
  auto o = options();
  o.max_key_bytes = 16;
  const auto idempotency = make(o);
  int runs = 0;
  const auto call = [&]() -> lift::Result<std::string> { return std::to_string(++runs); };
  for (const boost::json::value& key : {boost::json::value("\xff\xfe"), boost::json::value(std::string(15, 'k')),
                                        boost::json::value{{"nested", "\xc3"}}}) {
    auto refused = idempotency.run("", key, nullptr, call);
    ASSERT_FALSE(refused) << boost::json::serialize(key);
    EXPECT_EQ(refused.error().code, idem::kInvalidKey);
    EXPECT_EQ(refused.error().status, 400);
  }
  EXPECT_EQ(runs, 0);
  EXPECT_TRUE(idempotency.run("", boost::json::value(std::string(14, 'k')), nullptr, call));  // 16 bytes with its quotes
}

TEST_P(Idempotency, AFailedCallReleasesItsLockAndAThrownOneToo) {
  const auto idempotency = make(options());
  auto failed = idempotency.run("", "k", nullptr, []() -> lift::Result<std::string> { return lift::Error{"Declined", "card declined", 402}; });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "Declined");
  EXPECT_FALSE(item(idempotency.record_id("", "k")));
  EXPECT_THROW((void)idempotency.run("", "k", nullptr, []() -> lift::Result<std::string> { throw std::runtime_error("boom"); }),
               std::runtime_error);
  EXPECT_FALSE(item(idempotency.record_id("", "k")));
  auto retried = idempotency.run("", "k", nullptr, [] { return lift::Result<std::string>(std::string("\"ok\"")); });
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->data, "\"ok\"");
}

TEST_P(Idempotency, ADamagedRecordIsALoggedStoreErrorAndNeverASecondRun) {
  const auto idempotency = make(options());
  ASSERT_TRUE(idempotency.store().create_table(deadline()));
  const auto expiration = std::to_string(now_ms() / 1000 + 3600);
  const std::vector<boost::json::object> damaged = {
      {{"id", {{"S", idempotency.record_id("", "a")}}}, {"status", {{"S", "DONE"}}}, {"expiration", {{"N", expiration}}}},
      {{"id", {{"S", idempotency.record_id("", "b")}}}, {"status", {{"S", "COMPLETED"}}}, {"expiration", {{"N", expiration}}}},
      {{"id", {{"S", idempotency.record_id("", "c")}}},
       {"status", {{"S", "COMPLETED"}}},
       {"expiration", {{"N", expiration}}},
       {"data", {{"B", "AAAA"}}}},
  };
  for (const auto& record : damaged) put_raw(record);
  int runs = 0;
  for (const char* key : {"a", "b", "c"}) {
    auto answer = idempotency.run("", key, nullptr, [&]() -> lift::Result<std::string> { return std::to_string(++runs); });
    ASSERT_FALSE(answer) << key;
    EXPECT_EQ(answer.error().code, idem::kStoreError) << key;
    EXPECT_EQ(answer.error().status, 500) << key;
  }
  EXPECT_EQ(runs, 0);
  const auto log = logged();
  EXPECT_NE(log.find("unknown status DONE"), std::string::npos) << log;
  EXPECT_NE(log.find("completed without data"), std::string::npos) << log;
  EXPECT_NE(log.find("data holds a DynamoDB B"), std::string::npos) << log;
}

TEST_P(Idempotency, AnAnswerLargerThanAnItemIsReturnedNotStoredWithOneMetricLine) {
  auto o = options();
  o.metrics_namespace = "Payments";
  const auto idempotency = make(o);
  const std::string big = "\"" + std::string(410 * 1024, 'x') + "\"";
  int runs = 0;
  auto answer = idempotency.run("", "k", nullptr, [&]() -> lift::Result<std::string> {
    ++runs;
    return big;
  });
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->data.size(), big.size());
  EXPECT_FALSE(item(idempotency.record_id("", "k")));  // not stored, and the lock released
  const auto log = logged();
  const auto line = boost::json::parse(log.substr(0, log.find('\n'))).as_object();
  EXPECT_EQ(line.at("IdempotencyAnswerNotStored"), 1);
  EXPECT_EQ(line.at("_aws").at("CloudWatchMetrics").at(0).at("Namespace"), "Payments");
  EXPECT_EQ(line.at("level"), "ERROR");
  ASSERT_TRUE(idempotency.run("", "k", nullptr, [&]() -> lift::Result<std::string> { return std::to_string(++runs); }));
  EXPECT_EQ(runs, 2);  // what was not stored runs again
}

TEST_P(Idempotency, DuplicatesFromManyThreadsRunOnceAndShareTheAnswer) {
  const auto idempotency = make(options());
  std::atomic<int> runs{0};
  std::vector<std::string> answers(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    threads.emplace_back([&, i] {
      auto answer = idempotency.run("", "k", nullptr, [&]() -> lift::Result<std::string> {
        std::this_thread::sleep_for(100ms);
        return std::to_string(++runs);
      });
      answers[i] = answer ? answer->data : answer.error().code;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(runs.load(), 1);
  for (const auto& a : answers) EXPECT_EQ(a, "1");
}

TEST_P(Idempotency, TwoEnvironmentsOnOneTableRunOnce) {
  // Two Idempotency objects with their own clients: two Lambda environments sharing the table.
  auto second_client = make_client();
  const auto a = make(options());
  const auto b = make(second_client, options());
  std::atomic<int> runs{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      const auto& env = i % 2 == 0 ? a : b;
      auto answer = env.run("", "k", nullptr, [&]() -> lift::Result<std::string> {
        std::this_thread::sleep_for(150ms);
        return std::to_string(++runs);
      });
      if (!answer) {
        EXPECT_EQ(answer.error().code, idem::kInProgress);
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(runs.load(), 1);
  // The environment that did not run refused its duplicates (409) or, after the first finished,
  // replayed; within the one that ran, duplicates waited.
  EXPECT_LE(refused.load(), 3);
}

TEST_P(Idempotency, DuplicatesFromSeveralProcessesRunOnce) {
  if (GetParam() == Backend::engine) GTEST_SKIP() << "the embedded engine lives in one process";
  char path[] = "/tmp/lift-idempotency-runs-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  ASSERT_TRUE(make(options()).store().create_table(deadline()));
  std::vector<pid_t> children;
  for (int i = 0; i < 4; ++i) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // The child: its own client and Idempotency, as another environment would have.
      int code = 1;
      try {
        auto client = make_client();
        auto o = options();
        o.log = nullptr;
        const auto idempotency = make(client, o);
        auto answer = idempotency.run("", "k", nullptr, [&]() -> lift::Result<std::string> {
          std::ofstream(path, std::ios::app) << "ran\n";
          std::this_thread::sleep_for(300ms);
          return std::string("1");
        });
        code = answer ? 0 : (answer.error().code == idem::kInProgress ? 2 : 3);
      } catch (...) {
      }
      ::_exit(code);
    }
    children.push_back(pid);
  }
  int ran_or_refused = 0;
  for (const pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_TRUE(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 2) << WEXITSTATUS(status);
    ++ran_or_refused;
  }
  std::ifstream runs(path);
  std::string line;
  int lines = 0;
  while (std::getline(runs, line)) ++lines;
  std::remove(path);
  EXPECT_EQ(lines, 1);
  EXPECT_EQ(ran_or_refused, 4);
}

TEST_P(Idempotency, TheLocalCacheAnswersRepeatsWithoutTheTable) {
  auto o = options();
  o.local_cache_size = 2;
  std::vector<idem::Event> events;
  std::mutex mutex;
  o.on_event = [&](const idem::Event& e) {
    const std::lock_guard lock(mutex);
    events.push_back(e);
  };
  const auto idempotency = make(o);
  const auto call = [] { return lift::Result<std::string>(std::string("1")); };
  ASSERT_TRUE(idempotency.run("", "k", nullptr, call));
  // The record goes; the cache still answers (this environment has seen it).
  ASSERT_TRUE(idempotency.store().release(idempotency.record_id("", "k"), deadline()));
  auto cached = idempotency.run("", "k", nullptr, call);
  ASSERT_TRUE(cached);
  EXPECT_TRUE(cached->replayed);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].kind, idem::EventKind::executed);
  EXPECT_EQ(events[1].kind, idem::EventKind::replayed);
  EXPECT_TRUE(events[1].from_cache);
  // LRU: two more keys push the first out.
  ASSERT_TRUE(idempotency.run("", "k2", nullptr, call));
  ASSERT_TRUE(idempotency.run("", "k3", nullptr, call));
  EXPECT_FALSE(idempotency.run("", "k", nullptr, call)->replayed);
}

// ---- HTTP routes and event records through the middleware ----

lift::App payments_app(const idem::Idempotency& idempotency, std::atomic<int>& created, idem::RouteOptions route = {}) {
  lift::App app;
  auto writes = app.group("/payments");
  writes.use(idem::middleware(idempotency, std::move(route)));
  writes.post("", [&created](lift::Context& ctx) -> lift::Result<lift::http::Response> {
    auto body = boost::json::parse(ctx.body()).as_object();
    if (body.at("amount").as_int64() < 0) return lift::errors::unprocessable("amount must not be negative");
    std::this_thread::sleep_for(50ms);
    const int n = ++created;
    return lift::http::Response::json(201, R"({"id":"p-)" + std::to_string(n) + R"(","amount":)" + std::to_string(body.at("amount").as_int64()) + "}")
        .header("Location", "/payments/p-" + std::to_string(n))
        .cookie("seen=1");
  });
  writes.get("", [](lift::Context&) { return std::string("listed"); });
  return app;
}

TEST_P(Idempotency, AnHttpRouteReplaysItsAnswerWithTheReplayHeader) {
  const auto idempotency = make(options());
  std::atomic<int> created{0};
  const auto app = payments_app(idempotency, created);
  const auto http = lift::testing::http(app);
  const std::vector<std::pair<std::string, std::string>> key{{"Idempotency-Key", "abc"}};
  const auto first = http.request("POST", "/payments", R"({"amount": 5})", "application/json", key);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_FALSE(first.headers.get("x-idempotent-replay"));
  const auto again = http.request("POST", "/payments", R"({"amount":5})", "application/json", key);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.headers.get("location"), first.headers.get("location"));
  EXPECT_EQ(again.headers.get("x-idempotent-replay"), "true");
  EXPECT_EQ(again.headers.get("set-cookie"), "seen=1");
  EXPECT_EQ(created.load(), 1);

  const auto other = http.request("POST", "/payments", R"({"amount": 6})", "application/json", key);
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_NE(other.body.find("IdempotencyPayloadMismatch"), std::string::npos);
  const auto missing = http.post("/payments", R"({"amount": 5})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("IdempotencyKeyMissing"), std::string::npos);
  EXPECT_EQ(http.get("/payments").status, 200);  // safe methods pass through
  const auto too_long = http.request("POST", "/payments", R"({"amount": 5})", "application/json", {{"Idempotency-Key", std::string(2000, 'k')}});
  EXPECT_EQ(too_long.status, 400);
  EXPECT_NE(too_long.body.find("IdempotencyKeyInvalid"), std::string::npos);
  // A failed request keeps nothing: the same key runs again.
  EXPECT_EQ(http.request("POST", "/payments", R"({"amount": -1})", "application/json", {{"Idempotency-Key", "neg"}}).status, 422);
  EXPECT_EQ(http.request("POST", "/payments", R"({"amount": -1})", "application/json", {{"Idempotency-Key", "neg"}}).status, 422);
  EXPECT_EQ(created.load(), 1);
}

TEST_P(Idempotency, AnHttpKeyInProgressElsewhereIs409WithRetryAfter) {
  const auto idempotency = make(options());
  ASSERT_TRUE(idempotency.store().create_table(deadline()));
  std::atomic<int> created{0};
  const auto app = payments_app(idempotency, created);
  put_raw({{"id", {{"S", idempotency.record_id("POST /payments", "busy")}}},
           {"status", {{"S", "INPROGRESS"}}},
           {"expiration", {{"N", std::to_string(now_ms() / 1000 + 3600)}}},
           {"in_progress_expiration", {{"N", std::to_string(now_ms() + 2000)}}}});
  const auto answer = lift::testing::http(app).request("POST", "/payments", R"({"amount": 5})", "application/json", {{"Idempotency-Key", "busy"}});
  EXPECT_EQ(answer.status, 409) << answer.body;
  EXPECT_EQ(answer.headers.get("retry-after"), "2");
  EXPECT_EQ(created.load(), 0);
}

TEST_P(Idempotency, ConcurrentHttpDuplicatesCreateOne) {
  const auto idempotency = make(options());
  std::atomic<int> created{0};
  const auto app = payments_app(idempotency, created);
  std::vector<lift::testing::HttpResponse> answers(10);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < answers.size(); ++i)
    threads.emplace_back([&, i] {
      answers[i] = lift::testing::http(app).request("POST", "/payments", R"({"amount": 7})", "application/json", {{"Idempotency-Key", "same"}});
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  for (const auto& a : answers) {
    EXPECT_EQ(a.status, 201) << a.body;
    EXPECT_EQ(a.body, answers[0].body);
  }
}

TEST_P(Idempotency, KeysFromTheBodyAndPassThroughWithoutAKey) {
  const auto idempotency = make(options());
  std::atomic<int> created{0};
  idem::RouteOptions route;
  route.key_pointers = {"/order", "/customer/id"};
  route.require_key = false;
  const auto app = payments_app(idempotency, created, route);
  const auto http = lift::testing::http(app);
  EXPECT_EQ(http.post("/payments", R"({"amount":1,"order":"o-1","customer":{"id":"c"}})").status, 201);
  const auto replay = http.post("/payments", R"({"customer":{"id":"c"},"order":"o-1","amount":1})");
  EXPECT_EQ(replay.headers.get("x-idempotent-replay"), "true");
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(http.post("/payments", R"({"amount":1})").status, 201);  // no key: runs, nothing kept
  EXPECT_EQ(http.post("/payments", R"({"amount":1})").status, 201);
  EXPECT_EQ(created.load(), 3);
  idem::RouteOptions bad;
  bad.key_pointers = {"order.id"};
  EXPECT_FALSE(idem::make_middleware(idempotency, bad));
}

TEST_P(Idempotency, ARedeliveredSqsBatchSkipsTheRecordsThatSucceeded) {
  const auto idempotency = make(options());
  std::mutex mutex;
  std::vector<std::string> handled;
  bool fail_b = true;
  lift::App app;
  app.use(idem::middleware(idempotency));
  app.sqs("*", [&](lift::Context&, const lift::events::SqsMessage& message) -> lift::Result<void> {
    const std::lock_guard lock(mutex);
    handled.push_back(message.body);
    if (message.body == "b" && fail_b) return lift::Error{"Downstream", "not now", 503};
    return {};
  });
  const auto record = [](const char* id, const char* body, int receive_count) {
    return boost::json::value{{"messageId", id},
                              {"receiptHandle", std::string("handle-") + id + std::to_string(receive_count)},
                              {"body", body},
                              {"attributes", {{"ApproximateReceiveCount", std::to_string(receive_count)}}},
                              {"eventSource", "aws:sqs"},
                              {"eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:orders"},
                              {"awsRegion", "us-east-1"}};
  };
  const boost::json::value first{{"Records", {record("m-a", "a", 1), record("m-b", "b", 1), record("m-c", "c", 1)}}};
  auto answer = lift::testing::invoke(app, first);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->failed_items(), std::vector<std::string>{"m-b"});
  EXPECT_EQ(handled, (std::vector<std::string>{"a", "b", "c"}));

  // The queue delivers the whole batch again (another receipt handle and receive count).
  fail_b = false;
  handled.clear();
  const boost::json::value again{{"Records", {record("m-a", "a", 2), record("m-b", "b", 2), record("m-c", "c", 2)}}};
  answer = lift::testing::invoke(app, again);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(answer->failed_items().empty());
  EXPECT_EQ(handled, std::vector<std::string>{"b"});
}

TEST_P(Idempotency, ARetriedKinesisBatchSkipsTheRecordsThatSucceeded) {
  const auto idempotency = make(options());
  std::vector<std::string> handled;
  bool fail_two = true;
  lift::App app;
  app.use(idem::middleware(idempotency));
  app.kinesis("*", [&](lift::Context&, const lift::events::KinesisRecord& record) -> lift::Result<void> {
    auto data = record.data();
    if (!data) return std::move(data).error();
    handled.push_back(*data);
    if (*data == "two" && fail_two) return lift::Error{"Downstream", "not now", 503};
    return {};
  });
  const auto record = [](const char* sequence, const char* base64) {
    return boost::json::value{{"kinesis",
                               {{"kinesisSchemaVersion", "1.0"},
                                {"partitionKey", "p"},
                                {"sequenceNumber", sequence},
                                {"data", base64},
                                {"approximateArrivalTimestamp", 1545084650.987}}},
                              {"eventSource", "aws:kinesis"},
                              {"eventVersion", "1.0"},
                              {"eventID", std::string("shardId-000000000006:") + sequence},
                              {"eventName", "aws:kinesis:record"},
                              {"invokeIdentityArn", "arn:aws:iam::123456789012:role/fn"},
                              {"awsRegion", "us-east-1"},
                              {"eventSourceARN", "arn:aws:kinesis:us-east-1:123456789012:stream/orders"}};
  };
  // "one", "two", "three" in base64.
  const boost::json::value batch{{"Records", {record("101", "b25l"), record("102", "dHdv"), record("103", "dGhyZWU=")}}};
  auto answer = lift::testing::invoke(app, batch);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->failed_items(), std::vector<std::string>{"102"});  // the shard restarts there
  EXPECT_EQ(handled, (std::vector<std::string>{"one", "two", "three"}));
  fail_two = false;
  handled.clear();
  answer = lift::testing::invoke(app, batch);  // the whole batch again
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(answer->failed_items().empty());
  EXPECT_EQ(handled, std::vector<std::string>{"two"});  // one and three had succeeded
}

TEST(IdempotencyStore, AnUnreachableStoreRefusesTheCallWith503) {
  DynamoDbOptions options;
  options.region = "us-east-1";
  options.endpoint = "http://127.0.0.1:" + std::to_string(lift::testing_support::free_local_port());
  options.retry.max_attempts = 1;
  lift::aws::HttpClientOptions http;
  http.proxy = "";
  options.http = std::make_shared<lift::aws::HttpClient>(http);
  auto client = DynamoDbClient::create(std::move(options));
  ASSERT_TRUE(client);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> log{std::tmpfile(), &std::fclose};
  auto idempotency = idem::Idempotency::create(*client, {.table = "payments", .create_table = false, .log = log.get()});
  ASSERT_TRUE(idempotency);
  int runs = 0;
  auto answer = idempotency->run("", "k", nullptr, [&]() -> lift::Result<std::string> { return std::to_string(++runs); });
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, idem::kStoreError);
  EXPECT_EQ(answer.error().status, 503);
  EXPECT_EQ(runs, 0);
  std::rewind(log.get());
  char line[512] = {};
  ASSERT_NE(std::fgets(line, sizeof line, log.get()), nullptr);
  EXPECT_NE(std::string(line).find("the store is unavailable"), std::string::npos) << line;
}

INSTANTIATE_TEST_SUITE_P(Backends, Idempotency, ::testing::Values(Backend::engine, Backend::dynalite),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param == Backend::engine ? "Engine" : "Dynalite"; });

}  // namespace
