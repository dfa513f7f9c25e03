#include "lift/dynamorm/attribute_value.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <limits>
#include <system_error>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/decimal.hpp"
#include "lift/core/json_text.hpp"

namespace lift::dynamorm {

namespace {

constexpr std::size_t kMaxDigits = 38;
// value = 0.d1d2... × 10^exponent; DynamoDB's range is 1E-130 .. 9.99...E+125.
constexpr long kMinExponent = -129;
constexpr long kMaxExponent = 126;

// DynamoDB's number text, within its limits; the problem when it is not one.
std::optional<Decimal> decompose(std::string_view text, std::string* problem) {
  const auto fail = [&](std::string why) -> std::optional<Decimal> {
    if (problem != nullptr) *problem = std::move(why);
    return std::nullopt;
  };
  auto d = parse_decimal(text);
  if (!d) return fail(d.error().message);
  if (d->sign == 0) return std::move(*d);  // zero, whatever its sign and exponent
  if (d->digits.size() > kMaxDigits) return fail("number has more than 38 significant digits");
  if (d->exponent > kMaxExponent) return fail("number magnitude larger than 9.9999999999999999999999999999999999999E+125");
  if (d->exponent < kMinExponent) return fail("number magnitude smaller than 1E-130");
  return std::move(*d);
}

// Valid numbers only (a Number always holds one).
Decimal decomposed(const std::string& text) { return decompose(text, nullptr).value_or(Decimal{}); }

Error invalid(const std::string& path, std::string problem) {
  std::string message = path.empty() ? problem : path + ": " + problem;
  return Error{"InvalidAttributeValue", std::move(message), 400, {ErrorDetail{path, std::move(problem)}}};
}

constexpr std::array<std::string_view, 10> kTypeNames{"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};

std::optional<AttributeType> type_named(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) return static_cast<AttributeType>(i);
  }
  return std::nullopt;
}

std::string key_path(const std::string& path, std::string_view key) {
  std::string out = path;
  out += '[';
  append_json_string(out, key);
  out += ']';
  return out;
}

std::string member_path(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

// The sorted distinct members of a set, for set comparison.
template <class T>
std::vector<T> distinct(const std::vector<T>& members) {
  std::vector<T> out = members;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

class Reader {
 public:
  explicit Reader(const ReadOptions& options) : options_(options) {}

  Result<AttributeValue> value(const boost::json::value& json, const std::string& path, int depth) {
    if (depth > options_.max_depth) return invalid(path, "nested deeper than " + std::to_string(options_.max_depth) + " levels");
    const auto* object = json.if_object();
    if (object == nullptr) return invalid(path, "expected an object with one type key");
    if (object->size() != 1) {
      return invalid(path, object->empty() ? "expected one type key, found none" : "expected one type key, found " + std::to_string(object->size()));
    }
    const auto& entry = *object->begin();
    const std::string_view name(entry.key().data(), entry.key().size());
    const auto type = type_named(name);
    const std::string at = member_path(path, name);
    if (!type) {
      std::string problem = "unknown attribute type \"";
      problem.append(name.substr(0, 32)).append("\"");
      return invalid(path, std::move(problem));
    }
    const auto& payload = entry.value();
    switch (*type) {
      case AttributeType::S: {
        const auto* s = payload.if_string();
        if (s == nullptr) return invalid(at, "expected a string");
        return AttributeValue::string(std::string(s->data(), s->size()));
      }
      case AttributeType::N: {
        auto n = number(payload, at);
        if (!n) return std::move(n).error();
        return AttributeValue::number(std::move(*n));
      }
      case AttributeType::B: {
        auto b = binary(payload, at);
        if (!b) return std::move(b).error();
        return AttributeValue::binary(std::move(b->bytes));
      }
      case AttributeType::BOOL:
        if (!payload.is_bool()) return invalid(at, "expected true or false");
        return AttributeValue::boolean(payload.get_bool());
      case AttributeType::NULL_:
        if (!payload.is_bool() || !payload.get_bool()) return invalid(at, "expected true");
        return AttributeValue::null();
      case AttributeType::M: {
        const auto* m = payload.if_object();
        if (m == nullptr) return invalid(at, "expected an object");
        auto item = map(*m, at, depth + 1);
        if (!item) return std::move(item).error();
        return AttributeValue::map(std::move(*item));
      }
      case AttributeType::L: {
        const auto* l = payload.if_array();
        if (l == nullptr) return invalid(at, "expected an array");
        AttributeList list;
        list.reserve(l->size());
        for (std::size_t i = 0; i < l->size(); ++i) {
          auto element = value((*l)[i], at + "[" + std::to_string(i) + "]", depth + 1);
          if (!element) return std::move(element).error();
          list.push_back(std::move(*element));
        }
        return AttributeValue::list(std::move(list));
      }
      case AttributeType::SS:
        return set<std::string>(payload, at, [](const boost::json::value& v, const std::string& p) -> Result<std::string> {
          const auto* s = v.if_string();
          if (s == nullptr) return invalid(p, "expected a string");
          return std::string(s->data(), s->size());
        });
      case AttributeType::NS:
        return set<Number>(payload, at, [](const boost::json::value& v, const std::string& p) { return number(v, p); });
      case AttributeType::BS:
        return set<Binary>(payload, at, [](const boost::json::value& v, const std::string& p) { return binary(v, p); });
    }
    return invalid(path, "unknown attribute type");
  }

  Result<AttributeMap> map(const boost::json::object& object, const std::string& path, int depth) {
    AttributeMap out;
    for (const auto& entry : object) {
      const std::string_view key(entry.key().data(), entry.key().size());
      auto v = value(entry.value(), key_path(path, key), depth);
      if (!v) return std::move(v).error();
      out.emplace(std::string(key), std::move(*v));
    }
    return out;
  }

 private:
  static Result<Number> number(const boost::json::value& v, const std::string& path) {
    const auto* s = v.if_string();
    if (s == nullptr) return invalid(path, "expected a number as a string");
    auto n = Number::parse(std::string_view(s->data(), s->size()));
    if (!n) return invalid(path, n.error().message);
    return n;
  }

  static Result<Binary> binary(const boost::json::value& v, const std::string& path) {
    const auto* s = v.if_string();
    if (s == nullptr) return invalid(path, "expected base64 text");
    auto bytes = base64::decode(std::string_view(s->data(), s->size()));
    if (!bytes) return invalid(path, "invalid base64");
    return Binary{std::move(*bytes)};
  }

  template <class T, class ReadMember>
  Result<AttributeValue> set(const boost::json::value& payload, const std::string& path, ReadMember read_member) {
    const auto* a = payload.if_array();
    if (a == nullptr) return invalid(path, "expected an array");
    if (a->empty() && !options_.allow_empty_sets) return invalid(path, "empty set");
    std::vector<T> members;
    members.reserve(a->size());
    for (std::size_t i = 0; i < a->size(); ++i) {
      auto member = read_member((*a)[i], path + "[" + std::to_string(i) + "]");
      if (!member) return std::move(member).error();
      members.push_back(std::move(*member));
    }
    if (!options_.allow_repeated_set_members && distinct(members).size() != members.size()) {
      return invalid(path, "set has repeated members");
    }
    if constexpr (std::is_same_v<T, std::string>) return AttributeValue::string_set(std::move(members));
    else if constexpr (std::is_same_v<T, Number>) return AttributeValue::number_set(std::move(members));
    else return AttributeValue::binary_set(std::move(members));
  }

  const ReadOptions& options_;
};

boost::json::string json_string(std::string_view text, boost::json::storage_ptr storage) {
  return boost::json::string(text.data(), text.size(), std::move(storage));
}

}  // namespace

// ---- Number ----

Result<Number> Number::parse(std::string_view text) {
  std::string problem;
  if (!decompose(text, &problem)) return Error{"InvalidAttributeValue", std::move(problem), 400};
  return Number(std::string(text), 0);
}

namespace {
// Plain integer text (the common case) reads directly; anything else goes through the decimal.
template <class I>
std::optional<I> read_plain_integer(const std::string& text) {
  I out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return out;
}
}  // namespace

std::optional<std::int64_t> Number::as_int64() const {
  if (auto plain = read_plain_integer<std::int64_t>(text_)) return plain;
  const Decimal d = decomposed(text_);
  if (d.sign == 0) return 0;
  if (d.exponent < static_cast<long>(d.digits.size()) || d.exponent > 19) return std::nullopt;
  std::string whole = d.sign < 0 ? "-" : "";
  whole += d.digits;
  whole.append(static_cast<std::size_t>(d.exponent) - d.digits.size(), '0');
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), out);
  if (ec != std::errc() || end != whole.data() + whole.size()) return std::nullopt;
  return out;
}

