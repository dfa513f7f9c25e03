// `lift dynamorm contract` as CI runs it: DynamORM's p0 contract scenarios against the embedded
// engine and against dynalite (npm, started on 127.0.0.1 on a free port; skipped when Node.js or
// node_modules/dynalite is missing), with exit codes and output lines checked. A scenario that
// must fail and bad input show the other exit codes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fake_kms.hpp"
#include "support/dynalite.hpp"
#include "support/scoped_env.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/requirements.hpp"

namespace {

using lift::testing_support::run_command;

const std::filesystem::path kContract = std::filesystem::path(LIFT_TESTDATA_DIR) / "dynamorm-contract";

std::vector<std::string> p0_scenarios() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(kContract / "scenarios" / "p0"))
    if (entry.path().extension() == ".yml") out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> contract_command(const std::string& endpoint, const std::vector<std::string>& scenarios) {
  std::vector<std::string> argv{LIFT_CLI, "dynamorm", "contract", "--dms", (kContract / "dms" / "v0.1" / "models").string(),
                                "--endpoint", endpoint};
  argv.insert(argv.end(), scenarios.begin(), scenarios.end());
  return argv;
}

// A scenario file in a fresh temporary directory, removed with the object.
class TempScenario {
 public:
  explicit TempScenario(const std::string& text) { std::ofstream(dir_ / "scenario.yml") << text; }
  [[nodiscard]] std::string path() const { return (dir_ / "scenario.yml").string(); }

 private:
  lift::testing_support::TempDir dir_{"lift-contract"};
};

std::size_t count_lines_starting(const std::string& text, const std::string& prefix) {
  std::size_t n = 0;
  for (std::size_t at = 0; at < text.size();) {
    const auto end = text.find('\n', at);
    if (text.compare(at, prefix.size(), prefix) == 0) ++n;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return n;
}

constexpr const char* kFailing = R"(name: "lift.deliberately_failing"
dms_version: "0.1"
model: "User"
table:
  name: "users_contract"
steps:
  - op: create
    item: { PK: "USER#F", SK: "PROFILE", nickname: "Fay" }
  - op: get
    key: { PK: "USER#F", SK: "PROFILE" }
    expect:
      item_contains: { nickname: "Someone else" }
)";

class Contract : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() { dynalite_.reset(); }

  void SetUp() override {
    if (!std::filesystem::exists(kContract)) LIFT_SKIP_WITHOUT() << "contract fixtures absent (" << kContract << ")";
    if (GetParam() == "memory") {
      endpoint_ = "memory:";
      return;
    }
    if (!dynalite_) dynalite_ = std::make_unique<lift::testing_support::Dynalite>(LIFT_TEST_NODE, LIFT_TEST_SOURCE_DIR);
    if (!dynalite_->available()) LIFT_SKIP_WITHOUT() << "dynalite: " << dynalite_->why_unavailable();
    endpoint_ = dynalite_->endpoint();
  }

  static inline std::unique_ptr<lift::testing_support::Dynalite> dynalite_;
  std::string endpoint_;
};

TEST_P(Contract, TheP0ScenariosPass) {
  const auto scenarios = p0_scenarios();
  ASSERT_GE(scenarios.size(), 3u);
  const auto r = run_command(contract_command(endpoint_, scenarios));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count_lines_starting(r.out, "FAIL "), 0u) << r.out;
  EXPECT_NE(r.out.find("PASS p0.crud.basic step 1 create\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS p0.crud.basic step 4 update\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS p0.encoding.omitempty step 2 get\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS p0.lifecycle.ttl_epoch_seconds step 2 get\n"), std::string::npos) << r.out;
  const auto passed = count_lines_starting(r.out, "PASS ");
  EXPECT_EQ(passed, 11u) << r.out;  // 7 + 2 + 2 steps
  EXPECT_NE(r.out.find(std::to_string(passed) + " passed, 0 failed\n"), std::string::npos) << r.out;
  // Scenario 01 deletes what it creates, so it passes again on the same table.
  const auto again = run_command(contract_command(endpoint_, {scenarios[0]}));
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

