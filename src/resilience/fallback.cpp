#include "lift/resilience/fallback.hpp"

#include "lift/resilience/errors.hpp"
#include "log_event.hpp"

namespace lift::resilience::detail {

void log_fallback(const FallbackOptions& options, const Error& error) noexcept {
  const std::string_view reason = error.code == kCircuitOpen    ? "circuit_open"
                                  : error.code == kBulkheadFull ? "bulkhead_full"
                                                                : "call_failed";
  write_event(options.log, "WARN", "fallback used",
              {{"fallback", std::string_view(options.name)}, {"reason", reason}, {"error_code", std::string_view(error.code)},
               {"error", std::string_view(error.message)}});
}

}  // namespace lift::resilience::detail
