// The Checker: concurrent check runs bounded by their timeouts, a cached report, one refresh at
// a time.

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "lift/health/health.hpp"
#include "lift/resilience/circuit_breaker.hpp"
#include "lift/resilience/errors.hpp"
#include "report_json.hpp"

namespace lift::health {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kMaxTimeout{60000};

// One run of a check on its own thread. Shared by the thread and the refresh waiting for it, so
// that a run that outlives its timeout (or its Checker) writes into memory that is still there.
struct Run {
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  Outcome outcome;
  SteadyClock::duration took{};
};

Outcome run_guarded(const std::function<Outcome(Deadline)>& fn, Deadline deadline) {
  try {
    return fn(deadline);
  } catch (const Error& e) {
    return Outcome::fail(e.code + ": " + e.message);
  } catch (const std::exception& e) {
    return Outcome::fail(std::string("the check threw: ") + e.what());
  } catch (...) {
    return Outcome::fail("the check threw an exception");
  }
}

std::string millis_text(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

}  // namespace

std::string_view to_string(Status status) noexcept {
  switch (status) {
    case Status::pass: return "pass";
    case Status::warn: return "warn";
    case Status::fail: return "fail";
  }
  return "fail";
}

Outcome Outcome::of(const Result<void>& result) {
  if (result) return pass();
  return fail(result.error().code + ": " + result.error().message);
}

namespace detail {

Check refused_check(std::string name, Error error) {
  Check check;
  check.name = std::move(name);
  check.configuration_error = std::move(error);
  return check;
}

Check make_check(std::string name, std::string default_component_type, const CheckOptions& options,
                 std::function<Outcome(Deadline)> run) {
  Check check;
  check.name = std::move(name);
  check.component_type = options.component_type.empty() ? std::move(default_component_type) : options.component_type;
  check.timeout = options.timeout;
  check.run = std::make_shared<const std::function<Outcome(Deadline)>>(std::move(run));
  return check;
}

}  // namespace detail

struct Checker::Impl {
  struct Slot {
    Check check;
    // The run started by an earlier refresh that had not finished when its timeout was up; a
    // refresh does not start the check again while it is still going.
    std::shared_ptr<Run> overrunning;
    SteadyClock::time_point overrunning_since{};
  };

  CheckerOptions options;
  std::vector<Slot> slots;

  // Serializes refreshes (slots' `overrunning` is touched only by the refreshing thread).
  std::mutex refresh_mutex;

  mutable std::mutex cache_mutex;
  std::condition_variable refreshed;
  std::shared_ptr<const Report> cached;
  SteadyClock::time_point cached_at{};
  bool refreshing = false;
  std::uint64_t refresh_count = 0;

  std::shared_ptr<const Report> run_checks();
};

std::shared_ptr<const Report> Checker::Impl::run_checks() {
  const std::lock_guard refresh_lock(refresh_mutex);
  const auto started = SteadyClock::now();
  std::vector<CheckReport> results(slots.size());
  std::vector<std::shared_ptr<Run>> runs(slots.size());

  for (std::size_t i = 0; i < slots.size(); ++i) {
    auto& slot = slots[i];
    auto& result = results[i];
    result.name = slot.check.name;
    result.component_type = slot.check.component_type;
    if (slot.overrunning) {
      std::unique_lock lock(slot.overrunning->mutex);
      if (!slot.overrunning->done) {
        const auto running = std::chrono::duration_cast<std::chrono::milliseconds>(started - slot.overrunning_since);
        result.status = Status::fail;
        result.output = "an earlier run is still going after " + millis_text(running) + " (timeout " + millis_text(slot.check.timeout) + ")";
        result.time = options.wall_clock();
        continue;
      }
      lock.unlock();
      slot.overrunning.reset();
    }
    auto run = std::make_shared<Run>();
    const Deadline deadline = started + slot.check.timeout;
    try {
      // The thread owns what it touches (the run, the check's function); nothing of the
      // Checker, which may be gone when an overrunning check finishes.
      std::thread([run, fn = slot.check.run, deadline] {
        const auto begun = SteadyClock::now();
        Outcome outcome = run_guarded(*fn, deadline);
        const auto took = SteadyClock::now() - begun;
        const std::lock_guard lock(run->mutex);
        run->outcome = std::move(outcome);
        run->took = took;
        run->done = true;
        run->finished.notify_all();
      }).detach();
      runs[i] = std::move(run);
    } catch (const std::system_error& e) {
      result.status = Status::fail;
      result.output = std::string("cannot start the check: ") + e.what();
      result.time = options.wall_clock();
    }
  }

  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (!runs[i]) continue;
    auto& run = *runs[i];
    auto& result = results[i];
    std::unique_lock lock(run.mutex);
    if (run.finished.wait_until(lock, started + slots[i].check.timeout, [&] { return run.done; })) {
      result.status = run.outcome.status;
      result.output = std::move(run.outcome.output);
      result.latency = std::chrono::duration_cast<std::chrono::microseconds>(run.took);
      result.time = options.wall_clock();
    } else {
      lock.unlock();
      result.status = Status::fail;
      result.output = "timed out after " + millis_text(slots[i].check.timeout);
      result.latency = slots[i].check.timeout;
      result.time = options.wall_clock();
      slots[i].overrunning = std::move(runs[i]);
      slots[i].overrunning_since = started;
    }
  }

