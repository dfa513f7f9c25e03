// Must not compile: rules in a private static member, which lift cannot call.
#include <string>

#include "lift/json/binding.hpp"

namespace app {
class Order {
  static void lift_rules(lift::json::Rules<Order>& r) { r.field(&Order::quantity).min(1); }

 public:
  int quantity = 0;
};
BOOST_DESCRIBE_STRUCT(Order, (), (quantity))
}  // namespace app

bool parses(const std::string& body) { return static_cast<bool>(lift::json::parse<app::Order>(body)); }
