#pragma once
// Typed conversion between C++ values and JSON: from_json / parse_unvalidated / to_json /
// serialize. None of them runs validation rules; lift::json::parse (binding.hpp) converts and
// then runs them, and is what input from outside should go through.
//
// Supported types, both directions: bool; every integer type (read exactly: a value that does
// not fit the type, or a number with a fraction or exponent beyond 2^53 - 1 in magnitude, is
// refused, never rounded; 2.0 and 1e3 are integers); float and double; std::string (std::string_view and const char* for output only); std::optional<T>
// (absent or null reads as nullopt; output omits nullopt members); std::vector<T>,
// std::array<T, N>, std::set<T> and std::unordered_set<T> as arrays; std::map and
// std::unordered_map with std::string keys as objects; described structs
// (BOOST_DESCRIBE_STRUCT, bases included) nested to any depth; described enums
// (BOOST_DESCRIBE_ENUM) as their enumerator names; std::chrono::sys_time<D> as RFC 3339 text;
// boost::json::value, object, array and string passed through; any type with conversion hooks
// (below).
//
// JSON member names are the C++ member names exactly. Unknown JSON members are ignored and
// absent members keep the struct's default. Errors name the JSON path of each problem:
// `items[2].qty`, `tags["blue"]` for map keys (always bracketed and quoted, so any key is
// unambiguous), and "" for the root, whose message then has no prefix.
//
//   struct Item { std::string sku; int qty = 1; };
//   BOOST_DESCRIBE_STRUCT(Item, (), (sku, qty))
//   auto item = lift::json::parse_unvalidated<Item>(R"({"sku":"A-1","qty":3})");  // item->qty == 3
//   std::string text = lift::json::serialize(*item);  // {"sku":"A-1","qty":3}
//
// Conversion hooks: a type whose JSON shape is not its members (a tagged union, names that are
// not C++ identifiers) provides two functions in its own namespace, found by argument-dependent
// lookup, and then converts everywhere a described member would (members, vectors, map values):
//
//   lift::Result<void> lift_from_json(const boost::json::value& v, Money& out);
//   boost::json::value lift_to_json(const Money& v);
//
// The hooks take precedence over every rule above, so a described struct can have them too. An
// error from lift_from_json is reported at the value's path: each of its `details` names a path
// relative to the value ("" for the value itself, `amount`, `[2]`, `m["k"]`), and without
// details its message is the problem. The hooks need nothing from this header, so a lower layer
// can provide them without depending on lift_json.

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "lift/core/json_text.hpp"
#include "lift/core/result.hpp"
#include "lift/core/time.hpp"
#include "lift/json/document.hpp"

