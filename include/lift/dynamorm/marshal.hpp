#pragma once
// Described C++ values to and from DynamoDB attribute values: the one codec DynamORM uses for
// puts, updates, expression values, keys, batches and transactions.
//
//   C++ type                                   DynamoDB
//   std::string (std::string_view out only)    S
//   bool                                       BOOL
//   every integer type, float, double          N (exact decimal text; integers range-checked
//                                                on the way back, non-finite doubles refused)
//   Number (exact decimal)                     N
//   Binary, std::vector<std::byte>             B
//   std::optional<T>                           T, or absent when empty (NULL reads as empty)
//   std::vector<T>                             L
//   std::set<std::string> / <numbers> /        SS / NS / BS; an empty set is absent (DynamoDB
//     <Binary>                                   refuses empty sets) and reads back empty
//   std::map<std::string, T>                   M
//   described struct (BOOST_DESCRIBE_STRUCT)   M, member names by the naming convention
//   described enum (BOOST_DESCRIBE_ENUM)       S, the enumerator's name
//   std::chrono::sys_time<D>                   S, RFC 3339 UTC with 9 fraction digits
//                                                (`2026-11-23T11:55:43.123456789Z`, so that the
//                                                text sorts as the time), or N epoch seconds
//                                                when the field is a TTL / epoch_seconds field
//   AttributeValue, AttributeMap               passed through
//   any type with conversion hooks             whatever the hooks say
//
// Conversion hooks: a type provides, in its own namespace (found by argument-dependent lookup)
//
//   lift::dynamorm::AttributeValue lift_to_attribute(const Money& v);
//   lift::Result<void> lift_from_attribute(const lift::dynamorm::AttributeValue& a, Money& out);
//
// and converts wherever a member would; the hooks take precedence over every rule above.
//
// Errors are code "DynamORM.Validation" (status 400) with the attribute path of each problem in
// the message and the details: `address.zip: expected N, got S`, `tags[2]`, `prices["eur"]`.

#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/mp11/algorithm.hpp>

#include "lift/core/result.hpp"
#include "lift/core/time.hpp"
#include "lift/dynamorm/attribute_value.hpp"
#include "lift/dynamorm/errors.hpp"

namespace lift::dynamorm {

// How member names become attribute names. camel_case is DynamORM's default: `created_at` →
// `createdAt`; `PK` and `SK` are kept as they are. snake_case: `createdAt` → `created_at`.
enum class Naming : unsigned char { exact, camel_case, snake_case };
[[nodiscard]] std::string attribute_name(std::string_view member, Naming naming);

// How a time point is stored.
enum class TimeFormat : unsigned char { rfc3339, epoch_seconds };

struct CodecOptions {
  Naming naming = Naming::camel_case;
};

namespace detail {

template <class T>
inline constexpr bool always_false_v = false;

template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;
template <class T>
inline constexpr bool is_vector_v = false;
template <class T, class A>
inline constexpr bool is_vector_v<std::vector<T, A>> = true;
template <class T>
inline constexpr bool is_set_v = false;
template <class T, class C, class A>
inline constexpr bool is_set_v<std::set<T, C, A>> = true;
template <class T>
inline constexpr bool is_string_map_v = false;
template <class V, class C, class A>
inline constexpr bool is_string_map_v<std::map<std::string, V, C, A>> = true;
template <class T>
inline constexpr bool is_sys_time_v = false;
template <class D>
inline constexpr bool is_sys_time_v<std::chrono::time_point<std::chrono::system_clock, D>> = true;
template <class T>
inline constexpr bool is_integer_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;
template <class T>
inline constexpr bool is_number_v = is_integer_v<T> || std::is_floating_point_v<T> || std::is_same_v<T, Number>;
template <class T>
inline constexpr bool is_described_struct_v = std::is_class_v<T> && boost::describe::has_describe_members<T>::value;
template <class T>
inline constexpr bool is_described_enum_v = std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value;
template <class T>
inline constexpr bool is_bytes_v = std::is_same_v<T, Binary> || std::is_same_v<T, std::vector<std::byte>>;

template <class T>
using members_of = boost::describe::describe_members<T, boost::describe::mod_public | boost::describe::mod_inherited>;

template <class T>
concept has_to_attribute_hook = requires(const T& v) {
  { lift_to_attribute(v) } -> std::same_as<AttributeValue>;
};
template <class T>
concept has_from_attribute_hook = requires(const AttributeValue& a, T& out) {
  { lift_from_attribute(a, out) } -> std::same_as<Result<void>>;
};

// Attribute paths without allocation: a chain of frames on the stack, rendered on error.
struct Path {
  enum class Kind : unsigned char { attribute, index, key };
  const Path* parent = nullptr;
  Kind kind = Kind::attribute;
  std::string_view name{};
  std::size_t index = 0;
};
std::string render_path(const Path* path);

// Problems found while converting, up to a bound.
class Problems {
 public:
  void add(const Path* at, std::string message);
  [[nodiscard]] bool empty() const noexcept { return details_.empty(); }
  [[nodiscard]] bool full() const noexcept { return details_.size() >= 32; }
  [[nodiscard]] Error error() &&;

