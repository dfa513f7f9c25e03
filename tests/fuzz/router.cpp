// Router: the first byte picks a method, the rest is a path matched against a fixed table;
// with the high bit of the first byte set, the input is also registered as a pattern.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lift/http/router.hpp"

namespace {

const lift::http::Router& table() {
  static const lift::http::Router router = [] {
    lift::http::Router r;
    const char* patterns[] = {"/",        "/users",           "/users/:id",         "/users/:id/posts/:post",
                              "/users/me", "/files/*path",     "/a/b/c",              "/a/:x/d",
                              "/v1/items:batch", "/:tenant/settings", "/static/*rest"};
    std::size_t id = 0;
    for (const auto* p : patterns) (void)r.add(id % 3 == 0 ? "*" : "GET", p, id), ++id;
    (void)r.add("POST", "/users", id++);
    return r;
  }();
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kMethods[] = {"GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH", "*"};
  const auto method = kMethods[data[0] % 8];
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  auto match = table().match(method, rest);
  if (match.kind == lift::http::Router::Match::Kind::found && match.route > 20) __builtin_trap();
  if ((data[0] & 0x80) != 0) {
    lift::http::Router fresh;
    if (fresh.add("GET", rest, 0)) {
      (void)fresh.match("GET", rest);
      (void)fresh.add("GET", rest, 1);  // a second add of the same pattern must be refused, not crash
    }
  }
  return 0;
}
