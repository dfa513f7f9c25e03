// DynamORM table operations per second, through lift's DynamoDB client, against the embedded
// engine (`--endpoint memory:`) or a DynamoDB-compatible endpoint on loopback (dynalite:
// `--endpoint http://127.0.0.1:PORT`). bench/dynamorm/sdk_ops.mjs does the same operations with
// the AWS SDK for JavaScript v3; bench/dynamorm/run_ops.sh runs both side by side.
//
//   lift_dynamorm_ops_bench --endpoint memory: [--count 2000] [--seconds 1] [--rounds 3] [--json]
//
// The mix (one request in flight at a time, each operation timed on its own):
//   PutItem         Table<Order>::put of a new 10-attribute item (a fresh key every time)
//   GetItem         Table<Order>::get of one of 500 seeded items (eventually consistent read)
//   UpdateItem      Table<Order>::update(item, {"status"}) of a seeded item: SET status and
//                   updatedAt, ADD version 1, on condition that the item exists with the version
//                   the caller holds; ReturnValues ALL_NEW read back into the struct
//   Query           Table<Order>::query of one partition of 100 items, first page of 25
//   BatchWriteItem  Table<Order>::batch_put of 25 new items (one BatchWriteItem call; the figure
//                   is calls per second, so items per second are 25 times as many)
// The item: PK, SK, customerId, email, status, amountCents, quantity, tags (a string set of 2),
// version, updatedAt. Seeding (500 items and the query partition) is not timed.
//
// A round runs each operation in turn until --count operations are done or --seconds have
// passed, whichever comes first. Each line gives the median over the rounds of the operations
// per second, and the 50th and 99th percentile latency over every operation of every round.
// --json adds the same figures as one JSON line. Exits 1 when any call fails. --only NAME runs
// one operation (for a profiler); --show-requests prints the first request body of each
// operation on stderr (memory: only).
#include <boost/describe.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "lift/aws/dynamodb.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/dynamorm/table.hpp"

namespace ops_bench {

// Ten attributes once stored (version and updatedAt are written by the library).
struct Order {
  std::string pk;
  std::string sk;
  std::string customer_id;
  std::string email;
  std::string status;
  std::int64_t amount_cents = 0;
  std::int32_t quantity = 0;
  std::set<std::string> tags;
  std::int64_t version = 0;
  std::chrono::system_clock::time_point updated_at{};
};
BOOST_DESCRIBE_STRUCT(Order, (),
                      (pk, sk, customer_id, email, status, amount_cents, quantity, tags, version, updated_at))

std::size_t observed = 0;  // a visible global, so the results read are not optimised away

}  // namespace ops_bench

namespace {

using ops_bench::Order;
using Clock = std::chrono::steady_clock;
namespace dynamorm = lift::dynamorm;

constexpr int kSeedItems = 500;
constexpr int kPartitions = 50;
constexpr int kQueryItems = 100;
constexpr int kPage = 25;
constexpr int kBatch = 25;

struct Options {
  std::string endpoint = "memory:";
  int count = 2000;
  double seconds = 1.0;
  int rounds = 3;
  bool json = false;
  bool show_requests = false;
  std::string only{};  // one operation by name (for profiling); empty: all
};

[[noreturn]] void usage(const char* why) {
  std::cerr << "lift_dynamorm_ops_bench: " << why << "\n"
            << "usage: lift_dynamorm_ops_bench [--endpoint memory:|http://127.0.0.1:PORT] [--count N] [--seconds S]\n"
            << "                               [--rounds R] [--json] [--show-requests] [--only OPERATION]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value");
      return argv[++i];
    };
    if (arg == "--endpoint") o.endpoint = next();
    else if (arg == "--count") o.count = std::atoi(next().c_str());
    else if (arg == "--seconds") o.seconds = std::atof(next().c_str());
    else if (arg == "--rounds") o.rounds = std::atoi(next().c_str());
    else if (arg == "--json") o.json = true;
    else if (arg == "--show-requests") o.show_requests = true;
    else if (arg == "--only") o.only = next();
    else usage("unknown argument");
  }
  if (o.count < 1 || o.rounds < 1 || !(o.seconds > 0)) usage("--count, --rounds and --seconds must be positive");
  if (!o.only.empty() && o.only != "PutItem" && o.only != "GetItem" && o.only != "UpdateItem" && o.only != "Query" &&
      o.only != "BatchWriteItem")
    usage("--only takes PutItem, GetItem, UpdateItem, Query or BatchWriteItem");
  const bool loopback = o.endpoint.starts_with("http://127.0.0.1:") || o.endpoint.starts_with("http://localhost:");
  if (o.endpoint != "memory:" && !loopback) usage("the endpoint is memory: or a loopback http URL");
  return o;
}

