#include "lift/aws/credentials.hpp"

#include <fstream>
#include <map>
#include <string_view>

#include "lift/core/env.hpp"

namespace lift::aws {
namespace {

constexpr std::string_view kNotFound = "aws.credentials_not_found";

Error not_found(std::string message) { return Error{std::string(kNotFound), std::move(message), 500}; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
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

}  // namespace

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

CredentialsChain CredentialsChain::standard() { return CredentialsChain({environment_credentials(), profile_credentials()}); }

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
