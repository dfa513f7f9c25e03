#include "expression.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "decimal.hpp"
#include "errors.hpp"

namespace lift::dynamorm::engine {
namespace {

// DynamoDB refuses longer expressions; the parser's recursion is bounded by the nesting limit.
constexpr std::size_t kMaxExpressionLength = 4096;
constexpr int kMaxNesting = 64;

// ---- Tokens ----

enum class Tok {
  end, identifier, name_ref, value_ref, number, lparen, rparen, lbracket, rbracket, comma, dot,
  eq, ne, lt, le, gt, ge, plus, minus, invalid
};

struct Token {
  Tok kind = Tok::end;
  std::size_t begin = 0;
  std::size_t length = 0;
};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  std::size_t i = 0;
  const auto word_end = [&](std::size_t from) {
    while (from < text.size() && (is_letter(text[from]) || is_digit(text[from]))) ++from;
    return from;
  };
  const auto push = [&](Tok kind, std::size_t begin, std::size_t end) { out.push_back(Token{kind, begin, end - begin}); };
  while (i < text.size()) {
    const char c = text[i];
    const std::size_t start = i;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (is_letter(c)) {
      i = word_end(i + 1);
      push(Tok::identifier, start, i);
    } else if (is_digit(c)) {
      while (i < text.size() && is_digit(text[i])) ++i;
      push(Tok::number, start, i);
    } else if (c == '#' || c == ':') {
      const std::size_t end = word_end(i + 1);
      if (end == i + 1) {
        push(Tok::invalid, start, ++i);
      } else {
        push(c == '#' ? Tok::name_ref : Tok::value_ref, start, end);
        i = end;
      }
    } else if (c == '<' && i + 1 < text.size() && (text[i + 1] == '=' || text[i + 1] == '>')) {
      push(text[i + 1] == '=' ? Tok::le : Tok::ne, start, i + 2);
      i += 2;
    } else if (c == '>' && i + 1 < text.size() && text[i + 1] == '=') {
      push(Tok::ge, start, i + 2);
      i += 2;
    } else {
      Tok kind = Tok::invalid;
      switch (c) {
        case '(': kind = Tok::lparen; break;
        case ')': kind = Tok::rparen; break;
        case '[': kind = Tok::lbracket; break;
        case ']': kind = Tok::rbracket; break;
        case ',': kind = Tok::comma; break;
        case '.': kind = Tok::dot; break;
        case '=': kind = Tok::eq; break;
        case '<': kind = Tok::lt; break;
        case '>': kind = Tok::gt; break;
        case '+': kind = Tok::plus; break;
        case '-': kind = Tok::minus; break;
        default: break;
      }
      ++i;
      // A character outside the language is one token, all of its UTF-8 bytes, so that the
      // message quoting it stays valid UTF-8.
      if (kind == Tok::invalid && (static_cast<unsigned char>(c) & 0xC0) == 0xC0) {
        while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
      }
      push(kind, start, i);
    }
  }
  out.push_back(Token{Tok::end, text.size(), 0});
  return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string type_name(const AttributeValue& value) { return std::string(to_string(value.type())); }

// "{N:5}" as DynamoDB prints a bound in BETWEEN messages.
std::string short_value_text(const AttributeValue& value) {
  std::string out = "{" + type_name(value) + ":";
  if (const auto* s = value.as_string()) out += *s;
  else if (const auto* n = value.as_number()) out += n->text();
  else if (const auto* b = value.as_binary()) out += std::to_string(b->bytes.size()) + " bytes";
  return out + "}";
}

// The word DynamoDB uses for an operand type of ADD and DELETE.
std::string_view update_type_word(AttributeType type) {
  switch (type) {
    case AttributeType::S: return "STRING";
    case AttributeType::N: return "NUMBER";
    case AttributeType::B: return "BINARY";
    case AttributeType::NULL_: return "NULL";
    case AttributeType::BOOL: return "BOOLEAN";
    case AttributeType::L: return "LIST";
    case AttributeType::M: return "MAP";
    case AttributeType::SS: return "STRING_SET";
    case AttributeType::NS: return "NUMBER_SET";
    case AttributeType::BS: return "BINARY_SET";
  }
  return "?";
}

bool is_set(AttributeType type) { return type == AttributeType::SS || type == AttributeType::NS || type == AttributeType::BS; }

bool is_condition_function(std::string_view name) {
  return name == "attribute_exists" || name == "attribute_not_exists" || name == "attribute_type" || name == "begins_with" ||
         name == "contains";
}

// ---- The parser shared by the three languages ----

class Parser {
 public:
  Parser(std::string_view text, std::string_view parameter, Placeholders& placeholders)
      : text_(text), parameter_(parameter), placeholders_(placeholders), tokens_(tokenize(text)) {}

  // Refuses what cannot be parsed at all: too long, empty.
  Result<void> check_text() const {
    if (text_.size() > kMaxExpressionLength)
      return error("Expression size has exceeded the maximum allowed size; expression size: " + std::to_string(text_.size()));
    if (tokens_.size() == 1) return error("The expression can not be empty;");
    return {};
  }

  // ---- conditions ----

  Result<Condition> condition() { return or_condition(0); }

  // ---- updates ----

  Result<UpdateExpression> update() {
    UpdateExpression out;
    bool seen[4] = {false, false, false, false};
    do {
      const Token& token = peek();
      static constexpr std::string_view kSections[] = {"SET", "REMOVE", "ADD", "DELETE"};
      int section = -1;
      if (token.kind == Tok::identifier) {
        for (int i = 0; i < 4; ++i) {
          if (equals_ignoring_case(text_of(token), kSections[i])) section = i;
        }
      }
      if (section < 0) return syntax_error();
      if (seen[section]) semantic("The \"" + std::string(kSections[section]) + "\" section can only be used once in an update expression;");
      seen[section] = true;
      advance();
      for (;;) {
        auto action = update_action(static_cast<UpdateAction::Kind>(section));
        if (!action) return std::move(action).error();
        check_overlap(action->path);
        out.actions.push_back(std::move(*action));
        if (peek().kind != Tok::comma) break;
        advance();
      }
    } while (peek().kind != Tok::end);
    return out;
  }

  // ---- projections ----

  Result<std::vector<Path>> projection() {
    std::vector<Path> out;
    for (;;) {
      auto p = path();
      if (!p) return std::move(p).error();
      check_overlap(*p);
      out.push_back(std::move(*p));
      if (peek().kind != Tok::comma) break;
      advance();
    }
    return out;
  }