std::string padded(int n, int width) {
  std::string digits = std::to_string(n);
  if (static_cast<int>(digits.size()) < width) digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
  return digits;
}

Order make_order(std::string pk, int n) {
  Order o;
  o.pk = std::move(pk);
  o.sk = "order#" + padded(n, 8);
  o.customer_id = "c-" + padded(n % 1000, 4);
  o.email = "customer" + std::to_string(n % 1000) + "@example.com";
  o.status = "open";
  o.amount_cents = 1000 + n % 90000;
  o.quantity = 1 + n % 9;
  o.tags = {"web", n % 2 == 0 ? "priority" : "standard"};
  return o;
}

struct Stats {
  std::string name;
  std::vector<double> rates;      // operations per second, one per round
  std::vector<double> latencies;  // milliseconds, every operation
  long ops = 0;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double percentile(std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto at = std::min(sorted.size() - 1, static_cast<std::size_t>(q * static_cast<double>(sorted.size())));
  return sorted[at];
}

[[noreturn]] void fail(std::string_view what, const lift::Error& error) {
  std::cerr << "lift_dynamorm_ops_bench: " << what << " failed: " << error.code << ": " << error.message << "\n";
  std::exit(1);
}

// One round of one operation: `op(i)` with a running index until the count or the time is up.
void run_round(Stats& stats, const Options& options, long& next, const std::function<void(long)>& op) {
  const auto limit = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.seconds));
  const auto began = Clock::now();
  int done = 0;
  auto now = began;
  while (done < options.count && now - began < limit) {
    const auto start = Clock::now();
    op(next++);
    now = Clock::now();
    stats.latencies.push_back(std::chrono::duration<double, std::milli>(now - start).count());
    ++done;
  }
  const double elapsed = std::chrono::duration<double>(now - began).count();
  stats.rates.push_back(elapsed > 0 ? done / elapsed : 0);
  stats.ops += done;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);

  lift::aws::DynamoDbOptions client_options;
  client_options.region = "us-east-1";
  dynamorm::MemoryEngine engine;
  std::set<std::string, std::less<>> shown;
  if (options.endpoint == "memory:") {
    auto transport = dynamorm::memory_transport(engine);
    if (options.show_requests) {
      // Prints the first request of each operation: what sdk_ops.mjs must send to match.
      transport = [inner = std::move(transport), &shown](std::string_view operation, std::string_view body) {
        if (shown.insert(std::string(operation)).second) std::cerr << operation << " " << body << "\n";
        return inner(operation, body);
      };
    }
    client_options.transport = std::move(transport);
  } else {
    client_options.endpoint = options.endpoint;
    lift::aws::HttpClientOptions http;
    http.proxy = "";
    client_options.http = std::make_shared<lift::aws::HttpClient>(http);
  }
  auto client = lift::aws::DynamoDbClient::create(std::move(client_options));
  if (!client) fail("creating the client", client.error());

  // A fresh table per run, so runs against one dynalite do not see each other's items.
  std::random_device entropy;
  const std::string table_name = "bench_ops_" + std::to_string(::getpid()) + "_" + std::to_string(entropy() % 100000);
  const auto model = dynamorm::Model<Order>(table_name)
                         .partition_key(&Order::pk, "PK")
                         .sort_key(&Order::sk, "SK")
                         .version(&Order::version)
                         .updated_at(&Order::updated_at);
  dynamorm::Table<Order> table(*client, model);
  if (auto created = table.create_table(false); !created) fail("CreateTable", created.error());

  // Seed: the items GetItem and UpdateItem read, and the partition Query pages through.
  std::vector<Order> seeded;
  {
    std::vector<Order> batch;
    for (int i = 0; i < kSeedItems; ++i) batch.push_back(make_order("customer#" + padded(i % kPartitions, 2), i));
    if (auto ok = table.batch_put(batch); !ok) fail("seeding", ok.error());
    for (auto& o : batch) o.version = 1;  // what the put wrote
    seeded = std::move(batch);
    std::vector<Order> query;
    for (int i = 0; i < kQueryItems; ++i) query.push_back(make_order("query", i));
    if (auto ok = table.batch_put(query); !ok) fail("seeding", ok.error());
  }

  std::vector<Stats> stats{{"PutItem", {}, {}, 0}, {"GetItem", {}, {}, 0}, {"UpdateItem", {}, {}, 0},
                           {"Query", {}, {}, 0}, {"BatchWriteItem", {}, {}, 0}};
  long next_put = 0, next_get = 0, next_update = 0, next_query = 0, next_batch = 0;
  std::size_t sink = 0;  // keeps the results observable

  const std::vector<std::function<void(long)>> ops{
      [&](long i) {
        auto put = table.put(make_order("put#" + padded(static_cast<int>(i % kPartitions), 2), static_cast<int>(i)));
        if (!put) fail("PutItem", put.error());
        sink += static_cast<std::size_t>(put->version);
      },
      [&](long i) {
        const auto& o = seeded[static_cast<std::size_t>(i % kSeedItems)];
        auto got = table.get({o.pk, o.sk});
        if (!got) fail("GetItem", got.error());
        sink += got->email.size();
      },
      [&](long i) {
        auto& o = seeded[static_cast<std::size_t>(i % kSeedItems)];
        o.status = i % 2 == 0 ? "paid" : "shipped";
        auto updated = table.update(o, {"status"});
        if (!updated) fail("UpdateItem", updated.error());
        o = std::move(*updated);  // the new version, for the next check
      },
      [&](long) {
        auto page = table.query("query", {.limit = kPage});
        if (!page) fail("Query", page.error());
        if (page->items.size() != kPage) fail("Query", lift::Error{"bench", "short page", 500});
        sink += page->next_cursor.size();
      },
      [&](long i) {
        std::vector<Order> items;
        items.reserve(kBatch);
        for (int j = 0; j < kBatch; ++j)
          items.push_back(make_order("batch#" + padded(static_cast<int>(i % kPartitions), 2), static_cast<int>(i * kBatch + j)));
        if (auto ok = table.batch_put(items); !ok) fail("BatchWriteItem", ok.error());
      },
  };
  std::vector<long*> counters{&next_put, &next_get, &next_update, &next_query, &next_batch};

  for (int round = 0; round < options.rounds; ++round)
    for (std::size_t k = 0; k < ops.size(); ++k)
      if (options.only.empty() || options.only == stats[k].name) run_round(stats[k], options, *counters[k], ops[k]);

  // Leave dynalite as it was.
  if (auto deleted = client->delete_table(boost::json::object{{"TableName", table_name}}, Clock::now() + std::chrono::seconds(10));
      !deleted)
    fail("DeleteTable", deleted.error());

  std::string json = "{\"client\":\"lift\",\"endpoint\":\"" + std::string(options.endpoint == "memory:" ? "memory:" : "http") +
                     "\",\"rounds\":" + std::to_string(options.rounds) + ",\"count\":" + std::to_string(options.count) +
                     ",\"operations\":[";
  for (auto& s : stats) {
    if (s.ops == 0) continue;  // left out by --only
    std::sort(s.latencies.begin(), s.latencies.end());
    const double rate = median(s.rates);
    const double p50 = percentile(s.latencies, 0.50), p99 = percentile(s.latencies, 0.99);
    char line[200];
    std::snprintf(line, sizeof line, "%-15s %9.0f ops/s  p50 %8.3f ms  p99 %8.3f ms  (%d rounds, %ld ops)", s.name.c_str(), rate, p50,
                  p99, options.rounds, s.ops);
    std::cout << line << "\n";
    std::snprintf(line, sizeof line, "%s{\"operation\":\"%s\",\"ops_per_second\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"ops\":%ld}",
                  json.ends_with("[") ? "" : ",", s.name.c_str(), rate, p50, p99, s.ops);
    json += line;
  }
  json += "]}";
  if (options.json) std::cout << json << "\n";
  ops_bench::observed = sink;
  return 0;
}