  auto report = std::make_shared<Report>();
  report->time = options.wall_clock();
  for (const auto& r : results) report->status = std::max(report->status, r.status);
  report->checks = std::move(results);
  if (options.include_breakers) {
    for (const auto& breaker : resilience::breakers().all()) {
      report->breakers.push_back({breaker.name(), std::string(resilience::to_string(breaker.state()))});
    }
  }
  report->ready_body = detail::ready_json(*report);
  report->detail_body = detail::detail_json(*report, options);
  return report;
}

Result<std::shared_ptr<Checker>> Checker::create(std::vector<Check> checks, CheckerOptions options) {
  using resilience::invalid_configuration;
  if (options.cache_for.count() < 0) return invalid_configuration("health checker", "cache_for", "must not be negative");
  if (!options.now) return invalid_configuration("health checker", "now", "must be set");
  if (!options.wall_clock) return invalid_configuration("health checker", "wall_clock", "must be set");
  std::set<std::string, std::less<>> names;
  auto impl = std::make_unique<Impl>();
  for (auto& check : checks) {
    const std::string what = "health check \"" + check.name + "\"";
    if (check.configuration_error) return *check.configuration_error;
    if (check.name.empty()) return invalid_configuration("health check", "name", "must not be empty");
    if (check.name.find(':') != std::string::npos) return invalid_configuration(what, "name", "must not contain ':'");
    if (!names.insert(check.name).second) return invalid_configuration(what, "name", "is used by another check");
    if (check.timeout.count() <= 0 || check.timeout > kMaxTimeout)
      return invalid_configuration(what, "timeout", "must be in (0, 60000] ms");
    if (!check.run || !*check.run) return invalid_configuration(what, "run", "must be set");
    if (check.component_type.empty()) return invalid_configuration(what, "component_type", "must not be empty");
    impl->slots.push_back({std::move(check), nullptr, {}});
  }
  impl->options = std::move(options);
  return std::make_shared<Checker>(Private{}, std::move(impl));
}

Checker::Checker(Private, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Checker::~Checker() = default;

std::shared_ptr<const Report> Checker::report() {
  auto& impl = *impl_;
  std::unique_lock lock(impl.cache_mutex);
  for (;;) {
    if (impl.cached && impl.options.now() - impl.cached_at < impl.options.cache_for) return impl.cached;
    if (!impl.refreshing) break;
    // Someone is refreshing: its report is ours too.
    const auto before = impl.refresh_count;
    impl.refreshed.wait(lock, [&] { return !impl.refreshing; });
    if (impl.refresh_count != before && impl.cached) return impl.cached;
  }
  impl.refreshing = true;
  lock.unlock();
  std::shared_ptr<const Report> fresh;
  try {
    fresh = impl.run_checks();
  } catch (...) {
    // Only allocation can throw here; let the waiters go before passing it on.
    lock.lock();
    impl.refreshing = false;
    impl.refreshed.notify_all();
    throw;
  }
  lock.lock();
  impl.cached = fresh;
  impl.cached_at = impl.options.now();
  ++impl.refresh_count;
  impl.refreshing = false;
  impl.refreshed.notify_all();
  return fresh;
}

std::shared_ptr<const Report> Checker::refresh() {
  auto fresh = impl_->run_checks();
  const std::lock_guard lock(impl_->cache_mutex);
  impl_->cached = fresh;
  impl_->cached_at = impl_->options.now();
  ++impl_->refresh_count;
  return fresh;
}

std::uint64_t Checker::refreshes() const {
  const std::lock_guard lock(impl_->cache_mutex);
  return impl_->refresh_count;
}

}  // namespace lift::health
