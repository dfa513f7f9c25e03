// The answer to a CloudFormation custom resource: the PUT of its response document to the
// pre-signed ResponseURL (through lift's HTTPS client), the source's answer hooks, and its
// sample event. Apart from the model (cloudformation.cpp), and compiled on its own rather than
// in a unity batch: event detection links every source's model into every function, and only
// the routes of this source reach this file, so a function without them links neither the
// client nor the TLS and crypto code under it, whose static initialisers would run at every
// cold start.
#include <chrono>
#include <functional>
#include <string>
#include <utility>

#include <boost/json/serialize.hpp>

#include "cloudformation_document.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/retry.hpp"
#include "lift/core/uuid.hpp"
#include "lift/events/cloudformation.hpp"

namespace lift::events {

namespace {

// Without an invocation deadline, how long the PUT may take, retries included.
constexpr std::chrono::seconds kSendBudgetWithoutDeadline{10};

std::chrono::steady_clock::time_point send_deadline(const AnswerContext& context) {
  const auto now = std::chrono::steady_clock::now();
  if (context.deadline == std::chrono::system_clock::time_point{}) return now + kSendBudgetWithoutDeadline;
  const auto left = context.deadline - std::chrono::system_clock::now();
  return now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(left);
}

// The PUT of the document, then the invocation's answer: the document, or why it was not sent.
Result<boost::json::value> respond(const boost::json::value& event, const Result<CustomResourceResponse>& outcome,
                                   const AnswerContext& context) {
  auto document = detail::custom_resource_document(event, outcome);
  if (auto sent = send_custom_resource_response(string_member(event, "ResponseURL"), boost::json::serialize(document), context); !sent)
    return Error{sent.error().code, "the answer to CloudFormation was not sent: " + sent.error().message, 502};
  return boost::json::value(std::move(document));
}

}  // namespace

Result<void> send_custom_resource_response(std::string_view url, const std::string& document, const AnswerContext& context) {
  auto parsed = aws::parse_url(url);
  if (!parsed) return std::move(parsed).error();
  // The process's client (a function-local static: made once, thread-safe, on first use), so
  // that a warm function reuses its connection.
  static aws::HttpClient client;
  // The pre-signed URL signs no Content-Type: the header goes empty, as cfn-response sends it.
  const aws::HttpRequest request{"PUT", std::string(url), {{"Content-Type", ""}}, document};
  aws::RetryQuota quota;
  aws::RetryPolicy policy;
  policy.max_attempts = 5;
  const auto host = parsed->authority;  // the URL's query is a signature: never in messages
  const std::function<aws::Attempt<void>(std::chrono::milliseconds)> attempt = [&](std::chrono::milliseconds budget) {
    auto response = client.send(request, std::chrono::steady_clock::now() + budget);
    if (!response) {
      const auto kind = aws::classify_error(response.error());
      return aws::Attempt<void>{std::move(response).error(), kind};
    }
    if (response->status >= 200 && response->status < 300) return aws::Attempt<void>{Result<void>(), aws::FailureKind::fatal};
    Error refused{"CustomResourceResponseRefused",
                  host + " answered the PUT with HTTP " + std::to_string(response->status) + ": " + shorten(response->body, 200), 502};
    return aws::Attempt<void>{std::move(refused), aws::classify_failure(response->status, "")};
  };
  return aws::with_retries<void>(policy, quota, send_deadline(context), attempt);
}

Result<boost::json::value> CloudFormationCustomResource::answer(const boost::json::value& event, const Event&,
                                                                std::span<Result<Answer>> outcomes, const AnswerContext& context) {
  return respond(event, outcomes.front(), context);
}

Result<boost::json::value> CloudFormationCustomResource::refused(const boost::json::value& event, const Error& error,
                                                                 const AnswerContext& context) {
  if (!aws::parse_url(string_member(event, "ResponseURL"))) return error;  // nowhere to answer
  auto answered = respond(event, error, context);
  if (!answered) {
    return Error{answered.error().code, answered.error().message + " (it said " + error.code + ": " + error.message + ")",
                 answered.error().status};
  }
  return answered;
}

Result<boost::json::value> CloudFormationCustomResource::sample(const SampleOptions& options) {
  const auto& type = options.request_type;
  if (type != "Create" && type != "Update" && type != "Delete")
    return invalid_sample("the request type is Create, Update or Delete, not \"" + type + "\"");
  if (options.resource_type.empty() || options.logical_id.empty()) return invalid_sample("a custom resource has a type and a logical id");
  if (!aws::parse_url(options.response_url)) return invalid_sample("the response URL is not an http(s) URL");
  const std::string function = "arn:aws:lambda:us-east-1:123456789012:function:custom-resource-provider";
  boost::json::object event{{"RequestType", type},
                            {"ServiceToken", function},
                            {"ResponseURL", options.response_url},
                            {"StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/my-stack/" + uuid()},
                            {"RequestId", uuid()},
                            {"LogicalResourceId", options.logical_id},
                            {"ResourceType", options.resource_type},
                            {"ResourceProperties", {{"ServiceToken", function}, {"TableName", "orders"}}}};
  if (type != "Create") event["PhysicalResourceId"] = options.logical_id + "-" + uuid().substr(0, 8);
  if (type == "Update") event["OldResourceProperties"] = {{"ServiceToken", function}, {"TableName", "orders-old"}};
  return boost::json::value(std::move(event));
}

}  // namespace lift::events