  // After a language's rule: the whole text must have been read, and no semantic error found.
  Result<void> finish() const {
    if (peek().kind != Tok::end) return syntax_error();
    if (semantic_) return error(*semantic_);
    return {};
  }

  Error error(std::string detail) const { return validation_error("Invalid " + std::string(parameter_) + ": " + std::move(detail)); }

 private:
  const Token& peek(std::size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  void advance() {
    if (pos_ + 1 < tokens_.size()) ++pos_;
  }
  std::string_view text_of(const Token& token) const { return text_.substr(token.begin, token.length); }
  bool is_keyword(const Token& token, std::string_view word) const {
    return token.kind == Tok::identifier && equals_ignoring_case(text_of(token), word);
  }
  bool is_any_keyword(const Token& token) const {
    return is_keyword(token, "AND") || is_keyword(token, "OR") || is_keyword(token, "NOT") || is_keyword(token, "BETWEEN") ||
           is_keyword(token, "IN");
  }

  Error syntax_error() const {
    const Token& token = peek();
    const std::string found = token.kind == Tok::end ? "<EOF>" : std::string(text_of(token));
    // "near": from the token before to the token after, as DynamoDB quotes it.
    const std::size_t from = pos_ > 0 ? tokens_[pos_ - 1].begin : token.begin;
    const Token& next = peek(1);
    const std::size_t to = token.kind == Tok::end ? token.begin : next.begin + next.length;
    return error("Syntax error; token: \"" + found + "\", near: \"" + std::string(text_.substr(from, to - from)) + "\"");
  }

  // Semantic errors are reported after the whole text parsed, first one wins.
  void semantic(std::string message) {
    if (!semantic_) semantic_ = std::move(message);
  }

  Result<void> expect(Tok kind) {
    if (peek().kind != kind) return syntax_error();
    advance();
    return {};
  }

  // path := element ( '.' element | '[' digits ']' )*
  Result<Path> path() {
    Path out;
    auto first = element();
    if (!first) return std::move(first).error();
    out.push_back(PathStep{std::move(*first), std::nullopt});
    for (;;) {
      if (peek().kind == Tok::dot) {
        advance();
        auto name = element();
        if (!name) return std::move(name).error();
        out.push_back(PathStep{std::move(*name), std::nullopt});
      } else if (peek().kind == Tok::lbracket) {
        advance();
        if (peek().kind != Tok::number) return syntax_error();
        const auto digits = text_of(peek());
        std::size_t index = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
        if (ec != std::errc() || end != digits.data() + digits.size()) return syntax_error();
        advance();
        if (auto closed = expect(Tok::rbracket); !closed) return std::move(closed).error();
        out.push_back(PathStep{{}, index});
      } else {
        return out;
      }
    }
  }

  Result<std::string> element() {
    const Token& token = peek();
    if (token.kind == Tok::identifier) {
      std::string name(text_of(token));
      if (is_reserved_word(name)) semantic("Attribute name is a reserved keyword; reserved keyword: " + name);
      advance();
      return name;
    }
    if (token.kind == Tok::name_ref) {
      const auto placeholder = text_of(token);
      std::string name;
      if (const auto* resolved = placeholders_.name(placeholder)) {
        name = *resolved;
      } else {
        semantic("An expression attribute name used in the document path is not defined; attribute name: " + std::string(placeholder));
      }
      advance();
      return name;
    }
    return syntax_error();
  }

  AttributeValue value_of(const Token& token) {
    const auto placeholder = text_of(token);
    if (const auto* value = placeholders_.value(placeholder)) return *value;
    semantic("An expression attribute value used in expression is not defined; attribute value: " + std::string(placeholder));
    return AttributeValue{};
  }

  bool nest() { return ++depth_ <= kMaxNesting; }
  Error too_deep() const { return error("The expression has too many nested levels"); }

  // condition := and ( OR and )*
  Result<Condition> or_condition(int) {
    auto left = and_condition();
    if (!left) return left;
    while (is_keyword(peek(), "OR")) {
      advance();
      auto right = and_condition();
      if (!right) return right;
      Condition node;
      node.kind = Condition::Kind::or_;
      node.children.push_back(std::move(*left));
      node.children.push_back(std::move(*right));
      left = std::move(node);
    }
    return left;
  }

  Result<Condition> and_condition() {
    auto left = not_condition();
    if (!left) return left;
    while (is_keyword(peek(), "AND")) {
      advance();
      auto right = not_condition();
      if (!right) return right;
      Condition node;
      node.kind = Condition::Kind::and_;
      node.children.push_back(std::move(*left));
      node.children.push_back(std::move(*right));
      left = std::move(node);
    }
    return left;
  }

  Result<Condition> not_condition() {
    if (!nest()) return too_deep();
    Result<Condition> out = Condition{};
    if (is_keyword(peek(), "NOT")) {
      advance();
      auto child = not_condition();
      if (!child) return child;
      Condition node;
      node.kind = Condition::Kind::not_;
      node.children.push_back(std::move(*child));
      out = std::move(node);
    } else {
      out = primary_condition();
    }
    --depth_;
    return out;
  }

  Result<Condition> primary_condition() {
    if (peek().kind == Tok::lparen) {
      advance();
      auto inner = or_condition(0);
      if (!inner) return inner;
      if (auto closed = expect(Tok::rparen); !closed) return std::move(closed).error();
      return inner;
    }
    auto left = operand();
    if (!left) return std::move(left).error();
    const Token& next = peek();
    Condition node;
    if (const auto comparator = comparator_of(next.kind)) {
      advance();
      auto right = operand();
      if (!right) return std::move(right).error();
      node.kind = Condition::Kind::compare;
      node.comparator = *comparator;
      node.operands.push_back(std::move(*left));
      node.operands.push_back(std::move(*right));
      check_misused(node.operands);
      check_distinct(std::string(to_string(*comparator)), node.operands);
      return node;
    }
    if (is_keyword(next, "BETWEEN")) {
      advance();
      auto low = operand();
      if (!low) return std::move(low).error();
      if (!is_keyword(peek(), "AND")) return syntax_error();
      advance();
      auto high = operand();
      if (!high) return std::move(high).error();
      node.kind = Condition::Kind::between;
      node.operands.push_back(std::move(*left));
      node.operands.push_back(std::move(*low));
      node.operands.push_back(std::move(*high));
      check_misused(node.operands);
      check_between(node.operands[1], node.operands[2]);
      return node;
    }
    if (is_keyword(next, "IN")) {
      advance();
      if (auto open = expect(Tok::lparen); !open) return std::move(open).error();
      node.kind = Condition::Kind::in;
      node.operands.push_back(std::move(*left));
      for (;;) {
        auto candidate = operand();
        if (!candidate) return std::move(candidate).error();
        node.operands.push_back(std::move(*candidate));
        if (peek().kind != Tok::comma) break;
        advance();
      }
      if (auto closed = expect(Tok::rparen); !closed) return std::move(closed).error();
      if (node.operands.size() > 101)
        semantic("Too many operands for IN; maximum: 100, number of operands: " + std::to_string(node.operands.size() - 1));
      check_misused(node.operands);
      return node;
    }
    // A function call standing alone is a condition.
    if (left->kind != Operand::Kind::function) return syntax_error();
    if (left->function == "size") {
      semantic("The function is not allowed to be used this way in an expression; function: size");
    }
    node.kind = Condition::Kind::function;
    node.function = std::move(left->function);
    node.operands = std::move(left->args);
    return node;
  }

  static std::optional<Comparator> comparator_of(Tok kind) {
    switch (kind) {
      case Tok::eq: return Comparator::eq;
      case Tok::ne: return Comparator::ne;
      case Tok::lt: return Comparator::lt;
      case Tok::le: return Comparator::le;
      case Tok::gt: return Comparator::gt;
      case Tok::ge: return Comparator::ge;
      default: return std::nullopt;
    }
  }

  // operand := path | :value | name '(' operand (',' operand)* ')'
  Result<Operand> operand() {
    const Token& token = peek();
    Operand out;
    if (token.kind == Tok::value_ref) {
      out.kind = Operand::Kind::value;
      out.value = value_of(token);
      advance();
      return out;
    }
    if (token.kind == Tok::identifier && peek(1).kind == Tok::lparen) {
      if (!nest()) return too_deep();
      out.kind = Operand::Kind::function;
      out.function = std::string(text_of(token));
      advance();
      advance();
      if (peek().kind != Tok::rparen) {
        for (;;) {
          auto argument = operand();
          if (!argument) return argument;
          out.args.push_back(std::move(*argument));
          if (peek().kind != Tok::comma) break;
          advance();
        }
      }
      if (auto closed = expect(Tok::rparen); !closed) return std::move(closed).error();
      --depth_;
      check_misused(out.args);
      check_function(out);
      return out;
    }
    if ((token.kind == Tok::identifier && !is_any_keyword(token)) || token.kind == Tok::name_ref) {
      auto p = path();
      if (!p) return std::move(p).error();
      out.kind = Operand::Kind::path;
      out.path = std::move(*p);
      return out;
    }
    return syntax_error();
  }

  // Only size() may be used where a value is expected.
  void check_misused(const std::vector<Operand>& operands) {
    for (const auto& o : operands) {
      if (o.kind == Operand::Kind::function && o.function != "size" && (is_condition_function(o.function)))
        semantic("The function is not allowed to be used this way in an expression; function: " + o.function);
    }
  }

  void check_distinct(const std::string& name, const std::vector<Operand>& operands) {
    if (operands.size() != 2 || operands[0].kind != Operand::Kind::path || operands[1].kind != Operand::Kind::path) return;
    if (operands[0].path != operands[1].path) return;
    semantic("The first operand must be distinct from the remaining operands for this operator or function; operator: " + name +
             ", first operand: " + path_list_text(operands[0].path));
  }

  void check_between(const Operand& low, const Operand& high) {
    if (low.kind != Operand::Kind::value || high.kind != Operand::Kind::value) return;
    const std::string bounds =
        "lower bound operand: AttributeValue: " + short_value_text(low.value) + ", upper bound operand: AttributeValue: " + short_value_text(high.value);
    if (low.value.type() != high.value.type()) {
      semantic("The BETWEEN operator requires same data type for lower and upper bounds; " + bounds);
    } else if (const auto order = compare_values(low.value, high.value); order && *order > 0) {
      semantic("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; " + bounds);
    }
  }

  // The type an operand is known to have while parsing: a value's, N for size(); none for paths.
  static std::optional<AttributeType> known_type(const Operand& o) {
    if (o.kind == Operand::Kind::value) return o.value.type();
    if (o.kind == Operand::Kind::function && o.function == "size") return AttributeType::N;
    return std::nullopt;
  }

  void check_function(const Operand& call) {
    const std::string& name = call.function;
    std::size_t arity = 0;
    if (name == "attribute_exists" || name == "attribute_not_exists" || name == "size") arity = 1;
    else if (name == "attribute_type" || name == "begins_with" || name == "contains") arity = 2;
    else {
      semantic("Invalid function name; function: " + name);
      return;
    }
    if (call.args.size() != arity) {
      semantic("Incorrect number of operands for operator or function; operator or function: " + name +
               ", number of operands: " + std::to_string(call.args.size()));
      return;
    }
    check_distinct(name, call.args);
    const auto wrong_type = [&](AttributeType type) {
      semantic("Incorrect operand type for operator or function; operator or function: " + name + ", operand type: " +
               std::string(to_string(type)));
    };
    if (name == "attribute_exists" || name == "attribute_not_exists") {
      if (call.args[0].kind != Operand::Kind::path)
        semantic("Operator or function requires a document path; operator or function: " + name);
    } else if (name == "attribute_type") {
      if (call.args[0].kind != Operand::Kind::path) {
        semantic("Operator or function requires a document path; operator or function: " + name);
        return;
      }
      const auto type = known_type(call.args[1]);
      if (type != AttributeType::S) {
        semantic("Incorrect operand type for operator or function; operator or function: attribute_type, operand type: " +
                 (type ? std::string(to_string(*type)) : std::string("{NS,SS,L,BS,N,M,B,BOOL,NULL,S}")));
        return;
      }
      const std::string& wanted = *call.args[1].value.as_string();
      static constexpr std::string_view kTypes[] = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};
      if (std::find(std::begin(kTypes), std::end(kTypes), wanted) == std::end(kTypes))
        semantic("Invalid attribute type name found; type: " + wanted + ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
    } else if (name == "begins_with") {
      for (const auto& argument : call.args) {
        const auto type = known_type(argument);
        if (type && *type != AttributeType::S && *type != AttributeType::B) {
          wrong_type(*type);
          return;
        }
      }
    } else if (name == "size") {
      const auto type = known_type(call.args[0]);
      if (type && (*type == AttributeType::N || *type == AttributeType::BOOL || *type == AttributeType::NULL_)) wrong_type(*type);
    }
  }

  // ---- update actions ----

  Result<UpdateAction> update_action(UpdateAction::Kind kind) {
    UpdateAction action;
    action.kind = kind;
    auto p = path();
    if (!p) return std::move(p).error();
    action.path = std::move(*p);
    switch (kind) {
      case UpdateAction::Kind::set: {
        if (auto eq = expect(Tok::eq); !eq) return std::move(eq).error();
        auto value = set_value();
        if (!value) return std::move(value).error();
        action.value = std::move(*value);
        break;
      }
      case UpdateAction::Kind::remove:
        break;
      case UpdateAction::Kind::add:
      case UpdateAction::Kind::delete_: {
        if (peek().kind != Tok::value_ref) return syntax_error();
        action.operand = value_of(peek());
        advance();
        const bool is_add = kind == UpdateAction::Kind::add;
        const auto type = action.operand.type();
        // An undefined placeholder reads as NULL; its own error is already recorded.
        if (!(is_add && type == AttributeType::N) && !is_set(type))
          semantic(std::string("Incorrect operand type for operator or function; operator: ") + (is_add ? "ADD" : "DELETE") +
                   ", operand type: " + std::string(update_type_word(type)));
        break;
      }
    }
    return action;
  }

  // set_value := set_operand ( ('+' | '-') set_operand )?
  Result<UpdateValue> set_value() {
    auto left = set_operand();
    if (!left) return left;
    if (peek().kind != Tok::plus && peek().kind != Tok::minus) return left;
    const bool plus = peek().kind == Tok::plus;
    advance();
    auto right = set_operand();
    if (!right) return right;
    UpdateValue node;
    node.kind = plus ? UpdateValue::Kind::plus : UpdateValue::Kind::minus;
    node.args.push_back(std::move(*left));
    node.args.push_back(std::move(*right));
    for (const auto& argument : node.args) {
      if (argument.kind == UpdateValue::Kind::value && argument.value.type() != AttributeType::N) {
        semantic(std::string("Incorrect operand type for operator or function; operator or function: ") + (plus ? "+" : "-") +
                 ", operand type: " + type_name(argument.value));
        break;
      }
    }
    return node;
  }

  // set_operand := path | :value | '(' set_value ')' | function '(' set_operand (',' set_operand)* ')'
  Result<UpdateValue> set_operand() {
    const Token& token = peek();
    UpdateValue out;
    if (token.kind == Tok::value_ref) {
      out.kind = UpdateValue::Kind::value;
      out.value = value_of(token);
      advance();
      return out;
    }
    if (token.kind == Tok::lparen) {
      if (!nest()) return too_deep();
      advance();
      auto inner = set_value();
      if (!inner) return inner;
      if (auto closed = expect(Tok::rparen); !closed) return std::move(closed).error();
      --depth_;
      return inner;
    }
    if (token.kind == Tok::identifier && peek(1).kind == Tok::lparen) {
      if (!nest()) return too_deep();
      const std::string name(text_of(token));
      advance();
      advance();
      std::vector<UpdateValue> args;
      if (peek().kind != Tok::rparen) {
        for (;;) {
          auto argument = set_operand();
          if (!argument) return argument;
          args.push_back(std::move(*argument));
          if (peek().kind != Tok::comma) break;
          advance();
        }
      }
      if (auto closed = expect(Tok::rparen); !closed) return std::move(closed).error();
      --depth_;
      if (name == "if_not_exists") out.kind = UpdateValue::Kind::if_not_exists;
      else if (name == "list_append") out.kind = UpdateValue::Kind::list_append;
      else {
        semantic("Invalid function name; function: " + name);
        return out;
      }
      if (args.size() != 2) {
        semantic("Incorrect number of operands for operator or function; operator or function: " + name +
                 ", number of operands: " + std::to_string(args.size()));
      } else if (out.kind == UpdateValue::Kind::if_not_exists && args[0].kind != UpdateValue::Kind::path) {
        semantic("Operator or function requires a document path; operator or function: if_not_exists");
      } else if (out.kind == UpdateValue::Kind::list_append) {
        for (const auto& argument : args) {
          if (argument.kind == UpdateValue::Kind::value && argument.value.type() != AttributeType::L) {
            semantic("Incorrect operand type for operator or function; operator or function: list_append, operand type: " +
                     type_name(argument.value));
            break;
          }
        }
      }
      out.args = std::move(args);
      return out;
    }
    if (token.kind == Tok::identifier || token.kind == Tok::name_ref) {
      auto p = path();
      if (!p) return std::move(p).error();
      out.kind = UpdateValue::Kind::path;
      out.path = std::move(*p);
      return out;
    }
    return syntax_error();
  }

  // Paths written by one update or read by one projection may not overlap or conflict.
  void check_overlap(const Path& path) {
    for (const auto& seen : paths_) {
      bool diverged = false;
      for (std::size_t i = 0; i < seen.size() && i < path.size(); ++i) {
        if (seen[i].index.has_value() != path[i].index.has_value()) {
          semantic("Two document paths conflict with each other; must remove or rewrite one of these paths; path one: " +
                   path_list_text(seen) + ", path two: " + path_list_text(path));
          return;
        }
        if (seen[i] != path[i]) {
          diverged = true;
          break;
        }
      }
      if (!diverged) {
        semantic("Two document paths overlap with each other; must remove or rewrite one of these paths; path one: " +
                 path_list_text(seen) + ", path two: " + path_list_text(path));
        return;
      }
    }
    paths_.push_back(path);
  }

  std::string_view text_;
  std::string_view parameter_;
  Placeholders& placeholders_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::optional<std::string> semantic_;
  std::vector<Path> paths_;
};

// ---- Evaluation ----

// An operand's value: borrowed from the item or the expression, or computed (size()).
struct Resolved {
  const AttributeValue* borrowed = nullptr;
  std::optional<AttributeValue> owned;
  [[nodiscard]] const AttributeValue* get() const { return owned ? &*owned : borrowed; }
};

std::size_t size_of_value(const AttributeValue& value, bool& ok) {
  ok = true;
  switch (value.type()) {
    case AttributeType::S: return value.as_string()->size();
    case AttributeType::B: return value.as_binary()->bytes.size();
    case AttributeType::SS: return value.as_string_set()->size();
    case AttributeType::NS: return value.as_number_set()->size();
    case AttributeType::BS: return value.as_binary_set()->size();
    case AttributeType::L: return value.as_list()->size();
    case AttributeType::M: return value.as_map()->size();
    default: ok = false; return 0;
  }
}

Resolved resolve_operand(const Operand& operand, const AttributeMap& item) {
  Resolved out;
  switch (operand.kind) {
    case Operand::Kind::path: out.borrowed = resolve(item, operand.path); break;
    case Operand::Kind::value: out.borrowed = &operand.value; break;
    case Operand::Kind::function:
      if (operand.function == "size" && operand.args.size() == 1) {
        const Resolved inner = resolve_operand(operand.args[0], item);
        if (const auto* value = inner.get()) {
          bool ok = false;
          const std::size_t size = size_of_value(*value, ok);
          if (ok) out.owned = AttributeValue::number(size);
        }
      }
      break;
  }
  return out;
}

bool compare_with(Comparator comparator, const AttributeValue* a, const AttributeValue* b) {
  if (a == nullptr || b == nullptr) return comparator == Comparator::ne && (a != nullptr || b != nullptr);
  if (comparator == Comparator::eq) return *a == *b;
  if (comparator == Comparator::ne) return !(*a == *b);
  const auto order = compare_values(*a, *b);
  if (!order) return false;
  switch (comparator) {
    case Comparator::lt: return *order < 0;
    case Comparator::le: return *order <= 0;
    case Comparator::gt: return *order > 0;
    case Comparator::ge: return *order >= 0;
    default: return false;
  }
}

bool begins_with(const AttributeValue& value, const AttributeValue& prefix) {
  if (const auto* s = value.as_string(); s != nullptr && prefix.as_string() != nullptr) return s->starts_with(*prefix.as_string());
  if (const auto* b = value.as_binary(); b != nullptr && prefix.as_binary() != nullptr)
    return b->bytes.starts_with(prefix.as_binary()->bytes);
  return false;
}

bool contains(const AttributeValue& value, const AttributeValue& operand) {
  switch (value.type()) {
    case AttributeType::S:
      return operand.as_string() != nullptr && value.as_string()->find(*operand.as_string()) != std::string::npos;
    case AttributeType::B:
      return operand.as_binary() != nullptr && value.as_binary()->bytes.find(operand.as_binary()->bytes) != std::string::npos;
    case AttributeType::SS: {
      const auto* s = operand.as_string();
      return s != nullptr && std::find(value.as_string_set()->begin(), value.as_string_set()->end(), *s) != value.as_string_set()->end();
    }
    case AttributeType::NS: {
      const auto* n = operand.as_number();
      return n != nullptr && std::find(value.as_number_set()->begin(), value.as_number_set()->end(), *n) != value.as_number_set()->end();
    }
    case AttributeType::BS: {
      const auto* b = operand.as_binary();
      return b != nullptr && std::find(value.as_binary_set()->begin(), value.as_binary_set()->end(), *b) != value.as_binary_set()->end();
    }
    case AttributeType::L:
      return std::find(value.as_list()->begin(), value.as_list()->end(), operand) != value.as_list()->end();
    default:
      return false;
  }
}

// ---- Updating ----

Error invalid_update_path() { return validation_error("The document path provided in the update expression is invalid for update"); }
Error wrong_operand_type() { return validation_error("An operand in the update expression has an incorrect data type"); }

// The container that holds the last step of `path`: the item itself, or a map or list value.
struct Parent {
  AttributeMap* map = nullptr;
  AttributeList* list = nullptr;
};

std::optional<Parent> parent_of(AttributeMap& item, const Path& path) {
  if (path.size() == 1) return Parent{&item, nullptr};
  const auto top = item.find(path.front().name);
  if (top == item.end()) return std::nullopt;
  AttributeValue* current = &top->second;
  for (std::size_t i = 1; i + 1 < path.size(); ++i) {
    const auto& step = path[i];
    if (step.index) {
      auto* list = current->as_list();
      if (list == nullptr || *step.index >= list->size()) return std::nullopt;
      current = &(*list)[*step.index];
    } else {
      auto* map = current->as_map();
      if (map == nullptr) return std::nullopt;
      const auto found = map->find(step.name);
      if (found == map->end()) return std::nullopt;
      current = &found->second;
    }
  }
  if (path.back().index) {
    if (auto* list = current->as_list()) return Parent{nullptr, list};
    return std::nullopt;
  }
  if (auto* map = current->as_map()) return Parent{map, nullptr};
  return std::nullopt;
}

AttributeValue* child_of(const Parent& parent, const PathStep& step) {
  if (parent.map != nullptr) {
    const auto found = parent.map->find(step.name);
    return found == parent.map->end() ? nullptr : &found->second;
  }
  if (step.index && *step.index < parent.list->size()) return &(*parent.list)[*step.index];
  return nullptr;
}

Result<void> assign(AttributeMap& item, const Path& path, AttributeValue value) {
  const auto parent = parent_of(item, path);
  if (!parent) return invalid_update_path();
  if (parent->map != nullptr) {
    parent->map->insert_or_assign(path.back().name, std::move(value));
  } else if (*path.back().index < parent->list->size()) {
    (*parent->list)[*path.back().index] = std::move(value);
  } else {
    parent->list->push_back(std::move(value));  // past the end: appended, as DynamoDB does
  }
  return {};
}

Result<void> remove_at(AttributeMap& item, const Path& path) {
  const auto parent = parent_of(item, path);
  if (!parent) return invalid_update_path();
  if (parent->map != nullptr) {
    parent->map->erase(path.back().name);
  } else if (*path.back().index < parent->list->size()) {
    parent->list->erase(parent->list->begin() + static_cast<std::ptrdiff_t>(*path.back().index));
  }
  return {};
}

template <class T>
void add_members(std::vector<T>& into, const std::vector<T>& from) {
  for (const auto& member : from) {
    if (std::find(into.begin(), into.end(), member) == into.end()) into.push_back(member);
  }
}

template <class T>
void remove_members(std::vector<T>& from, const std::vector<T>& members) {
  std::erase_if(from, [&](const T& m) { return std::find(members.begin(), members.end(), m) != members.end(); });
}

Result<void> add_to(AttributeMap& item, const Path& path, const AttributeValue& operand) {
  const auto parent = parent_of(item, path);
  if (!parent) return invalid_update_path();
  AttributeValue* existing = child_of(*parent, path.back());
  if (existing == nullptr) return assign(item, path, operand);
  if (existing->type() != operand.type()) return wrong_operand_type();
  switch (operand.type()) {
    case AttributeType::N: {
      auto sum = add(*existing->as_number(), *operand.as_number());
      if (!sum) return std::move(sum).error();
      *existing = AttributeValue::number(std::move(*sum));
      return {};
    }
    case AttributeType::SS: add_members(*existing->as_string_set(), *operand.as_string_set()); return {};
    case AttributeType::NS: add_members(*existing->as_number_set(), *operand.as_number_set()); return {};
    case AttributeType::BS: add_members(*existing->as_binary_set(), *operand.as_binary_set()); return {};
    default: return wrong_operand_type();
  }
}

Result<void> delete_from(AttributeMap& item, const Path& path, const AttributeValue& operand) {
  const auto parent = parent_of(item, path);
  if (!parent) return invalid_update_path();
  AttributeValue* existing = child_of(*parent, path.back());
  if (existing == nullptr) return {};
  if (existing->type() != operand.type()) return wrong_operand_type();
  bool empty = false;
  switch (operand.type()) {
    case AttributeType::SS:
      remove_members(*existing->as_string_set(), *operand.as_string_set());
      empty = existing->as_string_set()->empty();
      break;
    case AttributeType::NS:
      remove_members(*existing->as_number_set(), *operand.as_number_set());
      empty = existing->as_number_set()->empty();
      break;
    case AttributeType::BS:
      remove_members(*existing->as_binary_set(), *operand.as_binary_set());
      empty = existing->as_binary_set()->empty();
      break;
    default: return wrong_operand_type();
  }
  // DynamoDB has no empty sets: removing the last member removes the attribute.
  if (empty) return remove_at(item, path);
  return {};
}

Result<AttributeValue> compute(const UpdateValue& value, const AttributeMap& before) {
  switch (value.kind) {
    case UpdateValue::Kind::value: return value.value;
    case UpdateValue::Kind::path: {
      const auto* found = resolve(before, value.path);
      if (found == nullptr) return validation_error("The provided expression refers to an attribute that does not exist in the item");
      return *found;
    }
    case UpdateValue::Kind::if_not_exists: {
      if (const auto* found = resolve(before, value.args[0].path)) return *found;
      return compute(value.args[1], before);
    }
    case UpdateValue::Kind::plus:
    case UpdateValue::Kind::minus: {
      auto a = compute(value.args[0], before);
      if (!a) return a;
      auto b = compute(value.args[1], before);
      if (!b) return b;
      if (a->as_number() == nullptr || b->as_number() == nullptr) return wrong_operand_type();
      auto result = value.kind == UpdateValue::Kind::plus ? add(*a->as_number(), *b->as_number()) : subtract(*a->as_number(), *b->as_number());
      if (!result) return std::move(result).error();
      return AttributeValue::number(std::move(*result));
    }
    case UpdateValue::Kind::list_append: {
      auto a = compute(value.args[0], before);
      if (!a) return a;
      auto b = compute(value.args[1], before);
      if (!b) return b;
      if (a->as_list() == nullptr || b->as_list() == nullptr) return wrong_operand_type();
      AttributeList joined = *a->as_list();
      joined.insert(joined.end(), b->as_list()->begin(), b->as_list()->end());
      return AttributeValue::list(std::move(joined));
    }
  }
  return wrong_operand_type();
}

// Orders paths so that, within one list, higher indexes come first: removing them one by one
// then removes the elements the expression named (indexes refer to the list before the update).
bool removes_before(const Path& a, const Path& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (a[i].index && b[i].index) return *a[i].index > *b[i].index;
    return a[i].name < b[i].name;
  }
  return a.size() > b.size();
}

// ---- Projection ----

struct Node {
  const AttributeValue* leaf = nullptr;
  std::map<std::string, Node, std::less<>> members;
  std::map<std::size_t, Node> elements;
};

AttributeValue build(const Node& node, const AttributeValue& original) {
  if (node.leaf != nullptr) return *node.leaf;
  if (original.as_list() != nullptr) {
    AttributeList list;
    for (const auto& [index, child] : node.elements) list.push_back(build(child, (*original.as_list())[index]));
    return AttributeValue::list(std::move(list));
  }
  AttributeMap map;
  for (const auto& [name, child] : node.members) map.emplace(name, build(child, original.as_map()->at(name)));
  return AttributeValue::map(std::move(map));
}

}  // namespace

// ---- Paths and placeholders ----

std::string path_text(const Path& path) {
  std::string out;
  for (const auto& step : path) {
    if (step.index) {
      out += '[';
      out += std::to_string(*step.index);
      out += ']';
    } else {
      if (!out.empty()) out += '.';
      out += step.name;
    }
  }
  return out;
}

std::string path_list_text(const Path& path) {
  std::string out = "[";
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i > 0) out += ", ";
    if (path[i].index) {
      out += '[';
      out += std::to_string(*path[i].index);
      out += ']';
    } else {
      out += path[i].name;
    }
  }
  return out + "]";
}

