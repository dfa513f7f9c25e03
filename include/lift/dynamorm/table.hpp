#pragma once
// Table operations of a model over lift::aws::DynamoDbClient.
//
//   auto client = lift::aws::DynamoDbClient::create();
//   lift::dynamorm::Table<Todo> todos(*client, model);          // the client must outlive it
//   auto scoped = todos.for_tenant("acme");                      // Result<Table<Todo>>
//   auto saved = scoped->create(Todo{.id = "1", .title = "x"});  // ConditionFailed if "1" exists
//   auto page = scoped->query("1", {.limit = 20, .cursor = c});  // page->items, page->next_cursor
//
// Lifecycle roles are applied on every write (see model.hpp). Errors are errors.hpp's codes.
// Members marked encrypted are sealed on write and opened on read with the table's key
// provider (with_encryption; encryption.hpp), failing closed without one.
//
// Tenancy. A model with a tenant member is usable only through for_tenant(id). The tenant id
// is 1 to 128 letters, digits and - _ . : @ (tenant.hpp). Every partition key of the table and
// of its GSIs is stored as
//   tenant#<tenant id>#<value>        (e.g. PK = "tenant#acme#todo-1")
// and the tenant member is stored as the id. Reads strip the prefix; an item whose key or
// tenant attribute is not this tenant's is never returned (ItemNotFound, skipped in pages);
// queries, scans and counts also filter on the tenant attribute, and a cursor naming another
// tenant's key is refused. Such partition keys must be strings.
//
// Cursors are DynamORM's: base64url with padding of compact JSON
// {"lastKey":{...DynamoDB JSON, keys sorted},"index":"...","sort":"ASC"|"DESC"}; a cursor is
// only accepted by a query with the same index and order. That text is the Go SDK's, so
// services can hand cursors to each other; it can also be read and written by a client. A
// table given a key (with_cursor_key) signs its cursors instead: the same text, '.', and the
// base64url HMAC-SHA256 of it under the key (sign_cursor). Such a table accepts only cursors it
// signed: a changed, forged or unsigned one is DynamORM.Validation "invalid cursor: ..." (400).
// Signing stops forgery (another position, another index); the key layout stays readable.
// Keys are secrets of 32 random bytes, the same for every instance of a function (a cursor
// from one instance is used on another).
//
// A page ends where DynamoDB stopped reading: when the last page is exactly full, its
// next_cursor leads to an empty page without a cursor (DynamoDB cannot know there is nothing
// more without reading on). Clients stop at a page without next_cursor, not at a short page.
//
// Every call is bounded by the table's deadline: with_deadline(d); else, inside an invocation
// lift::App handles, the invocation's deadline less a margin (a tenth of the time left, at most
// 500 ms: lift/core/deadline.hpp); else 10 s from the call (default_deadline()).

#include <chrono>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/core/result.hpp"
#include "lift/dynamorm/attribute_value.hpp"
#include "lift/dynamorm/encryption.hpp"
#include "lift/dynamorm/errors.hpp"
#include "lift/dynamorm/expression.hpp"
#include "lift/dynamorm/model.hpp"

namespace lift::dynamorm {

using Deadline = std::chrono::steady_clock::time_point;

// The deadline of a call given none: the invocation's less a margin inside an invocation,
// else 10 s from now. For transactions: `tx.run(client, default_deadline())`.
[[nodiscard]] Deadline default_deadline();

// A primary key as the caller sees it (without the tenant prefix).
struct Key {
  AttributeValue partition;
  std::optional<AttributeValue> sort{};