std::optional<std::uint64_t> Number::as_uint64() const {
  if (auto plain = read_plain_integer<std::uint64_t>(text_)) return plain;
  const Decimal d = decomposed(text_);
  if (d.sign == 0) return 0;
  if (d.sign < 0 || d.exponent < static_cast<long>(d.digits.size()) || d.exponent > 20) return std::nullopt;
  std::string whole = d.digits;
  whole.append(static_cast<std::size_t>(d.exponent) - d.digits.size(), '0');
  std::uint64_t out = 0;
  const auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), out);
  if (ec != std::errc() || end != whole.data() + whole.size()) return std::nullopt;
  return out;
}

double Number::as_double() const {
  std::string_view text = text_;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);  // from_chars takes no '+'
  double out = 0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

bool operator==(const Number& a, const Number& b) {
  return a.text_ == b.text_ || decomposed(a.text_) == decomposed(b.text_);
}

std::strong_ordering operator<=>(const Number& a, const Number& b) {
  return decomposed(a.text_) <=> decomposed(b.text_);
}

// ---- AttributeValue ----

std::string_view to_string(AttributeType type) noexcept {
  const auto i = static_cast<std::size_t>(type);
  return i < kTypeNames.size() ? kTypeNames[i] : std::string_view("?");
}

bool operator==(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case AttributeType::SS:
      return distinct(*a.as_string_set()) == distinct(*b.as_string_set());
    case AttributeType::NS:
      return distinct(*a.as_number_set()) == distinct(*b.as_number_set());
    case AttributeType::BS:
      return distinct(*a.as_binary_set()) == distinct(*b.as_binary_set());
    default:
      return a.value_ == b.value_;
  }
}