const std::string* Placeholders::name(std::string_view placeholder) {
  const auto found = names_.find(placeholder);
  if (found == names_.end()) return nullptr;
  used_names_.emplace(placeholder);
  return &found->second;
}

const AttributeValue* Placeholders::value(std::string_view placeholder) {
  const auto found = values_.find(placeholder);
  if (found == values_.end()) return nullptr;
  used_values_.emplace(placeholder);
  return &found->second;
}

Result<void> Placeholders::check_unused() const {
  const auto unused = [](const auto& all, const auto& used) {
    std::string keys;
    for (const auto& entry : all) {
      if (used.contains(entry.first)) continue;
      if (!keys.empty()) keys += ", ";
      keys += entry.first;
    }
    return keys;
  };
  if (auto keys = unused(names_, used_names_); !keys.empty())
    return validation_error("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + keys + "}");
  if (auto keys = unused(values_, used_values_); !keys.empty())
    return validation_error("Value provided in ExpressionAttributeValues unused in expressions: keys: {" + keys + "}");
  return {};
}

std::string_view to_string(Comparator comparator) {
  switch (comparator) {
    case Comparator::eq: return "=";
    case Comparator::ne: return "<>";
    case Comparator::lt: return "<";
    case Comparator::le: return "<=";
    case Comparator::gt: return ">";
    case Comparator::ge: return ">=";
  }
  return "?";
}

