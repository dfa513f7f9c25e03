// CloudFormation custom resources through lift::App: the answer is a PUT of the response
// document to the request's ResponseURL, here a server on 127.0.0.1 standing in for S3's
// pre-signed URL. Answered in every case: success, error, exception, no route, a malformed
// request; bounded by the invocation's deadline when the URL does not answer.

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "lift/app/app.hpp"
#include "support/invoke.hpp"
#include "support/json.hpp"
#include "support/local_server.hpp"

namespace {

using lift::App;
using lift::Context;
using lift::Result;
using lift::testing_support::invocation;
using lift::testing_support::invoke;
using lift::testing_support::json_of;
namespace events = lift::events;
namespace http = boost::beast::http;
using Json = boost::json::value;
using Clock = std::chrono::steady_clock;

// What the pre-signed URL received.
struct Put {
  std::string method;
  std::string target;
  bool has_content_type = false;
  std::string content_type;
  std::string content_length;
  std::string body;
};

// Stands in for the pre-signed S3 URL: records every request, answers each with the status
// `status_of` gives for its number (0, 1, ...), 200 by default.
class ResponseUrl {
 public:
  explicit ResponseUrl(std::function<unsigned(std::size_t)> status_of = [](std::size_t) { return 200u; })
      : status_of_(std::move(status_of)) {}

  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + "/cfn-responses/stack%7Cdb?AWSAccessKeyId=AKIA&Signature=abc%2B";
  }
  [[nodiscard]] std::vector<Put> puts() const {
    std::lock_guard lock(mutex_);
    return puts_;
  }

 private:
  lift::testing_support::HttpServerResponse respond(const lift::testing_support::HttpServerRequest& request) {
    Put put;
    put.method = std::string(request.method_string());
    put.target = std::string(request.target());
    if (const auto found = request.find(http::field::content_type); found != request.end()) {
      put.has_content_type = true;
      put.content_type = std::string(found->value());
    }
    put.content_length = std::string(request[http::field::content_length]);
    put.body = request.body();
    std::lock_guard lock(mutex_);
    puts_.push_back(std::move(put));
    return lift::testing_support::make_response(status_of_(puts_.size() - 1), "");
  }

  std::function<unsigned(std::size_t)> status_of_;
  mutable std::mutex mutex_;
  std::vector<Put> puts_;
  lift::testing_support::LocalServer server_{[this](auto& socket) {
    lift::testing_support::serve_http(socket, [this](const auto& request, int) { return respond(request); });
  }};
};

Json request(const std::string& url, const std::string& type = "Create", const std::string& resource_type = "Custom::Database") {
  Json out{{"RequestType", type},
           {"ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:provider"},
           {"ResponseURL", url},
           {"StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/shop/1"},
           {"RequestId", "req-1"},
           {"LogicalResourceId", "Orders"},
           {"ResourceType", resource_type},
           {"ResourceProperties", {{"ServiceToken", "arn"}, {"TableName", "orders"}}}};
  if (type != "Create") out.as_object()["PhysicalResourceId"] = "orders-table";
  return out;
}

// The one PUT the server got, as JSON (checking how it was sent).
Json only_put(const ResponseUrl& url) {
  const auto puts = url.puts();
  EXPECT_EQ(puts.size(), 1u);
  if (puts.empty()) return nullptr;
  const auto& put = puts.front();
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.target, "/cfn-responses/stack%7Cdb?AWSAccessKeyId=AKIA&Signature=abc%2B");
  EXPECT_TRUE(put.has_content_type);  // present and empty: the pre-signed URL signs none
  EXPECT_EQ(put.content_type, "");
  EXPECT_EQ(put.content_length, std::to_string(put.body.size()));
  return json_of(put.body);
}

TEST(CloudFormationRoutes, ASuccessIsPutExactlyAndIsTheInvocationsAnswer) {
  ResponseUrl url;
  App app;
  std::vector<std::string> seen;
  app.custom_resource("Custom::Database", [&seen](Context& ctx, const events::CloudFormationCustomResourceEvent& e) {
    EXPECT_TRUE(ctx.record().is_null());  // a single-event source
    seen.push_back(e.RequestType + ":" + std::string(e.properties().at("TableName").as_string()));
  });
  auto answer = invoke(app, request(url.url()));
  ASSERT_TRUE(answer) << answer.error().code << ": " << answer.error().message;
  EXPECT_EQ(seen, (std::vector<std::string>{"Create:orders"}));
  const auto puts = url.puts();
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_EQ(puts[0].body,
            R"({"Status":"SUCCESS","PhysicalResourceId":"req-1","StackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/shop/1",)"
            R"("RequestId":"req-1","LogicalResourceId":"Orders","NoEcho":false})");
  EXPECT_EQ(*answer, only_put(url));
}

