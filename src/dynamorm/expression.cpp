#include "lift/dynamorm/expression.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>

#include "lift/dynamorm/errors.hpp"
#include "lift/dynamorm/marshal.hpp"
#include "lift/dynamorm/model.hpp"

namespace lift::dynamorm {

// ---- attribute paths ----

namespace {

// The first segment of a path: `a` of `a.b[2]`.
std::string_view first_segment(std::string_view path) { return path.substr(0, path.find_first_of(".[")); }

std::string lower_letters(std::string_view s) {
  std::string out;
  for (const char c : s)
    if (c != '_' && c != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Optimal string alignment distance, for "did you mean".
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.size()];
}

// "x is not an attribute of table t (did you mean y?)": the member of that name first, then
// names equal but for case and underscores, then names a couple of edits away from that;
// every attribute when none is close.
Error not_an_attribute(const ModelSchema& schema, std::string_view name) {
  std::vector<std::string> close;
  const auto suggest = [&close](const std::string& attribute) {
    if (std::find(close.begin(), close.end(), attribute) == close.end()) close.push_back(attribute);
  };
  for (const auto& f : schema.fields)
    if (f.member == name) suggest(f.attribute);
  const auto folded = lower_letters(name);
  for (const auto& f : schema.fields)
    if (lower_letters(f.attribute) == folded || lower_letters(f.member) == folded) suggest(f.attribute);
  const std::size_t tolerance = name.size() < 5 ? 1 : 2;
  for (const auto& f : schema.fields)
    if (distance(folded, lower_letters(f.attribute)) <= tolerance) suggest(f.attribute);
  std::string message = std::string(name) + " is not an attribute of table " + schema.table;
  if (!close.empty()) {
    message += " (did you mean ";
    for (std::size_t i = 0; i < close.size(); ++i) message += (i == 0 ? "" : " or ") + close[i];
    message += "?)";
  } else {
    message += " (its attributes: ";
    for (std::size_t i = 0; i < schema.fields.size(); ++i) message += (i == 0 ? "" : ", ") + schema.fields[i].attribute;
    message += "; use raw(\"" + std::string(name) + "\") for one the model does not declare)";
  }
  return validation_error(std::move(message));
}

}  // namespace

Result<std::string> AttributePath::resolve(const ModelSchema& schema) const {
  switch (kind_) {
    case Kind::raw:
      return text_;
    case Kind::member:
      if (schema.type == nullptr || model_ == nullptr || *schema.type != *model_)
        return validation_error("member " + text_ + " belongs to another type than the model of table " + schema.table);
      if (member_ >= schema.fields.size()) return validation_error("a member given to table " + schema.table + " is not described");
      return schema.fields[member_].attribute;
    case Kind::path:
      break;
  }
  const auto first = first_segment(text_);
  if (first.empty()) return validation_error("an empty attribute path given to table " + schema.table);
  for (const auto& f : schema.fields)
    if (f.attribute == first) return text_;
  return not_an_attribute(schema, first);
}

Operand::Operand(double v) {
  if (auto n = detail::number_from_double(v)) value_ = AttributeValue::number(std::move(*n));
}

// ---- placeholders ----

std::string Expressions::name_literal(std::string_view attribute) {
  if (const auto found = by_name_.find(attribute); found != by_name_.end()) return found->second;
  std::string placeholder = "#n" + std::to_string(by_name_.size());
  by_name_.emplace(std::string(attribute), placeholder);
  names_.emplace(placeholder, std::string(attribute));
  return placeholder;
}

std::string Expressions::name(std::string_view path) {
  // Each segment between dots gets a placeholder; `[n]` list indexes are kept as written.
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const auto close = path.find(']', i);
      const auto stop = close == std::string_view::npos ? path.size() : close + 1;
      out += path.substr(i, stop - i);
      i = stop;
    } else if (path[i] == '.') {
      out += '.';
      ++i;
    } else {
      auto stop = path.find_first_of(".[", i);
      if (stop == std::string_view::npos) stop = path.size();
      out += name_literal(path.substr(i, stop - i));
      i = stop;
    }
  }
  return out;
}