// ---- Conditions ----

Result<Condition> parse_condition(std::string_view text, std::string_view parameter, Placeholders& placeholders) {
  Parser parser(text, parameter, placeholders);
  if (auto ok = parser.check_text(); !ok) return std::move(ok).error();
  auto condition = parser.condition();
  if (!condition) return condition;
  if (auto done = parser.finish(); !done) return std::move(done).error();
  return condition;
}

const AttributeValue* resolve(const AttributeMap& item, const Path& path) {
  if (path.empty() || path.front().index) return nullptr;
  const auto top = item.find(path.front().name);
  if (top == item.end()) return nullptr;
  const AttributeValue* current = &top->second;
  for (std::size_t i = 1; i < path.size(); ++i) {
    const auto& step = path[i];
    if (step.index) {
      const auto* list = current->as_list();
      if (list == nullptr || *step.index >= list->size()) return nullptr;
      current = &(*list)[*step.index];
    } else {
      const auto* map = current->as_map();
      if (map == nullptr) return nullptr;
      const auto found = map->find(step.name);
      if (found == map->end()) return nullptr;
      current = &found->second;
    }
  }
  return current;
}

bool evaluate(const Condition& condition, const AttributeMap& item) {
  switch (condition.kind) {
    case Condition::Kind::and_: return evaluate(condition.children[0], item) && evaluate(condition.children[1], item);
    case Condition::Kind::or_: return evaluate(condition.children[0], item) || evaluate(condition.children[1], item);
    case Condition::Kind::not_: return !evaluate(condition.children[0], item);
    case Condition::Kind::compare: {
      const Resolved a = resolve_operand(condition.operands[0], item);
      const Resolved b = resolve_operand(condition.operands[1], item);
      return compare_with(condition.comparator, a.get(), b.get());
    }
    case Condition::Kind::between: {
      const Resolved a = resolve_operand(condition.operands[0], item);
      const Resolved low = resolve_operand(condition.operands[1], item);
      const Resolved high = resolve_operand(condition.operands[2], item);
      return compare_with(Comparator::ge, a.get(), low.get()) && compare_with(Comparator::le, a.get(), high.get());
    }
    case Condition::Kind::in: {
      const Resolved a = resolve_operand(condition.operands[0], item);
      if (a.get() == nullptr) return false;
      for (std::size_t i = 1; i < condition.operands.size(); ++i) {
        const Resolved candidate = resolve_operand(condition.operands[i], item);
        if (candidate.get() != nullptr && *candidate.get() == *a.get()) return true;
      }
      return false;
    }
    case Condition::Kind::function: {
      const auto& name = condition.function;
      const Resolved first = resolve_operand(condition.operands[0], item);
      if (name == "attribute_exists") return first.get() != nullptr;
      if (name == "attribute_not_exists") return first.get() == nullptr;
      const Resolved second = resolve_operand(condition.operands[1], item);
      if (first.get() == nullptr || second.get() == nullptr) return false;
      if (name == "attribute_type") {
        const auto* wanted = second.get()->as_string();
        return wanted != nullptr && to_string(first.get()->type()) == *wanted;
      }
      if (name == "begins_with") return begins_with(*first.get(), *second.get());
      if (name == "contains") return contains(*first.get(), *second.get());
      return false;
    }
  }
  return false;
}