  template <class P>
    requires std::constructible_from<Operand, P&&>
  Key(P&& pk) : partition(Operand(std::forward<P>(pk)).value()) {}  // NOLINT: implicit by design
  template <class P, class S>
    requires(std::constructible_from<Operand, P &&> && std::constructible_from<Operand, S &&>)
  Key(P&& pk, S&& sk) : partition(Operand(std::forward<P>(pk)).value()), sort(Operand(std::forward<S>(sk)).value()) {}
};

struct Cursor {
  AttributeMap last_key;
  std::optional<std::string> index{};
  std::optional<std::string> sort{};  // "ASC" or "DESC"
};
// The DynamORM cursor text (identical to the Go SDK's for the same key).
[[nodiscard]] std::string encode_cursor(const Cursor& cursor);
// Errors: DynamORM.Validation "invalid cursor: ...".
[[nodiscard]] Result<Cursor> decode_cursor(std::string_view text);
// `cursor` + "." + base64url(HMAC-SHA256(key, cursor)), and back: the cursor text when the
// signature is the key's, else DynamORM.Validation "invalid cursor: ...".
[[nodiscard]] std::string sign_cursor(std::string_view cursor, std::string_view key);
[[nodiscard]] Result<std::string> verify_cursor(std::string_view signed_cursor, std::string_view key);

struct WriteOptions {
  bool if_not_exists = false;           // fail with ConditionFailed when the key holds an item
  std::optional<Condition> condition{};  // and this condition holds
};

struct QueryOptions {
  std::optional<std::string> index{};   // a GSI or LSI of the model
  std::optional<SortKey> sort_key{};    // condition on the table's or index's sort key
  std::optional<Condition> filter{};
  std::vector<std::string> projection{};  // attribute names; empty: every attribute
  bool consistent_read = false;
  bool descending = false;
  std::optional<std::int32_t> limit{};  // items evaluated per page
  std::string cursor{};
};

struct ScanOptions {
  std::optional<std::string> index{};
  std::optional<Condition> filter{};
  std::vector<std::string> projection{};
  bool consistent_read = false;
  std::optional<std::int32_t> limit{};
  std::string cursor{};
};

template <class T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;  // empty: no more pages
};

namespace detail {

// The type-erased table: requests built and answers read as items.
class TableCore {
 public:
  TableCore(aws::DynamoDbClient& client, std::shared_ptr<const ModelSchema> schema);
  // Keeps `client` alive as long as this table and its copies (a client another account's
  // cache handed out, which may drop its own reference).
  TableCore(std::shared_ptr<aws::DynamoDbClient> client, std::shared_ptr<const ModelSchema> schema);

  [[nodiscard]] Result<TableCore> scoped(std::string tenant) const;
  void set_deadline(Deadline d) { deadline_ = d; }
  void set_cursor_key(std::string key) {
    cursor_key_ = key.empty() ? nullptr : std::make_shared<const std::string>(std::move(key));
  }
  // The cursor text a client gets for `cursor`, and the cursor a client's text names.
  [[nodiscard]] std::string cursor_text(const Cursor& cursor) const;
  [[nodiscard]] Result<Cursor> read_cursor(std::string_view text) const;
  [[nodiscard]] Deadline deadline() const;
  [[nodiscard]] const ModelSchema& schema() const { return *schema_; }
  [[nodiscard]] aws::DynamoDbClient& client() const { return *client_; }

  Result<void> create_table(bool if_not_exists) const;

  // `item` as marshalled; the result is what was stored, as the caller sees it.
  Result<AttributeMap> put(AttributeMap item, const WriteOptions& options) const;
  Result<AttributeMap> get(const Key& key, bool consistent) const;
  // Named fields (attribute names or members; empty: every non-key field) of `item`.
  Result<AttributeMap> update_fields(AttributeMap item, const std::vector<AttributePath>& fields,
                                     const std::optional<Condition>& condition) const;
  Result<AttributeMap> update(const Key& key, const Update& update, std::optional<std::int64_t> expected_version,
                              const std::optional<Condition>& condition, bool keys_prefixed = false) const;
  Result<void> remove(const Key& key, std::optional<std::int64_t> expected_version, const std::optional<Condition>& condition) const;
  Result<Page<AttributeMap>> query(const AttributeValue& partition, const QueryOptions& options) const;
  Result<Page<AttributeMap>> scan(const ScanOptions& options) const;
  Result<std::int64_t> count(const std::optional<AttributeValue>& partition, const QueryOptions& options) const;
  Result<std::vector<AttributeMap>> batch_get(const std::vector<Key>& keys, bool consistent) const;
  Result<void> batch_put(std::vector<AttributeMap> items) const;
  Result<void> batch_delete(const std::vector<Key>& keys) const;

