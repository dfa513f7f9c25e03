// `lift package` and `lift doctor` end to end: the zip is read back by Python's zipfile (an
// independent reader), the stripped bootstrap is started by doctor, and broken bootstraps fail.

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>
#include <string_view>

#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "support/files.hpp"
#include "support/requirements.hpp"

namespace {

namespace fs = std::filesystem;
using lift::testing_support::run_command;
using ScratchDir = lift::testing_support::TempDir;

using lift::testing_support::read_file;

// python3 from PATH, or "" (posix_spawn does not search PATH).
std::string python() {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    const auto colon = dirs.find(':');
    const fs::path candidate = fs::path(std::string(dirs.substr(0, colon))) / "python3";
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
  }
  return "";
}

bool have_python() { return !python().empty() && run_command({python(), "-c", "import zipfile"}).exit_code == 0; }

TEST(LiftPackage, ZipsTheStrippedFunctionAsAnExecutableBootstrap) {
  ScratchDir dir;
  const auto zip = dir / "function.zip";
  auto packaged = run_command({LIFT_CLI, "package", LIFT_HELLO, "-o", zip.string()});
  ASSERT_EQ(packaged.exit_code, 0) << packaged.err;
  EXPECT_NE(packaged.out.find("bytes zipped"), std::string::npos) << packaged.out;
  ASSERT_TRUE(fs::exists(zip));
  EXPECT_LT(fs::file_size(zip), fs::file_size(LIFT_HELLO));

  // Deterministic: packaging again gives the same bytes.
  const auto again = dir / "again.zip";
  ASSERT_EQ(run_command({LIFT_CLI, "package", LIFT_HELLO, "-o", again.string()}).exit_code, 0);
  EXPECT_EQ(read_file(zip), read_file(again));

  if (!have_python()) LIFT_SKIP_WITHOUT() << "python3 is not available for the independent zip check";
  auto listing = run_command({python(), "-c",
                              "import sys, zipfile\n"
                              "z = zipfile.ZipFile(sys.argv[1])\n"
                              "assert z.testzip() is None\n"
                              "for i in z.infolist(): print(i.filename, oct(i.external_attr >> 16), i.file_size)\n",
                              zip.string()});
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_EQ(listing.out.rfind("bootstrap 0o100755 ", 0), 0u) << listing.out;
  EXPECT_EQ(listing.out.find('\n'), listing.out.size() - 1) << "one entry only: " << listing.out;
}

TEST(LiftPackage, RefusesTheWrongArchitectureAndScripts) {
  ScratchDir dir;
#if defined(__x86_64__)
  const char* other = "arm64";
#else
  const char* other = "x86_64";
#endif
  auto wrong = run_command({LIFT_CLI, "package", LIFT_HELLO, "--arch", other, "-o", (dir / "f.zip").string()});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("is built for"), std::string::npos) << wrong.err;
  EXPECT_FALSE(fs::exists(dir / "f.zip"));

  const auto script = dir / "bootstrap";
  std::ofstream(script) << "#!/bin/sh\nexec ./real\n";
  auto refused = run_command({LIFT_CLI, "package", script.string(), "-o", (dir / "s.zip").string()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("a script"), std::string::npos) << refused.err;
  EXPECT_EQ(run_command({LIFT_CLI, "package", "/nonexistent/function", "-o", (dir / "n.zip").string()}).exit_code, 2);
}

TEST(LiftDoctor, EveryPackagedExampleHasNoProblemsAndStarts) {
  std::vector<std::string> examples{LIFT_HELLO, LIFT_SQS_WORKER};
  examples.emplace_back(LIFT_TODO_API);  // static OpenSSL, the DynamoDB client and the engine
  for (const auto& example : examples) {
    SCOPED_TRACE(example);
    ScratchDir dir;
    const auto zip = dir / "function.zip";
    ASSERT_EQ(run_command({LIFT_CLI, "package", example, "-o", zip.string()}).exit_code, 0);
    auto report = run_command({LIFT_CLI, "doctor", zip.string()});
    EXPECT_EQ(report.exit_code, 0) << report.out << report.err;
    EXPECT_NE(report.out.find("ok       shared libraries: only glibc's"), std::string::npos) << report.out;
    EXPECT_NE(report.out.find("ok       glibc: needs at most"), std::string::npos) << report.out;
    // The stripped bootstrap, unpacked from the zip, serves an invocation.
    EXPECT_NE(report.out.find("ok       start: init"), std::string::npos) << report.out;
    EXPECT_NE(report.out.find("no problems found"), std::string::npos) << report.out;

    auto binary = run_command({LIFT_CLI, "doctor", example});
    EXPECT_EQ(binary.exit_code, 0) << binary.out;
  }
}