 private:
  std::vector<ErrorDetail> details_;
};

// Non-template pieces, in marshal.cpp.
std::optional<Number> number_from_double(double value);
// The shortest text that reads back as the same float (0.1f is "0.1").
std::optional<Number> number_from_float(float value);
std::string integer_range_message(std::int64_t min, std::uint64_t max);
std::string type_mismatch(std::string_view expected, const AttributeValue& got);
std::string enum_names_message(const std::string_view* names, std::size_t count);

// The attribute names of T's members under `naming`, computed once per type and naming.
template <class T>
const std::vector<std::string>& member_attribute_names(Naming naming) {
  static const std::array<std::vector<std::string>, 3> names = [] {
    std::array<std::vector<std::string>, 3> all;
    for (std::size_t n = 0; n < 3; ++n) {
      boost::mp11::mp_for_each<members_of<T>>(
          [&](auto member) { all[n].push_back(attribute_name(member.name, static_cast<Naming>(n))); });
    }
    return all;
  }();
  return names[static_cast<std::size_t>(naming)];
}

// A described member found by its pointer: its position among T's members and its name.
struct MemberRef {
  std::size_t index = 0;
  std::string_view name{};
};
template <class T, class M>
std::optional<MemberRef> find_member(M T::*pointer) {
  std::optional<MemberRef> found;
  std::size_t i = 0;
  boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
    if constexpr (std::is_same_v<std::remove_cv_t<decltype(member.pointer)>, M T::*>) {
      if (!found && member.pointer == pointer) found = MemberRef{i, member.name};
    }
    ++i;
  });
  return found;
}

// Each name's position in sorted order. Items are std::maps: writing and reading attributes
// in key order costs one comparison each instead of a tree search.
std::vector<std::size_t> sorted_ranks(const std::vector<std::string>& names);

template <class T>
const std::vector<std::size_t>& member_attribute_ranks(Naming naming) {
  static const std::array<std::vector<std::size_t>, 3> ranks = [] {
    std::array<std::vector<std::size_t>, 3> all;
    for (std::size_t n = 0; n < 3; ++n) all[n] = sorted_ranks(member_attribute_names<T>(static_cast<Naming>(n)));
    return all;
  }();
  return ranks[static_cast<std::size_t>(naming)];
}

// Field-level options of a model's top-level members (index = member position).
struct FieldCodec {
  std::string attribute;
  bool omit_empty = false;
  TimeFormat time = TimeFormat::rfc3339;
  std::size_t rank = 0;  // of `attribute` among the model's attributes (ModelSchema::refresh)
};

// ---- emptiness (omit_empty) ----

template <class T>
bool is_empty(const T& v) {
  if constexpr (is_optional_v<T>) {
    return !v.has_value();
  } else if constexpr (std::is_same_v<T, bool>) {
    return !v;
  } else if constexpr (is_integer_v<T> || std::is_floating_point_v<T>) {
    return v == T{};
  } else if constexpr (std::is_same_v<T, Number>) {
    return v == Number();
  } else if constexpr (std::is_same_v<T, std::string>) {
    return v.empty();
  } else if constexpr (std::is_same_v<T, Binary>) {
    return v.bytes.empty();
  } else if constexpr (is_vector_v<T> || is_set_v<T> || is_string_map_v<T> || std::is_same_v<T, AttributeMap>) {
    return v.empty();
  } else if constexpr (is_sys_time_v<T>) {
    return v.time_since_epoch().count() == 0;
  } else if constexpr (std::is_same_v<T, AttributeValue>) {
    return v.is_null();
  } else if constexpr (is_described_struct_v<T> && !has_to_attribute_hook<T>) {
    bool empty = true;
    boost::mp11::mp_for_each<members_of<T>>([&](auto member) { empty = empty && is_empty(v.*member.pointer); });
    return empty;
  } else {
    return false;
  }
}

