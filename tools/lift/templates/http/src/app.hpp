#pragma once
// {{name}}'s routes, for the function (main.cpp) and the tests (tests/app_test.cpp):
//
//   GET  /hello?name=X                  200 {"message":"hello, X"}
//   POST /items {"name","quantity"?}    201 {"id","name","quantity"}
//                                       400 when the body is not JSON of that shape,
//                                       422 naming every field that breaks a rule
//   GET  /health/live, /health/ready     200 {"status":"pass"} (application/health+json)
//   GET  /health                         every health check, in the IETF health check format

#include <string>

#include <boost/describe.hpp>

#include "lift/lift.hpp"

struct HelloQuery {
  std::string name = "world";
};
BOOST_DESCRIBE_STRUCT(HelloQuery, (), (name))

struct Greeting {
  std::string message;
};
BOOST_DESCRIBE_STRUCT(Greeting, (), (message))

struct NewItem {
  std::string name;
  int quantity = 1;
};
BOOST_DESCRIBE_STRUCT(NewItem, (), (name, quantity))

// Checked before the handler runs; a broken rule is a 422 that names the field.
inline void lift_rules(lift::json::Rules<NewItem>& r) {
  r.field(&NewItem::name).required().length(1, 100);
  r.field(&NewItem::quantity).min(1).max(1000);
}

struct Item {
  std::string id;
  std::string name;
  int quantity = 0;
};
BOOST_DESCRIBE_STRUCT(Item, (), (id, name, quantity))

// The app, or why it cannot be built (reported to Lambda as the init error).
lift::Result<lift::App> make_app();
