// A lift::App function whose start-up fails as LIFT_TEST_INIT says, for the tests of what
// reaches Lambda when the app cannot be built:
//   throw        the factory throws std::runtime_error
//   lift-error   the factory throws a lift::Error
//   result       the factory returns a failed Result<App> (through LIFT_TRY)
//   invalid      the factory registers the same route twice
//   before-run   the app is built before lift::run(app), and that throws
//   (unset)      it starts: GET /hello answers, GET /missing throws lift::errors::not_found(),
//                and the /orders routes give its OpenAPI document every kind of parameter
//                and error response

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/describe.hpp>

#include "lift/core/env.hpp"
#include "lift/lift.hpp"

namespace orders {

struct ListParams {
  std::int32_t limit = 25;
  std::optional<std::string> cursor;
  std::vector<std::string> status;
};
BOOST_DESCRIBE_STRUCT(ListParams, (), (limit, cursor, status))
inline void lift_rules(lift::json::Rules<ListParams>& r) { r.field(&ListParams::limit).min(1).max(100); }

struct Preconditions {
  std::optional<std::int64_t> if_match;
};
BOOST_DESCRIBE_STRUCT(Preconditions, (), (if_match))

struct Change {
  std::optional<std::int32_t> quantity;
  std::optional<std::string> email;
};
BOOST_DESCRIBE_STRUCT(Change, (), (quantity, email))
inline void lift_rules(lift::json::Rules<Change>& r) {
  r.field(&Change::quantity).min(1).max(100);
  r.field(&Change::email).email();
}

struct Order {
  std::string id;
  std::int32_t quantity = 1;
  std::string email;
};
BOOST_DESCRIBE_STRUCT(Order, (), (id, quantity, email))

struct Page {
  std::vector<Order> items;
  std::optional<std::string> next_cursor;
};
BOOST_DESCRIBE_STRUCT(Page, (), (items, next_cursor))

}  // namespace orders

namespace {

lift::Result<std::string> table_name() {
  auto table = lift::env_or("ORDERS_TABLE", "");
  if (table.empty()) return lift::Error{"Config.Missing", "ORDERS_TABLE is not set", 500};
  return table;
}

lift::Result<lift::App> make_app() {
  const auto mode = lift::env_or("LIFT_TEST_INIT", "");
  if (mode == "throw" || mode == "before-run") throw std::runtime_error("the orders table cannot be reached");
  if (mode == "lift-error") throw lift::Error{"Config.Invalid", "ORDERS_TABLE names no table", 500};
  lift::App app;
  if (mode == "result") {
    LIFT_TRY(table, table_name());
    app.get("/table", [table](lift::Context&) { return table; });
  }
  app.get("/hello", [](lift::Context&) { return std::string("hello"); });
  app.get("/missing", [](lift::Context&) -> std::string { throw lift::errors::not_found("nothing here"); });
  if (mode == "invalid") app.get("/hello", [](lift::Context&) { return std::string("again"); });
  app.get("/orders", [](lift::Context&, lift::Query<orders::ListParams>) { return orders::Page{}; }).summary("List the orders");
  app.patch("/orders/:id",
            [](lift::Context& ctx, lift::Headers<orders::Preconditions> h, orders::Change) -> lift::Result<lift::Ok<orders::Order>> {
              if (!h.if_match) return lift::Error{"PreconditionRequired", "send If-Match", 428};
              return lift::Ok<orders::Order>(orders::Order{std::string(*ctx.param("id")), 1, ""});
            })
      .errors({404, 409})
      .error(428, "If-Match is missing");
  return app;
}

}  // namespace

int main() {
  if (lift::env_or("LIFT_TEST_INIT", "") == "before-run") {
    // The form lift::run(factory) replaces: nothing catches what make_app throws.
    auto app = make_app();
    return lift::run(*app);
  }
  return lift::run(make_app);
}
