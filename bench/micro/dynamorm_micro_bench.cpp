// DynamORM's codec for one 20-attribute item: a described struct marshalled to an item
// (AttributeMap) and read back, the work every put and get does before and after the wire.
// DESIGN.md's budget for marshal + unmarshal is 3 µs. BM_ToDynamoDbJson adds the DynamoDB JSON
// DOM that the client then serialises, for scale. BM_EncryptAttribute/BM_DecryptAttribute: one
// encrypted attribute's cost per write and per read.
#include <benchmark/benchmark.h>

#include <boost/describe.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "lift/dynamorm/encryption.hpp"
#include "lift/dynamorm/model.hpp"

namespace bench_dynamorm {

enum class Status { open, paid, shipped };
BOOST_DESCRIBE_ENUM(Status, open, paid, shipped)

struct Address {
  std::string street;
  std::string city;
  std::string postcode;
};
BOOST_DESCRIBE_STRUCT(Address, (), (street, city, postcode))

// 20 attributes of the kinds a real order carries.
struct Order {
  std::string pk;
  std::string sk;
  std::string customer_id;
  std::string email;
  Status status = Status::open;
  std::int64_t amount_cents = 0;
  std::int32_t quantity = 0;
  double discount = 0;
  bool gift = false;
  std::optional<std::string> note;
  std::vector<std::string> items;
  std::set<std::string> tags;
  std::map<std::string, std::int32_t> counts;
  Address shipping;
  std::int64_t version = 0;
  std::chrono::system_clock::time_point created_at{};
  std::chrono::system_clock::time_point updated_at{};
  std::optional<std::chrono::system_clock::time_point> expires;
  std::string currency;
  std::uint32_t priority = 0;
};
BOOST_DESCRIBE_STRUCT(Order, (),
                      (pk, sk, customer_id, email, status, amount_cents, quantity, discount, gift, note, items, tags, counts,
                       shipping, version, created_at, updated_at, expires, currency, priority))

}  // namespace bench_dynamorm

namespace {

using namespace bench_dynamorm;
using lift::dynamorm::Model;

Model<Order> model() {
  return Model<Order>("orders")
      .partition_key(&Order::pk, "PK")
      .sort_key(&Order::sk, "SK")
      .version(&Order::version)
      .created_at(&Order::created_at)
      .updated_at(&Order::updated_at)
      .ttl(&Order::expires);
}

Order sample() {
  Order o;
  o.pk = "CUSTOMER#c-1029";
  o.sk = "ORDER#2026-11-23#0042";
  o.customer_id = "c-1029";
  o.email = "someone@example.com";
  o.status = Status::paid;
  o.amount_cents = 129'900;
  o.quantity = 3;
  o.discount = 0.15;
  o.gift = true;
  o.note = "leave at the door";
  o.items = {"sku-1", "sku-2", "sku-3"};
  o.tags = {"priority", "web"};
  o.counts = {{"sku-1", 1}, {"sku-2", 2}};
  o.shipping = {"1 Main Street", "Springfield", "12345"};
  o.version = 7;
  o.created_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000) + std::chrono::microseconds(123'456));
  o.updated_at = o.created_at + std::chrono::seconds(60);
  o.expires = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  o.currency = "EUR";
  o.priority = 2;
  return o;
}

void BM_MarshalUnmarshal20(benchmark::State& state) {
  const auto m = model();
  const auto order = sample();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto item = m.to_item(order);
    auto back = m.from_item(*item);
    benchmark::DoNotOptimize(back);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_MarshalUnmarshal20);

void BM_Marshal20(benchmark::State& state) {
  const auto m = model();
  const auto order = sample();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto item = m.to_item(order);
    benchmark::DoNotOptimize(item);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_Marshal20);

void BM_Unmarshal20(benchmark::State& state) {
  const auto m = model();
  const auto item = m.to_item(sample()).value();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto back = m.from_item(item);
    benchmark::DoNotOptimize(back);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_Unmarshal20);

void BM_ToDynamoDbJson20(benchmark::State& state) {
  const auto item = model().to_item(sample()).value();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto json = lift::dynamorm::item_to_dynamodb_json(item);
    benchmark::DoNotOptimize(json);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_ToDynamoDbJson20);

// Field encryption of one attribute (a 64-character string) with the local key provider: a
// fresh data key (random bytes, wrapped with AES-256-GCM) and the value sealed with
// AES-256-GCM per write; the data key unwrapped and the value opened per read. With KMS the
// provider's round trip (GenerateDataKey, Decrypt) adds to both.
const lift::dynamorm::AttributeValue kSecret = lift::dynamorm::AttributeValue::string(std::string(64, 's'));

const lift::dynamorm::LocalKeyProvider& local_keys() {
  static const auto keys = lift::dynamorm::LocalKeyProvider::create(std::string(32, 'k')).value();
  return *keys;
}

void BM_EncryptAttribute(benchmark::State& state) {
  const auto& keys = local_keys();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto sealed = lift::dynamorm::encrypt_attribute(keys, "orders", "email", kSecret);
    benchmark::DoNotOptimize(sealed);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_EncryptAttribute);

void BM_DecryptAttribute(benchmark::State& state) {
  const auto& keys = local_keys();
  const auto sealed = lift::dynamorm::encrypt_attribute(keys, "orders", "email", kSecret).value();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto opened = lift::dynamorm::decrypt_attribute(keys, "orders", "email", sealed);
    benchmark::DoNotOptimize(opened);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_DecryptAttribute);

}  // namespace

BENCHMARK_MAIN();
