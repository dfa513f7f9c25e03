#pragma once
// Validation rules declared once, next to the type, and run by lift::json::parse (binding.hpp)
// on every value it reads.
//
// A type declares its rules in a static member function `lift_rules` (the way that cannot be
// lost: wherever the type is known, so are its rules), which may be written inside the class,
// before the type is described:
//
//   struct Item {
//     std::string sku;
//     int qty = 1;
//     static void lift_rules(lift::json::Rules<Item>& r) {
//       r.field(&Item::sku).required().length(1, 32).pattern("^[A-Z]+-[0-9]+$");
//       r.field(&Item::qty).min(1).max(99);
//     }
//   };
//   BOOST_DESCRIBE_STRUCT(Item, (), (sku, qty))
//
// or, for a type whose definition you cannot change, in a free function
// `void lift_rules(lift::json::Rules<T>&)`, found by argument-dependent lookup in the type's own
// namespace or in the global namespace (not in an unnamed namespace, nor in a third one, which
// lookup cannot see); declare it before the type is bound, in the header that declares the type
// if its definition lives in another file:
//
//   struct CreateOrder { std::string email; std::vector<Item> items; };
//   BOOST_DESCRIBE_STRUCT(CreateOrder, (), (email, items))
//   inline void lift_rules(lift::json::Rules<CreateOrder>& r) {
//     r.field(&CreateOrder::email).required().email();
//     r.field(&CreateOrder::items).min_items(1).max_items(50);
//     r.check("items", [](const CreateOrder& o) { return o.items.size() != 13; }, "must not hold 13 items");
//   }
//
// A type with both, or with a member named lift_rules that is not such a public static
// function (a non-static or private member, another signature), does not compile: rules are
// never silently skipped.
//
// Rules of nested structs, of vector elements and of map values run too, reported with full
// paths (`items[2].qty: must be at least 1`). Types without rules validate trivially.
//
// What each rule means:
// - required(): the member must be present in the JSON and not null (in parse), or, when
//   a value is validated on its own, an optional member must hold a value. A missing required
//   member is reported as "is required" and its other rules are skipped.
// - min/max: numbers, inclusive. length, min_length, max_length: strings, counted in Unicode
//   code points of the UTF-8 text (as JSON Schema counts). min_items/max_items: arrays, sets,
//   maps. pattern: ECMAScript regular expression searched in the string (anchor it with ^ and
//   $ to match the whole), compiled once. email: a pragmatic check of an ASCII address
//   (local@domain.tld). one_of: the value equals one of those listed. check: a predicate on
//   the member (or, on Rules, on the whole value) with the message to report.
// - Rules of an optional member apply to the value it holds and are skipped when it is empty.
// - When parsing JSON, a member absent from it (or null) is not checked at all, as JSON
//   Schema treats an absent property: only `required` speaks about it. validate() on a value
//   checks every member.
//
// The Rules object of a type is built once, on first use, and only read after that, so
// validation is thread-safe.

#include <algorithm>
#include <any>
#include <cstddef>
#include <functional>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "lift/json/convert.hpp"

// A type in the global namespace among the template arguments of lift::json::Rules<T>: it makes
// argument-dependent lookup of lift_rules(Rules<T>&) search the global namespace too, so rules
// written there for a type of another namespace are found rather than silently ignored.
struct lift_rules_global_lookup;

namespace lift::json {

template <class T, class GlobalLookup = ::lift_rules_global_lookup>
class Rules;

namespace detail {

// A numeric bound kept exactly: integers compare as integers, doubles as doubles.
struct Bound {
  enum class Kind : unsigned char { signed_integer, unsigned_integer, floating } kind = Kind::signed_integer;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;

