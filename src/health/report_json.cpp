#include "report_json.hpp"

#include <cmath>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "lift/core/time.hpp"

namespace lift::health::detail {
namespace {

// The draft keys each check "component:measurement"; every check here measures its response time.
std::string check_key(const CheckReport& check) { return check.name + ":responseTime"; }

boost::json::object check_entry(const CheckReport& check, bool detail) {
  boost::json::object entry;
  if (detail) {
    entry["componentType"] = check.component_type;
    // Milliseconds with microsecond precision.
    entry["observedValue"] = std::round(static_cast<double>(check.latency.count())) / 1000.0;
    entry["observedUnit"] = "ms";
  }
  entry["status"] = to_string(check.status);
  if (detail) entry["time"] = rfc3339(check.time);
  if (!check.output.empty()) entry["output"] = check.output;
  return entry;
}

}  // namespace

std::string ready_json(const Report& report) {
  boost::json::object body;
  body["status"] = to_string(report.status);
  if (report.status != Status::pass) {
    boost::json::object checks;
    for (const auto& check : report.checks) {
      if (check.status == Status::pass) continue;
      checks[check_key(check)] = boost::json::array{check_entry(check, false)};
    }
    body["checks"] = std::move(checks);
  }
  return boost::json::serialize(body);
}

std::string detail_json(const Report& report, const CheckerOptions& options) {
  boost::json::object body;
  body["status"] = to_string(report.status);
  if (!options.version.empty()) body["version"] = options.version;
  if (!options.service_id.empty()) body["serviceId"] = options.service_id;
  if (!options.description.empty()) body["description"] = options.description;
  boost::json::object checks;
  for (const auto& check : report.checks) checks[check_key(check)] = boost::json::array{check_entry(check, true)};
  body["checks"] = std::move(checks);
  if (options.include_breakers) {
    // Not one of the draft's members (a reader ignores what it does not know): the breakers'
    // states are facts for an operator, not checks, and do not change the status.
    boost::json::object breakers;
    for (const auto& breaker : report.breakers) breakers[breaker.name] = boost::json::object{{"state", breaker.state}};
    body["breakers"] = std::move(breakers);
  }
  body["time"] = rfc3339(report.time);
  return boost::json::serialize(body);
}

}  // namespace lift::health::detail
