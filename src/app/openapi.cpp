// OpenAPI 3.1 from the registered routes: paths and operations from the patterns, parameters
// and request and response bodies from the handlers' C++ types through the json layer's schema
// generator, error responses from what the framework answers and what each route declared.

#include <errno.h>  // program_invocation_short_name

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "lift/core/env.hpp"
#include "lift/http/adapters.hpp"
#include "lift/json/schema.hpp"
#include "routes.hpp"

namespace lift::detail {

namespace {

namespace bj = boost::json;

// "/todos/:id" -> "/todos/{id}" and the parameter names in order.
std::string openapi_path(std::string_view pattern, std::vector<std::string>& parameters) {
  std::string out;
  out.reserve(pattern.size() + 4);
  std::size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    const bool starts_segment = i == 0 || pattern[i - 1] == '/';
    if (starts_segment && (c == ':' || c == '*')) {
      auto end = pattern.find('/', i);
      if (end == std::string_view::npos) end = pattern.size();
      std::string name(pattern.substr(i + 1, end - i - 1));
      out += '{' + name + '}';
      parameters.push_back(std::move(name));
      i = end;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::string operation_id(std::string_view method, std::string_view pattern) {
  std::string id;
  for (char c : method) id += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  bool upper = true;
  for (char c : pattern) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!word) {
      upper = true;
      continue;
    }
    id += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return id;
}

bj::object json_content(bj::value schema) {
  bj::object media;
  media["schema"] = std::move(schema);
  bj::object content;
  content["application/json"] = std::move(media);
  return content;
}

// The document's title when the app names none: the service's name as Powertools and Lambda
// know it, else the executable's.
std::string service_title() {
  if (auto service = env_or("POWERTOOLS_SERVICE_NAME", ""); !service.empty()) return service;
  if (auto function = env_or("AWS_LAMBDA_FUNCTION_NAME", ""); !function.empty()) return function;
  if (program_invocation_short_name != nullptr && *program_invocation_short_name != '\0') return program_invocation_short_name;
  return "lift function";
}

bj::object error_response(std::string description) {
  bj::object response;
  response["description"] = std::move(description);
  bj::object ref;
  ref["$ref"] = "#/components/schemas/Error";
  response["content"] = json_content(std::move(ref));
  return response;
}

// The one error body shape, as a schema.
bj::object error_schema() {
  bj::object string_type{{"type", "string"}};
  bj::object detail{{"type", "object"},
                    {"properties", bj::object{{"field", string_type}, {"message", string_type}}},
                    {"required", bj::array{"field", "message"}}};
  bj::object inner{{"type", "object"},
                   {"properties", bj::object{{"code", string_type},
                                             {"message", string_type},
                                             {"request_id", string_type},
                                             {"details", bj::object{{"type", "array"}, {"items", detail}}}}},
                   {"required", bj::array{"code", "message", "request_id"}}};
  return bj::object{{"type", "object"}, {"properties", bj::object{{"error", inner}}}, {"required", bj::array{"error"}}};
}

}  // namespace

bj::object build_openapi(const std::vector<Route>& routes, const OpenApiInfo& info) {
  json::SchemaRegistry registry;
  bj::object paths;
  static constexpr std::array<std::string_view, 5> kAnyMethods{"get", "post", "put", "patch", "delete"};

  for (const auto& route : routes) {
    std::vector<std::string> parameter_names;
    const auto path = openapi_path(route.pattern, parameter_names);
    auto& path_item = paths[path];
    if (!path_item.is_object()) path_item = bj::object{};

    const auto& doc = route.handler.doc;
    bj::object operation;
    operation["operationId"] = operation_id(route.method == "*" ? "any" : route.method, route.pattern);
    if (!doc.summary.empty()) operation["summary"] = doc.summary;
    bj::array parameters;
    for (const auto& name : parameter_names) {
      parameters.push_back(bj::object{{"name", name}, {"in", "path"}, {"required", true}, {"schema", bj::object{{"type", "string"}}}});
    }
    const bool bound_parameters = static_cast<bool>(doc.parameters);
    if (bound_parameters) {
      for (auto& parameter : doc.parameters()) parameters.push_back(std::move(parameter));
    }
    if (!parameters.empty()) operation["parameters"] = std::move(parameters);

    bj::object responses;
    bj::object success{{"description", "Success"}};
    if (doc.response_schema) success["content"] = json_content(doc.response_schema(registry));
    responses[doc.success_status] = std::move(success);
    // The errors the framework answers before the handler runs, then those the route declared
    // (in status order, as a reader looks them up).
    std::map<int, std::string> errors;
    if (doc.request_schema) {
      operation["requestBody"] = bj::object{{"required", true}, {"content", json_content(doc.request_schema(registry))}};
      errors[400] = bound_parameters ? "The body is not valid JSON or does not match the schema, or a parameter is invalid"
                                     : "The body is not valid JSON or does not match the schema";
      errors[415] = "The body is declared with a Content-Type that is not JSON";
      if (doc.body_rules) errors[422] = "The body breaks a validation rule";
    } else if (bound_parameters) {
      errors[400] = "A parameter is missing, invalid or breaks a rule";
    }
    for (const auto& [status, description] : doc.errors) {
      if (!description.empty()) errors[status] = description;
      else if (!errors.contains(status)) errors[status] = std::string(http::reason_phrase(status));
    }
    for (auto& [status, description] : errors) {
      responses[std::to_string(status)] = error_response(description.empty() ? "Error" : std::move(description));
    }
    responses["default"] = error_response("Any other error");
    operation["responses"] = std::move(responses);

    if (route.method == "*") {
      for (auto method : kAnyMethods) {
        auto copy = operation;
        copy["operationId"] = operation_id(method, route.pattern);
        path_item.as_object()[method] = std::move(copy);
      }
    } else {
      std::string method;
      for (char c : route.method) method += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      path_item.as_object()[method] = std::move(operation);
    }
  }

  bj::object document;
  document["openapi"] = "3.1.0";
  bj::object info_object{{"title", info.title.empty() ? service_title() : info.title}, {"version", info.version}};
  if (!info.description.empty()) info_object["description"] = info.description;
  document["info"] = std::move(info_object);
  document["paths"] = std::move(paths);
  bj::object schemas = registry.components();
  schemas["Error"] = error_schema();
  document["components"] = bj::object{{"schemas", std::move(schemas)}};
  return document;
}

}  // namespace lift::detail
