// The README's resilience example, compiled and run as it is written there (the test below
// checks that the README still holds these exact lines).
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "lift/core/result.hpp"
#include "support/readme_example.hpp"

// What the example takes as the function's own: its types, its call to the rates API (here a
// fake that fails on demand) and its cache of the last good answer.
struct Rates {
  std::string source;
};

namespace {
std::atomic<bool> rates_api_down{false};
std::atomic<int> rates_api_calls{0};
}  // namespace

lift::Result<Rates> fetch_rates() {
  ++rates_api_calls;
  if (rates_api_down) return lift::Error{"RatesApi.Unavailable", "the rates API is down", 503};
  return Rates{"live"};
}

struct RatesCache {
  [[nodiscard]] Rates last() const { return Rates{"cached"}; }
};

// README begin
#include <lift/resilience/bulkhead.hpp>
#include <lift/resilience/circuit_breaker.hpp>
#include <lift/resilience/fallback.hpp>
#include <lift/resilience/retry.hpp>

namespace rs = lift::resilience;
using namespace std::chrono_literals;

struct RatesApi {
  rs::CircuitBreaker breaker;
  rs::Bulkhead bulkhead;

  // Made once, in lift::run's factory: invalid options fail the start (/init/error).
  static lift::Result<RatesApi> make() {
    LIFT_TRY(breaker, rs::breakers().get_or_create("rates-api", {.minimum_calls = 10, .open_duration = 15s}));
    LIFT_TRY(bulkhead, rs::Bulkhead::create("rates-api", {.max_concurrent = 8, .max_wait = 20ms}));
    return RatesApi{breaker, bulkhead};
  }

  // In a handler: retried while the API struggles, refused at once while it is down, and
  // answered from the last good rates meanwhile.
  lift::Result<Rates> current(const RatesCache& cache) const {
    return rs::with_fallback(
        [&] {
          return rs::retry({.max_attempts = 3, .base_delay = 20ms}, [&] {
            return breaker.call([&] { return bulkhead.call([&] { return fetch_rates(); }); });
          });
        },
        [&](const lift::Error&) { return cache.last(); }, {.name = "exchange rates"});
  }
};
// README end

namespace {

TEST(ResilienceReadme, RetriesThenFailsFastAndFallsBack) {
  auto api = RatesApi::make();
  ASSERT_TRUE(api) << api.error().message;
  api->breaker.reset();  // the process's registry keeps it from an earlier run (--gtest_repeat)
  rates_api_calls = 0;
  const RatesCache cache;
  EXPECT_EQ(api->current(cache)->source, "live");

  rates_api_down = true;
  // Each call is tried three times; the tenth failure in the window opens the breaker.
  while (api->breaker.state() != rs::BreakerState::open) {
    EXPECT_EQ(api->current(cache)->source, "cached");
    ASSERT_LT(rates_api_calls.load(), 20);
  }
  // From then on the API is not called at all, and nothing waits.
  const int calls = rates_api_calls;
  const auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(api->current(cache)->source, "cached");
  EXPECT_EQ(rates_api_calls.load(), calls);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 1s);
  rates_api_down = false;
}

TEST(ResilienceReadme, TheReadmeShowsThisExample) {
  EXPECT_TRUE(lift::testing_support::readme_shows_example_of("tests/unit/resilience/readme_example_test.cpp"))
      << "README.md no longer shows the example of tests/unit/resilience/readme_example_test.cpp";
}

}  // namespace
