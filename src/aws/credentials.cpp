#include "lift/aws/credentials.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <fstream>
#include <iterator>
#include <map>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "lift/aws/http_client.hpp"
#include "lift/aws/sts.hpp"
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
// Nested sub-properties (indented "sub = value" lines under a "key =" with no value, as the
// [services] sections write them) are kept as "key.sub".
std::map<std::string, Section> read_ini(const std::string& path, bool& exists) {
  std::map<std::string, Section> sections;
  std::ifstream file(path);
  exists = static_cast<bool>(file);
  std::string line;
  Section* current = nullptr;
  std::string parent;  // the "key =" that nested lines belong to
  while (std::getline(file, line)) {
    const bool indented = !line.empty() && (line.front() == ' ' || line.front() == '\t');
    const auto text = trim(line);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;
    if (!indented && text.front() == '[' && text.back() == ']') {
      current = &sections[std::string(trim(text.substr(1, text.size() - 2)))];
      parent.clear();
      continue;
    }
    const auto eq = text.find('=');
    if (current == nullptr || eq == std::string_view::npos) continue;
    std::string key(trim(text.substr(0, eq)));
    std::string value(trim(text.substr(eq + 1)));
    if (indented) {
      if (!parent.empty()) (*current)[parent + "." + key] = std::move(value);
      continue;
    }
    parent = value.empty() ? key : std::string();
    (*current)[std::move(key)] = std::move(value);
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

// Both shared files, read once per lookup.
struct SharedFiles {
  ResolvedFiles names;
  std::map<std::string, Section> credentials, config;

  explicit SharedFiles(ResolvedFiles files) : names(std::move(files)) {
    bool exists = false;
    credentials = read_ini(names.credentials_file, exists);
    config = read_ini(names.config_file, exists);
  }

  // A profile's keys: the credentials file's [name] over the config file's [profile name]
  // ([default] in both files for the default profile).
  [[nodiscard]] std::optional<Section> profile(const std::string& name) const {
    std::optional<Section> merged;
    const std::string config_name = name == "default" ? "default" : "profile " + name;
    if (auto it = config.find(config_name); it != config.end()) merged = it->second;
    if (auto it = credentials.find(name); it != credentials.end()) {
      if (!merged) merged.emplace();
      for (const auto& [key, value] : it->second) (*merged)[key] = value;
    }
    return merged;
  }

  // A [services name] section of the config file.
  [[nodiscard]] const Section* services(const std::string& name) const {
    const auto it = config.find("services " + name);
    return it == config.end() ? nullptr : &it->second;
  }
};

std::optional<Section> profile_section(const ResolvedFiles& files) { return SharedFiles(files).profile(files.profile); }

std::string value_of(const Section& section, const std::string& key) {
  const auto it = section.find(key);
  return it == section.end() ? std::string() : it->second;
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

namespace {

constexpr auto kStsBudget = std::chrono::seconds(10);  // one STS call made by a provider
constexpr std::size_t kMaxProcessOutput = 64 * 1024;

std::optional<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Credentials that are always `credentials`: the source of one STS call.
std::shared_ptr<CredentialsChain> fixed_chain(Credentials credentials) {
  return std::make_shared<CredentialsChain>(
      std::vector<CredentialsProvider>{[credentials = std::move(credentials)]() -> Result<Credentials> { return credentials; }});
}

// An STS client for a provider: the region given (else resolved, else us-east-1) and the
// standard endpoint configuration.
Result<StsClient> sts_for(std::string region, std::shared_ptr<CredentialsChain> source) {
  StsOptions options;
  options.region = !region.empty() ? std::move(region) : resolve_region().value_or("us-east-1");
  options.credentials = source ? std::move(source) : fixed_chain(Credentials{});
  HttpClientOptions http;
  http.max_idle_per_endpoint = 1;
  options.http = std::make_shared<HttpClient>(std::move(http));
  return StsClient::create(std::move(options));
}

Result<Credentials> web_identity_exchange(const std::string& token_file, const std::string& role_arn, std::string session_name,
                                          std::string region, std::string_view origin) {
  auto token = read_whole_file(token_file);
  if (!token) return invalid_credentials(std::string(origin) + ": cannot read the web identity token file " + token_file);
  while (!token->empty() && (token->back() == '\n' || token->back() == '\r' || token->back() == ' ')) token->pop_back();
  if (token->empty()) return invalid_credentials(std::string(origin) + ": the web identity token file " + token_file + " is empty");
  LIFT_TRY(sts, sts_for(std::move(region), nullptr));
  auto role = sts.assume_role_with_web_identity(
      {.role_arn = role_arn,
       .role_session_name = session_name.empty() ? default_role_session_name() : std::move(session_name),
       .web_identity_token = std::move(*token)},
      std::chrono::steady_clock::now() + kStsBudget);
  if (!role) return std::move(role).error();
  role->credentials.source = std::string(origin);
  return std::move(role->credentials);
}

// The credentials a credential_process printed.
Result<Credentials> parse_process_output(std::string_view output) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(output, ec);
  if (ec || !value.is_object()) return invalid_credentials("the credential_process output is not a JSON object");
  const auto& object = value.as_object();
  const auto* version = object.if_contains("Version");
  if (version == nullptr || !version->is_int64() || version->as_int64() != 1)
    return invalid_credentials("the credential_process output's Version must be 1");
  const auto text = [&](std::string_view key) -> std::string {
    const auto* field = object.if_contains(key);
    return field != nullptr && field->is_string() ? std::string(field->as_string()) : std::string();
  };
  Credentials credentials{text("AccessKeyId"), text("SecretAccessKey"), text("SessionToken"), std::nullopt, "credential_process"};
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty())
    return invalid_credentials("the credential_process output lacks AccessKeyId or SecretAccessKey");
  if (const auto* expiration = object.if_contains("Expiration"); expiration != nullptr && !expiration->is_null()) {
    const auto when = expiration->is_string() ? detail::parse_iso8601(expiration->as_string()) : std::nullopt;
    if (!when) return invalid_credentials("the credential_process output's Expiration is not an ISO 8601 time");
    credentials.expiration = *when;
  }
  return credentials;
}

// Closes a descriptor when it goes.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int value) : fd(value) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

extern "C" char** environ;

// Runs `command` under /bin/sh -c with stdin from /dev/null; what it wrote to stdout and
// stderr, once it has exited within `timeout` (else it is killed with its process group).
Result<std::pair<std::string, std::string>> run_credential_process(const std::string& command, std::chrono::milliseconds timeout) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return invalid_credentials("credential_process: cannot create a pipe");
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return invalid_credentials("credential_process: cannot create a pipe");
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.fd, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setpgroup(&attributes, 0);  // its own group, so a timeout kills what it started too
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  std::string shell = "/bin/sh", dash_c = "-c", text = command;
  char* argv[] = {shell.data(), dash_c.data(), text.data(), nullptr};
  pid_t child = -1;
  const int spawned = ::posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return invalid_credentials("credential_process: cannot start /bin/sh");
  out_write.reset();
  err_write.reset();

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out, err;
  bool timed_out = false, too_large = false;
  pollfd fds[2] = {{out_read.fd, POLLIN, 0}, {err_read.fd, POLLIN, 0}};
  int open_fds = 2;
  char buffer[4096];
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const auto n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        auto& target = i == 0 ? out : err;
        target.append(buffer, static_cast<std::size_t>(n));
        if (target.size() > kMaxProcessOutput) too_large = true;
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_fds;
      }
    }
    if (too_large) break;
  }
  if (timed_out || too_large) ::kill(-child, SIGKILL);
  int status = 0;
  // After the pipes closed the command is exiting; a short wait bounds a child that closed its
  // output but keeps running.
  for (;;) {
    const pid_t done = ::waitpid(child, &status, timed_out || too_large ? 0 : WNOHANG);
    if (done == child || (done < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      timed_out = true;
      ::kill(-child, SIGKILL);
      ::waitpid(child, &status, 0);
      break;
    }
    ::usleep(2000);
  }
  if (timed_out)
    return invalid_credentials("credential_process did not finish within " + std::to_string(timeout.count()) + " ms: " + command);
  if (too_large) return invalid_credentials("credential_process wrote more than 64 KiB: " + command);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const auto first_line = err.substr(0, std::min(err.find('\n'), std::size_t{200}));
    const std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                              : "was killed by signal " + std::to_string(WTERMSIG(status));
    return invalid_credentials("credential_process " + how + (first_line.empty() ? "" : ": " + first_line));
  }
  return std::pair{std::move(out), std::move(err)};
}

