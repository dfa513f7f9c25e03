// lift: run, invoke, inspect and package Lambda functions locally.
#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"lift: build, run and test AWS Lambda functions written with lift"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lift 0.1.0");
  int exit_code = lift::cli::kExitOk;
  lift::cli::add_invoke_command(app, exit_code);
  lift::cli::add_dev_command(app, exit_code);
  lift::cli::add_events_command(app, exit_code);
  lift::cli::add_aws_command(app, exit_code);
  lift::cli::add_openapi_command(app, exit_code);
  lift::cli::add_ops_command(app, exit_code);
  lift::cli::add_package_command(app, exit_code);
  lift::cli::add_doctor_command(app, exit_code);
  lift::cli::add_dynamorm_command(app, exit_code);
  lift::cli::add_new_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : lift::cli::kExitUsage;
  }
  return exit_code;
}
