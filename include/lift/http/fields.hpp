#pragma once
// Ordered multi-maps of name/value pairs: HTTP headers (names case-insensitive), query
// parameters, cookies and path parameters (names exact). Small and linear on purpose: a
// request carries a few dozen fields at most, and a vector beats a hash map at that size.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lift/core/text.hpp"

namespace lift::http {

// ASCII case-insensitive equality, as HTTP field names compare (the core's one).
using lift::iequals;

// A cleared map keeps its slots and their string buffers: a map reused from one invocation to
// the next (the app reuses its contexts) stores fields of similar sizes without allocating.
template <bool CaseInsensitive>
class FieldMap {
 public:
  using value_type = std::pair<std::string, std::string>;
  using const_iterator = std::vector<value_type>::const_iterator;

  FieldMap() = default;
  FieldMap(std::initializer_list<value_type> fields) : fields_(fields), size_(fields_.size()) {}

  // The first value of `name`, or nullopt.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept {
    for (const auto& [n, v] : *this) {
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
    for (const auto& [n, v] : *this) {
      if (same(n, name)) out.emplace_back(v);
    }
    return out;
  }
  [[nodiscard]] bool contains(std::string_view name) const noexcept { return get(name).has_value(); }

  // Appends a value (keeps earlier values of the same name).
  void add(std::string_view name, std::string_view value) {
    if (size_ == fields_.size()) {
      fields_.emplace_back(name, value);
    } else {
      // clear + append: no aliasing to handle, unlike assign (set() copies what may alias).
      auto& [n, v] = fields_[size_];
      n.clear();
      n.append(name);
      v.clear();
      v.append(value);
    }
    ++size_;
  }
  // Replaces every value of `name` with one.
  void set(std::string_view name, std::string_view value) {
    // `name` or `value` may view a field that remove() is about to reuse.
    if (overlaps(name) || overlaps(value)) {
      set(std::string(name), std::string(value));
      return;
    }
    remove(name);
    add(name, value);
  }
  // Removes every value of `name`; returns how many were removed. The others keep their order.
  std::size_t remove(std::string_view name) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < size_; ++i) {
      if (same(fields_[i].first, name)) continue;
      if (kept != i) std::swap(fields_[kept], fields_[i]);  // the removed slot moves back, buffers and all
      ++kept;
    }
    const auto removed = size_ - kept;
    size_ = kept;
    return removed;
  }
  void clear() noexcept { size_ = 0; }
  void reserve(std::size_t n) { fields_.reserve(n); }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] const_iterator begin() const noexcept { return fields_.begin(); }
  [[nodiscard]] const_iterator end() const noexcept { return fields_.begin() + static_cast<std::ptrdiff_t>(size_); }

  friend bool operator==(const FieldMap& a, const FieldMap& b) noexcept { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

 private:
  static bool same(std::string_view a, std::string_view b) noexcept {
    if constexpr (CaseInsensitive) {
      return iequals(a, b);
    } else {
      return a == b;
    }
  }
  // Whether `text` views one of the fields (std::less orders unrelated pointers too).
  bool overlaps(std::string_view text) const noexcept {
    if (text.empty()) return false;
    const std::less<const char*> before;
    const auto within = [&](const std::string& s) { return !before(text.data(), s.data()) && !before(s.data() + s.size(), text.data()); };
    for (const auto& [n, v] : *this) {
      if (within(n) || within(v)) return true;
    }
    return false;
  }
  std::vector<value_type> fields_;  // the first size_ are the fields; the rest are spare slots
  std::size_t size_ = 0;
};

using Headers = FieldMap<true>;
using QueryParams = FieldMap<false>;
using Cookies = FieldMap<false>;
using PathParams = FieldMap<false>;

// Whether the comma-separated list `value` (Accept-Encoding, Vary, ...) names `token`, ASCII
// case-insensitively; parameters after ';' are ignored.
bool lists_token(std::string_view value, std::string_view token) noexcept;

// Adds `token` to the comma-separated list in header `name` unless a value of it lists the token
// already. For list headers that several middleware extend (Vary): replacing one would drop what
// the others said. The values end up in one field, as a list's fields may be joined.
void add_token(Headers& headers, std::string_view name, std::string_view token);

}  // namespace lift::http