namespace lift::json {

namespace detail {

// ---- type traits ----

template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

template <class T>
inline constexpr bool is_vector_v = false;
template <class T, class A>
inline constexpr bool is_vector_v<std::vector<T, A>> = true;

template <class T>
inline constexpr bool is_std_array_v = false;
template <class T, std::size_t N>
inline constexpr bool is_std_array_v<std::array<T, N>> = true;

template <class T>
inline constexpr bool is_set_v = false;
template <class T, class C, class A>
inline constexpr bool is_set_v<std::set<T, C, A>> = true;
template <class T, class H, class E, class A>
inline constexpr bool is_set_v<std::unordered_set<T, H, E, A>> = true;

template <class T>
inline constexpr bool is_string_map_v = false;
template <class V, class C, class A>
inline constexpr bool is_string_map_v<std::map<std::string, V, C, A>> = true;
template <class V, class H, class E, class A>
inline constexpr bool is_string_map_v<std::unordered_map<std::string, V, H, E, A>> = true;

template <class T>
inline constexpr bool is_sys_time_v = false;
template <class D>
inline constexpr bool is_sys_time_v<std::chrono::time_point<std::chrono::system_clock, D>> = true;

template <class T>
inline constexpr bool is_integer_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;

template <class T>
inline constexpr bool is_described_struct_v =
    std::is_class_v<T> && boost::describe::has_describe_members<T>::value;

template <class T>
inline constexpr bool is_described_enum_v =
    std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value;

template <class T>
inline constexpr bool is_json_passthrough_v =
    std::is_same_v<T, boost::json::value> || std::is_same_v<T, boost::json::object> ||
    std::is_same_v<T, boost::json::array> || std::is_same_v<T, boost::json::string>;

// The value inside an optional, or the type itself.
template <class T>
struct unwrap_optional {
  using type = T;
};
template <class T>
struct unwrap_optional<std::optional<T>> {
  using type = T;
};
template <class T>
using unwrap_optional_t = typename unwrap_optional<T>::type;

// Public members of a described struct, inherited ones included, in declaration order
// (bases first).
template <class T>
using members_of = boost::describe::describe_members<T, boost::describe::mod_public | boost::describe::mod_inherited>;

template <class T>
inline constexpr bool always_false_v = false;

// Conversion hooks (see the top of this file), found by argument-dependent lookup only.
template <class T>
concept has_from_json_hook = requires(const boost::json::value& v, T& out) {
  { lift_from_json(v, out) } -> std::same_as<Result<void>>;
};
template <class T>
concept has_to_json_hook = requires(const T& v) {
  { lift_to_json(v) } -> std::same_as<boost::json::value>;
};

// ---- JSON paths without allocation: a chain of frames on the stack, rendered on error ----

struct PathFrame {
  enum class Kind : unsigned char { member, index, key };
  const PathFrame* parent = nullptr;
  Kind kind = Kind::member;
  std::string_view name{};  // member name or map key
  std::size_t index = 0;
};

// `a.b[3].c`, `m["key"]`; "" for the root.
std::string render_path(const PathFrame* frame);

// Every problem found, up to a bound: enough to fix a request in one go without letting a
// huge bad array build a huge error.
class Problems {
 public:
  static constexpr std::size_t kLimit = 32;

  void add(const PathFrame* at, std::string message);
  [[nodiscard]] bool full() const noexcept { return details_.size() >= kLimit; }
  [[nodiscard]] bool empty() const noexcept { return details_.empty(); }
  [[nodiscard]] std::vector<ErrorDetail>& details() noexcept { return details_; }