TEST_P(Contract, AFailingStepFailsTheRun) {
  TempScenario failing(kFailing);
  const auto r = run_command(contract_command(endpoint_, {failing.path()}));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS lift.deliberately_failing step 1 create\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(R"(FAIL lift.deliberately_failing step 2 get: item_contains: nickname is {"S":"Fay"}, expected {"S":"Someone else"})"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 passed, 1 failed\n"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, Contract, ::testing::Values("memory", "dynalite"),
                         [](const auto& info) { return std::string(info.param); });

TEST(ContractInput, BadInputExitsTwoWithAClearMessage) {
  if (!std::filesystem::exists(kContract)) LIFT_SKIP_WITHOUT() << "contract fixtures absent";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"name: x\nmodel: Nobody\nsteps: [{op: get, key: {PK: a}}]\n", "scenario.yml:2: model: unknown model \"Nobody\""},
      {"name: x\nmodel: User\nsteps:\n  - op: teleport\n", "scenario.yml:4: steps[0].op: unknown op \"teleport\""},
      {"name: x\nmodel: User\nsteps: [\n", "scenario.yml"},
  };
  for (const auto& [text, expected] : cases) {
    TempScenario bad(text);
    const auto r = run_command(contract_command("memory:", {bad.path()}));
    EXPECT_EQ(r.exit_code, 2) << text << r.out << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << "nothing runs on bad input";
  }
  // A DMS directory with no models, and a missing scenario file.
  const auto missing = run_command({LIFT_CLI, "dynamorm", "contract", "--dms", (kContract / "scenarios").string(), "x.yml"});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  const auto no_file = run_command(contract_command("memory:", {"/nonexistent/scenario.yml"}));
  EXPECT_EQ(no_file.exit_code, 2) << no_file.err;
  EXPECT_NE(no_file.err.find("cannot read"), std::string::npos) << no_file.err;
}

TEST(Codegen, WritesAHeaderOrRefusesABadDocument) {
  if (!std::filesystem::exists(kContract)) LIFT_SKIP_WITHOUT() << "contract fixtures absent";
  const auto r = run_command({LIFT_CLI, "dynamorm", "codegen", (kContract / "dms" / "v0.1" / "models" / "order.yml").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("struct Order {"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("inline lift::dynamorm::Model<Order> order_model(std::string table = \"orders_contract\")"), std::string::npos);
  TempScenario bad("dms_version: \"0.1\"\nmodels:\n  - name: X\n");
  const auto refused = run_command({LIFT_CLI, "dynamorm", "codegen", bad.path()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("scenario.yml:3: models[0] (X).table: required"), std::string::npos) << refused.err;
}

}  // namespace

namespace {

// A DMS model with an encrypted attribute, and scenarios over it.
constexpr const char* kPatientDms = R"(dms_version: "0.1"
namespace: "lift.contract"
models:
  - name: "Patient"
    table:
      name: "patients_contract"
    keys:
      partition: { attribute: "PK", type: "S" }
    attributes:
      - attribute: "PK"
        type: "S"
        required: true
        roles: ["pk"]
      - attribute: "ward"
        type: "S"
        optional: true
      - attribute: "diagnosis"
        type: "S"
        optional: true
        encryption: { kms: "alias/patients" }
)";

constexpr const char* kSealedRoundTrip = R"(name: lift.encrypted_round_trip
model: Patient
steps:
  - op: put
    item: { PK: "p-1", ward: "east", diagnosis: "influenza" }
  - op: get
    key: { PK: "p-1" }
    expect:
      item_contains: { ward: "east", diagnosis: "influenza" }
      raw_attribute_types: { ward: "S", diagnosis: "M" }
)";

constexpr const char* kFailsClosed = R"(name: lift.encryption_not_configured
model: Patient
steps:
  - op: put
    item: { PK: "p-2", diagnosis: "influenza" }
    expect: { error: ErrEncryptionNotConfigured }
)";

