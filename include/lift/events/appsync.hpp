#pragma once
// AWS AppSync direct Lambda resolvers (GraphQL): AppSync sends the resolver's context (the
// field's arguments, the caller's identity, the parent's value, the request headers and the
// selection set) as the event, one field per invocation, or a list of them when the resolver
// batches (BatchInvoke, the N+1 case: one call for the `author` of every post of a query).
//
//   auto invocation = lift::events::parse_appsync(json);
//   for (const auto& e : invocation->items) {
//     e.field_path();            // "Query.getTodo"
//     e.arguments.at("id");      // the GraphQL arguments, as JSON
//     e.sub();                   // the caller (Cognito user pools, OIDC), "" for API keys
//     e.selection_set();         // ["id", "title", "owner/name"]
//   }
//
// Amplify's @function resolvers send the same context with the field at the top level
// ("typeName", "fieldName") instead of in `info`; both shapes parse.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "lift/events/common.hpp"

namespace lift::events {

// How the caller was authorized, as AppSync names the modes.
enum class AppSyncAuthType {
  api_key,                    // API_KEY: no identity
  aws_iam,                    // AWS_IAM (SigV4, or a Cognito identity pool)
  amazon_cognito_user_pools,  // AMAZON_COGNITO_USER_POOLS
  openid_connect,             // OPENID_CONNECT
  aws_lambda,                 // AWS_LAMBDA: a Lambda authorizer's resolverContext
};
// "API_KEY", "AWS_IAM", "AMAZON_COGNITO_USER_POOLS", "OPENID_CONNECT", "AWS_LAMBDA".
std::string_view to_string(AppSyncAuthType type) noexcept;

// The caller, one shape per authorization mode (members of the other modes absent):
//   AWS_IAM                    accountId, userArn, username, sourceIp, and the cognitoIdentity*
//                              members when the credentials come from an identity pool
//   AMAZON_COGNITO_USER_POOLS  sub, username, issuer, claims, sourceIp, defaultAuthStrategy, groups
//   OPENID_CONNECT             sub, issuer, claims
//   AWS_LAMBDA                 resolverContext (what the authorizer returned)
// API_KEY calls have no identity (null).
struct AppSyncIdentity {
  std::optional<std::string> sub;
  std::optional<std::string> username;
  std::optional<std::string> issuer;
  std::optional<boost::json::value> claims;  // the token's claims, as JSON
  std::optional<std::vector<std::string>> sourceIp;
  std::optional<std::string> defaultAuthStrategy;  // "ALLOW" or "DENY"
  std::optional<std::vector<std::string>> groups;  // Cognito groups (null when none)
  std::optional<std::string> accountId;
  std::optional<std::string> userArn;
  std::optional<std::string> cognitoIdentityPoolId;
  std::optional<std::string> cognitoIdentityId;
  std::optional<std::string> cognitoIdentityAuthType;  // "authenticated" or "unauthenticated"
  std::optional<std::string> cognitoIdentityAuthProvider;
  std::optional<boost::json::value> resolverContext;

  // The mode, from the members present (never api_key: those calls have no identity).
  [[nodiscard]] AppSyncAuthType auth_type() const noexcept;
};
BOOST_DESCRIBE_STRUCT(AppSyncIdentity, (),
                      (sub, username, issuer, claims, sourceIp, defaultAuthStrategy, groups, accountId, userArn,
                       cognitoIdentityPoolId, cognitoIdentityId, cognitoIdentityAuthType, cognitoIdentityAuthProvider,
                       resolverContext))

struct AppSyncResolverRequest {
  std::map<std::string, std::string> headers;  // names in lower case
  std::optional<std::string> domainName;       // the API's custom domain, null without one
};
BOOST_DESCRIBE_STRUCT(AppSyncResolverRequest, (), (headers, domainName))

struct AppSyncResolverInfo {
  std::string fieldName;
  std::string parentTypeName;  // "Query", "Mutation", "Subscription" or the type the field is on
  std::optional<boost::json::value> variables;
  std::vector<std::string> selectionSetList;  // "id", "owner", "owner/name", ...
  std::optional<std::string> selectionSetGraphQL;
};
BOOST_DESCRIBE_STRUCT(AppSyncResolverInfo, (), (fieldName, parentTypeName, variables, selectionSetList, selectionSetGraphQL))

// Required: fieldName and parentTypeName.
void lift_rules(lift::json::Rules<AppSyncResolverInfo>& r);

// One field to resolve.
struct AppSyncResolverEvent {
  boost::json::value arguments;                     // the field's GraphQL arguments ({} without any)
  std::optional<AppSyncIdentity> identity;          // absent for API_KEY calls
  std::optional<boost::json::value> source;         // the parent's value; null for Query/Mutation/Subscription fields
  std::optional<AppSyncResolverRequest> request;
  std::optional<AppSyncResolverInfo> info;          // absent in Amplify @function events
  std::optional<boost::json::value> prev;           // the previous function's result in a pipeline
  std::optional<boost::json::value> stash;
  std::optional<std::string> typeName;              // Amplify @function events
  std::optional<std::string> fieldName;             // Amplify @function events

