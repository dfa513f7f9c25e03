// A DynamORM table in another account (lift/dynamorm/accounts.hpp): its requests are signed with
// the credentials STS gave for the assumed role, the function's own tables keep the function's
// credentials. STS is a scripted fake that checks the AssumeRole call; DynamoDB is a fake
// endpoint on 127.0.0.1 that checks every request's SigV4 signature against the secret of the
// access key it names and answers from the embedded engine.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <boost/describe.hpp>
#include <boost/json/parse.hpp>

#include "integration/aws/fake_service.hpp"
#include "integration/aws/fake_sts.hpp"
#include "lift/aws/sts.hpp"
#include "lift/dynamorm/accounts.hpp"
#include "lift/dynamorm/errors.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/core/env.hpp"
#include "support/readme_example.hpp"
#include "support/scoped_env.hpp"

namespace account_table_it {
struct Customer {
  std::string id{};
  std::string name{};
  std::string plan{};
};
BOOST_DESCRIBE_STRUCT(Customer, (), (id, name, plan))
}  // namespace account_table_it

namespace {

using namespace lift::testing_support;
using namespace std::chrono_literals;
using account_table_it::Customer;
using lift::dynamorm::Model;
using lift::testing_support::readme_example_problem;
using lift::testing_support::ScopedEnv;
using lift::testing_support::form_value;
using lift::testing_support::sts_credentials;
using lift::dynamorm::Table;

constexpr std::string_view kKernelRole = "arn:aws:iam::111122223333:role/kernel-reader";

// What the DynamoDB fake saw: per request, the table, the access key and whether the signature held.
struct SignedCall {
  std::string table, access_key_id, signature_problem;
};

class SignatureCheckingDynamoDb {
 public:
  explicit SignatureCheckingDynamoDb(std::map<std::string, std::string> secrets) : secrets_(std::move(secrets)) {}

  [[nodiscard]] std::string endpoint() const { return service_.endpoint(); }
  [[nodiscard]] std::vector<SignedCall> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  FakeAnswer answer(const SeenRequest& request) {
    const auto parts = split_authorization(request.header("Authorization"));
    SignedCall call{std::string(boost::json::parse(request.body).as_object().at("TableName").as_string()),
                    parts ? parts->access_key_id : "", "unknown access key"};
    if (const auto secret = secrets_.find(call.access_key_id); secret != secrets_.end())
      call.signature_problem = check_signature(request, secret->second);
    {
      std::lock_guard lock(mutex_);
      calls_.push_back(call);
    }
    if (!call.signature_problem.empty())
      return FakeAnswer{400, R"({"__type":"com.amazon.coral.service#InvalidSignatureException","message":"bad signature"})",
                        "application/x-amz-json-1.0"};
    const std::string target = request.header("X-Amz-Target");
    auto [status, body] = engine_transport_(target.substr(target.find('.') + 1), request.body);
    return FakeAnswer{static_cast<unsigned>(status), std::move(body), "application/x-amz-json-1.0"};
  }

