#include "lift/dynamorm/expression.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "lift/dynamorm/marshal.hpp"

namespace lift::dynamorm {

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

Condition Condition::make(Kind kind, std::string path, std::vector<AttributeValue> values, Op op) {
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
      auto n = e.name(path_);
      return n + " " + std::string(op_text(op_)) + " " + e.value(values_.at(0));
    }
    case Kind::compare_size: {
      auto n = e.name(path_);
      return "size(" + n + ") " + std::string(op_text(op_)) + " " + e.value(values_.at(0));
    }
    case Kind::between: {
      auto n = e.name(path_);
      auto low = e.value(values_.at(0));
      return n + " BETWEEN " + low + " AND " + e.value(values_.at(1));
    }
    case Kind::in: {
      std::string out = e.name(path_);
      out += " IN (";
      for (std::size_t i = 0; i < values_.size(); ++i) {
        if (i > 0) out += ", ";
        out += e.value(values_[i]);
      }
      return out + ")";
    }
    case Kind::exists:
      return "attribute_exists(" + e.name(path_) + ")";
    case Kind::not_exists:
      return "attribute_not_exists(" + e.name(path_) + ")";
    case Kind::begins_with: {
      auto n = e.name(path_);
      return "begins_with(" + n + ", " + e.value(values_.at(0)) + ")";
    }
    case Kind::contains: {
      auto n = e.name(path_);
      return "contains(" + n + ", " + e.value(values_.at(0)) + ")";
    }
    case Kind::type: {
      auto n = e.name(path_);
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

Condition Attr::compare(Condition::Op op, Operand v) const {
  return Condition::make(Condition::Kind::compare, path_, {std::move(v).value()}, op);
}

Condition attribute_exists(std::string path) { return Condition::make(Condition::Kind::exists, std::move(path), {}); }
Condition attribute_not_exists(std::string path) { return Condition::make(Condition::Kind::not_exists, std::move(path), {}); }
Condition attribute_type(std::string path, AttributeType type) {
  return Condition::make(Condition::Kind::type, std::move(path), {AttributeValue::string(std::string(to_string(type)))});
}
Condition begins_with(std::string path, Operand prefix) {
  return Condition::make(Condition::Kind::begins_with, std::move(path), {std::move(prefix).value()});
}
Condition contains(std::string path, Operand value) {
  return Condition::make(Condition::Kind::contains, std::move(path), {std::move(value).value()});
}
Condition between(std::string path, Operand low, Operand high) {
  return Condition::make(Condition::Kind::between, std::move(path), {std::move(low).value(), std::move(high).value()});
}
Condition in(std::string path, std::vector<AttributeValue> values) {
  return Condition::make(Condition::Kind::in, std::move(path), std::move(values));
}
Condition size_is(std::string path, Condition::Op op, std::int64_t n) {
  return Condition::make(Condition::Kind::compare_size, std::move(path), {AttributeValue::number(n)}, op);
}

// ---- updates ----

Update& Update::set(std::string path, Operand value) {
  actions_.push_back({Action::set, std::move(path), std::move(value).value()});
  return *this;
}
Update& Update::set_if_not_exists(std::string path, Operand value) {
  actions_.push_back({Action::set_if_not_exists, std::move(path), std::move(value).value()});
  return *this;
}
Update& Update::append(std::string path, AttributeList items) {
  actions_.push_back({Action::append, std::move(path), AttributeValue::list(std::move(items))});
  return *this;
}
Update& Update::prepend(std::string path, AttributeList items) {
  actions_.push_back({Action::prepend, std::move(path), AttributeValue::list(std::move(items))});
  return *this;
}
Update& Update::increment(std::string path, std::int64_t by) {
  actions_.push_back({Action::increment, std::move(path), AttributeValue::number(by)});
  return *this;
}
Update& Update::add(std::string path, Operand value) {
  actions_.push_back({Action::add, std::move(path), std::move(value).value()});
  return *this;
}
Update& Update::remove(std::string path) {
  actions_.push_back({Action::remove, std::move(path), {}});
  return *this;
}
Update& Update::delete_from_set(std::string path, Operand set) {
  actions_.push_back({Action::delete_, std::move(path), std::move(set).value()});
  return *this;
}

bool Update::touches(std::string_view path) const {
  for (const auto& a : actions_)
    if (a.path == path) return true;
  return false;
}

std::string Update::render(Expressions& e) const {
  std::string set, add, remove, del;
  const auto append_to = [](std::string& clause, const std::string& text) {
    if (!clause.empty()) clause += ", ";
    clause += text;
  };
  for (const auto& a : actions_) {
    const std::string n = e.name(a.path);
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
