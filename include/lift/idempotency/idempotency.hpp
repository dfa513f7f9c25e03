#pragma once
// Idempotency: a call made again with the same key answers what the first one answered, without
// running again. The semantics and the DynamoDB record are those of Powertools for AWS Lambda,
// so a Node or Python service and a lift one can share one table and its TTL setting:
//
//   id                      "<function name>[.<scope>]#<base64 MD5 of the key's JSON>"  (partition key, S)
//   status                  "INPROGRESS" | "COMPLETED"
//   expiration              epoch seconds: the table's TTL attribute
//   in_progress_expiration  epoch milliseconds: when a lock of an invocation that never finished
//                           (timed out, crashed) may be taken again; the invocation's deadline
//   data                    the stored answer, JSON text
//   validation              base64 MD5 of the payload's JSON, when payload validation is on
//
// The key's JSON is written as Powertools writes it (JSON.stringify over keys sorted at every
// level), so the same key hashes to the same id in both.
//
//   auto idem = lift::idempotency::Idempotency::create(lift::dynamodb(), {.table = "idempotency"});
//   auto charge = idem->call<Charge>("charge", boost::json::value(order.id), [&] { return psp.charge(order); });
//
// A first call takes a lock with one conditional PutItem, runs, and stores its answer (one
// UpdateItem); a failure deletes the lock, so a retry runs again. A repeat with the same key gets
// the stored answer (replayed), from the local LRU cache when this environment has seen it. A
// repeat while the first is still running elsewhere is refused (IdempotencyInProgress, 409); one
// inside this process (Managed Instances: several invocations at once) waits for the first and
// gets its answer, without a DynamoDB call of its own.
//
// What fails safe: a store that cannot be reached refuses the call (503), since running without
// the lock could run twice; a stored record that cannot be read (damaged, unknown status) is a
// logged store error (500) and never runs the call again; an answer too large for a DynamoDB item
// is not stored (one log line that is also an EMF metric) and the call itself succeeds.
//
// lift/idempotency/middleware.hpp makes HTTP routes and event records idempotent with this.
//
// Thread safety: an Idempotency is a handle on shared state (the cache, the calls in flight), all
// of it thread-safe; copies share it. One may serve every worker of lift::run(app)
// (AWS_LAMBDA_MAX_CONCURRENCY > 1). The client must outlive it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/value.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/core/result.hpp"
#include "lift/json/convert.hpp"

namespace lift::idempotency {

// The record's attribute names and statuses: Powertools' defaults.
inline constexpr std::string_view kIdAttribute = "id";
inline constexpr std::string_view kStatusAttribute = "status";
inline constexpr std::string_view kExpirationAttribute = "expiration";
inline constexpr std::string_view kInProgressExpirationAttribute = "in_progress_expiration";
inline constexpr std::string_view kDataAttribute = "data";
inline constexpr std::string_view kValidationAttribute = "validation";
inline constexpr std::string_view kStatusInProgress = "INPROGRESS";
inline constexpr std::string_view kStatusCompleted = "COMPLETED";

// Error codes.
inline constexpr std::string_view kInProgress = "IdempotencyInProgress";          // 409, detail retry_after_seconds
inline constexpr std::string_view kPayloadMismatch = "IdempotencyPayloadMismatch";  // 422: same key, other payload
inline constexpr std::string_view kInvalidKey = "IdempotencyKeyInvalid";          // 400: too long, not UTF-8
inline constexpr std::string_view kMissingKey = "IdempotencyKeyMissing";          // 400: no key where one is required
inline constexpr std::string_view kStoreError = "IdempotencyStoreError";          // 503 unreachable, 500 damaged record
// The detail of an IdempotencyInProgress error that says when to try again (whole seconds).
inline constexpr std::string_view kRetryAfterDetail = "retry_after_seconds";

// DynamoDB's item size limit.
inline constexpr std::size_t kMaxItemBytes = 400 * 1024;

// One decision, for metrics and tests (on_event).
enum class EventKind {
  executed,        // the call ran and its answer was stored
  replayed,        // a stored answer was returned (from DynamoDB or the local cache)
  waited,          // a duplicate inside this process waited for the first and got its answer
  in_progress,     // refused: the first call is still running elsewhere
  payload_mismatch,
  failed,          // the call failed: its lock was released
  not_stored,      // the answer was larger than an item holds: returned, not stored
  store_error,     // the table could not be reached, or a record could not be read
};
std::string_view to_string(EventKind kind) noexcept;

struct Event {
  EventKind kind;
  std::string_view id;  // the record's id
  bool from_cache = false;
};

struct Options {
  // The DynamoDB table (partition key `id`, a string; TTL on `expiration`). Required.
  std::string table{};
  // The id's prefix. Empty: AWS_LAMBDA_FUNCTION_NAME (Powertools' prefix), else "lift".
  std::string key_prefix{};
  // How long a completed answer is kept (the record's TTL). At least one second.
  std::chrono::seconds expires_after{3600};
  // The local LRU cache of completed answers: entries, and how long one is trusted (never past
  // the record's own expiration). 0 entries: no cache.
  std::size_t local_cache_size = 1024;
  std::chrono::seconds local_cache_ttl{300};
  // The longest key (its JSON) accepted; longer is IdempotencyKeyInvalid (400).
  std::size_t max_key_bytes = 1024;
  // How long a lock taken outside an invocation (no deadline) holds against other callers.
  std::chrono::milliseconds lock_without_deadline{std::chrono::seconds(60)};
  // Create the table on first use. Unset: when the client is local (the embedded engine or a
  // loopback endpoint), never against AWS, where the table is deployed with the function.
  std::optional<bool> create_table{};
  // The wall clock the records' times come from; empty: the system clock (tests pass a fake).
  std::function<std::chrono::system_clock::time_point()> clock{};
  // Where the store's warnings and errors go, as JSON lines; null: nowhere.
  std::FILE* log = stdout;
  // The CloudWatch namespace of the metric line written for an answer not stored. Empty:
  // POWERTOOLS_METRICS_NAMESPACE, else "lift".
  std::string metrics_namespace{};
  // Called for every decision (from the calling thread; must be thread-safe).
  std::function<void(const Event&)> on_event{};
};

// A record as stored.
struct Record {
  std::string id{};
  std::string status{};
  std::int64_t expiration = 0;                         // epoch seconds
  std::optional<std::int64_t> in_progress_expiration{};  // epoch milliseconds
  std::optional<std::string> data{};                   // JSON text
  std::string validation{};
};

// The JSON text Powertools hashes: compact, object members sorted by name at every level,
// numbers as JavaScript writes them.
std::string canonical_json(const boost::json::value& value);
// base64 of the MD5 of `text`: Powertools' default hash.
std::string hash(std::string_view text);

// The records in DynamoDB: the calls the idempotency logic makes, one per operation. Public for
// the tests and for integrations of other shapes.
// Thread safety: as the client's (thread-safe).
class Store {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  Store(aws::DynamoDbClient& client, std::string table) : client_(&client), table_(std::move(table)) {}

