#include "lift/events/appsync.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "lift/core/glob.hpp"
#include "lift/core/uuid.hpp"

namespace lift::events {

namespace {

// An object with `arguments` and the field it resolves.
bool is_resolver_event(const boost::json::value& event) noexcept {
  const auto* object = event.if_object();
  if (object == nullptr || !object->contains("arguments")) return false;
  if (!string_at(event, {"info", "fieldName"}).empty() && !string_at(event, {"info", "parentTypeName"}).empty()) return true;
  return !string_member(event, "typeName").empty() && !string_member(event, "fieldName").empty();
}

std::string field_path_of(const boost::json::value& event) {
  auto type = string_at(event, {"info", "parentTypeName"});
  auto field = string_at(event, {"info", "fieldName"});
  if (type.empty() && field.empty()) {
    type = string_member(event, "typeName");
    field = string_member(event, "fieldName");
  }
  std::string path(type);
  path += '.';
  path += field;
  return path;
}

const boost::json::value& null_value() noexcept {
  static const boost::json::value null;
  return null;
}

// The sample's caller, in the shape of the authorization mode `auth` names.
Result<boost::json::value> sample_identity(std::string_view auth, const std::string& sub) {
  const boost::json::array source_ip{"203.0.113.7"};
  if (auth == "api-key") return boost::json::value();
  if (auth == "iam") {
    return boost::json::value{{"accountId", "123456789012"},
                              {"cognitoIdentityAuthProvider", nullptr},
                              {"cognitoIdentityAuthType", nullptr},
                              {"cognitoIdentityId", nullptr},
                              {"cognitoIdentityPoolId", nullptr},
                              {"sourceIp", source_ip},
                              {"userArn", "arn:aws:iam::123456789012:user/jdoe"},
                              {"username", "AIDAEXAMPLEUSERID"}};
  }
  const std::string issuer = auth == "oidc" ? "https://auth.example.com" : "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE";
  boost::json::object claims{{"sub", sub}, {"iss", issuer}, {"aud", "7471s60os7h0uu77i1tk27sp9n"}, {"token_use", "id"},
                             {"auth_time", 1700000000}, {"exp", 1700003600}, {"iat", 1700000000}};
  if (auth == "oidc") return boost::json::value{{"claims", std::move(claims)}, {"issuer", issuer}, {"sub", sub}};
  if (auth == "lambda") return boost::json::value{{"resolverContext", {{"userId", sub}, {"role", "reader"}}}};
  if (auth != "cognito") return invalid_sample("--auth is api-key, iam, cognito, oidc or lambda");
  claims["cognito:username"] = "jdoe";
  claims["email"] = "jdoe@example.com";
  return boost::json::value{{"claims", std::move(claims)},
                            {"defaultAuthStrategy", "ALLOW"},
                            {"groups", nullptr},
                            {"issuer", issuer},
                            {"sourceIp", source_ip},
                            {"sub", sub},
                            {"username", "jdoe"}};
}

}  // namespace

std::string_view to_string(AppSyncAuthType type) noexcept {
  switch (type) {
    case AppSyncAuthType::api_key: return "API_KEY";
    case AppSyncAuthType::aws_iam: return "AWS_IAM";
    case AppSyncAuthType::amazon_cognito_user_pools: return "AMAZON_COGNITO_USER_POOLS";
    case AppSyncAuthType::openid_connect: return "OPENID_CONNECT";
    case AppSyncAuthType::aws_lambda: return "AWS_LAMBDA";
  }
  return "API_KEY";
}

AppSyncAuthType AppSyncIdentity::auth_type() const noexcept {
  if (resolverContext) return AppSyncAuthType::aws_lambda;
  if (accountId || userArn) return AppSyncAuthType::aws_iam;
  // Only user pools name the user, a default strategy or groups; OIDC identities are the
  // token's subject, issuer and claims.
  if (username || defaultAuthStrategy || groups) return AppSyncAuthType::amazon_cognito_user_pools;
  return AppSyncAuthType::openid_connect;
}

std::string_view AppSyncResolverEvent::parent_type_name() const noexcept {
  if (info) return info->parentTypeName;
  return typeName ? std::string_view(*typeName) : std::string_view();
}

std::string_view AppSyncResolverEvent::field_name() const noexcept {
  if (info) return info->fieldName;
  return fieldName ? std::string_view(*fieldName) : std::string_view();
}

std::string AppSyncResolverEvent::field_path() const {
  std::string path(parent_type_name());
  path += '.';
  path += field_name();
  return path;
}

std::span<const std::string> AppSyncResolverEvent::selection_set() const noexcept {
  if (!info) return {};
  return info->selectionSetList;
}

bool AppSyncResolverEvent::selects(std::string_view field) const noexcept {
  const auto selected = selection_set();
  return std::find(selected.begin(), selected.end(), field) != selected.end();
}

AppSyncAuthType AppSyncResolverEvent::auth_type() const noexcept {
  return identity ? identity->auth_type() : AppSyncAuthType::api_key;
}

std::string_view AppSyncResolverEvent::sub() const noexcept {
  return identity && identity->sub ? std::string_view(*identity->sub) : std::string_view();
}

std::string_view AppSyncResolverEvent::username() const noexcept {
  return identity && identity->username ? std::string_view(*identity->username) : std::string_view();
}

const boost::json::value& AppSyncResolverEvent::claims() const noexcept {
  return identity && identity->claims ? *identity->claims : null_value();
}

std::string_view AppSyncResolverEvent::header(std::string_view name) const {
  if (!request) return {};
  // AppSync sends the names in lower case.
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto found = request->headers.find(lower);
  return found != request->headers.end() ? std::string_view(found->second) : std::string_view();
}

void lift_rules(lift::json::Rules<AppSyncResolverInfo>& r) {
  r.field(&AppSyncResolverInfo::fieldName).required();
  r.field(&AppSyncResolverInfo::parentTypeName).required();
}

void lift_rules(lift::json::Rules<AppSyncResolverEvent>& r) {
  r.field(&AppSyncResolverEvent::arguments).required();
  r.check(
      "info", [](const AppSyncResolverEvent& e) { return e.info || (e.typeName && e.fieldName); },
      "is required (or typeName and fieldName)");
}

Result<AppSyncInvocation> parse_appsync(const boost::json::value& event) {
  AppSyncInvocation out;
  if (event.is_array()) {
    auto items = parse_event<std::vector<AppSyncResolverEvent>>(event);
    if (!items) return std::move(items).error();
    out.items = std::move(*items);
    out.batch = true;
    return out;
  }
  if (!event.is_object()) return invalid_event("", "expected object or array");
  auto item = parse_event<AppSyncResolverEvent>(event);
  if (!item) return std::move(item).error();
  out.items.push_back(std::move(*item));
  return out;
}

AppSyncInvocation AppSyncResolver::subset(const Event& event, std::span<const std::size_t> indices) {
  AppSyncInvocation out;
  out.batch = event.batch;
  out.items.reserve(indices.size());
  for (const auto i : indices) {
    if (i < event.items.size()) out.items.push_back(event.items[i]);
  }
  return out;
}

boost::json::array appsync_batch_answer(std::span<const Result<std::optional<boost::json::value>>> outcomes) {
  boost::json::array out;
  out.reserve(outcomes.size());
  for (const auto& outcome : outcomes) {
    if (!outcome) {
      out.emplace_back(boost::json::object{
          {"data", nullptr}, {"errorMessage", outcome.error().message}, {"errorType", outcome.error().code}});
    } else if (*outcome) {
      out.push_back(**outcome);
    } else {
      out.emplace_back(nullptr);
    }
  }
  return out;
}

bool AppSyncResolver::detect(const boost::json::value& event) noexcept {
  if (const auto* list = event.if_array()) return !list->empty() && is_resolver_event(list->front());
  return is_resolver_event(event);
}

void AppSyncResolver::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_appsync(event));
  const auto items = raw_records(event);
  out.records = items.size();
  if (items.empty()) return;
  out.add("field", field_path_of(*items.front()));
  if (event.is_array()) {
    out.fields["batch"] = true;
    for (const auto* item : items) {
      const auto* arguments = member_at(*item, {"arguments"});
      out.items.push_back(boost::json::object{
          {"field", field_path_of(*item)},
          {"arguments", shorten(arguments != nullptr ? boost::json::serialize(*arguments) : std::string())}});
    }
  }
  // The caller's mode, as the typed identity reads it.
  if (const auto* identity = member_at(*items.front(), {"identity"}); identity != nullptr && identity->is_object()) {
    if (auto typed = parse_event<AppSyncIdentity>(*identity)) out.add("auth", to_string(typed->auth_type()));
  } else {
    out.add("auth", to_string(AppSyncAuthType::api_key));
  }
  out.add("sub", string_at(*items.front(), {"identity", "sub"}));
}

