// examples/partner-api in-process, as API Gateway would invoke it, against local stand-ins for
// the kernel account: STS (a scripted fake that checks the AssumeRole call: the partner's
// signature, role ARN, external id, session name), the kernel's IAM-authorised API (a Node
// server that checks every request's SigV4 signature with the AWS SDK's own signer and the
// credentials STS handed out) and the kernel's table on the embedded engine
// (LIFT_DYNAMODB_ENDPOINT=memory:, set for this test by CMake).
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "integration/aws/fake_service.hpp"
#include "integration/aws/fake_sts.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/testing/invoke.hpp"
#include "partner_api.hpp"
#include "support/dynalite.hpp"
#include "support/requirements.hpp"
#include "support/scoped_env.hpp"

namespace {

using namespace std::chrono_literals;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::ScopedEnv;
using lift::testing_support::form_value;
using lift::testing_support::sts_error;
using lift::testing_support::SeenRequest;

constexpr const char* kRoleArn = "arn:aws:iam::111122223333:role/partner-api-kernel-access";

// STS as the kernel account's trust policy answers it: the partner's principal, the role and
// the external id it trusts, else AccessDenied.
FakeAnswer kernel_sts(const SeenRequest& request, bool deny) {
  const auto authorization = lift::testing_support::split_authorization(request.header("Authorization"));
  if (!authorization || authorization->access_key_id != "AKIDPARTNER" ||
      !lift::testing_support::check_signature(request, "partner-secret").empty())
    return sts_error(403, "AccessDenied", "not signed by the partner's function role");
  if (deny || form_value(request.body, "Action") != "AssumeRole" ||
      form_value(request.body, "RoleArn") != "arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fpartner-api-kernel-access" ||
      form_value(request.body, "ExternalId") != "partner-acme-7f3e")
    return sts_error(403, "AccessDenied", "User: arn:aws:sts::444455556666:assumed-role/partner-fn/x is not authorized to perform: sts:AssumeRole");
  return FakeAnswer{200,
                    "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAKERNEL</AccessKeyId><SecretAccessKey>"
                    "kernel-secret</SecretAccessKey><SessionToken>kernel-token</SessionToken><Expiration>2099-01-01T00:00:00Z"
                    "</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>",
                    "text/xml"};
}

// The Node kernel API (kernel_api_fake.mjs), expecting requests signed with `secret`.
class KernelApi {
 public:
  explicit KernelApi(const std::string& secret) {
    const std::string node = LIFT_TEST_NODE;
    const std::string script = std::string(LIFT_TEST_SOURCE_DIR) + "/examples/partner-api/tests/kernel_api_fake.mjs";
    if (node.empty() || !std::filesystem::exists(std::string(LIFT_TEST_SOURCE_DIR) + "/node_modules/@smithy/signature-v4")) {
      why_unavailable_ = "node or node_modules/@smithy/signature-v4 is missing (run scripts/setup)";
      return;
    }
    port_ = lift::testing_support::free_local_port();
    std::vector<std::string> argv{node, script, std::to_string(port_), "ASIAKERNEL", secret, "kernel-token", "eu-west-1", "prod"};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], nullptr, nullptr, args.data(), environ) != 0) pid_ = -1;
    for (const auto until = std::chrono::steady_clock::now() + 15s; pid_ > 0 && std::chrono::steady_clock::now() < until;) {
      if (lift::testing_support::accepts_connections(port_)) return;
      std::this_thread::sleep_for(20ms);
    }
    why_unavailable_ = "the kernel API fake did not start";
  }
  ~KernelApi() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  KernelApi(const KernelApi&) = delete;
  KernelApi& operator=(const KernelApi&) = delete;

  [[nodiscard]] bool available() const { return why_unavailable_.empty(); }
  [[nodiscard]] const std::string& why_unavailable() const { return why_unavailable_; }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/prod"; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string why_unavailable_;
};

