// The IP allow-list: ranges v4 and v6 (IPv4-mapped clients), the client address from each event
// source's request context with the real sample events (never a header the client wrote),
// configuration errors at start-up naming every bad range, and ranges from an SSM parameter
// through the secrets cache (refreshed, the last good list kept, failing closed).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include <boost/json/parse.hpp>

#include "lift/app/app.hpp"
#include "lift/middleware/ip_allow_list.hpp"
#include "lift/resilience/errors.hpp"
#include "lift/security/secrets.hpp"
#include "lift/testing/invoke.hpp"
#include "support/files.hpp"
#include "support/requirements.hpp"

namespace {

namespace json = boost::json;
using lift::mw::ip_allow_list;
using lift::mw::IpAllowListOptions;

const std::filesystem::path kEvents = std::filesystem::path(LIFT_TESTDATA_DIR) / "events";

json::object sample(const std::string& relative) {
  const auto path = kEvents / relative;
  if (!std::filesystem::exists(path)) return {};
  return json::parse(lift::testing_support::read_file(path)).as_object();
}

lift::App guarded(lift::Middleware allow) {
  lift::App app;
  app.use(std::move(allow));
  app.any("/*path", [](lift::Context&) { return json::value{{"ok", true}}; });
  app.websocket("$connect", [](lift::Context&) { return lift::http::Response::empty(200); });
  app.websocket("$default", [](lift::Context&) { return lift::http::Response::empty(200); });
  return app;
}

int status(const lift::App& app, const json::object& event) { return lift::testing::invoke_http(app, event).status; }

TEST(IpRange, ParsesV4AndV6AndMatchesByPrefix) {
  const auto v4 = lift::mw::parse_ip_range("203.0.113.0/24").value();
  EXPECT_TRUE(lift::mw::ip_in_range("203.0.113.9", v4));
  EXPECT_TRUE(lift::mw::ip_in_range("::ffff:203.0.113.9", v4));  // IPv4-mapped
  EXPECT_TRUE(lift::mw::ip_in_range("::FFFF:cb00:7109", v4));
  EXPECT_FALSE(lift::mw::ip_in_range("203.0.114.9", v4));
  EXPECT_FALSE(lift::mw::ip_in_range("2001:db8::1", v4));
  EXPECT_FALSE(lift::mw::ip_in_range("not an address", v4));
  EXPECT_FALSE(lift::mw::ip_in_range("", v4));

  const auto v6 = lift::mw::parse_ip_range("2001:db8::/32").value();
  EXPECT_TRUE(lift::mw::ip_in_range("2001:db8:ffff::1", v6));
  EXPECT_TRUE(lift::mw::ip_in_range("2001:DB8::", v6));
  EXPECT_FALSE(lift::mw::ip_in_range("2001:db9::1", v6));
  EXPECT_FALSE(lift::mw::ip_in_range("203.0.113.9", v6));

  // A mapped range holds the IPv4 clients too.
  const auto mapped = lift::mw::parse_ip_range("::ffff:192.0.2.0/120").value();
  EXPECT_TRUE(lift::mw::ip_in_range("192.0.2.77", mapped));

  const auto single = lift::mw::parse_ip_range("198.51.100.7").value();
  EXPECT_TRUE(lift::mw::ip_in_range("198.51.100.7", single));
  EXPECT_FALSE(lift::mw::ip_in_range("198.51.100.8", single));
  const auto everyone = lift::mw::parse_ip_range("0.0.0.0/0").value();
  EXPECT_TRUE(lift::mw::ip_in_range("8.8.8.8", everyone));
  EXPECT_FALSE(lift::mw::ip_in_range("2001:db8::1", everyone));  // IPv4's everyone only
  const auto odd = lift::mw::parse_ip_range("10.0.0.0/9").value();
  EXPECT_TRUE(lift::mw::ip_in_range("10.127.255.255", odd));
  EXPECT_FALSE(lift::mw::ip_in_range("10.128.0.0", odd));
}

TEST(IpRange, BadRangesSayWhy) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "not an IPv4 or IPv6 address"},
      {"10.0.0.0/", "prefix length is not a number"},
      {"10.0.0.0/x", "prefix length is not a number"},
      {"10.0.0.0/-1", "prefix length is not a number"},
      {"10.0.0.0/33", "longer than 32 bits"},
      {"2001:db8::/129", "longer than 128 bits"},
      {"10.0.0.1/8", "bits set past its prefix"},
      {"2001:db8::1/32", "bits set past its prefix"},
      {"256.0.0.0/8", "not an IPv4 or IPv6 address"},
      {"10.0.0/8", "not an IPv4 or IPv6 address"},
      {"example.com", "not an IPv4 or IPv6 address"},
      {"10.0.0.0/8/8", "prefix length is not a number"},
      {std::string(100, '1'), "not an IPv4 or IPv6 address"},
  };
  for (const auto& [text, why] : cases) {
    auto r = lift::mw::parse_ip_range(text);
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.error().message.find(why), std::string::npos) << text << ": " << r.error().message;
  }
}

