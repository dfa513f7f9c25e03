// A DynamoDB table's check: DescribeTable and its TableStatus.

#include <boost/json/object.hpp>

#include "lift/app/database.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/health/health.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::health {

Check dynamodb_table(std::string table, DynamoDbCheckOptions options) {
  std::string name = options.name.empty() ? table : options.name;
  if (table.empty()) return detail::refused_check(std::move(name), resilience::invalid_configuration("health check", "table", "must name a DynamoDB table"));
  auto run = [table = std::move(table), client = std::move(options.client)](Deadline deadline) -> Outcome {
    // lift::dynamodb() lives as long as the process, so a run may use it after its Checker went.
    aws::DynamoDbClient& dynamodb = client ? *client : lift::dynamodb();
    auto described = dynamodb.describe_table(boost::json::object{{"TableName", table}}, deadline);
    if (!described) return Outcome::of(described.error());
    const auto* description = described->if_contains("Table");
    const auto* status = description != nullptr && description->is_object() ? description->as_object().if_contains("TableStatus") : nullptr;
    if (status == nullptr || !status->is_string()) return Outcome::fail("DescribeTable answered without a TableStatus");
    const std::string_view state = status->as_string();
    if (state == "ACTIVE") return Outcome::pass();
    if (state == "UPDATING") return Outcome::warn("table " + table + " is UPDATING");
    return Outcome::fail("table " + table + " is " + std::string(state));
  };
  return detail::make_check(std::move(name), "datastore", CheckOptions{options.timeout, options.component_type}, std::move(run));
}

}  // namespace lift::health