// A profile's credentials, following source_profile to any depth (`visited` catches cycles).
Result<Credentials> resolve_profile(const SharedFiles& files, const std::string& name, std::vector<std::string>& visited,
                                    std::chrono::milliseconds process_timeout) {
  const bool top = visited.empty();
  const auto section = files.profile(name);
  if (!section) {
    const std::string message = "no profile '" + name + "' in " + files.names.credentials_file + " or " + files.names.config_file;
    if (top) return not_found(message);
    return invalid_credentials("profile '" + visited.back() + "' names a source_profile that does not exist: " + message);
  }
  visited.push_back(name);
  const std::string origin = "profile " + name;
  const auto key = value_of(*section, "aws_access_key_id");
  const auto secret = value_of(*section, "aws_secret_access_key");
  const auto static_keys = [&]() -> Result<Credentials> {
    if (key.empty() || secret.empty())
      return invalid_credentials("profile '" + name + "' needs both aws_access_key_id and aws_secret_access_key");
    return Credentials{key, secret, value_of(*section, "aws_session_token"), std::nullopt, origin};
  };

  if (const auto role_arn = value_of(*section, "role_arn"); !role_arn.empty()) {
    if (!value_of(*section, "mfa_serial").empty())
      return invalid_credentials("profile '" + name + "' assumes its role with an MFA code (mfa_serial), which a function cannot be "
                                 "asked for; assume the role outside (aws sts assume-role, aws configure export-credentials) "
                                 "or use a profile without mfa_serial");
    const auto session_name = value_of(*section, "role_session_name");
    const auto region = value_of(*section, "region");
    if (const auto token_file = value_of(*section, "web_identity_token_file"); !token_file.empty())
      return web_identity_exchange(token_file, role_arn, session_name, region, origin);

    const auto source_profile = value_of(*section, "source_profile");
    const auto credential_source = value_of(*section, "credential_source");
    if (!source_profile.empty() && !credential_source.empty())
      return invalid_credentials("profile '" + name + "' sets both source_profile and credential_source; keep one");
    Result<Credentials> source = Error{};
    if (!source_profile.empty()) {
      if (source_profile == name) {
        source = static_keys();  // a profile naming itself holds the keys that assume its role
      } else if (std::find(visited.begin(), visited.end(), source_profile) != visited.end()) {
        std::string cycle;
        for (const auto& step : visited) cycle += step + " -> ";
        return invalid_credentials("the source_profile settings form a cycle: " + cycle + source_profile);
      } else {
        source = resolve_profile(files, source_profile, visited, process_timeout);
      }
    } else if (credential_source == "Environment") {
      source = environment_credentials()();
    } else if (credential_source == "Ec2InstanceMetadata") {
      source = imds_credentials()();
    } else if (credential_source == "EcsContainer") {
      source = container_credentials()();
    } else if (!credential_source.empty()) {
      return invalid_credentials("profile '" + name + "' has credential_source '" + credential_source +
                                 "'; it must be Environment, Ec2InstanceMetadata or EcsContainer");
    } else {
      return invalid_credentials("profile '" + name + "' has a role_arn but neither source_profile nor credential_source");
    }
    if (!source) {
      auto error = std::move(source).error();
      // The source was named explicitly: finding nothing there is a broken profile.
      if (error.code == kNotFound) error.code = "aws.invalid_credentials";
      error.message = "profile '" + name + "': the credentials to assume " + role_arn + " with: " + error.message;
      return error;
    }
    AssumeRoleRequest request{.role_arn = role_arn,
                              .role_session_name = session_name.empty() ? default_role_session_name() : session_name,
                              .external_id = value_of(*section, "external_id")};
    if (const auto duration = value_of(*section, "duration_seconds"); !duration.empty()) {
      long long seconds = 0;
      const auto [end, ec] = std::from_chars(duration.data(), duration.data() + duration.size(), seconds);
      if (ec != std::errc{} || end != duration.data() + duration.size() || seconds < 900 || seconds > 43200)
        return invalid_credentials("profile '" + name + "' has duration_seconds '" + duration + "'; it must be 900 to 43200");
      request.duration = std::chrono::seconds(seconds);
    }
    LIFT_TRY(sts, sts_for(region, fixed_chain(std::move(*source))));
    auto role = sts.assume_role(request, std::chrono::steady_clock::now() + kStsBudget);
    if (!role) return std::move(role).error();
    role->credentials.source = origin + " (role " + role_arn + ")";
    return std::move(role->credentials);
  }

  if (const auto process = value_of(*section, "credential_process"); !process.empty()) {
    auto found = process_credentials(process, process_timeout)();
    if (found) found->source = origin + " (credential_process)";
    return found;
  }
  if (key.empty() && secret.empty()) {
    const std::string message = "profile '" + name + "' has no credentials (static keys, role_arn or credential_process)";
    if (top) return not_found(message);
    return invalid_credentials(message);
  }
  return static_keys();
}

}  // namespace

