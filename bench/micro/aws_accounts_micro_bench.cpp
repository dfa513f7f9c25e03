// A cached cross-account lookup through lift::aws::Accounts: the DynamoDB client of a role that
// is already cached (one lock, the role's key built and hashed), from one thread and from
// several at once, among 16 cached roles. No network: clients are created without calls, and
// the roles' credentials are not fetched.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "lift/aws/accounts.hpp"

namespace {

struct Fixture {
  lift::aws::Accounts accounts{[] {
    lift::aws::AccountsOptions options;
    options.sts.endpoint = "http://127.0.0.1:9";  // never called: no credentials are fetched
    options.sts.region = "eu-west-1";
    options.dynamodb.endpoint = "http://127.0.0.1:9";
    options.dynamodb.region = "eu-west-1";
    return options;
  }()};
  std::vector<lift::aws::AccountRole> roles;

  Fixture() {
    for (int i = 0; i < 16; ++i) {
      roles.push_back({.role_arn = "arn:aws:iam::1111222233" + std::to_string(10 + i) + ":role/kernel-reader",
                       .external_id = "partner-42",
                       .session_name = "partner-api"});
      (void)accounts.dynamodb(roles.back()).value();
    }
  }
};

Fixture& fixture() {
  static Fixture shared;  // one cache for every thread of a run, as workers share one
  return shared;
}

void BM_AccountsCachedDynamoDbClient(benchmark::State& state) {
  auto& f = fixture();
  const auto& role = f.roles[static_cast<std::size_t>(state.thread_index()) % f.roles.size()];
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) benchmark::DoNotOptimize(f.accounts.dynamodb(role));
  if (state.thread_index() == 0) lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_AccountsCachedDynamoDbClient)->Threads(1)->Threads(2)->UseRealTime();

void BM_AccountsCachedCredentialsChain(benchmark::State& state) {
  auto& f = fixture();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) benchmark::DoNotOptimize(f.accounts.credentials(f.roles[3]));
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_AccountsCachedCredentialsChain);

}  // namespace

BENCHMARK_MAIN();