  // Request bodies shared with transactions ("Put", "Update", "Delete", "ConditionCheck").
  Result<boost::json::object> put_request(AttributeMap& item, const WriteOptions& options) const;
  // `keys_prefixed`: the update already holds tenant-prefixed index keys (update_fields);
  // otherwise an update expression may not write them.
  Result<boost::json::object> update_request(const Key& key, const Update& update, std::optional<std::int64_t> expected_version,
                                             const std::optional<Condition>& condition, bool keys_prefixed = false) const;
  Result<boost::json::object> delete_request(const Key& key, std::optional<std::int64_t> expected_version,
                                             const std::optional<Condition>& condition) const;
  Result<boost::json::object> check_request(const Key& key, const Condition& condition) const;
  Result<boost::json::object> key_request(const Key& key) const;  // {TableName, Key}

  // A stored item as the caller sees it; nullopt when it is not this tenant's.
  [[nodiscard]] std::optional<AttributeMap> visible(AttributeMap item) const;
  // visible() with its encrypted attributes opened (encryption.hpp's errors when one does not).
  [[nodiscard]] Result<std::optional<AttributeMap>> shown(AttributeMap item) const;
  void set_key_provider(std::shared_ptr<const KeyProvider> keys) { keys_ = std::move(keys); }
  // `value` of encrypted `attribute` as its envelope; every encrypted attribute of `stored`.
  [[nodiscard]] Result<AttributeValue> seal(const std::string& attribute, const AttributeValue& value) const;
  [[nodiscard]] Result<void> seal_all(AttributeMap& stored) const;

 private:
  aws::DynamoDbClient* client_;
  std::shared_ptr<aws::DynamoDbClient> owned_client_{};  // null: the caller keeps the client alive
  std::shared_ptr<const ModelSchema> schema_;
  std::optional<std::string> tenant_{};
  std::optional<Deadline> deadline_{};
  std::shared_ptr<const std::string> cursor_key_{};  // null: unsigned cursors
  std::shared_ptr<const KeyProvider> keys_{};        // null: encrypted attributes fail closed
};

}  // namespace detail

// Thread safety: a Table holds its model and its client (a pointer, or a share of it), nothing that changes; one
// Table may be shared by every worker of lift::run(app), as may its client (with_tenant and the
// other copies are values of their own).
template <class T>
class Table {
 public:
  Table(aws::DynamoDbClient& client, Model<T> model)
      : model_(std::make_shared<const Model<T>>(std::move(model))),
        core_(client, std::shared_ptr<const ModelSchema>(model_, &model_->schema())) {}
  // A table that shares ownership of its client, e.g. one in another account from
  // aws::Accounts::dynamodb(role) (see lift/dynamorm/accounts.hpp).
  Table(std::shared_ptr<aws::DynamoDbClient> client, Model<T> model)
      : model_(std::make_shared<const Model<T>>(std::move(model))),
        core_(std::move(client), std::shared_ptr<const ModelSchema>(model_, &model_->schema())) {}

  // The same table, scoped to one tenant (required when the model has a tenant member).
  [[nodiscard]] Result<Table> for_tenant(std::string tenant) const {
    auto scoped = core_.scoped(std::move(tenant));
    if (!scoped) return std::move(scoped).error();
    return Table(model_, std::move(*scoped));
  }
  [[nodiscard]] Table with_deadline(Deadline d) const {
    Table copy = *this;
    copy.core_.set_deadline(d);
    return copy;
  }
  // The same table, signing its cursors with `key` and accepting only cursors signed with it
  // (see above); an empty key: unsigned cursors.
  [[nodiscard]] Table with_cursor_key(std::string key) const {
    Table copy = *this;
    copy.core_.set_cursor_key(std::move(key));
    return copy;
  }

  // The same table, sealing the model's encrypted members with data keys from `keys`
  // (encryption.hpp); without one they fail closed. The provider is shared, not copied.
  [[nodiscard]] Table with_encryption(std::shared_ptr<const KeyProvider> keys) const {
    Table copy = *this;
    copy.core_.set_key_provider(std::move(keys));
    return copy;
  }

  [[nodiscard]] const Model<T>& model() const noexcept { return *model_; }
  [[nodiscard]] const detail::TableCore& core() const noexcept { return core_; }

