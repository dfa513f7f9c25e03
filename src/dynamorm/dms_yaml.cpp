#include "dms_yaml.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <exception>
#include <optional>
#include <sstream>
#include <system_error>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

namespace lift::dynamorm::dms::detail {

Error located(std::string_view code, std::string_view source, int line, std::string path, std::string problem) {
  std::string message(source.empty() ? "<dms>" : source);
  if (line > 0) message += ":" + std::to_string(line);
  message += ": ";
  if (!path.empty()) message += path + ": ";
  message += problem;
  return Error{std::string(code), std::move(message), 400, {ErrorDetail{std::move(path), std::move(problem)}}};
}

bool TreeReader::fail(const YamlNode& at, std::string path, std::string problem) {
  if (!error) error = located(code_, source_, at.line, std::move(path), std::move(problem));
  return false;
}

bool TreeReader::expect_map(const YamlNode& node, const std::string& path, std::initializer_list<std::string_view> allowed) {
  if (node.kind != YamlNode::Kind::map) return fail(node, path, "expected a map");
  for (const auto& [key, value] : node.entries) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string list;
    for (const auto a : allowed) {
      if (!list.empty()) list += ", ";
      list += a;
    }
    return fail(value, join(path, key), "unknown field (expected one of: " + list + ")");
  }
  return true;
}

std::optional<std::string> TreeReader::string(const YamlNode& map, const std::string& path, std::string_view key, bool required) {
  const auto* v = map.find(key);
  if (v == nullptr) {
    if (required) fail(map, join(path, key), "required");
    return std::nullopt;
  }
  if (v->kind != YamlNode::Kind::scalar) {
    fail(*v, join(path, key), "expected a string");
    return std::nullopt;
  }
  if (v->text.empty()) {
    fail(*v, join(path, key), "must not be empty");
    return std::nullopt;
  }
  return v->text;
}

bool TreeReader::boolean(const YamlNode& node, const std::string& path, bool& out) {
  if (node.kind != YamlNode::Kind::scalar || !node.plain || (node.text != "true" && node.text != "false"))
    return fail(node, path, "expected true or false");
  out = node.text == "true";
  return true;
}

bool TreeReader::boolean(const YamlNode& map, const std::string& path, std::string_view key, bool& out) {
  const auto* v = map.find(key);
  return v == nullptr || boolean(*v, join(path, key), out);
}

std::string TreeReader::join(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string joined = path;
  joined += '.';
  joined += key;
  return joined;
}

namespace {

// Builds the tree from parser events. A problem stops the building (the first one is kept);
// later events are ignored.
class TreeBuilder : public YAML::EventHandler {
 public:
  std::optional<YamlNode> root;
  std::optional<std::pair<int, std::string>> problem;  // line, text

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (!check(mark, "", anchor)) return;
    YamlNode n;
    n.line = mark.line + 1;
    add(std::move(n));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { fail(mark, "aliases are not allowed (JSON-compatible YAML only)"); }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    if (!check(mark, tag, anchor)) return;
    YamlNode n;
    n.kind = YamlNode::Kind::scalar;
    n.text = value;
    n.plain = tag == "?";
    n.line = mark.line + 1;
    add(std::move(n));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, YamlNode::Kind::sequence);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, YamlNode::Kind::map);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YamlNode node;
    std::optional<std::string> key;  // maps: the key read, waiting for its value
  };
  std::vector<Frame> stack_;
  int skipped_depth_ = 0;  // after a problem: nesting still open

  void fail(const YAML::Mark& mark, std::string why) {
    if (!problem) problem.emplace(mark.line + 1, std::move(why));
  }
  bool check(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    if (problem) return false;
    if (anchor != YAML::NullAnchor) fail(mark, "anchors are not allowed (JSON-compatible YAML only)");
    else if (!tag.empty() && tag != "?" && tag != "!") fail(mark, "tags are not allowed (JSON-compatible YAML only): " + tag);
    return !problem;
  }
  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, YamlNode::Kind kind) {
    if (!check(mark, tag, anchor)) {
      ++skipped_depth_;
      return;
    }
    if (static_cast<int>(stack_.size()) >= kMaxDepth) {
      fail(mark, "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
      ++skipped_depth_;
      return;
    }
    Frame f;
    f.node.kind = kind;
    f.node.line = mark.line + 1;
    stack_.push_back(std::move(f));
  }
  void close() {
    if (skipped_depth_ > 0) {
      --skipped_depth_;
      return;
    }
    if (problem || stack_.empty()) return;
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.key) {
      problem.emplace(f.node.line, "a map key without a value");
      return;
    }
    add(std::move(f.node));
  }
  void add(YamlNode n) {
    if (problem) return;
    if (stack_.empty()) {
      if (root) {
        problem.emplace(n.line, "more than one value at the top level");
        return;
      }
      root = std::move(n);
      return;
    }
    auto& top = stack_.back();
    if (top.node.kind == YamlNode::Kind::sequence) {
      top.node.items.push_back(std::move(n));
      return;
    }
    if (!top.key) {
      // Keys are scalars: JSON has string keys only.
      if (n.kind != YamlNode::Kind::scalar) {
        problem.emplace(n.line, "map keys must be scalars");
        return;
      }
      if (n.plain && n.text == "<<") {
        problem.emplace(n.line, "merge keys are not allowed (JSON-compatible YAML only)");
        return;
      }
      if (top.node.find(n.text) != nullptr) {
        problem.emplace(n.line, "duplicate key \"" + n.text + "\"");
        return;
      }
      top.key = std::move(n.text);
      return;
    }
    top.node.entries.push_back(YamlEntry{std::move(*top.key), std::move(n)});
    top.key.reset();
  }
};

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// YAML 1.2 core schema floats, JSON-representable ones only (no .inf/.nan).
bool is_float(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!all_digits(s.substr(i))) return false;
    i = s.size();
  }
  return i == s.size();
}

