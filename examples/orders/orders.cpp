#include "orders.hpp"

#include <chrono>
#include <string>

#include "lift/app/database.hpp"
#include "lift/core/env.hpp"
#include "lift/events/sqs.hpp"
#include "lift/lift.hpp"

namespace orders {

struct Order {
  std::string id;
  std::string item;
  int quantity = 1;
  std::string email;
  std::string status = "new";
  std::chrono::system_clock::time_point created_at{};
};
BOOST_DESCRIBE_STRUCT(Order, (), (id, item, quantity, email, status, created_at))

struct NewOrder {
  std::string item;
  int quantity = 0;
  std::string email;
  static void lift_rules(lift::json::Rules<NewOrder>& r) {
    r.field(&NewOrder::item).required().length(1, 200);
    r.field(&NewOrder::quantity).required().min(1).max(100);
    r.field(&NewOrder::email).required().email();
  }
};
BOOST_DESCRIBE_STRUCT(NewOrder, (), (item, quantity, email))

// The body of a shipping notice on the queue.
struct Shipped {
  std::string order_id;
  static void lift_rules(lift::json::Rules<Shipped>& r) { r.field(&Shipped::order_id).required().length(1, 64); }
};
BOOST_DESCRIBE_STRUCT(Shipped, (), (order_id))

lift::App make_app() {
  const lift::RequestTable<Order> orders(lift::dynamorm::Model<Order>(lift::env_or("ORDERS_TABLE", "orders"))
                                             .partition_key(&Order::id)
                                             .created_at(&Order::created_at));
  lift::App app;
  app.use(lift::mw::recover(), lift::mw::request_id(), lift::mw::access_log());

  app.post("/orders", [orders](lift::Context& ctx, NewOrder in) -> lift::Result<lift::Created<Order>> {
    LIFT_TRY(table, orders.for_request(ctx));
    LIFT_TRY(saved, table.create(Order{.id = lift::uuid(), .item = in.item, .quantity = in.quantity, .email = in.email}));
    return lift::created(std::move(saved));
  });

  app.get("/orders/:id", [orders](lift::Context& ctx) -> lift::Result<Order> {
    LIFT_TRY(table, orders.for_request(ctx));
    return table.get(std::string(*ctx.param("id")));  // 404 when there is none
  });

  // A notice that does not parse or names no order fails its record alone (batchItemFailures).
  app.sqs("*", [orders](lift::Context& ctx, const lift::events::SqsMessage& message) -> lift::Result<void> {
    LIFT_TRY(notice, lift::json::parse<Shipped>(message.body));
    LIFT_TRY(table, orders.for_request(ctx));
    // The member, not a string, names the attribute; an order that does not exist is ItemNotFound.
    return table.update(notice.order_id, lift::dynamorm::Update().set(&Order::status, "shipped")).transform([](const Order&) {});
  });
  return app;
}

}  // namespace orders