  // CreateTable from the model (keys, GSIs, LSIs; on-demand billing).
  Result<void> create_table(bool if_not_exists = true) const { return core_.create_table(if_not_exists); }

  // Writes a new item: ConditionFailed (nothing written) when its key already holds one.
  // Returns the item as stored. (DynamORM's Go SDK names a plain put "create"; here the short
  // name is the one that cannot overwrite by accident.)
  Result<T> create(const T& item) const { return write(item, WriteOptions{.if_not_exists = true}); }
  // Writes the item whether or not its key holds one (an upsert), unless options say otherwise.
  // Returns the item as stored.
  Result<T> put(const T& item, const WriteOptions& options = {}) const { return write(item, options); }

  Result<T> get(const Key& key, bool consistent_read = false) const { return read(core_.get(key, consistent_read)); }

  // Updates the named fields (none: every non-key field) from `item`, conditioned on item's
  // version when the model has one. ItemNotFound when absent, ConditionFailed on a stale version.
  // Returns the item after the update. Fields are named as an Update names them: members
  // (`{&User::nickname}`) or attribute names (`{"nickname"}`; a member name that is not its
  // attribute name is refused with the attribute it meant).
  Result<T> update(const T& item, const std::vector<AttributePath>& fields = {}, const std::optional<Condition>& condition = {}) const {
    auto marshalled = model_->to_item(item);
    if (!marshalled) return std::move(marshalled).error();
    return read(core_.update_fields(std::move(*marshalled), fields, condition));
  }
  // An update expression on a key; lifecycle roles added (updated_at, version + 1 and, when
  // given, the version check).
  Result<T> update(const Key& key, const Update& update, std::optional<std::int64_t> expected_version = std::nullopt,
                   const std::optional<Condition>& condition = {}) const {
    return read(core_.update(key, update, expected_version, condition));
  }

  Result<void> remove(const Key& key, std::optional<std::int64_t> expected_version = std::nullopt,
                      const std::optional<Condition>& condition = {}) const {
    return core_.remove(key, expected_version, condition);
  }

  // A page of the items of one partition (of the table or of options.index).
  Result<Page<T>> query(Operand partition, const QueryOptions& options = {}) const {
    return read_page(core_.query(std::move(partition).value(), options));
  }
  // Scans are explicit: a query never becomes one.
  Result<Page<T>> scan(const ScanOptions& options = {}) const { return read_page(core_.scan(options)); }
  // Matching items of a partition (every page), or of the whole table.
  Result<std::int64_t> count(Operand partition, const QueryOptions& options = {}) const {
    return core_.count(std::move(partition).value(), options);
  }
  Result<std::int64_t> count_all(const QueryOptions& options = {}) const { return core_.count(std::nullopt, options); }

  // BatchGetItem in chunks of 100, BatchWriteItem in chunks of 25; unprocessed keys and items
  // are resubmitted with backoff until the deadline. batch_get returns the items found (in no
  // particular order).
  Result<std::vector<T>> batch_get(const std::vector<Key>& keys, bool consistent_read = false) const {
    auto items = core_.batch_get(keys, consistent_read);
    if (!items) return std::move(items).error();
    std::vector<T> out;
    out.reserve(items->size());
    for (auto& item : *items) {
      auto value = model_->from_item(item);
      if (!value) return std::move(value).error();
      out.push_back(std::move(*value));
    }
    return out;
  }
  Result<void> batch_put(const std::vector<T>& items) const {
    std::vector<AttributeMap> marshalled;
    marshalled.reserve(items.size());
    for (const auto& item : items) {
      auto m = model_->to_item(item);
      if (!m) return std::move(m).error();
      marshalled.push_back(std::move(*m));
    }
    return core_.batch_put(std::move(marshalled));
  }
  Result<void> batch_delete(const std::vector<Key>& keys) const { return core_.batch_delete(keys); }

  // A stored item (from a TransactGet, a stream image) as a T of this table's scope.
  Result<T> from_item(AttributeMap item) const {
    auto shown = core_.shown(std::move(item));
    if (!shown) return std::move(shown).error();
    if (!*shown) return item_not_found(model_->schema().table);
    return model_->from_item(**shown);
  }

