#pragma once
// The app's registered routes and groups, shared by dispatch (app.cpp) and the OpenAPI
// generator (openapi.cpp). Internal to lift_app.

#include <cstddef>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "lift/app/app.hpp"

namespace lift::detail {

struct Route {
  std::string method;
  std::string pattern;  // full pattern, group prefixes included
  std::size_t group = 0;
  BoundHandler handler;
  std::vector<Middleware> chain;  // app + enclosing groups, outermost first (built at freeze)
};

struct GroupData {
  std::size_t parent = 0;  // group 0 is the app itself
  std::string prefix;      // full prefix
  std::vector<Middleware> middleware;
};

// The OpenAPI 3.1 document of `routes` (openapi.cpp).
boost::json::object build_openapi(const std::vector<Route>& routes, const OpenApiInfo& info);

}  // namespace lift::detail
