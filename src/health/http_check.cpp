// An HTTP dependency's check: GET a URL, compare the status.

#include <algorithm>
#include <string>

#include "lift/aws/http_client.hpp"
#include "lift/health/health.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::health {

Check http_dependency(std::string name, std::string url, HttpCheckOptions options) {
  const std::string what = "health check \"" + name + "\"";
  if (auto parsed = aws::parse_url(url); !parsed)
    return detail::refused_check(std::move(name), resilience::invalid_configuration(what, "url", parsed.error().message));
  for (const int status : options.expected_statuses) {
    if (status < 100 || status > 599)
      return detail::refused_check(std::move(name), resilience::invalid_configuration(what, "expected_statuses",
                                                                                      "holds " + std::to_string(status) + ", not an HTTP status"));
  }
  auto client = options.client ? std::move(options.client) : std::make_shared<aws::HttpClient>();
  auto run = [url = std::move(url), expected = std::move(options.expected_statuses), client = std::move(client)](Deadline deadline) -> Outcome {
    auto response = client->send(aws::HttpRequest{.method = "GET", .url = url}, deadline);
    if (!response) return Outcome::of(response.error());
    const int status = response->status;
    const bool wanted = expected.empty() ? status >= 200 && status <= 299 : std::ranges::find(expected, status) != expected.end();
    if (wanted) return Outcome::pass();
    return Outcome::fail("answered HTTP " + std::to_string(status));
  };
  return detail::make_check(std::move(name), "component", CheckOptions{options.timeout, options.component_type}, std::move(run));
}

}  // namespace lift::health
