#pragma once
// The HTTP router: a segment trie built once at init and matched per request.
//
// Patterns: "/", "/users", "/users/:id", "/files/*path". A `:param` matches one non-empty
// segment; a `*wildcard` (last only) matches the rest of the path, possibly empty, without its
// leading slash. Precedence is static > param > wildcard at every segment, independent of the
// registration order, with backtracking: with "/a/b/c" and "/a/:x/d", "/a/b/d" matches the second.
//
// Paths are matched as received (percent-encoded): split on '/' first, then each segment is
// decoded, so "/files/a%2Fb" has one segment "a/b". Invalid escapes ("%zz", "%4") match nothing.
// '+' stays '+' (it means space only in query strings). Matching stops at a '?'. A trailing
// slash is ignored ("/users/" matches "/users"); empty segments from "//" match no static or
// param segment (only a wildcard swallows them), so "/users//7" is a 404.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lift/core/result.hpp"
#include "lift/http/fields.hpp"

namespace lift::http {

// Thread safety: add routes first, from one thread; match() is const and only reads, so once
// registration is over one Router may be used by any number of threads.
class Router {
 public:
  using RouteId = std::size_t;

  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // method: upper-case HTTP method, or "*" for any method (an exact-method route at the same
  // path wins over it). Errors (code "InvalidRoute", status 500): a malformed pattern, or the
  // same method registered twice for an equivalent pattern (":id" and ":name" at the same place
  // are equivalent); the message names both patterns.
  Result<void> add(std::string_view method, std::string_view pattern, RouteId id);

  struct Match {
    enum class Kind { found, not_found, method_not_allowed };
    Kind kind = Kind::not_found;
    RouteId route = 0;               // when found
    PathParams params;               // when found: names without ':'/'*', values decoded
    std::string allow;               // methods on the matched path, sorted: "GET, HEAD, OPTIONS"
    bool automatic_head = false;     // HEAD answered by the GET route: drop the body
    bool automatic_options = false;  // OPTIONS with no OPTIONS route: answer 204 with `allow`
  };
  // Never throws on any input (beyond std::bad_alloc).
  [[nodiscard]] Match match(std::string_view method, std::string_view path) const;
  // The same, with the params written to `params` (cleared first; Match::params stays empty),
  // which can be a request's own: its buffers are reused.
  [[nodiscard]] Match match(std::string_view method, std::string_view path, PathParams& params) const;

  struct RouteInfo {
    std::string method;
    std::string pattern;
    RouteId id;
  };
  [[nodiscard]] const std::vector<RouteInfo>& routes() const noexcept { return routes_; }

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::vector<RouteInfo> routes_;
};

}  // namespace lift::http