TEST(CloudFormationRoutes, TheHandlersResponseGivesIdDataAndNoEcho) {
  ResponseUrl url;
  App app;
  app.custom_resource("Custom::*", [](Context&, const events::CloudFormationCustomResourceEvent& e) -> Result<events::CustomResourceResponse> {
    if (e.RequestType == "Delete") return events::CustomResourceResponse{};
    return events::CustomResourceResponse{.PhysicalResourceId = "orders-" + e.RequestType,
                                          .Data = {{"Arn", "arn:aws:dynamodb:us-east-1:1:table/orders"}},
                                          .NoEcho = true};
  });
  ASSERT_TRUE(invoke(app, request(url.url(), "Update")));
  ASSERT_TRUE(invoke(app, request(url.url(), "Delete")));
  const auto puts = url.puts();
  ASSERT_EQ(puts.size(), 2u);
  const auto update = json_of(puts[0].body);
  EXPECT_EQ(update.at("Status"), "SUCCESS");
  EXPECT_EQ(update.at("PhysicalResourceId"), "orders-Update");
  EXPECT_EQ(update.at("NoEcho"), true);
  EXPECT_EQ(update.at("Data"), (Json{{"Arn", "arn:aws:dynamodb:us-east-1:1:table/orders"}}));
  // Delete without an id answers with the request's.
  const auto deleted = json_of(puts[1].body);
  EXPECT_EQ(deleted.at("PhysicalResourceId"), "orders-table");
  EXPECT_FALSE(deleted.as_object().contains("Data"));
}

TEST(CloudFormationRoutes, ErrorsAndExceptionsAreFailedAndTheInvocationSucceeds) {
  ResponseUrl url;
  App app;
  app.custom_resource("Custom::Database", [](Context&, const events::CloudFormationCustomResourceEvent&) -> Result<void> {
    return lift::Error{"TableExists", "orders already exists", 409};
  });
  app.custom_resource("Custom::Queue", [](Context&, const events::CloudFormationCustomResourceEvent&) -> events::CustomResourceResponse {
    throw std::runtime_error("queue service down");
  });
  testing::internal::CaptureStderr();
  auto failed = invoke(app, request(url.url()));
  auto thrown = invoke(app, request(url.url(), "Update", "Custom::Queue"));
  const std::string log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(failed) << failed.error().message;
  ASSERT_TRUE(thrown) << thrown.error().message;
  const auto puts = url.puts();
  ASSERT_EQ(puts.size(), 2u);
  EXPECT_EQ(puts[0].body,
            R"({"Status":"FAILED","Reason":"TableExists: orders already exists","PhysicalResourceId":"req-1",)"
            R"("StackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/shop/1","RequestId":"req-1",)"
            R"("LogicalResourceId":"Orders","NoEcho":false})");
  const auto exception = json_of(puts[1].body);
  EXPECT_EQ(exception.at("Status"), "FAILED");
  EXPECT_EQ(exception.at("PhysicalResourceId"), "orders-table");
  EXPECT_TRUE(std::string(exception.at("Reason").as_string()).starts_with("InternalError: ")) << exception;
  // The exception's text is logged, never sent.
  EXPECT_EQ(std::string(exception.at("Reason").as_string()).find("queue service down"), std::string::npos);
  EXPECT_NE(log.find("queue service down"), std::string::npos);
}

TEST(CloudFormationRoutes, ARequestNoRouteTakesIsAnsweredFailed) {
  ResponseUrl url;
  App app;
  app.custom_resource("Custom::Queue", [](Context&) {});
  testing::internal::CaptureStderr();
  auto answer = invoke(app, request(url.url()));
  const std::string log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(answer) << answer.error().message;
  const auto put = only_put(url);
  EXPECT_EQ(put.at("Status"), "FAILED");
  EXPECT_EQ(put.at("Reason"), "NoRoute: no route matches the custom resource Orders of type Custom::Database");
  EXPECT_EQ(put.at("PhysicalResourceId"), "req-1");
  // The refusal is logged, since the invocation itself succeeds.
  EXPECT_NE(log.find(R"("error_code":"NoRoute")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("source":"cloudformation-custom-resource")"), std::string::npos) << log;
}