  template <class N>
  static Bound of(N value) {
    Bound b;
    if constexpr (std::is_floating_point_v<N>) {
      b.kind = Kind::floating;
      b.d = static_cast<double>(value);
    } else if constexpr (std::is_signed_v<N>) {
      b.kind = Kind::signed_integer;
      b.i = static_cast<std::int64_t>(value);
    } else {
      b.kind = Kind::unsigned_integer;
      b.u = static_cast<std::uint64_t>(value);
    }
    return b;
  }
  [[nodiscard]] boost::json::value to_json() const;
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] double as_double() const noexcept;
};

// value < bound (below = true) or value > bound (below = false).
template <class V>
bool beyond(const V& value, const Bound& bound, bool below) noexcept {
  if constexpr (std::is_integral_v<V>) {
    switch (bound.kind) {
      case Bound::Kind::signed_integer:
        return below ? std::cmp_less(value, bound.i) : std::cmp_greater(value, bound.i);
      case Bound::Kind::unsigned_integer:
        return below ? std::cmp_less(value, bound.u) : std::cmp_greater(value, bound.u);
      case Bound::Kind::floating:
        break;
    }
  }
  const auto v = static_cast<double>(value);
  return below ? v < bound.as_double() : v > bound.as_double();
}

std::size_t count_code_points(std::string_view text) noexcept;
bool is_email(std::string_view text) noexcept;
Error validation_failed(std::vector<ErrorDetail> details);

template <class T>
inline constexpr bool is_sized_range_v = is_vector_v<T> || is_set_v<T> || is_std_array_v<T> || is_string_map_v<T>;

// Whether walking a value of this type can find rules (structs always may).
template <class T>
constexpr bool may_have_rules() {
  if constexpr (is_described_struct_v<T>) return true;
  else if constexpr (is_optional_v<T> || is_vector_v<T> || is_set_v<T> || is_std_array_v<T>) return may_have_rules<typename T::value_type>();
  else if constexpr (is_string_map_v<T>) return may_have_rules<typename T::mapped_type>();
  else return false;
}

// The rules declared for one member. The data fields feed both the checks and the JSON
// Schema; `checks` holds one_of and custom predicates, bound to the member's type.
template <class T>
struct FieldSpec {
  struct Check {
    std::function<bool(const T&)> passes;
    std::string message;
  };

  std::any member;        // the member pointer the rules were declared with
  std::string_view name;  // from the description, once the rules are complete
  bool required = false;
  std::optional<Bound> min, max;
  std::optional<std::size_t> min_length, max_length, min_items, max_items;
  std::string pattern_source;
  std::optional<std::regex> pattern;
  bool email = false;
  std::optional<boost::json::array> one_of;
  std::vector<Check> checks;
};

template <class T>
struct StructCheck {
  std::string field;
  std::function<bool(const T&)> passes;
  std::string message;
};

// The two ways to declare rules (see the top of this header).
template <class T>
concept HasMemberRules = requires(Rules<T>& r) { T::lift_rules(r); };
template <class T>
concept HasFreeRules = requires(Rules<T>& r) { lift_rules(r); };
// A member by that name that HasMemberRules cannot call (not static, another signature,
// private): a mistake, never a type without rules. Name lookup in a class derived from T and
// from a class with its own lift_rules is ambiguous exactly when T has a member of that name,
// whatever its access; a final class can only be asked about its public members.
struct RulesNameProbe {
  static void lift_rules();
};
template <class T>
struct RulesNameProbeOf : T, RulesNameProbe {};
template <class T>
concept HasMemberNamedRules =
    requires { &T::lift_rules; } ||
    (std::is_class_v<T> && !std::is_final_v<T> && !requires { &RulesNameProbeOf<T>::lift_rules; });

template <class T>
const Rules<T>* rules_for();

}  // namespace detail

// The rules of one member, added to with chained calls.
template <class T, class M>
class FieldRules {
 public:
  using value_type = detail::unwrap_optional_t<M>;