TEST(IpAllowList, BadConfigurationIsAStartUpErrorNamingEveryBadRange) {
  auto bad = ip_allow_list({.cidrs = {"10.0.0.0/8", "10.0.0.1/8", "nope", "2001:db8::/200"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, lift::resilience::kInvalidConfiguration);
  for (const char* named : {"\"10.0.0.1/8\"", "\"nope\"", "\"2001:db8::/200\""})
    EXPECT_NE(bad.error().message.find(named), std::string::npos) << bad.error().message;
  EXPECT_EQ(bad.error().message.find("\"10.0.0.0/8\""), std::string::npos);
  EXPECT_FALSE(ip_allow_list({}));                              // nothing allowed: surely a mistake
  EXPECT_FALSE(ip_allow_list({.cidrs = {" "}}));                // an empty range
  EXPECT_FALSE(ip_allow_list({.parameter = "/allowed-ips"}));  // no cache to read it through
  // A list in one string, as an environment variable would give it.
  EXPECT_TRUE(ip_allow_list({.cidrs = {"10.0.0.0/8, 2001:db8::/32"}}));
}

// Each event source's sample events: the address is the request context's, never a header the
// client could set.
TEST(IpAllowList, TheClientAddressComesFromEachSourcesRequestContext) {
  struct Case {
    const char* file;
    const char* trusted;  // the address the request context (or the balancer) gives
    const char* spoof;    // an address the client wrote in a header
  };
  const std::vector<Case> cases = {
      {"apigw-http/go-apigw-v2-request-no-authorizer.json", "1.2.3.4", nullptr},
      {"apigw-rest/go-apigw-request.json", "192.168.196.186", "54.240.196.186"},
      {"apigw-rest/dn-proxy-event.json", "192.168.196.186", "54.240.196.186"},
      {"apigw-websocket/go-apigw-websocket-request.json", "192.168.196.186", "54.240.196.186"},
      {"function-url/go-lambda-urls-request.json", "123.123.123.123", nullptr},
      {"alb/go-alb-lambda-target-request-headers-only.json", "25.12.198.67", nullptr},
      {"alb/jv-elb_event.json", "192.0.2.1", nullptr},
  };
  for (const auto& c : cases) {
    const auto event = sample(c.file);
    if (event.empty()) LIFT_SKIP_WITHOUT() << "sample events absent: " << c.file;
    const auto allowing = guarded(ip_allow_list({.cidrs = {std::string(c.trusted)}}).value());
    EXPECT_EQ(status(allowing, event), 200) << c.file;
    const auto refusing = guarded(ip_allow_list({.cidrs = {"100.64.0.0/10"}}).value());
    const auto refused = lift::testing::invoke_http(refusing, event);
    EXPECT_EQ(refused.status, 403) << c.file;
    EXPECT_EQ(refused.json().at("error").at("code"), "Forbidden") << c.file << ": " << refused.body;
    EXPECT_EQ(refused.body.find("100.64"), std::string::npos);  // the ranges are not told
    if (c.spoof != nullptr) {
      // Allowing the X-Forwarded-For address the client wrote lets nothing in.
      const auto spoofed = guarded(ip_allow_list({.cidrs = {std::string(c.spoof)}}).value());
      EXPECT_EQ(status(spoofed, event), 403) << c.file;
    }
  }
}

TEST(IpAllowList, AnAlbClientCannotPrependItsWayIn) {
  auto event = sample("alb/jv-elb_event.json");
  if (event.empty()) LIFT_SKIP_WITHOUT() << "sample events absent";
  // The client sent X-Forwarded-For: 10.1.1.1; the balancer appended what it saw.
  event["headers"].as_object()["x-forwarded-for"] = "10.1.1.1, 192.0.2.1";
  EXPECT_EQ(status(guarded(ip_allow_list({.cidrs = {"10.0.0.0/8"}}).value()), event), 403);
  EXPECT_EQ(status(guarded(ip_allow_list({.cidrs = {"192.0.2.0/24"}}).value()), event), 200);
}

TEST(IpAllowList, IPv6AndIPv4MappedClients) {
  auto event = sample("apigw-http/go-apigw-v2-request-no-authorizer.json");
  if (event.empty()) LIFT_SKIP_WITHOUT() << "sample events absent";
  const auto app = guarded(ip_allow_list({.cidrs = {"2001:db8::/32", "198.51.100.0/24"}}).value());
  const auto with_address = [&](const char* address) {
    auto e = event;
    e["requestContext"].as_object()["http"].as_object()["sourceIp"] = address;
    return status(app, e);
  };
  EXPECT_EQ(with_address("2001:db8:1::7"), 200);
  EXPECT_EQ(with_address("2001:db9::7"), 403);
  EXPECT_EQ(with_address("198.51.100.20"), 200);
  EXPECT_EQ(with_address("::ffff:198.51.100.20"), 200);
  EXPECT_EQ(with_address("::ffff:198.51.101.20"), 403);
  EXPECT_EQ(with_address(""), 403);
  EXPECT_EQ(with_address("garbage"), 403);
}

// An SSM parameter through the secrets cache, with a scripted fetcher and a clock the test moves.
class FromParameter : public ::testing::Test {
 protected:
  std::shared_ptr<lift::security::SecretsProvider> provider() {
    lift::security::SecretsOptions options;
    options.ttl = std::chrono::seconds(60);
    options.refresh_ahead = std::chrono::seconds(0);
    options.clock = [this] { return now_; };
    return std::make_shared<lift::security::SecretsProvider>(
        nullptr,
        [this](std::string_view name, lift::security::SecretDeadline) -> lift::Result<std::string> {
          ++fetches_;
          if (name != "/partner/allowed-ips") return lift::Error{"Ssm.ParameterNotFound", "no such parameter", 400};
          if (fail_) return lift::Error{"Ssm.InternalServerError", "down", 500};
          return value_;
        },
        options);
  }
  json::object event(const char* address) {
    auto e = sample("apigw-http/go-apigw-v2-request-no-authorizer.json");
    if (!e.empty()) e["requestContext"].as_object()["http"].as_object()["sourceIp"] = address;
    return e;
  }
  void SetUp() override {
    if (sample("apigw-http/go-apigw-v2-request-no-authorizer.json").empty()) LIFT_SKIP_WITHOUT() << "sample events absent";
  }
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::time_point(std::chrono::hours(1));
  std::string value_ = "203.0.113.0/24,2001:db8::/32";
  bool fail_ = false;
  std::atomic<int> fetches_{0};
};

TEST_F(FromParameter, RangesAreReadAtStartUpAndRefreshedWithTheCache) {
  const auto app = guarded(ip_allow_list({.cidrs = {"198.51.100.7"}, .parameter = "/partner/allowed-ips", .parameters = provider()}).value());
  EXPECT_EQ(fetches_.load(), 1);
  EXPECT_EQ(status(app, event("203.0.113.5")), 200);
  EXPECT_EQ(status(app, event("2001:db8::5")), 200);
  EXPECT_EQ(status(app, event("198.51.100.7")), 200);  // configured ranges too
  EXPECT_EQ(status(app, event("192.0.2.5")), 403);
  EXPECT_EQ(fetches_.load(), 1);  // cached

  value_ = "192.0.2.0/24";
  EXPECT_EQ(status(app, event("192.0.2.5")), 403);  // not before the TTL runs out
  now_ += std::chrono::seconds(61);
  EXPECT_EQ(status(app, event("192.0.2.5")), 200);
  EXPECT_EQ(status(app, event("203.0.113.5")), 403);
  EXPECT_EQ(fetches_.load(), 2);
}

TEST_F(FromParameter, AMalformedValueOrAnOutageKeepsTheLastGoodList) {
  const auto app = guarded(ip_allow_list({.parameter = "/partner/allowed-ips", .parameters = provider()}).value());
  value_ = "203.0.113.0/24, not-a-range";
  now_ += std::chrono::seconds(61);
  EXPECT_EQ(status(app, event("203.0.113.5")), 200);  // the last good list
  fail_ = true;
  now_ += std::chrono::seconds(61);
  EXPECT_EQ(status(app, event("203.0.113.5")), 200);  // still the last good list
  // After a failed fetch, requests do not each wait for another one.
  const int fetched = fetches_.load();
  EXPECT_EQ(status(app, event("192.0.2.5")), 403);
  EXPECT_EQ(status(app, event("203.0.113.5")), 200);
  EXPECT_EQ(fetches_.load(), fetched);

  // At start-up: a malformed or unreadable parameter is a configuration error.
  fail_ = false;
  value_ = "nope";
  auto bad = ip_allow_list({.parameter = "/partner/allowed-ips", .parameters = provider()});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, lift::resilience::kInvalidConfiguration);
  EXPECT_NE(bad.error().message.find("\"nope\""), std::string::npos) << bad.error().message;
  auto missing = ip_allow_list({.parameter = "/other", .parameters = provider()});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no such parameter"), std::string::npos) << missing.error().message;
}

}  // namespace
