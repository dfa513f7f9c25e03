// deploy/pulumi: the LiftFunction component, the traffic shift's provider and the sample program
// compiled with the repository's TypeScript (into a temporary directory) and tested with Node's
// test runner under Pulumi's mocks (no Pulumi CLI, no engine, no AWS account), with the built
// `lift` CLI and examples: the tests package the examples with `lift package`, read their routes
// with `lift openapi`, and drive the provider against a CodeDeploy fake on 127.0.0.1. Fails (or
// skips, outside CI) when Node or the npm packages are missing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "support/requirements.hpp"
#include "support/scoped_env.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using lift::testing_support::run_command;
using lift::testing_support::ScopedEnv;
using namespace std::chrono_literals;

const fs::path kSource = LIFT_TEST_SOURCE_DIR;
const fs::path kModules = kSource / "node_modules";

#if defined(__aarch64__)
constexpr const char* kPulumiHostArch = "arm64";
#else
constexpr const char* kPulumiHostArch = "x86_64";
#endif

std::string pulumi_why_unavailable() {
  const std::string node = LIFT_TEST_NODE;
  if (node.empty() || !fs::exists(node)) return "node is missing";
  for (const char* package : {"typescript", "@types/node", "@pulumi/pulumi", "@pulumi/aws", "@aws-sdk/client-codedeploy",
                              "@aws-sdk/client-sts"})
    if (!fs::exists(kModules / package / "package.json"))
      return std::string("node_modules/") + package + " is missing (run scripts/setup)";
  return {};
}

// The number after "# NAME " in the test runner's TAP summary, or -1.
int tap_count(const std::string& out, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("# " + name + " (\\d+)"))) return -1;
  return std::stoi(m[1].str());
}

TEST(PulumiComponent, PassesItsTestsUnderPulumiMocks) {
  if (const auto why = pulumi_why_unavailable(); !why.empty()) LIFT_SKIP_WITHOUT() << why;
  const std::string node = LIFT_TEST_NODE;
  lift::testing_support::TempDir tmp("lift-pulumi");
  ASSERT_FALSE(tmp.path().empty());
  fs::create_directories(tmp.path() / "home");
  fs::create_directories(tmp.path() / "tmp");

  // Compiled out of the source tree; the type check is part of the test.
  const fs::path lib = tmp.path() / "lib";
  const auto compiled = run_command({node, (kModules / "typescript/bin/tsc").string(), "-p",
                                     (kSource / "deploy/pulumi/tsconfig.json").string(), "--outDir", lib.string()},
                                    {}, 150s);
  ASSERT_EQ(compiled.exit_code, 0) << compiled.out << compiled.err;

  std::vector<std::string> argv{node, "--test"};
  for (const auto& entry : fs::directory_iterator(lib / "test"))
    if (entry.path().filename().string().ends_with(".test.js")) argv.push_back(entry.path().string());
  std::sort(argv.begin() + 2, argv.end());
  ASSERT_GE(argv.size(), 5u) << "the component's test files were not compiled";

  ScopedEnv node_path("NODE_PATH", kModules.string().c_str());
  ScopedEnv home("HOME", (tmp.path() / "home").string().c_str());
  ScopedEnv tmpdir("TMPDIR", (tmp.path() / "tmp").string().c_str());  // lift package's zips
  ScopedEnv no_imds("AWS_EC2_METADATA_DISABLED", "true");
  ScopedEnv no_profile("AWS_PROFILE", nullptr);
  ScopedEnv no_config("PULUMI_CONFIG", nullptr);
  ScopedEnv source("LIFT_PULUMI_SOURCE", (kSource / "deploy/pulumi").string().c_str());
  ScopedEnv cli("LIFT_CLI", LIFT_CLI);
  ScopedEnv hello("LIFT_HELLO", LIFT_HELLO);
  ScopedEnv smoke_hook("LIFT_SMOKE_HOOK", LIFT_SMOKE_HOOK);
  ScopedEnv todo_api("LIFT_TODO_API", LIFT_TODO_API);
  ScopedEnv sqs_worker("LIFT_SQS_WORKER", LIFT_SQS_WORKER);
  ScopedEnv arch("LIFT_ARCH", kPulumiHostArch);
  ScopedEnv build_dir("LIFT_BUILD_DIR", nullptr);

  const auto tested = run_command(argv, {}, 200s);
  EXPECT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  EXPECT_EQ(tap_count(tested.out, "fail"), 0) << tested.out;
  // Every test ran: the runner counts them; none was skipped or left out.
  EXPECT_GE(tap_count(tested.out, "pass"), 13) << tested.out;
  EXPECT_EQ(tap_count(tested.out, "skipped"), 0) << tested.out;
  EXPECT_EQ(tap_count(tested.out, "cancelled"), 0) << tested.out;
}

}  // namespace