CredentialsProvider web_identity_credentials() {
  return []() -> Result<Credentials> {
    const auto token_file = env_or("AWS_WEB_IDENTITY_TOKEN_FILE", "");
    if (token_file.empty()) return not_found("AWS_WEB_IDENTITY_TOKEN_FILE is not set");
    const auto role_arn = env_or("AWS_ROLE_ARN", "");
    if (role_arn.empty()) return invalid_credentials("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
    return web_identity_exchange(token_file, role_arn, env_or("AWS_ROLE_SESSION_NAME", ""), "", "web identity");
  };
}

CredentialsProvider profile_credentials(ProfileFiles files) {
  return [files]() -> Result<Credentials> {
    const SharedFiles shared(resolve(files));
    std::vector<std::string> visited;
    return resolve_profile(shared, shared.names.profile, visited, files.process_timeout);
  };
}

CredentialsProvider process_credentials(std::string command, std::chrono::milliseconds timeout) {
  return [command = std::move(command), timeout]() -> Result<Credentials> {
    LIFT_TRY(output, run_credential_process(command, timeout));
    return parse_process_output(output.first);
  };
}

CredentialsProvider imds_credentials(ImdsOptions options) {
  if (!options.http) {
    HttpClientOptions http;
    http.proxy = "";  // the service is link-local; a proxy could not reach it
    http.max_response_bytes = 64 * 1024;
    http.max_idle_per_endpoint = 1;
    http.connect_timeout = options.timeout;
    options.http = std::make_shared<HttpClient>(std::move(http));
  }
  // Off EC2 the service never answers: after one silent attempt, this provider says "not
  // found" at once for a minute, so a chain that ends here does not wait on every call.
  auto silent_until = std::make_shared<std::atomic<std::int64_t>>(0);
  return [options, silent_until]() -> Result<Credentials> {
    if (iequals(env_or("AWS_EC2_METADATA_DISABLED", ""), "true")) return not_found("AWS_EC2_METADATA_DISABLED is true");
    const auto steady_now = std::chrono::steady_clock::now().time_since_epoch().count();
    if (steady_now < silent_until->load(std::memory_order_relaxed))
      return not_found("the EC2 instance metadata service did not answer a moment ago");
    std::string endpoint = options.endpoint;
    if (endpoint.empty()) endpoint = env_or("AWS_EC2_METADATA_SERVICE_ENDPOINT", "");
    if (endpoint.empty())
      endpoint = iequals(env_or("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", ""), "ipv6") ? "http://[fd00:ec2::254]"
                                                                                           : "http://169.254.169.254";
    while (endpoint.ends_with('/')) endpoint.pop_back();
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    const auto unreachable = [](const Error& error) {
      return error.code == kHttpConnectFailed || error.code == kHttpTimeout || error.code == kHttpConnectionLost;
    };
    const auto failed = [&](std::string what) {
      return Error{"aws.credentials_fetch_failed", "the EC2 instance metadata service at " + endpoint + " " + std::move(what), 500};
    };

    auto token = options.http->send({"PUT", endpoint + "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}}, {}},
                                    deadline);
    if (!token && unreachable(token.error())) {
      silent_until->store(
          (std::chrono::steady_clock::now() + std::chrono::minutes(1)).time_since_epoch().count(), std::memory_order_relaxed);
      return not_found("no EC2 instance metadata service answered at " + endpoint +
                       " (in a container on EC2, the instance's metadata hop limit must be 2)");
    }
    if (!token) return failed("failed: " + token.error().message);
    // 403: the instance's metadata service is turned off. 
    if (token->status == 403) return not_found("the EC2 instance metadata service is disabled on this instance");
    if (token->status != 200 || token->body.empty()) return failed("answered the session token request with HTTP " + std::to_string(token->status));
    const std::vector<std::pair<std::string, std::string>> headers{{"X-aws-ec2-metadata-token", token->body}};

    auto role = options.http->send({"GET", endpoint + "/latest/meta-data/iam/security-credentials/", headers, {}}, deadline);
    if (!role) return failed("failed: " + role.error().message);
    if (role->status == 404) return not_found("this EC2 instance has no instance profile (no IAM role)");
    if (role->status != 200) return failed("answered the role name request with HTTP " + std::to_string(role->status));
    std::string name(trim(std::string_view(role->body).substr(0, role->body.find('\n'))));
    if (name.empty() || name.find_first_of("/?#% ") != std::string::npos)
      return invalid_credentials("the EC2 instance metadata service named no usable role: " + detail::excerpt(role->body));

    auto answer = options.http->send({"GET", endpoint + "/latest/meta-data/iam/security-credentials/" + name, headers, {}}, deadline);
    if (!answer) return failed("failed: " + answer.error().message);
    if (answer->status != 200) return failed("answered the credentials request with HTTP " + std::to_string(answer->status));
    boost::system::error_code ec;
    const auto value = boost::json::parse(answer->body, ec);
    if (ec || !value.is_object()) return invalid_credentials("the EC2 instance metadata credentials are not a JSON object");
    if (const auto* code = value.as_object().if_contains("Code"); code != nullptr && (!code->is_string() || code->as_string() != "Success"))
      return failed("reported the role's credentials as not available");
    auto credentials = parse_container_credentials(answer->body);
    if (!credentials) return credentials;
    credentials->source = "EC2 instance metadata (role " + name + ")";
    return credentials;
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

std::optional<std::string> configured_endpoint_url(std::string_view service_id, const ProfileFiles& files) {
  if (iequals(env_or("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", ""), "true")) return std::nullopt;
  std::string upper, lower;
  for (char c : service_id) {
    const char plain = c == ' ' || c == '-' ? '_' : c;
    upper += static_cast<char>(plain >= 'a' && plain <= 'z' ? plain - 'a' + 'A' : plain);
    lower += ascii_lower(plain);
  }
  if (auto url = env_or(("AWS_ENDPOINT_URL_" + upper).c_str(), ""); !url.empty()) return url;
  if (auto url = env_or("AWS_ENDPOINT_URL", ""); !url.empty()) return url;
  const SharedFiles shared(resolve(files));
  const auto profile = shared.profile(shared.names.profile);
  if (!profile || iequals(value_of(*profile, "ignore_configured_endpoint_urls"), "true")) return std::nullopt;
  if (const auto services = value_of(*profile, "services"); !services.empty()) {
    if (const auto* section = shared.services(services)) {
      if (auto url = value_of(*section, lower + ".endpoint_url"); !url.empty()) return url;
    }
  }
  if (auto url = value_of(*profile, "endpoint_url"); !url.empty()) return url;
  return std::nullopt;
}

CredentialsChain::CredentialsChain(std::vector<CredentialsProvider> providers, Clock clock, std::chrono::seconds refresh_before)
    : providers_(std::move(providers)), clock_(std::move(clock)), refresh_before_(refresh_before) {}

std::vector<CredentialsProvider> CredentialsChain::standard_providers() {
  return {environment_credentials(), web_identity_credentials(), profile_credentials(), container_credentials(), imds_credentials()};
}

CredentialsChain CredentialsChain::standard() { return CredentialsChain(standard_providers()); }

bool CredentialsChain::usable(std::chrono::system_clock::time_point now) const {
  return cached_ && (!cached_->expiration || now < *cached_->expiration);
}

Result<Credentials> CredentialsChain::fetch() {
  std::string tried;
  for (const auto& provider : providers_) {
    auto found = provider();
    if (found) return found;
    if (found.error().code != kNotFound) return found;  // a broken source stops the search
    if (!tried.empty()) tried += "; ";
    tried += found.error().message;
  }
  return not_found("no AWS credentials found: " + tried);
}

Result<Credentials> CredentialsChain::get() {
  std::unique_lock lock(mutex_);
  for (;;) {
    const auto now = clock_();
    const bool fresh = cached_ && (!cached_->expiration || now < *cached_->expiration - refresh_before_);
    if (fresh) return *cached_;
    if (!refreshing_) {
      // After a failed refresh, still-valid credentials are served for a while before the next try.
      if (usable(now) && now < retry_after_) return *cached_;
      break;
    }
    // Another worker is fetching: valid credentials meanwhile, else wait for its answer.
    if (usable(now)) return *cached_;
    const auto started = refreshes_;
    refreshed_.wait(lock, [&] { return refreshes_ != started; });
    if (usable(clock_())) return *cached_;
    if (last_error_) return *last_error_;
  }

  refreshing_ = true;
  lock.unlock();
  Result<Credentials> found = Error{};
  try {
    found = fetch();
  } catch (...) {
    lock.lock();
    refreshing_ = false;
    ++refreshes_;
    last_error_ = Error{"aws.credentials_fetch_failed", "a credentials provider threw", 500};
    refreshed_.notify_all();
    throw;
  }
  lock.lock();
  refreshing_ = false;
  ++refreshes_;
  const auto now = clock_();
  if (found) {
    cached_ = std::move(*found);
    last_error_.reset();
    refreshed_.notify_all();
    return *cached_;
  }
  last_error_ = found.error();
  refreshed_.notify_all();
  if (usable(now)) {
    retry_after_ = now + std::chrono::seconds(10);
    return *cached_;
  }
  return std::move(found).error();
}

}  // namespace lift::aws
