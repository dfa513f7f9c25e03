// X-Ray: trace header parsing, subsegment documents caught by a UDP listener on 127.0.0.1,
// nesting, propagation, and the cases where nothing may be sent.
#include "lift/observability/tracer.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <stdexcept>
#include <string>

#include "observability_test_support.hpp"
#include "support/scoped_env.hpp"
#include "support/udp_listener.hpp"
#include "support/files.hpp"
#include "support/requirements.hpp"

namespace {

namespace json = boost::json;
using namespace lift::observability;
using lift::observability_test::CleanEnv;
using lift::observability_test::invocation;
using lift::observability_test::kTraceHeader;
using lift::observability_test::parse_or_null;
using lift::testing_support::ScopedEnv;
using lift::testing_support::UdpListener;

constexpr const char* kRoot = "1-5759e988-bd862e3fe1be46a994272793";
constexpr const char* kParent = "53995c3f42cd8ad8";
constexpr std::string_view kHeaderLine = "{\"format\": \"json\", \"version\": 1}\n";

// Splits a datagram into its header line and its document.
json::object document_of(const std::string& datagram) {
  EXPECT_EQ(datagram.substr(0, kHeaderLine.size()), kHeaderLine);
  const auto header = parse_or_null(datagram.substr(0, datagram.find('\n')));
  EXPECT_EQ(header, json::parse(R"({"format":"json","version":1})"));
  auto doc = parse_or_null(datagram.substr(datagram.find('\n') + 1));
  EXPECT_TRUE(doc.is_object()) << datagram;
  return doc.is_object() ? doc.as_object() : json::object();
}

bool is_id(const json::value& v) {
  return v.is_string() && std::regex_match(std::string(v.as_string()), std::regex("[0-9a-f]{16}"));
}

class TracerTest : public ::testing::Test {
 protected:
  TracerOptions options() {
    TracerOptions o;
    o.daemon_address = daemon.address();
    o.service = "orders";
    return o;
  }
  CleanEnv env;
  UdpListener daemon;
};

TEST_F(TracerTest, NestedSubsegmentsReachTheDaemon) {
  Tracer tracer(options());
  tracer.begin_invocation(invocation());
  ASSERT_TRUE(tracer.sampled());
  std::string handler_id, call_id, propagated;
  {
    auto handler = tracer.begin_handler_subsegment("orders.handler");
    ASSERT_TRUE(handler.active());
    handler_id = handler.id();
    ASSERT_TRUE(handler.annotate("order_id", "o-42"));
    ASSERT_TRUE(handler.annotate("attempt", 2));
    ASSERT_TRUE(handler.annotate("ratio", 0.5));
    ASSERT_TRUE(handler.add_metadata("request", json::value(json::object{{"items", 3}})));
    {
      auto call = tracer.begin_subsegment("DynamoDB", SubsegmentNamespace::aws);
      call_id = call.id();
      call.set_aws({.operation = "PutItem", .region = "eu-west-1", .request_id = "RID", .table_name = "orders",
                    .queue_url = {}, .retries = 0});
      propagated = tracer.propagation_header();
      auto inner = call.begin_subsegment("marshal");
      inner.add_exception(std::runtime_error("bad item"));
    }
    auto http = handler.begin_subsegment("api.example.com");
    http.set_http({.method = "GET", .url = "https://api.example.com/x", .status = 503, .content_length = 12});
  }
  tracer.end_invocation();

  EXPECT_EQ(propagated, "Root=" + std::string(kRoot) + ";Parent=" + call_id + ";Sampled=1");

  std::vector<json::object> docs;
  while (auto datagram = daemon.receive(std::chrono::milliseconds(docs.size() < 4 ? 2000 : 200)))
    docs.push_back(document_of(*datagram));
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(tracer.sent(), 4u);
  // Sent as each ends: innermost first.
  const auto& marshal = docs[0];
  const auto& dynamo = docs[1];
  const auto& http = docs[2];
  const auto& handler = docs[3];
  EXPECT_EQ(marshal.at("name"), "marshal");
  EXPECT_EQ(dynamo.at("name"), "DynamoDB");
  EXPECT_EQ(http.at("name"), "api.example.com");
  EXPECT_EQ(handler.at("name"), "## orders.handler");

  for (const auto& doc : docs) {
    EXPECT_TRUE(is_id(doc.at("id")));
    EXPECT_TRUE(is_id(doc.at("parent_id")));
    EXPECT_EQ(doc.at("trace_id"), kRoot);
    EXPECT_EQ(doc.at("type"), "subsegment");
    EXPECT_EQ(doc.at("in_progress"), false);
    EXPECT_LE(doc.at("start_time").as_double(), doc.at("end_time").as_double());
    EXPECT_GT(doc.at("start_time").as_double(), 1.6e9);
  }
  EXPECT_EQ(handler.at("id").as_string(), handler_id);
  EXPECT_EQ(handler.at("parent_id"), kParent);  // Lambda's segment
  EXPECT_EQ(dynamo.at("parent_id"), handler.at("id"));
  EXPECT_EQ(marshal.at("parent_id"), dynamo.at("id"));
  EXPECT_EQ(http.at("parent_id"), handler.at("id"));
  // Children inside their parents' time.
  EXPECT_GE(dynamo.at("start_time").as_double(), handler.at("start_time").as_double());
  EXPECT_LE(dynamo.at("end_time").as_double(), handler.at("end_time").as_double());

  EXPECT_EQ(handler.at("annotations"),
            json::parse(R"({"ColdStart":true,"Service":"orders","order_id":"o-42","attempt":2,"ratio":0.5})"));
  EXPECT_EQ(handler.at("metadata"), json::parse(R"({"default":{"request":{"items":3}}})"));
  EXPECT_EQ(dynamo.at("namespace"), "aws");
  EXPECT_EQ(dynamo.at("aws"),
            json::parse(R"({"operation":"PutItem","region":"eu-west-1","request_id":"RID","table_name":"orders","retries":0})"));
  EXPECT_EQ(marshal.at("fault"), true);
  const auto& exception = marshal.at("cause").at("exceptions").at(0);
  EXPECT_EQ(exception.at("type"), "std::runtime_error");
  EXPECT_EQ(exception.at("message"), "bad item");
  EXPECT_TRUE(is_id(exception.at("id")));
  EXPECT_EQ(http.at("namespace"), "remote");
  EXPECT_EQ(http.at("fault"), true);
  EXPECT_EQ(http.at("http").at("response").at("status"), 503);
}

TEST_F(TracerTest, MatchesTheShapeOfTheNodeSdkDatagram) {
  const std::filesystem::path file =
      std::filesystem::path(LIFT_TESTDATA_DIR) / "xray/daemon/sdk-node-lambda-subsegment-aws-call.udp";
  if (!std::filesystem::exists(file)) LIFT_SKIP_WITHOUT() << "AWS X-Ray test data missing";
  const std::string reference = lift::testing_support::read_file(file);
  const auto expected = parse_or_null(reference.substr(reference.find('\n') + 1)).as_object();

  Tracer tracer(options());
  tracer.begin_invocation(invocation());
  {
    auto call = tracer.begin_subsegment("DynamoDB");
    ASSERT_TRUE(call.annotate("table", "orders"));
    ASSERT_TRUE(call.add_metadata("items", json::value(json::object{{"count", 3}})));
    call.set_aws({.operation = "PutItem", .region = "us-east-1", .request_id = {}, .table_name = "orders",
                  .queue_url = {}, .retries = 0});
  }
  auto datagram = daemon.receive();
  ASSERT_TRUE(datagram);
  const auto ours = document_of(*datagram);
  for (const auto& member : expected) EXPECT_TRUE(ours.contains(member.key())) << member.key();
  EXPECT_EQ(ours.at("aws"), expected.at("aws"));
  EXPECT_EQ(ours.at("annotations"), expected.at("annotations"));
  EXPECT_EQ(ours.at("metadata"), expected.at("metadata"));
  EXPECT_EQ(ours.at("parent_id"), expected.at("parent_id"));
  EXPECT_EQ(ours.at("trace_id"), expected.at("trace_id"));
  EXPECT_EQ(ours.at("namespace"), expected.at("namespace"));
}

TEST_F(TracerTest, NothingIsSentWhenNotSampled) {
  Tracer tracer(options());
  tracer.begin_invocation(invocation("r", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"));
  EXPECT_FALSE(tracer.sampled());
  {
    auto sub = tracer.begin_subsegment("work");
    EXPECT_FALSE(sub.active());
    EXPECT_TRUE(sub.id().empty());
    EXPECT_TRUE(sub.annotate("k", 1));
    auto child = sub.begin_subsegment("child");
    EXPECT_FALSE(child.active());
    // The decision still travels downstream.
    EXPECT_EQ(tracer.propagation_header(), "Root=" + std::string(kRoot) + ";Parent=" + std::string(kParent) + ";Sampled=0");
  }
  tracer.end_invocation();
  EXPECT_FALSE(daemon.receive(std::chrono::milliseconds(200)));
  EXPECT_EQ(tracer.sent(), 0u);
}

TEST_F(TracerTest, NothingIsSentWithoutATraceHeader) {
  Tracer tracer(options());
  tracer.begin_invocation(invocation("r", ""));
  EXPECT_FALSE(tracer.trace());
  { auto sub = tracer.begin_subsegment("work"); }
  EXPECT_EQ(tracer.propagation_header(), "");
  EXPECT_FALSE(daemon.receive(std::chrono::milliseconds(200)));
}

TEST_F(TracerTest, TraceFromTheEnvironmentWhenTheContextHasNone) {
  ScopedEnv trace("_X_AMZN_TRACE_ID", kTraceHeader);
  Tracer tracer(options());
  tracer.begin_invocation(invocation("r", ""));
  EXPECT_TRUE(tracer.sampled());
  { auto sub = tracer.begin_subsegment("work"); }
  EXPECT_TRUE(daemon.receive());
}

TEST_F(TracerTest, LambdaStyleDaemonAddressAndEnvironment) {
  ScopedEnv address("AWS_XRAY_DAEMON_ADDRESS", "udp:127.0.0.1:" + std::to_string(daemon.port()) + " tcp:127.0.0.1:2000");
  TracerOptions o;
  Tracer tracer(o);
  tracer.begin_invocation(invocation());
  { auto sub = tracer.begin_subsegment("work"); }
  EXPECT_TRUE(daemon.receive());
}

TEST_F(TracerTest, DisabledTracerSendsNothing) {
  ScopedEnv disabled("POWERTOOLS_TRACE_DISABLED", "true");
  Tracer tracer(options());
  tracer.begin_invocation(invocation());
  EXPECT_FALSE(tracer.sampled());
  { auto sub = tracer.begin_subsegment("work"); }
  EXPECT_FALSE(daemon.receive(std::chrono::milliseconds(200)));
}

TEST_F(TracerTest, ASubsegmentOutlivingItsInvocationIsNotSent) {
  Tracer tracer(options());
  tracer.begin_invocation(invocation());
  auto late = tracer.begin_subsegment("late");
  tracer.end_invocation();
  late.end();
  EXPECT_FALSE(daemon.receive(std::chrono::milliseconds(200)));
}

TEST_F(TracerTest, OversizedMetadataIsLeftOutRatherThanTheSubsegment) {
  Tracer tracer(options());
  tracer.begin_invocation(invocation());
  {
    auto sub = tracer.begin_subsegment("big");
    ASSERT_TRUE(sub.add_metadata("blob", json::value(std::string(100000, 'x'))));
    ASSERT_TRUE(sub.annotate("kept", true));
  }
  auto datagram = daemon.receive();
  ASSERT_TRUE(datagram);
  EXPECT_LE(datagram->size(), 65507u);
  const auto doc = document_of(*datagram);
  EXPECT_FALSE(doc.contains("metadata"));
  EXPECT_EQ(doc.at("annotations").at("kept"), true);
}

TEST_F(TracerTest, AnnotationAndMetadataRules) {
  Tracer tracer(options());
  tracer.begin_invocation(invocation());
  auto sub = tracer.begin_subsegment("rules");
  EXPECT_EQ(sub.annotate("has space", 1).error().code, "invalid_annotation");
  EXPECT_EQ(sub.annotate("", 1).error().code, "invalid_annotation");
  EXPECT_EQ(sub.annotate("dash-ed", 1).error().code, "invalid_annotation");
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(sub.annotate("k" + std::to_string(i), i));
  EXPECT_TRUE(sub.annotate("k0", "replaced"));
  EXPECT_EQ(sub.annotate("k50", 1).error().code, "invalid_annotation");
  EXPECT_EQ(sub.add_metadata("x", 1, "AWS.reserved").error().code, "invalid_metadata");
  EXPECT_EQ(sub.add_metadata("", 1).error().code, "invalid_metadata");
  EXPECT_TRUE(sub.add_metadata("x", 1, "custom"));
}

TEST_F(TracerTest, NamesAreCleanedForXRay) {
  TracerOptions o;
  std::vector<std::string> sent;
  o.sink = [&sent](std::string_view d) { sent.emplace_back(d); };
  Tracer tracer(o);
  tracer.begin_invocation(invocation());
  { auto sub = tracer.begin_subsegment("bad\"name\n<with>" + std::string(300, 'n')); }
  ASSERT_EQ(sent.size(), 1u);
  const auto doc = document_of(sent[0]);
  const std::string name(doc.at("name").as_string());
  EXPECT_EQ(name.size(), 200u);
  EXPECT_EQ(name.substr(0, 15), "bad_name__with_");
}

TEST(TraceHeaderTest, ParsesLambdaHeaders) {
  auto parsed = TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1|68fd508a:5");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->root, kRoot);
  EXPECT_EQ(parsed->parent, kParent);
  EXPECT_EQ(parsed->sampled, true);
  EXPECT_EQ(parsed->lineage, "a87bd80c:1|68fd508a:5");
  EXPECT_EQ(parsed->to_string(),
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1|68fd508a:5");
  auto spaced = TraceHeader::parse(" Root=1-5759e988-bd862e3fe1be46a994272793 ; Sampled=? ;Self=1-abc");
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->sampled, std::nullopt);
  EXPECT_TRUE(spaced->parent.empty());
}

TEST(TraceHeaderTest, MalformedHeadersAreTypedErrors) {
  for (const std::string& header : std::vector<std::string>{"", "garbage", "Root=", "Root=1-5759e988", "Root=2-5759e988-bd862e3fe1be46a994272793",
        "Root=1-5759E988-bd862e3fe1be46a994272793", "Root=1-5759e988-bd862e3fe1be46a99427279g",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=xyz", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=2",
        "Parent=53995c3f42cd8ad8;Sampled=1", "Root=1-5759e988-bd862e3fe1be46a994272793;noequals",
        std::string(5000, ';')}) {
    auto parsed = TraceHeader::parse(header);
    ASSERT_FALSE(parsed) << header;
    EXPECT_EQ(parsed.error().code, "invalid_trace_header") << header;
  }
}

TEST(TraceHeaderTest, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  Tracer tracer(TracerOptions{.daemon_address = "127.0.0.1:9", .service = "s", .enabled = true,
                              .sink = [](std::string_view) {}});
  for (int i = 0; i < 2000; ++i) {
    std::string header(rng() % 80, '\0');
    for (auto& c : header) c = static_cast<char>(rng());
    if (i % 3 == 0) header = "Root=1-5759e988-bd862e3fe1be46a994272793;" + header;
    (void)TraceHeader::parse(header);
    (void)tracer.begin_invocation(std::string_view(header));
    auto sub = tracer.begin_subsegment("x");
  }
  auto rejected = tracer.begin_invocation(std::string_view("Root=1-zz"));
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, "invalid_trace_header");
  EXPECT_FALSE(tracer.sampled());
}

}  // namespace