  std::map<std::string, std::string> secrets_;
  lift::dynamorm::MemoryEngine engine_;
  lift::aws::DynamoDbTransport engine_transport_ = lift::dynamorm::memory_transport(engine_);
  mutable std::mutex mutex_;
  std::vector<SignedCall> calls_;
  FakeService service_{[this](const SeenRequest& request, int) { return answer(request); }};
};

TEST(AccountTable, RequestsToTheOtherAccountAreSignedAsTheAssumedRoleAndOwnTablesAsTheFunction) {
  FakeService sts([](const SeenRequest& request, int number) {
    return sts_credentials("AssumeRole", "ASIAKERNEL" + std::to_string(number) + form_value(request.body, "ExternalId"));
  });
  SignatureCheckingDynamoDb dynamodb({{"AKIDOWN", "own-secret"}, {"ASIAKERNEL1partner-42", "secret-ASIAKERNEL1partner-42"}});

  lift::aws::DynamoDbOptions own_options = options_for<lift::aws::DynamoDbOptions>(dynamodb.endpoint());
  own_options.credentials = fixed_credentials("AKIDOWN", "own-secret");
  auto own_client = lift::aws::DynamoDbClient::create(own_options);
  ASSERT_TRUE(own_client) << own_client.error().message;

  lift::aws::AccountsOptions options;
  options.sts = options_for<lift::aws::StsOptions>(sts.endpoint());
  options.dynamodb = options_for<lift::aws::DynamoDbOptions>(dynamodb.endpoint());
  options.dynamodb.credentials = nullptr;  // the role's, set by Accounts
  options.max_roles = 1;
  lift::aws::Accounts accounts(std::move(options));
  const lift::aws::AccountRole kernel{.role_arn = std::string(kKernelRole), .external_id = "partner-42", .session_name = "partner-api"};

  const auto model = Model<Customer>("kernel-customers").partition_key(&Customer::id, "PK");
  auto customers = lift::dynamorm::account_table(accounts, kernel, model);
  ASSERT_TRUE(customers) << customers.error().message;
  Table<Customer> own(*own_client, Model<Customer>("partner-customers").partition_key(&Customer::id, "PK"));

  ASSERT_TRUE(customers->create_table());
  ASSERT_TRUE(own.create_table());
  ASSERT_TRUE(customers->put(Customer{"c-1", "Ada", "gold"}));
  ASSERT_TRUE(own.put(Customer{"c-1", "Ada (partner copy)", "none"}));
  auto read = customers->get("c-1");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->name, "Ada");
  EXPECT_EQ(own.get("c-1")->name, "Ada (partner copy)") << "two accounts, two tables";

  // One AssumeRole, with the role, the external id and the session name asked for.
  ASSERT_EQ(sts.requests(), 1);
  const auto assume = sts.seen().at(0).body;
  EXPECT_NE(assume.find("Action=AssumeRole"), std::string::npos) << assume;
  EXPECT_EQ(form_value(assume, "ExternalId"), "partner-42");
  EXPECT_EQ(form_value(assume, "RoleSessionName"), "partner-api");
  EXPECT_NE(assume.find("RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fkernel-reader"), std::string::npos) << assume;

  int kernel_calls = 0, own_calls = 0;
  for (const auto& call : dynamodb.calls()) {
    EXPECT_EQ(call.signature_problem, "") << call.table;
    if (call.table == "kernel-customers") {
      ++kernel_calls;
      EXPECT_EQ(call.access_key_id, "ASIAKERNEL1partner-42");
    } else {
      ++own_calls;
      EXPECT_EQ(call.access_key_id, "AKIDOWN");
    }
  }
  EXPECT_GE(kernel_calls, 3);  // creating the table, PutItem, GetItem
  EXPECT_EQ(own_calls, kernel_calls);

  // The cache keeps one role: another role drops the kernel's entry, and the table still works
  // on the client it shares.
  ASSERT_TRUE(accounts.credentials({.role_arn = "arn:aws:iam::444455556666:role/other"}));
  EXPECT_EQ(accounts.size(), 1u);
  EXPECT_EQ(customers->get("c-1")->plan, "gold");
}

// A role STS refuses is the function's fault, not its caller's: the table answers as it does for
// refused credentials (DynamORM.ServerFault, 500, a generic message; errors.hpp) and logs STS's
// code; the typed STS error is the Accounts' to give.
TEST(AccountTable, AccessDeniedByStsIsAServerFaultLoggedWithStsCodeAndNothingIsSent) {
  FakeService sts([](const SeenRequest&, int) {
    return FakeAnswer{403,
                      "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to "
                      "perform: sts:AssumeRole</Message></Error></ErrorResponse>",
                      "text/xml"};
  });
  SignatureCheckingDynamoDb dynamodb({});
  lift::aws::AccountsOptions options;
  options.sts = options_for<lift::aws::StsOptions>(sts.endpoint());
  options.dynamodb = options_for<lift::aws::DynamoDbOptions>(dynamodb.endpoint());
  options.dynamodb.credentials = nullptr;
  lift::aws::Accounts accounts(std::move(options));
  auto customers = lift::dynamorm::account_table(accounts, {.role_arn = std::string(kKernelRole), .external_id = "wrong"},
                                                 Model<Customer>("kernel-customers").partition_key(&Customer::id, "PK"));
  ASSERT_TRUE(customers) << "the role is assumed at the first request";
  ::testing::internal::CaptureStderr();
  auto read = customers->get("c-1");
  const std::string logged = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, lift::dynamorm::kServerFault);
  EXPECT_EQ(read.error().status, 500);
  EXPECT_EQ(read.error().message.find("sts:AssumeRole"), std::string::npos) << "no deployment detail for the caller";
  EXPECT_NE(logged.find(R"("error_code":"STS.AccessDenied")"), std::string::npos) << logged;
  EXPECT_NE(logged.find(R"("table":"kernel-customers")"), std::string::npos) << logged;
  EXPECT_TRUE(dynamodb.calls().empty());
  auto credentials = accounts.current_credentials({.role_arn = std::string(kKernelRole), .external_id = "wrong"});
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, lift::aws::kStsAccessDenied);
  EXPECT_EQ(credentials.error().status, 403);

  auto refused = lift::dynamorm::account_table(accounts, {.role_arn = "kernel-reader"},
                                               Model<Customer>("kernel-customers").partition_key(&Customer::id, "PK"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, lift::aws::kStsInvalidParameter);
}

