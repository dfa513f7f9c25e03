// hello and todo-api cross-compiled for arm64 (Graviton): `lift package --arch arm64` and `lift
// doctor` read the arm64 binaries (checked against binutils' readelf, an independent reader), and
// under qemu-aarch64, through `lift invoke`'s Runtime API emulator, each answers the same events
// as its x86_64 build, answer for answer.

#include <gtest/gtest.h>

#include <elf.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "lift/core/env.hpp"
#include "lift/core/find_executable.hpp"
#include "support/json.hpp"
#include "support/requirements.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using lift::testing_support::json_of;
using lift::testing_support::run_command;
using ScratchDir = lift::testing_support::TempDir;

constexpr auto kEmulatedTimeout = std::chrono::seconds(120);

fs::path arm64_build_dir() {
  const char* configured = std::getenv("LIFT_ARM64_BUILD_DIR");
  return configured != nullptr && *configured != '\0' ? fs::path(configured) : fs::path(LIFT_ARM64_DEFAULT_BUILD_DIR);
}

fs::path arm64_function(const std::string& name) { return arm64_build_dir() / "bin" / "examples" / name; }

// An executable of that name in PATH (posix_spawn does not search it).
std::optional<fs::path> in_path(const std::string& program) {
  auto found = lift::find_executable(program, lift::env_or("PATH", "/usr/bin:/bin"));
  if (!found) return std::nullopt;
  return fs::path(*found);
}

bool have_qemu() { return in_path("qemu-aarch64") || in_path("qemu-aarch64-static"); }

std::string why_no_arm64_build(const std::string& name) {
  return arm64_function(name).string() + " is not built: make build-arm64 (or set LIFT_ARM64_BUILD_DIR to a build " +
         "directory configured with cmake/toolchains/aarch64-linux-gnu.cmake)";
}

// What differs between two runs of the same function on any machine: ids (UUIDs), times,
// request ids and cursors signed with a per-process key. Bodies that are JSON are compared as
// JSON, normalised the same way.
const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
const std::regex kTime("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})");

void normalize(json::value& value) {
  if (value.is_object()) {
    for (auto& [key, member] : value.as_object()) {
      if (key == "next_cursor" && member.is_string()) member = "<cursor>";
      else normalize(member);
    }
  } else if (value.is_array()) {
    for (auto& element : value.as_array()) normalize(element);
  } else if (value.is_string()) {
    std::string text(value.as_string());
    json::error_code ec;
    auto inner = json::parse(text, ec);
    if (!ec && (inner.is_object() || inner.is_array())) {
      normalize(inner);
      value = json::serialize(inner);
      return;
    }
    text = std::regex_replace(text, kUuid, "<uuid>");
    value = std::regex_replace(text, kTime, "<time>");
  }
}

std::string normalized(const std::string& payload) {
  auto value = json_of(payload);
  normalize(value);
  return json::serialize(value);
}

std::string generated_event(const std::vector<std::string>& arguments) {
  std::vector<std::string> command{LIFT_CLI, "events", "generate", "apigw-http"};
  command.insert(command.end(), arguments.begin(), arguments.end());
  auto generated = run_command(command);
  EXPECT_EQ(generated.exit_code, 0) << generated.err;
  return generated.out;
}

// Invokes the x86_64 and the arm64 build with the same event and environment and expects the
// same answer; returns the x86_64 answer for the caller's own checks.
std::string expect_same_answer(const std::string& name, const std::string& x86_64, const std::string& event,
                               const std::vector<std::string>& environment = {}) {
  std::vector<std::string> common{"--timeout", "60"};
  for (const auto& assignment : environment) common.insert(common.end(), {"--env", assignment});
  std::vector<std::string> native{LIFT_CLI, "invoke", x86_64};
  native.insert(native.end(), common.begin(), common.end());
  std::vector<std::string> emulated{LIFT_CLI, "invoke", arm64_function(name).string()};
  emulated.insert(emulated.end(), common.begin(), common.end());

  const auto expected = run_command(native, event);
  const auto actual = run_command(emulated, event, kEmulatedTimeout);
  EXPECT_EQ(actual.exit_code, expected.exit_code) << actual.err;
#if !defined(__aarch64__)
  EXPECT_NE(actual.err.find("is built for arm64; running it under "), std::string::npos) << actual.err;
#endif
  EXPECT_NE(actual.err.find("REPORT RequestId: "), std::string::npos) << actual.err;
  EXPECT_EQ(normalized(actual.out), normalized(expected.out)) << "event: " << event;
  return expected.out;
}

int status_of(const std::string& answer) {
  const auto value = json_of(answer);
  return value.is_object() && value.as_object().contains("statusCode") ? static_cast<int>(value.at("statusCode").to_number<int>()) : -1;
}