Result<boost::json::value> AppSyncResolver::sample(const SampleOptions& options) {
  const auto dot = options.field.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == options.field.size()) {
    return invalid_sample("--field is \"Type.field\" (\"Query.getTodo\")");
  }
  if (options.batch < 0 || options.batch > 2000) return invalid_sample("--batch is 0 (one field) to 2000 items");
  boost::json::error_code ec;
  auto arguments = boost::json::parse(options.arguments, ec);
  if (ec || !arguments.is_object()) return invalid_sample("--arguments is a JSON object");
  const std::string type = options.field.substr(0, dot);
  const std::string field = options.field.substr(dot + 1);
  auto identity = sample_identity(options.auth, lift::uuid());
  if (!identity) return std::move(identity).error();
  const std::string trace_id = sample_trace_id();
  const bool root = type == "Query" || type == "Mutation" || type == "Subscription";

  const auto item = [&](std::int64_t index) {
    boost::json::value source;  // null for root fields; the parent object otherwise
    if (!root) source = boost::json::object{{"id", std::to_string(index + 1)}};
    return boost::json::value{
        {"arguments", arguments},
        {"identity", *identity},
        {"source", std::move(source)},
        {"request",
         {{"headers",
           {{"accept", "*/*"},
            {"content-type", "application/json"},
            {"host", "example1234567890.appsync-api.us-east-1.amazonaws.com"},
            {"user-agent", "lift-events-generate"},
            {"x-amzn-trace-id", trace_id},
            {"x-forwarded-for", "203.0.113.7"}}}}},
        {"prev", nullptr},
        {"info",
         {{"selectionSetList", boost::json::array{"id", "title"}},
          {"selectionSetGraphQL", "{\n  id\n  title\n}"},
          {"parentTypeName", type},
          {"fieldName", field},
          {"variables", boost::json::object{}}}},
        {"stash", boost::json::object{}}};
  };
  if (options.batch == 0) return item(0);
  boost::json::array items;
  for (std::int64_t i = 0; i < options.batch; ++i) items.push_back(item(i));
  return boost::json::value(std::move(items));
}

