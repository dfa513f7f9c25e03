// The JSON layer's share of a typed request: lift::json::parse (text → DOM → from_json → rules)
// of a realistic nested body, and serialize of the same value. BM_BindNestedBody keeps its name
// so that bench/RESULTS.md stays comparable.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "lift/json/binding.hpp"

namespace bench_json {

enum class Channel { web, mobile, partner };
BOOST_DESCRIBE_ENUM(Channel, web, mobile, partner)

struct Address {
  std::string street;
  std::string city;
  std::string country;
  std::optional<std::string> postcode;
};
BOOST_DESCRIBE_STRUCT(Address, (), (street, city, country, postcode))

inline void lift_rules(lift::json::Rules<Address>& r) {
  r.field(&Address::city).required().length(1, 100);
  r.field(&Address::country).required().length(2, 2);
}

struct Line {
  std::string sku;
  std::int32_t qty = 1;
  double unit_price = 0;
};
BOOST_DESCRIBE_STRUCT(Line, (), (sku, qty, unit_price))

inline void lift_rules(lift::json::Rules<Line>& r) {
  r.field(&Line::sku).required().length(1, 32);
  r.field(&Line::qty).min(1).max(999);
}

struct CreateOrder {
  std::string customer_id;
  std::string email;
  Channel channel = Channel::web;
  Address shipping;
  std::vector<Line> lines;
  std::map<std::string, std::string> metadata;
  std::optional<std::string> coupon;
  bool gift = false;
  std::int64_t total_cents = 0;
  std::chrono::system_clock::time_point requested_at{};
};
BOOST_DESCRIBE_STRUCT(CreateOrder, (),
                      (customer_id, email, channel, shipping, lines, metadata, coupon, gift, total_cents, requested_at))

inline void lift_rules(lift::json::Rules<CreateOrder>& r) {
  r.field(&CreateOrder::customer_id).required().length(1, 64);
  r.field(&CreateOrder::email).required().email();
  r.field(&CreateOrder::lines).min_items(1).max_items(100);
  r.field(&CreateOrder::total_cents).min(0);
}

constexpr const char* kBody = R"({
  "customer_id": "cus_8f14e45fceea167a",
  "email": "jane.doe@example.com",
  "channel": "mobile",
  "shipping": {"street": "1 Infinite Loop", "city": "Cupertino", "country": "US", "postcode": "95014"},
  "lines": [
    {"sku": "SKU-1001", "qty": 2, "unit_price": 19.99},
    {"sku": "SKU-2002", "qty": 1, "unit_price": 5.5},
    {"sku": "SKU-3003", "qty": 4, "unit_price": 0.99}
  ],
  "metadata": {"campaign": "spring", "ref": "newsletter"},
  "coupon": "SPRING10",
  "gift": true,
  "total_cents": 5094,
  "requested_at": "2024-03-01T09:30:00.250Z"
})";

void BM_BindNestedBody(benchmark::State& state) {
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto order = lift::json::parse<CreateOrder>(kBody);
    benchmark::DoNotOptimize(order);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_BindNestedBody);

void BM_SerializeNested(benchmark::State& state) {
  const auto order = lift::json::parse<CreateOrder>(kBody).value();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto text = lift::json::serialize(order);
    benchmark::DoNotOptimize(text);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_SerializeNested);

// For comparison: the same value through a DOM and Boost.JSON's serializer.
void BM_SerializeNestedViaDom(benchmark::State& state) {
  const auto order = lift::json::parse<CreateOrder>(kBody).value();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto text = boost::json::serialize(lift::json::to_json(order));
    benchmark::DoNotOptimize(text);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_SerializeNestedViaDom);

}  // namespace bench_json

BENCHMARK_MAIN();
