#pragma once
// The report as the draft's JSON, written once per refresh.

#include <string>

#include "lift/health/health.hpp"

namespace lift::health::detail {

// {"status": ...} and, when it is not a pass, the checks that did not pass.
std::string ready_json(const Report& report);
// Every check, the service's identity and the breakers' states.
std::string detail_json(const Report& report, const CheckerOptions& options);

}  // namespace lift::health::detail