TEST(Arm64Functions, PackageAndDoctorReadTheArm64Builds) {
  for (const std::string name : {"hello", "todo-api"}) {
    SCOPED_TRACE(name);
    const auto function = arm64_function(name);
    if (!fs::exists(function)) LIFT_SKIP_WITHOUT() << why_no_arm64_build(name);
    ScratchDir dir;
    const auto zip = dir / (name + ".zip");
    auto packaged = run_command({LIFT_CLI, "package", function.string(), "--arch", "arm64", "-o", zip.string()});
    ASSERT_EQ(packaged.exit_code, 0) << packaged.err;
    EXPECT_NE(packaged.out.find("bootstrap for arm64"), std::string::npos) << packaged.out;

    auto wrong = run_command({LIFT_CLI, "package", function.string(), "--arch", "x86_64", "-o", (dir / "wrong.zip").string()});
    EXPECT_EQ(wrong.exit_code, 2);
    EXPECT_NE(wrong.err.find("is built for arm64, not x86_64"), std::string::npos) << wrong.err;
    EXPECT_FALSE(fs::exists(dir / "wrong.zip"));

    auto report = run_command({LIFT_CLI, "doctor", "--arch", "arm64", "--no-start", zip.string()});
    EXPECT_EQ(report.exit_code, 0) << report.out;
    EXPECT_NE(report.out.find("ok       executable: ELF 64-bit arm64, stripped"), std::string::npos) << report.out;
    EXPECT_NE(report.out.find("ok       loader: /lib/ld-linux-aarch64.so.1"), std::string::npos) << report.out;
    EXPECT_NE(report.out.find("ok       shared libraries: only glibc's"), std::string::npos) << report.out;
    EXPECT_NE(report.out.find("ok       glibc: needs at most"), std::string::npos) << report.out;

    // Deployed as x86_64, Lambda could not start it: doctor says so.
    auto mismatch = run_command({LIFT_CLI, "doctor", "--arch", "x86_64", "--no-start", zip.string()});
    EXPECT_EQ(mismatch.exit_code, 1) << mismatch.out;
    EXPECT_NE(mismatch.out.find("but the function is deployed as x86_64"), std::string::npos) << mismatch.out;

    // An executable for a machine Lambda does not run (this one with RISC-V's e_machine).
    std::ifstream in(function, std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::uint16_t riscv = EM_RISCV;
    std::memcpy(bytes.data() + offsetof(Elf64_Ehdr, e_machine), &riscv, sizeof riscv);
    std::ofstream(dir / "riscv", std::ios::binary) << bytes;
    fs::permissions(dir / "riscv", fs::perms::owner_all);
    auto foreign = run_command({LIFT_CLI, "doctor", (dir / "riscv").string()});
    EXPECT_EQ(foreign.exit_code, 1) << foreign.out;
    EXPECT_NE(foreign.out.find("Lambda runs x86_64 and arm64 functions only"), std::string::npos) << foreign.out;

    // binutils' readelf, an independent reader, agrees: an AArch64 executable needing glibc
    // 2.34 at most (provided.al2023's) and no library but glibc's.
    const auto readelf = in_path("readelf");
    if (!readelf) LIFT_SKIP_WITHOUT() << "readelf (binutils) is not in PATH";
    auto header = run_command({readelf->string(), "--file-header", "--dynamic", "--version-info", "--wide", function.string()});
    ASSERT_EQ(header.exit_code, 0) << header.err;
    EXPECT_NE(header.out.find("AArch64"), std::string::npos) << header.out.substr(0, 2000);
    const std::regex glibc("GLIBC_2\\.([0-9]+)");
    int newest = 0;
    for (std::sregex_iterator it(header.out.begin(), header.out.end(), glibc), end; it != end; ++it) {
      newest = std::max(newest, std::stoi((*it)[1].str()));
    }
    EXPECT_GT(newest, 0) << "no GLIBC_ versions in readelf's output";
    EXPECT_LE(newest, 34) << "needs GLIBC_2." << newest;
    const std::regex needed("\\(NEEDED\\)[^\\[]*\\[([^\\]]+)\\]");
    for (std::sregex_iterator it(header.out.begin(), header.out.end(), needed), end; it != end; ++it) {
      const auto library = (*it)[1].str();
      EXPECT_TRUE(library == "libc.so.6" || library == "libm.so.6" || library == "ld-linux-aarch64.so.1") << library;
    }
  }
}

TEST(Arm64Functions, DoctorStartsTheArm64ZipUnderQemu) {
  if (!fs::exists(arm64_function("todo-api"))) LIFT_SKIP_WITHOUT() << why_no_arm64_build("todo-api");
  if (!have_qemu()) LIFT_SKIP_WITHOUT() << "qemu-aarch64 is not installed (Debian: apt install qemu-user)";
  ScratchDir dir;
  const auto zip = dir / "todo-api.zip";
  ASSERT_EQ(run_command({LIFT_CLI, "package", arm64_function("todo-api").string(), "-o", zip.string()}).exit_code, 0);
  auto report = run_command({LIFT_CLI, "doctor", "--arch", "arm64", zip.string()}, {}, kEmulatedTimeout);
  EXPECT_EQ(report.exit_code, 0) << report.out << report.err;
  // The stripped bootstrap, unpacked from the zip, served an invocation under the emulator.
  EXPECT_NE(report.out.find("ok       start: init (exec to first /next) "), std::string::npos) << report.out;
#if !defined(__aarch64__)
  EXPECT_NE(report.out.find("(emulated under qemu-aarch64"), std::string::npos) << report.out;
#endif
}

TEST(Arm64Functions, HelloAnswersAsItsX86Build) {
  if (!fs::exists(arm64_function("hello"))) LIFT_SKIP_WITHOUT() << why_no_arm64_build("hello");
  if (!have_qemu()) LIFT_SKIP_WITHOUT() << "qemu-aarch64 is not installed (Debian: apt install qemu-user)";
  EXPECT_EQ(status_of(expect_same_answer("hello", LIFT_HELLO, generated_event({"--path", "/hello", "--query", "name=graviton"}))), 200);
  EXPECT_EQ(status_of(expect_same_answer("hello", LIFT_HELLO, generated_event({"--path", "/nope"}))), 404);
  EXPECT_EQ(status_of(expect_same_answer("hello", LIFT_HELLO, generated_event({"--method", "POST", "--path", "/hello"}))), 405);
  // Not an HTTP event at all: both builds fail it alike.
  expect_same_answer("hello", LIFT_HELLO, R"([1,2,3])");

  // AWS's own sample events of both API Gateway flavours.
  const fs::path samples = fs::path(LIFT_TESTDATA_DIR) / "events";
  if (!fs::is_directory(samples)) LIFT_SKIP_WITHOUT() << "no AWS sample events in " << samples.string();
  for (const auto* flavour : {"apigw-http", "apigw-rest"}) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(samples / flavour)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    ASSERT_FALSE(files.empty()) << flavour;
    files.resize(std::min<std::size_t>(files.size(), 3));
    for (const auto& file : files) {
      SCOPED_TRACE(file.string());
      std::ifstream in(file, std::ios::binary);
      const std::string event{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      expect_same_answer("hello", LIFT_HELLO, event);
    }
  }
}

TEST(Arm64Functions, TodoApiAnswersAsItsX86Build) {
  if (!fs::exists(arm64_function("todo-api"))) LIFT_SKIP_WITHOUT() << why_no_arm64_build("todo-api");
  if (!have_qemu()) LIFT_SKIP_WITHOUT() << "qemu-aarch64 is not installed (Debian: apt install qemu-user)";
  // The embedded DynamoDB engine, three todos stored at start-up: the list, the mapper, the
  // engine, validation and the error shape all run in the answer.
  const std::vector<std::string> environment{"LIFT_DYNAMODB_ENDPOINT=memory:", "TODO_SEED=3"};
  const auto todo = [&](const std::vector<std::string>& arguments) {
    return status_of(expect_same_answer("todo-api", LIFT_TODO_API, generated_event(arguments), environment));
  };
  const auto list = expect_same_answer("todo-api", LIFT_TODO_API, generated_event({"--path", "/todos"}), environment);
  EXPECT_EQ(status_of(list), 200);
  EXPECT_NE(list.find("todo 3"), std::string::npos) << list;
  EXPECT_EQ(todo({"--path", "/todos", "--query", "limit=2"}), 200);
  EXPECT_EQ(todo({"--path", "/todos", "--query", "limit=0"}), 400);
  EXPECT_EQ(todo({"--method", "POST", "--path", "/todos", "--header", "content-type: application/json", "--body",
                  R"({"title":"ship it on graviton","priority":2})"}),
            201);
  EXPECT_EQ(todo({"--method", "POST", "--path", "/todos", "--header", "content-type: application/json", "--body", R"({"title":""})"}),
            422);
  EXPECT_EQ(todo({"--method", "POST", "--path", "/todos", "--header", "content-type: application/json", "--body", "not json"}), 400);
  EXPECT_EQ(todo({"--path", "/todos/0190a8f2-0000-7000-8000-000000000000"}), 404);
  EXPECT_EQ(todo({"--path", "/health/live"}), 200);
}

}  // namespace