void collect_heads(const Condition& condition, std::set<std::string>& heads, std::set<std::string>& nested_heads) {
  const auto visit = [&](const auto& self, const Operand& operand) -> void {
    if (operand.kind == Operand::Kind::path && !operand.path.empty()) {
      heads.insert(operand.path.front().name);
      if (operand.path.size() > 1) nested_heads.insert(operand.path.front().name);
    }
    for (const auto& argument : operand.args) self(self, argument);
  };
  for (const auto& operand : condition.operands) visit(visit, operand);
  for (const auto& child : condition.children) collect_heads(child, heads, nested_heads);
}

// ---- Key conditions ----

namespace {

Error key_error(std::string detail) { return validation_error(std::move(detail)); }

Comparator mirrored(Comparator comparator) {
  switch (comparator) {
    case Comparator::lt: return Comparator::gt;
    case Comparator::le: return Comparator::ge;
    case Comparator::gt: return Comparator::lt;
    case Comparator::ge: return Comparator::le;
    default: return comparator;
  }
}

struct KeyPart {
  std::string name;
  KeyCondition::Sort sort;  // the condition, whatever the key
};

Result<void> split_key_condition(const Condition& condition, std::vector<KeyPart>& parts) {
  switch (condition.kind) {
    case Condition::Kind::and_:
      for (const auto& child : condition.children) {
        if (auto ok = split_key_condition(child, parts); !ok) return ok;
      }
      return {};
    case Condition::Kind::or_: return key_error("Invalid operator used in KeyConditionExpression: OR");
    case Condition::Kind::not_: return key_error("Invalid operator used in KeyConditionExpression: NOT");
    case Condition::Kind::in: return key_error("Invalid operator used in KeyConditionExpression: IN");
    default: break;
  }
  if (condition.kind == Condition::Kind::compare && condition.comparator == Comparator::ne)
    return key_error("Invalid operator used in KeyConditionExpression: <>");
  if (condition.kind == Condition::Kind::function && condition.function != "begins_with")
    return key_error("Invalid operator used in KeyConditionExpression: " + condition.function);
  for (const auto& operand : condition.operands) {
    if (operand.kind == Operand::Kind::function) return key_error("KeyConditionExpressions cannot contain nested operations");
  }
  if ((condition.kind == Condition::Kind::between || condition.kind == Condition::Kind::function) &&
      condition.operands[0].kind != Operand::Kind::path) {
    return key_error(std::string("Invalid condition in KeyConditionExpression: ") +
                     (condition.kind == Condition::Kind::between ? "BETWEEN" : "begins_with") +
                     " operator must have the key attribute as its first operand");
  }
  KeyPart part;
  part.sort.kind = condition.kind;
  part.sort.comparator = condition.comparator;
  std::size_t path_index = condition.operands.size();
  for (std::size_t i = 0; i < condition.operands.size(); ++i) {
    const auto& operand = condition.operands[i];
    if (operand.kind == Operand::Kind::path) {
      if (path_index != condition.operands.size())
        return key_error("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
      if (operand.path.size() > 1) return key_error("KeyConditionExpressions cannot have conditions on nested attributes");
      path_index = i;
      part.name = operand.path.front().name;
    } else {
      part.sort.values.push_back(operand.value);
    }
  }
  if (path_index == condition.operands.size()) return key_error("Invalid condition in KeyConditionExpression: No key attribute specified");
  if (path_index != 0) part.sort.comparator = mirrored(part.sort.comparator);  // `:v < SK` is `SK > :v`
  for (const auto& seen : parts) {
    if (seen.name == part.name) return key_error("KeyConditionExpressions must only contain one condition per key");
  }
  part.sort.name = part.name;
  parts.push_back(std::move(part));
  return {};
}

}  // namespace

Result<KeyCondition> key_condition(const Condition& condition, const KeySchemaView& schema) {
  std::vector<KeyPart> parts;
  if (auto ok = split_key_condition(condition, parts); !ok) return std::move(ok).error();
  if (parts.size() > 2) return key_error("Conditions can be of length 1 or 2 only");
  if (!schema.sort_name && parts.size() > 1) return key_error("Query key condition not supported");
  KeyCondition out;
  const KeyPart* partition = nullptr;
  const KeyPart* sort = nullptr;
  for (const auto& part : parts) {
    if (part.name == schema.partition_name) partition = &part;
    else if (schema.sort_name && part.name == *schema.sort_name) sort = &part;
  }
  if (partition == nullptr) return key_error("Query condition missed key schema element: " + schema.partition_name);
  if (parts.size() == 2 && sort == nullptr) return key_error("Query condition missed key schema element: " + *schema.sort_name);
  const auto type_matches = [](const KeyPart& part, AttributeType type) {
    return std::all_of(part.sort.values.begin(), part.sort.values.end(), [&](const AttributeValue& v) { return v.type() == type; });
  };
  if (!type_matches(*partition, schema.partition_type) || (sort != nullptr && !type_matches(*sort, schema.sort_type)))
    return key_error("One or more parameter values were invalid: Condition parameter type does not match schema type");
  if (partition->sort.kind != Condition::Kind::compare || partition->sort.comparator != Comparator::eq)
    return key_error("Query key condition not supported");
  out.partition_name = partition->name;
  out.partition_value = partition->sort.values.front();
  if (sort != nullptr) out.sort = sort->sort;
  return out;
}

bool matches(const KeyCondition::Sort& sort, const AttributeValue& value) {
  switch (sort.kind) {
    case Condition::Kind::compare: return compare_with(sort.comparator, &value, &sort.values[0]);
    case Condition::Kind::between:
      return compare_with(Comparator::ge, &value, &sort.values[0]) && compare_with(Comparator::le, &value, &sort.values[1]);
    case Condition::Kind::function: return begins_with(value, sort.values[0]);
    default: return false;
  }
}

// ---- Updates ----

Result<UpdateExpression> parse_update(std::string_view text, Placeholders& placeholders) {
  Parser parser(text, "UpdateExpression", placeholders);
  if (auto ok = parser.check_text(); !ok) return std::move(ok).error();
  auto update = parser.update();
  if (!update) return update;
  if (auto done = parser.finish(); !done) return std::move(done).error();
  return update;
}

Result<void> apply_update(const UpdateExpression& update, AttributeMap& item) {
  const AttributeMap before = item;
  std::vector<std::pair<const UpdateAction*, AttributeValue>> sets;
  for (const auto& action : update.actions) {
    if (action.kind != UpdateAction::Kind::set) continue;
    auto value = compute(action.value, before);
    if (!value) return std::move(value).error();
    sets.emplace_back(&action, std::move(*value));
  }
  for (auto& [action, value] : sets) {
    if (auto ok = assign(item, action->path, std::move(value)); !ok) return ok;
  }
  std::vector<const Path*> removes;
  for (const auto& action : update.actions) {
    Result<void> ok;
    switch (action.kind) {
      case UpdateAction::Kind::add: ok = add_to(item, action.path, action.operand); break;
      case UpdateAction::Kind::delete_: ok = delete_from(item, action.path, action.operand); break;
      case UpdateAction::Kind::remove: removes.push_back(&action.path); break;
      case UpdateAction::Kind::set: break;
    }
    if (!ok) return ok;
  }
  std::sort(removes.begin(), removes.end(), [](const Path* a, const Path* b) { return removes_before(*a, *b); });
  for (const auto* path : removes) {
    if (auto ok = remove_at(item, *path); !ok) return ok;
  }
  return {};
}

std::vector<Path> updated_paths(const UpdateExpression& update) {
  std::vector<Path> out;
  out.reserve(update.actions.size());
  for (const auto& action : update.actions) out.push_back(action.path);
  return out;
}

// ---- Projections ----

Result<std::vector<Path>> parse_projection(std::string_view text, Placeholders& placeholders) {
  Parser parser(text, "ProjectionExpression", placeholders);
  if (auto ok = parser.check_text(); !ok) return std::move(ok).error();
  auto paths = parser.projection();
  if (!paths) return paths;
  if (auto done = parser.finish(); !done) return std::move(done).error();
  return paths;
}

AttributeMap project(const AttributeMap& item, const std::vector<Path>& paths) {
  Node root;
  for (const auto& path : paths) {
    const AttributeValue* value = resolve(item, path);
    if (value == nullptr) continue;
    Node* node = &root.members[path.front().name];
    for (std::size_t i = 1; i < path.size(); ++i) {
      if (node->leaf != nullptr) break;  // an overlapping shorter path already takes the whole value
      node = path[i].index ? &node->elements[*path[i].index] : &node->members[path[i].name];
    }
    node->leaf = value;
  }
  AttributeMap out;
  for (const auto& [name, node] : root.members) out.emplace(name, build(node, item.at(name)));
  return out;
}

// ---- Values ----

std::optional<int> compare_values(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return std::nullopt;
  const auto sign = [](auto order) { return order < 0 ? -1 : (order > 0 ? 1 : 0); };
  if (const auto* s = a.as_string()) return sign(s->compare(*b.as_string()));
  if (const auto* n = a.as_number()) return sign(*n <=> *b.as_number());
  if (const auto* bytes = a.as_binary()) return sign(bytes->bytes.compare(b.as_binary()->bytes));
  return std::nullopt;
}

}  // namespace lift::dynamorm::engine