boost::json::value plain_scalar(const std::string& t) {
  if (t == "true" || t == "True" || t == "TRUE") return true;
  if (t == "false" || t == "False" || t == "FALSE") return false;
  if (t == "null" || t == "Null" || t == "NULL" || t == "~" || t.empty()) return nullptr;
  const std::string_view s(t);
  const auto digits = (s[0] == '-' || s[0] == '+') ? s.substr(1) : s;
  if (all_digits(digits)) {
    // Integers that fit 64 bits stay exact; larger ones fall through to a double. from_chars
    // takes a '-' but not a '+'.
    const char* first = s[0] == '+' ? s.data() + 1 : s.data();
    const char* last = s.data() + s.size();
    std::int64_t i = 0;
    if (const auto [end, ec] = std::from_chars(first, last, i); ec == std::errc{} && end == last) return i;
    std::uint64_t u = 0;
    if (s[0] != '-') {
      if (const auto [end, ec] = std::from_chars(first, last, u); ec == std::errc{} && end == last) return u;
    }
  }
  if (is_float(s)) {
    double d = 0;
    const char* last = s.data() + s.size();
    const auto [end, ec] = std::from_chars(s[0] == '+' ? s.data() + 1 : s.data(), last, d);
    if (ec == std::errc{} && end == last) return d;  // out of range: kept as text, below
  }
  return boost::json::value(boost::json::string_view(t.data(), t.size()));
}

}  // namespace

Result<YamlNode> parse_yaml(std::string_view text, std::string_view source, std::string_view code) {
  TreeBuilder builder;
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) return located(code, source, 0, "", "empty document");
    if (!builder.problem && parser.HandleNextDocument(builder))
      return located(code, source, 0, "", "more than one YAML document");
  } catch (const YAML::Exception& e) {
    return located(code, source, e.mark.is_null() ? 0 : e.mark.line + 1, "", "invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return located(code, source, 0, "", std::string("invalid YAML: ") + e.what());
  }
  if (builder.problem) return located(code, source, builder.problem->first, "", builder.problem->second);
  if (!builder.root) return located(code, source, 0, "", "empty document");
  return std::move(*builder.root);
}

boost::json::value to_json(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::null:
      return nullptr;
    case YamlNode::Kind::scalar:
      if (node.plain) return plain_scalar(node.text);
      return boost::json::value(boost::json::string_view(node.text.data(), node.text.size()));
    case YamlNode::Kind::sequence: {
      boost::json::array out;
      out.reserve(node.items.size());
      for (const auto& item : node.items) out.push_back(to_json(item));
      return out;
    }
    case YamlNode::Kind::map: {
      boost::json::object out;
      for (const auto& [key, value] : node.entries) out[key] = to_json(value);
      return out;
    }
  }
  return nullptr;
}

}  // namespace lift::dynamorm::dms::detail