std::vector<const boost::json::value*> AppSyncResolver::raw_records(const boost::json::value& event) {
  std::vector<const boost::json::value*> items;
  if (const auto* list = event.if_array()) {
    items.reserve(list->size());
    for (const auto& item : *list) items.push_back(&item);
  } else {
    items.push_back(&event);
  }
  return items;
}

bool AppSyncResolver::matches(std::string_view pattern, const Record& event) { return glob_match(pattern, event.field_path()); }

Result<boost::json::value> AppSyncResolver::answer(const boost::json::value&, const Event& typed, std::span<Result<Answer>> outcomes,
                                                   const AnswerContext&) {
  if (!typed.batch) {
    // The invocation's error is the field's GraphQL error.
    auto& outcome = outcomes.front();
    if (!outcome) return outcome.error();
    return *outcome ? std::move(**outcome) : boost::json::value();
  }
  const bool all_failed =
      !outcomes.empty() && std::all_of(outcomes.begin(), outcomes.end(), [](const Result<Answer>& outcome) { return !outcome; });
  if (all_failed) return outcomes.front().error();
  return boost::json::value(appsync_batch_answer(outcomes));
}

std::optional<std::string> AppSyncResolver::check_pattern(std::string_view pattern) {
  if (pattern.find_first_of(".*?") == std::string_view::npos) {
    return "it names no type: a GraphQL route is \"Type.field\" (\"Query.getTodo\", \"Mutation.*\")";
  }
  return std::nullopt;
}

}  // namespace lift::events