 private:
  std::vector<ErrorDetail> details_;
};

// "InvalidBody", 400, message = first problem with its path.
Error invalid_body(std::vector<ErrorDetail> details);

std::string integer_range_message(std::int64_t min, std::uint64_t max);
// "1 item", "2 items": a count and its noun (a regular plural), for messages.
std::string count_of(std::size_t count, std::string_view noun);
std::string enum_names_message(const std::string_view* names, std::size_t count);

// JSON text writers used by serialize (no DOM).
inline void append_escaped(std::string& out, std::string_view text) { append_json_string(out, text); }
void append_double(std::string& out, double value);
// Shortest text of a float read back as a double: 0.1f becomes 0.1, not 0.10000000149.
double float_as_double(float value) noexcept;

template <class I>
void append_integer(std::string& out, I value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

// Copies into default storage so that a value read from a short-lived parse arena outlives it.
inline boost::json::value copy_out(const boost::json::value& v) { return boost::json::value(v, boost::json::storage_ptr()); }

// ---- reading ----

// A hook's error at `at`: its details carry paths relative to the value.
inline void add_hook_problems(const PathFrame* at, Error error, Problems& problems) {
  if (error.details.empty()) {
    problems.add(at, std::move(error.message));
    return;
  }
  const std::string base = render_path(at);
  for (auto& detail : error.details) {
    if (problems.full()) return;
    std::string field = base;
    if (!field.empty() && !detail.field.empty() && detail.field.front() != '[') field += '.';
    field += detail.field;
    problems.details().push_back(ErrorDetail{std::move(field), std::move(detail.message)});
  }
}

template <class T>
void read(const boost::json::value& src, T& out, const PathFrame* at, Problems& problems);

// Integers are read exactly. An integer literal is an int64 or uint64 in the DOM (one beyond
// 64 bits is a double) and is range-checked as it is. A double is accepted only when it is whole
// and at most 2^53 - 1 in magnitude, where every integer has its own double: 2.0 and 1e3 are
// integers, but 1e18 or 9007199254740993.0 may not be what the client wrote (the next integer
// rounds to the same double), so they are refused rather than rounded.
inline constexpr double kLargestExactDouble = 9007199254740991.0;  // 2^53 - 1

std::string inexact_integer_message(std::int64_t min, std::uint64_t max);

template <class I>
void read_integer(const boost::json::value& src, I& out, const PathFrame* at, Problems& problems) {
  using limits = std::numeric_limits<I>;
  const auto min = static_cast<std::int64_t>(limits::min());
  const auto max = static_cast<std::uint64_t>(limits::max());
  switch (src.kind()) {
    case boost::json::kind::int64:
      if (std::in_range<I>(src.get_int64())) out = static_cast<I>(src.get_int64());
      else problems.add(at, integer_range_message(min, max));
      return;
    case boost::json::kind::uint64:
      if (std::in_range<I>(src.get_uint64())) out = static_cast<I>(src.get_uint64());
      else problems.add(at, integer_range_message(min, max));
      return;
    case boost::json::kind::double_: {
      const double d = src.get_double();
      if (!std::isfinite(d) || std::trunc(d) != d) break;  // 1.5 is not an integer
      if (std::abs(d) <= kLargestExactDouble) {
        const auto whole = static_cast<std::int64_t>(d);
        if (std::in_range<I>(whole)) out = static_cast<I>(whole);
        else problems.add(at, integer_range_message(min, max));
        return;
      }
      const double upper = std::ldexp(1.0, limits::digits);  // max + 1, exact in a double
      if (d >= static_cast<double>(limits::min()) && d < upper) problems.add(at, inexact_integer_message(min, max));
      else problems.add(at, integer_range_message(min, max));
      return;
    }
    default:
      break;
  }
  problems.add(at, "expected integer");
}

template <class T>
void read_struct(const boost::json::value& src, T& out, const PathFrame* at, Problems& problems) {
  const auto* object = src.if_object();
  if (object == nullptr) {
    problems.add(at, "expected object");
    return;
  }
  boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
    if (problems.full()) return;
    const auto* child = object->if_contains(member.name);
    if (child == nullptr) return;  // absent: keep the default
    const PathFrame frame{at, PathFrame::Kind::member, member.name};
    read(*child, out.*member.pointer, &frame, problems);
  });
}

template <class E>
void read_enum(const boost::json::value& src, E& out, const PathFrame* at, Problems& problems) {
  using enumerators = boost::describe::describe_enumerators<E>;
  if (const auto* text = src.if_string()) {
    const std::string_view name(text->data(), text->size());
    bool found = false;
    boost::mp11::mp_for_each<enumerators>([&](auto e) {
      if (!found && name == e.name) {
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
}

template <class T>
void read(const boost::json::value& src, T& out, const PathFrame* at, Problems& problems) {
  if constexpr (has_from_json_hook<T>) {
    if (auto hooked = lift_from_json(src, out); !hooked) add_hook_problems(at, std::move(hooked).error(), problems);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (src.is_bool()) out = src.get_bool();
    else problems.add(at, "expected boolean");
  } else if constexpr (is_integer_v<T>) {
    read_integer(src, out, at, problems);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!src.is_number()) {
      problems.add(at, "expected number");
      return;
    }
    const double d = src.to_number<double>();
    if constexpr (std::is_same_v<T, float>) {
      // At and beyond half an ulp above the largest float, the conversion would overflow.
      if (std::abs(d) >= 0x1.ffffffp127) {
        problems.add(at, "expected number within float range");
        return;
      }
    }
    out = static_cast<T>(d);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (const auto* text = src.if_string()) out.assign(text->data(), text->size());
    else problems.add(at, "expected string");
  } else if constexpr (is_optional_v<T>) {
    if (src.is_null()) {
      out.reset();
    } else {
      auto& inner = out.emplace();
      read(src, inner, at, problems);
    }
  } else if constexpr (is_vector_v<T> || is_set_v<T>) {
    const auto* array = src.if_array();
    if (array == nullptr) {
      problems.add(at, "expected array");
      return;
    }
    out.clear();
    if constexpr (is_vector_v<T>) out.reserve(array->size());
    using E = typename T::value_type;
    for (std::size_t i = 0; i < array->size() && !problems.full(); ++i) {
      const PathFrame frame{at, PathFrame::Kind::index, {}, i};
      if constexpr (is_vector_v<T> && !std::is_same_v<E, bool>) {
        read((*array)[i], out.emplace_back(), &frame, problems);
      } else {
        E element{};
        read((*array)[i], element, &frame, problems);
        out.insert(out.end(), std::move(element));
      }
    }
  } else if constexpr (is_std_array_v<T>) {
    const auto* array = src.if_array();
    if (array == nullptr || array->size() != out.size()) {
      problems.add(at, "expected array of " + count_of(out.size(), "item"));
      return;
    }
    for (std::size_t i = 0; i < out.size() && !problems.full(); ++i) {
      const PathFrame frame{at, PathFrame::Kind::index, {}, i};
      read((*array)[i], out[i], &frame, problems);
    }
  } else if constexpr (is_string_map_v<T>) {
    const auto* object = src.if_object();
    if (object == nullptr) {
      problems.add(at, "expected object");
      return;
    }
    out.clear();
    for (const auto& entry : *object) {
      if (problems.full()) break;
      const std::string_view key(entry.key().data(), entry.key().size());
      const PathFrame frame{at, PathFrame::Kind::key, key};
      read(entry.value(), out[std::string(key)], &frame, problems);
    }
  } else if constexpr (is_described_enum_v<T>) {
    read_enum(src, out, at, problems);
  } else if constexpr (is_sys_time_v<T>) {
    using Duration = typename T::duration;
    std::int64_t seconds = 0;
    std::uint32_t nanos = 0;
    const auto* text = src.if_string();
    if (text == nullptr || !lift::parse_rfc3339(std::string_view(text->data(), text->size()), seconds, nanos)) {
      problems.add(at, "expected RFC 3339 date-time");
      return;
    }
    // The clock's range (about ±292 years around 1970 at nanosecond precision) is narrower
    // than RFC 3339's.
    constexpr auto max_seconds = std::chrono::floor<std::chrono::seconds>(Duration::max()).count() - 1;
    constexpr auto min_seconds = std::chrono::ceil<std::chrono::seconds>(Duration::min()).count() + 1;
    if (seconds > max_seconds || seconds < min_seconds) {
      problems.add(at, "date-time out of range");
      return;
    }
    out = T(std::chrono::duration_cast<Duration>(std::chrono::seconds(seconds)) +
            std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(nanos)));
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    out = copy_out(src);
  } else if constexpr (std::is_same_v<T, boost::json::object>) {
    if (const auto* object = src.if_object()) out = boost::json::object(*object, boost::json::storage_ptr());
    else problems.add(at, "expected object");
  } else if constexpr (std::is_same_v<T, boost::json::array>) {
    if (const auto* array = src.if_array()) out = boost::json::array(*array, boost::json::storage_ptr());
    else problems.add(at, "expected array");
  } else if constexpr (std::is_same_v<T, boost::json::string>) {
    if (const auto* text = src.if_string()) out = boost::json::string(*text, boost::json::storage_ptr());
    else problems.add(at, "expected string");
  } else if constexpr (is_described_struct_v<T>) {
    read_struct(src, out, at, problems);
  } else {
    static_assert(always_false_v<T>, "lift::json: unsupported type (describe it with BOOST_DESCRIBE_STRUCT or BOOST_DESCRIBE_ENUM)");
  }
}

// ---- writing a DOM ----

template <class T>
boost::json::value write_value(const T& v);

template <class T>
void split_time(const T& tp, std::int64_t& seconds, std::uint32_t& nanos) {
  const auto whole = std::chrono::floor<std::chrono::seconds>(tp);
  seconds = whole.time_since_epoch().count();
  nanos = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(tp - whole).count());
}

template <class E>
const char* enum_name(E v) noexcept {
  const char* name = nullptr;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto e) {
    if (name == nullptr && e.value == v) name = e.name;
  });
  return name;
}

