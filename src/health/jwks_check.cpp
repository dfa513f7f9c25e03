// A JSON Web Key Set's check: fetched and parsed by the security layer.

#include <string>

#include "lift/aws/http_client.hpp"
#include "lift/health/health.hpp"
#include "lift/resilience/errors.hpp"
#include "lift/security/jwks.hpp"

namespace lift::health {

Check jwks(std::string name, std::string url, JwksCheckOptions options) {
  if (auto allowed = security::check_fetch_url(url, /*allow_file=*/true); !allowed) {
    const std::string what = "health check \"" + name + "\"";
    return detail::refused_check(std::move(name), resilience::invalid_configuration(what, "url", allowed.error().message));
  }
  auto run = [url = std::move(url), fetch = security::http_fetcher(std::move(options.client))](Deadline deadline) -> Outcome {
    auto body = fetch(url, deadline);
    if (!body) return Outcome::of(body.error());
    auto keys = security::KeySet::parse(*body);
    if (!keys) return Outcome::of(keys.error());
    if (keys->empty()) return Outcome::fail("the key set holds no usable key");
    return Outcome::pass();
  };
  return detail::make_check(std::move(name), "component", CheckOptions{options.timeout, options.component_type}, std::move(run));
}

}  // namespace lift::health
