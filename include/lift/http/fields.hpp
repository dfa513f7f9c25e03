#pragma once
// Ordered multi-maps of name/value pairs: HTTP headers (names case-insensitive), query
// parameters, cookies and path parameters (names exact). Small and linear on purpose: a
// request carries a few dozen fields at most, and a vector beats a hash map at that size.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lift::http {

namespace detail {
bool iequals_same_size(std::string_view a, std::string_view b) noexcept;
}
// ASCII case-insensitive equality, as HTTP field names compare. Most names that differ differ
// in length: that is decided inline, without a call.
inline bool iequals(std::string_view a, std::string_view b) noexcept { return a.size() == b.size() && detail::iequals_same_size(a, b); }

template <bool CaseInsensitive>
class FieldMap {
 public:
  using value_type = std::pair<std::string, std::string>;
  using const_iterator = std::vector<value_type>::const_iterator;

  FieldMap() = default;
  FieldMap(std::initializer_list<value_type> fields) : fields_(fields) {}

  // The first value of `name`, or nullopt.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept {
    for (const auto& [n, v] : fields_) {
      if (same(n, name)) return std::string_view(v);
    }
    return std::nullopt;
  }
  // The first value of `name`, or `fallback`.
  [[nodiscard]] std::string_view value_or(std::string_view name, std::string_view fallback) const noexcept {
    auto v = get(name);
    return v ? *v : fallback;
  }
  // Every value of `name`, in order.
  [[nodiscard]] std::vector<std::string_view> all(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& [n, v] : fields_) {
      if (same(n, name)) out.emplace_back(v);
    }
    return out;
  }
  [[nodiscard]] bool contains(std::string_view name) const noexcept { return get(name).has_value(); }

  // Appends a value (keeps earlier values of the same name).
  void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  // Replaces every value of `name` with one.
  void set(std::string_view name, std::string value) {
    remove(name);
    fields_.emplace_back(std::string(name), std::move(value));
  }
  // Removes every value of `name`; returns how many were removed.
  std::size_t remove(std::string_view name) {
    return std::erase_if(fields_, [&](const value_type& f) { return same(f.first, name); });
  }
  void clear() noexcept { fields_.clear(); }
  void reserve(std::size_t n) { fields_.reserve(n); }

  [[nodiscard]] std::size_t size() const noexcept { return fields_.size(); }
  [[nodiscard]] bool empty() const noexcept { return fields_.empty(); }
  [[nodiscard]] const_iterator begin() const noexcept { return fields_.begin(); }
  [[nodiscard]] const_iterator end() const noexcept { return fields_.end(); }

  friend bool operator==(const FieldMap&, const FieldMap&) = default;

 private:
  static bool same(std::string_view a, std::string_view b) noexcept {
    if constexpr (CaseInsensitive) {
      return iequals(a, b);
    } else {
      return a == b;
    }
  }
  std::vector<value_type> fields_;
};

using Headers = FieldMap<true>;
using QueryParams = FieldMap<false>;
using Cookies = FieldMap<false>;
using PathParams = FieldMap<false>;

}  // namespace lift::http
