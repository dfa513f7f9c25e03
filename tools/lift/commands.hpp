#pragma once
// Subcommands of the `lift` CLI. Each registers itself on the CLI11 app and runs when chosen;
// run functions return the process exit code.

#include <CLI/CLI.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "lift/core/result.hpp"

namespace lift::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFunctionError = 1;  // the function ran and reported an error
inline constexpr int kExitUsage = 2;          // bad arguments or input; nothing ran

// The help of a FUNCTION argument (function_path.hpp says how it is looked up).
inline constexpr const char* kFunctionHelp =
    "the function's executable, a directory with a bootstrap, or the name of a function built in the project's build "
    "directory (build/bin/examples/NAME, build/bin/NAME, build/NAME), found from any directory of the project";

// `--concurrency N` of lift invoke and lift dev: invocations the function runs at once
// (AWS_LAMBDA_MAX_CONCURRENCY, as on Lambda Managed Instances). Bounded so that a typo does not
// start hundreds of worker threads and connections.
inline constexpr unsigned kMaxConcurrency = 64;

// `lift invoke FUNCTION --event FILE|-`
void add_invoke_command(CLI::App& app, int& exit_code);
// `lift dev FUNCTION [--port 3000] [--api http|rest]`
void add_dev_command(CLI::App& app, int& exit_code);
// `lift events generate|list`
void add_events_command(CLI::App& app, int& exit_code);
// `lift aws sign|curl`
void add_aws_command(CLI::App& app, int& exit_code);
// `lift openapi FUNCTION`
void add_openapi_command(CLI::App& app, int& exit_code);
// The (METHOD, path) pairs of a lift::App function's OpenAPI document; empty when the
// function is not one or does not answer within `limit`.
std::vector<std::pair<std::string, std::string>> function_routes(const std::string& program, std::chrono::milliseconds limit);
// The OpenAPI document a lift::App function prints (LIFT_PRINT_OPENAPI=1), as JSON text; the
// error says why there is none (Cli.CannotRun: not started; Cli.NoOpenApi).
Result<std::string> function_openapi(const std::string& program, std::chrono::milliseconds limit);
// `lift ops FUNCTION [--format json|cloudformation]`: alarms and a dashboard for the function
void add_ops_command(CLI::App& app, int& exit_code);
// `lift package FUNCTION -o function.zip`
void add_package_command(CLI::App& app, int& exit_code);
// `lift doctor FUNCTION|ZIP`
void add_doctor_command(CLI::App& app, int& exit_code);
// `lift dynamorm contract|codegen`
void add_dynamorm_command(CLI::App& app, int& exit_code);
// `lift new NAME [--template http|sqs|websocket]`
void add_new_command(CLI::App& app, int& exit_code);

}  // namespace lift::cli
