// The idempotency logic over the Store: the local cache, the calls in flight in this process,
// the lock, the stored answer.

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "lift/app/database.hpp"
#include "lift/core/deadline.hpp"
#include "lift/core/env.hpp"
#include "lift/core/json_text.hpp"
#include "lift/core/log_line.hpp"
#include "lift/core/utf8.hpp"
#include "lift/idempotency/idempotency.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::idempotency {

namespace {

using SteadyClock = std::chrono::steady_clock;
using SystemClock = std::chrono::system_clock;

std::int64_t to_ms(SystemClock::time_point t) { return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count(); }
std::int64_t to_seconds(SystemClock::time_point t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

// Completed answers by id, most recently used first, each trusted until its time.
class LruCache {
 public:
  struct Entry {
    std::string data;
    std::string validation;
    SystemClock::time_point until;
  };
  explicit LruCache(std::size_t capacity) : capacity_(capacity) {}

  std::optional<Entry> get(const std::string& id, SystemClock::time_point now) {
    if (capacity_ == 0) return std::nullopt;
    const std::lock_guard lock(mutex_);
    const auto found = index_.find(id);
    if (found == index_.end()) return std::nullopt;
    if (found->second->second.until <= now) {
      order_.erase(found->second);
      index_.erase(found);
      return std::nullopt;
    }
    order_.splice(order_.begin(), order_, found->second);
    return found->second->second;
  }

  void put(const std::string& id, Entry entry) {
    if (capacity_ == 0) return;
    const std::lock_guard lock(mutex_);
    if (const auto found = index_.find(id); found != index_.end()) {
      found->second->second = std::move(entry);
      order_.splice(order_.begin(), order_, found->second);
      return;
    }
    order_.emplace_front(id, std::move(entry));
    index_.emplace(id, order_.begin());
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::list<std::pair<std::string, Entry>> order_;
  std::unordered_map<std::string, std::list<std::pair<std::string, Entry>>::iterator> index_;
};

// A call running in this process: duplicates wait on it instead of writing to the table.
struct Flight {
  enum class State { running, succeeded, failed } state = State::running;
  std::string data;
  std::string validation;
  std::condition_variable done;
};

}  // namespace

struct Idempotency::State {
  State(aws::DynamoDbClient& client, Options opts)
      : options(std::move(opts)), store(client, options.table), cache(options.local_cache_size) {}

  Options options;
  mutable Store store;
  bool create_table = false;
  detail::CreateOnce created;
  LruCache cache;
  std::mutex flights_mutex;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights;

  [[nodiscard]] SystemClock::time_point now() const { return options.clock ? options.clock() : SystemClock::now(); }

  void emit(EventKind kind, std::string_view id, bool from_cache = false) const {
    if (options.on_event) options.on_event(Event{kind, id, from_cache});
  }

  void log(std::string_view level, std::string_view message, std::string_view id, const Error* error = nullptr) const {
    if (options.log == nullptr) return;
    try {
      std::string line = R"({"level":)";
      append_json_string(line, level);
      line += R"(,"message":)";
      append_json_string(line, message, InvalidUtf8::replace);
      line += R"(,"idempotency_id":)";
      append_json_string(line, id, InvalidUtf8::replace);
      if (error != nullptr) {
        line += R"(,"error":{"code":)";
        append_json_string(line, error->code, InvalidUtf8::replace);
        line += R"(,"message":)";
        append_json_string(line, error->message, InvalidUtf8::replace);
        line += '}';
      }
      line += "}\n";
      write_log_line(options.log, line);
    } catch (...) {
      // Out of memory for a log line: the call it describes must not fail for it.
    }
  }

  // The log line for an answer not stored is also an EMF document, so that the count of them is
  // a CloudWatch metric without the observability layer.
  void log_not_stored(std::string_view id, std::size_t bytes) const {
    if (options.log == nullptr) return;
    try {
      std::string ns = options.metrics_namespace.empty() ? env_or("POWERTOOLS_METRICS_NAMESPACE", "lift") : options.metrics_namespace;
      if (ns.empty()) ns = "lift";
      std::string line = R"({"_aws":{"Timestamp":)";
      line += std::to_string(to_ms(SystemClock::now()));
      line += R"(,"CloudWatchMetrics":[{"Namespace":)";
      append_json_string(line, ns, InvalidUtf8::replace);
      line += R"(,"Dimensions":[[]],"Metrics":[{"Name":"IdempotencyAnswerNotStored","Unit":"Count"}]}]},"IdempotencyAnswerNotStored":1,)";
      line += R"("level":"ERROR","message":"idempotency: the answer is larger than a DynamoDB item holds; returned but not stored, so a retry runs again","idempotency_id":)";
      append_json_string(line, id, InvalidUtf8::replace);
      line += R"(,"item_bytes":)";
      line += std::to_string(bytes);
      line += R"(,"limit_bytes":)";
      line += std::to_string(kMaxItemBytes);
      line += "}\n";
      write_log_line(options.log, line);
    } catch (...) {
    }
  }

  // Store calls are bounded by the invocation's deadline (less a margin), else by a few seconds.
  [[nodiscard]] static Store::Deadline call_deadline() {
    if (const auto invocation = InvocationDeadline::current()) return lift::call_deadline(*invocation);
    return SteadyClock::now() + std::chrono::seconds(10);
  }
};

Result<Idempotency> Idempotency::create(aws::DynamoDbClient& client, Options options) {
  constexpr std::string_view what = "idempotency";
  if (options.table.empty()) return resilience::invalid_configuration(what, "table", "is required");
  // DynamoDB's rule for table names, checked here so that a typo fails at start-up, not per request.
  const bool name_ok = options.table.size() >= 3 && options.table.size() <= 255 &&
                       std::all_of(options.table.begin(), options.table.end(), [](unsigned char c) {
                         return std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.';
                       });
  if (!name_ok) return resilience::invalid_configuration(what, "table", "must be 3 to 255 letters, digits, '_', '-' or '.'");
  if (options.expires_after < std::chrono::seconds(1)) return resilience::invalid_configuration(what, "expires_after", "must be at least one second");
  // A DynamoDB partition key holds 2048 bytes; the id adds the prefix and a 24-byte hash, but
  // the key itself is hashed, so the limit guards memory and logs rather than DynamoDB.
  if (options.max_key_bytes == 0 || options.max_key_bytes > 64 * 1024)
    return resilience::invalid_configuration(what, "max_key_bytes", "must be between 1 and 65536");
  if (options.lock_without_deadline < std::chrono::milliseconds(1))
    return resilience::invalid_configuration(what, "lock_without_deadline", "must be positive");
  if (options.key_prefix.empty()) options.key_prefix = env_or("AWS_LAMBDA_FUNCTION_NAME", "lift");
  if (options.key_prefix.find('#') != std::string::npos)
    return resilience::invalid_configuration(what, "key_prefix", "must not contain '#', which ends the prefix in an id");
  auto state = std::make_shared<State>(client, std::move(options));
  state->create_table = state->options.create_table.value_or(dynamodb_is_local(client));
  return Idempotency(std::move(state));
}

const Options& Idempotency::options() const noexcept { return state_->options; }
Store& Idempotency::store() const noexcept { return state_->store; }

namespace {
// Powertools' id: the prefix, ".scope" for a scoped call, '#', the key's hash.
std::string make_id(std::string_view prefix, std::string_view scope, std::string_view key_text) {
  std::string id(prefix);
  if (!scope.empty()) (id += '.') += scope;
  (id += '#') += hash(key_text);
  return id;
}
}  // namespace

std::string Idempotency::record_id(std::string_view scope, const boost::json::value& key) const {
  return make_id(state_->options.key_prefix, scope, canonical_json(key));
}

Result<Idempotency::Answer> Idempotency::run(std::string_view scope, const boost::json::value& key, const boost::json::value* payload,
                                             const Call& call) const {
  State& s = *state_;
  const std::string key_text = canonical_json(key);
  if (key_text.size() > s.options.max_key_bytes)
    return Error{std::string(kInvalidKey), "the idempotency key is longer than " + std::to_string(s.options.max_key_bytes) + " bytes", 400};
  if (!valid_utf8(key_text)) return Error{std::string(kInvalidKey), "the idempotency key is not UTF-8", 400};
  const std::string id = make_id(s.options.key_prefix, scope, key_text);
  const std::string validation = payload != nullptr ? hash(canonical_json(*payload)) : std::string();

  const auto mismatch = [&](std::string_view stored) -> std::optional<Error> {
    if (validation.empty() || stored.empty() || stored == validation) return std::nullopt;
    s.emit(EventKind::payload_mismatch, id);
    return Error{std::string(kPayloadMismatch), "the idempotency key was used with another payload", 422};
  };

  if (s.create_table) {
    auto made = s.created.run([&] { return s.store.create_table(State::call_deadline()); });
    if (!made) {
      s.log("ERROR", "idempotency: the table cannot be created", id, &made.error());
      s.emit(EventKind::store_error, id);
      return Error{std::string(kStoreError), "the idempotency store is unavailable", 503};
    }
  }

  // A duplicate in this process waits for the call in flight; when that one failed, this one
  // starts over (and may run).
  std::shared_ptr<Flight> flight;
  for (;;) {
    if (auto cached = s.cache.get(id, s.now())) {
      if (auto refused = mismatch(cached->validation)) return *refused;
      s.emit(EventKind::replayed, id, /*from_cache=*/true);
      return Answer{std::move(cached->data), true};
    }
    std::unique_lock lock(s.flights_mutex);
    auto [it, inserted] = s.flights.try_emplace(id);
    if (inserted) {
      it->second = std::make_shared<Flight>();
      flight = it->second;
      break;
    }
    const std::shared_ptr<Flight> running = it->second;
    // Wait no longer than the invocation may, nor than a lock holds without a deadline.
    auto until = SteadyClock::now() + s.options.lock_without_deadline;
    if (const auto invocation = InvocationDeadline::current()) until = std::min(until, lift::call_deadline(*invocation));
    const bool finished = running->done.wait_until(lock, until, [&] { return running->state != Flight::State::running; });
    if (!finished) {
      s.emit(EventKind::in_progress, id);
      Error error{std::string(kInProgress), "a request with this idempotency key is in progress", 409};
      error.details.push_back({std::string(kRetryAfterDetail), "1"});
      return error;
    }
    if (running->state == Flight::State::succeeded) {
      if (auto refused = mismatch(running->validation)) return *refused;
      s.emit(EventKind::waited, id);
      return Answer{running->data, true};
    }
  }

  // This thread leads the key: whatever happens, duplicates waiting on it are told.
  const auto finish = [&](Flight::State state, std::string data = {}, std::string_view stored_validation = {}) {
    const std::lock_guard lock(s.flights_mutex);
    flight->state = state;
    flight->data = std::move(data);
    flight->validation = stored_validation.empty() ? validation : std::string(stored_validation);
    s.flights.erase(id);
    flight->done.notify_all();
  };

  const auto now = s.now();
  Record record;
  record.id = id;
  record.status = std::string(kStatusInProgress);
  record.expiration = to_seconds(now + s.options.expires_after);
  if (const auto invocation = InvocationDeadline::current()) {
    record.in_progress_expiration = to_ms(now) + std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(*invocation - SteadyClock::now()).count());
  } else {
    record.in_progress_expiration = to_ms(now + s.options.lock_without_deadline);
  }
  record.validation = validation;

  auto locked = s.store.lock(record, now, State::call_deadline());
  if (!locked) {
    finish(Flight::State::failed);
    s.emit(EventKind::store_error, id);
    if (locked.error().code == kStoreError) {
      // A damaged record: never run again what may have run already.
      s.log("ERROR", "idempotency: the stored record cannot be read; the request is refused", id, &locked.error());
      return std::move(locked).error();
    }
    s.log("ERROR", "idempotency: the store is unavailable; the request is refused", id, &locked.error());
    return Error{std::string(kStoreError), "the idempotency store is unavailable", 503};
  }
  if (!locked->taken) {
    Record& existing = *locked->existing;
    if (auto refused = mismatch(existing.validation)) {
      finish(Flight::State::failed);
      return *refused;
    }
    if (existing.status == kStatusCompleted) {
      const auto until = std::min(SystemClock::time_point(std::chrono::seconds(existing.expiration)), now + s.options.local_cache_ttl);
      s.cache.put(id, {*existing.data, existing.validation, until});
      // Duplicates that waited on this read get the stored answer too, without a write each.
      finish(Flight::State::succeeded, *existing.data, existing.validation);
      s.emit(EventKind::replayed, id);
      return Answer{std::move(*existing.data), true};
    }
    finish(Flight::State::failed);
    s.emit(EventKind::in_progress, id);
    std::int64_t wait_ms = 1000;
    if (existing.in_progress_expiration) wait_ms = std::max<std::int64_t>(wait_ms, *existing.in_progress_expiration - to_ms(now));
    Error error{std::string(kInProgress), "a request with this idempotency key is in progress", 409};
    error.details.push_back({std::string(kRetryAfterDetail), std::to_string((wait_ms + 999) / 1000)});
    return error;
  }

  Result<std::string> result = Error{};
  try {
    result = call();
  } catch (...) {
    if (auto released = s.store.release(id, State::call_deadline()); !released)
      s.log("ERROR", "idempotency: the lock of a failed call cannot be released; it holds until its in-progress expiration", id, &released.error());
    finish(Flight::State::failed);
    s.emit(EventKind::failed, id);
    throw;
  }
  if (!result) {
    if (auto released = s.store.release(id, State::call_deadline()); !released)
      s.log("ERROR", "idempotency: the lock of a failed call cannot be released; it holds until its in-progress expiration", id, &released.error());
    finish(Flight::State::failed);
    s.emit(EventKind::failed, id);
    return std::move(result).error();
  }

  record.status = std::string(kStatusCompleted);
  record.data = *result;
  record.in_progress_expiration.reset();
  if (const auto bytes = Store::item_bytes(record); bytes > kMaxItemBytes) {
    s.log_not_stored(id, bytes);
    if (auto released = s.store.release(id, State::call_deadline()); !released)
      s.log("ERROR", "idempotency: the lock cannot be released; it holds until its in-progress expiration", id, &released.error());
    finish(Flight::State::succeeded, *result);
    s.emit(EventKind::not_stored, id);
    return Answer{std::move(*result), false};
  }
  if (auto completed = s.store.complete(record, State::call_deadline()); !completed) {
    // The call succeeded: its answer goes to the caller. The lock stays until its in-progress
    // expiration, so retries meanwhile are refused rather than run again.
    s.log("ERROR", "idempotency: the answer cannot be stored", id, &completed.error());
    s.emit(EventKind::store_error, id);
  } else {
    const auto until = std::min(SystemClock::time_point(std::chrono::seconds(record.expiration)), now + s.options.local_cache_ttl);
    s.cache.put(id, {*result, validation, until});
    s.emit(EventKind::executed, id);
  }
  finish(Flight::State::succeeded, *result);
  return Answer{std::move(*result), false};
}

}  // namespace lift::idempotency