TEST(CloudFormationRoutes, AMalformedRequestWithAResponseUrlIsAnsweredFailed) {
  ResponseUrl url;
  App app;
  bool called = false;
  app.custom_resource("*", [&called](Context&) { called = true; });
  auto bad = request(url.url(), "Update");
  bad.as_object().erase("PhysicalResourceId");
  bad.as_object()["LogicalResourceId"] = 42;
  testing::internal::CaptureStderr();
  auto answer = invoke(app, bad);
  testing::internal::GetCapturedStderr();
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_FALSE(called);
  const auto put = only_put(url);
  EXPECT_EQ(put.at("Status"), "FAILED");
  EXPECT_TRUE(std::string(put.at("Reason").as_string()).starts_with("InvalidEvent: ")) << put;
  EXPECT_EQ(put.at("PhysicalResourceId"), "req-1");
  EXPECT_EQ(put.at("LogicalResourceId"), "");  // not a string: CloudFormation gets what could be read

  // Nowhere to answer: the refusal stays the invocation's error.
  auto nowhere = request("not a url");
  nowhere.as_object().erase("RequestId");
  auto refused = invoke(app, nowhere);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "InvalidEvent");
}

TEST(CloudFormationRoutes, OnEventAnswersWhatNoRouteTakesAndItsFailureIsAnsweredFailed) {
  ResponseUrl url;
  App app;
  app.custom_resource("Custom::Queue", [](Context&) {});
  bool fail = false;
  app.on_event([&fail](Context&, const Json&) -> Result<Json> {
    if (fail) return lift::Error{"Unhandled", "on_event gave up", 500};
    return Json{{"handled", true}};
  });
  auto handled = invoke(app, request(url.url()));
  ASSERT_TRUE(handled);
  EXPECT_EQ(*handled, (Json{{"handled", true}}));
  EXPECT_TRUE(url.puts().empty());  // on_event took it: answering CloudFormation is its business
  fail = true;
  testing::internal::CaptureStderr();
  auto failed = invoke(app, request(url.url()));
  testing::internal::GetCapturedStderr();
  ASSERT_TRUE(failed);
  EXPECT_EQ(only_put(url).at("Reason"), "Unhandled: on_event gave up");
}

TEST(CloudFormationRoutes, ResponsesOverCloudFormationsLimitAreAnsweredFailed) {
  ResponseUrl url;
  App app;
  app.custom_resource("*", [](Context&) {
    events::CustomResourceResponse response;
    response.Data["Certificate"] = std::string(6000, 'c');
    return response;
  });
  ASSERT_TRUE(invoke(app, request(url.url())));
  const auto puts = url.puts();
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_LE(puts[0].body.size(), 4096u);
  const auto put = json_of(puts[0].body);
  EXPECT_EQ(put.at("Status"), "FAILED");
  EXPECT_NE(std::string(put.at("Reason").as_string()).find("4096"), std::string::npos);
}

TEST(CloudFormationRoutes, TransientAnswersAreRetriedAndRefusalsAreTheInvocationsError) {
  ResponseUrl flaky([](std::size_t n) { return n == 0 ? 503u : 200u; });
  App app;
  app.custom_resource("*", [](Context&) {});
  ASSERT_TRUE(invoke(app, request(flaky.url())));
  const auto puts = flaky.puts();
  ASSERT_EQ(puts.size(), 2u);
  EXPECT_EQ(puts[0].body, puts[1].body);

  ResponseUrl expired([](std::size_t) { return 403u; });
  auto refused = invoke(app, request(expired.url()));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "CustomResourceResponseRefused");
  EXPECT_NE(refused.error().message.find("HTTP 403"), std::string::npos) << refused.error().message;
  EXPECT_EQ(refused.error().message.find("Signature"), std::string::npos);  // the signed query stays out of messages
  EXPECT_EQ(expired.puts().size(), 1u);  // not retried
}

// A port on 127.0.0.1 that nothing listens on.
std::uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

TEST(CloudFormationRoutes, AnUnreachableUrlFailsTheInvocationWithinItsDeadline) {
  App app;
  app.custom_resource("*", [](Context&) {});
  const auto refused_url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/r?Signature=s";
  auto started = Clock::now();
  auto answer = app.invoke(invocation(boost::json::serialize(request(refused_url)), std::chrono::seconds(3)));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, "Http.ConnectFailed") << answer.error().message;
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(3));

  // A server that takes the request and never answers: the PUT gives up before the deadline.
  lift::testing_support::LocalServer silent([](auto& socket) {
    char buffer[4096];
    boost::system::error_code ec;
    while (!ec) socket.read_some(boost::asio::buffer(buffer), ec);  // until the client gives up
  });
  const auto silent_url = "http://127.0.0.1:" + std::to_string(silent.port()) + "/r";
  started = Clock::now();
  answer = app.invoke(invocation(boost::json::serialize(request(silent_url)), std::chrono::milliseconds(1500)));
  const auto took = Clock::now() - started;
  ASSERT_FALSE(answer);
  EXPECT_TRUE(answer.error().code == "Http.Timeout" || answer.error().code == "aws.deadline_exceeded") << answer.error().code;
  EXPECT_LT(took, std::chrono::milliseconds(1500));
  EXPECT_GT(took, std::chrono::milliseconds(500));
}

}  // namespace
