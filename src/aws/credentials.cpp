#include "lift/aws/credentials.hpp"

#include <fstream>
#include <iterator>
#include <map>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "lift/aws/http_client.hpp"
#include "lift/core/env.hpp"
#include "lift/core/text.hpp"
#include "service.hpp"

namespace lift::aws {
namespace {

constexpr std::string_view kNotFound = "aws.credentials_not_found";

Error not_found(std::string message) { return Error{std::string(kNotFound), std::move(message), 500}; }

// A line of a shared config or credentials file, without blanks and a CRLF file's '\r'.
std::string_view trim(std::string_view s) {
  if (s.ends_with('\r')) s.remove_suffix(1);
  return trim_blanks(s);
}

using Section = std::map<std::string, std::string>;

// The sections of an AWS shared file (INI: "[name]", "key = value", '#' or ';' comments).
// Nested sub-properties (indented lines) are skipped; nothing here needs them.
std::map<std::string, Section> read_ini(const std::string& path, bool& exists) {
  std::map<std::string, Section> sections;
  std::ifstream file(path);
  exists = static_cast<bool>(file);
  std::string line;
  Section* current = nullptr;
  while (std::getline(file, line)) {
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) continue;
    const auto text = trim(line);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;
    if (text.front() == '[' && text.back() == ']') {
      current = &sections[std::string(trim(text.substr(1, text.size() - 2)))];
      continue;
    }
    const auto eq = text.find('=');
    if (current == nullptr || eq == std::string_view::npos) continue;
    (*current)[std::string(trim(text.substr(0, eq)))] = std::string(trim(text.substr(eq + 1)));
  }
  return sections;
}

std::string home_file(const char* variable, const char* relative) {
  if (auto set = env(variable); set && !set->empty()) return std::string(*set);
  return env_or("HOME", "") + "/" + relative;
}

struct ResolvedFiles {
  std::string profile, credentials_file, config_file;
};

ResolvedFiles resolve(const ProfileFiles& files) {
  return {files.profile.empty() ? env_or("AWS_PROFILE", "default") : files.profile,
          files.credentials_file.empty() ? home_file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials") : files.credentials_file,
          files.config_file.empty() ? home_file("AWS_CONFIG_FILE", ".aws/config") : files.config_file};
}

// The profile's keys: the credentials file's [name] over the config file's [profile name]
// ([default] in both files for the default profile).
std::optional<Section> profile_section(const ResolvedFiles& files) {
  bool credentials_exists = false, config_exists = false;
  auto credentials = read_ini(files.credentials_file, credentials_exists);
  auto config = read_ini(files.config_file, config_exists);
  std::optional<Section> merged;
  const std::string config_name = files.profile == "default" ? "default" : "profile " + files.profile;
  if (auto it = config.find(config_name); it != config.end()) merged = it->second;
  if (auto it = credentials.find(files.profile); it != credentials.end()) {
    if (!merged) merged.emplace();
    for (auto& [key, value] : it->second) (*merged)[key] = value;
  }
  return merged;
}

Error invalid_credentials(std::string message) { return Error{"aws.invalid_credentials", std::move(message), 500}; }

// Hosts the SDKs allow for a FULL_URI over plain http: nothing leaves the machine or the task.
bool allowed_plain_http_host(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23")
    return true;
  if (!host.starts_with("127.")) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots == 3;
}

Result<std::string> authorization_token() {
  std::string token;
  if (auto file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); file && !file->empty()) {
    std::ifstream in{std::string(*file), std::ios::binary};
    if (!in) return invalid_credentials("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + std::string(*file));
    token.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  } else {
    token = env_or("AWS_CONTAINER_AUTHORIZATION_TOKEN", "");
  }
  if (token.find_first_of("\r\n") != std::string::npos || token.find('\0') != std::string::npos)
    return invalid_credentials("the container authorization token contains a line break");
  return token;
}

}  // namespace

Result<Credentials> parse_container_credentials(std::string_view json) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) return invalid_credentials("the container credentials are not a JSON object");
  const auto& object = value.as_object();
  const auto text = [&](std::string_view key) -> std::optional<std::string> {
    const auto* field = object.if_contains(key);
    if (field == nullptr || !field->is_string()) return std::nullopt;
    return std::string(field->as_string());
  };
  Credentials credentials;
  auto key = text("AccessKeyId");
  auto secret = text("SecretAccessKey");
  if (!key || key->empty() || !secret || secret->empty())
    return invalid_credentials("the container credentials lack AccessKeyId or SecretAccessKey");
  credentials.access_key_id = std::move(*key);
  credentials.secret_access_key = std::move(*secret);
  if (const auto* token = object.if_contains("Token"); token != nullptr && !token->is_null()) {
    if (!token->is_string()) return invalid_credentials("the container credentials' Token is not a string");
    credentials.session_token = std::string(token->as_string());
  }
  if (const auto* expiration = object.if_contains("Expiration"); expiration != nullptr && !expiration->is_null()) {
    const auto when = expiration->is_string() ? detail::parse_iso8601(expiration->as_string()) : std::nullopt;
    if (!when) return invalid_credentials("the container credentials' Expiration is not an ISO 8601 time");
    credentials.expiration = *when;
  }
  credentials.source = "container";
  return credentials;
}