template <class T>
boost::json::value write_value(const T& v) {
  if constexpr (has_to_json_hook<T>) {
    return lift_to_json(v);
  } else if constexpr (std::is_same_v<T, bool>) {
    return boost::json::value(v);
  } else if constexpr (is_integer_v<T>) {
    if constexpr (std::is_signed_v<T>) return boost::json::value(static_cast<std::int64_t>(v));
    else return boost::json::value(static_cast<std::uint64_t>(v));
  } else if constexpr (std::is_same_v<T, float>) {
    if (!std::isfinite(v)) return nullptr;
    return boost::json::value(float_as_double(v));
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(v)) return nullptr;  // JSON has no NaN or infinity
    return boost::json::value(static_cast<double>(v));
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    const std::string_view text(v);
    return boost::json::value(boost::json::string_view(text.data(), text.size()));
  } else if constexpr (is_optional_v<T>) {
    if (!v) return nullptr;
    return write_value(*v);
  } else if constexpr (is_vector_v<T> || is_set_v<T> || is_std_array_v<T>) {
    boost::json::array array;
    array.reserve(v.size());
    for (const auto& element : v) array.push_back(write_value(element));
    return array;
  } else if constexpr (is_string_map_v<T>) {
    boost::json::object object;
    object.reserve(v.size());
    for (const auto& [key, element] : v) object.emplace(key, write_value(element));
    return object;
  } else if constexpr (is_described_enum_v<T>) {
    // A value with no enumerator name (a cast integer) is written as its number.
    if (const char* name = enum_name(v)) return boost::json::value(name);
    return write_value(static_cast<std::underlying_type_t<T>>(v));
  } else if constexpr (is_sys_time_v<T>) {
    std::int64_t seconds = 0;
    std::uint32_t nanos = 0;
    split_time(v, seconds, nanos);
    std::string text;
    // As many fraction digits (0, 3, 6 or 9) as the value needs.
    lift::append_rfc3339(text, seconds, nanos, lift::Fraction::shortest);
    return boost::json::value(boost::json::string_view(text.data(), text.size()));
  } else if constexpr (is_json_passthrough_v<T>) {
    return boost::json::value(v);
  } else if constexpr (is_described_struct_v<T>) {
    boost::json::object object;
    object.reserve(boost::mp11::mp_size<members_of<T>>::value);
    boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
      const auto& field = v.*member.pointer;
      if constexpr (is_optional_v<std::remove_cvref_t<decltype(field)>>) {
        if (!field) return;  // nullopt members are omitted
      }
      object.emplace(member.name, write_value(field));
    });
    return object;
  } else {
    static_assert(always_false_v<T>, "lift::json: unsupported type (describe it with BOOST_DESCRIBE_STRUCT or BOOST_DESCRIBE_ENUM)");
  }
}

