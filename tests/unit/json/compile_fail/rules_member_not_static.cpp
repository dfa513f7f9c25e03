// Must not compile: a member named lift_rules that lift cannot call (not static), whose rules
// would otherwise be skipped without a word.
#include <string>

#include "lift/json/binding.hpp"

namespace app {
struct Order {
  int quantity = 0;
  void lift_rules(lift::json::Rules<Order>& r) { r.field(&Order::quantity).min(1); }
};
BOOST_DESCRIBE_STRUCT(Order, (), (quantity))
}  // namespace app

bool parses(const std::string& body) { return static_cast<bool>(lift::json::parse<app::Order>(body)); }