std::string Expressions::value(AttributeValue v) {
  std::string placeholder = ":v" + std::to_string(values_.size());
  values_.emplace(placeholder, std::move(v));
  return placeholder;
}

std::string Expressions::render(const Condition& condition) { return condition.render(*this); }
std::string Expressions::render(const Update& update) { return update.render(*this); }

void Expressions::apply(boost::json::object& request) const {
  if (!names_.empty()) {
    boost::json::object names;
    for (const auto& [placeholder, attribute] : names_) names.emplace(placeholder, attribute);
    request["ExpressionAttributeNames"] = std::move(names);
  }
  if (!values_.empty()) request["ExpressionAttributeValues"] = item_to_dynamodb_json(values_);
}

// ---- conditions ----

Condition Condition::make(Kind kind, AttributePath path, std::vector<AttributeValue> values, Op op) {
  Condition c;
  c.kind_ = kind;
  c.op_ = op;
  c.path_ = std::move(path);
  c.values_ = std::move(values);
  return c;
}

Condition operator&&(Condition a, Condition b) {
  Condition c;
  c.kind_ = Condition::Kind::and_;
  c.children_.push_back(std::move(a));
  c.children_.push_back(std::move(b));
  return c;
}

Condition operator||(Condition a, Condition b) {
  Condition c;
  c.kind_ = Condition::Kind::or_;
  c.children_.push_back(std::move(a));
  c.children_.push_back(std::move(b));
  return c;
}

Condition operator!(Condition a) {
  Condition c;
  c.kind_ = Condition::Kind::not_;
  c.children_.push_back(std::move(a));
  return c;
}

namespace {
std::string_view op_text(Condition::Op op) {
  switch (op) {
    case Condition::Op::eq: return "=";
    case Condition::Op::ne: return "<>";
    case Condition::Op::lt: return "<";
    case Condition::Op::le: return "<=";
    case Condition::Op::gt: return ">";
    case Condition::Op::ge: return ">=";
  }
  return "=";
}
}  // namespace

std::string Condition::render(Expressions& e) const {
  switch (kind_) {
    case Kind::compare: {
      auto n = e.name(path_.text());
      return n + " " + std::string(op_text(op_)) + " " + e.value(values_.at(0));
    }
    case Kind::compare_size: {
      auto n = e.name(path_.text());
      return "size(" + n + ") " + std::string(op_text(op_)) + " " + e.value(values_.at(0));
    }
    case Kind::between: {
      auto n = e.name(path_.text());
      auto low = e.value(values_.at(0));
      return n + " BETWEEN " + low + " AND " + e.value(values_.at(1));
    }
    case Kind::in: {
      std::string out = e.name(path_.text());
      out += " IN (";
      for (std::size_t i = 0; i < values_.size(); ++i) {
        if (i > 0) out += ", ";
        out += e.value(values_[i]);
      }
      return out + ")";
    }
    case Kind::exists:
      return "attribute_exists(" + e.name(path_.text()) + ")";
    case Kind::not_exists:
      return "attribute_not_exists(" + e.name(path_.text()) + ")";
    case Kind::begins_with: {
      auto n = e.name(path_.text());
      return "begins_with(" + n + ", " + e.value(values_.at(0)) + ")";
    }
    case Kind::contains: {
      auto n = e.name(path_.text());
      return "contains(" + n + ", " + e.value(values_.at(0)) + ")";
    }
    case Kind::type: {
      auto n = e.name(path_.text());
      return "attribute_type(" + n + ", " + e.value(values_.at(0)) + ")";
    }
    case Kind::and_:
    case Kind::or_: {
      auto left = children_.at(0).render(e);
      auto right = children_.at(1).render(e);
      return "(" + left + (kind_ == Kind::and_ ? " AND " : " OR ") + right + ")";
    }
    case Kind::not_:
      return "(NOT " + children_.at(0).render(e) + ")";
  }
  return {};
}