// The partner function's environment: its own credentials, STS at the fake, the kernel's settings.
struct PartnerEnvironment {
  explicit PartnerEnvironment(const FakeService& sts, const std::string& api_url)
      : sts_endpoint("AWS_ENDPOINT_URL_STS", sts.endpoint()), api("KERNEL_API_URL", api_url) {}
  ScopedEnv key{"AWS_ACCESS_KEY_ID", "AKIDPARTNER"}, secret{"AWS_SECRET_ACCESS_KEY", "partner-secret"};
  ScopedEnv token{"AWS_SESSION_TOKEN", nullptr}, profile{"AWS_PROFILE", nullptr}, region{"AWS_REGION", "eu-west-1"};
  ScopedEnv config{"AWS_CONFIG_FILE", "/nonexistent/config"}, shared{"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"};
  ScopedEnv endpoint{"AWS_ENDPOINT_URL", nullptr};
  ScopedEnv sts_endpoint;
  ScopedEnv role{"KERNEL_ROLE_ARN", kRoleArn}, external_id{"KERNEL_EXTERNAL_ID", "partner-acme-7f3e"};
  ScopedEnv api;
  ScopedEnv kernel_region{"KERNEL_REGION", "eu-west-1"}, partner{"PARTNER_ID", "acme"};
};

// Kernel accounts, written as the kernel's own services would (the process's embedded engine).
void seed_kernel_accounts() {
  auto client = lift::aws::DynamoDbClient::create({.transport = lift::dynamorm::memory_transport()});
  ASSERT_TRUE(client) << client.error().message;
  for (const auto& [id, name] : {std::pair{"acct-1", "Acme GmbH"}, std::pair{"acct-2", "Acme Ltd"}}) {
    boost::json::object item{{"id", {{"S", id}}}, {"name", {{"S", name}}}, {"plan", {{"S", "gold"}}}, {"status", {{"S", "active"}}}};
    ASSERT_TRUE(client->put_item({{"TableName", "kernel-accounts"}, {"Item", item}}, std::chrono::steady_clock::now() + 5s));
  }
}

std::string error_code(const lift::testing::HttpResponse& response) {
  const auto body = response.json();
  if (!body.is_object() || !body.as_object().contains("error")) return "(not the error shape: " + response.body + ")";
  const auto& error = body.at("error");
  EXPECT_TRUE(error.as_object().contains("request_id")) << response.body;
  EXPECT_TRUE(error.as_object().contains("message")) << response.body;
  return std::string(error.at("code").as_string());
}

TEST(PartnerApi, ReadsAnAccountFromTheKernelTableAsTheAssumedRole) {
  FakeService sts([](const SeenRequest& request, int) { return kernel_sts(request, false); });
  PartnerEnvironment env(sts, "http://127.0.0.1:9/prod");
  auto app = partner_api::make_app();
  ASSERT_TRUE(app) << app.error().message;
  seed_kernel_accounts();

  auto found = lift::testing::http(*app).get("/accounts/acct-1");
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(found.json().at("name"), "Acme GmbH");
  EXPECT_EQ(found.json().at("plan"), "gold");
  auto missing = lift::testing::http(*app).get("/accounts/acct-404");
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(lift::testing::http(*app).get("/accounts/acct-2").status, 200);

  // One AssumeRole for every request (cached), with the session named after the partner.
  ASSERT_EQ(sts.requests(), 1);
  EXPECT_EQ(form_value(sts.seen()[0].body, "RoleSessionName"), "partner-api-acme");
}

