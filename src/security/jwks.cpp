// Key sets: parsing, fetching (file, http(s), OIDC discovery) and the cached provider.
#include "lift/security/jwks.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <mutex>

#include <boost/json/parse.hpp>

#include "lift/aws/http_client.hpp"
#include "lift/security/errors.hpp"

namespace lift::security {

namespace json = boost::json;

namespace {

Error invalid_jwks(std::string message) { return Error{std::string(kInvalidJwks), std::move(message), 502}; }
Error config(std::string message) { return Error{"Config", std::move(message), 500}; }


bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"Jwks.FetchFailed", "cannot read " + path, 502};
  std::string body(max_bytes + 1, '\0');
  in.read(body.data(), static_cast<std::streamsize>(body.size()));
  body.resize(static_cast<std::size_t>(in.gcount()));
  if (body.size() > max_bytes) return invalid_jwks(path + " is larger than " + std::to_string(max_bytes) + " bytes");
  return body;
}

}  // namespace

Result<KeySet> KeySet::from_json(const json::value& jwks, const KeySetOptions& options) {
  const auto* object = jwks.if_object();
  const auto* keys = object != nullptr ? object->if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) return invalid_jwks("a JWKS is an object with a \"keys\" array");
  if (keys->get_array().size() > options.max_keys)
    return invalid_jwks("the JWKS has more than " + std::to_string(options.max_keys) + " keys");
  KeySet set;
  for (const auto& entry : keys->get_array()) {
    const auto* jwk = entry.if_object();
    const auto* kty = jwk != nullptr ? jwk->if_contains("kty") : nullptr;
    if (kty == nullptr || !kty->is_string() || (kty->get_string() == "oct" && !options.allow_symmetric)) {
      ++set.skipped_;
      continue;
    }
    std::optional<Algorithm> algorithm;
    if (kty->get_string() == "RSA" && !jwk->contains("alg")) {
      if (!options.rsa_default) {
        ++set.skipped_;
        continue;
      }
      algorithm = options.rsa_default;
    }
    auto key = Key::from_jwk(*jwk, algorithm);
    if (key) set.keys_.push_back(std::move(*key));
    else ++set.skipped_;
  }
  return set;
}

Result<KeySet> KeySet::parse(std::string_view text, const KeySetOptions& options) {
  if (text.size() > options.max_bytes) return invalid_jwks("the JWKS is larger than " + std::to_string(options.max_bytes) + " bytes");
  boost::system::error_code ec;
  const json::value value = json::parse(text, ec);
  if (ec) return invalid_jwks("the JWKS is not JSON: " + ec.message());
  return from_json(value, options);
}

std::vector<Key> KeySet::with_kid(std::string_view kid) const {
  std::vector<Key> out;
  for (const auto& key : keys_)
    if (key.kid() == kid) out.push_back(key);
  return out;
}

std::vector<Key> KeySet::with_algorithm(Algorithm algorithm) const {
  std::vector<Key> out;
  for (const auto& key : keys_)
    if (key.algorithm() == algorithm) out.push_back(key);
  return out;
}

Result<void> check_fetch_url(std::string_view url, bool allow_file) {
  if (starts_with(url, "file://")) {
    if (!allow_file) return config("a file:// URL is not allowed here");
    if (url.size() == 7) return config("the file:// URL has no path");
    return {};
  }
  auto parsed = aws::parse_url(url);
  if (!parsed) return config("not an http(s) URL: " + std::string(url));
  if (!parsed->https && !aws::is_loopback_host(parsed->host))
    return config("keys are fetched over https (http only from loopback): " + std::string(url));
  return {};
}

std::string cognito_issuer(std::string_view region, std::string_view user_pool_id) {
  return "https://cognito-idp." + std::string(region) + ".amazonaws.com/" + std::string(user_pool_id);
}

std::string discovery_url(std::string_view issuer) {
  while (!issuer.empty() && issuer.back() == '/') issuer.remove_suffix(1);
  return std::string(issuer) + "/.well-known/openid-configuration";
}

