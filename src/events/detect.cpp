#include "lift/events/detect.hpp"

#include <algorithm>
#include <array>

#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include "lift/events/all_sources.hpp"

namespace lift::events {

namespace {

using Descriptors = boost::mp11::mp_transform<boost::mp11::mp_identity, AllSources>;

// Calls `f` with the descriptor of `kind` (as a boost::mp11::mp_identity); false when none.
template <class F>
bool with_descriptor(Kind kind, F&& f) {
  bool found = false;
  boost::mp11::mp_for_each<Descriptors>([&](auto descriptor) {
    using D = typename decltype(descriptor)::type;
    if (!found && kind == Kind::of<D>()) {
      found = true;
      f(descriptor);
    }
  });
  return found;
}

constexpr auto make_kinds() {
  std::array<Kind, boost::mp11::mp_size<AllSources>::value + 1> kinds{};
  std::size_t i = 0;
  boost::mp11::mp_for_each<Descriptors>([&](auto descriptor) { kinds[i++] = Kind::of<typename decltype(descriptor)::type>(); });
  std::sort(kinds.begin(), kinds.end() - 1, [](Kind a, Kind b) { return a.name() < b.name(); });
  kinds.back() = Kind::unknown();
  return kinds;
}

constexpr auto kKinds = make_kinds();

}  // namespace

Kind detect(const boost::json::value& event) noexcept {
  Kind found;
  boost::mp11::mp_for_each<Descriptors>([&](auto descriptor) {
    using D = typename decltype(descriptor)::type;
    if (found.is_unknown() && D::detect(event)) found = Kind::of<D>();
  });
  return found;
}

std::span<const Kind> all_kinds() noexcept { return kKinds; }

std::optional<Kind> kind_from_string(std::string_view name) noexcept {
  for (const auto kind : kKinds) {
    if (kind.name() == name) return kind;
  }
  return std::nullopt;
}

boost::json::object inspect(const boost::json::value& event) {
  const Kind kind = detect(event);
  Summary summary;
  with_descriptor(kind, [&](auto descriptor) { decltype(descriptor)::type::summarize(event, summary); });
  if (kind.is_unknown()) {
    if (const auto* object = event.if_object()) {
      boost::json::array keys;
      for (const auto& field : *object) keys.emplace_back(field.key());
      summary.fields["keys"] = std::move(keys);
    }
  }
  boost::json::object out;
  out["source"] = kind.name();
  for (auto& field : summary.fields) out[field.key()] = std::move(field.value());
  out["records"] = summary.records;
  if (!summary.items.empty()) out["summary"] = std::move(summary.items);
  if (summary.problem) out["error"] = boost::json::object{{"code", summary.problem->code}, {"message", summary.problem->message}};
  return out;
}

}  // namespace lift::events
