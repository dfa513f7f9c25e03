#include "lift/aws/sts.hpp"

#include <algorithm>
#include <charconv>

#include "lift/core/text.hpp"
#include "service.hpp"

namespace lift::aws {
namespace {

constexpr std::string_view kStsPrefix = "STS";
constexpr std::string_view kStsVersion = "2011-06-15";
using StsParameters = std::vector<std::pair<std::string, std::string>>;

Error sts_invalid(std::string message) { return Error{std::string(kStsInvalidParameter), std::move(message), 400}; }

// STS's pattern for session names and source identities: [\w+=,.@-].
bool session_name_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '=' ||
         c == ',' || c == '.' || c == '@' || c == '-';
}

Result<void> check_name(std::string_view what, std::string_view value, std::size_t min, std::size_t max) {
  if (value.size() < min || value.size() > max || !std::all_of(value.begin(), value.end(), session_name_character))
    return sts_invalid(std::string(what) + " '" + std::string(value) + "' must be " + std::to_string(min) + " to " +
                   std::to_string(max) + " characters of letters, digits and _+=,.@-");
  return {};
}

Result<void> check_common(std::string_view role_arn, std::string_view session_name, const std::optional<std::chrono::seconds>& duration,
                          const std::vector<std::string>& policy_arns) {
  if (!role_arn.starts_with("arn:") || role_arn.size() < 20 || role_arn.size() > 2048)
    return sts_invalid("the role ARN '" + std::string(role_arn) + "' is not an ARN");
  LIFT_TRY_VOID(check_name("the role session name", session_name, 2, 64));
  if (duration && (*duration < std::chrono::seconds(900) || *duration > std::chrono::hours(12)))
    return sts_invalid("the duration " + std::to_string(duration->count()) + " s is outside 900 s to 12 h");
  if (policy_arns.size() > 10) return sts_invalid("at most 10 policy ARNs may be passed, not " + std::to_string(policy_arns.size()));
  for (const auto& arn : policy_arns)
    if (!arn.starts_with("arn:")) return sts_invalid("the policy ARN '" + arn + "' is not an ARN");
  return {};
}

void add_policies(StsParameters& out, const std::vector<std::string>& policy_arns, const std::string& policy) {
  for (std::size_t i = 0; i < policy_arns.size(); ++i)
    out.emplace_back("PolicyArns.member." + std::to_string(i + 1) + ".arn", policy_arns[i]);
  if (!policy.empty()) out.emplace_back("Policy", policy);
}

Error malformed(std::string why) { return detail::malformed_answer(kStsPrefix, "STS answered with " + std::move(why)); }

// The <Result> element of an answer whose root is <Action>Response.
Result<const detail::XmlElement*> result_of(const detail::XmlElement& root, std::string_view action) {
  if (root.name != std::string(action) + "Response") return malformed("a <" + root.name + "> instead of <" + std::string(action) + "Response>");
  const auto* result = root.child(std::string(action) + "Result");
  if (result == nullptr) return malformed("no <" + std::string(action) + "Result>");
  return result;
}

Result<AssumedRole> read_assumed_role(std::string_view body, std::string_view action) {
  LIFT_TRY(root, detail::parse_xml(kStsPrefix, body));
  LIFT_TRY(result, result_of(root, action));
  const auto* credentials = result->child("Credentials");
  if (credentials == nullptr) return malformed("no <Credentials>");
  AssumedRole role;
  role.credentials.access_key_id = std::string(trim_blanks(credentials->child_text("AccessKeyId")));
  role.credentials.secret_access_key = std::string(trim_blanks(credentials->child_text("SecretAccessKey")));
  role.credentials.session_token = std::string(trim_blanks(credentials->child_text("SessionToken")));
  if (role.credentials.access_key_id.empty() || role.credentials.secret_access_key.empty() || role.credentials.session_token.empty())
    return malformed("credentials lacking AccessKeyId, SecretAccessKey or SessionToken");
  const auto expiration = detail::parse_iso8601(trim_blanks(credentials->child_text("Expiration")));
  if (!expiration) return malformed("credentials whose Expiration is not an ISO 8601 time");
  role.credentials.expiration = *expiration;
  role.credentials.source = "sts " + std::string(action);
  if (const auto* user = result->child("AssumedRoleUser")) {
    role.assumed_role_arn = std::string(trim_blanks(user->child_text("Arn")));
    role.assumed_role_id = std::string(trim_blanks(user->child_text("AssumedRoleId")));
  }
  if (const auto* size = result->child("PackedPolicySize")) {
    const auto text = trim_blanks(size->text);
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return malformed("a PackedPolicySize that is not a number");
    role.packed_policy_size = value;
  }
  role.source_identity = std::string(trim_blanks(result->child_text("SourceIdentity")));
  role.subject_from_web_identity_token = std::string(trim_blanks(result->child_text("SubjectFromWebIdentityToken")));
  role.audience = std::string(trim_blanks(result->child_text("Audience")));
  role.provider = std::string(trim_blanks(result->child_text("Provider")));
  return role;
}

}  // namespace

