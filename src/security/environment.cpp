#include "lift/security/environment.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lift/core/env.hpp"
#include "lift/security/jwks.hpp"
#include "lift/security/key.hpp"

namespace lift::security {

namespace {
Error configuration(std::string message) { return Error{"Security.Configuration", std::move(message), 500, {}}; }

std::vector<std::string> comma_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}
}  // namespace

Result<std::shared_ptr<const JwtVerifier>> jwt_verifier_from_environment() {
  const std::string jwks = env_or("LIFT_JWT_JWKS", "");
  const std::string secret = env_or("LIFT_JWT_SECRET", "");
  if (jwks.empty() && secret.empty()) return std::shared_ptr<const JwtVerifier>{};
  if (!jwks.empty() && !secret.empty())
    return configuration("LIFT_JWT_JWKS and LIFT_JWT_SECRET are both set: choose one key source");

  VerifyOptions options;
  options.issuers = comma_list(env_or("LIFT_JWT_ISSUER", ""));
  options.audiences = comma_list(env_or("LIFT_JWT_AUDIENCE", ""));

  if (!secret.empty()) {
    auto key = Key::hmac(Algorithm::HS256, secret);
    if (!key) return configuration("LIFT_JWT_SECRET: " + key.error().message);
    return std::shared_ptr<const JwtVerifier>(std::make_shared<JwtVerifier>(std::move(*key), std::move(options)));
  }
  if (auto usable = check_fetch_url(jwks, /*allow_file=*/true); !usable)
    return configuration("LIFT_JWT_JWKS: " + usable.error().message);
  JwksOptions jwks_options;
  jwks_options.url = jwks;
  auto provider = JwksProvider::create(std::move(jwks_options));
  if (!provider) return configuration("LIFT_JWT_JWKS: " + provider.error().message);
  return std::shared_ptr<const JwtVerifier>(std::make_shared<JwtVerifier>(std::move(*provider), std::move(options)));
}

}  // namespace lift::security
