#include "lift/websocket/store.hpp"

#include <chrono>
#include <string>
#include <utility>

#include <boost/describe.hpp>

#include "lift/app/database.hpp"
#include "lift/core/utf8.hpp"
#include "lift/dynamorm/errors.hpp"
#include "lift/dynamorm/expression.hpp"
#include "lift/dynamorm/model.hpp"
#include "lift/dynamorm/table.hpp"

namespace lift::websocket {

namespace {

namespace dynamorm = lift::dynamorm;

// One item of the table: a connection ("connection") or one of its memberships ("room#R"); the
// members a kind does not use stay empty and are not written (sparse indexes).
struct Item {
  std::string connection_id;
  std::string entry;
  std::string user_id;
  std::string tenant_id;
  std::string room;
  std::vector<std::string> roles;
  std::set<std::string> rooms;
  std::map<std::string, std::string> metadata;
  std::optional<SystemTime> connected_at;
  std::optional<SystemTime> last_seen;
  std::optional<SystemTime> expires_at;
};
BOOST_DESCRIBE_STRUCT(Item, (), (connection_id, entry, user_id, tenant_id, room, roles, rooms, metadata, connected_at, last_seen, expires_at))

constexpr std::string_view kConnectionEntry = "connection";
constexpr std::string_view kRoomPrefix = "room#";
constexpr std::size_t kMaxNameBytes = 256;

dynamorm::Model<Item> item_model(std::string table) {
  const std::vector<std::string> projected{"expiresAt"};
  return dynamorm::Model<Item>(std::move(table))
      .partition_key(&Item::connection_id)
      .sort_key(&Item::entry)
      .omit_empty(&Item::user_id)
      .omit_empty(&Item::tenant_id)
      .omit_empty(&Item::room)
      .omit_empty(&Item::roles)
      .omit_empty(&Item::metadata)
      .ttl(&Item::expires_at)
      .global_index("by-user", &Item::user_id, nullptr, dynamorm::ProjectionType::include, projected)
      .global_index("by-tenant", &Item::tenant_id, nullptr, dynamorm::ProjectionType::include, projected)
      .global_index("by-room", &Item::room, nullptr, dynamorm::ProjectionType::include, projected);
}

Error invalid(std::string message) { return Error{std::string(kStoreInvalid), std::move(message), 400}; }
Error unknown(std::string_view id) {
  return Error{std::string(kConnectionUnknown), "connection " + std::string(id) + " is not connected", 404};
}

Result<void> check_name(std::string_view what, std::string_view text) {
  if (!is_valid_name(text)) return invalid(std::string(what) + " must be 1 to 256 bytes of UTF-8 without control characters");
  return {};
}

Connection to_connection(Item item) {
  Connection out;
  out.id = std::move(item.connection_id);
  out.user = std::move(item.user_id);
  out.tenant = std::move(item.tenant_id);
  out.roles = std::move(item.roles);
  out.rooms = std::move(item.rooms);
  out.metadata = std::move(item.metadata);
  out.connected_at = item.connected_at.value_or(SystemTime{});
  out.last_seen = item.last_seen.value_or(out.connected_at);
  out.expires_at = item.expires_at.value_or(SystemTime{});
  return out;
}

}  // namespace

bool is_valid_name(std::string_view text) noexcept {
  if (text.empty() || text.size() > kMaxNameBytes || !valid_utf8(text)) return false;
  for (const unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

struct ConnectionStore::Impl {
  Impl(aws::DynamoDbClient& db, StoreOptions opts)
      : options(std::move(opts)), table(db, item_model(options.table)), create(options.create_table.value_or(dynamodb_is_local(db))) {}

  StoreOptions options;
  dynamorm::Table<Item> table;
  bool create;
  // Shared by copies of the store, so the table is created once per process.
  std::shared_ptr<detail::CreateOnce> once = std::make_shared<detail::CreateOnce>();

  [[nodiscard]] SystemTime now() const { return options.clock ? options.clock() : std::chrono::system_clock::now(); }
  [[nodiscard]] dynamorm::Table<Item> at(Deadline deadline) const { return table.with_deadline(deadline); }

  // Every item of a connection (its record first: "connection" sorts before "room#").
  Result<std::vector<Item>> items_of(std::string_view id, Deadline deadline, bool consistent) const {
    std::vector<Item> out;
    dynamorm::QueryOptions query;
    query.consistent_read = consistent;
    for (;;) {
      auto page = at(deadline).query(std::string(id), query);
      if (!page) return std::move(page).error();
      for (auto& item : page->items) out.push_back(std::move(item));
      if (page->next_cursor.empty()) return out;
      query.cursor = std::move(page->next_cursor);
    }
  }

  // The ids of an index's partition, expired items skipped.
  Result<std::vector<std::string>> ids(std::string index, std::string_view value, Deadline deadline) const {
    std::vector<std::string> out;
    dynamorm::QueryOptions query;
    query.index = std::move(index);
    query.filter = dynamorm::attr("expiresAt") > std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
    for (;;) {
      auto page = at(deadline).query(std::string(value), query);
      if (!page) return std::move(page).error();
      for (auto& item : page->items) out.push_back(std::move(item.connection_id));
      if (page->next_cursor.empty()) return out;
      query.cursor = std::move(page->next_cursor);
    }
  }
};

ConnectionStore::ConnectionStore(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
ConnectionStore::ConnectionStore(const ConnectionStore&) = default;
ConnectionStore& ConnectionStore::operator=(const ConnectionStore&) = default;
ConnectionStore::ConnectionStore(ConnectionStore&&) noexcept = default;
ConnectionStore& ConnectionStore::operator=(ConnectionStore&&) noexcept = default;
ConnectionStore::~ConnectionStore() = default;

Result<ConnectionStore> ConnectionStore::create(aws::DynamoDbClient& db, StoreOptions options) {
  if (options.table.empty()) return invalid("the connection table needs a name");
  if (options.ttl < std::chrono::minutes(1)) return invalid("the connection ttl must be at least one minute");
  return ConnectionStore(std::make_shared<const Impl>(db, std::move(options)));
}

const StoreOptions& ConnectionStore::options() const noexcept { return impl_->options; }

Result<void> ConnectionStore::ensure_table(Deadline deadline) const {
  if (!impl_->create) return {};
  return impl_->once->run([this, deadline] { return impl_->at(deadline).create_table(/*if_not_exists=*/true); });
}

Result<Connection> ConnectionStore::add(Connection connection, Deadline deadline) const {
  LIFT_TRY_VOID(check_name("a connection id", connection.id));
  for (const auto& room : connection.rooms) LIFT_TRY_VOID(check_name("a room name", room));
  LIFT_TRY_VOID(ensure_table(deadline));
  const auto now = impl_->now();
  connection.connected_at = now;
  connection.last_seen = now;
  connection.expires_at = now + impl_->options.ttl;

  std::vector<Item> items;
  items.reserve(connection.rooms.size() + 1);
  Item record;
  record.connection_id = connection.id;
  record.entry = std::string(kConnectionEntry);
  record.user_id = connection.user;
  record.tenant_id = connection.tenant;
  record.roles = connection.roles;
  record.rooms = connection.rooms;
  record.metadata = connection.metadata;
  record.connected_at = now;
  record.last_seen = now;
  record.expires_at = connection.expires_at;
  items.push_back(std::move(record));
  for (const auto& room : connection.rooms) {
    Item membership;
    membership.connection_id = connection.id;
    membership.entry = std::string(kRoomPrefix) + room;
    membership.room = room;
    membership.expires_at = connection.expires_at;
    items.push_back(std::move(membership));
  }
  LIFT_TRY_VOID(impl_->at(deadline).batch_put(items));
  return connection;
}

Result<Connection> ConnectionStore::get(std::string_view id, Deadline deadline) const {
  LIFT_TRY_VOID(check_name("a connection id", id));
  LIFT_TRY_VOID(ensure_table(deadline));
  auto item = impl_->at(deadline).get(dynamorm::Key(std::string(id), std::string(kConnectionEntry)), /*consistent_read=*/true);
  if (!item) {
    if (item.error().code == dynamorm::kItemNotFound) return unknown(id);
    return std::move(item).error();
  }
  if (item->expires_at && *item->expires_at <= impl_->now()) return unknown(id);
  return to_connection(std::move(*item));
}

Result<Connection> ConnectionStore::touch(std::string_view id, Deadline deadline) const {
  LIFT_TRY_VOID(check_name("a connection id", id));
  LIFT_TRY_VOID(ensure_table(deadline));
  const auto now = impl_->now();
  auto updated = impl_->at(deadline).update(dynamorm::Key(std::string(id), std::string(kConnectionEntry)),
                                            dynamorm::Update().set(&Item::last_seen, std::optional<SystemTime>(now)), std::nullopt,
                                            dynamorm::attribute_exists("connectionId"));
  if (!updated) {
    if (updated.error().code == dynamorm::kConditionFailed || updated.error().code == dynamorm::kItemNotFound) return unknown(id);
    return std::move(updated).error();
  }
  if (updated->expires_at && *updated->expires_at <= now) return unknown(id);
  return to_connection(std::move(*updated));
}

Result<void> ConnectionStore::remove(std::string_view id, Deadline deadline) const {
  LIFT_TRY_VOID(check_name("a connection id", id));
  LIFT_TRY_VOID(ensure_table(deadline));
  LIFT_TRY(items, impl_->items_of(id, deadline, /*consistent=*/true));
  if (items.empty()) return {};
  std::vector<dynamorm::Key> keys;
  keys.reserve(items.size());
  for (auto& item : items) keys.emplace_back(std::move(item.connection_id), std::move(item.entry));
  return impl_->at(deadline).batch_delete(keys);
}

Result<void> ConnectionStore::join(std::string_view id, std::string_view room, Deadline deadline) const {
  LIFT_TRY_VOID(check_name("a connection id", id));
  LIFT_TRY_VOID(check_name("a room name", room));
  LIFT_TRY_VOID(ensure_table(deadline));
  const auto table = impl_->at(deadline);
  // The connection's record first: it must exist (a stale id joins nothing), and it gives the
  // membership the connection's expiry.
  auto updated = table.update(dynamorm::Key(std::string(id), std::string(kConnectionEntry)),
                              dynamorm::Update().add(&Item::rooms, std::set<std::string>{std::string(room)}), std::nullopt,
                              dynamorm::attribute_exists("connectionId"));
  if (!updated) {
    if (updated.error().code == dynamorm::kConditionFailed || updated.error().code == dynamorm::kItemNotFound) return unknown(id);
    return std::move(updated).error();
  }
  Item membership;
  membership.connection_id = std::string(id);
  membership.entry = std::string(kRoomPrefix) + std::string(room);
  membership.room = std::string(room);
  membership.expires_at = updated->expires_at;
  auto put = table.put(membership);
  if (!put) return std::move(put).error();
  return {};
}

Result<void> ConnectionStore::leave(std::string_view id, std::string_view room, Deadline deadline) const {
  LIFT_TRY_VOID(check_name("a connection id", id));
  LIFT_TRY_VOID(check_name("a room name", room));
  LIFT_TRY_VOID(ensure_table(deadline));
  const auto table = impl_->at(deadline);
  // The membership first: once it is gone, no broadcast to the room reaches the connection.
  if (auto removed = table.remove(dynamorm::Key(std::string(id), std::string(kRoomPrefix) + std::string(room)));
      !removed && removed.error().code != dynamorm::kItemNotFound)
    return removed;
  auto updated = table.update(dynamorm::Key(std::string(id), std::string(kConnectionEntry)),
                              dynamorm::Update().delete_from_set(&Item::rooms, std::set<std::string>{std::string(room)}), std::nullopt,
                              dynamorm::attribute_exists("connectionId"));
  if (!updated) {
    if (updated.error().code == dynamorm::kConditionFailed || updated.error().code == dynamorm::kItemNotFound) return unknown(id);
    return std::move(updated).error();
  }
  return {};
}

Result<std::vector<std::string>> ConnectionStore::in_room(std::string_view room, Deadline deadline) const {
  LIFT_TRY_VOID(check_name("a room name", room));
  LIFT_TRY_VOID(ensure_table(deadline));
  return impl_->ids("by-room", room, deadline);
}

Result<std::vector<std::string>> ConnectionStore::of_user(std::string_view user, Deadline deadline) const {
  if (user.empty()) return invalid("a user must not be empty");
  LIFT_TRY_VOID(ensure_table(deadline));
  return impl_->ids("by-user", user, deadline);
}

Result<std::vector<std::string>> ConnectionStore::of_tenant(std::string_view tenant, Deadline deadline) const {
  if (tenant.empty()) return invalid("a tenant must not be empty");
  LIFT_TRY_VOID(ensure_table(deadline));
  return impl_->ids("by-tenant", tenant, deadline);
}

Result<std::vector<std::string>> ConnectionStore::all(Deadline deadline) const {
  LIFT_TRY_VOID(ensure_table(deadline));
  std::vector<std::string> out;
  dynamorm::ScanOptions scan;
  scan.filter = dynamorm::attr("entry") == std::string(kConnectionEntry) &&
                dynamorm::attr("expiresAt") > std::chrono::duration_cast<std::chrono::seconds>(impl_->now().time_since_epoch()).count();
  scan.projection = {"connectionId", "entry"};
  for (;;) {
    auto page = impl_->at(deadline).scan(scan);
    if (!page) return std::move(page).error();
    for (auto& item : page->items) out.push_back(std::move(item.connection_id));
    if (page->next_cursor.empty()) return out;
    scan.cursor = std::move(page->next_cursor);
  }
}

}  // namespace lift::websocket