std::string account_of_arn(std::string_view arn) {
  // arn:partition:service:region:account:resource
  std::size_t start = 0;
  for (int field = 0; field < 4; ++field) {
    const auto colon = arn.find(':', start);
    if (colon == std::string_view::npos) return {};
    start = colon + 1;
  }
  if (!arn.starts_with("arn:")) return {};
  const auto end = arn.find(':', start);
  if (end == std::string_view::npos) return {};
  const auto account = arn.substr(start, end - start);
  if (account.size() != 12 || !std::all_of(account.begin(), account.end(), [](char c) { return c >= '0' && c <= '9'; })) return {};
  return std::string(account);
}

Result<StsParameters> assume_role_parameters(const AssumeRoleRequest& request) {
  LIFT_TRY_VOID(check_common(request.role_arn, request.role_session_name, request.duration, request.policy_arns));
  if (!request.external_id.empty()) {
    const bool ok = request.external_id.size() >= 2 && request.external_id.size() <= 1224 &&
                    std::all_of(request.external_id.begin(), request.external_id.end(),
                                [](char c) { return session_name_character(c) || c == ':' || c == '/'; });
    if (!ok) return sts_invalid("the external id must be 2 to 1224 characters of letters, digits and _+=,.@:/-");
  }
  if (!request.source_identity.empty()) LIFT_TRY_VOID(check_name("the source identity", request.source_identity, 2, 64));
  if (request.tags.size() > 50) return sts_invalid("at most 50 session tags may be passed");
  for (const auto& tag : request.tags)
    if (tag.key.empty() || tag.key.size() > 128 || tag.value.size() > 256)
      return sts_invalid("a session tag's key must be 1 to 128 characters and its value at most 256: '" + tag.key + "'");
  for (const auto& key : request.transitive_tag_keys) {
    const bool tagged = std::any_of(request.tags.begin(), request.tags.end(), [&](const SessionTag& tag) { return tag.key == key; });
    if (!tagged) return sts_invalid("the transitive tag key '" + key + "' is not one of the session tags");
  }

  // The AWS SDKs' order: the operation's members as STS's model lists them.
  StsParameters out{{"RoleArn", request.role_arn}, {"RoleSessionName", request.role_session_name}};
  add_policies(out, request.policy_arns, request.policy);
  if (request.duration) out.emplace_back("DurationSeconds", std::to_string(request.duration->count()));
  for (std::size_t i = 0; i < request.tags.size(); ++i) {
    const auto prefix = "Tags.member." + std::to_string(i + 1);
    out.emplace_back(prefix + ".Key", request.tags[i].key);
    out.emplace_back(prefix + ".Value", request.tags[i].value);
  }
  for (std::size_t i = 0; i < request.transitive_tag_keys.size(); ++i)
    out.emplace_back("TransitiveTagKeys.member." + std::to_string(i + 1), request.transitive_tag_keys[i]);
  if (!request.external_id.empty()) out.emplace_back("ExternalId", request.external_id);
  if (!request.source_identity.empty()) out.emplace_back("SourceIdentity", request.source_identity);
  return out;
}

Result<StsParameters> assume_role_with_web_identity_parameters(const AssumeRoleWithWebIdentityRequest& request) {
  LIFT_TRY_VOID(check_common(request.role_arn, request.role_session_name, request.duration, request.policy_arns));
  if (request.web_identity_token.size() < 4) return sts_invalid("AssumeRoleWithWebIdentity needs a web identity token");
  StsParameters out{{"RoleArn", request.role_arn},
                 {"RoleSessionName", request.role_session_name},
                 {"WebIdentityToken", request.web_identity_token}};
  if (!request.provider_id.empty()) out.emplace_back("ProviderId", request.provider_id);
  add_policies(out, request.policy_arns, request.policy);
  if (request.duration) out.emplace_back("DurationSeconds", std::to_string(request.duration->count()));
  return out;
}

Result<AssumedRole> parse_assume_role_answer(std::string_view body) { return read_assumed_role(body, "AssumeRole"); }