Result<Condition> Condition::bind(const ModelSchema& schema) const {
  Condition out = *this;
  if (kind_ == Kind::and_ || kind_ == Kind::or_ || kind_ == Kind::not_) {
    for (auto& child : out.children_) {
      auto bound = child.bind(schema);
      if (!bound) return std::move(bound).error();
      child = std::move(*bound);
    }
    return out;
  }
  auto path = path_.resolve(schema);
  if (!path) return std::move(path).error();
  out.path_ = AttributePath::raw(std::move(*path));
  return out;
}

Condition Attr::compare(Condition::Op op, Operand v) const {
  return Condition::make(Condition::Kind::compare, path_, {std::move(v).value()}, op);
}

Condition attribute_exists(AttributePath path) { return Condition::make(Condition::Kind::exists, std::move(path), {}); }
Condition attribute_not_exists(AttributePath path) { return Condition::make(Condition::Kind::not_exists, std::move(path), {}); }
Condition attribute_type(AttributePath path, AttributeType type) {
  return Condition::make(Condition::Kind::type, std::move(path), {AttributeValue::string(std::string(to_string(type)))});
}
Condition begins_with(AttributePath path, Operand prefix) {
  return Condition::make(Condition::Kind::begins_with, std::move(path), {std::move(prefix).value()});
}
Condition contains(AttributePath path, Operand value) {
  return Condition::make(Condition::Kind::contains, std::move(path), {std::move(value).value()});
}
Condition between(AttributePath path, Operand low, Operand high) {
  return Condition::make(Condition::Kind::between, std::move(path), {std::move(low).value(), std::move(high).value()});
}
Condition in(AttributePath path, std::vector<AttributeValue> values) {
  return Condition::make(Condition::Kind::in, std::move(path), std::move(values));
}
Condition size_is(AttributePath path, Condition::Op op, std::int64_t n) {
  return Condition::make(Condition::Kind::compare_size, std::move(path), {AttributeValue::number(n)}, op);
}

// ---- updates ----

Update& Update::set(AttributePath path, Operand value) {
  actions_.push_back({Action::set, std::move(path), std::move(value).value()});
  return *this;
}
Update& Update::set_if_not_exists(AttributePath path, Operand value) {
  actions_.push_back({Action::set_if_not_exists, std::move(path), std::move(value).value()});
  return *this;
}
Update& Update::append(AttributePath path, AttributeList items) {
  actions_.push_back({Action::append, std::move(path), AttributeValue::list(std::move(items))});
  return *this;
}
Update& Update::prepend(AttributePath path, AttributeList items) {
  actions_.push_back({Action::prepend, std::move(path), AttributeValue::list(std::move(items))});
  return *this;
}
Update& Update::increment(AttributePath path, std::int64_t by) {
  actions_.push_back({Action::increment, std::move(path), AttributeValue::number(by)});
  return *this;
}
Update& Update::add(AttributePath path, Operand value) {
  actions_.push_back({Action::add, std::move(path), std::move(value).value()});
  return *this;
}
Update& Update::remove(AttributePath path) {
  actions_.push_back({Action::remove, std::move(path), {}});
  return *this;
}
Update& Update::delete_from_set(AttributePath path, Operand set) {
  actions_.push_back({Action::delete_, std::move(path), std::move(set).value()});
  return *this;
}

bool Update::touches(std::string_view path) const {
  for (const auto& a : actions_)
    if (a.path.text() == path) return true;
  return false;
}

