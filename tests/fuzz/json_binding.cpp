// Fuzzes typed parsing: any bytes either parse to a nested type with rules or give one of the
// typed errors (never a crash), and whatever parses survives serialize → parse_unvalidated
// unchanged. The same bytes also go through from_json of several unrelated types.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lift/json/binding.hpp"

namespace fuzz_json {

enum class Kind { book, music, other };
BOOST_DESCRIBE_ENUM(Kind, book, music, other)

struct Line {
  std::string sku;
  std::int16_t qty = 1;
  std::optional<double> price;
  std::vector<std::string> notes;
};
BOOST_DESCRIBE_STRUCT(Line, (), (sku, qty, price, notes))

inline void lift_rules(lift::json::Rules<Line>& r) {
  r.field(&Line::sku).required().length(1, 16).pattern("^[A-Z]+-[0-9]+$");
  r.field(&Line::qty).min(1).max(99);
  r.field(&Line::notes).max_items(3);
}

struct Base {
  std::uint64_t id = 0;
};
BOOST_DESCRIBE_STRUCT(Base, (), (id))

struct Order : Base {
  std::string email;
  Kind kind = Kind::other;
  std::vector<Line> lines;
  std::map<std::string, Line> extras;
  std::chrono::system_clock::time_point at{};
  std::set<std::int32_t> codes;
  bool gift = false;
};
BOOST_DESCRIBE_STRUCT(Order, (Base), (email, kind, lines, extras, at, codes, gift))

inline void lift_rules(lift::json::Rules<Order>& r) {
  r.field(&Order::email).required().email();
  r.field(&Order::lines).min_items(1).max_items(20);
  r.field(&Order::kind).one_of(Kind::book, Kind::music);
  r.check("codes", [](const Order& o) { return o.codes.size() < 5; }, "too many codes");
}

bool known_error(const lift::Error& e) {
  return (e.code == "InvalidJson" && e.status == 400 && e.details.empty()) ||
         (e.code == "InvalidBody" && e.status == 400 && !e.details.empty()) ||
         (e.code == "ValidationFailed" && e.status == 422 && !e.details.empty());
}

template <class T>
void from_json_never_crashes(const boost::json::value& dom) {
  auto value = lift::json::from_json<T>(dom);
  if (!value) {
    if (!known_error(value.error())) std::abort();
    return;
  }
  // What converts writes text that converts again to the same value, and the DOM agrees with
  // it (compared as text: the DOM may hold 2.0 where the text says 2). Unvalidated, as
  // from_json was: the round trip is of the conversion alone.
  const auto text = lift::json::serialize(*value);
  auto again = lift::json::parse_unvalidated<T>(text);
  if (!again || lift::json::serialize(*again) != text) std::abort();
  auto from_dom = lift::json::from_json<T>(lift::json::to_json(*value));
  if (!from_dom || lift::json::serialize(*from_dom) != text) std::abort();
}

}  // namespace fuzz_json

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fuzz_json;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto order = lift::json::parse<Order>(text);
  if (order) {
    // Unvalidated: absent members are not checked when parsed, but their defaults are written
    // out and would be checked the second time.
    auto again = lift::json::parse_unvalidated<Order>(lift::json::serialize(*order));
    if (!again || lift::json::serialize(*again) != lift::json::serialize(*order)) std::abort();
  } else if (!known_error(order.error())) {
    std::abort();
  }

  auto dom = lift::json::parse_unvalidated<boost::json::value>(text);
  if (!dom) return 0;
  from_json_never_crashes<Order>(*dom);
  from_json_never_crashes<std::vector<Line>>(*dom);
  from_json_never_crashes<std::map<std::string, std::optional<std::int8_t>>>(*dom);
  from_json_never_crashes<std::chrono::system_clock::time_point>(*dom);
  from_json_never_crashes<std::vector<Kind>>(*dom);
  from_json_never_crashes<float>(*dom);
  (void)lift::json::validate(Line{});
  return 0;
}