CredentialsProvider container_credentials(std::shared_ptr<HttpClient> client) {
  if (!client) {
    HttpClientOptions options;
    options.proxy = "";  // the endpoint is local to the task; a proxy could not reach it
    options.max_response_bytes = 64 * 1024;
    options.max_idle_per_endpoint = 1;
    client = std::make_shared<HttpClient>(std::move(options));
  }
  return [client]() -> Result<Credentials> {
    std::string url;
    if (auto relative = env_or("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", ""); !relative.empty()) {
      if (relative.front() != '/') relative.insert(relative.begin(), '/');
      url = "http://169.254.170.2" + relative;
    } else if (auto full = env_or("AWS_CONTAINER_CREDENTIALS_FULL_URI", ""); !full.empty()) {
      auto parsed = parse_url(full);
      if (!parsed) return invalid_credentials("AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL: " + parsed.error().message);
      if (!parsed->https && !allowed_plain_http_host(parsed->host))
        return invalid_credentials("AWS_CONTAINER_CREDENTIALS_FULL_URI may use http only for loopback or the container "
                                   "endpoints, not " + parsed->host);
      url = std::move(full);
    } else {
      return not_found("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set");
    }
    auto token = authorization_token();
    if (!token) return std::move(token).error();
    HttpRequest request{"GET", url, {{"Accept", "application/json"}}, {}};
    if (!token->empty()) request.headers.emplace_back("Authorization", std::move(*token));

    // The endpoint is local and quick; two short attempts ride out a restart of the agent.
    Result<HttpResponse> response = Error{};
    for (int attempt = 0; attempt < 2; ++attempt) {
      response = client->send(request, std::chrono::steady_clock::now() + std::chrono::seconds(1));
      if (response && response->status < 500) break;
      if (!response && response.error().code != kHttpConnectFailed && response.error().code != kHttpConnectionLost &&
          response.error().code != kHttpTimeout)
        break;
    }
    if (!response)
      return Error{"aws.credentials_fetch_failed", "the container credentials endpoint failed: " + response.error().message, 500};
    if (response->status != 200)
      return Error{"aws.credentials_fetch_failed",
                   "the container credentials endpoint answered HTTP " + std::to_string(response->status) + ": " +
                       response->body.substr(0, 200),
                   500};
    return parse_container_credentials(response->body);
  };
}

CredentialsProvider environment_credentials() {
  return []() -> Result<Credentials> {
    const auto key = env_or("AWS_ACCESS_KEY_ID", "");
    const auto secret = env_or("AWS_SECRET_ACCESS_KEY", "");
    if (key.empty() && secret.empty()) return not_found("AWS_ACCESS_KEY_ID is not set");
    if (key.empty() || secret.empty())
      return Error{"aws.invalid_credentials", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together", 500};
    return Credentials{key, secret, env_or("AWS_SESSION_TOKEN", ""), std::nullopt, "environment"};
  };
}

CredentialsProvider profile_credentials(ProfileFiles files) {
  return [files]() -> Result<Credentials> {
    const auto resolved = resolve(files);
    auto section = profile_section(resolved);
    if (!section) return not_found("no profile '" + resolved.profile + "' in " + resolved.credentials_file + " or " + resolved.config_file);
    const auto key = (*section)["aws_access_key_id"];
    const auto secret = (*section)["aws_secret_access_key"];
    if (key.empty() && secret.empty())
      return not_found("profile '" + resolved.profile + "' has no static keys (other sources are not supported yet)");
    if (key.empty() || secret.empty())
      return Error{"aws.invalid_credentials",
                   "profile '" + resolved.profile + "' needs both aws_access_key_id and aws_secret_access_key", 500};
    return Credentials{key, secret, (*section)["aws_session_token"], std::nullopt, "profile " + resolved.profile};
  };
}

std::optional<std::string> resolve_region(const ProfileFiles& files) {
  if (auto region = env_or("AWS_REGION", ""); !region.empty()) return region;
  if (auto region = env_or("AWS_DEFAULT_REGION", ""); !region.empty()) return region;
  auto section = profile_section(resolve(files));
  if (section) {
    if (auto it = section->find("region"); it != section->end() && !it->second.empty()) return it->second;
  }
  return std::nullopt;
}

CredentialsChain::CredentialsChain(std::vector<CredentialsProvider> providers, Clock clock, std::chrono::seconds refresh_before)
    : providers_(std::move(providers)), clock_(std::move(clock)), refresh_before_(refresh_before) {}

std::vector<CredentialsProvider> CredentialsChain::standard_providers() {
  return {environment_credentials(), profile_credentials(), container_credentials()};
}

CredentialsChain CredentialsChain::standard() { return CredentialsChain(standard_providers()); }

Result<Credentials> CredentialsChain::get() {
  std::lock_guard lock(mutex_);
  const auto now = clock_();
  if (cached_ && (!cached_->expiration || now < *cached_->expiration - refresh_before_)) return *cached_;

  std::string tried;
  for (const auto& provider : providers_) {
    auto found = provider();
    if (found) {
      cached_ = std::move(*found);
      return *cached_;
    }
    if (found.error().code != kNotFound) {
      // A broken source stops the search, but credentials still valid are better than none.
      if (cached_ && cached_->expiration && now < *cached_->expiration) return *cached_;
      return std::move(found).error();
    }
    if (!tried.empty()) tried += "; ";
    tried += found.error().message;
  }
  if (cached_ && cached_->expiration && now < *cached_->expiration) return *cached_;
  return not_found("no AWS credentials found: " + tried);
}

}  // namespace lift::aws
