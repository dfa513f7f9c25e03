#pragma once
// Typed JSON input: conversion (see convert.hpp), then the validation rules of the type (see
// validation.hpp). parse() does both and is what typed HTTP handlers and event models use.
//
//   struct CreateTodo { std::string title; int priority = 0; };
//   BOOST_DESCRIBE_STRUCT(CreateTodo, (), (title, priority))
//   inline void lift_rules(lift::json::Rules<CreateTodo>& r) {
//     r.field(&CreateTodo::title).required().length(1, 200);
//     r.field(&CreateTodo::priority).min(0).max(5);
//   }
//   auto todo = lift::json::parse<CreateTodo>(R"({"title":"milk","priority":9})");
//   // todo.error(): code "ValidationFailed", status 422, "priority: must be at most 5"
//
// The rule-skipping forms have longer names on purpose: parse_unvalidated (text) and from_json
// (a JSON value), in convert.hpp.

#include <string>
#include <string_view>

#include "lift/json/convert.hpp"
#include "lift/json/validation.hpp"

namespace lift::json {

// from_json, then the rules of T, with `required` meaning present in v and not null.
// Errors: "InvalidBody" (400) when v does not fit T, "ValidationFailed" (422) when a rule fails.
template <class T>
Result<T> parse(const boost::json::value& v) {
  auto out = from_json<T>(v);
  if (!out) return out;
  if (auto checked = detail::run_validation(*out, &v); !checked) return std::move(checked).error();
  return out;
}

// JSON text as a T whose rules hold. Errors: "InvalidJson" (400) for text that is not JSON
// (with its line and column; nesting deeper than 64 levels is refused), then as
// parse(const boost::json::value&).
template <class T>
Result<T> parse(std::string_view text) {
  detail::ParseArena arena;
  auto document = parse_document(text, arena.storage());
  if (!document) return std::move(document).error();
  return parse<T>(*document);
}

// Text arguments would otherwise be ambiguous between the two overloads above.
template <class T>
Result<T> parse(const char* text) {
  return parse<T>(std::string_view(text));
}
template <class T>
Result<T> parse(const std::string& text) {
  return parse<T>(std::string_view(text));
}

// The former name of parse, kept so that code written against it still builds.
template <class T>
[[deprecated("use lift::json::parse, which runs the same rules")]] Result<T> bind(const boost::json::value& v) {
  return parse<T>(v);
}
template <class T>
[[deprecated("use lift::json::parse, which runs the same rules")]] Result<T> bind(std::string_view text) {
  return parse<T>(text);
}
template <class T>
[[deprecated("use lift::json::parse, which runs the same rules")]] Result<T> bind(const char* text) {
  return parse<T>(std::string_view(text));
}
template <class T>
[[deprecated("use lift::json::parse, which runs the same rules")]] Result<T> bind(const std::string& text) {
  return parse<T>(std::string_view(text));
}

}  // namespace lift::json