  FieldRules& required() {
    spec().required = true;
    return *this;
  }
  template <class N>
    requires(std::is_arithmetic_v<value_type> && !std::is_same_v<value_type, bool> && std::is_arithmetic_v<N>)
  FieldRules& min(N bound) {
    spec().min = detail::Bound::of(bound);
    return *this;
  }
  template <class N>
    requires(std::is_arithmetic_v<value_type> && !std::is_same_v<value_type, bool> && std::is_arithmetic_v<N>)
  FieldRules& max(N bound) {
    spec().max = detail::Bound::of(bound);
    return *this;
  }
  FieldRules& length(std::size_t min_code_points, std::size_t max_code_points)
    requires std::is_same_v<value_type, std::string>
  {
    spec().min_length = min_code_points;
    spec().max_length = max_code_points;
    return *this;
  }
  FieldRules& min_length(std::size_t code_points)
    requires std::is_same_v<value_type, std::string>
  {
    spec().min_length = code_points;
    return *this;
  }
  FieldRules& max_length(std::size_t code_points)
    requires std::is_same_v<value_type, std::string>
  {
    spec().max_length = code_points;
    return *this;
  }
  FieldRules& min_items(std::size_t count)
    requires detail::is_sized_range_v<value_type>
  {
    spec().min_items = count;
    return *this;
  }
  FieldRules& max_items(std::size_t count)
    requires detail::is_sized_range_v<value_type>
  {
    spec().max_items = count;
    return *this;
  }
  // Throws std::regex_error for a malformed expression, when the rules are built.
  FieldRules& pattern(std::string ecmascript_regex)
    requires std::is_same_v<value_type, std::string>
  {
    spec().pattern.emplace(ecmascript_regex, std::regex::ECMAScript | std::regex::optimize);
    spec().pattern_source = std::move(ecmascript_regex);
    return *this;
  }
  FieldRules& email()
    requires std::is_same_v<value_type, std::string>
  {
    spec().email = true;
    return *this;
  }
  template <class... V>
    requires(sizeof...(V) > 0 && (std::is_constructible_v<value_type, const V&> && ...))
  FieldRules& one_of(const V&... values) {
    std::vector<value_type> allowed{value_type(values)...};
    boost::json::array listed;
    std::string message = allowed.size() == 1 ? "must be " : "must be one of ";
    for (std::size_t i = 0; i < allowed.size(); ++i) {
      listed.push_back(to_json(allowed[i]));
      if (i != 0) message += ", ";
      message += serialize(allowed[i]);
    }
    spec().one_of = std::move(listed);
    add_check([allowed = std::move(allowed)](const value_type& v) {
      return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
    }, std::move(message));
    return *this;
  }
  // A predicate on the member's value (skipped for an empty optional).
  template <class P>
    requires std::is_invocable_r_v<bool, const P&, const value_type&>
  FieldRules& check(P predicate, std::string message) {
    add_check(std::move(predicate), std::move(message));
    return *this;
  }

 private:
  friend class Rules<T>;
  FieldRules(Rules<T>& rules, std::size_t index, M T::*member) : rules_(rules), index_(index), member_(member) {}

  detail::FieldSpec<T>& spec() { return rules_.specs_[index_]; }

  template <class P>
  void add_check(P predicate, std::string message) {
    auto member = member_;
    spec().checks.push_back({[member, predicate = std::move(predicate)](const T& object) -> bool {
                               const M& field = object.*member;
                               if constexpr (detail::is_optional_v<M>) return !field || predicate(*field);
                               else return predicate(field);
                             },
                             std::move(message)});
  }

  Rules<T>& rules_;
  std::size_t index_;
  M T::*member_;
};

// The rules of a described struct T; see the top of this header. Nothing here reads T's
// description, so that rules can be declared inside T; the members are matched to it once the
// rules are complete.
template <class T, class GlobalLookup>
class Rules {
 public:
  Rules() = default;

  // The rules of a member (of T or of a described base of T). Calling it again for the same
  // member adds to the same rules. A member that is not described makes building the rules
  // throw std::logic_error.
  template <class M, class C>
    requires std::is_base_of_v<C, T>
  FieldRules<T, M> field(M C::*member) {
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const auto* declared = std::any_cast<M C::*>(&specs_[i].member);
      if (declared != nullptr && *declared == member) return FieldRules<T, M>(*this, i, member);
    }
    specs_.emplace_back().member = member;
    return FieldRules<T, M>(*this, specs_.size() - 1, member);
  }

  // A rule on the whole value, reported at `field` (a member name, or "" for the value
  // itself), run after the member rules.
  template <class P>
    requires std::is_invocable_r_v<bool, const P&, const T&>
  Rules& check(std::string field, P predicate, std::string message) {
    struct_checks_.push_back({std::move(field), std::move(predicate), std::move(message)});
    return *this;
  }

  // For the validator and the schema generator: the rules of the member at this position
  // of the described members (bases first), or nullptr.
  [[nodiscard]] const detail::FieldSpec<T>* spec_of_member(std::size_t member) const noexcept {
    return member < spec_of_member_.size() && spec_of_member_[member] != kNone ? &specs_[spec_of_member_[member]] : nullptr;
  }
  [[nodiscard]] const std::vector<detail::StructCheck<T>>& struct_checks() const noexcept { return struct_checks_; }

 private:
  template <class, class>
  friend class FieldRules;
  friend const Rules* detail::rules_for<T>();
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  // Once the type's rules are declared: each member's rules get their name and position in
  // the description.
  void match_described_members() {
    spec_of_member_.assign(boost::mp11::mp_size<detail::members_of<T>>::value, kNone);
    std::size_t position = 0;
    std::size_t matched = 0;
    boost::mp11::mp_for_each<detail::members_of<T>>([&](auto d) {
      using Pointer = std::remove_cv_t<decltype(d.pointer)>;
      for (std::size_t i = 0; i < specs_.size(); ++i) {
        const auto* declared = std::any_cast<Pointer>(&specs_[i].member);
        if (declared != nullptr && *declared == d.pointer) {
          spec_of_member_[position] = i;
          specs_[i].name = d.name;
          ++matched;
          break;
        }
      }
      ++position;
    });
    if (matched != specs_.size()) throw std::logic_error("lift::json::Rules::field: the member is not described");
  }

  std::vector<detail::FieldSpec<T>> specs_;
  std::vector<std::size_t> spec_of_member_;
  std::vector<detail::StructCheck<T>> struct_checks_;
};

