// lift/testing/invoke.hpp: an App invoked in a test the way Lambda and API Gateway would, with
// HTTP requests made into real API Gateway events and the answers read back as API Gateway
// reads them.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/describe.hpp>
#include <boost/json.hpp>

#include "lift/lift.hpp"
#include "lift/testing/invoke.hpp"
#include "support/temp_dir.hpp"

namespace testing_ns {

struct NewOrder {
  std::string item;
  int quantity = 1;
};
BOOST_DESCRIBE_STRUCT(NewOrder, (), (item, quantity))

inline void lift_rules(lift::json::Rules<NewOrder>& r) {
  r.field(&NewOrder::item).required().length(1, 50);
  r.field(&NewOrder::quantity).min(1).max(100);
}

struct Order {
  std::string id;
  std::string item;
  int quantity = 0;
  std::string status = "new";
};
BOOST_DESCRIBE_STRUCT(Order, (), (id, item, quantity, status))

}  // namespace testing_ns

namespace {

namespace json = boost::json;
using testing_ns::NewOrder;
using testing_ns::Order;
using namespace std::chrono_literals;

lift::App make_app() {
  lift::App app;
  app.use(lift::mw::recover(), lift::mw::request_id());
  app.post("/orders", [](lift::Context& ctx, NewOrder in) -> lift::Result<lift::Created<Order>> {
    ctx.set_header("location", "/orders/o-1");
    ctx.add_cookie("seen=1; Path=/");
    return lift::created(Order{"o-1", in.item, in.quantity, "new"});
  });
  app.get("/orders/:id", [](lift::Context& ctx) -> lift::Result<Order> {
    if (ctx.param("id") != "o-1") return lift::Error{"NotFound", "no such order", 404};
    return Order{"o-1", std::string(ctx.query("item").value_or("tea")), 1, "new"};
  });
  app.get("/whoami", [](lift::Context& ctx) {
    return json::value{{"authorization", std::string(ctx.header("authorization").value_or(""))},
                       {"request_id", ctx.invocation().request_id},
                       {"tenant", ctx.invocation().tenant_id},
                       {"left_ms", ctx.invocation().remaining().count()}};
  });
  app.sqs("orders", [](lift::Context&, const lift::events::SqsMessage& m) -> lift::Result<void> {
    if (m.body == "bad") return lift::Error{"Bad", "bad record", 422};
    return lift::ok();
  });
  return app;
}

// The README's example, as it is written there.
TEST(Orders, CreatesAndFindsAnOrder) {
  const lift::App app = make_app();
  auto created = lift::testing::http(app).post("/orders", {{"item", "tea"}, {"quantity", 2}});
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(created.json().at("status"), "new");
  EXPECT_EQ(lift::testing::http(app).get("/orders/nope").status, 404);
}

TEST(TestingHttp, PostsJsonInEveryFormAndReadsTheAnswerAsApiGatewayDoes) {
  const auto app = make_app();
  const auto client = lift::testing::http(app);
  for (const auto& response : {client.post("/orders", {{"item", "tea"}, {"quantity", 2}}),
                               client.post("/orders", R"({"item":"tea","quantity":2})"),
                               client.post("/orders", json::value{{"item", "tea"}, {"quantity", 2}}),
                               client.post("/orders", NewOrder{"tea", 2})}) {
    EXPECT_EQ(response.status, 201) << response.body << response.problem;
    EXPECT_EQ(response.json(), json::parse(R"({"id":"o-1","item":"tea","quantity":2,"status":"new"})"));
    EXPECT_EQ(response.headers.get("Location"), "/orders/o-1");
    EXPECT_EQ(response.headers.get("content-type"), "application/json");
    EXPECT_EQ(response.headers.get("set-cookie"), "seen=1; Path=/");
    EXPECT_TRUE(response.problem.empty());
  }
}

TEST(TestingHttp, ErrorsComeInTheOneErrorBody) {
  const auto app = make_app();
  const auto invalid = lift::testing::http(app).post("/orders", {{"item", "tea"}, {"quantity", 500}});
  EXPECT_EQ(invalid.status, 422);
  EXPECT_EQ(invalid.json().at("error").at("code"), "ValidationFailed");
  EXPECT_EQ(lift::testing::http(app).post("/orders", "{not json").status, 400);
  EXPECT_EQ(lift::testing::http(app).get("/orders/nope").status, 404);
  EXPECT_EQ(lift::testing::http(app).get("/nowhere").status, 404);
  const auto wrong_method = lift::testing::http(app).remove("/orders/o-1");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.headers.get("allow"), "GET, HEAD, OPTIONS");
}