// The README's example (STS and other accounts), compiled and run here against the fakes it
// reaches through the standard endpoint settings.
lift::Result<std::string> readme_kernel_customer_plan(const std::string& id) {
  using account_table_it::Customer;
// README begin
static lift::aws::Accounts accounts;  // thread-safe: one for every worker
const lift::aws::AccountRole kernel{.role_arn = lift::env_or("KERNEL_ROLE_ARN", ""),
                                    .external_id = lift::env_or("KERNEL_EXTERNAL_ID", "")};
LIFT_TRY(customers, lift::dynamorm::account_table(accounts, kernel,
                                                  lift::dynamorm::Model<Customer>("kernel-customers").partition_key(&Customer::id)));
auto found = customers.get(id);  // GetItem in the kernel account, signed as the role
// README end
  if (!found) return std::move(found).error();
  return found->plan;
}

TEST(AccountTable, TheReadmeExampleReadsAKernelTableAsTheRole) {
  EXPECT_EQ(readme_example_problem("tests/integration/dynamorm/account_table_test.cpp"), "");
  FakeService sts([](const SeenRequest& request, int) {
    return sts_credentials("AssumeRole", "ASIAREADME" + form_value(request.body, "ExternalId"));
  });
  SignatureCheckingDynamoDb dynamodb({{"AKIDFUNCTION", "function-secret"}, {"ASIAREADMEpartner-42", "secret-ASIAREADMEpartner-42"}});
  ScopedEnv key("AWS_ACCESS_KEY_ID", "AKIDFUNCTION"), secret("AWS_SECRET_ACCESS_KEY", "function-secret"), token("AWS_SESSION_TOKEN", nullptr);
  ScopedEnv profile("AWS_PROFILE", nullptr), config("AWS_CONFIG_FILE", "/nonexistent/config"), region("AWS_REGION", "eu-west-1");
  ScopedEnv sts_endpoint("AWS_ENDPOINT_URL_STS", sts.endpoint()), dynamodb_endpoint("LIFT_DYNAMODB_ENDPOINT", dynamodb.endpoint());
  ScopedEnv role("KERNEL_ROLE_ARN", std::string(kKernelRole)), external_id("KERNEL_EXTERNAL_ID", "partner-42");
  ScopedEnv no_proxy("NO_PROXY", "*");

  lift::aws::AccountsOptions options;
  options.sts = options_for<lift::aws::StsOptions>(sts.endpoint());
  options.dynamodb = options_for<lift::aws::DynamoDbOptions>(dynamodb.endpoint());
  options.dynamodb.credentials = nullptr;
  lift::aws::Accounts seeding(std::move(options));
  auto table = lift::dynamorm::account_table(seeding, {.role_arn = std::string(kKernelRole), .external_id = "partner-42"},
                                             Model<Customer>("kernel-customers").partition_key(&Customer::id));
  ASSERT_TRUE(table);
  ASSERT_TRUE(table->create_table());
  ASSERT_TRUE(table->put(Customer{"c-7", "Grace", "platinum"}));

  auto plan = readme_kernel_customer_plan("c-7");
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(*plan, "platinum");
  for (const auto& call : dynamodb.calls()) {
    EXPECT_EQ(call.signature_problem, "");
    EXPECT_EQ(call.access_key_id, "ASIAREADMEpartner-42");
  }
}

}  // namespace
