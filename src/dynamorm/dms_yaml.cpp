#include "dms_yaml.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <exception>
#include <optional>
#include <sstream>
#include <system_error>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

namespace lift::dynamorm::dms::detail {

Error located(std::string_view code, std::string_view source, int line, std::string path, std::string problem, int column) {
  std::string message(source.empty() ? "<dms>" : source);
  if (line > 0) message += ":" + std::to_string(line);
  if (line > 0 && column > 0) message += ":" + std::to_string(column);
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

std::string too_deep() { return "nesting deeper than " + std::to_string(kMaxDepth) + " levels (the most a document may have)"; }

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The value of the four hex digits at `at`, or -1.
int hex4(std::string_view s, std::size_t at) {
  if (at + 4 > s.size()) return -1;
  int value = 0;
  for (std::size_t k = at; k < at + 4; ++k) {
    const char c = s[k];
    int digit = 0;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else return -1;
    value = value * 16 + digit;
  }
  return value;
}

bool is_high_surrogate(int v) { return v >= 0xD800 && v <= 0xDBFF; }
bool is_low_surrogate(int v) { return v >= 0xDC00 && v <= 0xDFFF; }

// yaml-cpp reads each \uXXXX escape as a code point of its own and refuses a UTF-16 surrogate,
// so JSON's spelling of a character beyond the BMP ("\ud83d\ude00") fails there. This rewrites
// each high-low pair inside a double-quoted scalar as YAML's one escape for that character
// (\U0001F600) before parsing; a lone or reversed surrogate is left for yaml-cpp to refuse
// (its error is reworded by parse_yaml). Backslashes of plain, single-quoted and block scalars
// and of comments are literal and stay untouched, so the scan follows just enough of YAML's
// lexical structure to know where a double-quoted scalar starts. A pair rewritten shortens its
// line by two columns, which only columns reported later on that same line show.
std::string join_surrogate_pairs(std::string_view in) {
  if (in.find("\\u") == std::string_view::npos) return std::string(in);
  std::string out;
  out.reserve(in.size());
  const std::size_t n = in.size();
  std::size_t i = 0;
  int flow = 0;                              // depth of [ and {
  bool token_start = true;                   // a new node may start here
  bool after_json_node = false;              // after a quoted scalar or a closed flow collection
  bool line_start = true;
  std::size_t line_indent = 0;
  constexpr auto kNoBlock = std::string_view::npos;
  std::size_t block_parent = kNoBlock;       // in a block scalar: the indentation of its parent's line
  const auto copy_to_line_end = [&] {
    while (i < n && in[i] != '\n') out += in[i++];
  };
  while (i < n) {
    if (line_start) {
      std::size_t j = i;
      while (j < n && in[j] == ' ') ++j;
      line_indent = j - i;
      std::size_t k = j;
      while (k < n && (in[k] == ' ' || in[k] == '\t' || in[k] == '\r')) ++k;
      const bool blank = k >= n || in[k] == '\n';
      if (block_parent != kNoBlock && (blank || line_indent > block_parent)) {
        copy_to_line_end();
        if (i < n) out += in[i++];
        continue;
      }
      block_parent = kNoBlock;
      line_start = false;
      if (flow == 0) token_start = true;
    }
    const char c = in[i];
    if (c == '\n') {
      out += in[i++];
      line_start = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      out += in[i++];
      continue;
    }
    if (c == '#' && (i == 0 || is_blank(in[i - 1]))) {
      copy_to_line_end();
      continue;
    }
    const bool next_blank = i + 1 >= n || is_blank(in[i + 1]);
    if (c == ':' && (next_blank || (flow > 0 && after_json_node))) {
      out += in[i++];
      token_start = true;
      after_json_node = false;
      continue;
    }
    if (flow > 0 && c == ',') {
      out += in[i++];
      token_start = true;
      after_json_node = false;
      continue;
    }
    if (c == '[' || c == '{') {
      ++flow;
      out += in[i++];
      token_start = true;
      after_json_node = false;
      continue;
    }
    if (flow > 0 && (c == ']' || c == '}')) {
      --flow;
      out += in[i++];
      token_start = false;
      after_json_node = true;
      continue;
    }
    if (token_start && (c == '-' || c == '?') && next_blank) {
      out += in[i++];
      continue;
    }
    if (token_start && c == '"') {
      out += in[i++];
      while (i < n) {
        if (in[i] == '\\' && i + 1 < n) {
          if (in[i + 1] == 'u' && i + 12 <= n && in[i + 6] == '\\' && in[i + 7] == 'u') {
            const int high = hex4(in, i + 2);
            const int low = hex4(in, i + 8);
            if (is_high_surrogate(high) && is_low_surrogate(low)) {
              const unsigned code = 0x10000U + ((static_cast<unsigned>(high) - 0xD800U) << 10U) + (static_cast<unsigned>(low) - 0xDC00U);
              static constexpr char kHex[] = "0123456789ABCDEF";
              out += "\\U";
              for (int shift = 28; shift >= 0; shift -= 4) out += kHex[(code >> static_cast<unsigned>(shift)) & 0xFU];
              i += 12;
              continue;
            }
          }
          out += in[i++];
          out += in[i++];
          continue;
        }
        const char d = in[i++];
        out += d;
        if (d == '"') break;
      }
      token_start = false;
      after_json_node = true;
      continue;
    }
    if (token_start && c == '\'') {
      out += in[i++];
      while (i < n) {
        const char d = in[i++];
        out += d;
        if (d == '\'') {
          if (i < n && in[i] == '\'') {
            out += in[i++];
            continue;
          }
          break;
        }
      }
      token_start = false;
      after_json_node = true;
      continue;
    }
    if (token_start && flow == 0 && (c == '|' || c == '>')) {
      block_parent = line_indent;
      copy_to_line_end();
      token_start = false;
      after_json_node = false;
      continue;
    }
    // A plain scalar's character (or an anchor's, a tag's: refused later anyway).
    out += in[i++];
    token_start = false;
    after_json_node = false;
  }
  return out;
}

// yaml-cpp's "invalid unicode: <decimal>" in words a reader can act on.
std::string invalid_unicode(std::string_view number) {
  int value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc{} || end != number.data() + number.size()) return "invalid YAML: invalid unicode escape";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (int shift = 12; shift >= 0; shift -= 4) hex += kHex[(value >> shift) & 0xF];
  if (is_high_surrogate(value))
    return "invalid YAML: the escape \\u" + hex + " is a high UTF-16 surrogate not followed by a low one (\\udc00-\\udfff)";
  if (is_low_surrogate(value))
    return "invalid YAML: the escape \\u" + hex + " is a low UTF-16 surrogate not preceded by a high one (\\ud800-\\udbff)";
  return "invalid YAML: the escape names no Unicode character (" + std::to_string(value) + ")";
}

// Builds the tree from parser events. A problem stops the building (the first one is kept);
// later events are ignored.
class TreeBuilder : public YAML::EventHandler {
 public:
  struct Problem {
    Problem(int l, std::string t, int c = 0) : line(l), text(std::move(t)), column(c) {}
    int line;
    std::string text;
    int column;  // 0: not known
  };
  std::optional<YamlNode> root;
  std::optional<Problem> problem;

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
    if (!problem) problem.emplace(mark.line + 1, std::move(why), mark.column + 1);
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
      fail(mark, too_deep());
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
  const auto problem = [&] {
    return located(code, source, builder.problem->line, "", builder.problem->text, builder.problem->column);
  };
  try {
    std::istringstream in{join_surrogate_pairs(text)};
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) return located(code, source, 0, "", "empty document");
    if (!builder.problem && parser.HandleNextDocument(builder))
      return located(code, source, 0, "", "more than one YAML document");
  } catch (const YAML::Exception& e) {
    // yaml-cpp keeps parsing after the tree builder found a problem (it ignores the events
    // from then on): that first problem is the one to report.
    if (builder.problem) return problem();
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    const int column = e.mark.is_null() ? 0 : e.mark.column + 1;
    // yaml-cpp's own depth guard says "bad file".
    if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) return located(code, source, line, "", too_deep(), column);
    const std::string_view unicode = YAML::ErrorMsg::INVALID_UNICODE;
    if (e.msg.starts_with(unicode))
      return located(code, source, line, "", invalid_unicode(std::string_view(e.msg).substr(unicode.size())), column);
    return located(code, source, line, "", "invalid YAML: " + e.msg, column);
  } catch (const std::exception& e) {
    if (builder.problem) return problem();
    return located(code, source, 0, "", std::string("invalid YAML: ") + e.what());
  }
  if (builder.problem) return problem();
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