namespace detail {

template <class T>
const Rules<T>* rules_for() {
  static_assert(!(HasMemberRules<T> && HasFreeRules<T>),
                "this type declares its validation rules twice: as a static member lift_rules and as a free "
                "function lift_rules; keep one");
  static_assert(HasMemberRules<T> || !HasMemberNamedRules<T>,
                "this type has a member named lift_rules that is not a public "
                "`static void lift_rules(lift::json::Rules<T>&)`: its rules would be ignored");
  if constexpr (HasMemberRules<T> || HasFreeRules<T>) {
    static_assert(is_described_struct_v<T>, "lift::json::Rules needs a type described with BOOST_DESCRIBE_STRUCT");
    // Built once on first use (thread-safe static initialisation), read-only afterwards.
    static const Rules<T> rules = [] {
      Rules<T> r;
      if constexpr (HasMemberRules<T>) T::lift_rules(r);
      else lift_rules(r);
      r.match_described_members();
      return r;
    }();
    return &rules;
  } else {
    return nullptr;
  }
}

// How a walk knows whether a member was present: from the JSON it was bound from, or (for a
// value validated on its own) from whether an optional holds a value.
struct Walk {
  bool from_json = false;
  Problems problems;
};

template <class T>
void walk(const T& value, const boost::json::value* source, const PathFrame* at, Walk& walk_state);

template <class M>
bool has_value(const M& member) noexcept {
  if constexpr (is_optional_v<M>) return member.has_value();
  else return true;
}

// min/max/length/items/pattern/email on a present member value.
template <class T, class V>
void check_field_value(const FieldSpec<T>& spec, const V& v, const PathFrame* at, Problems& problems) {
  if constexpr (std::is_arithmetic_v<V> && !std::is_same_v<V, bool>) {
    if (spec.min && beyond(v, *spec.min, true)) problems.add(at, "must be at least " + spec.min->to_string());
    if (spec.max && beyond(v, *spec.max, false)) problems.add(at, "must be at most " + spec.max->to_string());
  } else if constexpr (std::is_same_v<V, std::string>) {
    if (spec.min_length || spec.max_length) {
      const auto length = count_code_points(v);
      if (spec.min_length && length < *spec.min_length) {
        problems.add(at, "must be at least " + count_of(*spec.min_length, "character") + " long");
      }
      if (spec.max_length && length > *spec.max_length) {
        problems.add(at, "must be at most " + count_of(*spec.max_length, "character") + " long");
      }
    }
    if (spec.pattern && !std::regex_search(v, *spec.pattern)) problems.add(at, "must match the pattern " + spec.pattern_source);
    if (spec.email && !is_email(v)) problems.add(at, "must be a valid email address");
  } else if constexpr (is_sized_range_v<V>) {
    if (spec.min_items && v.size() < *spec.min_items) {
      problems.add(at, "must have at least " + count_of(*spec.min_items, "item"));
    }
    if (spec.max_items && v.size() > *spec.max_items) {
      problems.add(at, "must have at most " + count_of(*spec.max_items, "item"));
    }
  }
}

template <class T>
void walk_struct(const T& value, const boost::json::value* source, const PathFrame* at, Walk& state) {
  const Rules<T>* rules = rules_for<T>();
  const auto* object = source != nullptr ? source->if_object() : nullptr;
  std::size_t index = 0;
  boost::mp11::mp_for_each<members_of<T>>([&](auto member) {
    const std::size_t position = index++;
    if (state.problems.full()) return;
    using M = std::remove_cvref_t<decltype(value.*member.pointer)>;
    const FieldSpec<T>* spec = rules != nullptr ? rules->spec_of_member(position) : nullptr;
    if (spec == nullptr && !may_have_rules<M>()) return;
    const M& field = value.*member.pointer;
    const PathFrame frame{at, PathFrame::Kind::member, member.name};
    const boost::json::value* child = object != nullptr ? object->if_contains(member.name) : nullptr;
    if (child != nullptr && child->is_null()) child = nullptr;
    // Bound from JSON, an absent member (or null) is not checked, as JSON Schema treats an
    // absent property; only `required` speaks about it.
    const bool absent = state.from_json ? child == nullptr : !has_value(field);
    if (absent) {
      if (spec != nullptr && spec->required) state.problems.add(&frame, "is required");
      if (state.from_json) return;
    }
    if (spec != nullptr) {
      if constexpr (is_optional_v<M>) {
        if (field) check_field_value(*spec, *field, &frame, state.problems);
      } else {
        check_field_value(*spec, field, &frame, state.problems);
      }
      for (const auto& check : spec->checks) {
        if (!check.passes(value)) state.problems.add(&frame, check.message);
      }
    }
    if constexpr (may_have_rules<M>()) walk(field, child, &frame, state);
  });
  if (rules == nullptr) return;
  for (const auto& check : rules->struct_checks()) {
    if (state.problems.full()) return;
    if (check.passes(value)) continue;
    const PathFrame frame{at, PathFrame::Kind::member, check.field};
    state.problems.add(check.field.empty() ? at : &frame, check.message);
  }
}

template <class T>
void walk(const T& value, const boost::json::value* source, const PathFrame* at, Walk& state) {
  if constexpr (is_described_struct_v<T>) {
    walk_struct(value, source, at, state);
  } else if constexpr (is_optional_v<T>) {
    if (value) walk(*value, source, at, state);
  } else if constexpr (is_set_v<T>) {
    // A set keeps its own order, not the JSON's, so its elements are checked as values.
    const bool from_json = std::exchange(state.from_json, false);
    std::size_t i = 0;
    for (const auto& element : value) {
      if (state.problems.full()) break;
      const PathFrame frame{at, PathFrame::Kind::index, {}, i++};
      walk(element, nullptr, &frame, state);
    }
    state.from_json = from_json;
  } else if constexpr (is_vector_v<T> || is_std_array_v<T>) {
    const auto* array = source != nullptr ? source->if_array() : nullptr;
    std::size_t i = 0;
    for (const auto& element : value) {
      if (state.problems.full()) return;
      const PathFrame frame{at, PathFrame::Kind::index, {}, i};
      const boost::json::value* child = array != nullptr && i < array->size() ? &(*array)[i] : nullptr;
      walk(static_cast<const typename T::value_type&>(element), child, &frame, state);
      ++i;
    }
  } else if constexpr (is_string_map_v<T>) {
    const auto* object = source != nullptr ? source->if_object() : nullptr;
    for (const auto& [key, element] : value) {
      if (state.problems.full()) return;
      const PathFrame frame{at, PathFrame::Kind::key, key};
      walk(element, object != nullptr ? object->if_contains(key) : nullptr, &frame, state);
    }
  }
}

template <class T>
Result<void> run_validation(const T& value, const boost::json::value* source) {
  if constexpr (!may_have_rules<T>()) {
    return {};
  } else {
    Walk state;
    state.from_json = source != nullptr;
    walk(value, source, nullptr, state);
    if (state.problems.empty()) return {};
    return validation_failed(std::move(state.problems.details()));
  }
}

}  // namespace detail

// Runs the rules of T (and of everything inside it) on a value. Errors: code
// "ValidationFailed", status 422, message naming the first problem and how many more there
// are, details listing every failed field. `required` here means an optional member holds a
// value; parse() checks presence in the JSON instead.
template <class T>
Result<void> validate(const T& value) {
  return detail::run_validation(value, nullptr);
}

}  // namespace lift::json
