// The README's recipe "a route that stores data", as written there, and its test: DynamORM on
// the embedded engine (LIFT_DYNAMODB_ENDPOINT=memory:, set before the app is made).
#include <gtest/gtest.h>

#include <cstdlib>

#include <boost/json.hpp>

// ---- the recipe (README.md, "A route that stores data") ----
#include <string>

#include <boost/describe.hpp>

#include "lift/app/database.hpp"
#include "lift/lift.hpp"

struct Order {
  std::string id;
  std::string item;
  int quantity = 1;
  std::string ship_status = "new";
};
BOOST_DESCRIBE_STRUCT(Order, (), (id, item, quantity, ship_status))

struct NewOrder {
  std::string item;
  int quantity = 1;
};
BOOST_DESCRIBE_STRUCT(NewOrder, (), (item, quantity))

lift::App make_app() {
  lift::App app;
  app.use(lift::mw::recover(), lift::mw::request_id());
  // Made once; each request binds it to its deadline (and tenant, for a tenant-scoped model).
  // On memory: or a local endpoint the table is created on first use; in AWS, deploy it.
  const lift::RequestTable<Order> orders(
      lift::dynamorm::Model<Order>(lift::env_or("ORDERS_TABLE", "orders")).partition_key(&Order::id));

  app.post("/orders", [orders](lift::Context& ctx, NewOrder in) -> lift::Result<lift::Created<Order>> {
    auto table = orders.for_request(ctx);
    if (!table) return std::move(table).error();
    auto saved = table->create(Order{lift::uuid(), in.item, in.quantity});
    if (!saved) return std::move(saved).error();
    return lift::created(std::move(*saved));
  });
  app.get("/orders/:id", [orders](lift::Context& ctx) -> lift::Result<Order> {
    auto table = orders.for_request(ctx);
    if (!table) return std::move(table).error();
    return table->get(std::string(*ctx.param("id")));  // 404 DynamORM.ItemNotFound when absent
  });
  app.post("/orders/:id/ship", [orders](lift::Context& ctx) -> lift::Result<Order> {
    auto table = orders.for_request(ctx);
    if (!table) return std::move(table).error();
    // The member, not a string: the model names the attribute (shipStatus).
    return table->update(std::string(*ctx.param("id")), lift::dynamorm::Update().set(&Order::ship_status, "shipped"));
  });
  return app;
}
// ---- end of the recipe ----

namespace {

namespace json = boost::json;

lift::http::Request request(std::string method, std::string path, std::string body = {}) {
  lift::http::Request r;
  r.method = std::move(method);
  r.path = path;
  r.raw_path = std::move(path);
  r.body = std::move(body);
  if (!r.body.empty()) r.headers.set("content-type", "application/json");
  return r;
}

TEST(StoreRecipe, CreatesReadsAndShipsAnOrder) {
  // Before the first lift::dynamodb(), which make_app's table calls.
  ::setenv("LIFT_DYNAMODB_ENDPOINT", "memory:", 1);
  const auto app = make_app();
  const auto created = app.handle(request("POST", "/orders", R"({"item":"book","quantity":2})"));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto order = json::parse(created.body);
  const std::string id(order.at("id").as_string());
  EXPECT_EQ(order.at("ship_status"), "new");

  const auto read = app.handle(request("GET", "/orders/" + id));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(json::parse(read.body), order);

  const auto shipped = app.handle(request("POST", "/orders/" + id + "/ship"));
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  EXPECT_EQ(json::parse(shipped.body).at("ship_status"), "shipped");
  EXPECT_EQ(app.handle(request("GET", "/orders/nope")).status, 404);
  EXPECT_EQ(app.handle(request("POST", "/orders/nope/ship")).status, 404);
}

}  // namespace
