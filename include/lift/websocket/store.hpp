#pragma once
// Who is connected to a WebSocket API, as whom and where: a DynamoDB table every execution
// environment of the function shares (on Lambda one API's connections are spread over many
// environments, so no environment's memory knows them all).
//
//   LIFT_TRY(store, lift::websocket::ConnectionStore::create(lift::dynamodb(), {.table = "chat-connections"}));
//   LIFT_TRY_VOID(store.add(connection, deadline));
//   LIFT_TRY(ids, store.in_room("lobby", deadline));        // one Query
//
// Table layout (one table, partition key `connectionId` S, sort key `entry` S):
//
//   connectionId  entry         attributes
//   <id>          "connection"  userId?, tenantId?, roles (L), rooms (SS), metadata (M),
//                               connectedAt, lastSeen (RFC 3339), expiresAt (N, TTL)
//   <id>          "room#<R>"    room = R, expiresAt (N, TTL)
//
//   GSI by-user   (userId)   KEYS_ONLY: only connection items carry userId (anonymous: none)
//   GSI by-tenant (tenantId) KEYS_ONLY: likewise
//   GSI by-room   (room)     KEYS_ONLY: only membership items carry room
//
// So "the connections of room R" is one Query of by-room, "of user U" one Query of by-user, and
// a connection's items are one Query of its partition (what remove() deletes). The indexes are
// sparse and project keys only, so they cost little to write. Everything of a connection
// expires at connectedAt + ttl (default 2 h 15 min: API Gateway closes every connection after
// 2 hours), so a connection whose $disconnect never came (a crashed environment, a lost event)
// leaves nothing behind for long; DynamoDB's TTL deletes within days, so reads skip expired
// items themselves. Turn TTL on for `expiresAt` when deploying the table (SAM:
// TimeToLiveSpecification).
//
// Room names and ids are 1 to 256 bytes of UTF-8 without control characters; anything else is
// StoreInvalid (400), before any call.
//
// Thread safety: the store holds its settings and a reference to a thread-safe client; share one
// across every worker of lift::run(app) (AWS_LAMBDA_MAX_CONCURRENCY > 1). The create-once state
// of the table is shared by copies.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lift/aws/dynamodb.hpp"
#include "lift/core/result.hpp"

namespace lift::websocket {

// Error codes of this layer.
inline constexpr std::string_view kStoreInvalid = "WebSocket.Invalid";           // 400: a bad id, room or option
inline constexpr std::string_view kConnectionUnknown = "WebSocket.UnknownConnection";  // 404: not in the store (gone, expired)
inline constexpr std::string_view kMessageTooLarge = "WebSocket.MessageTooLarge";  // 413: over kMaxMessageBytes
inline constexpr std::string_view kRateLimited = "WebSocket.RateLimited";          // 429: the connection sends too fast

using Deadline = std::chrono::steady_clock::time_point;
using SystemTime = std::chrono::system_clock::time_point;

// A connection as stored.
struct Connection {
  std::string id;                 // API Gateway's connection id
  std::string user{};             // the principal's subject; empty: anonymous
  std::string tenant{};           // the principal's tenant; empty: none
  std::vector<std::string> roles{};
  std::set<std::string> rooms{};
  std::map<std::string, std::string> metadata{};  // the application's (a display name, a client version)
  SystemTime connected_at{};
  SystemTime last_seen{};
  SystemTime expires_at{};        // set by add() from the store's ttl
};

struct StoreOptions {
  std::string table = "websocket-connections";
  // How long everything of a connection is kept after it connected.
  std::chrono::seconds ttl{std::chrono::minutes(135)};
  // Create the table (keys, indexes) on first use. Unset: when the client is local (the
  // embedded engine, a loopback endpoint), never against AWS.
  std::optional<bool> create_table{};
  // The clock (a fake one in tests); null: the system clock.
  std::function<SystemTime()> clock{};
};

class ConnectionStore {
 public:
  // StoreInvalid for an empty table name or a ttl under one minute. `db` must outlive the store.
  static Result<ConnectionStore> create(aws::DynamoDbClient& db, StoreOptions options = {});

  ConnectionStore(const ConnectionStore&);
  ConnectionStore& operator=(const ConnectionStore&);
  ConnectionStore(ConnectionStore&&) noexcept;
  ConnectionStore& operator=(ConnectionStore&&) noexcept;
  ~ConnectionStore();

  // Creates the table when the options say so (once per process; later calls return at once).
  // Every operation below calls it first.
  Result<void> ensure_table(Deadline deadline) const;

  // Stores the connection and its rooms (connected_at, last_seen and expires_at set from the
  // clock); a connection stored again under its id is replaced.
  Result<Connection> add(Connection connection, Deadline deadline) const;
  // The connection with its rooms; kConnectionUnknown when absent or expired.
  Result<Connection> get(std::string_view id, Deadline deadline) const;
  // Sets last_seen to now and returns the connection (one UpdateItem); kConnectionUnknown when
  // absent or expired (nothing is created).
  Result<Connection> touch(std::string_view id, Deadline deadline) const;
  // Deletes the connection and its memberships; an unknown id is no error.
  Result<void> remove(std::string_view id, Deadline deadline) const;

  // Membership: kConnectionUnknown when the connection is not stored. Joining twice or leaving a
  // room not joined is no error.
  Result<void> join(std::string_view id, std::string_view room, Deadline deadline) const;
  Result<void> leave(std::string_view id, std::string_view room, Deadline deadline) const;

  // Connection ids (every page read, expired ones skipped, in no particular order).
  Result<std::vector<std::string>> in_room(std::string_view room, Deadline deadline) const;
  Result<std::vector<std::string>> of_user(std::string_view user, Deadline deadline) const;
  Result<std::vector<std::string>> of_tenant(std::string_view tenant, Deadline deadline) const;
  // Every connection of the table (a Scan: for broadcasts to all, and operators).
  Result<std::vector<std::string>> all(Deadline deadline) const;

  [[nodiscard]] const StoreOptions& options() const noexcept;

 private:
  struct Impl;
  explicit ConnectionStore(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// Whether `text` may be a connection id or room name: 1 to 256 bytes of UTF-8 without control
// characters.
[[nodiscard]] bool is_valid_name(std::string_view text) noexcept;

}  // namespace lift::websocket
