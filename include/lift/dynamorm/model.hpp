#pragma once
// A DynamORM model: how a described struct is stored in one table.
//
//   struct Todo {
//     std::string tenant, id, title;
//     std::int64_t version = 0;
//     std::chrono::system_clock::time_point created_at, updated_at;
//     std::optional<std::chrono::system_clock::time_point> expires;
//   };
//   BOOST_DESCRIBE_STRUCT(Todo, (), (tenant, id, title, version, created_at, updated_at, expires))
//
//   const auto model = lift::dynamorm::Model<Todo>("todos")
//       .partition_key(&Todo::id, "PK")                 // attribute name given: "PK"
//       .created_at(&Todo::created_at).updated_at(&Todo::updated_at)
//       .version(&Todo::version).ttl(&Todo::expires)
//       .tenant(&Todo::tenant)
//       .global_index("by-title", &Todo::title);
//
// Attribute names follow the model's naming (camelCase by default: `created_at` →
// `createdAt`), unless a field is renamed. Roles:
//   created_at  set to now on every put/create (RFC 3339, 9 fraction digits)
//   updated_at  set to now on every put/create/update
//   version     an integer; a put of an empty (0) version writes initial_version (1 unless set);
//               update and delete condition on the version the caller holds and add 1
//   ttl         a time point stored as epoch seconds (N)
//   tenant      the tenant scope (see table.hpp): the partition keys of the table and of every
//               GSI are stored as `tenant#<tenant id>#<value>`
// A member marked encrypted(&T::member) is stored sealed (encryption.hpp).
//
// A mistake in the definition (a member that is not described, a key without a value type S,
// N or B, two roles on one member, a duplicate attribute name) is kept and reported as a
// DynamORM.Validation error by every table operation, so it shows on first use.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "lift/core/result.hpp"
#include "lift/dynamorm/attribute_value.hpp"
#include "lift/dynamorm/marshal.hpp"

namespace lift::dynamorm {

enum class ProjectionType : unsigned char { all, keys_only, include };

struct IndexSchema {
  std::string name;
  bool global = true;  // GSI; false: LSI (shares the table's partition key)
  std::optional<std::size_t> partition_field, sort_field;  // member positions
  // Attribute names, resolved from the fields by ModelSchema::refresh().
  std::string partition_attribute;
  std::optional<std::string> sort_attribute;
  char partition_type = 'S';
  char sort_type = 'S';
  ProjectionType projection = ProjectionType::all;
  std::vector<std::string> projected{};  // INCLUDE's attribute names
};

enum class Role : unsigned char { none, partition_key, sort_key, created_at, updated_at, version, ttl, tenant };

struct FieldSchema {
  std::string member;
  std::string attribute;
  Role role = Role::none;
  char key_type = 0;  // 'S', 'N', 'B' when the member can be a key; 0 otherwise
  bool renamed = false;
  bool encrypted = false;  // stored as an encrypted envelope (encryption.hpp)
};

// The type-erased part of a model: what the table operations need.
struct ModelSchema {
  std::string table;
  const std::type_info* type = nullptr;  // T of a Model<T>; null for models read from DMS
  Naming naming = Naming::camel_case;
  std::vector<FieldSchema> fields;  // in member order
  std::vector<detail::FieldCodec> codecs;
  std::optional<std::size_t> partition_key, sort_key, created_at, updated_at, version, ttl, tenant;
  std::vector<IndexSchema> indexes;
  std::int64_t initial_version = 1;
  std::optional<std::string> problem;  // the first mistake in the definition

  [[nodiscard]] const std::string& attribute(std::size_t field) const { return fields[field].attribute; }
  [[nodiscard]] const std::string& partition_attribute() const { return fields[*partition_key].attribute; }
  [[nodiscard]] const std::string* sort_attribute() const { return sort_key ? &fields[*sort_key].attribute : nullptr; }
  [[nodiscard]] const IndexSchema* index(std::string_view name) const;
  // Whether a top-level attribute is stored encrypted.
  [[nodiscard]] bool encrypted(std::string_view attribute) const;
  [[nodiscard]] bool has_encrypted() const;
  // Every problem of the definition, or success.
  [[nodiscard]] Result<void> check() const;
  // Applies the naming convention to every field not renamed; rebuilds the codecs.
  void refresh();
};

namespace detail {
template <class K>
constexpr char key_type_of() {
  using U = std::remove_cvref_t<K>;
  if constexpr (std::is_same_v<U, std::string>) return 'S';
  else if constexpr (is_integer_v<U> || std::is_same_v<U, Number>) return 'N';
  else if constexpr (is_bytes_v<U>) return 'B';
  else if constexpr (is_described_enum_v<U>) return 'S';
  else return 0;
}
}  // namespace detail

template <class T>
  requires detail::is_described_struct_v<T>
class Model {
 public:
  explicit Model(std::string table) {
    schema_.table = std::move(table);
    schema_.type = &typeid(T);
    boost::mp11::mp_for_each<detail::members_of<T>>([&](auto member) {
      using M = std::remove_cvref_t<decltype(std::declval<T&>().*member.pointer)>;
      schema_.fields.push_back(FieldSchema{member.name, {}, Role::none, detail::key_type_of<M>(), false});
      schema_.codecs.emplace_back();
    });
    schema_.refresh();
  }

