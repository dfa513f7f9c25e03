// `lift dynamorm contract` as CI runs it: DynamORM's p0 contract scenarios against the embedded
// engine and against dynalite (npm, started on 127.0.0.1 on a free port; skipped when Node.js or
// node_modules/dynalite is missing), with exit codes and output lines checked. A scenario that
// must fail and bad input show the other exit codes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "support/dynalite.hpp"
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