Result<AttributeValue> from_dynamodb_json(const boost::json::value& json, const ReadOptions& options) {
  return Reader(options).value(json, "", 0);
}

Result<AttributeMap> item_from_dynamodb_json(const boost::json::value& json, const ReadOptions& options) {
  const auto* object = json.if_object();
  if (object == nullptr) return invalid("", "expected an object of attributes");
  return Reader(options).map(*object, "", 0);
}

boost::json::value to_dynamodb_json(const AttributeValue& value, boost::json::storage_ptr storage) {
  boost::json::object out(storage);
  const std::string_view tag = to_string(value.type());
  const auto key = boost::json::string_view(tag.data(), tag.size());
  switch (value.type()) {
    case AttributeType::S:
      out.emplace(key, json_string(*value.as_string(), storage));
      break;
    case AttributeType::N:
      out.emplace(key, json_string(value.as_number()->text(), storage));
      break;
    case AttributeType::B:
      out.emplace(key, json_string(base64::encode(value.as_binary()->bytes), storage));
      break;
    case AttributeType::BOOL:
      out.emplace(key, *value.as_bool());
      break;
    case AttributeType::NULL_:
      out.emplace(key, true);
      break;
    case AttributeType::M:
      out.emplace(key, item_to_dynamodb_json(*value.as_map(), storage));
      break;
    case AttributeType::L: {
      boost::json::array list(storage);
      list.reserve(value.as_list()->size());
      for (const auto& element : *value.as_list()) list.push_back(to_dynamodb_json(element, storage));
      out.emplace(key, std::move(list));
      break;
    }
    case AttributeType::SS: {
      boost::json::array set(storage);
      for (const auto& member : *value.as_string_set()) set.emplace_back(json_string(member, storage));
      out.emplace(key, std::move(set));
      break;
    }
    case AttributeType::NS: {
      boost::json::array set(storage);
      for (const auto& member : *value.as_number_set()) set.emplace_back(json_string(member.text(), storage));
      out.emplace(key, std::move(set));
      break;
    }
    case AttributeType::BS: {
      boost::json::array set(storage);
      for (const auto& member : *value.as_binary_set()) set.emplace_back(json_string(base64::encode(member.bytes), storage));
      out.emplace(key, std::move(set));
      break;
    }
  }
  return out;
}

boost::json::value item_to_dynamodb_json(const AttributeMap& item, boost::json::storage_ptr storage) {
  boost::json::object out(storage);
  out.reserve(item.size());
  for (const auto& [name, value] : item) out.emplace(name, to_dynamodb_json(value, storage));
  return out;
}

Result<void> lift_from_json(const boost::json::value& json, AttributeValue& out) {
  auto value = from_dynamodb_json(json, ReadOptions{.allow_empty_sets = true, .allow_repeated_set_members = true});
  if (!value) return std::move(value).error();
  out = std::move(*value);
  return {};
}

boost::json::value lift_to_json(const AttributeValue& value) { return to_dynamodb_json(value); }

}  // namespace lift::dynamorm