TEST(PartnerApi, CallsTheKernelApiSignedAsTheAssumedRole) {
  KernelApi api("kernel-secret");
  if (!api.available()) LIFT_SKIP_WITHOUT() << api.why_unavailable();
  FakeService sts([](const SeenRequest& request, int) { return kernel_sts(request, false); });
  PartnerEnvironment env(sts, api.url());
  auto app = partner_api::make_app();
  ASSERT_TRUE(app) << app.error().message;

  auto balance = lift::testing::http(*app).get("/accounts/acct-1/balance");
  ASSERT_EQ(balance.status, 200) << balance.body;
  EXPECT_EQ(balance.json().at("amount"), "1250.40");
  EXPECT_EQ(balance.json().at("currency"), "EUR");
  auto unknown = lift::testing::http(*app).get("/accounts/acct-9/balance");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(error_code(unknown), "NotFound");
  EXPECT_EQ(lift::testing::http(*app).get("/accounts/acct-2/balance").json().at("amount"), "0.00");
  EXPECT_EQ(sts.requests(), 1);
}

TEST(PartnerApi, AKernelApiThatRefusesTheSignatureIs502KernelAccessDenied) {
  KernelApi api("another-secret");  // the API checks against other credentials: the signature does not hold
  if (!api.available()) LIFT_SKIP_WITHOUT() << api.why_unavailable();
  FakeService sts([](const SeenRequest& request, int) { return kernel_sts(request, false); });
  PartnerEnvironment env(sts, api.url());
  auto app = partner_api::make_app();
  ASSERT_TRUE(app) << app.error().message;
  auto refused = lift::testing::http(*app).get("/accounts/acct-1/balance");
  EXPECT_EQ(refused.status, 502) << refused.body;
  EXPECT_EQ(error_code(refused), "KernelAccessDenied");
  EXPECT_NE(refused.body.find("KernelApi.403"), std::string::npos) << refused.body;
}

TEST(PartnerApi, StsRefusingTheRoleIs502KernelAccessDeniedOnEveryRouteWithoutDetailsOfTheDeployment) {
  KernelApi api("kernel-secret");
  if (!api.available()) LIFT_SKIP_WITHOUT() << api.why_unavailable();
  FakeService sts([](const SeenRequest& request, int) { return kernel_sts(request, true); });
  PartnerEnvironment env(sts, api.url());
  auto app = partner_api::make_app();
  ASSERT_TRUE(app) << app.error().message;
  for (const char* route : {"/accounts/acct-1", "/accounts/acct-1/balance"}) {
    auto refused = lift::testing::http(*app).get(route);
    EXPECT_EQ(refused.status, 502) << route << ": " << refused.body;
    EXPECT_EQ(error_code(refused), "KernelAccessDenied") << route;
    EXPECT_NE(refused.body.find("STS.AccessDenied"), std::string::npos) << refused.body;
    EXPECT_EQ(refused.body.find("arn:aws"), std::string::npos) << "no ARN for the caller: " << refused.body;
  }
  EXPECT_GE(sts.requests(), 1);
}

TEST(PartnerApi, MissingOrBadConfigurationIsAnInitErrorNamingTheVariable) {
  FakeService sts([](const SeenRequest& request, int) { return kernel_sts(request, false); });
  PartnerEnvironment env(sts, "http://127.0.0.1:9/prod");
  {
    ScopedEnv unset("KERNEL_EXTERNAL_ID", nullptr);
    auto app = partner_api::make_app();
    ASSERT_FALSE(app);
    EXPECT_EQ(app.error().code, "InvalidConfiguration");
    EXPECT_NE(app.error().message.find("KERNEL_EXTERNAL_ID"), std::string::npos) << app.error().message;
  }
  {
    ScopedEnv bad("KERNEL_API_URL", "ftp://kernel.example.com");
    auto app = partner_api::make_app();
    ASSERT_FALSE(app);
    EXPECT_NE(app.error().message.find("KERNEL_API_URL"), std::string::npos) << app.error().message;
  }
  {
    ScopedEnv bad("KERNEL_ROLE_ARN", "kernel-reader");  // not an ARN: STS would refuse it
    auto app = partner_api::make_app();
    ASSERT_FALSE(app);
    EXPECT_EQ(app.error().code, "STS.InvalidParameterValue") << app.error().message;
  }
}

}  // namespace