// ---- writing ----

// Writes `v` into `out` (which is NULL on entry); false when it is stored as no attribute (an
// empty optional or set, or a problem). Values are built in place: no moves of whole values.
template <class T>
bool encode(const T& v, AttributeValue& out, Naming naming, TimeFormat time, const Path* at, Problems& problems);

// Member index by sorted rank of its attribute name.
template <class T>
std::array<std::size_t, boost::mp11::mp_size<members_of<T>>::value> members_by_rank(Naming naming, const FieldCodec* fields) {
  std::array<std::size_t, boost::mp11::mp_size<members_of<T>>::value> by_rank{};
  const auto& ranks = member_attribute_ranks<T>(naming);
  for (std::size_t index = 0; index < by_rank.size(); ++index) by_rank[fields != nullptr ? fields[index].rank : ranks[index]] = index;
  return by_rank;
}

template <class T>
AttributeMap encode_struct(const T& v, Naming naming, const FieldCodec* fields, const Path* at, Problems& problems) {
  constexpr std::size_t count = boost::mp11::mp_size<members_of<T>>::value;
  const auto& names = member_attribute_names<T>(naming);
  const auto name_of = [&](std::size_t index) -> const std::string& { return fields != nullptr ? fields[index].attribute : names[index]; };
  std::array<bool, count> omitted{};
  if (fields != nullptr) {
    std::size_t i = 0;
    boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
      const std::size_t index = i++;
      omitted[index] = fields[index].omit_empty && is_empty(v.*member.pointer);
    });
  }
  // Keys go in in sorted order (one comparison each); values are then encoded in place.
  AttributeMap out;
  std::array<AttributeMap::iterator, count> slots{};
  for (const std::size_t index : members_by_rank<T>(naming, fields)) {
    if (omitted[index]) continue;
    const auto size = out.size();
    slots[index] = out.emplace_hint(out.end(), std::piecewise_construct, std::forward_as_tuple(name_of(index)), std::forward_as_tuple());
    omitted[index] = out.size() == size;  // a repeated name (check() reports it): the first member keeps it
  }
  std::size_t i = 0;
  boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
    const std::size_t index = i++;
    if (omitted[index]) return;
    const Path frame{at, Path::Kind::attribute, name_of(index)};
    if (!encode(v.*member.pointer, slots[index]->second, naming, fields != nullptr ? fields[index].time : TimeFormat::rfc3339, &frame, problems)) {
      out.erase(slots[index]);
    }
  });
  return out;
}

