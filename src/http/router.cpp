#include "lift/http/router.hpp"

#include <algorithm>
#include <array>
#include <boost/container/small_vector.hpp>
#include <utility>

#include "lift/core/percent.hpp"

namespace lift::http {

namespace {

constexpr std::size_t kInlineSegments = 16;
using Views = boost::container::small_vector<std::string_view, kInlineSegments>;

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool valid_name(std::string_view name) noexcept {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_name_char);
}

bool valid_method(std::string_view method) noexcept {
  if (method == "*") return true;
  return !method.empty() && method.size() <= 32 &&
         std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Static pattern segments are written decoded; what a URL cannot carry raw is refused.
bool valid_static_segment(std::string_view segment) noexcept {
  return std::all_of(segment.begin(), segment.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f && c != '?' && c != '#' && c != '%' && c != '*';
  });
}

Error invalid_route(std::string message) { return Error{"InvalidRoute", std::move(message), 500}; }

}  // namespace

struct Router::Node {
  struct Endpoint {
    std::string method;
    RouteId id;
    std::string pattern;
    std::vector<std::string> names;  // param and wildcard names, in path order
  };
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> statics;  // sorted by segment
  std::unique_ptr<Node> param;
  std::unique_ptr<Node> wildcard;
  std::vector<Endpoint> endpoints;
  std::string allow;  // recomputed on every add, so matching never builds it

  Node* static_child(std::string_view segment) const noexcept {
    auto it = std::lower_bound(statics.begin(), statics.end(), segment,
                               [](const auto& entry, std::string_view s) { return std::string_view(entry.first) < s; });
    if (it != statics.end() && it->first == segment) return it->second.get();
    return nullptr;
  }

  Node& add_static(std::string_view segment) {
    auto it = std::lower_bound(statics.begin(), statics.end(), segment,
                               [](const auto& entry, std::string_view s) { return std::string_view(entry.first) < s; });
    if (it != statics.end() && it->first == segment) return *it->second;
    it = statics.emplace(it, std::string(segment), std::make_unique<Node>());
    return *it->second;
  }

  const Endpoint* find(std::string_view method) const noexcept {
    for (const auto& e : endpoints) {
      if (e.method == method) return &e;
    }
    return nullptr;
  }

  void refresh_allow() {
    std::vector<std::string_view> methods;
    for (const auto& e : endpoints) {
      if (e.method != "*") methods.emplace_back(e.method);
    }
    if (std::find(methods.begin(), methods.end(), "GET") != methods.end()) methods.emplace_back("HEAD");
    methods.emplace_back("OPTIONS");
    std::sort(methods.begin(), methods.end());
    methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
    allow.clear();
    for (auto m : methods) {
      if (!allow.empty()) allow += ", ";
      allow += m;
    }
  }
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Result<void> Router::add(std::string_view method, std::string_view pattern, RouteId id) {
  const std::string shown = std::string(method) + " " + std::string(pattern);
  if (!valid_method(method)) return invalid_route("route " + shown + ": the method must be upper-case letters or \"*\"");
  if (pattern.empty() || pattern.front() != '/') return invalid_route("route " + shown + ": the pattern must start with '/'");

  std::string_view rest = pattern.substr(1);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);

  Node* node = root_.get();
  std::vector<std::string> names;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    const bool last = slash == std::string_view::npos;
    if (segment.empty()) return invalid_route("route " + shown + ": empty segment");

    if (segment.front() == ':' || segment.front() == '*') {
      const auto name = segment.substr(1);
      if (!valid_name(name)) {
        return invalid_route("route " + shown + ": parameter names are letters, digits and '_' (got \"" + std::string(segment) + "\")");
      }
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        return invalid_route("route " + shown + ": parameter \"" + std::string(name) + "\" appears twice");
      }
      names.emplace_back(name);
      auto& child = segment.front() == ':' ? node->param : node->wildcard;
      if (segment.front() == '*' && !last) return invalid_route("route " + shown + ": a wildcard must be the last segment");
      if (!child) child = std::make_unique<Node>();
      node = child.get();
    } else {
      if (!valid_static_segment(segment)) {
        return invalid_route("route " + shown + ": segment \"" + std::string(segment) +
                             "\" has a character routes cannot use (write segments decoded, without '%', '?', '#', '*' or spaces)");
      }
      node = &node->add_static(segment);
    }
  }

  if (const auto* existing = node->find(method)) {
    return invalid_route("route " + shown + " conflicts with " + existing->method + " " + existing->pattern + ", registered before");
  }
  node->endpoints.push_back(Node::Endpoint{std::string(method), id, std::string(pattern), std::move(names)});
  node->refresh_allow();
  routes_.push_back(RouteInfo{std::string(method), std::string(pattern), id});
  return {};
}