JwksFetcher http_fetcher(std::shared_ptr<aws::HttpClient> client, std::size_t max_bytes) {
  if (!client) {
    aws::HttpClientOptions options;
    options.max_response_bytes = max_bytes;
    client = std::make_shared<aws::HttpClient>(options);
  }
  return [client = std::move(client), max_bytes](const std::string& url, Deadline deadline) -> Result<std::string> {
    if (starts_with(url, "file://")) return read_file(url.substr(7), max_bytes);
    auto response = client->send({"GET", url, {{"Accept", "application/json"}}, {}}, deadline);
    if (!response) return std::move(response).error();
    if (response->status != 200)
      return Error{"Jwks.FetchFailed", url + " answered HTTP " + std::to_string(response->status), 502};
    if (response->body.size() > max_bytes) return invalid_jwks(url + " answered more than " + std::to_string(max_bytes) + " bytes");
    return std::move(response->body);
  };
}

// ---------------------------------------------------------------------------------------------

struct JwksProvider::State {
  explicit State(JwksOptions o) : options(std::move(o)) {}

  [[nodiscard]] std::chrono::steady_clock::time_point now() const {
    return options.clock ? options.clock() : std::chrono::steady_clock::now();
  }

  JwksOptions options;
  std::mutex fetch_mutex;  // one fetch at a time; readers of a fresh set never wait for it

  mutable std::mutex mutex;  // guards what follows
  std::shared_ptr<const KeySet> set;
  std::chrono::steady_clock::time_point fetched_at{};
  std::optional<std::chrono::steady_clock::time_point> attempted_at;
  std::string jwks_url;
  Stats stats;

  // With `mutex` held.
  [[nodiscard]] bool fresh(std::chrono::steady_clock::time_point at) const { return set && at - fetched_at < options.max_age; }
  [[nodiscard]] bool may_fetch(std::chrono::steady_clock::time_point at) const {
    return !attempted_at || at - *attempted_at >= options.min_refresh_interval;
  }

  // The real clock bounds the fetch (the injected one only times the cache).
  [[nodiscard]] Deadline fetch_deadline(Deadline deadline) const {
    return std::min(deadline, std::chrono::steady_clock::now() + options.fetch_timeout);
  }

  Result<std::string> discover(Deadline deadline) {
    auto body = options.fetch(discovery_url(options.issuer), fetch_deadline(deadline));
    if (!body) return std::move(body).error();
    boost::system::error_code ec;
    const json::value document = json::parse(*body, ec);
    const auto* object = ec ? nullptr : document.if_object();
    if (object == nullptr) return invalid_jwks("the OpenID configuration is not a JSON object");
    // OpenID Connect Discovery 1.0 section 4.3: the document must name the issuer asked for.
    const auto* issuer = object->if_contains("issuer");
    if (issuer == nullptr || !issuer->is_string() || issuer->get_string() != options.issuer)
      return invalid_jwks("the OpenID configuration is for another issuer");
    const auto* uri = object->if_contains("jwks_uri");
    if (uri == nullptr || !uri->is_string()) return invalid_jwks("the OpenID configuration has no jwks_uri");
    std::string url(uri->get_string());
    if (auto allowed = check_fetch_url(url, false); !allowed) return invalid_jwks(allowed.error().message);
    return url;
  }

  // With `fetch_mutex` held.
  Result<void> fetch(Deadline deadline) {
    std::string url;
    {
      std::lock_guard lock(mutex);
      attempted_at = now();
      ++stats.fetches;
      url = jwks_url;
    }
    auto fail = [this](Error error) -> Result<void> {
      std::lock_guard lock(mutex);
      ++stats.failures;
      return error;
    };
    if (url.empty()) {
      auto discovered = discover(deadline);
      if (!discovered) return fail(std::move(discovered).error());
      url = std::move(*discovered);
      std::lock_guard lock(mutex);
      jwks_url = url;
    }
    auto body = options.fetch(url, fetch_deadline(deadline));
    if (!body) return fail(std::move(body).error());
    auto parsed = KeySet::parse(*body, options.key_set);
    if (!parsed) return fail(std::move(parsed).error());
    if (parsed->empty()) return fail(invalid_jwks("the JWKS has no usable signature key"));
    std::lock_guard lock(mutex);
    set = std::make_shared<const KeySet>(std::move(*parsed));
    fetched_at = now();
    return {};
  }
};