// ---- writing text directly ----

template <class T>
void write_text(std::string& out, const T& v) {
  if constexpr (has_to_json_hook<T>) {
    out += boost::json::serialize(lift_to_json(v));
  } else if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (is_integer_v<T>) {
    append_integer(out, v);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(v)) {
      out += "null";
    } else if constexpr (std::is_same_v<T, float>) {
      if (v == 0 && std::signbit(v)) {
        out += "-0.0";  // as append_double: "-0" would read back as the integer 0
        return;
      }
      char buffer[32];
      const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
      out.append(buffer, result.ptr);
    } else {
      append_double(out, static_cast<double>(v));
    }
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    append_escaped(out, std::string_view(v));
  } else if constexpr (is_optional_v<T>) {
    if (v) write_text(out, *v);
    else out += "null";
  } else if constexpr (is_vector_v<T> || is_set_v<T> || is_std_array_v<T>) {
    out += '[';
    bool first = true;
    for (const auto& element : v) {
      if (!first) out += ',';
      first = false;
      write_text(out, static_cast<const typename T::value_type&>(element));
    }
    out += ']';
  } else if constexpr (is_string_map_v<T>) {
    out += '{';
    bool first = true;
    for (const auto& [key, element] : v) {
      if (!first) out += ',';
      first = false;
      append_escaped(out, key);
      out += ':';
      write_text(out, element);
    }
    out += '}';
  } else if constexpr (is_described_enum_v<T>) {
    if (const char* name = enum_name(v)) append_escaped(out, name);
    else append_integer(out, static_cast<std::underlying_type_t<T>>(v));
  } else if constexpr (is_sys_time_v<T>) {
    std::int64_t seconds = 0;
    std::uint32_t nanos = 0;
    split_time(v, seconds, nanos);
    out += '"';
    lift::append_rfc3339(out, seconds, nanos, lift::Fraction::shortest);
    out += '"';
  } else if constexpr (is_json_passthrough_v<T>) {
    out += boost::json::serialize(v);
  } else if constexpr (is_described_struct_v<T>) {
    out += '{';
    bool first = true;
    boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
      const auto& field = v.*member.pointer;
      if constexpr (is_optional_v<std::remove_cvref_t<decltype(field)>>) {
        if (!field) return;
      }
      if (!first) out += ',';
      first = false;
      // Member names are C++ identifiers: nothing to escape. A string_view's length of a
      // literal is folded at compile time, where appending a char* would call strlen.
      out += '"';
      out.append(std::string_view(member.name));
      out.append(std::string_view("\":"));
      write_text(out, field);
    });
    out += '}';
  } else {
    static_assert(always_false_v<T>, "lift::json: unsupported type (describe it with BOOST_DESCRIBE_STRUCT or BOOST_DESCRIBE_ENUM)");
  }
}