Result<Update> Update::bind(const ModelSchema& schema) const {
  Update out;
  out.actions_.reserve(actions_.size());
  for (const auto& a : actions_) {
    auto path = a.path.resolve(schema);
    if (!path) return std::move(path).error();
    Clause bound{a.action, AttributePath::raw(std::move(*path)), a.value, {}};
    if (a.encode) {
      // The member's own options: its time format (a TTL is epoch seconds) and the naming of
      // nested structs.
      TimeFormat time = TimeFormat::rfc3339;
      for (std::size_t i = 0; i < schema.fields.size(); ++i)
        if (schema.fields[i].attribute == bound.path.text() && i < schema.codecs.size()) time = schema.codecs[i].time;
      auto value = a.encode(schema.naming, time);
      if (!value) return std::move(value).error();
      if (!*value) {
        // Stored as no attribute: setting it removes it; the rest change nothing.
        if (a.action == Action::set) out.actions_.push_back({Action::remove, std::move(bound.path), {}, {}});
        continue;
      }
      bound.value = std::move(**value);
    }
    out.actions_.push_back(std::move(bound));
  }
  return out;
}

std::string Update::render(Expressions& e) const {
  std::string set, add, remove, del;
  const auto append_to = [](std::string& clause, const std::string& text) {
    if (!clause.empty()) clause += ", ";
    clause += text;
  };
  for (const auto& a : actions_) {
    const std::string n = e.name(a.path.text());
    switch (a.action) {
      case Action::set:
        append_to(set, n + " = " + e.value(a.value));
        break;
      case Action::set_if_not_exists:
        append_to(set, n + " = if_not_exists(" + n + ", " + e.value(a.value) + ")");
        break;
      case Action::append: {
        const auto empty = e.value(AttributeValue::list({}));
        append_to(set, n + " = list_append(if_not_exists(" + n + ", " + empty + "), " + e.value(a.value) + ")");
        break;
      }
      case Action::prepend: {
        const auto empty = e.value(AttributeValue::list({}));
        append_to(set, n + " = list_append(" + e.value(a.value) + ", if_not_exists(" + n + ", " + empty + "))");
        break;
      }
      case Action::increment: {
        const auto zero = e.value(AttributeValue::number(0));
        append_to(set, n + " = if_not_exists(" + n + ", " + zero + ") + " + e.value(a.value));
        break;
      }
      case Action::add:
        append_to(add, n + " " + e.value(a.value));
        break;
      case Action::remove:
        append_to(remove, n);
        break;
      case Action::delete_:
        append_to(del, n + " " + e.value(a.value));
        break;
    }
  }
  std::string out;
  const auto clause = [&out](std::string_view keyword, const std::string& body) {
    if (body.empty()) return;
    if (!out.empty()) out += ' ';
    out += keyword;
    out += ' ';
    out += body;
  };
  clause("SET", set);
  clause("REMOVE", remove);
  clause("ADD", add);
  clause("DELETE", del);
  return out;
}

// ---- key conditions ----

std::string render_key_condition(Expressions& e, std::string_view partition_attribute, AttributeValue partition,
                                 std::string_view sort_attribute, const std::optional<SortKey>& sort) {
  std::string out = e.name_literal(partition_attribute);
  out += " = " + e.value(std::move(partition));
  if (!sort) return out;
  const std::string n = e.name_literal(sort_attribute);
  out += " AND ";
  switch (sort->op) {
    case SortKey::Op::eq: return out + n + " = " + e.value(sort->value);
    case SortKey::Op::lt: return out + n + " < " + e.value(sort->value);
    case SortKey::Op::le: return out + n + " <= " + e.value(sort->value);
    case SortKey::Op::gt: return out + n + " > " + e.value(sort->value);
    case SortKey::Op::ge: return out + n + " >= " + e.value(sort->value);
    case SortKey::Op::between: {
      auto low = e.value(sort->value);
      return out + n + " BETWEEN " + low + " AND " + e.value(sort->high);
    }
    case SortKey::Op::begins_with: return out + "begins_with(" + n + ", " + e.value(sort->value) + ")";
  }
  return out;
}

}  // namespace lift::dynamorm
