#include "lift/ratelimit/limiter.hpp"

#include <cmath>
#include <string>

#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"
#include "lift/core/utf8.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::ratelimit {

Result<void> validate(const Limit& limit, std::string_view what) {
  if (limit.requests < 1 || limit.requests > kMaxRequests)
    return resilience::invalid_configuration(what, "requests",
                                             "must be 1 to " + std::to_string(kMaxRequests) + ", got " + std::to_string(limit.requests));
  if (limit.period < std::chrono::seconds(1) || limit.period > kMaxPeriod)
    return resilience::invalid_configuration(what, "period",
                                             "must be 1 s to a year, got " + std::to_string(limit.period.count()) + " s");
  return {};
}

Result<std::string> storage_key(std::string_view key) {
  if (key.empty()) return Error{std::string(kKeyInvalid), "the rate limit key is empty", 400, {}};
  if (key.size() <= kMaxKeyBytes && valid_utf8(key)) return std::string(key);
  return "sha256:" + hex::encode(digest::sha256(key));
}

std::chrono::seconds ceil_seconds(std::chrono::duration<double> d) noexcept {
  if (!(d.count() > 0)) return std::chrono::seconds(0);
  // A hair under a whole second is that second (floating error must not add one).
  return std::chrono::seconds(static_cast<std::int64_t>(std::ceil(d.count() - 1e-9)));
}

}  // namespace lift::ratelimit