  // The outcome of taking a lock: taken, or the record that holds the key.
  struct Lock {
    bool taken = false;
    std::optional<Record> existing{};
  };
  // A conditional PutItem of `record` (INPROGRESS) that succeeds when no record holds the key,
  // the one there has expired, or it is a lock whose in-progress expiration has passed.
  // `now` is the wall clock of the comparison. When the condition fails, the record that made it
  // fail comes from the failure's answer (ReturnValuesOnConditionCheckFailure), else from a
  // consistent GetItem (dynalite ignores the option). Errors: kStoreError for a damaged record,
  // the client's errors otherwise.
  Result<Lock> lock(const Record& record, std::chrono::system_clock::time_point now, Deadline deadline);
  // Sets `record`'s data, status (COMPLETED) and expiration.
  Result<void> complete(const Record& record, Deadline deadline);
  // Deletes the lock.
  Result<void> release(std::string_view id, Deadline deadline);
  // A consistent read; nullopt when there is no record.
  Result<std::optional<Record>> get(std::string_view id, Deadline deadline);
  // Creates the table (partition key `id`, on demand) when it does not exist.
  Result<void> create_table(Deadline deadline);

  // A DynamoDB item as a Record. Errors: kStoreError (500) naming what is wrong.
  static Result<Record> parse(const boost::json::object& item);
  // The size DynamoDB counts for the record's item (names and values).
  static std::size_t item_bytes(const Record& record);

 private:
  aws::DynamoDbClient* client_;
  std::string table_;
};

class Idempotency {
 public:
  // Errors: InvalidConfiguration naming the option (no table, expires_after under a second, a
  // key limit of 0 or larger than a DynamoDB key holds).
  static Result<Idempotency> create(aws::DynamoDbClient& client, Options options);

  // The answer of a call: what it returned, or what the first call with its key returned.
  struct Answer {
    std::string data;  // JSON text
    bool replayed = false;
  };
  using Call = std::function<Result<std::string>()>;

  // Runs `call` once for `key` within `scope` (a name the id carries, so two uses of one table
  // never share keys: "" for Powertools' handler ids). `payload`, when given, is validated: the
  // same key with another payload is IdempotencyPayloadMismatch (422). `call` returns the JSON
  // text to store; its failure (or exception, which is rethrown) releases the lock. Errors: the
  // codes above, and the call's own.
  Result<Answer> run(std::string_view scope, const boost::json::value& key, const boost::json::value* payload, const Call& call) const;

  // A typed call: T is stored as its JSON (lift/json) and read back on a replay.
  //   Result<Receipt> r = idem.call<Receipt>("charge", boost::json::value(order_id), [&] { return charge(order); });
  template <class T, class F>
  Result<T> call(std::string_view scope, const boost::json::value& key, F&& fn, const boost::json::value* payload = nullptr) const {
    auto answer = run(scope, key, payload, [&]() -> Result<std::string> {
      Result<T> result = std::forward<F>(fn)();
      if (!result) return std::move(result).error();
      return json::serialize(*result);
    });
    if (!answer) return std::move(answer).error();
    return json::parse_unvalidated<T>(answer->data);
  }

  // The record id for `key` in `scope`.
  [[nodiscard]] std::string record_id(std::string_view scope, const boost::json::value& key) const;
  [[nodiscard]] const Options& options() const noexcept;
  [[nodiscard]] Store& store() const noexcept;

 private:
  struct State;
  explicit Idempotency(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

// `idempotency.call<T>(scope, key, fn)` with the key given as text (an order id, a message id).
template <class T, class F>
Result<T> idempotent(const Idempotency& idempotency, std::string_view key, F&& fn) {
  return idempotency.call<T>("", boost::json::value(boost::json::string_view(key.data(), key.size())), std::forward<F>(fn));
}

}  // namespace lift::idempotency