TEST(TestingHttp, QueriesHeadersAndInvocationOptionsReachTheHandler) {
  const auto app = make_app();
  EXPECT_EQ(lift::testing::http(app).get("/orders/o-1?item=green%20tea").json().at("item"), "green tea");
  auto client = lift::testing::http(app);
  client.header("Authorization", "Bearer abc").with({.request_id = "req-7", .time_left = 2s, .tenant_id = "t1"});
  const auto who = client.get("/whoami").json();
  EXPECT_EQ(who.at("authorization"), "Bearer abc");
  EXPECT_EQ(who.at("request_id"), "req-7");
  EXPECT_EQ(who.at("tenant"), "t1");
  EXPECT_GT(who.at("left_ms").to_number<int>(), 1000);
  EXPECT_LE(who.at("left_ms").to_number<int>(), 2000);
  // A header for one request only.
  EXPECT_EQ(lift::testing::http(app).request("GET", "/whoami", {}, {}, {{"authorization", "Basic x"}}).json().at("authorization"),
            "Basic x");
}

TEST(TestingHttp, RestApiEventsToo) {
  const auto app = make_app();
  const auto client = lift::testing::http(app, lift::testing::Api::rest);
  const auto event = client.event("GET", "/orders/o-1?item=x");
  EXPECT_EQ(event.at("httpMethod"), "GET");
  EXPECT_EQ(event.at("queryStringParameters").at("item"), "x");
  const auto created = client.post("/orders", {{"item", "tea"}});
  EXPECT_EQ(created.status, 201) << created.body << created.problem;
  EXPECT_EQ(created.json().at("quantity"), 1);
}

TEST(TestingHttp, AFailedInvocationIsA502WithTheReason) {
  // An event no route takes: the function reports an error to Lambda, API Gateway answers 502.
  const auto response = lift::testing::invoke_http(make_app(), json::value{{"nothing", "routable"}});
  EXPECT_EQ(response.status, 502);
  EXPECT_NE(response.problem.find("UnsupportedEvent"), std::string::npos) << response.problem;
  const lift::testing::HttpResponse not_json{.status = 502, .body = "Bad Gateway"};
  EXPECT_THROW((void)not_json.json(), std::runtime_error);
}

TEST(TestingInvoke, AnyEventFromAFileOrWrittenInTheTest) {
  const auto app = make_app();
  lift::testing_support::TempDir dir;
  std::ofstream(dir / "sqs.json") << R"({"Records":[
    {"messageId":"m1","receiptHandle":"h","body":"ok","attributes":{},"messageAttributes":{},"md5OfBody":"",
     "eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:orders","awsRegion":"us-east-1"},
    {"messageId":"m2","receiptHandle":"h","body":"bad","attributes":{},"messageAttributes":{},"md5OfBody":"",
     "eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:orders","awsRegion":"us-east-1"}]})";
  auto event = lift::testing::read_event(dir / "sqs.json");
  const auto answer = lift::testing::invoke(app, event);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->json(), json::parse(R"({"batchItemFailures":[{"itemIdentifier":"m2"}]})"));
  EXPECT_EQ(answer->failed_items(), std::vector<std::string>{"m2"});

  // Every record failing fails the invocation: the error Lambda is told.
  event.as_object()["Records"].as_array().erase(event.as_object()["Records"].as_array().begin());
  const auto failed = lift::testing::invoke(app, event);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "BatchProcessingFailed");

  // An HTTP event (from a file, `lift events generate apigw-http`) reads back as an HTTP response.
  const auto http_event = lift::testing::http(app).event("GET", "/orders/o-1");
  const auto http_answer = lift::testing::invoke(app, http_event);
  ASSERT_TRUE(http_answer);
  EXPECT_EQ(http_answer->http().status, 200);
  EXPECT_EQ(http_answer->http().json().at("id"), "o-1");
  EXPECT_TRUE(http_answer->failed_items().empty());
  EXPECT_EQ(lift::testing::invoke_http(app, http_event).json().at("id"), "o-1");
  EXPECT_EQ(lift::testing::invoke_http(app, event).status, 502);  // an SQS batch that failed
}

TEST(TestingInvoke, ReadEventNamesTheFileItCannotUse) {
  lift::testing_support::TempDir dir;
  std::ofstream(dir / "broken.json") << "{not json";
  try {
    (void)lift::testing::read_event(dir / "broken.json");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("broken.json is not JSON"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)lift::testing::read_event(dir / "missing.json"), std::runtime_error);
}

TEST(TestingInvoke, AnInvocationCarriesTheOptions) {
  const auto invocation = lift::testing::invocation(json::value{{"a", 1}}, {.request_id = "r", .time_left = 5s, .tenant_id = "t"});
  EXPECT_EQ(invocation.payload, R"({"a":1})");
  EXPECT_EQ(invocation.context.request_id, "r");
  EXPECT_EQ(invocation.context.tenant_id, "t");
  EXPECT_GT(invocation.context.remaining(), 4s);
  EXPECT_FALSE(lift::testing::invocation("{}").context.request_id.empty());
}

}  // namespace