  // The type the field is on ("Query", "Post") and its name ("getTodo", "author").
  [[nodiscard]] std::string_view parent_type_name() const noexcept;
  [[nodiscard]] std::string_view field_name() const noexcept;
  // "Query.getTodo": what graphql routes match.
  [[nodiscard]] std::string field_path() const;
  // info.selectionSetList (empty when absent).
  [[nodiscard]] std::span<const std::string> selection_set() const noexcept;
  // Whether the client selected `field` ("title", "owner/name").
  [[nodiscard]] bool selects(std::string_view field) const noexcept;
  [[nodiscard]] AppSyncAuthType auth_type() const noexcept;
  // The caller's subject and user name ("" when the identity has none, as for API keys and IAM
  // without a user pool); the token's claims (null when none).
  [[nodiscard]] std::string_view sub() const noexcept;
  [[nodiscard]] std::string_view username() const noexcept;
  [[nodiscard]] const boost::json::value& claims() const noexcept;
  // A request header ("" when absent); AppSync sends the names in lower case, `name` may be
  // in any case.
  [[nodiscard]] std::string_view header(std::string_view name) const;
};
BOOST_DESCRIBE_STRUCT(AppSyncResolverEvent, (), (arguments, identity, source, request, info, prev, stash, typeName, fieldName))

// Required: arguments, and the field: info.fieldName and info.parentTypeName, or the top-level
// typeName and fieldName of an Amplify event.
void lift_rules(lift::json::Rules<AppSyncResolverEvent>& r);

// What one invocation carries: one field, or (batch) a list of them from a BatchInvoke.
struct AppSyncInvocation {
  std::vector<AppSyncResolverEvent> items;
  bool batch = false;  // the event was a list: the answer is a list too, one entry per item
};

// A single event (an object) or a batch (a list of them). Errors: "InvalidEvent" (400) naming
// the JSON path (`[1].info.fieldName: is required`, `arguments: is required`).
Result<AppSyncInvocation> parse_appsync(const boost::json::value& event);

// An event's arguments as T (a described struct): lift::json::parse, T's rules included.
// Errors: "InvalidArguments" (400) when they do not fit T, "ValidationFailed" (422) when a rule
// fails, the message naming the argument (`priority: must be at most 5`).
template <class T>
Result<T> bind_arguments(const AppSyncResolverEvent& event) {
  auto bound = lift::json::parse<T>(event.arguments);
  if (!bound && bound.error().code == "InvalidBody") {
    Error error = std::move(bound).error();
    error.code = "InvalidArguments";
    return error;
  }
  return bound;
}

// The answer to a batch: one entry per item, in order. An item's value as it is, and a failed
// item as AppSync's per-item error, {"data":null,"errorMessage":message,"errorType":code}.
boost::json::array appsync_batch_answer(std::span<const Result<std::optional<boost::json::value>>> outcomes);

// Options of `lift events generate appsync-resolver`.
struct AppSyncSampleOptions {
  std::string field = "Query.getTodo";
  std::string arguments = R"({"id":"1"})";
  std::string auth = "cognito";
  std::int64_t batch = 0;
};
BOOST_DESCRIBE_STRUCT(AppSyncSampleOptions, (), (field, arguments, auth, batch))

// The source: routed by "Type.field" ("Query.getTodo", "Mutation.*", "Post.author", "*").
// A handler takes the AppSyncResolverEvent, or the field's arguments as any described struct
// (bound with its rules: a bad argument fails that item with InvalidArguments or
// ValidationFailed), or, for batch resolvers, every item at once (std::span<const
// AppSyncResolverEvent> or const std::vector<AppSyncResolverEvent>&, returning one answer per
// item: a std::vector of values, or of Result<value> for per-item errors). What a handler
// returns (any value that converts to JSON) is the field's value.
//
// Answers: a single invocation answers the value; an error fails the invocation, which AppSync
// raises as the field's GraphQL error (errorType: the error's code, message: its message). A
// batch answers a list, one entry per item in order, a failed item as AppSync's per-item error
// object (appsync_batch_answer); when every item failed the invocation fails with the first
// item's error, so that AppSync raises it for each of them.
struct AppSyncResolver {
  static constexpr SourceInfo info{"appsync-resolver", "AWS AppSync direct Lambda resolvers (GraphQL fields, single or batched)"};
  using Event = AppSyncInvocation;
  using Record = AppSyncResolverEvent;
  using Answer = std::optional<boost::json::value>;
  using SampleOptions = AppSyncSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"field", "the field to resolve, \"Type.field\""},
      {"arguments", "the field's arguments, a JSON object"},
      {"auth", "the caller's authorization: api-key, iam, cognito, oidc or lambda"},
      {"batch", "items of a batched invocation (BatchInvoke); 0 sends one field"},
  };
  // An object with `arguments` and the field (info.fieldName and info.parentTypeName, or an
  // Amplify event's typeName and fieldName), or a non-empty list whose first item is one.
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_appsync(event); }
  static std::span<const Record> records(const Event& event) noexcept { return event.items; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event);
  // The invocation with only the items at `indices`, for a whole-batch handler when a batch is
  // split between routes.
  static Event subset(const Event& event, std::span<const std::size_t> indices);
  static bool matches(std::string_view pattern, const Record& event);
  static std::string describe(const Record& event) { return "the GraphQL field " + event.field_path(); }
  static constexpr Failures failures = Failures::answer_each;
  static Result<boost::json::value> answer(const boost::json::value& event, const Event& typed, std::span<Result<Answer>> outcomes,
                                           const AnswerContext& context);
  // A field path always has a dot: a pattern without one (and without wildcards) never matches.
  static std::optional<std::string> check_pattern(std::string_view pattern);
  // The arguments as a described struct. The event's own types are not arguments.
  template <class P>
    requires lift::json::detail::is_described_struct_v<P> && (!std::is_same_v<P, AppSyncResolverEvent>) &&
             (!std::is_same_v<P, AppSyncIdentity>) && (!std::is_same_v<P, AppSyncResolverInfo>) &&
             (!std::is_same_v<P, AppSyncResolverRequest>)
  static Result<P> as(std::type_identity<P>, const Record& event, const boost::json::value&) {
    return bind_arguments<P>(event);
  }
};
LIFT_EVENT_SOURCE(AppSyncResolver);

}  // namespace lift::events