class EncryptedContract : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_ / "patient.yml") << kPatientDms;
    std::ofstream(dir_ / "round_trip.yml") << kSealedRoundTrip;
    std::ofstream(dir_ / "fails_closed.yml") << kFailsClosed;
    std::ofstream(dir_ / "master.key") << "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n";  // 32 bytes, base64
  }
  [[nodiscard]] std::vector<std::string> command(const std::string& scenario, std::optional<std::string> key_provider) const {
    std::vector<std::string> argv{LIFT_CLI, "dynamorm", "contract", "--dms", (dir_ / "patient.yml").string(), "--endpoint", "memory:"};
    if (key_provider) argv.insert(argv.end(), {"--key-provider", *key_provider});
    argv.push_back((dir_ / scenario).string());
    return argv;
  }
  lift::testing_support::TempDir dir_{"lift-contract-encrypted"};
};

TEST_F(EncryptedContract, AKeyProviderSealsEncryptedAttributesAndTheirRawTypeIsTheEnvelope) {
  const auto from_file = run_command(command("round_trip.yml", "local-file:" + (dir_ / "master.key").string()));
  EXPECT_EQ(from_file.exit_code, 0) << from_file.out << from_file.err;
  EXPECT_NE(from_file.out.find("2 passed, 0 failed\n"), std::string::npos) << from_file.out;

  ::setenv("LIFT_CONTRACT_TEST_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", 1);
  const auto from_env = run_command(command("round_trip.yml", "local-env:LIFT_CONTRACT_TEST_KEY"));
  ::unsetenv("LIFT_CONTRACT_TEST_KEY");
  EXPECT_EQ(from_env.exit_code, 0) << from_env.out << from_env.err;
}

TEST_F(EncryptedContract, WithoutAKeyProviderEncryptedAttributesFailClosedAndTheRunSaysWhy) {
  const auto expected = run_command(command("fails_closed.yml", std::nullopt));
  EXPECT_EQ(expected.exit_code, 0) << expected.out << expected.err;
  EXPECT_NE(expected.err.find("no --key-provider"), std::string::npos) << expected.err;
  EXPECT_NE(expected.err.find("Patient.diagnosis"), std::string::npos) << expected.err;

  const auto round_trip = run_command(command("round_trip.yml", std::nullopt));
  EXPECT_EQ(round_trip.exit_code, 1) << round_trip.out;
  EXPECT_NE(round_trip.out.find("FAIL lift.encrypted_round_trip step 1 put: expected ok, got ErrEncryptionNotConfigured"),
            std::string::npos)
      << round_trip.out;
}

TEST_F(EncryptedContract, AnUnusableKeyProviderExitsTwoBeforeAnythingRuns) {
  std::ofstream(dir_ / "short.key") << "c2hvcnQ=\n";
  for (const std::string& spec : std::vector<std::string>{"nope", "vault:x", "local-env:LIFT_CONTRACT_NO_SUCH_VARIABLE", "local-file:/nonexistent/key",
                                 "local-file:" + (dir_ / "short.key").string(), "kms:"}) {
    const auto r = run_command(command("round_trip.yml", spec));
    EXPECT_EQ(r.exit_code, 2) << spec << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("--key-provider"), std::string::npos) << spec << ": " << r.err;
    EXPECT_EQ(r.out, "") << "nothing runs on bad input";
  }
}

TEST_F(EncryptedContract, KmsKeyProviderTakesItsDataKeysFromKmsUnderTheAttributesContext) {
  lift::testing_support::FakeKms kms;
  lift::testing_support::ScopedEnv endpoint("AWS_ENDPOINT_URL_KMS", kms.endpoint()), region("AWS_REGION", "us-east-1");
  lift::testing_support::ScopedEnv key("AWS_ACCESS_KEY_ID", "AKIDCONTRACT"), secret("AWS_SECRET_ACCESS_KEY", "contract-secret");
  lift::testing_support::ScopedEnv token("AWS_SESSION_TOKEN", nullptr), profile("AWS_PROFILE", nullptr);
  const auto r = run_command(command("round_trip.yml", "kms:alias/patients"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 passed, 0 failed\n"), std::string::npos) << r.out;
  EXPECT_EQ(kms.key_ids(), std::vector<std::string>{"alias/patients"}) << "one data key for the one encrypted attribute written";
  EXPECT_EQ(kms.decrypts(), 1) << "the get opens the envelope; the raw read of it does not";
}

}  // namespace