// A small arena for the short-lived DOM of parse and parse_unvalidated: no allocation for
// small bodies, one release for all of it.
class ParseArena {
 public:
  ParseArena() : resource_(buffer_, sizeof buffer_) {}
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;
  boost::json::storage_ptr storage() noexcept { return boost::json::storage_ptr(&resource_); }

 private:
  alignas(std::max_align_t) unsigned char buffer_[4096];
  boost::json::monotonic_resource resource_;
};

}  // namespace detail

// The JSON value as a T. Errors: code "InvalidBody", status 400, message naming the first
// problem ("items[2].qty: expected integer"), details listing every problem found.
template <class T>
Result<T> from_json(const boost::json::value& v) {
  static_assert(std::is_default_constructible_v<T>, "lift::json::from_json needs a default-constructible type");
  T out{};
  detail::Problems problems;
  detail::read(v, out, nullptr, problems);
  if (!problems.empty()) return detail::invalid_body(std::move(problems.details()));
  return out;
}

// JSON text as a T, without the validation rules of T: for values that were valid when
// written (a round trip, a cache) or whose rules are checked later. Input from outside goes
// through parse() (binding.hpp), which also runs the rules. Text that is not JSON is code
// "InvalidJson", status 400, with the line and column of the problem; then as from_json.
// Nesting deeper than 64 levels is refused.
template <class T>
Result<T> parse_unvalidated(std::string_view text) {
  detail::ParseArena arena;
  auto document = parse_document(text, arena.storage());
  if (!document) return std::move(document).error();
  return from_json<T>(*document);
}

// The T as a JSON value; nullopt members are omitted, non-finite numbers become null.
template <class T>
boost::json::value to_json(const T& v) {
  return detail::write_value(v);
}

// serialize(v) appended to `out`, whose buffer is reused.
template <class T>
void serialize_to(std::string& out, const T& v) {
  detail::write_text(out, v);
}

// The T as compact JSON text, written directly (no DOM); the same document as to_json.
template <class T>
std::string serialize(const T& v) {
  std::string out;
  out.reserve(512);
  detail::write_text(out, v);
  return out;
}

}  // namespace lift::json
