#pragma once
// Typed JSON bodies: conversion (see convert.hpp), validation rules (see validation.hpp) and
// bind(), which does both and is what typed HTTP handlers use.
//
//   struct CreateTodo { std::string title; int priority = 0; };
//   BOOST_DESCRIBE_STRUCT(CreateTodo, (), (title, priority))
//   inline void lift_rules(lift::json::Rules<CreateTodo>& r) {
//     r.field(&CreateTodo::title).required().length(1, 200);
//     r.field(&CreateTodo::priority).min(0).max(5);
//   }
//   auto todo = lift::json::bind<CreateTodo>(R"({"title":"milk","priority":9})");
//   // todo.error(): code "ValidationFailed", status 422, "priority: must be at most 5"

#include <string>
#include <string_view>

#include "lift/json/convert.hpp"
#include "lift/json/validation.hpp"

namespace lift::json {

// from_json, then the rules of T, with `required` meaning present in v and not null.
// Errors: "InvalidBody" (400) when v does not fit T, "ValidationFailed" (422) when a rule fails.
template <class T>
Result<T> bind(const boost::json::value& v) {
  auto out = from_json<T>(v);
  if (!out) return out;
  if (auto checked = detail::run_validation(*out, &v); !checked) return std::move(checked).error();
  return out;
}

// parse + from_json + validate. Errors: "InvalidJson" (400) for text that is not JSON, then
// as bind(const boost::json::value&).
template <class T>
Result<T> bind(std::string_view body) {
  detail::ParseArena arena;
  auto document = parse_document(body, arena.storage());
  if (!document) return std::move(document).error();
  return bind<T>(*document);
}

// Text arguments would otherwise be ambiguous between the two overloads above.
template <class T>
Result<T> bind(const char* body) {
  return bind<T>(std::string_view(body));
}
template <class T>
Result<T> bind(const std::string& body) {
  return bind<T>(std::string_view(body));
}

}  // namespace lift::json