TEST(LiftDoctor, ExceptionsStillUnwindInAFunctionBuiltForOldGlibc) {
  // The probe function throws from its handler on request; the runtime catches it and reports
  // an error. That needs the unwinder, which lift_add_function serves with its own lookup.
  auto result = run_command({LIFT_CLI, "invoke", LIFT_PROBE_FUNCTION}, R"({"action":"throw"})");
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.out.find("probe was asked to throw"), std::string::npos) << result.out;
  auto report = run_command({LIFT_CLI, "doctor", "--no-start", LIFT_PROBE_FUNCTION});
  EXPECT_EQ(report.exit_code, 0) << report.out;
}

TEST(LiftDoctor, FindsAShellBootstrapASharedLibraryAndNewGlibc) {
  ScratchDir dir;
  fs::create_directories(dir / "wrapped");
  const auto script = dir / "wrapped" / "bootstrap";
  std::ofstream(script) << "#!/bin/sh\nexec ./function\n";
  fs::permissions(script, fs::perms::owner_all);
  auto wrapped = run_command({LIFT_CLI, "doctor", (dir / "wrapped").string()});
  EXPECT_EQ(wrapped.exit_code, 1) << wrapped.out;
  EXPECT_NE(wrapped.out.find("bootstrap is a script"), std::string::npos) << wrapped.out;

  // The CLI itself is an ordinary program: libstdc++ is a shared library there.
  auto dynamic = run_command({LIFT_CLI, "doctor", "--no-start", "--target", "provided.al2", LIFT_CLI});
  EXPECT_EQ(dynamic.exit_code, 1) << dynamic.out;
  EXPECT_NE(dynamic.out.find("shared library libstdc++.so.6 is not part of glibc"), std::string::npos) << dynamic.out;
  // Built on this machine, it needs a glibc newer than Amazon Linux 2's 2.26.
  EXPECT_NE(dynamic.out.find("newer than provided.al2's 2.26"), std::string::npos) << dynamic.out;

  if (!have_python()) LIFT_SKIP_WITHOUT() << "python3 is not available to build the bad zips";
  const auto bundled = dir / "bundled.zip";
  auto made = run_command({python(), "-c",
                           "import sys, zipfile\n"
                           "z = zipfile.ZipFile(sys.argv[1], 'w')\n"
                           "i = zipfile.ZipInfo('bootstrap'); i.external_attr = 0o100644 << 16\n"
                           "z.writestr(i, open(sys.argv[2], 'rb').read())\n"
                           "z.writestr('lib/libcrypto.so.3', b'not really')\n"
                           "z.writestr('lib/ld-linux-x86-64.so.2', b'not really')\n"
                           "z.close()\n",
                           bundled.string(), LIFT_HELLO});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto report = run_command({LIFT_CLI, "doctor", bundled.string()});
  EXPECT_EQ(report.exit_code, 1) << report.out;
  EXPECT_NE(report.out.find("lib/libcrypto.so.3 is a bundled shared library"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("lib/ld-linux-x86-64.so.2 is a bundled dynamic loader"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("bootstrap is not executable"), std::string::npos) << report.out;

  std::ofstream(dir / "garbage.zip") << "PK\x03\x04 and then nothing a zip needs";
  auto garbage = run_command({LIFT_CLI, "doctor", (dir / "garbage.zip").string()});
  EXPECT_EQ(garbage.exit_code, 1) << garbage.out;
  EXPECT_NE(garbage.out.find("error    zip:"), std::string::npos) << garbage.out;
  EXPECT_EQ(run_command({LIFT_CLI, "doctor", "/nonexistent/function.zip"}).exit_code, 2);
}

}  // namespace