Result<AssumedRole> parse_assume_role_with_web_identity_answer(std::string_view body) {
  return read_assumed_role(body, "AssumeRoleWithWebIdentity");
}

Result<CallerIdentity> parse_caller_identity_answer(std::string_view body) {
  LIFT_TRY(root, detail::parse_xml(kStsPrefix, body));
  LIFT_TRY(result, result_of(root, "GetCallerIdentity"));
  CallerIdentity identity{std::string(trim_blanks(result->child_text("Account"))), std::string(trim_blanks(result->child_text("Arn"))),
                          std::string(trim_blanks(result->child_text("UserId")))};
  if (identity.account.empty() || identity.arn.empty()) return malformed("a caller identity without Account or Arn");
  return identity;
}

struct StsClient::Impl {
  explicit Impl(detail::ServiceClient::Config config) : service(std::move(config)) {}
  detail::ServiceClient service;

  // One query call; the answer's root is written back as the body the parsers read, so they
  // are the same functions the tests call on raw bodies.
  template <class Parse>
  auto call(std::string_view action, const StsParameters& parameters, Deadline deadline, detail::ServiceClient::Signing signing,
            Parse parse) -> decltype(parse(std::string_view())) {
    auto response = service.send("POST", "", {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                                 detail::query_protocol_body(action, kStsVersion, parameters), deadline,
                                 [](const HttpResponse& answer) { return detail::parse_xml_error(kStsPrefix, answer.status, answer.body); },
                                 signing);
    if (!response) return std::move(response).error();
    return parse(response->body);
  }
};

StsClient::StsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StsClient::StsClient(StsClient&&) noexcept = default;
StsClient& StsClient::operator=(StsClient&&) noexcept = default;
StsClient::~StsClient() = default;

Result<StsClient> StsClient::create(StsOptions options) {
  std::string region = !options.region.empty() ? std::move(options.region) : resolve_region().value_or("us-east-1");
  LIFT_TRY(endpoint, detail::resolve_endpoint(std::move(options.endpoint), nullptr, "sts", region, "STS"));
  LIFT_TRY(faults, detail::resolve_faults(std::move(options.faults)));
  return StsClient(std::make_unique<Impl>(detail::ServiceClient::Config{std::string(kStsPrefix), "sts", std::move(endpoint),
                                                                        std::move(region), options.retry, std::move(options.http),
                                                                        std::move(options.credentials), std::move(options.breaker),
                                                                        std::move(faults)}));
}

const std::string& StsClient::endpoint() const { return impl_->service.endpoint(); }
const std::string& StsClient::region() const { return impl_->service.region(); }

Result<AssumedRole> StsClient::assume_role(const AssumeRoleRequest& request, Deadline deadline) {
  LIFT_TRY(parameters, assume_role_parameters(request));
  return impl_->call("AssumeRole", parameters, deadline, detail::ServiceClient::Signing::sigv4, parse_assume_role_answer);
}

Result<AssumedRole> StsClient::assume_role_with_web_identity(const AssumeRoleWithWebIdentityRequest& request, Deadline deadline) {
  LIFT_TRY(parameters, assume_role_with_web_identity_parameters(request));
  return impl_->call("AssumeRoleWithWebIdentity", parameters, deadline, detail::ServiceClient::Signing::none,
                     parse_assume_role_with_web_identity_answer);
}

Result<CallerIdentity> StsClient::get_caller_identity(Deadline deadline) {
  return impl_->call("GetCallerIdentity", {}, deadline, detail::ServiceClient::Signing::sigv4, parse_caller_identity_answer);
}

std::string default_role_session_name() {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  return "lift-" + std::to_string(now.count());
}

Result<std::shared_ptr<CredentialsChain>> assume_role_credentials(AssumeRoleRequest role, StsOptions sts) {
  if (role.role_session_name.empty()) role.role_session_name = default_role_session_name();
  LIFT_TRY_VOID(assume_role_parameters(role));
  LIFT_TRY(client, StsClient::create(std::move(sts)));
  // The provider owns the client; the chain around it does the caching and refreshing.
  auto shared = std::make_shared<StsClient>(std::move(client));
  CredentialsProvider provider = [shared, role = std::move(role)]() -> Result<Credentials> {
    auto assumed = shared->assume_role(role, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    if (!assumed) return std::move(assumed).error();
    assumed->credentials.source = "assumed role " + role.role_arn;
    return std::move(assumed->credentials);
  };
  return std::make_shared<CredentialsChain>(std::vector<CredentialsProvider>{std::move(provider)});
}

}  // namespace lift::aws