  Model& naming(Naming n) {
    schema_.naming = n;
    schema_.refresh();
    return *this;
  }
  // Stores the member under `attribute` instead of the conventional name.
  template <class M>
  Model& rename(M T::*member, std::string attribute) {
    if (auto i = find(member)) {
      schema_.fields[*i].attribute = std::move(attribute);
      schema_.fields[*i].renamed = true;
      schema_.refresh();
    }
    return *this;
  }
  template <class M>
  Model& partition_key(M T::*member, std::optional<std::string> attribute = std::nullopt) {
    return role(member, Role::partition_key, schema_.partition_key, std::move(attribute));
  }
  template <class M>
  Model& sort_key(M T::*member, std::optional<std::string> attribute = std::nullopt) {
    return role(member, Role::sort_key, schema_.sort_key, std::move(attribute));
  }
  template <class M>
  Model& created_at(M T::*member) { return role(member, Role::created_at, schema_.created_at); }
  template <class M>
  Model& updated_at(M T::*member) { return role(member, Role::updated_at, schema_.updated_at); }
  template <class M>
    requires(detail::is_integer_v<M>)
  Model& version(M T::*member) { return role(member, Role::version, schema_.version); }
  // A time point (or an optional one) stored as epoch seconds; DynamoDB's TTL reads it.
  template <class M>
  Model& ttl(M T::*member) {
    role(member, Role::ttl, schema_.ttl);
    return epoch_seconds(member);
  }
  template <class M>
    requires(std::is_same_v<M, std::string>)
  Model& tenant(M T::*member) { return role(member, Role::tenant, schema_.tenant); }

  // Field options.
  template <class M>
  Model& omit_empty(M T::*member) {
    if (auto i = find(member)) schema_.codecs[*i].omit_empty = true;
    return *this;
  }
  template <class M>
  Model& epoch_seconds(M T::*member) {
    if (auto i = find(member)) schema_.codecs[*i].time = TimeFormat::epoch_seconds;
    return *this;
  }
  // Stores the member as an encrypted envelope (lift/dynamorm/encryption.hpp): the table needs a
  // key provider (Table::with_encryption). Such a member cannot be a key, an index key or hold
  // a role, and cannot be named in a condition, a filter or an update expression.
  template <class M>
  Model& encrypted(M T::*member) {
    if (auto i = find(member)) schema_.fields[*i].encrypted = true;
    return *this;
  }
  // The version a put writes when the item's version is empty (DMS writes 0; lift 1).
  Model& initial_version(std::int64_t v) {
    schema_.initial_version = v;
    return *this;
  }

  template <class P, class S = std::nullptr_t>
  Model& global_index(std::string name, P T::*partition, S sort = nullptr, ProjectionType projection = ProjectionType::all,
                      std::vector<std::string> projected = {}) {
    return index(std::move(name), true, partition, sort, projection, std::move(projected));
  }
  template <class S>
  Model& local_index(std::string name, S T::*sort, ProjectionType projection = ProjectionType::all, std::vector<std::string> projected = {}) {
    return index(std::move(name), false, static_cast<S T::*>(nullptr), sort, projection, std::move(projected));
  }

  [[nodiscard]] const ModelSchema& schema() const noexcept { return schema_; }

  // T ↔ item with the model's names and field options (roles are applied by the table).
  [[nodiscard]] Result<AttributeMap> to_item(const T& value) const {
    detail::Problems problems;
    auto out = detail::encode_struct(value, schema_.naming, schema_.codecs.data(), nullptr, problems);
    if (!problems.empty()) return std::move(problems).error();
    return out;
  }
  [[nodiscard]] Result<T> from_item(const AttributeMap& item) const {
    detail::Problems problems;
    T out{};
    detail::decode_struct(item, out, schema_.naming, schema_.codecs.data(), nullptr, problems);
    if (!problems.empty()) return std::move(problems).error();
    return out;
  }

 private:
  template <class M>
  std::optional<std::size_t> find(M T::*pointer) {
    const auto found = detail::find_member(pointer);
    if (!found) {
      if (!schema_.problem) schema_.problem = "a member given to the model is not one of its described members";
      return std::nullopt;
    }
    return found->index;
  }

  template <class M>
  Model& role(M T::*member, Role r, std::optional<std::size_t>& slot, std::optional<std::string> attribute = std::nullopt) {
    const auto i = find(member);
    if (!i) return *this;
    auto& field = schema_.fields[*i];
    if (field.role != Role::none && !schema_.problem) schema_.problem = "member " + field.member + " has two roles";
    if (slot && !schema_.problem) schema_.problem = "two members have the same role (" + field.member + ")";
    field.role = r;
    slot = *i;
    if (attribute) {
      field.attribute = std::move(*attribute);
      field.renamed = true;
      schema_.refresh();
    }
    return *this;
  }

  template <class P, class S>
  Model& index(std::string name, bool global, P T::*partition, S sort, ProjectionType projection, std::vector<std::string> projected) {
    IndexSchema ix;
    ix.name = std::move(name);
    ix.global = global;
    ix.projection = projection;
    ix.projected = std::move(projected);
    if (global) {
      if (auto i = find(partition)) {
        ix.partition_field = *i;
        ix.partition_type = detail::key_type_of<P>();
      }
    }
    if constexpr (!std::is_same_v<S, std::nullptr_t>) {
      using SM = std::remove_cvref_t<decltype(std::declval<T&>().*sort)>;
      if (auto i = find(sort)) {
        ix.sort_field = *i;
        ix.sort_type = detail::key_type_of<SM>();
        if (ix.sort_type == 0) ix.sort_type = 'S';  // time points sort as their RFC 3339 text
      }
    }
    schema_.indexes.push_back(std::move(ix));
    schema_.refresh();
    return *this;
  }

  ModelSchema schema_;
};

}  // namespace lift::dynamorm