template <class T>
bool encode(const T& v, AttributeValue& out, Naming naming, TimeFormat time, const Path* at, Problems& problems) {
  if constexpr (has_to_attribute_hook<T>) {
    out = lift_to_attribute(v);
    return true;
  } else if constexpr (std::is_same_v<T, AttributeValue>) {
    out = v;
    return true;
  } else if constexpr (std::is_same_v<T, AttributeMap>) {
    out = AttributeValue::map(v);
    return true;
  } else if constexpr (std::is_same_v<T, bool>) {
    out = AttributeValue::boolean(v);
    return true;
  } else if constexpr (is_integer_v<T>) {
    out = AttributeValue::number(v);
    return true;
  } else if constexpr (std::is_floating_point_v<T>) {
    auto n = std::is_same_v<T, float> ? number_from_float(static_cast<float>(v)) : number_from_double(static_cast<double>(v));
    if (!n) {
      problems.add(at, "not a number DynamoDB can store (non-finite or out of range)");
      return false;
    }
    out = AttributeValue::number(std::move(*n));
    return true;
  } else if constexpr (std::is_same_v<T, Number>) {
    out = AttributeValue::number(v);
    return true;
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    out = AttributeValue::string(std::string(std::string_view(v)));
    return true;
  } else if constexpr (std::is_same_v<T, Binary>) {
    out = AttributeValue::binary(v.bytes);
    return true;
  } else if constexpr (std::is_same_v<T, std::vector<std::byte>>) {
    out = AttributeValue::binary(std::string(reinterpret_cast<const char*>(v.data()), v.size()));
    return true;
  } else if constexpr (is_optional_v<T>) {
    if (!v) return false;
    return encode(*v, out, naming, time, at, problems);
  } else if constexpr (is_set_v<T>) {
    using E = typename T::value_type;
    if (v.empty()) return false;  // DynamoDB refuses empty sets
    if constexpr (std::is_same_v<E, std::string>) {
      out = AttributeValue::string_set(std::vector<std::string>(v.begin(), v.end()));
      return true;
    } else if constexpr (std::is_same_v<E, Binary>) {
      out = AttributeValue::binary_set(std::vector<Binary>(v.begin(), v.end()));
      return true;
    } else if constexpr (is_number_v<E>) {
      std::vector<Number> numbers;
      numbers.reserve(v.size());
      std::size_t i = 0;
      for (const auto& element : v) {
        const Path frame{at, Path::Kind::index, {}, i++};
        AttributeValue n;
        if (encode(element, n, naming, time, &frame, problems) && n.as_number() != nullptr) numbers.push_back(std::move(*n.as_number()));
      }
      out = AttributeValue::number_set(std::move(numbers));
      return true;
    } else {
      static_assert(always_false_v<T>, "lift::dynamorm: sets hold strings, numbers or Binary");
    }
  } else if constexpr (is_vector_v<T>) {
    AttributeList list;
    list.reserve(v.size());
    std::size_t i = 0;
    for (const auto& element : v) {
      const Path frame{at, Path::Kind::index, {}, i++};
      // An absent element stays NULL: positions are kept.
      (void)encode(static_cast<const typename T::value_type&>(element), list.emplace_back(), naming, time, &frame, problems);
    }
    out = AttributeValue::list(std::move(list));
    return true;
  } else if constexpr (is_string_map_v<T>) {
    AttributeMap map;
    for (const auto& [key, element] : v) {
      const Path frame{at, Path::Kind::key, key};
      const auto [slot, inserted] = map.try_emplace(key);
      if (!encode(element, slot->second, naming, time, &frame, problems)) map.erase(slot);
    }
    out = AttributeValue::map(std::move(map));
    return true;
  } else if constexpr (is_described_enum_v<T>) {
    const char* name = nullptr;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto e) {
      if (name == nullptr && e.value == v) name = e.name;
    });
    if (name == nullptr) {
      problems.add(at, "enum value without a name");
      return false;
    }
    out = AttributeValue::string(name);
    return true;
  } else if constexpr (is_sys_time_v<T>) {
    const auto tp = std::chrono::time_point_cast<std::chrono::system_clock::duration>(v);
    if (time == TimeFormat::epoch_seconds) {
      out = AttributeValue::number(std::chrono::floor<std::chrono::seconds>(tp).time_since_epoch().count());
      return true;
    }
    // Nine fraction digits always: the text sorts as the times do.
    out = AttributeValue::string(lift::rfc3339(tp, lift::Fraction::nanos));
    return true;
  } else if constexpr (is_described_struct_v<T>) {
    out = AttributeValue::map(encode_struct(v, naming, nullptr, at, problems));
    return true;
  } else {
    static_assert(always_false_v<T>, "lift::dynamorm: unsupported type (describe it, or give it lift_to_attribute/lift_from_attribute)");
  }
}

// ---- reading ----

template <class T>
void decode(const AttributeValue& src, T& out, Naming naming, TimeFormat time, const Path* at, Problems& problems);

// `src` null: the attribute is absent.
template <class T>
void decode_member(const AttributeValue* src, T& out, Naming naming, TimeFormat time, const Path* at, Problems& problems) {
  if (src == nullptr || (src->is_null() && !std::is_same_v<T, AttributeValue> && !has_from_attribute_hook<T>)) {
    // Absent or NULL: empty optionals and sets (an empty set is stored as no attribute); other
    // members keep their defaults.
    if constexpr (is_optional_v<T>) out.reset();
    else if constexpr (is_set_v<T>) out.clear();
    return;
  }
  decode(*src, out, naming, time, at, problems);
}

template <class T>
void decode_struct(const AttributeMap& src, T& out, Naming naming, const FieldCodec* fields, const Path* at, Problems& problems) {
  constexpr std::size_t count = boost::mp11::mp_size<members_of<T>>::value;
  const auto& names = member_attribute_names<T>(naming);
  const auto name_of = [&](std::size_t index) -> const std::string& { return fields != nullptr ? fields[index].attribute : names[index]; };
  std::array<const AttributeValue*, count> found{};  // by member index; null: absent
  if (src.size() <= 2 * count + 8) {
    // Walk the item and the sorted names together: one comparison per step.
    const auto by_rank = members_by_rank<T>(naming, fields);
    auto it = src.begin();
    for (std::size_t r = 0; r < count && it != src.end();) {
      const std::size_t index = by_rank[r];
      const std::string& name = name_of(index);
      if (src.key_comp()(it->first, name)) {
        ++it;
        continue;
      }
      if (it->first == name) found[index] = &it->second;
      ++r;
    }
  } else {
    // An item with many attributes the type does not name: search for each member instead.
    for (std::size_t index = 0; index < count; ++index) {
      if (const auto at_name = src.find(name_of(index)); at_name != src.end()) found[index] = &at_name->second;
    }
  }
  std::size_t i = 0;
  boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
    const std::size_t index = i++;
    if (problems.full()) return;
    const FieldCodec* codec = fields != nullptr ? &fields[index] : nullptr;
    const Path frame{at, Path::Kind::attribute, name_of(index)};
    decode_member(found[index], out.*member.pointer, naming, codec != nullptr ? codec->time : TimeFormat::rfc3339, &frame, problems);
  });
}