 private:
  Table(std::shared_ptr<const Model<T>> model, detail::TableCore core) : model_(std::move(model)), core_(std::move(core)) {}

  Result<T> write(const T& item, const WriteOptions& options) const {
    auto marshalled = model_->to_item(item);
    if (!marshalled) return std::move(marshalled).error();
    return read(core_.put(std::move(*marshalled), options));
  }
  Result<T> read(Result<AttributeMap> item) const {
    if (!item) return std::move(item).error();
    return model_->from_item(*item);
  }
  Result<Page<T>> read_page(Result<Page<AttributeMap>> page) const {
    if (!page) return std::move(page).error();
    Page<T> out;
    out.items.reserve(page->items.size());
    for (const auto& item : page->items) {
      auto value = model_->from_item(item);
      if (!value) return std::move(value).error();
      out.items.push_back(std::move(*value));
    }
    out.next_cursor = std::move(page->next_cursor);
    return out;
  }

  std::shared_ptr<const Model<T>> model_;
  detail::TableCore core_;
};

// TransactWriteItems: up to 100 operations over any tables, all or nothing, with the same
// lifecycle roles as the single operations. A failure is DynamORM.TransactionCanceled with one
// detail per failed operation, named by its real index ("TransactItems[2]":
// "ConditionalCheckFailed: ..."); cancellation_reasons() reads them back.
class TransactWrite {
 public:
  // As Table::create: the transaction is canceled when the key already holds an item.
  template <class T>
  TransactWrite& create(const Table<T>& table, const T& item) {
    return put(table, item, WriteOptions{.if_not_exists = true});
  }
  template <class T>
  TransactWrite& put(const Table<T>& table, const T& item, const WriteOptions& options = {}) {
    auto m = table.model().to_item(item);
    if (!m) return fail(std::move(m).error());
    return add("Put", table.core().put_request(*m, options));
  }
  template <class T>
  TransactWrite& update(const Table<T>& table, const Key& key, const Update& update,
                        std::optional<std::int64_t> expected_version = std::nullopt, const std::optional<Condition>& condition = {}) {
    return add("Update", table.core().update_request(key, update, expected_version, condition));
  }
  template <class T>
  TransactWrite& remove(const Table<T>& table, const Key& key, std::optional<std::int64_t> expected_version = std::nullopt,
                        const std::optional<Condition>& condition = {}) {
    return add("Delete", table.core().delete_request(key, expected_version, condition));
  }
  template <class T>
  TransactWrite& check(const Table<T>& table, const Key& key, const Condition& condition) {
    return add("ConditionCheck", table.core().check_request(key, condition));
  }

  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
  // Sends the operations as one TransactWriteItems call.
  Result<void> run(aws::DynamoDbClient& client, Deadline deadline) const;
  [[deprecated("use run, the verb TransactGet uses too")]] Result<void> commit(aws::DynamoDbClient& client,
                                                                              Deadline deadline) const {
    return run(client, deadline);
  }

 private:
  TransactWrite& add(std::string_view kind, Result<boost::json::object> request);
  TransactWrite& fail(Error error);
  std::vector<boost::json::object> items_;
  std::optional<Error> error_;
};

// TransactGetItems: up to 100 keys read at one point in time. run() gives one entry per get,
// in order: the item (read it with the table's from_item) or nullopt when absent.
class TransactGet {
 public:
  template <class T>
  TransactGet& get(const Table<T>& table, const Key& key) {
    auto request = table.core().key_request(key);
    if (!request) {
      if (!error_) error_ = std::move(request).error();
      return *this;
    }
    items_.push_back(std::move(*request));
    return *this;
  }
  Result<std::vector<std::optional<AttributeMap>>> run(aws::DynamoDbClient& client, Deadline deadline) const;

 private:
  std::vector<boost::json::object> items_;
  std::optional<Error> error_;
};

// The per-operation reasons of a DynamORM.TransactionCanceled error, in index order ("None"
// reasons skipped); empty for any other error.
std::vector<aws::CancellationReason> cancellation_reasons(const Error& error);

}  // namespace lift::dynamorm
