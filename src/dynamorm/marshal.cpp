#include "lift/dynamorm/marshal.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "lift/dynamorm/model.hpp"

namespace lift::dynamorm {

std::string attribute_name(std::string_view member, Naming naming) {
  if (naming == Naming::exact || member == "PK" || member == "SK") return std::string(member);
  std::string out;
  out.reserve(member.size() + 4);
  if (naming == Naming::camel_case) {
    bool upper_next = false;
    for (const char c : member) {
      if (c == '_') {
        upper_next = !out.empty();
        continue;
      }
      const auto u = static_cast<unsigned char>(c);
      if (out.empty()) out += static_cast<char>(std::tolower(u));
      else out += upper_next ? static_cast<char>(std::toupper(u)) : c;
      upper_next = false;
    }
    return out;
  }
  // snake_case: a capital starts a word, except inside a run of capitals (`userID` → `user_id`).
  for (std::size_t i = 0; i < member.size(); ++i) {
    const auto u = static_cast<unsigned char>(member[i]);
    if (std::isupper(u)) {
      const bool after_lower = i > 0 && (std::islower(static_cast<unsigned char>(member[i - 1])) ||
                                         std::isdigit(static_cast<unsigned char>(member[i - 1])));
      const bool before_lower = i > 0 && i + 1 < member.size() && std::isupper(static_cast<unsigned char>(member[i - 1])) &&
                                std::islower(static_cast<unsigned char>(member[i + 1]));
      if ((after_lower || before_lower) && !out.empty() && out.back() != '_') out += '_';
      out += static_cast<char>(std::tolower(u));
    } else {
      out += member[i];
    }
  }
  return out;
}

namespace detail {

std::vector<std::size_t> sorted_ranks(const std::vector<std::string>& names) {
  std::vector<std::size_t> order(names.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Stable, so repeated names (a model mistake check() reports) still get distinct ranks.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return names[a] < names[b]; });
  std::vector<std::size_t> ranks(names.size());
  for (std::size_t r = 0; r < order.size(); ++r) ranks[order[r]] = r;
  return ranks;
}

std::string render_path(const Path* path) {
  std::vector<const Path*> chain;
  for (const Path* p = path; p != nullptr; p = p->parent) chain.push_back(p);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const Path& p = **it;
    switch (p.kind) {
      case Path::Kind::attribute:
        if (!out.empty()) out += '.';
        out += p.name;
        break;
      case Path::Kind::index:
        out += '[' + std::to_string(p.index) + ']';
        break;
      case Path::Kind::key:
        out += "[\"";
        out += p.name;
        out += "\"]";
        break;
    }
  }
  return out;
}

void Problems::add(const Path* at, std::string message) {
  if (full()) return;
  details_.push_back(ErrorDetail{render_path(at), std::move(message)});
}

Error Problems::error() && {
  const auto& first = details_.front();
  std::string message = first.field.empty() ? first.message : first.field + ": " + first.message;
  Error e{std::string(kValidation), std::move(message), 400};
  e.details = std::move(details_);
  return e;
}

std::optional<Number> number_from_double(double value) {
  if (!std::isfinite(value)) return std::nullopt;
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest round trip
  auto n = Number::parse(std::string_view(buffer, static_cast<std::size_t>(result.ptr - buffer)));
  if (!n) return std::nullopt;
  return *n;
}

std::optional<Number> number_from_float(float value) {
  if (!std::isfinite(value)) return std::nullopt;
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  auto n = Number::parse(std::string_view(buffer, static_cast<std::size_t>(result.ptr - buffer)));
  if (!n) return std::nullopt;
  return *n;
}

