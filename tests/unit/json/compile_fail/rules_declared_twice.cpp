// Must not compile: rules declared both ways; lift cannot know which the author meant.
#include <string>

#include "lift/json/binding.hpp"

namespace app {
struct Order {
  int quantity = 0;
  static void lift_rules(lift::json::Rules<Order>& r) { r.field(&Order::quantity).min(1); }
};
BOOST_DESCRIBE_STRUCT(Order, (), (quantity))
}  // namespace app

inline void lift_rules(lift::json::Rules<app::Order>& r) { r.field(&app::Order::quantity).max(100); }

bool parses(const std::string& body) { return static_cast<bool>(lift::json::parse<app::Order>(body)); }