template <class I>
void decode_integer(const Number& n, I& out, const Path* at, Problems& problems) {
  if (auto v = n.as_integer<I>()) {
    out = *v;
    return;
  }
  using limits = std::numeric_limits<I>;
  problems.add(at, integer_range_message(static_cast<std::int64_t>(limits::min()), static_cast<std::uint64_t>(limits::max())) +
                       ", got " + n.text());
}

template <class T>
void decode(const AttributeValue& src, T& out, Naming naming, TimeFormat time, const Path* at, Problems& problems) {
  if constexpr (has_from_attribute_hook<T>) {
    if (auto r = lift_from_attribute(src, out); !r) problems.add(at, r.error().message);
  } else if constexpr (std::is_same_v<T, AttributeValue>) {
    out = src;
  } else if constexpr (std::is_same_v<T, AttributeMap>) {
    if (const auto* m = src.as_map()) out = *m;
    else problems.add(at, type_mismatch("M", src));
  } else if constexpr (std::is_same_v<T, bool>) {
    if (const auto* b = src.as_bool()) out = *b;
    else problems.add(at, type_mismatch("BOOL", src));
  } else if constexpr (is_integer_v<T>) {
    if (const auto* n = src.as_number()) decode_integer(*n, out, at, problems);
    else problems.add(at, type_mismatch("N", src));
  } else if constexpr (std::is_floating_point_v<T>) {
    if (const auto* n = src.as_number()) out = static_cast<T>(n->as_double());
    else problems.add(at, type_mismatch("N", src));
  } else if constexpr (std::is_same_v<T, Number>) {
    if (const auto* n = src.as_number()) out = *n;
    else problems.add(at, type_mismatch("N", src));
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (const auto* s = src.as_string()) out = *s;
    else problems.add(at, type_mismatch("S", src));
  } else if constexpr (std::is_same_v<T, Binary>) {
    if (const auto* b = src.as_binary()) out = *b;
    else problems.add(at, type_mismatch("B", src));
  } else if constexpr (std::is_same_v<T, std::vector<std::byte>>) {
    if (const auto* b = src.as_binary()) {
      out.resize(b->bytes.size());
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::byte>(b->bytes[i]);
    } else {
      problems.add(at, type_mismatch("B", src));
    }
  } else if constexpr (is_optional_v<T>) {
    decode(src, out.emplace(), naming, time, at, problems);
  } else if constexpr (is_set_v<T>) {
    using E = typename T::value_type;
    out.clear();
    if constexpr (std::is_same_v<E, std::string>) {
      if (const auto* ss = src.as_string_set()) out.insert(ss->begin(), ss->end());
      else problems.add(at, type_mismatch("SS", src));
    } else if constexpr (std::is_same_v<E, Binary>) {
      if (const auto* bs = src.as_binary_set()) out.insert(bs->begin(), bs->end());
      else problems.add(at, type_mismatch("BS", src));
    } else if constexpr (is_number_v<E>) {
      const auto* ns = src.as_number_set();
      if (ns == nullptr) {
        problems.add(at, type_mismatch("NS", src));
        return;
      }
      for (std::size_t i = 0; i < ns->size(); ++i) {
        const Path frame{at, Path::Kind::index, {}, i};
        E element{};
        decode(AttributeValue::number((*ns)[i]), element, naming, time, &frame, problems);
        out.insert(std::move(element));
      }
    } else {
      static_assert(always_false_v<T>, "lift::dynamorm: sets hold strings, numbers or Binary");
    }
  } else if constexpr (is_vector_v<T>) {
    const auto* list = src.as_list();
    if (list == nullptr) {
      problems.add(at, type_mismatch("L", src));
      return;
    }
    out.clear();
    out.reserve(list->size());
    for (std::size_t i = 0; i < list->size() && !problems.full(); ++i) {
      const Path frame{at, Path::Kind::index, {}, i};
      typename T::value_type element{};
      decode_member(&(*list)[i], element, naming, time, &frame, problems);
      out.push_back(std::move(element));
    }
  } else if constexpr (is_string_map_v<T>) {
    const auto* map = src.as_map();
    if (map == nullptr) {
      problems.add(at, type_mismatch("M", src));
      return;
    }
    out.clear();
    for (const auto& [key, element] : *map) {
      if (problems.full()) break;
      const Path frame{at, Path::Kind::key, key};
      decode_member(&element, out[key], naming, time, &frame, problems);
    }
  } else if constexpr (is_described_enum_v<T>) {
    using enumerators = boost::describe::describe_enumerators<T>;
    if (const auto* s = src.as_string()) {
      bool found = false;
      boost::mp11::mp_for_each<enumerators>([&](auto e) {
        if (!found && *s == e.name) {
          out = e.value;
          found = true;
        }
      });
      if (found) return;
    }
    static constexpr auto names = [] {
      std::array<std::string_view, boost::mp11::mp_size<enumerators>::value> all{};
      std::size_t i = 0;
      boost::mp11::mp_for_each<enumerators>([&](auto e) { all[i++] = e.name; });
      return all;
    }();
    problems.add(at, enum_names_message(names.data(), names.size()));
  } else if constexpr (is_sys_time_v<T>) {
    using Duration = typename T::duration;
    if (const auto* n = src.as_number()) {
      const auto seconds = n->as_integer<std::int64_t>();
      if (!seconds || *seconds > 9'000'000'000LL || *seconds < -9'000'000'000LL) {
        problems.add(at, "expected epoch seconds, got " + n->text());
        return;
      }
      out = T(std::chrono::duration_cast<Duration>(std::chrono::seconds(*seconds)));
    } else if (const auto* s = src.as_string()) {
      const auto tp = lift::parse_rfc3339(*s);
      if (!tp) {
        problems.add(at, "expected RFC 3339 date-time, got \"" + *s + "\"");
        return;
      }
      out = std::chrono::time_point_cast<Duration>(*tp);
    } else {
      problems.add(at, type_mismatch(time == TimeFormat::epoch_seconds ? "N" : "S", src));
    }
  } else if constexpr (is_described_struct_v<T>) {
    if (const auto* m = src.as_map()) decode_struct(*m, out, naming, nullptr, at, problems);
    else problems.add(at, type_mismatch("M", src));
  } else {
    static_assert(always_false_v<T>, "lift::dynamorm: unsupported type (describe it, or give it lift_to_attribute/lift_from_attribute)");
  }
}

}  // namespace detail