JwksProvider::JwksProvider(Private, JwksOptions options) : state_(std::make_unique<State>(std::move(options))) {}
JwksProvider::~JwksProvider() = default;

Result<std::shared_ptr<JwksProvider>> JwksProvider::create(JwksOptions options) {
  if (options.url.empty() == options.issuer.empty()) return config("a JWKS provider needs either a url or an issuer");
  if (!options.url.empty()) {
    if (auto allowed = check_fetch_url(options.url, true); !allowed) return std::move(allowed).error();
  } else if (auto allowed = check_fetch_url(options.issuer, false); !allowed) {
    return std::move(allowed).error();
  }
  if (!options.fetch) options.fetch = http_fetcher(nullptr, options.key_set.max_bytes);
  auto provider = std::make_shared<JwksProvider>(Private{}, std::move(options));
  provider->state_->jwks_url = provider->state_->options.url;
  return provider;
}

Result<std::shared_ptr<const KeySet>> JwksProvider::key_set(Deadline deadline) {
  auto& s = *state_;
  {
    std::lock_guard lock(s.mutex);
    if (s.fresh(s.now())) return s.set;
  }
  std::lock_guard fetching(s.fetch_mutex);
  bool fetch = false;
  {
    std::lock_guard lock(s.mutex);
    const auto at = s.now();
    if (s.fresh(at)) return s.set;  // another thread refreshed while this one waited
    fetch = s.may_fetch(at);
  }
  Result<void> fetched = fetch ? s.fetch(deadline) : Result<void>(keys_unavailable("the last fetch failed moments ago"));
  std::lock_guard lock(s.mutex);
  if (!s.set) return keys_unavailable("no JWKS: " + fetched.error().message);
  if (!s.fresh(s.now())) ++s.stats.stale_uses;
  return s.set;
}

Result<std::vector<Key>> JwksProvider::keys_for_kid(std::string_view kid, Deadline deadline) {
  auto set = key_set(deadline);
  if (!set) return std::move(set).error();
  if (auto keys = (*set)->with_kid(kid); !keys.empty()) return keys;

  // An unknown kid may mean the issuer rotated its keys: refetch, within the rate limit.
  auto& s = *state_;
  std::lock_guard fetching(s.fetch_mutex);
  bool fetch = false;
  {
    std::lock_guard lock(s.mutex);
    if (s.set != *set) {
      if (auto keys = s.set->with_kid(kid); !keys.empty()) return keys;
    }
    fetch = s.may_fetch(s.now());
  }
  if (fetch && s.fetch(deadline)) {
    std::lock_guard lock(s.mutex);
    if (auto keys = s.set->with_kid(kid); !keys.empty()) return keys;
  }
  return unauthorized(AuthReason::unknown_kid, "no key has the token's kid");
}

Result<void> JwksProvider::refresh(Deadline deadline) {
  auto& s = *state_;
  std::lock_guard fetching(s.fetch_mutex);
  bool fetch = false;
  {
    std::lock_guard lock(s.mutex);
    fetch = s.may_fetch(s.now());
    if (!fetch && s.set) return {};
  }
  if (!fetch) return keys_unavailable("the last fetch failed moments ago");
  return s.fetch(deadline);
}

JwksProvider::Stats JwksProvider::stats() const {
  std::lock_guard lock(state_->mutex);
  return state_->stats;
}

std::string JwksProvider::jwks_url() const {
  std::lock_guard lock(state_->mutex);
  return state_->jwks_url;
}

const JwksOptions& JwksProvider::options() const noexcept { return state_->options; }

}  // namespace lift::security
