// examples/sqs-worker: a partial-batch SQS consumer.
//   each record's body is an order {"order_id": "...", "amount": 12.5}; a body that is not
//   such an order, or whose amount is negative, is reported in batchItemFailures so that SQS
//   redelivers that message alone; the others are processed and deleted.

#include <cstdio>
#include <string>

#include <boost/describe.hpp>

#include "lift/events/sqs.hpp"
#include "lift/lift.hpp"

struct Order {
  std::string order_id;
  double amount = 0;
};
BOOST_DESCRIBE_STRUCT(Order, (), (order_id, amount))

// The log line of a processed order.
struct Processed {
  std::string level = "INFO";
  std::string message = "order processed";
  std::string order_id;
  double amount = 0;
  std::string message_id;
  std::string request_id;
};
BOOST_DESCRIBE_STRUCT(Processed, (), (level, message, order_id, amount, message_id, request_id))

inline void lift_rules(lift::json::Rules<Order>& r) {
  r.field(&Order::order_id).required().length(1, 64);
  r.field(&Order::amount).required().min(0);
}

lift::App make_app() {
  lift::App app;
  app.sqs("*", [](lift::Context& ctx, const lift::events::SqsMessage& message) -> lift::Result<void> {
    // A malformed or invalid body fails this record only: its messageId is reported.
    LIFT_TRY(order, lift::json::parse<Order>(message.body));
    Processed line;
    line.order_id = order.order_id;
    line.amount = order.amount;
    line.message_id = message.messageId;
    line.request_id = std::string(ctx.request_id());
    // One write per line, flushed: Lambda reads the log from the pipe as it comes.
    const std::string text = lift::json::serialize(line) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return {};
  });
  return app;
}

int main() { return lift::run(make_app); }