std::string integer_range_message(std::int64_t min, std::uint64_t max) {
  return "expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

std::string type_mismatch(std::string_view expected, const AttributeValue& got) {
  return "expected " + std::string(expected) + ", got " + std::string(to_string(got.type()));
}

std::string enum_names_message(const std::string_view* names, std::size_t count) {
  std::string out = "expected one of";
  for (std::size_t i = 0; i < count; ++i) {
    out += i == 0 ? " " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace detail

// ---- model schema ----

const IndexSchema* ModelSchema::index(std::string_view name) const {
  for (const auto& ix : indexes)
    if (ix.name == name) return &ix;
  return nullptr;
}

void ModelSchema::refresh() {
  std::vector<std::string> attributes;
  attributes.reserve(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    auto& f = fields[i];
    if (!f.renamed) f.attribute = attribute_name(f.member, naming);
    codecs[i].attribute = f.attribute;
    attributes.push_back(f.attribute);
  }
  const auto ranks = detail::sorted_ranks(attributes);
  for (std::size_t i = 0; i < codecs.size(); ++i) codecs[i].rank = ranks[i];
  for (auto& ix : indexes) {
    if (ix.partition_field) ix.partition_attribute = fields[*ix.partition_field].attribute;
    else if (partition_key) ix.partition_attribute = fields[*partition_key].attribute;
    if (ix.sort_field) ix.sort_attribute = fields[*ix.sort_field].attribute;
  }
  if (!partition_key) return;
  // An LSI's partition key is the table's, whenever it was declared.
  for (auto& ix : indexes) {
    if (!ix.global) {
      ix.partition_attribute = fields[*partition_key].attribute;
      ix.partition_type = fields[*partition_key].key_type;
    }
  }
}

Result<void> ModelSchema::check() const {
  if (problem) return validation_error("invalid model " + table + ": " + *problem);
  if (table.size() < 3) return validation_error("invalid model: table name \"" + table + "\" is shorter than 3 characters");
  if (!partition_key) return validation_error("invalid model " + table + ": no partition key");
  for (const auto slot : {partition_key, sort_key}) {
    if (slot && fields[*slot].key_type == 0)
      return validation_error("invalid model " + table + ": key member " + fields[*slot].member + " is not a string, number or binary");
  }
  for (std::size_t i = 0; i < fields.size(); ++i)
    for (std::size_t j = i + 1; j < fields.size(); ++j)
      if (fields[i].attribute == fields[j].attribute)
        return validation_error("invalid model " + table + ": members " + fields[i].member + " and " + fields[j].member +
                                " share the attribute name " + fields[i].attribute);
  for (const auto& ix : indexes) {
    if (ix.global && !ix.partition_field) return validation_error("invalid model " + table + ": index " + ix.name + " has no partition key");
    if (ix.partition_type == 0) return validation_error("invalid model " + table + ": index " + ix.name + " has a key that is not S, N or B");
    if (!ix.global && !ix.sort_attribute) return validation_error("invalid model " + table + ": local index " + ix.name + " has no sort key");
    if (tenant && ix.global && ix.partition_type != 'S')
      return validation_error("invalid model " + table + ": a tenant-scoped index partition key must be a string (" + ix.name + ")");
  }
  if (tenant && fields[*partition_key].key_type != 'S')
    return validation_error("invalid model " + table + ": a tenant-scoped partition key must be a string");
  // Ciphertext is different on every write: it cannot be looked up, sorted or stamped.
  for (const auto& f : fields)
    if (f.encrypted && f.role != Role::none)
      return validation_error("invalid model " + table + ": encrypted member " + f.member + " cannot be a key or hold a role");
  for (const auto& ix : indexes)
    for (const auto field : {ix.partition_field, ix.sort_field})
      if (field && fields[*field].encrypted)
        return validation_error("invalid model " + table + ": encrypted member " + fields[*field].member + " cannot be a key of index " + ix.name);
  return {};
}

bool ModelSchema::encrypted(std::string_view attribute) const {
  for (const auto& f : fields)
    if (f.encrypted && f.attribute == attribute) return true;
  return false;
}

bool ModelSchema::has_encrypted() const {
  for (const auto& f : fields)
    if (f.encrypted) return true;
  return false;
}

}  // namespace lift::dynamorm