// One value as an attribute value; nullopt for what is stored as no attribute (an empty
// optional, an empty set).
template <class T>
Result<std::optional<AttributeValue>> to_attribute_value(const T& value, const CodecOptions& options = {}) {
  detail::Problems problems;
  AttributeValue out;
  const bool present = detail::encode(value, out, options.naming, TimeFormat::rfc3339, nullptr, problems);
  if (!problems.empty()) return std::move(problems).error();
  if (!present) return std::optional<AttributeValue>();
  return std::optional<AttributeValue>(std::move(out));
}

template <class T>
Result<T> from_attribute_value(const AttributeValue& value, const CodecOptions& options = {}) {
  detail::Problems problems;
  T out{};
  detail::decode_member(&value, out, options.naming, TimeFormat::rfc3339, nullptr, problems);
  if (!problems.empty()) return std::move(problems).error();
  return out;
}

// A described struct as an item, every member named by `options.naming` (a Model adds keys,
// roles and per-field options on top of this).
template <class T>
  requires detail::is_described_struct_v<T>
Result<AttributeMap> marshal(const T& value, const CodecOptions& options = {}) {
  detail::Problems problems;
  auto out = detail::encode_struct(value, options.naming, nullptr, nullptr, problems);
  if (!problems.empty()) return std::move(problems).error();
  return out;
}

template <class T>
  requires detail::is_described_struct_v<T>
Result<T> unmarshal(const AttributeMap& item, const CodecOptions& options = {}) {
  detail::Problems problems;
  T out{};
  detail::decode_struct(item, out, options.naming, nullptr, nullptr, problems);
  if (!problems.empty()) return std::move(problems).error();
  return out;
}

}  // namespace lift::dynamorm