namespace {

// One match attempt: the split path, the decoded segments, the captures along the current branch.
struct Search {
  std::string_view method;
  std::string_view path;              // up to '?', trailing slash removed
  Views segments;                     // decoded (views into `path` or `decoded`)
  boost::container::small_vector<std::size_t, kInlineSegments> offsets;  // start of each raw segment
  std::vector<std::string> decoded;   // storage for segments that had escapes
  std::string rest;                   // storage for a decoded wildcard capture
  Views captures;
};

}  // namespace

Router::Match Router::match(std::string_view method, std::string_view path) const {
  PathParams params;
  auto result = match(method, path, params);
  result.params = std::move(params);
  return result;
}

Router::Match Router::match(std::string_view method, std::string_view path, PathParams& params) const {
  params.clear();
  Match result;
  Search s;
  s.method = method;
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  s.path = path;

  bool any_escape = path.find('%') != std::string_view::npos;
  if (any_escape) s.decoded.reserve(static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')) + 1);
  std::size_t start = 0;
  while (!path.empty()) {
    const auto slash = path.find('/', start);
    const auto raw = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    s.offsets.push_back(start);
    if (any_escape && raw.find('%') != std::string_view::npos) {
      auto& storage = s.decoded.emplace_back();
      if (!percent::decode(raw, storage)) return result;  // invalid escape: nothing can match
      s.segments.emplace_back(storage);
    } else {
      s.segments.emplace_back(raw);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }

  const Node::Endpoint* winner = nullptr;
  const Node* best_any = nullptr;  // the first path match, whatever its methods
  bool via_get = false;

  // Picks the endpoint of `node` for the method, if any.
  auto choose = [&](const Node& node) -> bool {
    if (node.endpoints.empty()) return false;
    if (best_any == nullptr) best_any = &node;
    if (const auto* e = node.find(method)) {
      winner = e;
    } else if (const auto* any = node.find("*")) {
      winner = any;
    } else if (method == "HEAD") {
      if (const auto* get = node.find("GET")) {
        winner = get;
        via_get = true;
      }
    }
    return winner != nullptr;
  };

  // Depth-first in precedence order; each trie node sits at one depth, so each is visited once.
  auto visit = [&](auto& self, const Node& node, std::size_t i) -> bool {
    if (i == s.segments.size()) {
      if (choose(node)) return true;
      if (node.wildcard) {
        s.captures.emplace_back();
        if (choose(*node.wildcard)) return true;
        s.captures.pop_back();
      }
      return false;
    }
    const auto segment = s.segments[i];
    if (const Node* child = node.static_child(segment)) {
      if (self(self, *child, i + 1)) return true;
    }
    if (node.param && !segment.empty()) {
      s.captures.push_back(segment);
      if (self(self, *node.param, i + 1)) return true;
      s.captures.pop_back();
    }
    if (node.wildcard) {
      const auto raw_rest = s.path.substr(s.offsets[i]);
      if (raw_rest.find('%') == std::string_view::npos) {
        s.captures.push_back(raw_rest);
      } else {
        if (!percent::decode(raw_rest, s.rest)) return false;
        s.captures.push_back(s.rest);
      }
      if (choose(*node.wildcard)) return true;
      s.captures.pop_back();
    }
    return false;
  };

  if (visit(visit, *root_, 0)) {
    result.kind = Match::Kind::found;
    result.route = winner->id;
    result.automatic_head = via_get;
    for (std::size_t i = 0; i < winner->names.size() && i < s.captures.size(); ++i) params.add(winner->names[i], s.captures[i]);
    return result;
  }
  if (best_any != nullptr) {
    result.allow = best_any->allow;
    if (method == "OPTIONS") {
      result.automatic_options = true;
    } else {
      result.kind = Match::Kind::method_not_allowed;
    }
  }
  return result;
}

}  // namespace lift::http
