#pragma once
// A plain HTTP request for App::handle in a test: method and path, nothing else.

#include <string>
#include <utility>

#include "lift/http/message.hpp"

namespace lift::testing_support {

inline http::Request request(std::string method, std::string path) {
  http::Request r;
  r.method = std::move(method);
  r.path = path;
  r.raw_path = std::move(path);
  return r;
}

}  // namespace lift::testing_support
