// {{name}}'s SQS handler: one call per record; an error fails that record alone.
#include "app.hpp"

#include <cstdio>
#include <string>

#include "lift/events/sqs.hpp"

namespace {

// The log line of a processed order.
struct Processed {
  std::string level = "INFO";
  std::string message = "order processed";
  std::string order_id;
  double amount = 0;
  std::string message_id;
};
BOOST_DESCRIBE_STRUCT(Processed, (), (level, message, order_id, amount, message_id))

}  // namespace

lift::App make_app() {
  lift::App app;
  app.use(lift::mw::recover());

  // "*": every queue; give a queue name (or a glob such as "orders-*") to route by queue.
  app.sqs("*", [](lift::Context&, const lift::events::SqsMessage& message) -> lift::Result<void> {
    // A body that is not an Order (or breaks its rules) fails this record: batchItemFailures.
    LIFT_TRY(order, lift::json::parse<Order>(message.body));
    Processed processed;
    processed.order_id = order.order_id;
    processed.amount = order.amount;
    processed.message_id = message.messageId;
    // One write per line, flushed: Lambda reads the log from the pipe as it comes.
    const std::string line = lift::json::serialize(processed) + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
    return {};
  });
  return app;
}
